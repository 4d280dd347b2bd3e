"""``masa-docs lint-templates``: check the Word templates the legal advisers edit."""

from __future__ import annotations

from pathlib import Path

import click

from ..wording import count
from ._common import EXIT_FAILED, EXIT_OK, handle_errors


@click.command("lint-templates")
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The folder of Word templates to check. Default: templates/docx of masa-docs.",
)
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

    quiet = bool(ctx.find_root().obj and ctx.find_root().obj.get("quiet"))
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
    if templates_dir is None:
        from ..render.agreement import templates_dir as default_dir

        templates_dir = default_dir()
    from ..render.template_lint import template_files

    files = template_files(templates_dir)
    problems = lint(templates_dir)
    for p in problems:
        colour = "yellow" if p.severity == "warning" else "red"
        click.secho(p.format(), fg=colour, err=True)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if not files:
        click.secho(f"no Word templates (*.docx) in {templates_dir}", fg="yellow", err=True)
    elif not quiet or errors:
        summary = (
            f"{count(files, 'template')} checked: {count(errors, 'error')}, {count(warnings, 'warning')}."
        )
        click.secho(summary, fg="red" if errors else ("yellow" if warnings else "green"), err=bool(errors))
    ctx.exit(EXIT_FAILED if errors else EXIT_OK)


COMMANDS: list[click.Command] = [lint_templates]
