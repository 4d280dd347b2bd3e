"""Word copies of the HTML documents (consultation drafts): the same HTML, turned into a .docx.

There is no second template: :func:`render_docx_output` renders the document's HTML page with
:func:`masa_docs.render.html.render_document` and converts that *semantic* HTML to Word with
python-docx, into ``templates/docx/word-copy.docx`` (which carries the styles, the page set-up
and a footer with "Page N of M"):

* ``h1`` → Title; ``h2``–``h6`` → Heading 1–5 (so the first heading is Heading 1 and levels
  never skip); each heading's section id becomes a Word bookmark (hyphens → underscores), and
  ``<a href="#id">`` links to it;
* ``p`` → Normal (a few cover classes → Subtitle); ``strong``/``b`` bold, ``em``/``i``/``cite``
  italic, ``code``/``kbd`` monospace, ``s``/``del`` struck through, ``br`` a line break;
* ``ul``/``ol`` → List Bullet / List Number (… 2, … 3 when nested); every ``ol`` restarts its
  numbering (a new ``w:num`` with a start override, honouring ``start``);
* ``a[href]`` → real hyperlinks for http, https, mailto and tel only; other links stay text;
* ``table`` → a "Table Grid" table: ``caption`` → a "Caption" paragraph before it, ``thead``
  rows → repeating header rows (``w:tblHeader``), ``th`` bold, ``tfoot`` rows bold,
  ``class="num"`` right-aligned, ``colspan`` merged;
* ``figure.chart`` → the chart's PNG from :func:`masa_docs.analysis.report_charts`, with
  its alternative text in ``wp:docPr/@descr``, then the ``figcaption`` as a Caption;
* ``blockquote`` → Quote; ``dl`` → a bold term paragraph and indented definition paragraphs;
  ``pre`` → monospace;
* left out: ``nav`` (the contents list), the skip link, ``.page-footer`` (screen only; Word has its
  own header and footer), ``.print-only``/``.screen-only``, ``hidden`` elements, inline SVG and
  the signature boxes (empty ``div``\\s) — the sign-off text is kept.

Text goes into ``w:t`` through python-docx (XML-escaped); characters XML cannot hold are
dropped. The package is then normalised (:func:`masa_docs.render.docx_package.normalise_docx`)
with core properties from the document's metadata, so the same content gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MasaError
from ..markdown import is_safe_link
from . import RenderedOutput, RenderRequest
from .context import format_date
from .docx_common import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from ..load import LoadedContent
    from .charts import Chart
    from .context import DocumentMeta

BASE_NAME = "word-copy.docx"
PICTURE_WIDTH_CM = 16.0
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "nav",
        "svg",
        "template",
        "head",
        "meta",
        "link",
        "button",
        "input",
        "form",
        "noscript",
    }
)
SKIP_CLASSES = frozenset({"skip-link", "page-footer", "toc", "print-only", "screen-only", "signature-box"})
CLASS_STYLES = {"cover-partnership": "Subtitle", "cover-version": "Subtitle"}
CALLOUT_CLASSES = frozenset({"emergency"})
CALLOUT_COLOUR = "A4001D"  # the stylesheet's .emergency border
LOGO_HEIGHT_CM = 1.8
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _qn(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(name)


def _pt(points: float) -> Any:
    from docx.shared import Pt

    return Pt(points)


BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul", "body",
    }
)  # fmt: skip
_WS = re.compile(r"[ \t\n\r\f]+")
MONOSPACE_FONT = "Courier New"
BREAK = "\x00"  # marks a <br> among the text segments (never in parsed HTML text)


def base_template() -> Path:
    from .agreement import templates_dir

    path = templates_dir() / BASE_NAME
    if not path.is_file():
        raise MasaError(f"{path} not found", "run templates/docx/make_agreement_template.py --word-copy")
    return path


def bookmark_name(element_id: str) -> str:
    """A Word-safe bookmark name for an HTML id: letters, digits and underscores, ≤ 40 chars."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", element_id)
    if not name[:1].isalpha():
        name = "s_" + name
    return name[:40]


