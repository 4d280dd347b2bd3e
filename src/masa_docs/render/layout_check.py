"""Checks of a rendered document's page layout, read back from the PDF.

* :func:`pdf_layout_problems` — in a tagged PDF (WeasyPrint's or LibreOffice's), a table row
  whose cells are on two pages, and a page whose last content is a heading (the heading is
  cut off from what it introduces). Read from the PDF's structure tree: each structure
  element's marked content says which page it is drawn on, in reading order. Repeated
  table header rows (in a ``THead``) are drawn on every page by design and are not counted.
* :func:`weasyprint_layout_problems` — the same two checks on WeasyPrint's page layout of an
  HTML page (the layout its PDF is written from). WeasyPrint tags each page's part of a table
  as a structure element of its own, so a split row cannot be told from two rows in its PDF;
  its layout boxes still know which HTML row they belong to.
* :func:`broken_table_words` — words of a Word document's tables that LibreOffice breaks
  across lines inside the word ("S / h / o / u / l / d", "Citatio / n"): the converted PDF's
  words (poppler's ``pdftotext -bbox-layout``) are joined line to line and compared with the
  table words of the .docx.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["LayoutProblem", "broken_table_words", "pdf_layout_problems", "weasyprint_layout_problems"]

_HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}


@dataclass(frozen=True)
class LayoutProblem:
    check: str  # 'heading-at-page-foot' | 'row-split' | 'word-broken'
    page: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.check}: {self.message}"


def _leaves(reader: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(page index, stack of structure elements) of each piece of marked content, in the
    structure tree's (reading) order."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

    root = reader.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages) if p.indirect_reference}

    def page_of(node: Any, inherited: int | None) -> int | None:
        ref = node.get("/Pg") if isinstance(node, DictionaryObject) else None
        if isinstance(ref, IndirectObject):
            return pages.get(ref.idnum, inherited)
        return inherited

    def walk(
        node: Any, stack: tuple[Any, ...], page: int | None, seen: set[int]
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, (NumberObject, int)):
            if page is not None:
                yield page, stack
            return
        if isinstance(node, ArrayObject):
            for kid in node:
                yield from walk(kid, stack, page, seen)
            return
        if not isinstance(node, DictionaryObject):
            return
        page = page_of(node, page)
        kind = node.get("/Type")
        if kind in ("/MCR", "/OBJR"):
            if page is not None:
                yield page, stack
            return
        if "/S" in node:
            stack = (*stack, node)
        kids = node.get("/K")
        if kids is not None:
            yield from walk(kids, stack, page, seen)

    yield from walk(tree.get("/K"), (), None, set())


def pdf_layout_problems(pdf: bytes) -> list[LayoutProblem]:
    """Table rows split across pages and pages that end with a heading."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    tree: Any = reader.root_object.get("/StructTreeRoot")
    if tree is None:
        raise ValueError("the PDF is not tagged: its layout cannot be read back")
    role_map = tree.get_object().get("/RoleMap") or {}

    def role(element: Any) -> str:
        name = str(element.get("/S"))
        seen = set()
        while name in role_map and name not in seen:
            seen.add(name)
            name = str(role_map[name])
        return name

    last_on_page: dict[int, tuple[Any, ...]] = {}
    row_pages: dict[int, set[int]] = {}
    row_order: list[tuple[int, int, int]] = []  # (id, table number, row number)
    tables: dict[int, int] = {}
    rows_in_table: dict[int, int] = {}
    for page, stack in _leaves(reader):
        last_on_page[page] = stack
        roles = [role(e) for e in stack]
        if "/THead" in roles or "/TR" not in roles:
            continue
        tr_at = max(i for i, r in enumerate(roles) if r == "/TR")
        table_at = max((i for i, r in enumerate(roles[:tr_at]) if r == "/Table"), default=None)
        tr = stack[tr_at]
        if id(tr) not in row_pages:
            table_key = id(stack[table_at]) if table_at is not None else 0
            tables.setdefault(table_key, len(tables) + 1)
            rows_in_table[table_key] = rows_in_table.get(table_key, 0) + 1
            row_order.append((id(tr), tables[table_key], rows_in_table[table_key]))
            row_pages[id(tr)] = set()
        row_pages[id(tr)].add(page)
    problems: list[LayoutProblem] = []
    for key, table, row in row_order:
        pages = sorted(row_pages[key])
        if len(pages) > 1:
            problems.append(
                LayoutProblem(
                    "row-split",
                    pages[0] + 1,
                    f"row {row} of table {table} is split across pages "
                    + " and ".join(str(p + 1) for p in pages),
                )
            )
    final = len(reader.pages) - 1
    for page, stack in sorted(last_on_page.items()):
        headings = [e for e in stack if role(e) in _HEADINGS]
        if headings and page != final:
            problems.append(
                LayoutProblem(
                    "heading-at-page-foot",
                    page + 1,
                    f"the page ends with a heading ({role(headings[-1])[1:]}); it should move to the "
                    "next page with what follows it",
                )
            )
    return sorted(problems, key=lambda p: (p.page, p.check))


