"""The serve command: a live preview and a form editor in the browser."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from ._common import content_option, handle_errors


@click.command()
@content_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port (0: any free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The interface to listen on. Anything but the loopback interface lets other computers "
    "edit your content: use it only on a network you trust.",
)
@click.option("--no-open", is_flag=True, help="Do not open the browser.")
@handle_errors
def serve(content_dir: Path, port: int, host: str, no_open: bool) -> None:
    """Preview the documents and edit the content in the browser.

    Starts a local web server that shows the arrangements, threshold and yearly report as web
    pages, updated as soon as a content file or template changes, the compliance check with
    the deadlines, and a form for each content file. Forms check what you type with the
    messages of 'masa-docs validate' and save only valid content, keeping the files' comments.
    Stop it with Ctrl+C.
    """
    from ..errors import MasaError
    from ..serve import EditorApp, LiveServer
    from ..serve.server import is_loopback

    if not content_dir.is_dir():
        raise MasaError(
            f"content folder not found: {content_dir}",
            "pass --content DIR, or create one with 'masa-docs init DIR'",
        )
    if not is_loopback(host):
        click.secho(
            f"warning: listening on {host}: other computers that can reach it can read and change "
            "the content. Use --host only on a network you trust.",
            fg="yellow",
            err=True,
        )
    server = LiveServer(EditorApp(content_dir), host=host, port=port).start()
    click.echo(f"Serving {content_dir} at {server.url} (press Ctrl+C to stop)")
    preview = server.app.preview
    if preview.problems:
        n = sum(1 for p in preview.problems if p.diagnostic.severity == "error")
        click.secho(f"The content has {n} problem{'s' if n != 1 else ''}: see {server.url}", fg="yellow")
    if not no_open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        server.stop()


COMMANDS: list[click.Command] = [serve]
