"""Renderers: each turns (content, request) into bytes and never touches the disk.

:func:`render` dispatches a request to the renderer for its document and format, importing
it only when needed (WeasyPrint, docxtpl and matplotlib are slow to import).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..load import LoadedContent


@dataclass(frozen=True)
class RenderRequest:
    doc: str  # a name from masa_docs.documents.DOCUMENTS
    fmt: str  # html | pdf | docx
    period: str | None = None  # the yearly report's period (latest when None)
    blocking: tuple[str, ...] = ()  # reasons the document may not be marked final
    templates: str | None = None  # the partnership's own templates folder (before the shipped one)
    area: str | None = None  # a per-area threshold document: the area's id


@dataclass(frozen=True)
class RenderedOutput:
    data: bytes
    pages: int | None = None  # page count for PDFs
    warnings: tuple[str, ...] = ()


class Renderer(Protocol):
    def __call__(self, loaded: LoadedContent, request: RenderRequest) -> RenderedOutput: ...


#: The versions for children and families (masa_docs.documents.EASY_READ).
EASY_READ_NAMES: tuple[str, ...] = ("yearly-report-easy-read", "arrangements-summary")

# (document, format) -> "module:function". Modules are imported on first use.
RENDERERS: dict[tuple[str, str], str] = {
    **{
        (d, "html"): "masa_docs.render.html:render_html_output"
        for d in ("arrangements", "threshold", "yearly-report", *EASY_READ_NAMES)
    },
    **{
        (d, "pdf"): "masa_docs.render.html_pdf:render_pdf_output"
        for d in ("arrangements", "threshold", "yearly-report", *EASY_READ_NAMES)
    },
    **{
        (d, "docx"): "masa_docs.render.word_copy:render_docx_output"
        for d in ("arrangements", "threshold", "yearly-report", *EASY_READ_NAMES)
    },
    ("agreement", "docx"): "masa_docs.render.agreement:render_agreement_docx",
    ("agreement", "pdf"): "masa_docs.render.agreement:render_agreement_pdf",
}


def renderer_for(doc: str, fmt: str) -> Renderer:
    target = RENDERERS.get((doc, fmt))
    if target is None:
        raise KeyError(f"no renderer for {doc} as {fmt}")
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return,unused-ignore]


def render(loaded: LoadedContent, request: RenderRequest) -> RenderedOutput:
    return renderer_for(request.doc, request.fmt)(loaded, request)
