"""What every command shares: options, error reporting, exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..errors import ContentError, Diagnostic, MasaError
from ..wording import count

EXIT_OK = 0
EXIT_FAILED = 1  # a check or lint found problems
EXIT_INVALID = 2  # content (or usage) is invalid

F = TypeVar("F", bound=Callable[..., Any])

content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="The content folder to read.",
)


def print_diagnostics(diags: list[Diagnostic]) -> None:
    for d in diags:
        color = "yellow" if d.severity == "warning" else "red"
        click.secho(d.location() + ": ", fg=color, nl=False, err=True)
        rest = d.format()[len(d.location()) + 2 :]
        click.echo(rest, err=True)


def fail_content(exc: ContentError) -> NoReturn:
    print_diagnostics(exc.diagnostics)
    n = sum(1 for d in exc.diagnostics if d.severity == "error")
    click.secho(f"{count(n, 'problem')} found.", fg="red", err=True)
    sys.exit(EXIT_INVALID)


def handle_errors(func: F) -> F:
    """Turn library errors into messages and exit codes; keep tracebacks for real bugs."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ContentError as exc:
            fail_content(exc)
        except MasaError as exc:
            click.secho(f"error: {exc.message}", fg="red", err=True)
            if exc.hint:
                click.echo(f"    hint: {exc.hint}", err=True)
            sys.exit(EXIT_INVALID)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            ctx = click.get_current_context(silent=True)
            if ctx is not None and ctx.find_root().params.get("debug"):
                raise
            click.secho(f"internal error: {type(exc).__name__}: {exc}", fg="red", err=True)
            click.echo("    This is a bug in masa-docs. Run again with --debug for the traceback.", err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]
