"""The collaboration agreement: a Word template the legal advisers own → DOCX → signature-ready PDF.

``templates/docx/agreement.docx`` is a real Word document with docxtpl tags. It is rendered
with the same variables as every other template (:func:`masa_docs.render.context.template_context`:
``content``, ``doc``, ``partnership``, ``partners``) plus:

* the filters of :data:`masa_docs.render.context.FILTERS` (``money``, ``date``, ``percent``,
  ``number``, ``humanise``) and ``party_name`` (a partner's or agency's name from its id);
* ``md(text, style=None)``: narrative Markdown as a Word sub-document (insert it with
  ``{{p md(...) }}``); every paragraph gets ``style`` ("Clause" numbers them as clauses),
  default "Body Text"; Markdown headings become Heading 2 and below.

Content is data: the template runs in Jinja's immutable sandbox with autoescape on (``&``,
``<`` and ``>`` in content become XML entities and show literally) and ``StrictUndefined``
(a misspelt variable is an error, not an empty space). Content is never parsed as a template,
so ``{{ 7*7 }}`` in a YAML value prints as typed.

The PDF is made from the rendered DOCX by LibreOffice (so it is what the lawyers see in Word),
then each lead safeguarding partner's "Signature:" label is located on the page and an empty
signature field named ``sig-<partner id>`` is added beside it; :func:`masa_docs.render.pdf.finalise_pdf`
sets dates, /ID and XMP from the content.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import MasaError
from . import RenderedOutput, RenderRequest
from .context import FILTERS, TESTS, DocumentMeta, document_meta, template_context

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from ..load import LoadedContent
    from .pdf import PdfMeta, SignatureSlot

log = logging.getLogger(__name__)

TEMPLATE_NAME = "agreement.docx"
SIGNATURE_LABEL = "Signature:"
DATE_LABEL = "Date:"
#: Names the Word templates may use besides the template context (see docs/word-templates.md).
HELPERS: tuple[str, ...] = ("md", "cover_band")
#: Filters the Word templates may use, besides Jinja's own.
DOCX_FILTERS: tuple[str, ...] = (*FILTERS, "party_name")
#: Markdown headings inside the agreement start at this Word heading level.
MARKDOWN_HEADING_LEVEL = 2

# Signature field geometry (PDF points) relative to the "Signature:" label.
_FIELD_GAP = 12.0
_FIELD_WIDTH = 300.0
_FIELD_HEIGHT = 48.0
_PAGE_MARGIN = 76.0  # the right margin (2.5 cm = 71 pt) plus a little


def templates_dir() -> Path:
    """The folder of the shipped Word templates (``templates/docx`` in the repository)."""
    from ..resources import shipped

    return shipped("templates") / "docx"


def jinja_environment(party_name: Callable[[str], str] | None = None) -> SandboxedEnvironment:
    """The sandboxed environment Word templates render in (also used by the template lint).

    Immutable sandbox, autoescape on (docxtpl inserts values into XML), ``StrictUndefined``.
    """
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_literal_braces)
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    env.filters["party_name"] = party_name or (lambda ident: ident)
    return env


def _literal_braces(value: Any) -> Any:
    """Text printed by ``{{ }}``, escaped for XML with its braces as character references.

    After rendering, docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in the document into
    ``{{``, ``}}``, ``{%`` and ``%}``; written as ``&#123;`` / ``&#125;`` the braces of a value
    are not seen by that step, and the XML parser turns them back into ``{`` and ``}``.
    Sub-documents and other markup (``__html__``) pass unchanged.
    """
    if isinstance(value, str) and not hasattr(value, "__html__") and ("{" in value or "}" in value):
        from markupsafe import Markup, escape

        return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))
    return value


# ------------------------------------------------------------------ DOCX


@dataclass(frozen=True)
class RenderedDocx:
    data: bytes
    meta: DocumentMeta
    seconds: float


def docx_title(meta: DocumentMeta) -> str:
    """The title for file properties: the document's title, with the partnership unless it has it."""
    return meta.title if meta.partnership in meta.title else meta.full_title


def docx_core_properties(meta: DocumentMeta, subject: str) -> dict[str, Any]:
    """Keyword arguments of :func:`masa_docs.render.docx_package.normalise_docx` for a document."""
    return {
        "title": docx_title(meta),
        "author": meta.partnership,
        "created": meta.created,
        "language": meta.language,
        "subject": subject,
        "keywords": "safeguarding children; multi-agency safeguarding arrangements",
        "description": (
            f"Version {meta.version}, {meta.status}. Made by masa-docs from content with "
            f"fingerprint {meta.fingerprint}."
        ),
        "force_language": True,
    }


