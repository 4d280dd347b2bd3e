"""``masa-docs lint-templates``: check the Word templates the legal advisers edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..wording import count
from ._common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, format_option, handle_errors, is_quiet


@click.command("lint-templates")
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The partnership's templates folder or its docx/ folder. Default: the shipped templates.",
)
@format_option("text", "json", help="text for people; json for editors and CI (the problems on stdout).")
@click.option(
    "--list-variables",
    is_flag=True,
    help="List the variables the templates can use, with an example from the content, and exit.",
)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Content folder for the examples of --list-variables. Default: the example partnership.",
)
@click.option(
    "--write-reference",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the template reference (docs/word-templates.md) to this file, and exit.",
)
@click.pass_context
@handle_errors
def lint_templates(
    ctx: click.Context,
    templates_dir: Path | None,
    fmt: str,
    list_variables: bool,
    content_dir: Path | None,
    write_reference: Path | None,
) -> None:
    """Check the Word templates: tag syntax, unclosed blocks, unknown variables, split tags.

    Each problem names the template, the paragraph or table cell (with the start of its text,
    to find it with Word's Find) and what to do. Exit code 1 when there is an error; warnings
    (e.g. a tag Word split into pieces) are shown but do not fail.
    """
    from ..example import example_dir
    from ..load import load_content
    from ..render.template_lint import lint_templates as lint
    from ..render.template_lint import reference_markdown, reference_text

    quiet = is_quiet(ctx)
    if write_reference is not None:
        text = reference_markdown(load_content(example_dir()))
        write_reference.parent.mkdir(parents=True, exist_ok=True)
        write_reference.write_text(text, encoding="utf-8")
        if not quiet:
            click.echo(f"wrote {write_reference}")
        return
    if list_variables:
        loaded = load_content(content_dir or example_dir())
        for line in reference_text(loaded):
            click.echo(line)
        return
    from ..render.template_lint import template_files

    if templates_dir is None:
        from ..render.agreement import templates_dir as default_dir

        folder = default_dir()
    else:
        from ..resources import user_template_dirs

        _html, docx = user_template_dirs(templates_dir)  # MasaError (exit 2) when it holds none
        folder = docx if docx is not None else templates_dir
    files = template_files(folder)
    if not files:
        message = f"no Word templates (*.docx) in {folder}: nothing was checked"
        hint = "pass the templates folder (holding docx/agreement.docx) or its docx/ folder"
        if fmt == "json":
            _echo_json(folder, [], [], message)
        click.secho(f"error: {message}", fg="red", err=True)
        click.echo(f"    hint: {hint}", err=True)
        ctx.exit(EXIT_INVALID)
    problems = lint(folder)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if fmt == "json":
        _echo_json(folder, files, problems, None)
        ctx.exit(EXIT_FAILED if errors else EXIT_OK)
    for p in problems:
        colour = "yellow" if p.severity == "warning" else "red"
        click.secho(p.format(), fg=colour, err=True)
    if not quiet or errors:
        summary = (
            f"{count(files, 'template')} checked in {folder}: "
            f"{count(errors, 'error')}, {count(warnings, 'warning')}."
        )
        click.secho(summary, fg="red" if errors else ("yellow" if warnings else "green"), err=bool(errors))
    ctx.exit(EXIT_FAILED if errors else EXIT_OK)


def _echo_json(folder: Path, files: list[Path], problems: list[Any], error: str | None) -> None:
    import json

    body = {
        "folder": str(folder),
        "templates": [f.name for f in files],
        "error": error,
        "errors": sum(1 for p in problems if p.severity == "error"),
        "warnings": sum(1 for p in problems if p.severity == "warning"),
        "problems": [
            {"file": p.file, "where": p.where, "message": p.message, "severity": p.severity} for p in problems
        ],
    }
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


COMMANDS: list[click.Command] = [lint_templates]
