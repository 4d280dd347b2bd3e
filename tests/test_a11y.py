"""The accessibility gate's checkers, on small good and bad files made here.

The PDF rules themselves are tested in test_pdfcheck.py; here the PDF tests cover the wrapper
(poppler renders and reads every page, pypdf lists the signature fields, reading order, the
second opinion). The browser is started once for the module.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from masa_docs.a11y import A11yProblem, check_outputs, format_problems, output_files, run_checks
from masa_docs.a11y.docx import check_docx_bytes, structure_problems
from masa_docs.a11y.html_axe import AXE_TAGS, AxeChecker, find_chromium, parse_violations
from masa_docs.a11y.pdf import (
    PdfReport,
    bookmarks,
    check_pdf_bytes,
    render_pages,
    second_opinion_available,
    text_pages,
)
from masa_docs.errors import MasaError

PDF_FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "partnership.html"

GOOD_HTML = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Northmere arrangements</title>
<style>body { color: #1a1a1a; background: #fff; font-family: sans-serif; }</style></head>
<body>
<a href="#main">Skip to content</a>
<header><p>Northmere Safeguarding Children Partnership</p></header>
<nav aria-label="Contents"><ul><li><a href="#partners">The safeguarding partners</a></li></ul></nav>
<main id="main">
  <h1>Multi-agency safeguarding arrangements</h1>
  <section id="partners" aria-labelledby="partners-h">
    <h2 id="partners-h">The safeguarding partners</h2>
    <table>
      <caption>Lead safeguarding partners</caption>
      <thead><tr><th scope="col">Agency</th><th scope="col">Lead</th></tr></thead>
      <tbody><tr><td>Northmere Council</td><td>Jane Doe</td></tr></tbody>
    </table>
    <h3>How we decide</h3>
    <p>Decisions are made together.</p>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="The partnership logo">
  </section>
</main>
<footer><p>Published 1 April 2025</p></footer>
</body>
</html>
"""

