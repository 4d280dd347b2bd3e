"""Page layout of the outputs (issue 14): Word tables sized from their content, no table row
split across pages, no heading left at the foot of a page, no word broken inside a table cell.

The fast tests check the pieces (the width share-out, the table writer, the PDF reader-back)
on small documents that are built to fail; the slow ones run the checks on every document of
the example content and of every example partnership in examples/ (when there are any).
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from masa_docs.a11y.docx import structure_problems
from masa_docs.example import example_dir
from masa_docs.load import load_content
from masa_docs.render import RenderRequest, render
from masa_docs.render.docx_tables import (
    column_widths,
    finish_table,
    narrow_columns,
    text_width,
    words,
)
from masa_docs.render.html import render_document
from masa_docs.render.layout_check import (
    broken_table_words,
    pdf_layout_problems,
    weasyprint_layout_problems,
)
from masa_docs.render.libreoffice import docx_to_pdf, find_soffice

REPO = Path(__file__).resolve().parents[1]
WORD_OUTPUTS = (
    "arrangements",
    "threshold",
    "yearly-report",
    "agreement",
    "arrangements-summary",
    "yearly-report-easy-read",
)
PDF_OUTPUTS = WORD_OUTPUTS  # the agreement's PDF is LibreOffice's, the others WeasyPrint's
CONTENTS = [example_dir(), *sorted(p.parent for p in (REPO / "examples").glob("*/partnership.yaml"))]


# ------------------------------------------------------------------ the pieces


def test_words_break_at_spaces_hyphens_and_slashes_only() -> None:
    assert words("Multi-agency  child/family £24,200\u00a0+5") == [
        "Multi-",
        "agency",
        "child/",
        "family",
        "£24,200\u00a0+5",
    ]


def test_column_widths_share_out() -> None:
    # Everything fits at its widest: the spare width follows the widest lines.
    assert column_widths([10, 10], [30, 90], 240) == [60, 180]
    # Not everything fits: each column keeps its longest word and shares the rest by need.
    got = column_widths([40, 20, 30], [100, 20, 300], 200)
    assert [round(w) for w in got] == [60, 20, 120] and round(sum(got)) == 200
    # Longest words alone are too wide: never narrower than a word.
    assert column_widths([80, 90], [100, 200], 150) == [80, 90]


def _arial(document: docx.document.Document) -> None:
    """Arial, as in masa-docs' Word templates (the widths are measured with its metrics)."""
    rpr = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Arial")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _table_docx(cells: list[list[str]], *, sized: bool) -> bytes:
    document = docx.Document()
    _arial(document)
    table = document.add_table(rows=len(cells), cols=len(cells[0]))
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
            if r == 0:
                table.cell(r, c).paragraphs[0].runs[0].bold = True
    if sized:
        finish_table(table._tbl, available_pt=450, styles_root=document.styles.element, header_rows=1)
    else:  # the old writer: equal narrow columns whatever the content
        for col in table._tbl.tblGrid.findall(qn("w:gridCol")):
            col.set(qn("w:w"), "400")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


CELLS = [
    ["Requirement", "Level", "Citation", "Status"],
    ["Publish each local child safeguarding practice review", "Should", "WT2023 ch.5", "Completed"],
    ["Yearly report", "Must", "s16G", "Partly met"],
]


def _body(data: bytes) -> tuple[etree._Element, etree._Element]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return etree.fromstring(z.read("word/document.xml")), etree.fromstring(z.read("word/styles.xml"))


def test_finish_table_gives_every_column_its_longest_word_and_repeats_the_header() -> None:
    data = _table_docx(CELLS, sized=True)
    body, styles = _body(data)
    assert narrow_columns(body, styles) == []
    tbl = body.find(f".//{qn('w:tbl')}")
    grid = [int(c.get(qn("w:w"))) / 20 for c in tbl.find(qn("w:tblGrid"))]
    assert grid[1] >= text_width("Level", 11, bold=True) + 10.8
    assert grid[0] == max(grid)  # the long requirement gets the spare width
    assert tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
    rows = tbl.findall(qn("w:tr"))
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
    assert [p for p in structure_problems(data, "t.docx") if p.check.startswith("docx:table")] == []


def test_the_gate_reports_columns_narrower_than_their_longest_word() -> None:
    body, styles = _body(_table_docx(CELLS, sized=False))
    narrow = {(n.column, n.word) for n in narrow_columns(body, styles)}
    assert (2, "Should") in narrow and (1, "Requirement") in narrow


PAGE = "<style>@page { size: A6; margin: 10mm } body { font: 10pt sans-serif }</style>"


def _page(html: str) -> str:
    return f"<html lang='en'><head><title>t</title>{PAGE}</head><body>{html}</body></html>"


def _weasy_pdf(html: str) -> bytes:
    from weasyprint import HTML

    from masa_docs.render.pdf import PDF_VARIANT

    return HTML(string=_page(html)).write_pdf(pdf_variant=PDF_VARIANT)


