"""Commands of the publish stage: ``publish`` (everything into build/) and ``build`` (one output)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..documents import DOCUMENTS, FORMATS
from ..wording import count
from ._common import EXIT_FAILED, content_option, handle_errors, is_quiet, quiet_option, templates_option

if TYPE_CHECKING:
    from ..publish import OutputResult, ProgressEvent, SkippedOutput

out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="The folder to write into.",
)
period_option = click.option(
    "--period",
    help="Only this yearly report period, e.g. 2025-26 (default: publish builds every period; "
    "build, the latest).",
)


def _quiet(quiet_here: bool = False) -> bool:
    return is_quiet(None, quiet_here)


def _size(n: int) -> str:
    from ..publish import human_size

    return human_size(n)


def _done_line(o: OutputResult) -> str:
    pages = f"{o.pages} pages" if o.pages else ""
    return f"  {o.file:<28} {pages:>9}  {_size(o.size):>9}  {o.seconds:5.1f} s"


def _unchanged_line(o: OutputResult) -> str:
    return f"  {o.file:<28} unchanged"


def _skipped_line(s: SkippedOutput) -> str:
    return f"  {s.file:<28} skipped: {s.reason}"


def _echo_skipped(s: SkippedOutput) -> None:
    click.secho(_skipped_line(s), fg="yellow", err=True)
    if s.hint:
        click.echo(f"    hint: {s.hint}", err=True)


def summary_table(outputs: list[OutputResult], unchanged: list[OutputResult] | None = None) -> list[str]:
    """Rows of the summary printed after a publish: document, format, pages, size, seconds (or
    "unchanged" for an output not built again)."""
    head = f"{'document':<28} {'format':<6} {'pages':>5} {'size':>9} {'seconds':>9}"
    lines = [head, "-" * len(head)]
    rows = [(o, f"{o.seconds:9.1f}") for o in outputs] + [(o, f"{'unchanged':>9}") for o in unchanged or []]
    for o, seconds in rows:
        pages = str(o.pages) if o.pages else "-"
        stem = o.file.rsplit(".", 1)[0]  # yearly-report-2024-25, threshold-avonford...
        lines.append(f"{stem:<28} {o.fmt:<6} {pages:>5} {_size(o.size):>9} {seconds}")
    return lines


@click.command()
@content_option
@out_option
@click.option(
    "--doc",
    "docs",
    multiple=True,
    type=click.Choice(list(DOCUMENTS)),
    help="Publish only this document (repeatable). Default: all.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Publish only this format (repeatable). Default: all.",
)
@period_option
@click.option("--a11y", is_flag=True, help="Also run the accessibility checks on the outputs.")
@click.option("--jobs", type=click.IntRange(min=1), help="Documents rendered at once (default: the cores).")
@templates_option
@quiet_option
@click.option(
    "--signed",
    "signed_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of signed copies to publish (default: signed/ beside the content). Never written.",
)
@click.option(
    "--record-content",
    is_flag=True,
    help="Also write content.json: every fact of the content as JSON, so that masa-docs diff can "
    "compare this folder with another fact by fact. It holds facts no document prints (e.g. a "
    "review not yet in any report): use it only when all of the content may be published.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Build every selected output again, even those whose content, templates and masa-docs "
    "version are unchanged since they were built.",
)
@handle_errors
def publish(
    content_dir: Path,
    out_dir: Path,
    docs: tuple[str, ...],
    formats: tuple[str, ...],
    period: str | None,
    a11y: bool,
    jobs: int | None,
    templates_dir: Path | None,
    quiet_here: bool,
    signed_dir: Path | None,
    force: bool,
    record_content: bool,
) -> None:
    """Build every document in every format into the output folder (what 'make publish' runs).

    Writes <document>.html, .pdf and .docx, an index.html linking them and a manifest.json
    (sha256 of every file, the content fingerprint, the tool version). The content is checked
    first. Only files masa-docs made there (those in manifest.json) are replaced: a signed/
    folder or any other file of yours is kept. With --doc/--format, just those outputs are
    rebuilt and the others kept. A failed build changes nothing. An output that needs a missing
    tool (e.g. LibreOffice) keeps its previous file, marked out of date, or is skipped with a
    hint. An output made from the same content, templates and masa-docs version as the file
    already there is not built again ("unchanged"); --force builds it all the same. When
    nothing publish reads (content, signed copies, templates, masa-docs) has changed since the
    last publish into the folder, it says so at once without reading the content.
    """
    from ..publish import publish as run_publish

    quiet = _quiet(quiet_here)
    started = False

    def progress(ev: ProgressEvent) -> None:
        nonlocal started
        if not started and not quiet:  # the content is valid: say what is being built
            started = True
            click.echo(f"Publishing {count(ev.total, 'output')} from {content_dir} into {out_dir}")
        if ev.kind == "done" and ev.output is not None and not quiet:
            click.echo(_done_line(ev.output))
        elif ev.kind == "unchanged" and ev.output is not None and not quiet:
            click.echo(_unchanged_line(ev.output))
        elif ev.kind == "skipped" and ev.skipped is not None:
            _echo_skipped(ev.skipped)

    result = run_publish(
        content_dir,
        out_dir,
        docs=docs or None,
        formats=formats or None,
        period=period,
        a11y=a11y,
        progress=progress,
        workers=jobs,
        templates=templates_dir,
        signed_dir=signed_dir,
        force=force,
        record_content=record_content,
    )
    if not quiet:
        click.echo("")
        for line in summary_table(result.outputs, result.unchanged):
            click.echo(line)
        for copy in result.signed:
            click.echo(f"Signed copy {copy.site_name} (from {copy.source}): {copy.status}")
        if result.up_to_date:
            click.secho(
                f"Nothing to write: {out_dir} is up to date ({result.seconds:.1f} s); "
                f"content fingerprint {result.fingerprint[:16]}.",
                fg="green",
            )
        else:
            # plus index.html and manifest.json (and content.json)
            written = len(result.outputs) + 2 + len(result.signed) + (1 if record_content else 0)
            workers = f" ({count(result.workers, 'worker')})" if result.workers else ""
            click.secho(
                f"Wrote {count(written, 'file')} to {out_dir} in {result.seconds:.1f} s{workers}; "
                f"content fingerprint {result.fingerprint[:16]}.",
                fg="green",
            )
        if result.unchanged:
            same = len(result.unchanged)
            click.echo(
                f"{count(same, 'output')} {'was' if same == 1 else 'were'} unchanged and not built again "
                "(--force builds them all the same)."
            )
        fresh = len(result.kept) - len(result.stale)
        if fresh:
            click.echo(
                f"Kept {count(fresh, 'earlier output')} that {'is' if fresh == 1 else 'are'} up to date."
            )
        if result.removed:
            click.echo(f"Removed {', '.join(result.removed)}: the content no longer makes them.")
        if result.skipped:
            click.echo(f"{count(result.skipped, 'output')} skipped: see the hints above.")
    for name, why in result.stale:
        click.secho(f"  {name:<28} kept, out of date: {why}", fg="yellow", err=True)
    if not quiet and result.compliance:
        click.echo(f"{result.compliance} Details: masa-docs check")
    if not quiet:
        for line in result.status:
            click.echo(line)
    if result.a11y:
        for problem in result.a11y:
            click.secho(str(problem), fg="red", err=True)
        click.secho(f"{count(result.a11y, 'accessibility problem')} found.", fg="red", err=True)
        raise SystemExit(EXIT_FAILED)
    if a11y and not quiet:
        click.secho("Accessibility checks passed.", fg="green")


@click.command()
@content_option
@out_option
@click.option("--doc", "doc", required=True, type=click.Choice(list(DOCUMENTS)), help="The document.")
@click.option("--format", "fmt", required=True, type=click.Choice(list(FORMATS)), help="The format.")
@period_option
@templates_option
@quiet_option
@handle_errors
def build(
    content_dir: Path,
    out_dir: Path,
    doc: str,
    fmt: str,
    period: str | None,
    templates_dir: Path | None,
    quiet_here: bool,
) -> None:
    """Build one document in one format into the output folder and update its index.html and
    manifest.json; other files are left alone."""
    from ..publish import SkippedOutput, build_one

    result = build_one(content_dir, out_dir, doc=doc, fmt=fmt, period=period, templates=templates_dir)
    if isinstance(result, SkippedOutput):
        _echo_skipped(result)
        raise SystemExit(EXIT_FAILED)
    if not _quiet(quiet_here):
        click.echo(_done_line(result))
        click.secho(f"Wrote {out_dir / result.file}", fg="green")


COMMANDS: list[click.Command] = [publish, build]