# Each defect is one the gate must name: no lang, an image without alt text, low contrast,
# a skipped heading level, and content outside any landmark.
BAD_HTML = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>Bad page</title></head>
<body>
<h1>Arrangements</h1>
<h3>Skipped a level</h3>
<img src="logo.png">
<p style="color: #bbbbbb; background: #ffffff">Hard to read</p>
</body>
</html>
"""

META_DATE = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------------------------
# HTML: axe-core in Chromium
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe() -> Iterator[AxeChecker]:
    try:
        checker = AxeChecker().start()
    except MasaError as exc:  # fail loudly: a gate that cannot run must not look green
        pytest.fail(f"{exc.message}. {exc.hint}")
    yield checker
    checker.close()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.client
def test_good_page_has_no_violations(axe: AxeChecker, tmp_path: Path) -> None:
    result = axe.check_file(_write(tmp_path, "good.html", GOOD_HTML))
    assert result.problems("good.html") == []
    assert result.axe_version.startswith("4.")
    assert result.blocked == []


@pytest.mark.client
def test_bad_page_names_each_rule_and_element(axe: AxeChecker, tmp_path: Path) -> None:
    result = axe.check_file(_write(tmp_path, "bad.html", BAD_HTML))
    problems = result.problems("bad.html")
    rules = {p.check for p in problems}
    assert {
        "axe:html-has-lang",
        "axe:image-alt",
        "axe:color-contrast",
        "axe:heading-order",
        "axe:landmark-one-main",
        "axe:region",
    } <= rules
    by_rule = {p.check: p for p in problems}
    assert by_rule["axe:image-alt"].where == "img"
    assert '<img src="logo.png">' in by_rule["axe:image-alt"].message
    assert by_rule["axe:heading-order"].where == "h3"
    assert "Hard to read" in by_rule["axe:color-contrast"].message
    assert "(serious)" in by_rule["axe:color-contrast"].message
    # The long <html> snippet is cut down to the element's opening tag.
    assert by_rule["axe:html-has-lang"].message.count("<h1>") == 0
    assert all(p.file == "bad.html" for p in problems)


@pytest.mark.client
def test_each_wcag_level_is_run(axe: AxeChecker, tmp_path: Path) -> None:
    # target-size is a WCAG 2.2 AA rule (tag wcag22aa): two tiny adjacent links fail it.
    page = GOOD_HTML.replace(
        "<p>Decisions are made together.</p>",
        '<p><a href="#a" style="display:inline-block;width:8px;height:8px;font-size:4px">a</a>'
        '<a href="#b" style="display:inline-block;width:8px;height:8px;font-size:4px">b</a></p>',
    )
    rules = {p.check for p in axe.check_file(_write(tmp_path, "small.html", page)).problems("small.html")}
    assert "axe:target-size" in rules
    assert "wcag22aa" in AXE_TAGS and "best-practice" in AXE_TAGS


@pytest.mark.client
def test_network_requests_are_blocked(axe: AxeChecker, tmp_path: Path) -> None:
    page = GOOD_HTML.replace("</head>", '<link rel="stylesheet" href="https://example.invalid/a.css"></head>')
    result = axe.check_file(_write(tmp_path, "remote.html", page))
    assert result.blocked == ["https://example.invalid/a.css"]
    assert result.problems("remote.html") == []


def test_missing_chromium_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MASA_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert find_chromium() is None
    with pytest.raises(MasaError) as info:
        AxeChecker().start()
    assert "Chromium is not installed" in info.value.message
    assert "apt-get install chromium" in (info.value.hint or "")


def test_parse_violations_keeps_rule_impact_selector_and_snippet() -> None:
    response = {
        "violations": [
            {
                "id": "link-name",
                "impact": "serious",
                "help": "Links must have discernible text",
                "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/link-name?application=axeAPI",
                "nodes": [
                    {
                        "target": ["#toc > li:nth-child(2) > a"],
                        "html": '<a href="#x"></a>',
                        "failureSummary": "Fix all of the following:\n  Element has no text",
                    },
                    {"target": [["iframe", "a.inner"]], "html": "<a>", "failureSummary": ""},
                ],
            }
        ]
    }
    (violation,) = parse_violations(response)
    assert violation.rule == "link-name"
    assert violation.help_url == "https://dequeuniversity.com/rules/axe/4.12/link-name"
    assert violation.nodes[0].target == "#toc > li:nth-child(2) > a"
    assert violation.nodes[0].summary == "Fix all of the following: Element has no text"
    assert violation.nodes[1].target == "iframe >>> a.inner"


# --------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x66\xcc" * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _docx(*, good: bool, header_flag: str | None = None) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = Document()
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = rpr.find(qn("w:lang"))
    if good:
        lang.set(qn("w:val"), "en-GB")
        doc.core_properties.title = "Collaboration agreement"
        doc.core_properties.language = "en-GB"
    else:
        rpr.remove(lang)
        doc.core_properties.title = ""
    doc.add_paragraph("Collaboration agreement", style="Title")
    if good:
        doc.add_heading("Parties", 1)
        doc.add_heading("Lead partners", 2)
        doc.add_heading("Funding", 1)
    else:
        doc.add_heading("Parties", 2)  # does not start at Heading 1
        doc.add_heading("Funding", 4)  # skips Heading 3
        doc.add_heading("", 4)  # empty
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Partner", "Share"
    table.cell(1, 0).text, table.cell(1, 1).text = "Council", "40%"
    if good:
        flag = OxmlElement("w:tblHeader")
        if header_flag is not None:
            flag.set(qn("w:val"), header_flag)
        table.rows[0]._tr.get_or_add_trPr().append(flag)
    picture = doc.add_picture(io.BytesIO(_png()), width=Cm(1))
    picture._inline.docPr.set("descr", "Partnership logo" if good else "")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_good_docx_has_no_structure_problems() -> None:
    assert structure_problems(_docx(good=True), "agreement.docx") == []


def test_bad_docx_names_each_problem_and_where() -> None:
    problems = structure_problems(_docx(good=False), "agreement.docx")
    found = {(p.check, p.where) for p in problems}
    assert ("docx:language", "document") in found
    assert ("docx:title", "document") in found
    assert ("docx:heading-start", "heading 1 (Heading 2) 'Parties'") in found
    assert ("docx:heading-order", "heading 2 (Heading 4) 'Funding'") in found
    assert ("docx:empty-heading", "heading 3 (Heading 4) ''") in found
    assert ("docx:table-header", "table 1 (first cell 'Partner')") in found
    assert any(c == "docx:image-alt" and w.startswith("image 1 ") for c, w in found)
    assert len(problems) == 7, format_problems(problems)


def test_docx_header_row_switched_off_counts_as_missing() -> None:
    assert structure_problems(_docx(good=True, header_flag="1"), "x.docx") == []
    off = structure_problems(_docx(good=True, header_flag="0"), "x.docx")
    assert [p.check for p in off] == ["docx:table-header"]


def _docx_with_column(width_twips: int, word: str) -> bytes:
    from docx.oxml.ns import qn

    doc_bytes = _docx(good=True)
    from docx import Document

    doc = Document(io.BytesIO(doc_bytes))
    table = doc.tables[0]
    table.cell(1, 1).text = word
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    grid[1].set(qn("w:w"), str(width_twips))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_column_narrower_than_its_longest_word_is_reported() -> None:
    # "Should" at 11 pt Arial is about 33 pt wide, plus 12.8 pt of cell margins: 360 twips
    # (18 pt) breaks it letter by letter, 1440 twips (72 pt) holds it.
    narrow = structure_problems(_docx_with_column(360, "Should"), "threshold.docx")
    assert [(p.check, p.where) for p in narrow] == [("docx:table-width", "table 1")]
    assert "'Should'" in narrow[0].message and "column 2" in narrow[0].message
    assert structure_problems(_docx_with_column(1440, "Should"), "threshold.docx") == []


def test_not_a_docx_is_reported_not_raised() -> None:
    (problem,) = check_docx_bytes(b"not a zip", "broken.docx")
    assert problem.check == "docx:unreadable"


def test_a_docx_with_broken_xml_is_reported_not_raised(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(_docx(good=True)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for item in source.infolist():
            data = source.read(item)
            broken.writestr(item, data[:200] if item.filename == "word/document.xml" else data)
    (tmp_path / "broken.docx").write_bytes(out.getvalue())
    report = run_checks(tmp_path, kinds=("docx",), convert_docx=False)
    assert [(p.file, p.check) for p in report.problems] == [("broken.docx", "docx:unreadable")]


@pytest.mark.client
@pytest.mark.slow
def test_libreoffice_converts_the_good_docx() -> None:
    assert check_docx_bytes(_docx(good=True), "agreement.docx", convert=True) == []


# --------------------------------------------------------------------------------------
# PDF wrapper: poppler, pypdf, reading order, second opinion
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_pdf() -> bytes:
    from masa_docs.render.pdf import PdfMeta, SignatureSlot, html_to_pdf

    meta = PdfMeta(title="Northmere arrangements", lang="en-GB", created=META_DATE, identity="test|a11y")
    slots = (
        SignatureSlot("sig-a", "Signature of Jane Doe, Chief Executive, Northmere Council"),
        SignatureSlot("sig-b", "Signature of Sam Roe, Chief Constable, Northmere Police"),
    )
    return html_to_pdf(PDF_FIXTURE.read_text(encoding="utf-8"), meta=meta, signature_slots=slots).data


@pytest.fixture(scope="module")
def untagged_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string=PDF_FIXTURE.read_text(encoding="utf-8")).write_pdf()


def _edit(pdf: bytes, change: object) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        change(doc)  # type: ignore[operator]
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


@pytest.mark.client
@pytest.mark.slow
def test_good_pdf_passes_and_readers_see_it(good_pdf: bytes) -> None:
    report = PdfReport()
    problems = check_pdf_bytes(good_pdf, "arrangements.pdf", expect_signature_fields=True, report=report)
    assert problems == [], format_problems(problems)
    assert report.pages >= 2
    assert report.rendered == report.pages
    assert len(report.text_pages) == report.pages
    assert "Safeguarding arrangements" in report.text_pages[0]
    assert report.signature_fields == ["sig-a", "sig-b"]
    assert report.headings and report.headings[0] == ("Safeguarding arrangements", 1)


@pytest.mark.client
@pytest.mark.slow
def test_expected_signature_field_names_are_compared(good_pdf: bytes) -> None:
    assert check_pdf_bytes(good_pdf, "a.pdf", expect_signature_fields=["sig-b", "sig-a"]) == []
    (problem,) = check_pdf_bytes(good_pdf, "a.pdf", expect_signature_fields=["sig-a"])
    assert problem.check == "pypdf:signature-fields"
    assert "['sig-a', 'sig-b']" in problem.message


@pytest.mark.client
@pytest.mark.slow
def test_untagged_pdf_without_fields_fails_with_codes(untagged_pdf: bytes) -> None:
    problems = check_pdf_bytes(untagged_pdf, "plain.pdf", expect_signature_fields=True)
    checks = {p.check for p in problems}
    assert {"pdfua:no-struct-tree", "pdfua:no-pdfua-id", "pypdf:signature-fields"} <= checks
    assert all(p.file == "plain.pdf" for p in problems)


@pytest.mark.client
def test_poppler_renders_and_reads_every_page(good_pdf: bytes) -> None:
    rendered, errors = render_pages(good_pdf)
    pages, text_errors = text_pages(good_pdf)
    assert errors == [] and text_errors == []
    assert rendered == len(pages) >= 2
    assert "Signed for Northmere Council" in "".join(pages)


@pytest.mark.client
def test_a_broken_page_is_a_render_problem(good_pdf: bytes) -> None:
    def break_first_page(doc: pikepdf.Pdf) -> None:
        doc.pages[0].Contents = doc.make_stream(
            b"BT /NoSuchFont 12 Tf 72 72 Td (x) Tj ET q 1 0 0 1 0 0 cm Do Q"
        )

    problems = check_pdf_bytes(_edit(good_pdf, break_first_page), "broken.pdf", use_second_opinion=False)
    render = [p for p in problems if p.check == "poppler:render"]
    assert render, format_problems(problems)
    assert "pdftoppm" in render[0].message


@pytest.mark.client
def test_a_page_without_text_is_reported(good_pdf: bytes) -> None:
    def add_blank_page(doc: pikepdf.Pdf) -> None:
        doc.add_blank_page(page_size=(595, 842))

    problems = check_pdf_bytes(_edit(good_pdf, add_blank_page), "blank.pdf", use_second_opinion=False)
    no_text = [p for p in problems if p.check == "poppler:no-text"]
    assert [p.where for p in no_text] == ["page 3"]


@pytest.mark.client
def test_reading_order_follows_the_bookmarks(good_pdf: bytes) -> None:
    assert bookmarks(good_pdf) == [("Safeguarding arrangements", 1), ("Signatures", 2)]

    def rename_first_bookmark(doc: pikepdf.Pdf) -> None:
        doc.Root.Outlines.First.Title = pikepdf.String("A heading that is not there")

    problems = check_pdf_bytes(_edit(good_pdf, rename_first_bookmark), "x.pdf", use_second_opinion=False)
    order = [p for p in problems if p.check == "poppler:reading-order"]
    assert [(p.where, "not in the text" in p.message) for p in order] == [("page 1", True)]


@pytest.mark.client
def test_reading_order_out_of_sequence_on_a_page(good_pdf: bytes) -> None:
    # Two bookmarks to page 1 in the wrong order: the second is found before the first.
    def second_bookmark_on_page_one(doc: pikepdf.Pdf) -> None:
        first = doc.Root.Outlines.First
        second = first.First  # "Signatures" is nested under the page's h1
        second.Dest = pikepdf.Array([doc.pages[0].obj, *list(second.Dest)[1:]])
        first.Title, second.Title = pikepdf.String("partnership website"), pikepdf.String("arrangements")

    problems = check_pdf_bytes(
        _edit(good_pdf, second_bookmark_on_page_one), "x.pdf", use_second_opinion=False
    )
    order = [p for p in problems if p.check == "poppler:reading-order"]
    assert len(order) == 1 and "comes before" in order[0].message, format_problems(problems)


@pytest.mark.client
@pytest.mark.slow
def test_second_opinion_flags_what_pdfcheck_flags(good_pdf: bytes) -> None:
    if second_opinion_available() is None:
        pytest.skip("page-validation (independent PDF/UA-1 checker) is not installed")

    def drop_lang(doc: pikepdf.Pdf) -> None:
        del doc.Root["/Lang"]

    problems = check_pdf_bytes(_edit(good_pdf, drop_lang), "x.pdf")
    checks = {p.check for p in problems}
    assert "pdfua:no-lang" in checks
    assert "pdfua-page:PDFUA1-TEXT-LANGUAGE-001" in checks


@pytest.mark.client
@pytest.mark.slow
def test_untagged_content_is_caught_by_the_second_opinion(good_pdf: bytes) -> None:
    # pdfcheck does not read content streams; page-validation does (Matterhorn 01-005).
    if second_opinion_available() is None:
        pytest.skip("page-validation (independent PDF/UA-1 checker) is not installed")

    def untagged_text(doc: pikepdf.Pdf) -> None:
        first = doc.pages[0]
        font = next(iter(first.Resources.Font.keys()))
        first.contents_add(doc.make_stream(f"BT {font} 12 Tf 72 72 Td (Untagged) Tj ET".encode()))

    problems = check_pdf_bytes(_edit(good_pdf, untagged_text), "x.pdf")
    assert "pdfua-page:PDFUA1-CONTENT-TAGGING-001" in {p.check for p in problems}, format_problems(problems)


@pytest.mark.slow
def test_second_opinion_locates_objects_by_page(good_pdf: bytes) -> None:
    from masa_docs.a11y.pdf import _ObjectPlaces

    with pikepdf.open(io.BytesIO(good_pdf)) as doc:
        stack, heading = [doc.Root.StructTreeRoot], None
        while stack and heading is None:
            kids = stack.pop().get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    heading = kid if kid.S == "/H1" and "/Pg" in kid else heading
                    stack.append(kid)
        assert heading is not None
        number, generation = heading.objgen
    places = _ObjectPlaces(good_pdf)
    try:
        assert places.describe(number, generation) == f"page 1, object {number} (/H1)"
        assert places.describe(999999, 0) == "object 999999"
    finally:
        places.close()


# --------------------------------------------------------------------------------------
# The whole gate over a folder
# --------------------------------------------------------------------------------------


def test_problem_formats_what_and_where() -> None:
    problem = A11yProblem("threshold.docx", "docx:table-header", "not a header row", "table 2")
    assert str(problem) == "threshold.docx: docx:table-header: table 2: not a header row"


def test_output_files_finds_each_kind_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("index.html", "a.pdf", "b.docx", ".tmp/c.html", "assets/d.css"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = output_files(tmp_path)
    assert {k: [p.name for p in v] for k, v in found.items()} == {
        "html": ["index.html"],
        "pdf": ["a.pdf"],
        "docx": ["b.docx"],
    }


def test_empty_folder_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(MasaError):
        check_outputs(tmp_path)


@pytest.mark.client
@pytest.mark.slow
def test_gate_over_a_folder(tmp_path: Path, good_pdf: bytes, untagged_pdf: bytes, axe: AxeChecker) -> None:
    (tmp_path / "index.html").write_text(GOOD_HTML, encoding="utf-8")
    (tmp_path / "arrangements.pdf").write_bytes(good_pdf)
    (tmp_path / "agreement.docx").write_bytes(_docx(good=True))
    report = run_checks(tmp_path, axe=axe, convert_docx=False)  # conversion: see the test above
    assert report.problems == [], format_problems(report.problems)
    assert report.files == ["index.html", "arrangements.pdf", "agreement.docx"]
    assert set(report.seconds) == {*report.files, "total"}

    (tmp_path / "threshold.html").write_text(BAD_HTML, encoding="utf-8")
    (tmp_path / "threshold.pdf").write_bytes(untagged_pdf)
    (tmp_path / "threshold.docx").write_bytes(_docx(good=False))
    problems = check_outputs(tmp_path)  # its own Chromium, in a thread of its own
    assert {p.file for p in problems} == {"threshold.html", "threshold.pdf", "threshold.docx"}
    assert problems == sorted(problems, key=lambda p: (p.file, p.check, p.where, p.message))


def test_a_heading_hyphenated_across_lines_is_still_found() -> None:
    """pdftotext joins a word hyphenated at a line end and drops the hyphen ("LabinjoHughes");
    with -layout it keeps the hyphen and the line break. Either way the heading is found."""
    from masa_docs.a11y.pdf import _norm

    heading = _norm("the murders of Arthur Labinjo-Hughes and Star Hobson")
    for page in (
        "National reviews\nthe murders of Arthur LabinjoHughes and Star Hobson\n",
        "National reviews\nthe murders of Arthur Labinjo-\nHughes and Star Hobson\n",
    ):
        assert heading in _norm(page)
    assert heading not in _norm("the murders of Arthur Labinjo and Star Hobson")
