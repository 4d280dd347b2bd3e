"""Commands of the compliance check: ``check`` and ``rules``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ._common import EXIT_FAILED, EXIT_OK, content_option, format_option, handle_errors, print_diagnostics

EDITION_CHOICES = ["wt2023", "wt2018"]  # masa_docs.rules.EDITIONS, kept here so --help stays light


def _style(text: str, status: str) -> str:
    colour = {"fail": "red", "pass": "green", "soon": "yellow", "manual": "yellow"}.get(status)
    return click.style(text, fg=colour, bold=status == "fail") if colour else text


@click.command("check")
@content_option
@format_option(
    "text",
    "markdown",
    "json",
    help="text: a table for the terminal; markdown: for an issue or pull request; json: for tools "
    "(validated by the schema shipped as masa_docs/data/check-report.schema.json).",
)
@click.option("--strict", is_flag=True, help="Fail when any 'should' rule is not met, not only a 'must'.")
@click.option(
    "--edition",
    type=click.Choice(EDITION_CHOICES),
    help="The Working Together edition to check against. Default: 'edition' in partnership.yaml.",
)
@click.option("--period", help="The yearly report to check, e.g. 2025-26. Default: the latest.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date deadlines are measured from (YYYY-MM-DD). Default: the real date. Use it for "
    "reproducible output; it never changes whether a rule is met.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the report to this file.",
)
@handle_errors
def check(
    content_dir: Path,
    fmt: str,
    strict: bool,
    edition: str | None,
    period: str | None,
    today: dt.datetime | None,
    out_file: Path | None,
) -> None:
    """Check the content against the statutory requirements (Working Together, Children Act 2004).

    Every rule of the edition's rule pack, and any local rules in content/rules.yaml, is
    evaluated against the content: each row gives the rule, whether it is met, its level
    (must: a legal duty; should: guidance), how sure its citation is (verified, partial,
    unverified) and where in the content it was checked. Then the problems, with hints, and the
    deadlines (past, or within 30 days, are warnings).

    Exit codes: 0 every 'must' rule is met (with --strict: every rule); 1 a rule is not met;
    2 the content (or content/rules.yaml) is invalid.
    """
    from ..check import format_markdown, format_text, run_check
    from ..load import load_content

    loaded = load_content(content_dir)
    from ..signing import stale_signature_diagnostics

    print_diagnostics(stale_signature_diagnostics(loaded))  # stderr: recorded signatures now stale
    report = run_check(
        loaded,
        edition=edition,
        period=period,
        strict=strict,
        today=today.date() if today else None,
    )
    if fmt == "json":
        text = report.to_json()
        click.echo(text, nl=False)
    elif fmt == "markdown":
        text = format_markdown(report)
        click.echo(text, nl=False)
    else:
        text = format_text(report)
        click.echo(format_text(report, style=_style), nl=False)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(text, encoding="utf-8")
    raise SystemExit(EXIT_OK if report.passed else EXIT_FAILED)


@click.command("rules")
@click.option(
    "--edition",
    type=click.Choice(EDITION_CHOICES),
    default="wt2023",
    show_default=True,
    help="The rule pack to list.",
)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also list the local rules in this content folder's rules.yaml.",
)
@format_option("text", "json", help="text: for reading; json: every field of every rule, for tools.")
@handle_errors
def rules_cmd(edition: str, content_dir: Path | None, fmt: str) -> None:
    """List the rules of a rule pack: id, level, citation confidence, documents and requirement.

    Add local rules in content/rules.yaml (see the README, "Compliance check").
    """
    from ..check import CONFIDENCE_WORDS
    from ..rules import load_local_rules, load_pack, rules_json

    pack = load_pack(edition)
    rules = list(pack.rules)
    if content_dir is not None:
        rules += list(load_local_rules(content_dir, frozenset(pack.ids)).rules)
    if fmt == "json":
        click.echo(rules_json(pack, rules), nl=False)
        return
    for r in rules:
        flags = [r.level, CONFIDENCE_WORDS[r.confidence]]
        if not r.in_force:
            flags.append("not yet in force")
        if r.origin == "local":
            flags.append("local rule")
        click.echo(f"{r.id}  ({', '.join(flags)}; {', '.join(r.docs)})")
        click.echo(f"    {r.requirement}")
        click.echo(f"    Source: {r.source}")
    click.echo(f"{len(rules)} rules ({pack.title}).")


COMMANDS: list[click.Command] = [check, rules_cmd]
