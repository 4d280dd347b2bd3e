"""PDF renderer for the HTML documents: the same HTML page, printed by WeasyPrint.

A4 with a cover, running header, "Page X of Y", a table of contents with page numbers and PDF
bookmarks (all from ``templates/html/style.css``); tagged PDF/UA-1 with /Title and /Lang; one
empty, named signature field per lead safeguarding partner inside that LSP's block on the
sign-off page (:func:`masa_docs.render.pdf.html_to_pdf`). Every date comes from the content.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from . import RenderedOutput, RenderRequest
from .context import DocumentMeta

if TYPE_CHECKING:
    from ..load import LoadedContent
    from .pdf import PdfMeta, SignatureSlot


class _SvgPresentationNoise(logging.Filter):
    """Drop WeasyPrint's "Ignored `stroke-width: 1.0` ..., unknown property." for SVG presentation
    attributes in the charts' inline SVG (WeasyPrint's SVG renderer does use them)."""

    _SVG = ("stroke", "fill", "clip-path", "font-", "text-anchor", "dominant-baseline", "opacity")

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if "unknown property" not in msg or not msg.startswith("Ignored `"):
            return True
        return not msg[len("Ignored `") :].startswith(self._SVG)


_NOISE = _SvgPresentationNoise()


def pdf_meta(meta: DocumentMeta) -> PdfMeta:
    """PDF metadata from the document's metadata (never from the clock)."""
    from .pdf import PdfMeta

    return PdfMeta(
        title=meta.full_title,
        lang=meta.language,
        created=meta.created,
        identity=f"{meta.fingerprint}:{meta.name}:{meta.version}",
        author=meta.partnership,
        subject=f"{meta.title}, version {meta.version}, {meta.status}",
        keywords=(
            "safeguarding children",
            meta.partnership,
            # Read back by masa-docs sign and verify (masa_docs.signing.pdf_identity).
            f"masa-docs document {meta.name}" + (f" {meta.period}" if meta.period else ""),
            f"fingerprint {meta.fingerprint}",
        ),
    )


def signature_slots(meta: DocumentMeta) -> list[SignatureSlot]:
    """One slot per LSP: the field is named like the HTML box that holds it."""
    from .pdf import SignatureSlot

    if not meta.spec.signed:
        return []
    return [SignatureSlot(s.field_name, s.tooltip) for s in meta.signatures]


def render_pdf_output(loaded: LoadedContent, request: RenderRequest) -> RenderedOutput:
    """Renderer entry point for (document, "pdf") of the HTML documents."""
    from .html import render_document
    from .pdf import html_to_pdf

    rendered = render_document(loaded, request)
    weasy_log = logging.getLogger("weasyprint")
    if _NOISE not in weasy_log.filters:
        weasy_log.addFilter(_NOISE)
    pdf = html_to_pdf(
        rendered.html,
        meta=pdf_meta(rendered.meta),
        base_url=None,
        signature_slots=signature_slots(rendered.meta),
    )
    return RenderedOutput(pdf.data, pages=pdf.page_count)
