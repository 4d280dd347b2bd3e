"""Commands of the publish stage: ``publish`` (everything into build/) and ``build`` (one output)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..documents import DOCUMENTS, FORMATS
from ._common import EXIT_FAILED, content_option, handle_errors

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
    "--period", help="The yearly report's period, e.g. 2025-26 (default: the latest in the content)."
)


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("quiet"))


def _size(n: int) -> str:
    from ..publish import human_size

    return human_size(n)


def _done_line(o: OutputResult) -> str:
    pages = f"{o.pages} pages" if o.pages else ""
    return f"  {o.file:<22} {pages:>9}  {_size(o.size):>9}  {o.seconds:5.1f} s"


def _skipped_line(s: SkippedOutput) -> str:
    return f"  {s.file:<22} skipped: {s.reason}"


def _echo_skipped(s: SkippedOutput) -> None:
    click.secho(_skipped_line(s), fg="yellow", err=True)
    if s.hint:
        click.echo(f"    hint: {s.hint}", err=True)


def summary_table(outputs: list[OutputResult]) -> list[str]:
    """Rows of the summary printed after a publish: document, format, pages, size, seconds."""
    head = f"{'document':<16} {'format':<6} {'pages':>5} {'size':>9} {'seconds':>8}"
    lines = [head, "-" * len(head)]
    for o in outputs:
        pages = str(o.pages) if o.pages else "-"
        lines.append(f"{o.doc:<16} {o.fmt:<6} {pages:>5} {_size(o.size):>9} {o.seconds:8.1f}")
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
@click.option(
    "--signed",
    "signed_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of signed copies to publish (default: signed/ beside the content). Never written.",
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
    signed_dir: Path | None,
) -> None:
    """Build every document in every format into the output folder (what 'make publish' runs).

    Writes <document>.html, .pdf and .docx, an index.html linking them and a manifest.json
    (sha256 of every file, the content fingerprint, the tool version). The content is checked
    first. The folder is replaced only when everything was built: a failed build leaves the
    previous one untouched. Outputs that need a missing tool (e.g. LibreOffice) are skipped
    with a hint.
    """
    from ..publish import publish as run_publish

    quiet = _quiet()
    started = False

    def progress(ev: ProgressEvent) -> None:
        nonlocal started
        if not started and not quiet:  # the content is valid: say what is being built
            started = True
            plural = "s" if ev.total != 1 else ""
            click.echo(f"Publishing {ev.total} output{plural} from {content_dir} into {out_dir}")
        if ev.kind == "done" and ev.output is not None and not quiet:
            click.echo(_done_line(ev.output))
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
        signed_dir=signed_dir,
    )
    if not quiet:
        click.echo("")
        for line in summary_table(result.outputs):
            click.echo(line)
        for copy in result.signed:
            click.echo(f"Signed copy {copy.site_name} (from {copy.source}): {copy.status}")
        written = len(result.outputs) + 2 + len(result.signed)  # plus index.html and manifest.json
        click.secho(
            f"Wrote {written} files to {out_dir} in {result.seconds:.1f} s "
            f"({result.workers} worker{'s' if result.workers != 1 else ''}); "
            f"content fingerprint {result.fingerprint[:16]}.",
            fg="green",
        )
        if result.skipped:
            click.echo(f"{len(result.skipped)} output(s) skipped: see the hints above.")
        if result.compliance:
            click.echo(f"{result.compliance} Details: masa-docs check")
    if result.a11y:
        for problem in result.a11y:
            click.secho(str(problem), fg="red", err=True)
        click.secho(f"{len(result.a11y)} accessibility problem(s) found.", fg="red", err=True)
        raise SystemExit(EXIT_FAILED)
    if a11y and not quiet:
        click.secho("Accessibility checks passed.", fg="green")


@click.command()
@content_option
@out_option
@click.option("--doc", "doc", required=True, type=click.Choice(list(DOCUMENTS)), help="The document.")
@click.option("--format", "fmt", required=True, type=click.Choice(list(FORMATS)), help="The format.")
@period_option
@handle_errors
def build(content_dir: Path, out_dir: Path, doc: str, fmt: str, period: str | None) -> None:
    """Build one document in one format into the output folder (other files are left alone)."""
    from ..publish import SkippedOutput, build_one

    result = build_one(content_dir, out_dir, doc=doc, fmt=fmt, period=period)
    if isinstance(result, SkippedOutput):
        _echo_skipped(result)
        raise SystemExit(EXIT_FAILED)
    if not _quiet():
        click.echo(_done_line(result))
        click.secho(f"Wrote {out_dir / result.file}", fg="green")


COMMANDS: list[click.Command] = [publish, build]
