"""Commands about content: validate, schema, init, schedule."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import EXIT_INVALID, content_option, handle_errors, print_diagnostics


@click.command()
@content_option
@handle_errors
def validate(content_dir: Path) -> None:
    """Check that the content is complete and well-formed.

    Reports every problem at once as FILE:LINE:COLUMN: FIELD: MESSAGE, with a hint.
    Exit code 0 when valid, 2 when not.
    """
    from ..load import load_content

    loaded = load_content(content_dir)
    from ..signing import stale_signature_diagnostics

    print_diagnostics(stale_signature_diagnostics(loaded))  # recorded signatures now stale
    c = loaded.content
    click.secho(f"{content_dir}: valid", fg="green", nl=False)
    click.echo(
        f" — {c.partnership.short_name}, {len(c.partnership.areas)} area(s), {len(c.partners)} partners, "
        f"{len(c.agencies.relevant_agencies)} relevant agencies, {len(c.reports)} yearly report(s); "
        f"fingerprint {loaded.short_fingerprint}"
    )


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
@handle_errors
def init(directory: Path, force: bool) -> None:
    """Start a new partnership folder from the shipped example.

    Edit the copied files, then run 'masa-docs validate --content DIRECTORY'.
    """
    from ..example import init_content

    files = init_content(directory, force=force)
    click.echo(f"Created {directory} with {len(files)} files from the example partnership.")
    click.echo(f"Next: edit them, then run: masa-docs validate --content {directory}")


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