FILLER = "<p>" + "Words of a paragraph that fills the page. " * 30 + "</p>"
TALL = "<br>".join(f"line {i}" for i in range(40))
TABLE = (
    "<table><thead><tr><th>Term</th><th>Meaning</th></tr></thead><tbody>"
    f"<tr><td>One</td><td>short</td></tr><tr><td>Two</td><td>{TALL}</td></tr>"
    "</tbody></table>"
)


def test_a_heading_at_the_foot_of_a_page_is_found() -> None:
    stranded = f"<h2 style='break-after: page'>Stranded heading</h2>{FILLER}"
    assert [(p.check, p.page) for p in pdf_layout_problems(_weasy_pdf(stranded))] == [
        ("heading-at-page-foot", 1)
    ]
    assert [(p.check, p.page) for p in weasyprint_layout_problems(_page(stranded))] == [
        ("heading-at-page-foot", 1)
    ]
    kept = f"<h2>Heading</h2>{FILLER}"
    assert pdf_layout_problems(_weasy_pdf(kept)) == []
    assert weasyprint_layout_problems(_page(kept)) == []


def test_a_table_row_split_across_pages_is_found() -> None:
    problems = weasyprint_layout_problems(_page(TABLE))
    assert [(p.check, p.message) for p in problems] == [
        ("row-split", "the table row 'Two' is split across pages 1 and 2")
    ]
    short = TABLE.replace(TALL, "two lines<br>only")
    assert weasyprint_layout_problems(_page(short)) == []


def _tall_row_docx(*, cant_split: bool) -> bytes:
    document = docx.Document()
    document.add_paragraph("Filler. " * 300)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Term", "Meaning"
    table.cell(1, 0).text = "Two"
    table.cell(1, 1).text = "\n".join(f"line {i}" for i in range(25))
    if cant_split:
        finish_table(table._tbl, available_pt=450, styles_root=document.styles.element, header_rows=1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.client
def test_a_row_split_in_a_libreoffice_pdf_is_found() -> None:
    if find_soffice() is None:
        pytest.fail("LibreOffice is needed: sudo apt-get install libreoffice-writer-nogui")
    split = pdf_layout_problems(docx_to_pdf(_tall_row_docx(cant_split=False)))
    assert [p.check for p in split] == ["row-split"]
    assert pdf_layout_problems(docx_to_pdf(_tall_row_docx(cant_split=True))) == []


@pytest.mark.slow
@pytest.mark.client
def test_libreoffice_breaks_words_in_narrow_columns_and_the_check_sees_it() -> None:
    if find_soffice() is None:
        pytest.fail("LibreOffice is needed: sudo apt-get install libreoffice-writer-nogui")
    narrow = _table_docx(CELLS, sized=False)
    found = {p.message.split("'")[1] for p in broken_table_words(narrow, docx_to_pdf(narrow))}
    assert {"Should", "Requirement", "Completed"} <= found
    sized = _table_docx(CELLS, sized=True)
    assert broken_table_words(sized, docx_to_pdf(sized)) == []


# ------------------------------------------------------------------ every document


@functools.cache
def _loaded(root: Path):  # type: ignore[no-untyped-def]
    return load_content(root)


def _cases(docs: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    """(content folder, document) for every document that folder makes: the easy-read versions
    only where the partnership wrote its plain-language.yaml."""
    from masa_docs.documents import DOCUMENTS

    return [
        pytest.param(root, doc, id=f"{root.name}-{doc}")
        for root in CONTENTS
        for doc in docs
        if DOCUMENTS[doc].source is None or (root / "plain-language.yaml").is_file()
    ]


@pytest.mark.slow
@pytest.mark.client
@pytest.mark.parametrize(("root", "doc"), _cases(WORD_OUTPUTS))
def test_word_tables_never_break_a_word(root: Path, doc: str) -> None:
    loaded = _loaded(root)
    data = render(loaded, RenderRequest(doc, "docx")).data
    gate = [str(p) for p in structure_problems(data, f"{doc}.docx") if p.check == "docx:table-width"]
    assert gate == []
    broken = [str(p) for p in broken_table_words(data, docx_to_pdf(data))]
    assert broken == []


@pytest.mark.slow
@pytest.mark.parametrize(("root", "doc"), _cases(PDF_OUTPUTS))
def test_pdfs_keep_headings_with_their_text_and_rows_whole(root: Path, doc: str) -> None:
    loaded = _loaded(root)
    if doc == "agreement":  # LibreOffice's PDF: its structure tree keeps each row whole
        if find_soffice() is None:
            pytest.fail("LibreOffice is needed for the agreement PDF")
        problems = pdf_layout_problems(render(loaded, RenderRequest(doc, "pdf")).data)
    else:  # WeasyPrint's layout of the HTML its PDF is written from
        problems = weasyprint_layout_problems(render_document(loaded, RenderRequest(doc, "pdf")).html)
    assert [str(p) for p in problems] == []


def test_pictures_choose_the_first_pages_the_sign_off_and_a_chart() -> None:
    from masa_docs.pictures import choose_pages

    pages = ["Cover", "Contents", "Text", "Figure 1: Early help", "Figure 2: more", "Sign-off by the LSPs"]
    assert choose_pages(pages) == {1: "first", 2: "second", 4: "chart", 6: "sign-off"}
    assert choose_pages(["Only page"]) == {1: "first"}