# ------------------------------------------------------------------ inline formatting


@dataclass(frozen=True)
class _Fmt:
    bold: bool = False
    italic: bool = False
    mono: bool = False
    strike: bool = False
    sup: bool = False
    sub: bool = False


@dataclass
class _Seg:
    text: str  # BREAK for a line break (<br>)
    fmt: _Fmt
    link: tuple[str, str] | None  # ("url", href) or ("anchor", bookmark)


_INLINE_FMT = {
    "strong": {"bold": True},
    "b": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "cite": {"italic": True},
    "dfn": {"italic": True},
    "var": {"italic": True},
    "code": {"mono": True},
    "kbd": {"mono": True},
    "samp": {"mono": True},
    "tt": {"mono": True},
    "s": {"strike": True},
    "del": {"strike": True},
    "strike": {"strike": True},
    "sup": {"sup": True},
    "sub": {"sub": True},
}


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _skipped(el: HtmlElement) -> bool:
    tag = _tag(el)
    if not tag or tag in SKIP_TAGS:
        return True
    if el.get("hidden") is not None:
        return True
    return bool(_classes(el) & SKIP_CLASSES)


# ------------------------------------------------------------------ the converter


class HtmlToDocx:
    """Append the body of an HTML page to a python-docx ``Document``."""

    def __init__(self, document: Any, *, charts: dict[str, Chart] | None = None) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.doc = document
        self.charts = charts or {}
        self.styles = document.styles
        # python-docx looks styles up by scanning styles.xml on every assignment: resolve the
        # ids once and set w:pStyle / w:rStyle directly (a 5x speed-up on big documents).
        self._para_ids = {s.name: s.style_id for s in self.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        self._char_ids = {s.name: s.style_id for s in self.styles if s.type == WD_STYLE_TYPE.CHARACTER}
        self._table_ids = {s.name: s.style_id for s in self.styles if s.type == WD_STYLE_TYPE.TABLE}
        default = self.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_para = default.name if default is not None else "Normal"
        self._bookmark_id = 0
        self._bookmarks: set[str] = set()
        self._targets: set[str] = set()  # ids in the HTML that become bookmarks
        self._list_depth = 0
        self._created: list[Any] = []  # every paragraph written, in order
        self._base = _Fmt()  # formatting every run starts from (bold in header cells)

    # ---- entry point

    def convert(self, html: str) -> None:
        from lxml import html as lxml_html

        root = lxml_html.document_fromstring(html)
        body = root.find("body")
        if body is None:
            body = root
        self._targets = {
            el.get("id") or ""
            for el in body.iter()
            if isinstance(el.tag, str)
            and el.get("id")
            and _tag(el) in ("section", "h1", "h2", "h3", "h4", "h5", "h6")
        }
        self._flow(body, self.doc, "Normal")

    # ---- styles

    def _style(self, name: str, fallback: str = "Normal") -> str:
        return name if name in self._para_ids else fallback

    def _list_style(self, ordered: bool, depth: int) -> str:
        base = "List Number" if ordered else "List Bullet"
        for d in range(min(depth, 3), 0, -1):
            name = base if d == 1 else f"{base} {d}"
            if name in self._para_ids:
                return name
        return "Normal"

    # ---- block flow

    def _flow(self, el: HtmlElement, container: Any, style: str, *, first: Any = None) -> Any:
        """Write ``el``'s children: runs of inline content become paragraphs of ``style``,
        block children are converted in turn. ``first`` is an empty paragraph to use first
        (a table cell's own). Returns the unused ``first`` paragraph, if any."""
        pending: list[Any] = []  # text (str) and inline elements, in order
        if el.text:
            pending.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and _tag(child) in BLOCK_TAGS and not _skipped(child):
                first = self._flush(pending, container, style, first)
                pending = []
                first = self._block(child, container, style, first)
            elif isinstance(child.tag, str) and not _skipped(child):
                pending.append(child)
            if child.tail:
                pending.append(child.tail)
        return self._flush(pending, container, style, first)

    def _new(self, container: Any, style: str, first: Any = None) -> Any:
        """A paragraph of ``style``: ``first`` (a cell's own empty paragraph) or a new one."""
        para = first if first is not None else container.add_paragraph()
        self._set_style(para, style)
        self._created.append(para)
        return para

    def _set_style(self, para: Any, style: str) -> None:
        name = self._style(style)
        para._p.style = None if name == self._default_para else self._para_ids[name]

    def _style_name(self, para: Any) -> str:
        ppr = para._p.pPr
        sid = ppr.style if ppr is not None else None
        if sid is None:
            return self._default_para
        return next((n for n, i in self._para_ids.items() if i == sid), sid)

    def _flush(self, pending: list[Any], container: Any, style: str, first: Any) -> Any:
        segs: list[_Seg] = []
        for item in pending:
            if isinstance(item, str):
                segs.append(_Seg(item, self._base, None))
            else:
                self._inline(item, self._base, None, segs)
        if not _has_text(segs):
            return first
        self._write(self._new(container, style, first), segs)
        return None

    def _paragraph(self, container: Any, style: str, el: HtmlElement, first: Any = None) -> Any:
        segs: list[_Seg] = []
        self._inline_children(el, self._base, None, segs)
        if not _has_text(segs):
            return None
        para = self._new(container, style, first)
        self._write(para, segs)
        return para

    def _block(self, el: HtmlElement, container: Any, style: str, first: Any) -> Any:
        tag = _tag(el)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = int(tag[1])
            name = "Title" if level == 1 else f"Heading {level - 1}"
            para = self._paragraph(container, self._style(name, "Normal"), el, first)
            if para is not None:
                self._bookmark_heading(el, para)
                return None
            return first
        if tag == "p":
            cls = _classes(el)
            pstyle = next((CLASS_STYLES[c] for c in cls if c in CLASS_STYLES), style)
            if cls & CALLOUT_CLASSES:
                return self._callout(el, container, pstyle, first)
            para = self._paragraph(container, pstyle, el, first)
            return first if para is None else None
        if tag == "ul" and "cover-logos" in _classes(el):
            return self._logos(el, container, first)
        if tag in ("ul", "ol"):
            first = self._list(el, container, first)
            return first
        if tag == "table":
            if first is not None:  # a table cannot come first in a cell: keep the paragraph
                first = None
            self._table(el, container)
            return first
        if tag == "figure":
            return self._figure(el, container, style, first)
        if tag == "figcaption":
            para = self._paragraph(container, self._style("Caption"), el, first)
            return first if para is None else None
        if tag == "blockquote":
            return self._flow(el, container, self._style("Quote"), first=first)
        if tag == "dl":
            return self._definitions(el, container, first)
        if tag == "pre":
            segs: list[_Seg] = []
            self._inline_children(el, _Fmt(mono=True), None, segs)
            if _has_text(segs):
                self._write(self._new(container, style, first), segs, preserve=True)
                return None
            return first
        if tag == "hr":
            return first
        # Containers: section, div, header, main, footer, article, aside, li, dd, dt, details …
        return self._flow(el, container, style, first=first)

    # ---- callouts and logos

    def _callout(self, el: HtmlElement, container: Any, style: str, first: Any) -> Any:
        """A callout box (the threshold's emergency notice): bold, in a red 3 pt box, as on the
        page and in the PDF."""
        from docx.oxml.parser import OxmlElement

        saved = self._base
        self._base = replace(saved, bold=True)
        try:
            para = self._paragraph(container, style, el, first)
        finally:
            self._base = saved
        if para is None:
            return first
        ppr = para._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        for side in ("top", "left", "bottom", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(_qn("w:val"), "single")
            edge.set(_qn("w:sz"), "24")  # eighths of a point: 3 pt
            edge.set(_qn("w:space"), "6")
            edge.set(_qn("w:color"), CALLOUT_COLOUR)
            borders.append(edge)
        # CT_PPr order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl,
        # numPr, suppressLineNumbers, pBdr, shd, …
        ppr.insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
            "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
            "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
            "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
            "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
            "w:pPrChange",
        )  # fmt: skip
        para.paragraph_format.left_indent = _pt(6)
        para.paragraph_format.right_indent = _pt(6)
        para.paragraph_format.space_before = _pt(9)
        para.paragraph_format.space_after = _pt(12)
        para.paragraph_format.keep_together = True
        return None

    def _logos(self, el: HtmlElement, container: Any, first: Any) -> Any:
        """The partners' logos on the cover: one line of pictures, each with its alt text."""
        import base64

        from docx.shared import Cm

        para = None
        for img in el.iter("img"):
            src = img.get("src") or ""
            head, _, payload = src.partition(",")
            if head not in ("data:image/png;base64", "data:image/jpeg;base64"):
                continue
            if para is None:
                para = self._new(container, "Normal", first)
            run = para.add_run()
            run.add_picture(io.BytesIO(base64.b64decode(payload)), height=Cm(LOGO_HEIGHT_CM))
            alt = clean_text(img.get("alt") or "")
            for doc_pr in run._r.iter(f"{{{WP_NS}}}docPr"):
                doc_pr.set("descr", alt)
                doc_pr.set("title", alt)
            if img.getnext() is not None or img.getparent().getnext() is not None:
                para.add_run("\u2003\u2003")
        return first if para is None else None

    # ---- headings and bookmarks

    def _bookmark_heading(self, el: HtmlElement, para: Any) -> None:
        ids = []
        parent = el.getparent()
        if (
            parent is not None
            and _tag(parent) == "section"
            and parent.get("id")
            and next((c for c in parent if isinstance(c.tag, str)), None) is el
        ):
            ids.append(parent.get("id"))
        if el.get("id"):
            ids.append(el.get("id"))
        for ident in ids:
            self._add_bookmark(para, bookmark_name(ident))

    def _add_bookmark(self, para: Any, name: str) -> None:
        from docx.oxml.ns import qn
        from docx.oxml.parser import OxmlElement

        if name in self._bookmarks:
            return
        self._bookmarks.add(name)
        self._bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_id))
        p = para._p
        ppr = p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)

    # ---- lists

    def _list(self, el: HtmlElement, container: Any, first: Any) -> Any:
        ordered = _tag(el) == "ol"
        self._list_depth += 1
        try:
            style = self._list_style(ordered, self._list_depth)
            num: tuple[int, int] | None = None
            if ordered:
                try:
                    start = int(el.get("start") or 1)
                except ValueError:
                    start = 1
                num = self._restart_numbering(style, start)
            for li in el:
                if _tag(li) != "li" or _skipped(li):
                    continue
                mark = len(self._created)
                first = self._flow(li, container, style, first=first)
                # The item's first paragraph carries the number; later ones in the same
                # style continue its text (nested lists have their own styles).
                own = [p for p in self._created[mark:] if self._style_name(p) == style]
                if own and num is not None:
                    _set_num(own[0], *num)
                for extra in own[1:]:
                    self._set_style(extra, self._style("List Continue", "Normal"))
            return first
        finally:
            self._list_depth -= 1

    def _restart_numbering(self, style: str, start: int) -> tuple[int, int] | None:
        """A new ``w:num`` on the style's abstract numbering that starts at ``start``."""
        from docx.oxml.ns import qn

        from .docx_common import new_num, style_numbering

        num_pr = style_numbering(self.styles, style)
        if num_pr is None:
            return None
        style_num, ilvl = num_pr
        numbering = self.doc.part.numbering_part.element
        num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{style_num}']")
        if num is None:
            return None
        abstract = int(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        return new_num(numbering, self.styles.element, abstract, ilvl, start), ilvl

    # ---- definition lists

    def _definitions(self, el: HtmlElement, container: Any, first: Any) -> Any:
        from docx.shared import Cm

        items = list(_dl_items(el))
        n = 0
        while n < len(items):
            item = items[n]
            nxt = items[n + 1] if n + 1 < len(items) else None
            n += 1
            bold = replace(self._base, bold=True)
            if _tag(item) == "dt":
                segs: list[_Seg] = []
                self._inline_children(item, bold, None, segs)
                if nxt is not None and _tag(nxt) == "dd" and _compact(item, nxt):
                    # "Term: definition" on one line when both are short inline text.
                    segs.append(_Seg(": ", bold, None))
                    self._inline_children(nxt, self._base, None, segs)
                    n += 1
                    self._write(self._new(container, "Normal", first), segs)
                    first = None
                elif _has_text(segs):
                    para = self._new(container, "Normal", first)
                    first = None
                    para.paragraph_format.keep_with_next = True
                    para.paragraph_format.space_after = 0
                    self._write(para, segs)
            else:  # dd
                mark = len(self._created)
                first = self._flow(item, container, "Normal", first=first)
                for para in self._created[mark:]:
                    if para.paragraph_format.left_indent is None:
                        para.paragraph_format.left_indent = Cm(0.75)
        return first

    # ---- figures and charts

    def _figure(self, el: HtmlElement, container: Any, style: str, first: Any) -> Any:
        from docx.shared import Cm

        chart = self.charts.get(el.get("id") or "") if "chart" in _classes(el) else None
        if chart is None:
            return self._flow(el, container, style, first=first)
        para = self._new(container, "Normal", first)
        para.paragraph_format.keep_with_next = True
        run = para.add_run()
        run.add_picture(io.BytesIO(chart.png()), width=Cm(PICTURE_WIDTH_CM))
        for doc_pr in run._r.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        ):
            doc_pr.set("descr", clean_text(chart.alt))
            doc_pr.set("title", clean_text(chart.title))
            doc_pr.set("name", f"Chart {chart.id}")
        caption = el.find("figcaption")
        if caption is not None:
            self._paragraph(container, self._style("Caption"), caption)
        return None

    # ---- tables

    def _table(self, el: HtmlElement, container: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.oxml.parser import OxmlElement
        from docx.table import _Cell

        caption = el.find("caption")
        if caption is not None:
            cap = self._paragraph(container, self._style("Caption"), caption)
            if cap is not None:
                cap.paragraph_format.keep_with_next = True
        rows = list(_table_rows(el))
        if not rows:
            return
        ncols = max(sum(_span(c) for c in cells) for _, cells in rows)
        if ncols == 0:
            return
        table = container.add_table(rows=len(rows), cols=ncols)
        if "Table Grid" in self._table_ids:
            table._tbl.tblPr.style = self._table_ids["Table Grid"]
        header_rows = 0
        cell_style = self._style("Table Text")
        for r, (kind, cells) in enumerate(rows):
            tr = table.rows[r]
            if kind == "head" and r == header_rows:
                header_rows += 1
                tr._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            col = 0
            merges = any(_span(c) > 1 for c in cells)
            tcs = tr._tr.tc_lst
            for cell_el in cells:
                span = min(_span(cell_el), ncols - col)
                if span <= 0:
                    break
                # table.cell() rebuilds the whole cell grid on every call: index the row's
                # own cells unless a colspan has merged some of them.
                cell = table.cell(r, col) if merges else _Cell(tcs[col], table)
                if span > 1:
                    cell = cell.merge(table.cell(r, col + span - 1))
                bold = _tag(cell_el) == "th" or kind in ("head", "foot")
                self._cell(cell, cell_el, cell_style, bold)
                if "num" in _classes(cell_el):
                    for p in cell.paragraphs:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                col += span
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "1" if header_rows else "0")
            look.set(qn("w:firstColumn"), "0")
        self._size(table, header_rows)

    def _cell(self, cell: Any, el: HtmlElement, style: str, bold: bool) -> None:
        first = cell.paragraphs[0]
        self._set_style(first, style)
        saved = self._base
        self._base = replace(saved, bold=saved.bold or bold)
        try:
            self._flow(el, cell, style, first=first)
        finally:
            self._base = saved
        # A cell must end with a paragraph (e.g. after a nested table).
        if cell._tc[-1].tag.endswith("}tbl"):
            self._set_style(cell.add_paragraph(), style)

    def _size(self, table: Any, header_rows: int) -> None:
        """Column widths from the content and the text width (:mod:`.docx_tables`)."""
        from .docx_tables import finish_table

        section = self.doc.sections[-1]
        width = int(section.page_width - section.left_margin - section.right_margin)
        finish_table(
            table._tbl,
            available_pt=width / 12700,
            styles_root=self.doc.styles.element,
            header_rows=header_rows,
            numbering_root=self.doc.part.numbering_part.element,
        )

    # ---- inline content

    def _inline_children(
        self,
        el: HtmlElement,
        fmt: _Fmt,
        link: tuple[str, str] | None,
        segs: list[_Seg],
    ) -> None:
        if el.text:
            segs.append(_Seg(el.text, fmt, link))
        for child in el:
            if isinstance(child.tag, str) and not _skipped(child):
                self._inline(child, fmt, link, segs)
            if child.tail:
                segs.append(_Seg(child.tail, fmt, link))

    def _inline(self, el: HtmlElement, fmt: _Fmt, link: tuple[str, str] | None, segs: list[_Seg]) -> None:
        tag = _tag(el)
        if _skipped(el):
            return
        if tag == "br":
            segs.append(_Seg(BREAK, fmt, link))
            return
        if tag == "img":
            alt = el.get("alt") or ""
            if alt:
                segs.append(_Seg(alt, fmt, link))
            return
        if tag in _INLINE_FMT:
            fmt = replace(fmt, **_INLINE_FMT[tag])
        if "fingerprint" in _classes(el):
            fmt = replace(fmt, mono=True)
        if tag == "a" and link is None:
            link = self._link_target(el.get("href") or "")
        if tag == "q":
            segs.append(_Seg("“", fmt, link))
            self._inline_children(el, fmt, link, segs)
            segs.append(_Seg("”", fmt, link))
            return
        if tag in BLOCK_TAGS:  # a block inside inline content: keep its text, separated
            segs.append(_Seg(" ", fmt, link))
        self._inline_children(el, fmt, link, segs)

    def _link_target(self, href: str) -> tuple[str, str] | None:
        href = href.strip()
        if href.startswith("#"):
            ident = href[1:]
            return ("anchor", bookmark_name(ident)) if ident in self._targets else None
        if not href or not is_safe_link(href) or not re.match(r"(?i)(https?|mailto|tel):", href):
            return None
        return ("url", href)

    def _write(self, para: Any, segs: list[_Seg], *, preserve: bool = False) -> None:
        from docx.oxml.ns import qn
        from docx.oxml.parser import OxmlElement
        from docx.text.run import Run

        pieces = segs if preserve else _collapse(segs)
        open_link: tuple[tuple[str, str], Any] | None = None
        for seg in pieces:
            parent = para._p
            if seg.link is not None:
                if open_link is None or open_link[0] != seg.link:
                    open_link = (seg.link, self._hyperlink(para, seg.link))
                parent = open_link[1]
            else:
                open_link = None
            lines = seg.text.replace(BREAK, "\n").split("\n")
            for n, line in enumerate(lines):
                r = OxmlElement("w:r")
                parent.append(r)
                run = Run(r, para)
                if seg.link is not None and "Hyperlink" in self._char_ids:
                    r.get_or_add_rPr().style = self._char_ids["Hyperlink"]
                if seg.fmt.bold:
                    run.bold = True
                if seg.fmt.italic:
                    run.italic = True
                if seg.fmt.strike:
                    run.font.strike = True
                if seg.fmt.sup:
                    run.font.superscript = True
                if seg.fmt.sub:
                    run.font.subscript = True
                if seg.fmt.mono:
                    fonts = r.get_or_add_rPr().get_or_add_rFonts()
                    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                        fonts.set(qn(attr), MONOSPACE_FONT)
                if n:
                    run.add_break()
                if line:
                    run.text = clean_text(line)

    def _hyperlink(self, para: Any, link: tuple[str, str]) -> Any:
        from .docx_common import add_hyperlink

        kind, target = link
        return add_hyperlink(para, url=target) if kind == "url" else add_hyperlink(para, anchor=target)


