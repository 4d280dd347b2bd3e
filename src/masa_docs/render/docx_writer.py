"""The one Word writer: semantic HTML (or Markdown, through its HTML) into a python-docx document.

masa-docs writes Word in two places and both go through :class:`WordWriter`:

* the Word copies of the HTML documents (:mod:`masa_docs.render.word_copy`): the document's
  HTML page, converted into ``templates/docx/word-copy.docx``;
* the agreement's Markdown clauses (:func:`add_markdown` / :func:`markdown_subdoc`, used by
  :mod:`masa_docs.render.agreement`): the Markdown is rendered to HTML by the same parser as
  the HTML documents (:func:`masa_docs.markdown.to_html`, raw HTML off) and that HTML is written
  into the document or docxtpl ``Subdoc``.

So headings, lists and their numbering restarts, hyperlinks, tables (:mod:`.docx_tables` for
widths), quotes and code are written by one piece of code, the same way in both:

* ``h1`` → Title and ``h2``–``h6`` → Heading 1–5 in the Word copies (the first heading is
  Heading 1 and levels never skip); ``hN`` → "Heading N+offset" (clamped to 1..9) for Markdown.
  A section's or heading's id becomes a Word bookmark (hyphens → underscores), and
  ``<a href="#id">`` links to it;
* ``p`` → the body style ("Normal" in the Word copies; "Body Text" when the document defines
  it, else the default, for Markdown; a few cover classes → Subtitle); ``strong``/``b`` bold,
  ``em``/``i``/``cite`` italic, ``code``/``kbd`` monospace, ``s``/``del`` struck through,
  ``br`` a line break;
* ``ul``/``ol`` → List Bullet / List Number (… 2, … 3 when nested); every ``ol`` restarts its
  numbering (a new ``w:num`` on the style's abstract numbering with a start override,
  honouring ``start``); a style without numbering gets a multi-level definition of our own;
  later paragraphs of an item → "List Continue" (… 2, … 3);
* ``a[href]`` → real hyperlinks (``w:hyperlink`` with an external relationship on the
  container's part) for http, https, mailto and tel only; relative links only when a
  ``base_url`` is given; other links stay text. Link runs carry the "Hyperlink" character
  style, added (blue, underlined) when the document lacks it: LibreOffice only exports DOCX
  links that carry a character style to PDF;
* ``table`` → a "Table Grid" (or ``table_style``) table: ``caption`` → a "Caption" paragraph
  before it, ``thead`` rows → repeating header rows (``w:tblHeader``), ``th`` bold, ``tfoot``
  rows bold, ``class="num"`` or ``text-align`` right/centre aligned, ``colspan`` merged; widths
  from the content and the text width (:mod:`.docx_tables`);
* ``figure.chart`` → the chart's PNG, with its alternative text in ``wp:docPr/@descr``, then
  the ``figcaption`` as a Caption; the cover's logos → pictures with their alt text;
* ``blockquote`` → Quote; ``dl`` → a bold term paragraph and indented definition paragraphs;
  ``pre`` → "Code"/"HTML Preformatted" when defined, monospace; ``hr`` → a bottom border;
* left out: ``nav`` (the contents list), the skip link, ``.page-footer``, ``.print-only``/
  ``.screen-only``, ``hidden`` elements, inline SVG and the signature boxes.

Text goes into ``w:t`` through python-docx (XML-escaped); characters XML 1.0 cannot hold are
dropped, and the four markers docxtpl rewrites after rendering (``{_{``, ``}_}``, ``{_%``,
``%_}``) are split across runs so they come out literally. Nothing here goes through Jinja.

Measured against pandoc 2.17 with the Word-copy template as its reference document (issue 14):
pandoc gave 9 table columns in the yearly report and 6 in the threshold narrower than their
longest word, dropped the SVG charts without rsvg-convert, left one image without alt text,
stamped the conversion time into the file (not byte-identical), and would still need the
bookmarks, header and the sign-off handling done here, so the writer is our own.
"""

from __future__ import annotations

import io
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..markdown import is_safe_link

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from .charts import Chart

