"""Word tables that read well: column widths from the content and the page, one writer's rules.

The one Word writer (:mod:`masa_docs.render.docx_writer`: the HTML documents' Word copies and
the agreement's Markdown clauses) finishes every table with
:func:`finish_table`, and the accessibility gate (:mod:`masa_docs.a11y.docx`) checks the result
with :func:`narrow_columns`, so the three cannot disagree:

* **widths from content** (the CSS "auto" table algorithm): each column gets at least the width
  of its longest word and at most the width of its longest line; what is left of the text width
  is shared in proportion to how much more each column could use. The widths are written as the
  table grid, every cell's width and a fixed layout, so Word and LibreOffice draw the same;
* **header rows repeat** on every page (``w:tblHeader``) and **no row splits** across a page
  (``w:cantSplit``).

Text is measured with the real font metrics of Liberation Sans (metric-compatible with Arial,
the Word templates' font; matplotlib's bundled DejaVu Sans, which is wider, when it is not
installed) at the size each paragraph is drawn at, bold where the run is bold. A word is what a
line may not be broken inside: break opportunities are spaces and the places after a hyphen or
a slash (:func:`words`). A template set in a font wider than Arial would need its own metrics.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

__all__ = [
    "CELL_PADDING_PT",
    "NarrowColumn",
    "column_widths",
    "finish_table",
    "narrow_columns",
    "paragraph_styles",
    "table_words",
    "text_width",
    "words",
]

# Word's default cell margins are 0.19 cm (108 twips) left and right; plus a little slack for
# rounding differences between Word, LibreOffice and these metrics.
CELL_PADDING_PT = 2 * 5.4 + 2.0
NARROW_MARGIN_TWIPS = 57
_BREAK = re.compile(r"(?<=[-/\u2010\u2013])")
_SPACE = re.compile(r"[ \t\n\r\f\v\u200b]+")  # not no-break spaces


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Tags read in the loops over every cell, paragraph and run.
_P, _PPR, _PSTYLE, _R, _RPR, _T = _w("p"), _w("pPr"), _w("pStyle"), _w("r"), _w("rPr"), _w("t")
_SPACE_LIKE = frozenset({_w("tab"), _w("br"), _w("cr")})
_VAL, _SZ, _B = _w("val"), _w("sz"), _w("b")
_TR, _TRPR, _TC, _TCPR = _w("tr"), _w("trPr"), _w("tc"), _w("tcPr")


def words(text: str) -> list[str]:
    """The unbreakable pieces of ``text``: split at spaces (not no-break spaces) and after
    hyphens, dashes and slashes."""
    out: list[str] = []
    for token in _SPACE.split(text):
        out.extend(piece for piece in _BREAK.split(token) if piece)
    return out


@lru_cache(maxsize=4)
def _font(bold: bool) -> Any:
    from matplotlib import font_manager
    from PIL import ImageFont

    props = font_manager.FontProperties(family="Liberation Sans", weight="bold" if bold else "normal")
    try:
        path = font_manager.findfont(props, fallback_to_default=False)
    except ValueError:
        props = font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
        path = font_manager.findfont(props)
    return ImageFont.truetype(path, 100)


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of ``text`` on one line in points."""
    return _length(text, bold) * size_pt / 100


@lru_cache(maxsize=1 << 16)
def _length(text: str, bold: bool) -> float:
    """``text``'s advance at 100 pt: the same words come back in every table and document."""
    return float(_font(bold).getlength(text))


# ------------------------------------------------------------------ reading a table's cells


@dataclass(frozen=True)
class _Para:
    text: str
    size: float
    bold: bool
    indent: float = 0.0


