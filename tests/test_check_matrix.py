"""The compliance matrix appendix in the arrangements and the yearly report."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from masa_docs.check import compliance_matrix
from masa_docs.documents import DOCUMENTS
from masa_docs.load import LoadedContent
from masa_docs.render import RenderRequest, render

MATRIX_DOCS = ("arrangements", "yearly-report")


class _Table(HTMLParser):
    """Collects the matrix table: caption, header cells, rows of (row-header scope, cells, links)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.in_matrix = False
        self.caption = ""
        self.col_headers: list[str] = []
        self.rows: list[dict[str, object]] = []
        self._cell: list[str] | None = None
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "table" and "compliance-matrix" in (a.get("class") or ""):
            self.in_matrix = True
        if not self.in_matrix:
            return
        if tag == "tr" and self._tag != "thead":
            self.rows.append({"id": a.get("id"), "cells": [], "links": [], "scope": None})
        elif tag == "thead":
            self._tag = "thead"
        elif tag in ("th", "td", "caption"):
            self._cell = []
            if tag == "th" and a.get("scope") == "row" and self.rows:
                self.rows[-1]["scope"] = "row"
        elif tag == "a" and self.rows and self._tag != "thead":
            self.rows[-1]["links"].append((a.get("class"), a.get("href")))  # type: ignore[attr-defined]

    def handle_endtag(self, tag: str) -> None:
        if not self.in_matrix:
            return
        if tag == "table":
            self.in_matrix = False
        elif tag == "thead":
            self._tag = ""
        elif tag in ("th", "td", "caption") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            if tag == "caption":
                self.caption = text
            elif self._tag == "thead":
                self.col_headers.append(text)
            elif self.rows:
                self.rows[-1]["cells"].append(text)  # type: ignore[attr-defined]
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def pages(example: LoadedContent) -> dict[str, str]:
    return {doc: render(example, RenderRequest(doc, "html")).data.decode() for doc in MATRIX_DOCS}


@pytest.mark.parametrize("doc", MATRIX_DOCS)
def test_matrix_appears_with_every_rule(doc: str, example: LoadedContent, pages: dict[str, str]) -> None:
    page = pages[doc]
    appendix = page[page.index('<section id="appendix-compliance"') :]
    assert '<h2 id="appendix-compliance-title">' in appendix
    table = _Table()
    table.feed(page)
    rows = compliance_matrix(example, doc)
    assert table.caption.startswith("How this document meets Working Together to Safeguard Children 2023")
    assert table.col_headers == ["Requirement", "Level", "Source", "Citation", "Status", "Where it is met"]
    assert [r["id"] for r in table.rows] == [f"rule-{r.rule_id}" for r in rows]
    for html_row, row in zip(table.rows, rows, strict=True):
        cells = html_row["cells"]
        assert html_row["scope"] == "row"
        assert row.rule_id in cells[0]  # type: ignore[index]
        assert cells[3] in ("verified citation", "partly verified citation", "unverified citation")  # type: ignore[index]
        assert cells[4].split(" ")[0] in ("Met", "Not", "Checked", "Not", "Not")  # type: ignore[index,union-attr]
        links = html_row["links"]
        assert links == [("page-ref", f"#{row.section_id}")]
        assert row.section_id in table.ids, row.section_id  # the link target exists in the page
        assert cells[5] == DOCUMENTS[doc].section(row.section_id).title  # type: ignore[index]


def test_unverified_citations_are_labelled(pages: dict[str, str]) -> None:
    page = pages["arrangements"]
    row = page[page.index('id="rule-stat-have-regard-guidance"') :]
    row = row[: row.index("</tr>")]
    assert "unverified citation" in row
    row = page[page.index('id="rule-future-macpt"') :]
    assert "Not yet in force" in row[: row.index("</tr>")]


@pytest.mark.slow
def test_pdf_matrix_shows_page_numbers(example: LoadedContent) -> None:
    from masa_docs.render.pdf import pdf_text_pages

    data = render(example, RenderRequest("arrangements", "pdf")).data
    pages = pdf_text_pages(data)
    text = "\n".join(pages)
    appendix = text[text.rindex("How this document meets") :]
    # Every row's section link gets "(page N)" in print; pdftotext's layout may put N on a later line.
    assert appendix.count("(page") == len(compliance_matrix(example, "arrangements"))
    numbers = [int(n) for n in re.findall(r"\(page\s+(\d+)\)", appendix)]
    assert numbers and all(1 <= n <= len(pages) for n in numbers)
