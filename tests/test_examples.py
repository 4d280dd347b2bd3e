"""The example partnerships in examples/: each validates, renders every document, reads right
(counts pluralised, no '£-0', no 'A and B and C') and states its own particular truths.

Readable text snapshots of every document of every example are in
``tests/__snapshots__/test_examples.ambr`` (update with ``make snapshots`` after reading the diff).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from masa_docs.check import run_check
from masa_docs.deadlines import deadlines
from masa_docs.load import LoadedContent, load_content
from masa_docs.render import RenderRequest
from masa_docs.render.context import document_meta
from masa_docs.render.docx_outline import outline
from masa_docs.render.html import render_document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "partnership.yaml").is_file())
MINE = ("single-authority", "two-icbs", "ended")  # the examples this file states truths about
HTML_DOCS = ("arrangements", "threshold", "yearly-report")

# Nouns the documents count, singular -> plural. A count next to the wrong form is a bug.
NOUNS = {
    "priority": "priorities",
    "measure": "measures",
    "level": "levels",
    "stage": "stages",
    "review": "reviews",
    "partner": "partners",
    "area": "areas",
    "course": "courses",
    "session": "sessions",
    "line": "lines",
    "contribution": "contributions",
    "contributor": "contributors",
    "day": "days",
    "person": "people",
    "attendee": "attendees",
    "recommendation": "recommendations",
    "agency": "agencies",
    "requirement": "requirements",
    "partnership": "partnerships",
    "board": "boards",
}
SINGULAR = set(NOUNS)
PLURAL = set(NOUNS.values())
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "tr", "caption", "figcaption", "div"}


@cache
def loaded(name: str) -> LoadedContent:
    return load_content(ROOT / "examples" / name if name != "content" else ROOT / "content")


def readable(html: str, fingerprint: str) -> str:
    """The page's text, one block per line, as a reader meets it (no styles, no chart drawing)."""
    tree = lxml.html.fromstring(html)
    for bad in tree.xpath("//style | //*[local-name()='svg']"):
        bad.drop_tree()
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.text is not None:
                el.text = "\n" + el.text
        elif el.tag in ("td", "th"):
            el.tail = " | " + (el.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    text = "\n".join(line for line in lines if line).replace(fingerprint, "<fingerprint>") + "\n"
    return re.sub(r"\b[0-9a-f]{64}\b", "<fingerprint>", text)  # each document's own fingerprint


@cache
def texts(name: str) -> dict[str, str]:
    """Every document of one content folder as text: the HTML pages (each yearly report period)
    and the agreement's Word outline."""
    lc = loaded(name)
    out: dict[str, str] = {}
    for doc in HTML_DOCS:
        periods = lc.content.report_periods if doc == "yearly-report" else [None]
        for period in periods:
            html = render_document(lc, RenderRequest(doc, "html", period)).html
            out[doc + (f"-{period}" if period else "")] = readable(html, lc.fingerprint)
    from masa_docs.render.agreement import render_docx

    agreement = outline(render_docx(lc, RenderRequest("agreement", "docx")).data)
    out["agreement"] = re.sub(r"\b[0-9a-f]{64}\b", "<fingerprint>", agreement)
    return out


def wording_problems(text: str) -> list[str]:
    problems = []
    for m in re.finditer(r"(?<![\w.,£-])1 ([a-z]+)\b", text):
        if m.group(1) in PLURAL:
            problems.append(m.group(0))
    for m in re.finditer(r"(?<![\w.,£-])(\d[\d,]*) ([a-z]+)\b", text):
        if m.group(1) != "1" and m.group(2) in SINGULAR:
            problems.append(m.group(0))
    problems += re.findall(r"(?<!\w)(?:1 working days|(?:[02-9]|\d\d+) working day\b(?!s))", text)
    problems += re.findall(r"£-0|-£0(?![.,]\d*[1-9])", text)
    problems += re.findall(r"\b[A-Z][\w'-]+ and [A-Z][\w'-]+ and [A-Z][\w'-]+\b", text)
    return problems


# ------------------------------------------------------------------ every example


def test_the_examples_are_there() -> None:
    assert set(MINE) <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_validates_and_no_must_rule_fails(name: str) -> None:
    report = run_check(loaded(name))
    assert [r.rule.id for r in report.failures if r.rule.level == "must"] == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["content", *EXAMPLES])
def test_every_document_reads_right(name: str) -> None:
    for doc, text in texts(name).items():
        assert wording_problems(text) == [], (name, doc)