class _Styles:
    """Font size and weight of paragraph styles (following basedOn) and of the defaults."""

    def __init__(
        self, styles_root: Any | None, default_size: float, numbering_root: Any | None = None
    ) -> None:
        self.sizes: dict[str, float | None] = {}
        self.indents: dict[str, float | None] = {}
        self.nums: dict[str, tuple[str, int] | None] = {}
        self.levels: dict[tuple[str, int], float] = _numbering_indents(numbering_root)
        self.bolds: dict[str, bool | None] = {}
        self.based: dict[str, str] = {}
        self.default_style = ""
        self.default_size = default_size
        if styles_root is None:
            return
        defaults = styles_root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        if defaults is not None:
            self.default_size = _size_of(defaults) or default_size
        for style in styles_root.iter(_w("style")):
            if style.get(_w("type")) != "paragraph":
                continue
            sid = style.get(_w("styleId")) or ""
            if style.get(_w("default")) in ("1", "true"):
                self.default_style = sid
            rpr = style.find(_w("rPr"))
            self.sizes[sid] = _size_of(rpr)
            self.bolds[sid] = _bold_of(rpr)
            ppr = style.find(_w("pPr"))
            self.indents[sid] = _indent_of(ppr)
            self.nums[sid] = _num_of(ppr)
            based = style.find(_w("basedOn"))
            if based is not None:
                self.based[sid] = based.get(_w("val")) or ""

    def _lookup(self, sid: str, table: dict[str, Any]) -> Any:
        seen: set[str] = set()
        sid = sid or self.default_style
        while sid and sid not in seen:
            seen.add(sid)
            if table.get(sid) is not None:
                return table[sid]
            sid = self.based.get(sid, "")
        return None

    def size(self, sid: str) -> float:
        found = self._lookup(sid, self.sizes)
        return float(found) if found is not None else self.default_size

    def bold(self, sid: str) -> bool:
        return bool(self._lookup(sid, self.bolds))

    def indent(self, sid: str, ppr: Any) -> float:
        """Left indent in points: the paragraph's own, its style's, or its list level's."""
        own = _indent_of(ppr)
        if own is not None:
            return own
        styled = self._lookup(sid, self.indents)
        if styled is not None:
            return float(styled)
        num = _num_of(ppr) or self._lookup(sid, self.nums)
        if num is None:
            return 0.0
        # A list paragraph whose numbering is not found: Word's usual 0.25 inch per level.
        return self.levels.get(num, 18.0 * (num[1] + 1))


#: What :func:`finish_table` reads from the styles and numbering parts (see :func:`paragraph_styles`).
ParagraphStyles = _Styles


def paragraph_styles(
    styles_root: Any | None, *, default_size: float = 11.0, numbering_root: Any | None = None
) -> ParagraphStyles:
    """Font size, weight and indent of each paragraph style, and the list levels' indents, as
    :func:`finish_table` reads them: read once, for several tables of one document (read
    again after the styles or the numbering change)."""
    return _Styles(styles_root, default_size, numbering_root)


def _numbering_indents(numbering_root: Any | None) -> dict[tuple[str, int], float]:
    """(numId, level) -> the level's left indent in points."""
    if numbering_root is None:
        return {}
    abstract: dict[str, dict[int, float]] = {}
    for an in numbering_root.findall(_w("abstractNum")):
        levels: dict[int, float] = {}
        for lvl in an.findall(_w("lvl")):
            indent = _indent_of(lvl.find(_w("pPr")))
            if indent is not None:
                levels[int(lvl.get(_w("ilvl")) or 0)] = indent
        abstract[an.get(_w("abstractNumId")) or ""] = levels
    out: dict[tuple[str, int], float] = {}
    for num in numbering_root.findall(_w("num")):
        ref = num.find(_w("abstractNumId"))
        levels = abstract.get(ref.get(_w("val")) or "", {}) if ref is not None else {}
        for ilvl, indent in levels.items():
            out[(num.get(_w("numId")) or "", ilvl)] = indent
    return out


def _indent_of(ppr: Any) -> float | None:
    ind = ppr.find(_w("ind")) if ppr is not None else None
    if ind is None:
        return None
    value = ind.get(_w("left")) or ind.get(_w("start"))
    return int(value) / 20 if value and value.lstrip("-").isdigit() else None


def _num_of(ppr: Any) -> tuple[str, int] | None:
    numpr = ppr.find(_w("numPr")) if ppr is not None else None
    if numpr is None or numpr.find(_w("numId")) is None:
        return None
    num_id = numpr.find(_w("numId")).get(_w("val")) or ""
    if num_id == "0":
        return None
    ilvl = numpr.find(_w("ilvl"))
    return num_id, int(ilvl.get(_w("val")) or 0) if ilvl is not None else 0


def _size_of(rpr: Any) -> float | None:
    if rpr is None:
        return None
    sz = rpr.find(_SZ)
    if sz is None or not (sz.get(_VAL) or "").isdigit():
        return None
    return int(sz.get(_VAL)) / 2


def _bold_of(rpr: Any) -> bool | None:
    if rpr is None:
        return None
    b = rpr.find(_B)
    if b is None:
        return None
    return (b.get(_VAL) or "true").lower() not in ("0", "false", "off")