__all__ = [
    "MONOSPACE_FONT",
    "MissingStyleError",
    "WordWriter",
    "add_hyperlink",
    "add_markdown",
    "bookmark_name",
    "clean_text",
    "html_subdoc",
    "markdown_subdoc",
    "new_subdoc",
]

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
# CT_PPr order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl, numPr,
# suppressLineNumbers, pBdr, shd, …: the elements that come after w:pBdr.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_WS = re.compile(r"[ \t\n\r\f]+")
MONOSPACE_FONT = "Courier New"  # Liberation Mono (fonts-liberation2) is its metric twin
HYPERLINK_COLOR = "0563C1"
MAX_LIST_DEPTH = 3
INDENT_EMU = 457200  # 0.5 inch: one nesting level of a quote or list without its own style
_DOCXTPL_MARKERS = ("{_{", "}_}", "{_%", "%_}")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}
BREAK = "\x00"  # marks a <br> among the text segments (never in parsed HTML text)


def bookmark_name(element_id: str) -> str:
    """A Word-safe bookmark name for an HTML id: letters, digits and underscores, ≤ 40 chars."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", element_id)
    if not name[:1].isalpha():
        name = "s_" + name
    return name[:40]


class MissingStyleError(KeyError):
    """The target document lacks a style the content needs (e.g. "Heading 4")."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "missing style"


