"""The Word writers' shared core: text cleaning, hyperlinks and list numbering.

masa-docs writes Word in two places: the Word copies of the HTML documents
(:mod:`masa_docs.render.word_copy`, HTML to Word) and the agreement's Markdown clauses
(:mod:`masa_docs.render.docx_markdown`). They read different inputs (an HTML tree, Markdown
tokens) but write Word the same way, through this module and :mod:`.docx_tables` (tables), so
a fix to links, numbering restarts or tables reaches both.

Measured against pandoc 2.17 with the Word-copy template as its reference document (issue 14):
pandoc gave 9 table columns in the yearly report and 6 in the threshold narrower than their
longest word, dropped the SVG charts without rsvg-convert, left one image without alt text,
stamped the conversion time into the file (not byte-identical), and would still need the
bookmarks, header and the sign-off handling done here, so the python-docx writers stay.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["add_hyperlink", "clean_text", "new_num", "style_numbering"]

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot hold (python-docx would raise on them)."""
    return _XML_INVALID.sub("", text)


def add_hyperlink(paragraph: Any, *, url: str | None = None, anchor: str | None = None) -> Any:
    """Append an empty ``w:hyperlink`` to ``paragraph`` (runs go inside it): to ``url`` through
    an external relationship of the paragraph's part, or to the bookmark ``anchor``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    element = OxmlElement("w:hyperlink")
    if url is not None:
        element.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    elif anchor is not None:
        element.set(qn("w:anchor"), anchor)
    else:
        raise ValueError("a hyperlink needs a url or an anchor")
    element.set(qn("w:history"), "1")
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
    from docx.oxml.ns import qn
    from docx.oxml.numbering import CT_Num

    used = {int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))}
    used.update(int(v) for v in styles_element.xpath(".//w:numPr/w:numId/@w:val"))
    num = CT_Num.new(max(used, default=0) + 1, abstract_id)
    numbering._insert_num(num)
    if start is not None:
        num.add_lvlOverride(ilvl=ilvl).add_startOverride(start)
    return int(num.numId)
