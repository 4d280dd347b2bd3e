"""``masa-docs diff``: what changed between two versions (a thin layer over masa_docs.diff)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import EXIT_OK, content_option, format_option, handle_errors


@click.command("diff")
@click.argument("old", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.argument("new", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--from", "rev_from", metavar="REV", help="Compare the content folder as it was at this git revision."
)
@click.option(
    "--to",
    "rev_to",
    metavar="REV",
    help="...with the content folder at this revision (default: as it is now).",
)
@content_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write changes.html, the redline and the marked-up documents into this folder.",
)
@format_option("text", "markdown", "json", help="How to print the facts that changed.")
@click.option("--no-pdf", is_flag=True, help="Do not make the PDFs (faster).")
@click.pass_context
@handle_errors
def diff(
    ctx: click.Context,
    old: Path | None,
    new: Path | None,
    rev_from: str | None,
    rev_to: str | None,
    content_dir: Path,
    out_dir: Path | None,
    fmt: str,
    no_pdf: bool,
) -> None:
    """Say what changed between two versions, and mark it up in the documents.

    OLD and NEW are each a content folder or a published folder (one with manifest.json;
    its content.json, from publish --record-content, gives the facts it was made from).
    Or compare git revisions of the content folder: --from v3.0 --to HEAD.

    Prints the facts that changed. With --out DIR it also writes changes.html (for the
    website), changes.md, agreement-changes.docx (Word tracked changes) and its PDF, and
    arrangements-, threshold- and yearly-report-changes.html and .pdf with the changes marked.
    """
    from .. import diff as lib

    quiet = bool(ctx.find_root().params.get("quiet"))
    if out_dir is not None:
        lib.check_out_dir(out_dir)
    with lib.temp_workdir() as tmp:
        a, b = lib.resolve_sides(
            old, new, rev_from=rev_from, rev_to=rev_to, content_dir=content_dir, workdir=Path(tmp)
        )
        if out_dir is None:
            facts = lib.compare_facts(a, b)
            result = lib.DiffResult(a, b, facts)
        else:
            result = lib.compare(
                a,
                b,
                pdf=not no_pdf,
                progress=None if quiet else lambda m: click.echo(f"making {m}", err=True),
            )
            written = result.write(out_dir)
    if fmt == "markdown":
        click.echo(lib.summary_markdown(result), nl=False)
    elif fmt == "json":
        click.echo(lib.facts_json(result), nl=False)
    else:
        click.echo(lib.summary_text(result), nl=False)
    if out_dir is not None and not quiet:
        click.echo(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {out_dir}.", err=True)
    ctx.exit(EXIT_OK)


COMMANDS: list[click.Command] = [diff]
