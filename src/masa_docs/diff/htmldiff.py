"""Mark up what changed between two HTML pages of the same document, with ``<ins>``/``<del>``.

The new page is the base. Its text blocks (paragraphs, list items, headings, table rows, ...)
are matched with the old page's in order (:mod:`difflib`), so a block that is the same in both
is never marked. A block that changed is compared word by word, inside each text node when the
two blocks have the same inline structure (links and emphasis are kept). A block only in the new
page is marked inserted; a block only in the old page is put back where it was, marked deleted.

Each mark starts with a visually hidden word ("inserted:", "deleted:") so screen readers announce
it, and the marks are underlined or struck through, so colour is never the only signal.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree, html
from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "tr",
        "caption",
        "figcaption",
        "pre",
        "blockquote",
    }
)
FLOW_PARENTS = frozenset(
    {"body", "main", "section", "article", "div", "header", "footer", "nav", "aside", "figure"}
)
LIST_GROUP = {"li": "li", "tr": "tr", "dt": "dl", "dd": "dl", "caption": "caption"}
SKIP_TAGS = frozenset({"style", "script", "head", "svg", "title"})
PAIR_RATIO = 0.4  # blocks at least this similar are compared word by word
TOKEN = re.compile(r"\d[\d,.]*\d|\w+|\s+|[^\w\s]")  # "£1,234.50" keeps its number whole

DIFF_CSS = """
ins.diff, del.diff { text-decoration-thickness: 2px; padding: 0 .1em; }
ins.diff { background: #e3f2e6; color: #0b3d1b; text-decoration: underline; }
del.diff { background: #fbe4e4; color: #5c0a0a; text-decoration: line-through; }
.diff-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; border: 0; }
.diff-legend { border: 2px solid #1d3b5c; padding: .5em 1em; margin: 1em 0; }
"""


@dataclass(frozen=True)
class MarkedHtml:
    html: str
    insertions: int
    deletions: int


def _text(el: HtmlElement) -> str:
    if el.tag == "tr":
        return " | ".join(" ".join(c.text_content().split()) for c in el if isinstance(c.tag, str))
    return " ".join(el.text_content().split())


def _blocks(root: HtmlElement) -> list[HtmlElement]:
    """Text blocks in document order: the innermost block elements (a table row counts whole)."""
    out: list[HtmlElement] = []

    def visit(el: HtmlElement) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in SKIP_TAGS:
                continue
            if child.tag == "tr" or (child.tag in BLOCK_TAGS and not _has_block(child)):
                if _text(child).strip(" |"):
                    out.append(child)
            else:
                visit(child)

    visit(root)
    return out


def _has_block(el: HtmlElement) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in el.iterdescendants())


def _key(el: HtmlElement) -> tuple[str, str]:
    return (el.tag, _text(el))


# ------------------------------------------------------------------ marks


class _Marker:
    def __init__(self) -> None:
        self.insertions = 0
        self.deletions = 0

    def mark(self, kind: str, text: str) -> HtmlElement:
        el = html.Element(kind, {"class": "diff"})
        label = html.Element("span", {"class": "diff-sr"})
        label.text = "inserted: " if kind == "ins" else "deleted: "
        label.tail = text
        el.append(label)
        if kind == "ins":
            self.insertions += 1
        else:
            self.deletions += 1
        return el

    def wrap_children(self, el: HtmlElement, kind: str) -> None:
        """Put everything inside ``el`` into one mark (a whole block inserted or deleted)."""
        if el.tag == "tr":
            for cell in el:
                if isinstance(cell.tag, str) and cell.text_content().strip():
                    self.wrap_children(cell, kind)
            return
        mark = self.mark(kind, el.text or "")
        el.text = None
        for child in list(el):
            mark.append(child)
        el.append(mark)

    # --------------------------------------------------------- word level

    def words(self, old: str, new: str) -> tuple[str, list[HtmlElement]]:
        """Diff two texts word by word: the leading plain text and the elements that follow
        (each mark's tail carries the plain text after it)."""
        a, b = TOKEN.findall(old), TOKEN.findall(new)
        lead = ""
        parts: list[HtmlElement] = []

        def plain(text: str) -> None:
            nonlocal lead
            if parts:
                parts[-1].tail = (parts[-1].tail or "") + text
            else:
                lead += text

        for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                plain("".join(b[j1:j2]))
                continue
            gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
            if gone.strip():
                parts.append(self.mark("del", gone))
            if came.strip():
                # keep the whitespace around the new words outside the mark
                core = came.strip()
                head = came[: len(came) - len(came.lstrip())]
                tail = came[len(came.rstrip()) :]
                plain(head)
                parts.append(self.mark("ins", core))
                plain(tail)
            elif came:
                plain(came)
        return lead, parts

    def text_slot(self, old: str | None, new: str | None) -> tuple[str, list[HtmlElement]] | None:
        o, n = old or "", new or ""
        if " ".join(o.split()) == " ".join(n.split()):
            return None
        return self.words(o, n)

    def diff_block(self, old: HtmlElement, new: HtmlElement) -> None:
        """Mark the words that changed inside a block that is in both pages."""
        if new.tag == "tr":
            oc = [c for c in old if isinstance(c.tag, str)]
            nc = [c for c in new if isinstance(c.tag, str)]
            if len(oc) == len(nc):
                for o, n in zip(oc, nc, strict=True):
                    if _text(o) == _text(n):
                        continue
                    if _has_block(o) or _has_block(n):
                        diff_container(self, o, n)  # a cell holding paragraphs or a list
                    else:
                        self.diff_block(o, n)
                return
            self.wrap_children(new, "ins")
            return
        if _shape(old) == _shape(new):
            self._diff_nodes(old, new)
        else:  # different inline structure: compare the plain text
            lead, parts = self.words(_inline_text(old), _inline_text(new))
            for child in list(new):
                new.remove(child)
            new.text = lead
            for p in parts:
                new.append(p)

    def _diff_nodes(self, old: HtmlElement, new: HtmlElement) -> None:
        got = self.text_slot(old.text, new.text)
        if got is not None:
            lead, parts = got
            new.text = lead
            for k, p in enumerate(parts):
                new.insert(k, p)
        for o, n in zip(_elements(old), _elements(new), strict=True):
            self._diff_nodes(o, n)
            got = self.text_slot(o.tail, n.tail)
            if got is not None:
                lead, parts = got
                n.tail = lead
                anchor = n
                for p in parts:
                    anchor.addnext(p)
                    anchor = p


SPACED = frozenset({"br", "div", "p", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th", "img"})


def _inline_text(el: HtmlElement) -> str:
    """The text of an element, with a space where a line break or a block separates words."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            spaced = child.tag in SPACED
            parts.append((" " if spaced else "") + _inline_text(child) + (" " if spaced else ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _elements(el: HtmlElement) -> list[HtmlElement]:
    return [c for c in el if isinstance(c.tag, str) and not (c.tag in ("ins", "del") and "diff" in c.classes)]


def _shape(el: HtmlElement) -> tuple[object, ...]:
    return tuple((c.tag, _shape(c)) for c in el if isinstance(c.tag, str))


# ------------------------------------------------------------------ deleted blocks


def _strip_ids(el: HtmlElement) -> None:
    for node in el.iter():
        if isinstance(node.tag, str):
            node.attrib.pop("id", None)
            if node.tag == "a" and (node.get("href") or "").startswith("#"):
                node.attrib.pop("href", None)


def _group(tag: str) -> str:
    return LIST_GROUP.get(tag, "flow")


def _fits(tag: str, anchor: HtmlElement) -> bool:
    if _group(tag) != _group(anchor.tag):
        return False
    parent = anchor.getparent()
    return _group(tag) != "flow" or (
        parent is not None and parent.tag in FLOW_PARENTS | {"li", "blockquote", "td", "th", "dd"}
    )


def _as_paragraph(el: HtmlElement) -> HtmlElement:
    p = html.Element("p", {"class": "diff-removed-block"})
    p.text = _text(el)
    return p


def _flow_ancestor(el: HtmlElement) -> HtmlElement:
    node = el
    while node.getparent() is not None and node.getparent().tag not in FLOW_PARENTS:
        node = node.getparent()
    return node


def _place_deleted(
    old_el: HtmlElement, before: HtmlElement | None, after: HtmlElement | None, body: HtmlElement
) -> HtmlElement:
    el = copy.deepcopy(old_el)
    el.tail = None
    _strip_ids(el)
    if before is not None and _fits(el.tag, before):
        before.addprevious(el)
        return el
    if after is not None and _fits(el.tag, after):
        after.addnext(el)
        return el
    if el.tag not in BLOCK_TAGS - {"li", "tr", "dt", "dd", "caption"}:
        el = _as_paragraph(el)
    if before is not None:
        _flow_ancestor(before).addprevious(el)
    elif after is not None:
        _flow_ancestor(after).addnext(el)
    else:
        body.append(el)
    return el


# ------------------------------------------------------------------ the page


def _body(doc: HtmlElement) -> HtmlElement:
    found = doc.find(".//main")
    if found is None:
        found = doc.find(".//body")
    return found if found is not None else doc


def _page_body(doc: HtmlElement) -> HtmlElement:
    found = doc.find(".//body")
    return found if found is not None else doc


def _pairs(old: list[HtmlElement], new: list[HtmlElement]) -> Iterator[tuple[str, int, int, int, int]]:
    """Opcodes over blocks, with a replaced run split into similar pairs and the rest."""
    sm = SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace":
            yield op, i1, i2, j1, j2
            continue
        i, j = i1, j1
        while i < i2 and j < j2:
            ratio = SequenceMatcher(
                None, _text(old[i]).split(), _text(new[j]).split(), autojunk=False
            ).ratio()
            if old[i].tag == new[j].tag and ratio >= PAIR_RATIO:
                yield "pair", i, i + 1, j, j + 1
            else:
                yield "delete", i, i + 1, j, j
                yield "insert", i + 1, i + 1, j, j + 1
            i, j = i + 1, j + 1
        if i < i2:
            yield "delete", i, i2, j2, j2
        if j < j2:
            yield "insert", i2, i2, j, j2


def diff_container(marker: _Marker, old_root: HtmlElement, new_root: HtmlElement) -> None:
    """Mark the differences between the blocks inside two elements, in place in ``new_root``."""
    old_blocks = _blocks(old_root)
    new_blocks = _blocks(new_root)
    deferred: list[tuple[HtmlElement, HtmlElement | None, HtmlElement | None]] = []
    for op, i1, i2, j1, j2 in list(_pairs(old_blocks, new_blocks)):
        if op == "pair":
            marker.diff_block(old_blocks[i1], new_blocks[j1])
        elif op == "insert":
            for j in range(j1, j2):
                marker.wrap_children(new_blocks[j], "ins")
        elif op == "delete":
            before = new_blocks[j1] if j1 < len(new_blocks) else None
            after = new_blocks[j1 - 1] if j1 > 0 else None
            for i in range(i1, i2):
                deferred.append((old_blocks[i], before, after))
    last: dict[int, HtmlElement] = {}
    for old_el, before, after in deferred:
        # deleted blocks in a run keep their order: each goes after the previous one
        key = id(before) if before is not None else id(after)
        prev = last.get(key)
        if prev is None:
            placed = _place_deleted(old_el, before, after, new_root)
        else:
            placed = _place_deleted(old_el, None, prev, new_root)
        marker.wrap_children(placed, "del")
        last[key] = placed


CHART_NOTE = (
    "This chart changed since the old version: the figures that changed are marked in its data table."
)


def _note_changed_charts(old_root: HtmlElement, new_root: HtmlElement) -> None:
    """Charts are pictures, not text to mark: say after each chart that changed that it did."""
    before = {_svg_text(svg) for svg in old_root.iter("svg")}
    for svg in list(new_root.iter("svg")):
        if _svg_text(svg) not in before:
            note = html.Element("p", {"class": "diff-note"})
            strong = html.Element("strong")
            strong.text = "Changed chart. "
            strong.tail = CHART_NOTE
            note.append(strong)
            note.tail = svg.tail
            svg.tail = None
            svg.addnext(note)


def _svg_text(svg: HtmlElement) -> str:
    return " ".join(" ".join(svg.itertext()).split())


def mark_changes(old_html: str, new_html: str, *, legend: str, title: str) -> MarkedHtml:
    """The new page with what changed from the old one marked; ``legend`` is a paragraph of
    HTML put at the top of the main content, ``title`` the page's new title."""
    old_doc = html.document_fromstring(old_html)
    new_doc = html.document_fromstring(new_html)
    # the whole page is compared (the cover and footer carry the version and fingerprint);
    # the legend goes at the start of the main content
    new_body = _page_body(new_doc)
    marker = _Marker()
    old_body = _page_body(old_doc)
    diff_container(marker, old_body, new_body)
    _note_changed_charts(old_body, new_body)
    head = new_doc.find(".//head")
    if head is not None:
        style = etree.SubElement(head, "style")
        style.text = DIFF_CSS
        title_el = head.find("title")
        if title_el is not None:
            title_el.text = title
    legend_el = html.fragment_fromstring(
        f'<section class="diff-legend" aria-label="About this marked-up copy">{legend}</section>'
    )
    _body(new_doc).insert(0, legend_el)
    text = html.tostring(new_doc, encoding="unicode", doctype="<!DOCTYPE html>")
    return MarkedHtml(text, marker.insertions, marker.deletions)
