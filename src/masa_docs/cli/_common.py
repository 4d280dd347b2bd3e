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
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it

F = TypeVar("F", bound=Callable[..., Any])

content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="The content folder to read.",
)


def format_option(*choices: str, help: str) -> Callable[[F], F]:
    """``--format`` (the parameter ``fmt``): how a command prints its result, ``text`` by default."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default="text", show_default=True, help=help
    )


templates_option = click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The partnership's own templates folder (or its docx/ folder): its files "
    "(docx/agreement.docx, html/style.css) are used instead of the shipped ones.",
)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


quiet_option = click.option(
    "-q",
    "--quiet",
    "quiet_here",
    is_flag=True,
    help="Print only problems (same as 'masa-docs -q COMMAND').",
)


def is_quiet(ctx: click.Context | None = None, quiet_here: bool = False) -> bool:
    """True when -q was given before or after the command name."""
    ctx = ctx or click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return quiet_here or bool(root and root.obj and root.obj.get("quiet"))


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
        except KeyboardInterrupt:
            click.secho("interrupted.", fg="yellow", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (e.g. '| head'): stop quietly, as Unix tools do.
            _silence_stdout()
            sys.exit(EXIT_OK)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            ctx = click.get_current_context(silent=True)
            if ctx is not None and ctx.find_root().params.get("debug"):
                raise
            click.secho(f"internal error: {type(exc).__name__}: {exc}", fg="red", err=True)
            click.echo("    This is a bug in masa-docs. Run again with --debug for the traceback.", err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]