def clean_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot hold (python-docx would raise on them)."""
    return _XML_INVALID.sub("", text)


def _split_markers(text: str) -> list[str]:
    """Split ``text`` so that no docxtpl post-render marker lies inside one piece."""
    if "_" not in text:  # every marker has one: the common case, without a scan
        return [text] if text else []
    pieces: list[str] = []
    start = 0
    for i in range(len(text) - 2):
        if text[i : i + 3] in _DOCXTPL_MARKERS:
            pieces.append(text[start : i + 1])
            start = i + 1
    pieces.append(text[start:])
    return [p for p in pieces if p]


def add_hyperlink(paragraph: Any, *, url: str | None = None, anchor: str | None = None) -> Any:
    """Append an empty ``w:hyperlink`` to ``paragraph`` (runs go inside it): to ``url`` through
    an external relationship of the paragraph's part, or to the bookmark ``anchor``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import OxmlElement

    element = OxmlElement("w:hyperlink")
    if url is not None:
        element.set(_qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    elif anchor is not None:
        element.set(_qn("w:anchor"), anchor)
    else:
        raise ValueError("a hyperlink needs a url or an anchor")
    element.set(_qn("w:history"), "1")
    paragraph._p.append(element)
    return element


def style_numbering(styles: Any, style_name: str) -> tuple[int, int] | None:
    """(numId, ilvl) that a paragraph style (or one of its bases) gives its paragraphs."""
    style = styles[style_name]
    seen: set[str] = set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        ppr = style.element.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is not None and num_pr.numId is not None:
            num_id = int(num_pr.numId.val)
            ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
            return (num_id, ilvl) if num_id else None
        style = style.base_style
    return None


def new_num(numbering: Any, styles_element: Any, abstract_id: int, ilvl: int, start: int | None) -> int:
    """A new ``w:num`` for ``abstract_id``, restarting level ``ilvl`` at ``start`` if given (a
    list that restarts its numbering).

    Its id is above every id in use *and* every id a style refers to: a template whose styles
    point at missing numbering must not suddenly pick up these lists.
    """
    from docx.oxml.numbering import CT_Num

    used = {int(n.get(_qn("w:numId"))) for n in numbering.findall(_qn("w:num"))}
    used.update(int(v) for v in styles_element.xpath(".//w:numPr/w:numId/@w:val"))
    num = CT_Num.new(max(used, default=0) + 1, abstract_id)
    numbering._insert_num(num)
    if start is not None:
        num.add_lvlOverride(ilvl=ilvl).add_startOverride(start)
    return int(num.numId)


# ------------------------------------------------------------------ Markdown


def add_markdown(
    container: Any,
    text: str,
    *,
    heading_offset: int = 0,
    table_style: str | None = None,
    body_style: str | None = None,
    base_url: str | None = None,
) -> None:
    """Append the Markdown ``text`` to ``container`` (a ``Document`` or a docxtpl ``Subdoc``).

    The Markdown becomes HTML (:func:`masa_docs.markdown.to_html`: raw HTML off, images as
    their alt text) and :class:`WordWriter` writes it. ``heading_offset`` demotes headings
    (``#`` → "Heading {1+offset}"). ``table_style`` names the table style (default: "Table
    Grid" when the document has it). ``body_style`` overrides the paragraph style (default:
    "Body Text" if defined, else the document's default). ``base_url`` makes relative links and
    fragments absolute; without it they stay text. Raises :class:`MissingStyleError` if a style
    the content needs ("Heading N", "List Bullet", "List Number") or one passed in is missing.
    """
    from ..markdown import to_html

    writer = WordWriter(
        container,
        heading_offset=heading_offset,
        body_style=body_style,
        table_style=table_style,
        base_url=base_url,
        strict_styles=True,
    )
    writer.convert(to_html(clean_text(text or "")))


def markdown_subdoc(
    tpl: Any,
    text: str,
    *,
    heading_offset: int = 0,
    table_style: str | None = None,
    body_style: str | None = None,
    base_url: str | None = None,
) -> Any:
    """A docxtpl ``Subdoc`` holding ``text``; insert it with ``{{p name }}`` in the template.

    Styles, numbering and hyperlink relationships live in the template's own main part, so
    build the sub-document from the ``DocxTemplate`` that will be rendered, and render that
    template once (a second ``render()`` reloads the template file and drops them).
    """
    subdoc = new_subdoc(tpl)
    add_markdown(
        subdoc,
        text,
        heading_offset=heading_offset,
        table_style=table_style,
        body_style=body_style,
        base_url=base_url,
    )
    return subdoc


def html_subdoc(tpl: Any, html: str) -> Any:
    """A docxtpl ``Subdoc`` holding the HTML fragment ``html`` (e.g. the agreement's cover band
    and logos), written by :class:`WordWriter` into the template's own styles and part."""
    subdoc = new_subdoc(tpl)
    WordWriter(subdoc).convert(html)
    return subdoc


_BLANK_DOCUMENT: list[Any] = []  # python-docx's default document element, read once


def new_subdoc(tpl: Any) -> Any:
    """``tpl.new_subdoc()`` without reading python-docx's default template from disk each time:
    docxtpl's ``Subdoc`` is a python-docx ``Document`` of that template whose part is replaced
    by ``tpl``'s; here the document element is a copy of one read once per process, on
    ``tpl``'s part. The agreement makes one per Markdown clause (about 30)."""
    import copy

    from docx.document import Document as DocumentObject
    from docxtpl.subdoc import Subdoc

    if not _BLANK_DOCUMENT:
        import docx

        _BLANK_DOCUMENT.append(docx.Document().element)
    subdoc = Subdoc.__new__(Subdoc)
    subdoc.tpl = tpl
    subdoc.docx = tpl.get_docx()
    subdoc.subdocx = DocumentObject(copy.deepcopy(_BLANK_DOCUMENT[0]), subdoc.docx._part)
    return subdoc


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


class WordWriter:
    """Append the body of an HTML page (or fragment) to a python-docx ``Document`` or a docxtpl
    ``Subdoc`` (both expose ``add_paragraph``/``add_table``, ``.styles`` and ``.part``).

    ``heading_offset=None`` maps ``h1`` to Title and ``hN`` to "Heading N-1" (the Word copies);
    an integer maps ``hN`` to "Heading N+offset", clamped to 1..9 (Markdown). ``body_style``
    names the paragraph style of running text (default: "Body Text" if defined, else the
    document's default). ``strict_styles`` raises :class:`MissingStyleError` for a heading or
    list style the document lacks, instead of falling back to the body style.
    """

    def __init__(
        self,
        document: Any,
        *,
        charts: dict[str, Chart] | None = None,
        heading_offset: int | None = None,
        body_style: str | None = None,
        table_style: str | None = None,
        base_url: str | None = None,
        strict_styles: bool = False,
    ) -> None:
        self.doc = document
        self.part = document.part
        self.charts = charts or {}
        self.styles = document.styles
        self.heading_offset = heading_offset
        self.base_url = base_url
        self.strict = strict_styles
        # python-docx looks styles up by scanning styles.xml on every assignment: resolve the
        # ids once and set w:pStyle / w:rStyle directly (a 5x speed-up on big documents).
        ids = _style_ids(self.part, self.styles)
        self._para_ids, self._char_ids, self._table_ids = dict(ids[0]), dict(ids[1]), dict(ids[2])
        self._default_para = ids[3]
        if body_style is not None and body_style not in self._para_ids:
            raise MissingStyleError(f"the document has no paragraph style {body_style!r}")
        if table_style is not None and table_style not in self._table_ids:
            raise MissingStyleError(f"the document has no table style {table_style!r}")
        self.body = body_style or ("Body Text" if "Body Text" in self._para_ids else self._default_para)
        self.table_style = table_style or ("Table Grid" if "Table Grid" in self._table_ids else None)
        self._bookmark_id = 0
        self._bookmarks: set[str] = set()
        self._targets: set[str] = set()  # ids in the HTML that become bookmarks
        self._list_depth = 0
        self._quote_depth = 0
        self._fallback_abstract: dict[bool, int] = {}
        self._created: list[Any] = []  # every paragraph written, in order
        self._base = _Fmt()  # formatting every run starts from (bold in header cells)
        self._table_styles: tuple[tuple[int, ...], Any] | None = None  # see _size

    # ---- entry point

    def convert(self, html: str) -> None:
        from lxml import html as lxml_html

        if not html.strip():
            return
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
        self._flow(body, self.doc, self.body)

    # ---- styles

    def _style(self, name: str, fallback: str | None = None) -> str:
        return name if name in self._para_ids else (fallback or self.body)

    def _required(self, name: str) -> str:
        """``name`` if the document has it; else the body style, or an error when strict."""
        if name in self._para_ids:
            return name
        if self.strict:
            raise MissingStyleError(f"the document has no paragraph style {name!r}")
        return self.body

    def _heading_style(self, level: int) -> str:
        if self.heading_offset is None:
            return self._required("Title" if level == 1 else f"Heading {level - 1}")
        return self._required(f"Heading {min(9, max(1, level + self.heading_offset))}")

    def _list_style(self, ordered: bool, depth: int) -> str:
        base = "List Number" if ordered else "List Bullet"
        for d in range(min(depth, MAX_LIST_DEPTH), 0, -1):
            name = base if d == 1 else f"{base} {d}"
            if name in self._para_ids:
                return name
        return self._required(base)

    def _continue_style(self, depth: int) -> str | None:
        """The style of an item's later paragraphs: "List Continue N", if defined."""
        depth = min(depth, MAX_LIST_DEPTH)
        for name in (f"List Continue{'' if depth == 1 else f' {depth}'}", "List Continue"):
            if name in self._para_ids:
                return name
        return None

    def _link_style(self) -> str:
        """The "Hyperlink" character style's id, added (blue, underlined) when the document
        lacks it. Not cosmetic: LibreOffice turns a DOCX hyperlink into a PDF link only when
        its runs carry a character style."""
        if "Hyperlink" not in self._char_ids:
            from docx.enum.style import WD_STYLE_TYPE
            from docx.shared import RGBColor

            style = self.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            style.font.color.rgb = RGBColor.from_string(HYPERLINK_COLOR)
            style.font.underline = True
            style.priority = 99
            style.unhide_when_used = True
            self._char_ids["Hyperlink"] = style.style_id
        return self._char_ids["Hyperlink"]

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
        _set_pstyle(para._p, None if name == self._default_para else self._para_ids[name])

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
            para = self._paragraph(container, self._heading_style(int(tag[1])), el, first)
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
        if tag == "div" and "cover-band" in _classes(el):
            return self._band(el, container, style, first)
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
            return self._quote(el, container, first)
        if tag == "dl":
            return self._definitions(el, container, first)
        if tag == "pre":
            return self._code(el, container, first)
        if tag == "hr":
            self._rule(container, first)
            return None
        # Containers: section, div, header, main, footer, article, aside, li, dd, dt, details …
        return self._flow(el, container, style, first=first)

    # ---- quotes, code and rules

    def _indent(self, para: Any, depth: int) -> None:
        from docx.shared import Emu

        para.paragraph_format.left_indent = Emu(INDENT_EMU * depth)

    def _quote(self, el: HtmlElement, container: Any, first: Any) -> Any:
        """Quote style; a nested quote (or a document without the style) is indented further."""
        self._quote_depth += 1
        mark = len(self._created)
        try:
            first = self._flow(el, container, self._style("Quote"), first=first)
        finally:
            self._quote_depth -= 1
        depth = self._quote_depth + 1
        if depth > 1 or "Quote" not in self._para_ids:
            for para in self._created[mark:]:
                if para.paragraph_format.left_indent is None:
                    self._indent(para, depth)
        return first

    def _code(self, el: HtmlElement, container: Any, first: Any) -> Any:
        """A code block: "Code" or "HTML Preformatted" when defined, monospace, lines kept."""
        segs: list[_Seg] = []
        self._inline_children(el, _Fmt(mono=True), None, segs)
        if segs and segs[-1].text.endswith("\n"):  # the block's own final newline
            segs[-1] = replace(segs[-1], text=segs[-1].text[:-1])
        if not _has_text(segs):
            return first
        style = next((n for n in ("Code", "HTML Preformatted") if n in self._para_ids), self.body)
        para = self._new(container, style, first)
        depth = self._quote_depth + self._list_depth
        if depth:
            self._indent(para, depth)
        self._write(para, segs, preserve=True)
        return None

    def _rule(self, container: Any, first: Any) -> None:
        """A thematic break: an empty paragraph with a bottom border."""
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        para = self._new(container, self.body, first)
        para._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                'w:color="auto"/></w:pBdr>'
            )
        )

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
        ppr.insert_element_before(borders, *_AFTER_PBDR)
        para.paragraph_format.left_indent = _pt(6)
        para.paragraph_format.right_indent = _pt(6)
        para.paragraph_format.space_before = _pt(9)
        para.paragraph_format.space_after = _pt(12)
        para.paragraph_format.keep_together = True
        return None

    def _band(self, el: HtmlElement, container: Any, style: str, first: Any) -> Any:
        """The cover band: its paragraphs shaded in the partnership's colour (the inline
        ``background-color``, whose contrast with white :mod:`masa_docs.brand` checks), white
        text, with room above and below the text from the line height, as on the page and in the
        PDF. Shading only, no paragraph border: LibreOffice exports a paragraph border as an
        untagged path, which PDF/UA refuses (the agreement's PDF comes from its .docx)."""
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml.parser import OxmlElement
        from docx.shared import RGBColor
        from docx.text.run import Run

        m = re.search(r"background-color:\s*#([0-9a-fA-F]{6})\b", el.get("style") or "")
        mark = len(self._created)
        first = self._flow(el, container, style, first=first)
        if m is None:
            return first
        colour = m.group(1).upper()
        band = self._created[mark:]
        for n, para in enumerate(band):
            shd = OxmlElement("w:shd")
            shd.set(_qn("w:val"), "clear")
            shd.set(_qn("w:color"), "auto")
            shd.set(_qn("w:fill"), colour)
            para._p.get_or_add_pPr().insert_element_before(shd, *_AFTER_PBDR[1:])
            fmt = para.paragraph_format
            fmt.left_indent = fmt.right_indent = _pt(0)
            fmt.space_before = _pt(0)
            fmt.space_after = _pt(18) if n == len(band) - 1 else _pt(0)
            size = self._font_pt(self._style_name(para))
            fmt.line_spacing = _pt(round(size * (2.2 if len(band) == 1 else 1.6)))  # exact line height
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.keep_with_next = n < len(band) - 1
            for r in para._p.iter(_qn("w:r")):
                Run(r, para).font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        return first

    def _font_pt(self, style_name: str) -> float:
        """The font size a paragraph style gives its text (through its base styles), in points."""
        style = self.styles[style_name] if style_name in self._para_ids else None
        while style is not None:
            if style.font.size is not None:
                return float(style.font.size.pt)
            style = style.base_style
        return 11.0

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
                para = self._new(container, self.body, first)
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
            depth = self._list_depth
            style = self._list_style(ordered, depth)
            start = 1
            if ordered:
                try:
                    start = int(el.get("start") or 1)
                except ValueError:
                    start = 1
            num = self._list_numbering(style, ordered, depth, start)
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
                if own[1:]:
                    cont = self._continue_style(depth)
                    for extra in own[1:]:
                        self._set_style(extra, cont or self.body)
                        if cont is None:
                            self._indent(extra, depth)
            return first
        finally:
            self._list_depth -= 1

    def _numbering(self) -> Any:
        """The ``w:numbering`` element of the container's part, created when absent."""
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls
        from docx.parts.numbering import NumberingPart

        try:
            numbering_part = self.part.part_related_by(RT.NUMBERING)
        except KeyError:
            element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
            numbering_part = NumberingPart(
                PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, self.part.package
            )
            self.part.relate_to(numbering_part, RT.NUMBERING)
        return numbering_part.element

    def _list_numbering(self, style: str, ordered: bool, depth: int, start: int) -> tuple[int, int] | None:
        """(numId, ilvl) to set on each item of a new list, or None when the style's own
        numbering serves (bullets). Every ordered list gets a new ``w:num`` that restarts at
        ``start``; a style without (valid) numbering gets a definition of our own."""
        from docx.oxml.ns import qn

        numbering = self._numbering()
        style_num = style_numbering(self.styles, style) if style in self._para_ids else None
        abstract: int | None = None
        if style_num is not None:
            num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{style_num[0]}']")
            ref = num.find(qn("w:abstractNumId")) if num is not None else None
            if (
                ref is not None
                and numbering.find(
                    f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{ref.get(qn('w:val'))}']"
                )
                is not None
            ):
                abstract = int(ref.get(qn("w:val")))
        if abstract is not None and style_num is not None:
            if not ordered:
                return None  # bullets come from the style itself
            return new_num(numbering, self.styles.element, abstract, style_num[1], start), style_num[1]
        if ordered not in self._fallback_abstract:
            self._fallback_abstract[ordered] = _add_abstract(numbering, ordered)
        ilvl = min(depth, 9) - 1
        return (
            new_num(
                numbering,
                self.styles.element,
                self._fallback_abstract[ordered],
                ilvl,
                start if ordered else None,
            ),
            ilvl,
        )

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
                    self._write(self._new(container, self.body, first), segs)
                    first = None
                elif _has_text(segs):
                    para = self._new(container, self.body, first)
                    first = None
                    para.paragraph_format.keep_with_next = True
                    para.paragraph_format.space_after = 0
                    self._write(para, segs)
            else:  # dd
                mark = len(self._created)
                first = self._flow(item, container, self.body, first=first)
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
        para = self._new(container, self.body, first)
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
        if self.table_style is not None:
            table._tbl.tblPr.style = self._table_ids[self.table_style]
        header_rows = 0
        cell_style = self._style("Table Text", self._default_para)
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
                align = "RIGHT" if "num" in _classes(cell_el) else _text_align(cell_el)
                if align is not None:
                    for p in cell.paragraphs:
                        p.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
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
        """Column widths from the content within the full text width of the *rendered*
        document (a docxtpl Subdoc's own section is Letter; its template's is the one that
        counts): :mod:`.docx_tables`."""
        from .docx_tables import finish_table, paragraph_styles

        doc = getattr(self.doc, "docx", None) or self.doc
        section = doc.sections[-1]
        width = int(section.page_width - section.left_margin - section.right_margin)
        styles_root, numbering = self.styles.element, self._numbering()
        # The writer only ever adds styles and numbering: read them again when they grew.
        key = (id(styles_root), len(styles_root), id(numbering), len(numbering))
        if self._table_styles is None or self._table_styles[0] != key:
            self._table_styles = (key, paragraph_styles(styles_root, numbering_root=numbering))
        finish_table(
            table._tbl,
            available_pt=width / 12700,
            styles_root=styles_root,
            header_rows=header_rows,
            numbering_root=numbering,
            styles=self._table_styles[1],
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
        """A bookmark for ``#id`` of a heading or section here; a URL for http(s), mailto and
        tel, or for a relative link made absolute by ``base_url``; else None (plain text)."""
        href = href.strip()
        if href.startswith("#") and href[1:] in self._targets:
            return ("anchor", bookmark_name(href[1:]))
        if not href or not is_safe_link(href):
            return None
        if urlsplit(href).scheme:
            return ("url", href)
        if self.base_url:
            target = urljoin(self.base_url, href)
            if is_safe_link(target) and urlsplit(target).scheme:
                return ("url", target)
        return None

    def _write(self, para: Any, segs: list[_Seg], *, preserve: bool = False) -> None:
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
                for k, piece in enumerate(_split_markers(clean_text(line)) or [""]):
                    self._run(parent, para, seg.fmt, piece, brk=bool(n) and not k, link=seg.link is not None)

    def _run(self, parent: Any, para: Any, fmt: _Fmt, text: str, *, brk: bool, link: bool) -> None:
        from docx.text.run import Run

        r = _w_element("r")
        parent.append(r)
        run = Run(r, para)
        if not (fmt.strike or fmt.sup or fmt.sub or fmt.mono):
            _plain_run_properties(r, self._link_style() if link else None, fmt.bold, fmt.italic)
        else:
            self._run_properties(r, run, fmt, link)
        if text:
            _set_run_text(r, run, text)
        if brk:
            br = _w_element("br")
            rpr = r.rPr
            if rpr is not None:
                rpr.addnext(br)
            else:
                r.insert(0, br)

    def _run_properties(self, r: Any, run: Any, fmt: _Fmt, link: bool) -> None:
        if link:
            r.get_or_add_rPr().style = self._link_style()
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.strike:
            run.font.strike = True
        if fmt.sup:
            run.font.superscript = True
        if fmt.sub:
            run.font.subscript = True
        if fmt.mono:
            fonts = r.get_or_add_rPr().get_or_add_rFonts()
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(_qn(attr), MONOSPACE_FONT)

    def _hyperlink(self, para: Any, link: tuple[str, str]) -> Any:
        kind, target = link
        return add_hyperlink(para, url=target) if kind == "url" else add_hyperlink(para, anchor=target)


# ------------------------------------------------------------------ helpers


_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_NSMAP = {"w": _W_NS[1:-1]}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SPECIAL_RUN_CHARS = re.compile("[\t\r\n]")


def _w_element(local: str) -> Any:
    """``OxmlElement(f"w:{local}")`` (the same call to python-docx's element factory) without
    parsing the prefixed name each time: the writer makes one for every paragraph and run."""
    from docx.oxml.parser import oxml_parser

    return oxml_parser.makeelement(_W_NS + local, nsmap=_W_NSMAP)


def _set_pstyle(p: Any, style_id: str | None) -> None:
    """``p.style = style_id`` (python-docx's ``CT_P.style``) without its generic child search:
    the same XML (a ``w:pPr``, added if missing, even for no style; ``w:pStyle`` its first
    child), at a fraction of the cost. Paragraph styles are set on every paragraph written."""
    ppr = p.pPr
    if ppr is None:
        ppr = _w_element("pPr")
        p.append(ppr)  # as CT_P's pPr (no successors declared): our paragraphs are empty here
    current = ppr.find(_W_NS + "pStyle")
    if style_id is None:
        if current is not None:
            ppr.remove(current)
        return
    if current is None:
        current = _w_element("pStyle")
        ppr.insert(0, current)  # pStyle comes first in CT_PPr
    current.set(_W_NS + "val", style_id)


def _plain_run_properties(r: Any, style_id: str | None, bold: bool, italic: bool) -> None:
    """The ``w:rPr`` python-docx writes for a character style, bold and italic (``w:rStyle``,
    ``w:b``, ``w:i``, in the schema's order), on a new, empty run, made directly."""
    if style_id is None and not bold and not italic:
        return
    rpr = _w_element("rPr")
    if style_id is not None:
        rstyle = _w_element("rStyle")
        rstyle.set(_W_NS + "val", style_id)
        rpr.append(rstyle)
    if bold:
        rpr.append(_w_element("b"))
    if italic:
        rpr.append(_w_element("i"))
    r.append(rpr)


def _set_run_text(r: Any, run: Any, text: str) -> None:
    """``run.text = text`` on a new run: python-docx's setter reads the text one character at
    a time (tabs and line breaks become elements); plain text is one ``w:t``, made directly,
    with ``xml:space="preserve"`` exactly when python-docx sets it (the break goes in after)."""
    if _SPECIAL_RUN_CHARS.search(text):
        run.text = text
        return
    t = _w_element("t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")
    r.append(t)


#: Per document part: (its styles element, how many children it had, then the ids of the
#: paragraph, character and table styles by name and the default paragraph style's name). The
#: agreement's template makes a writer for each of its 30 Markdown sub-documents, all on the
#: template's one styles part.
_STYLE_IDS: weakref.WeakKeyDictionary[Any, tuple[Any, int, StyleIds]] = weakref.WeakKeyDictionary()
StyleIds = tuple[dict[str, str], dict[str, str], dict[str, str], str]


def _style_ids(part: Any, styles: Any) -> StyleIds:
    """The style ids by name of ``styles`` (``part``'s), read again when the styles changed in
    number (a writer only adds styles)."""
    from docx.enum.style import WD_STYLE_TYPE

    element = styles.element
    kept = _STYLE_IDS.get(part)
    if kept is not None and kept[0] is element and kept[1] == len(element):
        return kept[2]
    by_type: dict[Any, dict[str, str]] = {
        WD_STYLE_TYPE.PARAGRAPH: {},
        WD_STYLE_TYPE.CHARACTER: {},
        WD_STYLE_TYPE.TABLE: {},
    }
    for style in styles:
        found = by_type.get(style.type)
        if found is not None:
            found[style.name] = style.style_id
    default = styles.default(WD_STYLE_TYPE.PARAGRAPH)
    ids = (
        by_type[WD_STYLE_TYPE.PARAGRAPH],
        by_type[WD_STYLE_TYPE.CHARACTER],
        by_type[WD_STYLE_TYPE.TABLE],
        default.name if default is not None else "Normal",
    )
    _STYLE_IDS[part] = (element, len(element), ids)
    return ids


def _text_align(cell: HtmlElement) -> str | None:
    """LEFT/CENTER/RIGHT from a cell's ``style="text-align:…"`` (Markdown table columns)."""
    m = re.search(r"text-align:\s*(\w+)", cell.get("style") or "")
    return _ALIGN.get(m.group(1).lower()) if m else None


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


def _add_abstract(numbering: Any, ordered: bool) -> int:
    """A nine-level ``w:abstractNum`` of our own (decimal/letter/roman, or bullets)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    levels = []
    for lvl in range(9):
        if ordered:
            fmt = ("decimal", "lowerLetter", "lowerRoman")[lvl % 3]
            text = f"%{lvl + 1}."
        else:
            fmt, text = "bullet", ("\u2022", "\u25e6", "\u25aa")[lvl % 3]
        levels.append(
            f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{720 * (lvl + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        )
    element = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="{0x4D415300 + abstract_id:08X}"/>'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(levels)}</w:abstractNum>'
    )
    nums = numbering.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(element)
    else:
        numbering.append(element)
    return abstract_id


def _set_num(para: Any, num_id: int, ilvl: int) -> None:
    num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id
