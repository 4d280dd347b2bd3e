"""The live preview: the last good content and its pages, and the problems of the current one.

:class:`Preview` reloads the content folder when told to (by the file watcher or after a save).
When the content is valid, the HTML documents are rendered from it on first request and kept
until the next change. When it is not, the last good content and its pages stay, and the
problems are kept for the pages to show above the preview. Each reload increments
:attr:`Preview.generation`, which open pages poll to know when to refresh.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ContentError, Diagnostic, MasaError
from .files import editable_files, file_hash
from .validation import Located, locate

if TYPE_CHECKING:
    from ..check import CheckReport
    from ..load import LoadedContent

log = logging.getLogger(__name__)

#: Documents with a web page, in the order the navigation lists them.
PREVIEW_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("arrangements", "Arrangements"),
    ("threshold", "Threshold document"),
    ("yearly-report", "Yearly report"),
)


@dataclass
class RenderedPage:
    html: str | None
    error: str | None = None


@dataclass
class Preview:
    root: Path
    templates: Path | None = None
    generation: int = 0
    loaded: LoadedContent | None = None  # the last content that was valid
    problems: list[Located] = field(default_factory=list)  # of the current content
    hashes: dict[str, str | None] = field(default_factory=dict)  # content file -> sha256
    _pages: dict[tuple[str, str | None], RenderedPage] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def valid(self) -> bool:
        return self.loaded is not None and not self.problems

    def rebuild(self) -> None:
        """Reload the content; keep the last good pages when it is invalid."""
        from ..load import load_content
        from ..render import html as html_renderer

        with self._lock:
            # Hashes first: a file changed while loading then differs and is reloaded again.
            hashes = {f.rel: file_hash(f.path) for f in editable_files(self.root)}
            try:
                loaded = load_content(self.root)
            except ContentError as exc:
                self.problems = locate(self.root, exc.diagnostics)
            except MasaError as exc:
                self.problems = locate(self.root, [_folder_problem(self.root, exc)])
            else:
                self.loaded = loaded
                self.problems = []
                self._pages.clear()
            # Templates may have changed too: forget the compiled ones and the stylesheet.
            html_renderer._environment.cache_clear()
            html_renderer._stylesheet.cache_clear()
            self.hashes = hashes
            self.generation += 1
            log.info("content reloaded (generation %d, %d problem(s))", self.generation, len(self.problems))

    def page(self, doc: str, period: str | None = None) -> RenderedPage:
        """The document's HTML from the last good content (rendered once per change)."""
        from ..render import RenderRequest
        from ..render.html import render_document

        with self._lock:
            key = (doc, period)
            if key in self._pages:
                return self._pages[key]
            if self.loaded is None:
                return RenderedPage(None, "The content has never been valid since the server started.")
            try:
                request = RenderRequest(doc, "html", period)
                result = RenderedPage(render_document(self.loaded, request, templates=self.templates).html)
            except MasaError as exc:
                result = RenderedPage(None, exc.message + (f" ({exc.hint})" if exc.hint else ""))
            except Exception as exc:  # a template error: show it, keep serving
                log.exception("rendering %s failed", doc)
                result = RenderedPage(None, f"{type(exc).__name__}: {exc}")
            self._pages[key] = result
            return result

    def check(self, today: dt.date | None = None) -> CheckReport | None:
        """The compliance check of the current content (None while it is invalid)."""
        from ..check import run_check

        with self._lock:
            if not self.valid or self.loaded is None:
                return None
            return run_check(self.loaded, today=today)


def _folder_problem(root: Path, exc: MasaError) -> Diagnostic:
    return Diagnostic(str(root), None, None, "", exc.message, exc.hint)
