"""Markdown → Word bridge: narrative content becomes real Word structure, never markup.

:func:`add_markdown` appends the blocks of a Markdown string to a python-docx ``Document`` or
to a docxtpl ``Subdoc`` (both expose ``add_paragraph``/``add_table`` and a ``.part``), using the
document's own named styles so that Word and LibreOffice see headings, lists, quotes and
tables as such:

* ``#`` headings → "Heading N" (``heading_offset`` added, clamped to 1..9);
* paragraphs → "Body Text" when the document defines it, else "Normal";
* ``**bold**``, ``*italic*``, ``~~strike~~`` and ```code``` → run formatting;
* bullet lists → "List Bullet" / "List Bullet 2" / "List Bullet 3";
* ordered lists → "List Number" (… 2, … 3) whose numbering *restarts* for every separate
  list: each list gets a new ``w:num`` pointing at the style's abstract numbering with a
  ``startOverride`` (the Markdown start number is honoured);
* safe links → ``w:hyperlink`` with an external relationship on the container's part, runs
  in the "Hyperlink" character style — added to the document (blue, underlined) when it
  lacks one, because LibreOffice only exports DOCX links that carry a character style to
  PDF. Relative links and fragments only become hyperlinks when ``base_url`` is given (a
  Word file has no base);
* tables → Word tables, first row a repeating header row (``w:tblHeader``), "Table Grid"
  (or ``table_style``) when present;
* block quotes → "Quote"; code blocks → monospace; hard breaks → ``w:br``.

Text is only ever put into ``w:t`` through python-docx, which escapes ``&``, ``<`` and ``>``.
Nothing here goes through Jinja. Two extra guards make a sub-document survive docxtpl:
characters that XML 1.0 forbids are dropped, and the four markers docxtpl rewrites after
rendering (``{_{``, ``}_}``, ``{_%``, ``%_}``) are split across runs so they come out
literally.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from docx.parts.numbering import NumberingPart
from docx.shared import Emu, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from masa_docs.markdown import is_safe_link, parse

from .docx_common import add_hyperlink, clean_text, new_num, style_numbering

__all__ = ["MONOSPACE_FONT", "MissingStyleError", "add_markdown", "markdown_subdoc"]

MONOSPACE_FONT = "Courier New"  # Liberation Mono (fonts-liberation2) is its metric twin
HYPERLINK_COLOR = RGBColor(0x05, 0x63, 0xC1)
_MAX_LIST_DEPTH = 3
_DOCXTPL_MARKERS = ("{_{", "}_}", "{_%", "%_}")
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


class MissingStyleError(KeyError):
    """The target document lacks a style the content needs (e.g. "Heading 4")."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "missing style"


