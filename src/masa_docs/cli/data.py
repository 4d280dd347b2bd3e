"""Commands that bring information in and take it out: ``data export``, ``data import``, ``deadlines``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ._common import EXIT_INVALID, content_option, format_option, handle_errors, print_diagnostics

_period_option = click.option("--period", help="The yearly report's data set, e.g. 2025-26.")
_year_option = click.option("--year", help="The funding.yaml year's contributions, e.g. 2025-26.")


def _one_of(period: str | None, year: str | None) -> None:
    if (period is None) == (year is None):
        click.secho("error: give either --period (the data set) or --year (the budget)", fg="red", err=True)
        click.echo(
            "    hint: e.g. --period 2025-26 for reports/2025-26.yaml, --year 2025-26 for funding.yaml",
            err=True,
        )
        sys.exit(EXIT_INVALID)


@click.group("data")
def data() -> None:
    """Exchange the data set and the budget with spreadsheets (.xlsx or .csv).

    'data export' writes a workbook for the people who hold the figures; 'data import' reads it
    back and changes only the figures, keeping the YAML file's comments and order.
    """


@data.command("export")
@content_option
@_period_option
@_year_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The file to write: .xlsx (a workbook with a sheet per metric owner) or .csv.",
)
@handle_errors
def export_cmd(content_dir: Path, period: str | None, year: str | None, out_file: Path) -> None:
    """Write the data set of a yearly report (--period) or a year's budget contributions (--year).

    The workbook has read-only definition columns (the sheet is protected), a column per quarter or
    value date, targets and comparators, data validation on every figure and a Notes sheet.
    """
    from ..load import load_content
    from ..spreadsheet import export_budget, export_metrics

    _one_of(period, year)
    loaded = load_content(content_dir)
    if period is not None:
        sheets = export_metrics(loaded, period, out_file)
        click.echo(
            f"wrote {out_file} ({len(sheets)} sheet{'s' if len(sheets) != 1 else ''}: {', '.join(sheets)})"
        )
    else:
        assert year is not None
        export_budget(loaded, year, out_file)
        click.echo(f"wrote {out_file} (contributions for {year})")


@data.command("import")
@click.argument("table", type=click.Path(path_type=Path, dir_okay=False))
@content_option
@_period_option
@_year_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@handle_errors
def import_cmd(table: Path, content_dir: Path, period: str | None, year: str | None, dry_run: bool) -> None:
    """Read figures from TABLE (.xlsx or .csv) into reports/<period>.yaml or funding.yaml.

    Only figures change. An empty cell means "not known" and is never read as 0. Every bad cell
    is reported as FILE!Sheet!C7 with exit code 2, and then nothing is written.
    """
    from ..load import load_content
    from ..spreadsheet import import_budget, import_metrics

    _one_of(period, year)
    loaded = load_content(content_dir)
    if period is not None:
        result = import_metrics(loaded, period, table, dry_run=dry_run)
    else:
        assert year is not None
        result = import_budget(loaded, year, table, dry_run=dry_run)
    print_diagnostics(result.warnings)
    try:
        shown = result.path.relative_to(Path.cwd())
    except ValueError:
        shown = result.path
    if result.empty_cells:
        e = result.empty_cells
        click.echo(
            f"{e} empty cell{'s' if e != 1 else ''}: not known, so nothing was written for "
            f"{'them' if e != 1 else 'it'} (never 0)"
        )
    n = len(result.changes)
    if not n:
        click.echo(f"{shown}: no figures changed")
        return
    for change in result.changes:
        click.echo(f"  {change.describe()}")
    verb = "would change" if dry_run else "changed"
    click.echo(f"{shown}: {verb} {n} figure{'s' if n != 1 else ''}")
    if not result.layout_kept and not dry_run:
        click.secho(
            f"note: {shown} was laid out in a way masa-docs could not reproduce exactly; its indentation "
            "was normalised (comments and order are kept)",
            fg="yellow",
            err=True,
        )


@click.command("deadlines")
@content_option
@format_option(
    "text",
    "json",
    "ics",
    help="text: a table; json: for tools; ics: an iCalendar file for Outlook and other calendars.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date deadlines are measured from (YYYY-MM-DD), as in 'check'. Default: the real date. "
    "The calendar's events do not depend on it, except which past dates are still listed.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of standard output.",
)
@handle_errors
def deadlines_cmd(content_dir: Path, fmt: str, today: dt.datetime | None, out_file: Path | None) -> None:
    """List the deadlines 'check' finds, or write them as calendar events.

    With --format ics each deadline is an all-day event with a stable id (importing it again
    updates rather than duplicates) and a reminder 30 days before:

        masa-docs deadlines --format ics > masa.ics
    """
    from ..calendar_export import deadline_list, to_ics, to_json, to_text
    from ..load import load_content

    loaded = load_content(content_dir)
    items = deadline_list(loaded, today.date() if today else dt.date.today())
    if fmt == "ics":
        data = to_ics(loaded, items)
        if out_file is not None:
            from ..yaml_edit import write_atomic_bytes

            write_atomic_bytes(out_file, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    text = to_json(loaded, items) if fmt == "json" else to_text(items)
    if out_file is not None:
        from ..yaml_edit import write_atomic

        write_atomic(out_file, text)
    else:
        click.echo(text, nl=False)


COMMANDS: list[click.Command] = [data, deadlines_cmd]