def test_the_wording_check_can_fail() -> None:
    bad = "Progress against our 1 priorities across 3 line. Time allowed: 1 working days."
    assert wording_problems(bad) == [
        "1 priorities",
        "3 line",
        "1 working days",
    ]
    assert wording_problems("£-0 and covering Avonford and Burnmoor and Castleton") == [
        "£-0",
        "Avonford and Burnmoor and Castleton",
    ]
    assert wording_problems("1 April 2025; 1 priority; 2,232 people; £0.40; -£12.50") == []


@pytest.mark.slow
@pytest.mark.parametrize("name", MINE)
def test_text_snapshot(name: str, snapshot: object) -> None:
    assert texts(name) == snapshot


# ------------------------------------------------------------------ single authority


def test_single_authority_says_unknown_figures_are_not_known() -> None:
    t = texts("single-authority")
    arr, yr = t["arrangements"], t["yearly-report-2025-26"]
    assert "Avonford Constabulary | Not known (not published by the force)" in arr
    assert "Total | Not known (the police contribution is not published)" in arr
    assert "Time allowed\nNot known (not published)" in arr
    assert "The total contributed to the shared budget is not known" in yr
    assert "How many people attended multi-agency training is not known" in yr
    assert "Self-harm and suicide prevention for children and young people | 8 | Not known" in yr
    assert "no shares are worked out and no chart of contributions is drawn" in yr
    assert "Contributions by partner, 2025-26." not in yr  # the chart's caption
    for text in (arr, yr):
        assert not re.search(r"(?<![\d,.])(?:£0(?![\d,.])|0 people)", text)
    single = "The parties have agreed to make arrangements for the local authority area of Avonford."
    assert single in t["agreement"]
    assert "Not every stage has a known timescale" in t["agreement"]


def test_single_authority_education_is_a_partner_but_not_a_statutory_one() -> None:
    lc = loaded("single-authority")
    arr = texts("single-authority")["arrangements"]
    assert "One other partner sits at the\ntable without being a statutory safeguarding partner" in arr
    row = "Avonford Education Safeguarding Alliance | Education: schools, colleges and early years settings"
    assert row in arr
    statutory = arr.split("The safeguarding partners, their lead and delegated safeguarding partners")[1]
    assert "Avonford Education Safeguarding Alliance" not in statutory.split("Other partners")[0]
    meta = document_meta(lc, "arrangements")
    assert [s.partner_id for s in meta.signatures] == [p.id for p in lc.content.partners]
    assert "avonford-education" not in [s.partner_id for s in meta.signatures]


def test_single_authority_check_lists_every_unknown_as_a_gap() -> None:
    lc = loaded("single-authority")
    result = next(r for r in run_check(lc).results if r.rule.id == "facts-not-known")
    assert result.failed and result.rule.level == "should"
    assert len(result.problems) == len(lc.content.unknowns()) == 5
    assert all(p.where.line for p in result.problems)


# ------------------------------------------------------------------ two ICBs


def test_two_icbs_are_named_counted_and_each_covers_part() -> None:
    arr = texts("two-icbs")["arrangements"]
    assert "the local authority, the two integrated care boards and the chief officer of police" in arr
    assert "The two integrated care boards each cover part of Burnmoor" in arr
    for name, part in (
        ("NHS Northfell Integrated Care Board", "the north: the Fellside, Harton and Kirkby wards"),
        ("NHS Southmoor and Weald Integrated Care Board", "the south: Burnmoor town"),
    ):
        assert f"{name}: integrated care board, for part of Burnmoor ({part}" in arr
    partners_section = arr.split("\nThe safeguarding partners\n")[2].split("\nThe area we cover\n")[0]
    assert "the integrated care board" not in partners_section


def test_two_icbs_predecessors_are_dated_and_the_pcc_is_a_funder_not_a_partner() -> None:
    lc = loaded("two-icbs")
    t = texts("two-icbs")
    ccg = "NHS North Burnmoor Clinical Commissioning Group (clinical commissioning group), a statutory "
    assert ccg in t["arrangements"]
    assert "from 29 June 2019 until 30 June 2022" in t["arrangements"]
    assert "Burnmoor Police and Crime Commissioner (funder, not a partner) | £20,000" in t["arrangements"]
    assert "Burnmoor Police and Crime Commissioner is not a partner" in t["yearly-report-2025-26"]
    meta = document_meta(lc, "arrangements")
    assert "burnmoor-pcc" not in [s.partner_id for s in meta.signatures]
    assert {"northfell-icb", "southmoor-icb"} <= {s.partner_id for s in meta.signatures}