# --------------------------------------------------------------------------- public API


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

    ``heading_offset`` demotes headings (``#`` → "Heading {1+offset}"). ``table_style`` names
    the table style to use (default: "Table Grid" when the document has it). ``body_style``
    overrides the paragraph style (default: "Body Text" if defined, else "Normal").
    ``base_url`` makes relative links and fragments absolute; without it they stay text.
    Raises :class:`MissingStyleError` if a style the content needs ("Heading N", "List
    Bullet", "List Number") or one passed in is missing.
    """
    _Writer(
        container,
        heading_offset=heading_offset,
        table_style=table_style,
        body_style=body_style,
        base_url=base_url,
    ).render(parse(text or ""))


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
    subdoc = tpl.new_subdoc()
    add_markdown(
        subdoc,
        text,
        heading_offset=heading_offset,
        table_style=table_style,
        body_style=body_style,
        base_url=base_url,
    )
    return subdoc


# --------------------------------------------------------------------------- text helpers


def _split_markers(text: str) -> list[str]:
    """Split ``text`` so that no docxtpl post-render marker lies inside one piece."""
    pieces: list[str] = []
    start = 0
    for i in range(len(text) - 2):
        if text[i : i + 3] in _DOCXTPL_MARKERS:
            pieces.append(text[start : i + 1])
            start = i + 1
    pieces.append(text[start:])
    return [p for p in pieces if p]


@dataclass(frozen=True)
class _Fmt:
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False


@dataclass
class _ListCtx:
    ordered: bool
    start: int
    num_id: int | None = None  # the list's own w:num (ordered lists)
    ilvl: int = 0
    item_paragraphs: int = 0


@dataclass
class _State:
    lists: list[_ListCtx] = field(default_factory=list)
    quote_depth: int = 0
    nesting: list[str] = field(default_factory=list)  # "list" / "quote", innermost last


# --------------------------------------------------------------------------- writer


class _Writer:
    def __init__(
        self,
        container: Any,
        *,
        heading_offset: int,
        table_style: str | None,
        body_style: str | None,
        base_url: str | None,
    ) -> None:
        self.c = container
        self.part = container.part
        self.styles = container.styles
        self.heading_offset = heading_offset
        self.base_url = base_url
        if body_style is not None and not self._has_style(body_style, WD_STYLE_TYPE.PARAGRAPH):
            raise MissingStyleError(f"the document has no paragraph style {body_style!r}")
        self.body_style = body_style or self._first_style(("Body Text",), WD_STYLE_TYPE.PARAGRAPH)
        if table_style is not None and not self._has_style(table_style, WD_STYLE_TYPE.TABLE):
            raise MissingStyleError(f"the document has no table style {table_style!r}")
        self.table_style = table_style or self._first_style(("Table Grid",), WD_STYLE_TYPE.TABLE)
        self.quote_style = self._first_style(("Quote",), WD_STYLE_TYPE.PARAGRAPH)
        self.code_style = self._first_style(("Code", "HTML Preformatted"), WD_STYLE_TYPE.PARAGRAPH)
        self.link_style = self._first_style(("Hyperlink",), WD_STYLE_TYPE.CHARACTER)
        self.state = _State()
        self._fallback_abstract: dict[bool, int] = {}

    # ---- styles

    def _has_style(self, name: str, style_type: WD_STYLE_TYPE) -> bool:
        if name not in self.styles:
            return False
        return bool(self.styles[name].type == style_type)

    def _first_style(self, names: Sequence[str], style_type: WD_STYLE_TYPE) -> str | None:
        for name in names:
            if self._has_style(name, style_type):
                return name
        return None

    def _paragraph_style(self) -> str | None:
        return self.body_style  # None → the document's default paragraph style

    # ---- blocks

    def render(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            i = self._block(tokens, i)

    def _block(self, tokens: list[Token], i: int) -> int:
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            level = min(9, max(1, int(tok.tag[1:]) + self.heading_offset))
            name = f"Heading {level}"
            if not self._has_style(name, WD_STYLE_TYPE.PARAGRAPH):
                raise MissingStyleError(f"the document has no paragraph style {name!r}")
            para = self.c.add_paragraph(style=name)
            self._inline(para, tokens[i + 1])
            return i + 3
        if t == "paragraph_open":
            para = self._new_text_paragraph()
            self._inline(para, tokens[i + 1])
            return i + 3
        if t in ("bullet_list_open", "ordered_list_open"):
            ordered = t == "ordered_list_open"
            start = int(tok.attrGet("start") or 1) if ordered else 1
            self.state.lists.append(_ListCtx(ordered=ordered, start=start))
            self.state.nesting.append("list")
            return i + 1
        if t in ("bullet_list_close", "ordered_list_close"):
            self.state.lists.pop()
            self.state.nesting.pop()
            return i + 1
        if t == "list_item_open":
            self.state.lists[-1].item_paragraphs = 0
            return i + 1
        if t == "blockquote_open":
            self.state.quote_depth += 1
            self.state.nesting.append("quote")
            return i + 1
        if t == "blockquote_close":
            self.state.quote_depth -= 1
            self.state.nesting.pop()
            return i + 1
        if t in ("fence", "code_block"):
            self._code_block(tok.content)
            return i + 1
        if t == "hr":
            self._rule()
            return i + 1
        if t == "table_open":
            return self._table(tokens, i)
        # list_item_close, paragraph_close, html_block (raw HTML is off) …
        return i + 1

    def _new_text_paragraph(self) -> Paragraph:
        """A paragraph for running text in the current list / quote context."""
        innermost = self.state.nesting[-1] if self.state.nesting else None
        if innermost == "list":
            ctx = self.state.lists[-1]
            ctx.item_paragraphs += 1
            if ctx.item_paragraphs == 1:
                return self._list_paragraph(ctx)
            depth = min(len(self.state.lists), _MAX_LIST_DEPTH)
            cont = self._first_style(
                [f"List Continue{'' if depth == 1 else f' {depth}'}", "List Continue"],
                WD_STYLE_TYPE.PARAGRAPH,
            )
            para = self.c.add_paragraph(style=cont or self._paragraph_style())
            if cont is None:
                para.paragraph_format.left_indent = Emu(457200 * depth)
            return para
        if innermost is None:
            return self.c.add_paragraph(style=self._paragraph_style())
        # Inside a quote: "Quote" carries its own indent; indent further only when nested.
        para = self.c.add_paragraph(style=self.quote_style or self._paragraph_style())
        depth = len(self.state.nesting)
        if depth > 1 or self.quote_style is None:
            para.paragraph_format.left_indent = Emu(457200 * depth)
        return para

    # ---- lists and numbering

    def _list_style(self, ordered: bool, depth: int) -> str:
        base = "List Number" if ordered else "List Bullet"
        for d in range(min(depth, _MAX_LIST_DEPTH), 0, -1):
            name = base if d == 1 else f"{base} {d}"
            if self._has_style(name, WD_STYLE_TYPE.PARAGRAPH):
                return name
        raise MissingStyleError(f"the document has no paragraph style {base!r}")

    def _list_paragraph(self, ctx: _ListCtx) -> Paragraph:
        depth = len(self.state.lists)
        style = self._list_style(ctx.ordered, depth)
        para = self.c.add_paragraph(style=style)
        if ctx.num_id is None:
            style_num = self._style_numbering(style)
            if ctx.ordered:
                abstract_id, ilvl = self._abstract_for(style_num, ordered=True, depth=depth)
                ctx.num_id, ctx.ilvl = self._new_num(abstract_id, ilvl, ctx.start), ilvl
            elif style_num is not None and self._num_exists(style_num[0]):
                ctx.num_id, ctx.ilvl = 0, style_num[1]  # bullets come from the style itself
            else:
                abstract_id, ilvl = self._abstract_for(None, ordered=False, depth=depth)
                ctx.num_id, ctx.ilvl = self._new_num(abstract_id, ilvl, None), ilvl
        if ctx.num_id:
            pPr = para._p.get_or_add_pPr()
            numPr = pPr.get_or_add_numPr()
            numPr.get_or_add_ilvl().val = ctx.ilvl
            numPr.get_or_add_numId().val = ctx.num_id
        return para

    def _numbering(self) -> Any:
        """The ``w:numbering`` element of the container's part, created when absent."""
        try:
            numbering_part = self.part.part_related_by(RT.NUMBERING)
        except KeyError:
            element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
            numbering_part = NumberingPart(
                PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, self.part.package
            )
            self.part.relate_to(numbering_part, RT.NUMBERING)
        return numbering_part.element

    def _style_numbering(self, style_name: str) -> tuple[int, int] | None:
        """(numId, ilvl) a paragraph style (or its bases) gives its paragraphs, if any."""
        return style_numbering(self.styles, style_name)

    def _abstract_for(
        self, style_num: tuple[int, int] | None, *, ordered: bool, depth: int
    ) -> tuple[int, int]:
        numbering = self._numbering()
        if style_num is not None and self._num_exists(style_num[0]):
            num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{style_num[0]}']")
            return int(num.find(qn("w:abstractNumId")).get(qn("w:val"))), style_num[1]
        # The style has no (valid) numbering: use a multi-level definition of our own.
        if ordered not in self._fallback_abstract:
            self._fallback_abstract[ordered] = self._add_abstract(numbering, ordered)
        return self._fallback_abstract[ordered], min(depth, 9) - 1

    @staticmethod
    def _add_abstract(numbering: Any, ordered: bool) -> int:
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

    def _num_exists(self, num_id: int) -> bool:
        numbering = self._numbering()
        num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        if num is None:
            return False
        abstract = num.find(qn("w:abstractNumId"))
        if abstract is None:
            return False
        wanted = abstract.get(qn("w:val"))
        return any(a.get(qn("w:abstractNumId")) == wanted for a in numbering.findall(qn("w:abstractNum")))

    def _new_num(self, abstract_id: int, ilvl: int, start: int | None) -> int:
        """A new ``w:num`` for ``abstract_id``, restarting ``ilvl`` at ``start`` if given."""
        return new_num(self._numbering(), self.styles.element, abstract_id, ilvl, start)

    # ---- other blocks

    def _code_block(self, content: str) -> None:
        para = self.c.add_paragraph(style=self.code_style or self._paragraph_style())
        if self.state.quote_depth or self.state.lists:
            depth = self.state.quote_depth + len(self.state.lists)
            para.paragraph_format.left_indent = Emu(457200 * depth)
        lines = content[:-1].split("\n") if content.endswith("\n") else content.split("\n")
        for n, line in enumerate(lines):
            if n:
                self._run(para, None, "", _Fmt(code=True)).add_break()
            for piece in _split_markers(clean_text(line)):
                self._run(para, None, piece, _Fmt(code=True))

    def _rule(self) -> None:
        para = self.c.add_paragraph(style=self._paragraph_style())
        pPr = para._p.get_or_add_pPr()
        pPr.append(
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
                'w:color="auto"/></w:pBdr>'
            )
        )

    def _table(self, tokens: list[Token], i: int) -> int:
        rows: list[list[tuple[Token, str | None]]] = []
        header_rows = 0
        in_head = False
        j = i + 1
        while tokens[j].type != "table_close":
            tok = tokens[j]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrGet("style") or "")
                m = re.search(r"text-align:(\w+)", style)
                rows[-1].append((tokens[j + 1], m.group(1) if m else None))
            j += 1
        ncols = max((len(r) for r in rows), default=0)
        if not rows or not ncols:
            return j + 1
        table = self.c.add_table(rows=len(rows), cols=ncols)
        if self.table_style:
            table.style = self.table_style
        for r, row in enumerate(rows):
            header = r < header_rows
            if header:
                trPr = table.rows[r]._tr.get_or_add_trPr()
                trPr.append(OxmlElement("w:tblHeader"))
            for col, (inline, align) in enumerate(row):
                cell = table.cell(r, col)
                para = cell.paragraphs[0]
                if align in _ALIGN:
                    para.alignment = _ALIGN[align]
                self._inline(para, inline, base=_Fmt(bold=header))
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "1" if header_rows else "0")
            look.set(qn("w:firstColumn"), "0")
        self._size_table(table, header_rows)
        return j + 1

    def _size_table(self, table: Table, header_rows: int) -> None:
        """Column widths from the content within the full text width of the *rendered*
        document (a Subdoc's own section is Letter): :mod:`.docx_tables`, as the Word copies."""
        from .docx_tables import finish_table

        doc = getattr(self.c, "docx", None) or self.c
        try:
            section = doc.sections[-1]
            width = int(section.page_width - section.left_margin - section.right_margin)
            styles_root = doc.styles.element
            numbering_root = doc.part.numbering_part.element
        except (AttributeError, IndexError, TypeError, NotImplementedError):
            return
        finish_table(
            table._tbl,
            available_pt=width / 12700,
            styles_root=styles_root,
            header_rows=header_rows,
            numbering_root=numbering_root,
        )

    # ---- inline content

    def _inline(self, para: Paragraph, inline: Token, base: _Fmt | None = None) -> None:
        fmt = base or _Fmt()
        stack: list[_Fmt] = []
        link: Any = None  # the open w:hyperlink element, if any
        for child in inline.children or []:
            t = child.type
            if t == "text":
                self._text(para, link, child.content, fmt)
            elif t == "softbreak":
                self._text(para, link, " ", fmt)
            elif t == "hardbreak":
                self._run(para, link, "", fmt).add_break()
            elif t == "code_inline":
                self._text(para, link, child.content, _replace(fmt, code=True))
            elif t in ("strong_open", "em_open", "s_open"):
                stack.append(fmt)
                key = {"strong_open": "bold", "em_open": "italic", "s_open": "strike"}[t]
                fmt = _replace(fmt, **{key: True})
            elif t in ("strong_close", "em_close", "s_close"):
                fmt = stack.pop() if stack else (base or _Fmt())
            elif t == "link_open":
                target = self._link_target(str(child.attrGet("href") or ""))
                if target is not None:
                    link = self._hyperlink(para, target)
            elif t == "link_close":
                link = None
            elif t == "image":
                alt = "".join(c.content for c in child.children or [] if c.type == "text")
                self._text(para, link, alt, fmt)
            elif t == "html_inline":  # raw HTML is off; keep it as text if it ever appears
                self._text(para, link, child.content, fmt)

    def _link_target(self, href: str) -> str | None:
        if not href or not is_safe_link(href):
            return None
        if urlsplit(href).scheme:
            return href
        if self.base_url:
            target = urljoin(self.base_url, href)
            return target if is_safe_link(target) and urlsplit(target).scheme else None
        return None

    def _ensure_link_style(self) -> str:
        """The "Hyperlink" character style, added (blue, underlined) when the document lacks it.

        Not cosmetic: LibreOffice 7.4 turns a DOCX hyperlink into a PDF link annotation only
        when its runs carry a character style; with direct formatting alone the PDF has the
        blue text but no link.
        """
        if self.link_style is None:
            style = self.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            style.font.color.rgb = HYPERLINK_COLOR
            style.font.underline = True
            style.priority = 99
            style.unhide_when_used = True
            self.link_style = "Hyperlink"
        return self.link_style

    def _hyperlink(self, para: Paragraph, url: str) -> Any:
        return add_hyperlink(para, url=url)

    def _text(self, para: Paragraph, link: Any, text: str, fmt: _Fmt) -> None:
        for piece in _split_markers(clean_text(text)):
            self._run(para, link, piece, fmt)

    def _run(self, para: Paragraph, link: Any, text: str, fmt: _Fmt) -> Run:
        r = OxmlElement("w:r")
        (link if link is not None else para._p).append(r)
        run = Run(r, para)
        if link is not None:
            run.style = self._ensure_link_style()
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.strike:
            run.font.strike = True
        if fmt.code:
            rPr = r.get_or_add_rPr()
            fonts = rPr.get_or_add_rFonts()
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), MONOSPACE_FONT)
        if text:
            run.text = text
        return run


def _replace(fmt: _Fmt, **changes: bool) -> _Fmt:
    return replace(fmt, **changes)