def _paragraphs(tc: Any, styles: _Styles) -> Iterator[_Para]:
    for p in tc.iter(_P):
        ppr = p.find(_PPR)
        sid = ""
        if ppr is not None and ppr.find(_PSTYLE) is not None:
            sid = ppr.find(_PSTYLE).get(_VAL) or ""
        size, bold = styles.size(sid), styles.bold(sid)
        text: list[str] = []
        for r in p.iter(_R):
            rpr = r.find(_RPR)
            size = max(size, _size_of(rpr) or 0)
            bold = bold or bool(_bold_of(rpr))
            for node in r:
                if node.tag == _T:
                    text.append(node.text or "")
                elif node.tag in _SPACE_LIKE:
                    text.append(" ")
        joined = "".join(text).strip()
        if joined:
            yield _Para(joined, size, bold, max(0.0, styles.indent(sid, ppr)))


def _grid_cells(tbl: Any) -> Iterator[tuple[int, int, int, Any]]:
    """(row index, first grid column, span, w:tc) of the table's own rows."""
    for r, tr in enumerate(tbl.findall(_TR)):
        col = 0
        trpr = tr.find(_TRPR)
        if trpr is not None:
            before = trpr.find(_w("gridBefore"))
            if before is not None:
                col = int(before.get(_VAL) or 0)
        for tc in tr.findall(_TC):
            span = 1
            tcpr = tc.find(_TCPR)
            if tcpr is not None and tcpr.find(_w("gridSpan")) is not None:
                span = int(tcpr.find(_w("gridSpan")).get(_VAL) or 1)
            yield r, col, span, tc
            col += span


def _cell_padding(tbl: Any) -> float:
    """Left plus right cell margins of the table (tblCellMar; Word's default 108 twips each)
    and the slack, in points."""
    mar = tbl.find(f"{_w('tblPr')}/{_w('tblCellMar')}")
    total = 0.0
    for names in (("left", "start"), ("right", "end")):
        side = None
        if mar is not None:
            side = next((mar.find(_w(n)) for n in names if mar.find(_w(n)) is not None), None)
        value = side.get(_w("w")) if side is not None else None
        total += int(value) / 20 if value and value.isdigit() else 5.4
    return total + CELL_PADDING_PT - 2 * 5.4


def _set_cell_margins(tbl: Any, twips: int) -> None:
    from docx.oxml.parser import OxmlElement

    tblpr = tbl.tblPr
    mar = tblpr.find(_w("tblCellMar"))
    if mar is None:
        mar = OxmlElement("w:tblCellMar")
        look = tblpr.find(_w("tblLook"))
        if look is not None:
            look.addprevious(mar)
        else:
            tblpr.append(mar)
    for name in ("left", "right"):
        side = mar.find(_w(name))
        if side is None:
            side = OxmlElement(f"w:{name}")
            mar.append(side)
        side.set(_w("w"), str(twips))
        side.set(_w("type"), "dxa")


def _measure(tbl: Any, styles: _Styles, ncols: int) -> tuple[list[float], list[float], list[str]]:
    """Per column: longest word (pt, with padding), longest line (pt, with padding), that word."""
    padding = _cell_padding(tbl)
    least = [padding] * ncols
    most = [padding] * ncols
    longest = [""] * ncols
    for _, col, span, tc in _grid_cells(tbl):
        if span != 1 or col >= ncols:
            continue
        for para in _paragraphs(tc, styles):
            pad = padding + para.indent
            for word in words(para.text):
                width = text_width(word, para.size, para.bold) + pad
                if width > least[col]:
                    least[col], longest[col] = width, word
            most[col] = max(most[col], text_width(para.text, para.size, para.bold) + pad)
    return least, [max(a, b) for a, b in zip(least, most, strict=True)], longest


def column_widths(least: list[float], most: list[float], available: float) -> list[float]:
    """The CSS auto-layout share-out: every column at least ``least``; if all fit at ``most``,
    the spare width in proportion to ``most``; else the spare above ``least`` in proportion to
    how much more each column could use. Never below ``least`` (the table may then be wider
    than ``available``)."""
    if not least:
        return []
    if sum(most) <= available:
        total = sum(most)
        return [m * available / total for m in most]
    if sum(least) >= available:
        return list(least)
    spare = available - sum(least)
    wants = [m - lo for lo, m in zip(least, most, strict=True)]
    total_want = sum(wants) or 1.0
    return [lo + spare * w / total_want for lo, w in zip(least, wants, strict=True)]


def _ncols(tbl: Any) -> int:
    grid = tbl.find(_w("tblGrid"))
    from_grid = len(grid.findall(_w("gridCol"))) if grid is not None else 0
    from_rows = max((col + span for _, col, span, _ in _grid_cells(tbl)), default=0)
    return max(from_grid, from_rows)