def render_template(
    loaded: LoadedContent,
    meta: DocumentMeta,
    template: Path,
    *,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """Render one Word template with the document's context; returns normalised .docx bytes.

    Raises :class:`MasaError` naming the template for Jinja errors (undefined variable,
    syntax, sandbox violation) — run ``masa-docs lint-templates`` to locate them in Word.
    """
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    from .docx_package import normalise_docx
    from .docx_writer import MissingStyleError, html_subdoc, markdown_subdoc

    if not template.is_file():
        raise MasaError(f"Word template {template} not found", "restore it from the repository")
    content = loaded.content
    tpl = DocxTemplate(str(template))

    def md(text: object, style: str | None = None) -> Any:
        value = "" if text is None else str(text)
        try:
            return markdown_subdoc(tpl, value, heading_offset=MARKDOWN_HEADING_LEVEL - 1, body_style=style)
        except MissingStyleError as exc:
            raise MasaError(
                f"{template.name}: {exc}",
                "use a style the template defines (see docs/word-templates.md), or add it in Word",
            ) from None

    def cover_band() -> Any:
        return html_subdoc(tpl, cover_band_html(loaded, meta))

    ctx = template_context(loaded, meta)
    ctx["md"] = md
    ctx["cover_band"] = cover_band
    if extra:
        ctx.update(extra)
    env = jinja_environment(content.party_name)
    try:
        tpl.render(ctx, env, autoescape=True)
    except SecurityError as exc:
        raise MasaError(
            f"{template.name}: the template tried something the sandbox forbids: {exc}",
            "Word templates may only read the content; see docs/word-templates.md",
        ) from None
    except TemplateError as exc:
        located = _located_template_error(template)
        if located is not None:
            raise MasaError(
                located,
                f"fix it in Word, then check with 'masa-docs lint-templates --templates {template.parent}'",
            ) from None
        where = ""
        context = getattr(exc, "docx_context", None)
        if context:
            near = " ".join(" ".join(context).split())[:160]
            where = f" near “{near}”"
        raise MasaError(
            f"{template.name}: {exc}{where}",
            f"run 'masa-docs lint-templates --templates {template.parent}' to find the problem",
        ) from None
    keep_header_rows_with_the_table(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return normalise_docx(buf.getvalue(), **docx_core_properties(meta, meta.spec.title))


def keep_header_rows_with_the_table(document: Any) -> int:
    """Keep every table's header rows (``w:tblHeader``) on the page of its first body row: each
    paragraph in a header row gets "keep with next". A header row alone at the foot of a page
    would be a table fragment with header cells only, and the next page's part a table whose
    only header is a repeat: PDF/UA's ``table-no-th``. Word honours it; LibreOffice already
    moves such a table, so its PDF is unchanged. Returns how many header rows were kept."""
    from docx.oxml.ns import qn

    kept = 0
    for tr in document.element.body.iter(qn("w:tr")):
        trpr = tr.find(qn("w:trPr"))
        if trpr is None or trpr.find(qn("w:tblHeader")) is None:
            continue
        for p in tr.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True
        kept += 1
    return kept


def _located_template_error(template: Path) -> str | None:
    """The template lint's first error in ``template``, which names the paragraph or table
    cell (with the start of its text) as ``lint-templates`` does; None when it finds none."""
    from .template_lint import lint_docx

    try:
        problems = lint_docx(template.read_bytes(), template.name)
    except OSError:
        return None
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return None
    more = len(errors) - 1
    tail = f" (and {more} more problem{'s' if more != 1 else ''}: run lint-templates)" if more else ""
    return errors[0].format() + tail


def render_docx(
    loaded: LoadedContent, request: RenderRequest, *, template: Path | None = None
) -> RenderedDocx:
    """The agreement as .docx bytes with the metadata it was made from."""
    started = time.perf_counter()
    meta = document_meta(loaded, "agreement", blocking=request.blocking)
    if template is None:
        from ..resources import template_folders

        template = template_folders(request.templates).docx_file(TEMPLATE_NAME)
    data = render_template(loaded, meta, template)
    return RenderedDocx(data, meta, time.perf_counter() - started)


def rendered_docx(loaded: LoadedContent, request: RenderRequest) -> RenderedDocx:
    """:func:`render_docx`, once per content, template file and status: agreement.docx and the
    PDF made from it share one rendering (kept on the content's analysis, which forked publish
    workers inherit: :func:`prepare_docx`)."""
    import hashlib

    from ..analysis import analysis_of
    from ..resources import template_folders

    template = template_folders(request.templates).docx_file(TEMPLATE_NAME)
    try:
        template_hash = hashlib.sha256(template.read_bytes()).hexdigest()
    except OSError:  # render_docx says what is wrong
        return render_docx(loaded, request, template=template)
    key = (str(template), template_hash, request.blocking)
    cache = analysis_of(loaded).agreement
    if key not in cache:
        cache.clear()  # one rendering kept: the latest
        cache[key] = render_docx(loaded, request, template=template)
    return cast("RenderedDocx", cache[key])


def prepare_docx(loaded: LoadedContent, request: RenderRequest) -> None:
    """Render the agreement's .docx now (publish's analyse step, in the parent process), so
    that the .docx and .pdf outputs, rendered in separate workers, do not each render it. An
    error is left for the output's own rendering to report, the usual way."""
    try:
        rendered_docx(loaded, request)
    except Exception:
        log.debug("the agreement's .docx could not be prepared", exc_info=True)


def cover_band_html(loaded: LoadedContent, meta: DocumentMeta) -> str:
    """The cover's identity, as on the HTML cover: the partnership's name in its colour band
    (white on the colour; :mod:`masa_docs.brand` checks the contrast) and the partners' logos
    with their alt text, when the content gives them."""
    from markupsafe import escape

    from ..brand import brand_context

    brand = brand_context(loaded)
    html = (
        f'<div class="cover-band" style="background-color: {escape(brand.colour)}">'
        f'<p class="cover-partnership">{escape(meta.partnership)}</p></div>'
    )
    if brand.logos:
        items = "".join(
            f'<li><img src="{logo.data_url}" alt="{escape(logo.alt)}"></li>' for logo in brand.logos
        )
        html += f'<ul class="cover-logos">{items}</ul>'
    return html


def render_agreement_docx(loaded: LoadedContent, request: RenderRequest) -> RenderedOutput:
    """Renderer entry point for ("agreement", "docx")."""
    return RenderedOutput(rendered_docx(loaded, request).data)


# ------------------------------------------------------------------ PDF


def pdf_meta(meta: DocumentMeta) -> PdfMeta:
    """The same PDF metadata as every other document (dates and /ID from the content)."""
    from .html_pdf import pdf_meta as document_pdf_meta

    return document_pdf_meta(meta)


def signature_slots(meta: DocumentMeta) -> list[SignatureSlot]:
    from .pdf import SignatureSlot

    return [SignatureSlot(s.field_name, s.tooltip) for s in meta.signatures]


Box = tuple[float, float, float, float]


def signature_placements(pdf: bytes, slots: Sequence[SignatureSlot]) -> list[tuple[SignatureSlot, int, Box]]:
    """Where each slot's field goes: beside the n-th "Signature:" label, down to its "Date:" label.

    The n-th label belongs to the n-th lead safeguarding partner (the template loops over
    ``doc.signatures`` in partner order). Horizontally the field starts where the values of
    the row above start (the signature block's second column) and runs to the right margin.
    Raises :class:`MasaError` when the number of labels differs from the number of
    signatories, i.e. the template's signature block was changed.
    """
    import pikepdf

    from .pdf_locate import PopplerMissing, find_text, words

    try:
        all_words = words(pdf)  # pdftotext once; both labels are found in its words
        found = find_text(pdf, SIGNATURE_LABEL, all_words=all_words)
        dates = find_text(pdf, DATE_LABEL, all_words=all_words)
    except PopplerMissing as exc:
        raise MasaError("poppler's pdftotext is not installed", str(exc)) from None

    def alone_on_its_line(page: int, box: Box) -> bool:
        middle = (box[1] + box[3]) / 2
        return all(
            box[0] - 1 <= w.box[0] and w.box[2] <= box[2] + 1
            for w in all_words
            if w.page == page and w.box[1] < middle < w.box[3]
        )

    def date_below(page: int, box: Box) -> bool:
        return any(p == page and d[3] < box[1] and box[1] - d[3] < 3 * _FIELD_HEIGHT for p, d in dates)

    # The template's labels stand alone on their line with a "Date:" label just below; the
    # same words in the content ("Signature: ______" in a clause) are never taken for one.
    labels = [(page, box) for page, box in found if alone_on_its_line(page, box) and date_below(page, box)]
    if len(labels) != len(slots):
        raise MasaError(
            f"the agreement PDF has {len(labels)} '{SIGNATURE_LABEL}' labels but "
            f"{len(slots)} lead safeguarding partners sign it",
            f"keep exactly one '{SIGNATURE_LABEL}' label in the signature block of "
            f"{TEMPLATE_NAME}, inside the '{{%p for sig in doc.signatures %}}' loop, and nowhere else",
        )
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        media = [[float(v) for v in p.mediabox] for p in doc.pages]
    placements = []
    for slot, (page, (_x0, y0, x1, y1)) in zip(slots, labels, strict=True):
        width = media[page][2] - media[page][0]
        # Values in the rows just above the label (within ~2 lines) mark the second column.
        column = [
            w.box[0]
            for w in all_words
            if w.page == page and w.box[0] > x1 + 2 and 0 < w.box[1] - y1 < 2 * _FIELD_GAP + (y1 - y0)
        ]
        left = min(column) if column else x1 + _FIELD_GAP
        right = min(left + _FIELD_WIDTH, width - _PAGE_MARGIN)
        top = y1 + 2
        below = [d for p, d in dates if p == page and d[3] < y0 and y0 - d[3] < 3 * _FIELD_HEIGHT]
        bottom = max(d[3] for d in below) + 4 if below else top - _FIELD_HEIGHT
        if top - bottom < 20:  # the date line crowds in: keep a usable height
            bottom = top - _FIELD_HEIGHT
        placements.append((slot, page, (left, bottom, right, top)))
    return placements


def stabilise_libreoffice_pdf(pdf: bytes, created: dt.datetime) -> bytes:
    """Remove what makes two LibreOffice conversions of the same DOCX differ, beyond what
    :func:`masa_docs.render.pdf.finalise_pdf` rewrites (dates, /ID, XMP):

    * the PDF/A OutputIntent's sRGB ICC profile, which LibreOffice (through lcms) creates
      afresh on every run with the clock in its header: the header date is set to ``created``
      (the profile carries no MD5 profile id, so nothing else changes);
    * ``/DocChecksum`` in the trailer, LibreOffice's hash of that run's file.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if not _stabilise(doc, created):
            return pdf
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()


def _stabilise(doc: Any, created: dt.datetime) -> bool:
    """:func:`stabilise_libreoffice_pdf` on an open ``pikepdf.Pdf``; whether it changed it."""
    import pikepdf

    changed = False
    if "/DocChecksum" in doc.trailer:
        del doc.trailer["/DocChecksum"]
        changed = True
    stamp = struct.pack(">6H", created.year, created.month, created.day, 0, 0, 0)
    for intent in doc.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            continue
        icc = bytearray(profile.read_bytes())
        if len(icc) >= 128 and icc[36:40] == b"acsp" and icc[24:36] != stamp:
            icc[24:36] = stamp
            profile.write(bytes(icc))  # stored uncompressed; save() compresses it
            changed = True
    return changed


def docx_to_signable_pdf(data: bytes, meta: DocumentMeta) -> tuple[bytes, int]:
    """LibreOffice-convert ``data``, add one empty signature field per LSP, finalise: the
    LibreOffice file is read once more by pdftotext (where the labels are) and once by pikepdf
    (stabilised, fields, metadata), and written once."""
    from .libreoffice import docx_to_pdf
    from .pdf import add_signature_fields

    raw = docx_to_pdf(data)
    placements = signature_placements(raw, signature_slots(meta))  # run stamps move no text
    pages: list[int] = []

    def stabilise(doc: Any) -> None:
        _stabilise(doc, meta.created)
        pages.append(len(doc.pages))

    pdf = add_signature_fields(raw, placements, meta=pdf_meta(meta), prepare=stabilise)
    return pdf, pages[0]


def render_agreement_pdf(loaded: LoadedContent, request: RenderRequest) -> RenderedOutput:
    """Renderer entry point for ("agreement", "pdf"): DOCX → LibreOffice → signature fields.

    Raises :class:`masa_docs.render.libreoffice.LibreOfficeMissing` (with the install hint)
    when soffice is not installed; publish then skips this output and says so.
    """
    from .libreoffice import LibreOfficeMissing, find_soffice

    if find_soffice() is None:  # fail before rendering anything
        raise LibreOfficeMissing()
    rendered = rendered_docx(loaded, request)
    pdf, pages = docx_to_signable_pdf(rendered.data, rendered.meta)
    return RenderedOutput(pdf, pages=pages)


__all__ = [
    "DOCX_FILTERS",
    "HELPERS",
    "RenderedDocx",
    "docx_core_properties",
    "docx_title",
    "jinja_environment",
    "pdf_meta",
    "prepare_docx",
    "render_agreement_docx",
    "render_agreement_pdf",
    "render_docx",
    "render_template",
    "rendered_docx",
    "signature_placements",
    "signature_slots",
    "templates_dir",
]