# ------------------------------------------------------------------ ended


def test_ended_documents_are_a_historical_record() -> None:
    lc = loaded("ended")
    t = texts("ended")
    notice = "These arrangements ended on 31 October 2026 and were replaced by three partnerships:"
    for doc in ("arrangements", "threshold", "yearly-report-2025-26"):
        text = t[doc]
        assert notice in text, doc
        assert "Northmere Safeguarding Children Partnership" in text
        assert "Castleton Safeguarding Children Partnership" in text
        assert "Next review" not in text and "Review by" not in text, doc
        assert "Sign-off by the lead safeguarding partners" not in text, doc
        assert "DRAFT" not in text, doc
    assert "These were the multi-agency safeguarding arrangements" in t["arrangements"]
    assert "ENDED – These arrangements ended on 31 October 2026" in t["agreement"]
    for doc in ("arrangements", "threshold", "yearly-report", "agreement"):
        meta = document_meta(lc, doc)
        assert meta.historical and not meta.draft and meta.signatures == ()


def test_ended_check_keeps_nothing_draft_and_sets_no_deadlines() -> None:
    import datetime as dt

    lc = loaded("ended")
    report = run_check(lc)
    assert not [r for r in report.failures if r.rule.level == "must"]
    duty = next(r for r in report.results if r.rule.id == "stat-duty-to-arrange")
    assert duty.status == "pass" and "replaced by" in duty.message
    assert deadlines(lc, dt.date(2026, 11, 30)) == []


def test_the_published_record_of_ended_arrangements_expects_no_signature_fields() -> None:
    import json

    from masa_docs.a11y import _signed_document
    from masa_docs.publish import OutputResult, _entry, manifest, plan

    for name, historical in (("ended", True), ("two-icbs", False)):
        lc = loaded(name)
        _, metas = plan(lc, docs=["arrangements"], formats=["pdf"])
        out = OutputResult("arrangements", "pdf", "arrangements.pdf", 1, "0" * 64, 1, 0.0)
        files = {out.file: _entry(out, metas["arrangements"], lc.fingerprint)}
        data = json.loads(manifest(lc, files, [], None, ("index.html", b"")))
        assert data["files"]["arrangements.pdf"].get("historical", False) is historical
        assert _signed_document("arrangements.pdf", data) is not historical


# ------------------------------------------------------------------ every agreement is PDF/UA


def test_the_agreements_header_rows_keep_with_their_table() -> None:
    """A header row alone at the foot of a page would leave a table part with header cells only
    (PDF/UA table-no-th): every header row's paragraphs keep with the next row, no body row's."""
    import io
    import zipfile

    from masa_docs.render.agreement import render_docx

    data = render_docx(loaded("ended"), RenderRequest("agreement", "docx")).data
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    rows = re.findall(r"<w:tr\b.*?</w:tr>", xml, re.S)
    header = [r for r in rows if "<w:tblHeader" in r]
    assert len(header) >= 5  # parties, funding, disputes, insurance, data...
    for r in header:
        paragraphs = re.findall(r"<w:p\b.*?</w:p>", r, re.S)
        assert paragraphs and all("<w:keepNext" in p for p in paragraphs)
    assert not any("<w:keepNext" in r for r in rows if "<w:tblHeader" not in r)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["content", *EXAMPLES])
def test_every_agreement_pdf_passes_the_pdfua_structure_check(name: str) -> None:
    from masa_docs.pdfcheck import check_pdf
    from masa_docs.render.agreement import render_agreement_pdf
    from masa_docs.render.libreoffice import find_soffice

    assert find_soffice() is not None, "LibreOffice is needed (make setup installs it)"
    pdf = render_agreement_pdf(loaded(name), RenderRequest("agreement", "pdf")).data
    assert [(p.code, p.page, p.message) for p in check_pdf(pdf)] == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_publish_says_the_status_of_exactly_the_documents_it_makes(name: str) -> None:
    """An easy-read version is not made without plain-language.yaml: publish's status lines
    leave it out instead of failing after the documents were written."""
    from masa_docs.check import document_status_lines
    from masa_docs.documents import DOCUMENTS, available

    lc = loaded(name)
    lines = document_status_lines(lc)
    named = {line.split(":")[0].split(" ")[0] for line in lines}
    made = {
        d
        for d, spec in DOCUMENTS.items()
        if available(spec, lc.content) and (lc.content.reports or not spec.periodic)
    }
    assert named == made