def weasyprint_layout_problems(html: str) -> list[LayoutProblem]:
    """Table rows split across pages and pages ending with a heading, in WeasyPrint's layout
    of ``html`` (rendered as :func:`masa_docs.render.pdf.html_to_pdf` renders it)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    from .pdf import ALLOWED_FETCH_PROTOCOLS, PDF_VARIANT

    fetcher = URLFetcher(allowed_protocols=ALLOWED_FETCH_PROTOCOLS)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
    row_pages: dict[Any, list[int]] = {}
    rows: list[Any] = []
    problems: list[LayoutProblem] = []
    last = len(document.pages) - 1
    for number, page in enumerate(document.pages):
        last_leaf: Any = None
        for box, ancestors in _boxes(page._page_box, ()):
            element = getattr(box, "element", None)
            tag = getattr(element, "tag", "")
            parent = ancestors[-2] if len(ancestors) > 1 and ancestors[-1] is element else None
            if tag == "tr" and getattr(parent, "tag", "") != "thead":
                if element not in row_pages:
                    row_pages[element] = []
                    rows.append(element)
                if number not in row_pages[element]:
                    row_pages[element].append(number)
            if not getattr(box, "children", None) and (box.height or 0) > 0:
                last_leaf = (box, ancestors)
        if last_leaf is not None and number != last:
            heading = next(
                (a for a in reversed(last_leaf[1]) if getattr(a, "tag", "") in _HTML_HEADINGS), None
            )
            if heading is not None:
                text = " ".join("".join(heading.itertext()).split())[:60]
                problems.append(
                    LayoutProblem(
                        "heading-at-page-foot",
                        number + 1,
                        f"the page ends with the heading '{text}'; it should move to the next page "
                        "with what follows it",
                    )
                )
    for element in rows:
        pages = row_pages[element]
        if len(pages) > 1:
            cells = element.findall("./th") + element.findall("./td")
            text = " ".join("".join(cells[0].itertext()).split())[:40] if cells else ""
            problems.append(
                LayoutProblem(
                    "row-split",
                    pages[0] + 1,
                    f"the table row '{text}' is split across pages "
                    + " and ".join(str(p + 1) for p in pages),
                )
            )
    return sorted(problems, key=lambda p: (p.page, p.check))


_HTML_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _boxes(box: Any, elements: tuple[Any, ...]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every box under ``box`` in document order, with the HTML elements it is inside
    (margin boxes, such as the running head, are left out)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):
        return
    element = getattr(box, "element", None)
    if element is not None and (not elements or elements[-1] is not element):
        elements = (*elements, element)
    yield box, elements
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child, elements)


def broken_table_words(docx: bytes, pdf: bytes) -> list[LayoutProblem]:
    """Words of the .docx's tables that the PDF made from it breaks across lines."""
    import zipfile

    from lxml import etree

    from .docx_tables import table_words
    from .pdf_locate import words

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    known = table_words(body)
    wanted = {w for w in known if len(w) > 1}
    placed = words(pdf)
    problems: list[LayoutProblem] = []
    i = 0
    while i < len(placed):
        found = 0
        text = placed[i].text
        pieces = [text]
        for j in range(i + 1, min(i + 40, len(placed))):
            before, after = placed[j - 1], placed[j]
            if after.page != before.page or after.line == before.line:
                break
            text += after.text
            pieces.append(after.text)
            if not any(w.startswith(text) for w in wanted):
                break
            if text in wanted and not all(p in known for p in pieces):
                found = j
        if found:
            problems.append(
                LayoutProblem(
                    "word-broken",
                    placed[i].page + 1,
                    f"'{''.join(w.text for w in placed[i : found + 1])}' is broken across lines as "
                    + " / ".join(w.text for w in placed[i : found + 1])
                    + ": its table column is narrower than the word",
                )
            )
            i = found + 1
        else:
            i += 1
    return problems