# ------------------------------------------------------------------ helpers


def _has_text(segs: list[_Seg]) -> bool:
    return any(s.text.strip() for s in segs)


def _collapse(segs: list[_Seg]) -> list[_Seg]:
    """HTML white-space rules: runs of white space become one space, none at the start or end
    of a line. A space between two elements keeps the formatting of the text it belongs to."""
    out: list[_Seg] = []
    ends_space = True  # at the start of a line, a leading space is dropped
    for seg in segs:
        if seg.text == BREAK:
            _rstrip_last(out)
            out.append(_Seg(BREAK, seg.fmt, seg.link))
            ends_space = True
            continue
        text = _WS.sub(" ", seg.text)
        if ends_space:
            text = text.lstrip(" ")
        if not text:
            continue
        out.append(_Seg(text, seg.fmt, seg.link))
        ends_space = text.endswith(" ")
    _rstrip_last(out)
    return [s for s in out if s.text]


def _rstrip_last(out: list[_Seg]) -> None:
    if out and out[-1].text != BREAK:
        out[-1] = _Seg(out[-1].text.rstrip(" "), out[-1].fmt, out[-1].link)


def _span(cell: HtmlElement) -> int:
    try:
        return max(1, int(cell.get("colspan") or 1))
    except ValueError:
        return 1


