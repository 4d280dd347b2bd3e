"""``masa-docs serve``: a live preview of the documents and a form editor for the content.

:class:`~masa_docs.serve.app.EditorApp` holds what the editor can do (read a file for the form,
validate, save) and :class:`~masa_docs.serve.server.LiveServer` serves it over HTTP on the
loopback interface, with a file watcher that reloads the preview when content or templates
change. The pages and the editor's script are package data in ``static/`` and ``templates/``.
"""

from __future__ import annotations

from .app import EditorApp
from .server import LiveServer

__all__ = ["EditorApp", "LiveServer"]