def finish_table(
    tbl: Any,
    *,
    available_pt: float,
    styles_root: Any | None,
    header_rows: int = 0,
    default_size: float = 11.0,
    numbering_root: Any | None = None,
    styles: ParagraphStyles | None = None,
) -> list[float]:
    """Size ``tbl`` (a ``w:tbl`` element, already filled) to its content within
    ``available_pt``; mark the first ``header_rows`` rows to repeat and every row unsplittable.
    Returns the column widths in points. ``styles`` is :func:`paragraph_styles` of the same
    ``styles_root``, ``default_size`` and ``numbering_root`` when the caller has it already
    (a writer with many tables reads the styles once)."""
    from docx.oxml.parser import OxmlElement

    ncols = _ncols(tbl)
    if ncols == 0:
        return []
    if styles is None:
        styles = _Styles(styles_root, default_size, numbering_root)
    least, most, _ = _measure(tbl, styles, ncols)
    if sum(least) > available_pt:
        # Too many long words for the page at Word's default cell margins: narrow margins
        # (0.1 cm) before letting the table run into the page margin.
        _set_cell_margins(tbl, NARROW_MARGIN_TWIPS)
        least, most, _ = _measure(tbl, styles, ncols)
    widths = column_widths(least, most, available_pt)
    twips = [round(w * 20) for w in widths]
    grid = tbl.find(_w("tblGrid"))
    if grid is None:
        grid = OxmlElement("w:tblGrid")
        tbl.insert(1, grid)
    for col in list(grid):
        grid.remove(col)
    for tw in twips:
        col = OxmlElement("w:gridCol")
        col.set(_w("w"), str(tw))
        grid.append(col)
    for _, col, span, tc in _grid_cells(tbl):
        tc.get_or_add_tcPr()
        tc.width = sum(twips[col : col + span]) * 635  # EMU
    tblpr = tbl.tblPr
    tblw = tblpr.find(_w("tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
        tblpr.remove(tblw)
        tblpr.insert_element_before(
            tblw,
            *[
                f"w:{t}"
                for t in (
                    "jc",
                    "tblCellSpacing",
                    "tblInd",
                    "tblBorders",
                    "shd",
                    "tblLayout",
                    "tblCellMar",
                    "tblLook",
                    "tblCaption",
                    "tblDescription",
                )
            ],
        )
    tblw.set(_w("type"), "dxa")
    tblw.set(_w("w"), str(sum(twips)))
    tblpr.autofit = False  # w:tblLayout fixed: these widths, not Word's guess
    for r, tr in enumerate(tbl.findall(_w("tr"))):
        trpr = tr.get_or_add_trPr()
        if trpr.find(_w("cantSplit")) is None:
            trpr.insert(0, OxmlElement("w:cantSplit"))
        if r < header_rows and trpr.find(_w("tblHeader")) is None:
            trpr.append(OxmlElement("w:tblHeader"))
    return widths


# ------------------------------------------------------------------ the check


@dataclass(frozen=True)
class NarrowColumn:
    table: int  # 1-based, in document order
    column: int  # 1-based
    width_pt: float
    word: str
    word_pt: float


def narrow_columns(
    document_root: Any,
    styles_root: Any | None,
    *,
    default_size: float = 11.0,
    numbering_root: Any | None = None,
) -> list[NarrowColumn]:
    """Table columns of a Word document narrower than their longest word (with the cell
    margins and list indents), from the table grid: the word would be broken inside."""
    styles = _Styles(styles_root, default_size, numbering_root)
    found: list[NarrowColumn] = []
    for index, tbl in enumerate(document_root.iter(_w("tbl")), start=1):
        grid = tbl.find(_w("tblGrid"))
        cols = grid.findall(_w("gridCol")) if grid is not None else []
        widths = [int(c.get(_w("w")) or 0) / 20 for c in cols]
        if not widths:
            continue
        least, _, longest = _measure(tbl, styles, len(widths))
        for c, (have, need) in enumerate(zip(widths, least, strict=True), start=1):
            # 1.5 pt tolerance: the slack in CELL_PADDING_PT is not a requirement.
            if longest[c - 1] and have + 1.5 < need:
                found.append(NarrowColumn(index, c, have, longest[c - 1], need))
    return found


def table_words(document_root: Any) -> set[str]:
    """Every word (see :func:`words`) in the document's tables."""
    styles = _Styles(None, 11.0)
    out: set[str] = set()
    for tbl in document_root.iter(_w("tbl")):
        for _, _, _, tc in _grid_cells(tbl):
            for para in _paragraphs(tc, styles):
                out.update(words(para.text))
    return out
