"""Commands about content: validate, schema, init, schedule."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click

from ..wording import count
from ._common import EXIT_INVALID, content_option, format_option, handle_errors, print_diagnostics


@click.command()
@content_option
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings as errors: placeholder or hollow text ('N/A', 'TBC', 'See our website.', ...) "
    "and hard-to-read plain-language text.",
)
@format_option(
    "text",
    "json",
    help="text for people; json for editors and CI (every problem with file, line, column, field).",
)
@handle_errors
def validate(content_dir: Path, strict: bool, fmt: str) -> None:
    """Check that the content is complete and well-formed.

    Reports every problem at once as FILE:LINE:COLUMN: FIELD: MESSAGE, with a hint.
    Placeholder or hollow text and hard-to-read plain-language text are warnings: they do not
    change the exit code unless --strict is given. Exit code 0 when valid, 2 when not.
    """
    from ..errors import ContentError
    from ..load import load_content
    from ..readability import plain_language_diagnostics
    from ..substance import hollow_diagnostics

    if fmt == "json":
        try:
            loaded = load_content(content_dir)
        except ContentError as exc:
            _echo_validation_json(content_dir, None, exc.diagnostics)
            raise SystemExit(EXIT_INVALID) from None
        found = [*hollow_diagnostics(loaded, strict=strict), *plain_language_diagnostics(loaded)]
        if strict:
            found = [dataclasses.replace(w, severity="error") for w in found]
        _echo_validation_json(content_dir, None if strict and found else loaded.fingerprint, found)
        if strict and found:
            raise SystemExit(EXIT_INVALID)
        return
    loaded = load_content(content_dir)
    from ..signing import stale_signature_diagnostics

    print_diagnostics(stale_signature_diagnostics(loaded))  # recorded signatures now stale
    c = loaded.content
    warnings = [*hollow_diagnostics(loaded, strict=strict), *plain_language_diagnostics(loaded)]
    if warnings and strict:
        raise ContentError([dataclasses.replace(w, severity="error") for w in warnings])
    if warnings:
        print_diagnostics(warnings)
        n = len(warnings)
        click.secho(
            f"{n} warning{'s' if n != 1 else ''} (use --strict to fail on them).", fg="yellow", err=True
        )
    click.secho(f"{content_dir}: valid", fg="green", nl=False)
    click.echo(
        f" — {c.partnership.short_name}, {count(c.partnership.areas, 'area')}, "
        f"{count(c.partners, 'partner')}, "
        f"{count(c.agencies.relevant_agencies, 'relevant agency')}, {count(c.reports, 'yearly report')}; "
        f"fingerprint {loaded.short_fingerprint}"
    )


def _echo_validation_json(content_dir: Path, fingerprint: str | None, diags: list[Any]) -> None:
    body = {
        "content": str(content_dir),
        "valid": fingerprint is not None,
        "fingerprint": fingerprint,
        "problems": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "field": d.field_path,
                "message": d.message,
                "hint": d.hint,
                "severity": d.severity,
            }
            for d in diags
        ],
    }
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


@click.command()
@click.argument("name", required=False)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one NAME.schema.json per content file into this folder.",
)
@handle_errors
def schema(name: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema of a content file, for editor completion.

    NAME is a content file without .yaml (e.g. partners, funding) or 'report' for
    reports/<period>.yaml. With --out, write every schema to a folder. See the README for
    using them with a YAML language server.
    """
    from ..schema import schema_names, topic_schema, write_schemas

    if out_dir is not None:
        for path in write_schemas(out_dir):
            click.echo(f"wrote {path}")
        return
    if name is None:
        click.echo("Content files with a schema: " + ", ".join(schema_names()))
        click.echo("Run 'masa-docs schema NAME' or 'masa-docs schema --out DIR'.")
        return
    if name not in schema_names():
        from ..errors import did_you_mean

        click.secho(f"error: no content file named '{name}'", fg="red", err=True)
        click.echo(
            "    hint: " + (did_you_mean(name, schema_names()) or "one of: " + ", ".join(schema_names())),
            err=True,
        )
        raise SystemExit(EXIT_INVALID)
    click.echo(json.dumps(topic_schema(name), indent=2, sort_keys=True))


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files in a folder that is not empty.")
@click.option(
    "--with-templates",
    is_flag=True,
    help="Make a partnership folder instead: DIRECTORY/content, DIRECTORY/templates (the agreement "
    "template and stylesheet, to own and edit) and DIRECTORY/masa-docs.toml naming them.",
)
@click.option(
    "--from",
    "from_docx",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Start from the partnership's current arrangements in Word (.docx) instead of the example.",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="With --from: the edited DIRECTORY/from-word/mapping.yaml saying which section each Word "
    "heading goes to.",
)
@handle_errors
def init(
    directory: Path, force: bool, with_templates: bool, from_docx: Path | None, mapping: Path | None
) -> None:
    """Start a new partnership folder from the shipped example, or from a Word document.

    Edit the copied files, then run 'masa-docs validate --content DIRECTORY'. With
    --with-templates, run masa-docs inside DIRECTORY: masa-docs.toml names the folders.

    With --from FILE.docx, the document's sections become the narrative Markdown files, placed
    by their headings; the placing is printed and written to from-word/mapping.yaml, and text
    that could not be placed goes into from-word/unplaced.md. The YAML facts start empty:
    'validate' lists what to fill in.
    """
    if from_docx is not None:
        if with_templates:
            raise click.UsageError("--from and --with-templates cannot be used together")
        _init_from_docx(directory, from_docx, mapping, force)
        return
    if mapping is not None:
        raise click.UsageError("--mapping needs --from FILE.docx")
    from ..example import init_content, init_partnership

    if with_templates:
        files = init_partnership(directory, force=force)
        click.echo(
            f"Created {directory} with {len(files)} files: content/ (the example partnership), "
            "templates/ (docx/agreement.docx and html/style.css, yours to edit) and masa-docs.toml."
        )
        click.echo(f"Next: cd {directory}, edit the files, then run: masa-docs validate")
        return
    files = init_content(directory, force=force)
    click.echo(f"Created {directory} with {len(files)} files from the example partnership.")
    click.echo(f"Next: edit them, then run: masa-docs validate --content {directory}")


def _init_from_docx(directory: Path, source: Path, mapping: Path | None, force: bool) -> None:
    from ..import_docx import init_from_docx, summary_lines

    result = init_from_docx(source, directory, mapping=mapping, force=force)
    for line, note in summary_lines(result, source, directory):
        click.secho(line, fg="yellow" if note else None)


@click.command("schedule")
@handle_errors
def schedule_cmd() -> None:
    """List the relevant-agency categories (schedule of SI 2018/789) used in agencies.yaml.

    Categories marked 'unverified' were not confirmed against the primary text.
    """
    from ..model.schedule import schedule

    for cat in schedule().values():
        para = f"para {cat.para}" if cat.para else "para ?"
        mark = "" if cat.verified else f"  (unverified: {cat.confidence} confidence)"
        click.echo(f"{cat.key:<58} {para:<8} {cat.label}{mark}")


COMMANDS: list[click.Command] = [validate, schema, init, schedule_cmd]