def _table_rows(table: HtmlElement) -> Iterator[tuple[str, list[HtmlElement]]]:
    """(kind, cells) per row: kind is head, body or foot."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield "body", _cells(child)
        elif tag in ("thead", "tbody", "tfoot"):
            kind = {"thead": "head", "tbody": "body", "tfoot": "foot"}[tag]
            for tr in child:
                if _tag(tr) == "tr":
                    yield kind, _cells(tr)


def _cells(tr: HtmlElement) -> list[HtmlElement]:
    return [c for c in tr if _tag(c) in ("td", "th")]


def _compact(dt: HtmlElement, dd: HtmlElement) -> bool:
    """A term and definition short enough, and plain enough, for one "Term: definition" line."""
    inline = all(_tag(c) not in BLOCK_TAGS for el in (dt, dd) for c in el.iter() if c is not el)
    return inline and len(_WS.sub(" ", dd.text_content()).strip()) <= 160


def _dl_items(dl: HtmlElement) -> Iterator[HtmlElement]:
    for child in dl:
        tag = _tag(child)
        if tag in ("dt", "dd"):
            yield child
        elif tag == "div" and not _skipped(child):
            yield from _dl_items(child)


def _set_num(para: Any, num_id: int, ilvl: int) -> None:
    num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


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
    HtmlToDocx(document, charts={c.html_id: c for c in charts or []}).convert(html)
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
    header_text = f"{meta.partnership} | {meta.running_title}"  # one line: the shortened title
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


__all__ = ["HtmlToDocx", "bookmark_name", "html_to_docx", "render_docx_output"]
