"""Word copies of the HTML documents (consultation drafts): the same HTML, turned into a .docx.

There is no second template: :func:`render_docx_output` renders the document's HTML page with
:func:`masa_docs.render.html.render_document` and the one Word writer
(:class:`masa_docs.render.docx_writer.WordWriter`) converts that *semantic* HTML into
``templates/docx/word-copy.docx`` (which carries the styles, the page set-up and a footer with
"Page N of M"). This module adds the running head and footer, the larger type of the easy-read
versions, and normalises the package (:func:`masa_docs.render.docx_package.normalise_docx`) with
core properties from the document's metadata, so the same content gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MasaError
from . import RenderedOutput, RenderRequest
from .context import format_date
from .docx_writer import WordWriter, bookmark_name, clean_text

if TYPE_CHECKING:
    from ..load import LoadedContent
    from .charts import Chart
    from .context import DocumentMeta

BASE_NAME = "word-copy.docx"


def base_template() -> Path:
    from .agreement import templates_dir

    path = templates_dir() / BASE_NAME
    if not path.is_file():
        raise MasaError(f"{path} not found", "run templates/docx/make_agreement_template.py --word-copy")
    return path


# ------------------------------------------------------------------ rendering


def html_to_docx(
    html: str,
    meta: DocumentMeta,
    *,
    charts: list[Chart] | None = None,
    base: Path | None = None,
    min_font_pt: float | None = None,
) -> bytes:
    """Convert a document's HTML page into a normalised .docx built on the Word-copy base.

    ``min_font_pt`` enlarges the type (the easy-read versions: 14 pt): every style is scaled so
    that body text has that size, and no style is smaller."""
    import docx

    from .agreement import docx_core_properties
    from .docx_package import normalise_docx

    document = docx.Document(str(base or base_template()))
    if min_font_pt:
        _enlarge_type(document, min_font_pt)
    _fill_header_footer(document, meta)
    WordWriter(document, charts={c.html_id: c for c in charts or []}, body_style="Normal").convert(html)
    buf = io.BytesIO()
    document.save(buf)
    return normalise_docx(buf.getvalue(), **docx_core_properties(meta, meta.spec.title))


def _enlarge_type(document: Any, min_pt: float) -> None:
    from docx.shared import Pt

    normal = document.styles["Normal"].font.size
    scale = min_pt / normal.pt if normal is not None and normal.pt else 1.0
    for style in document.styles:
        font = getattr(style, "font", None)
        if font is None or font.size is None:
            continue
        font.size = Pt(max(min_pt, round(font.size.pt * scale * 2) / 2))


def _fill_header_footer(document: Any, meta: DocumentMeta) -> None:
    # One line: the shortened title, and the short name of a partnership whose name is long.
    header_text = f"{meta.running_partnership} | {meta.running_title}"
    if meta.spec.source is not None:  # easy read, in 14 pt: the title alone, as in its PDF
        header_text = meta.running_title
    if not meta.spec.periodic:
        header_text += f", version {meta.version}"
    if meta.draft:
        header_text += " | DRAFT"
    for section in document.sections:
        paragraphs = section.header.paragraphs
        target = paragraphs[0] if paragraphs else section.header.add_paragraph()
        for r in list(target.runs):
            r._r.getparent().remove(r._r)
        target.add_run(clean_text(header_text))
        footer = section.footer.paragraphs
        if footer:
            footer_text = f"{format_date(meta.date)}"
            if meta.draft:
                footer_text = "DRAFT, " + footer_text
            footer[0].runs[0]._r.addprevious(_run_xml(clean_text(footer_text)))


def _run_xml(text: str) -> Any:
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def render_docx_output(loaded: LoadedContent, request: RenderRequest) -> RenderedOutput:
    """Renderer entry point for (arrangements | threshold | yearly-report, "docx")."""
    from .html import render_document

    rendered = render_document(loaded, request)
    charts: list[Chart] = []
    if rendered.meta.spec.periodic and rendered.meta.spec.source is None:
        from ..analysis import report_charts

        charts = report_charts(loaded, rendered.meta.period)
    base = None
    if request.templates is not None:
        from ..resources import template_folders

        base = template_folders(request.templates).docx_file(BASE_NAME)
    large = 14.0 if rendered.meta.spec.source is not None else None  # the easy-read versions
    return RenderedOutput(
        html_to_docx(rendered.html, rendered.meta, charts=charts, base=base, min_font_pt=large)
    )


__all__ = ["base_template", "bookmark_name", "html_to_docx", "render_docx_output"]
