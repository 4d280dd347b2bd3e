"""Issue 10 items 3, 6 and 7: thresholds of any shape, yearly reports over time, and the optional
sections real arrangements have. Uses the shipped examples (content/, examples/no-levels,
examples/three-authorities) and patched copies of them."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from conftest import copy_content, diagnostics_of, insert_after, replace_once, yaml_edit
from masa_docs.load import LoadedContent, load_content
from masa_docs.outline import outline
from masa_docs.publish import output_stem, plan, publish
from masa_docs.render import RenderRequest
from masa_docs.render.html import render_html
from masa_docs.reporting import period_length_words, report_figures

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NO_LEVELS = EXAMPLES / "no-levels"
THREE = EXAMPLES / "three-authorities"
AREAS = ("northmere", "eastvale", "westmoor")


def text_of(page: str) -> str:
    """The readable text of an HTML page: no style, no tags, one line per block."""
    page = re.sub(r"<style[^>]*>.*?</style>", "", page, flags=re.S)  # the stylesheet and the watermark
    page = re.sub(r"\s+", " ", page)
    page = re.sub(
        r"</?(p|li|h[1-6]|dt|dd|tr|th|td|div|section|ul|ol|dl|caption|table|nav|header|footer)\b[^>]*>",
        "\n",
        page,
    )
    page = re.sub(r"<[^>]+>", "", page)
    lines = (" ".join(html.unescape(line).split()) for line in page.splitlines())
    return "\n".join(line for line in lines if line)


def section(page: str, ident: str) -> str:
    """The HTML of one <section id=...> (sections do not nest)."""
    start = page.index(f'<section id="{ident}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture(scope="module")
def no_levels() -> LoadedContent:
    return load_content(NO_LEVELS)


@pytest.fixture(scope="module")
def three() -> LoadedContent:
    return load_content(THREE)


def page(loaded: LoadedContent, doc: str, **kw: str | None) -> str:
    return render_html(loaded, RenderRequest(doc, "html", **kw))  # type: ignore[arg-type]


# ------------------------------------------------------------------ thresholds: no levels


def test_no_levels_threshold_has_no_level_table(no_levels):
    t = no_levels.content.threshold
    assert not t.has_levels and t.framework is not None
    doc = page(no_levels, "threshold")
    assert 'id="levels"' not in doc and 'id="indicators"' not in doc
    text = text_of(doc)
    assert not re.search(r"\bLevel \d", text)
    assert "levels of need" not in text.lower()
    assert not re.search(r"There are \d+ levels", text)
    # The framework, its questions and every route are there, in its own words.
    assert "Our approach: Right help, right time" in text
    for q in t.framework.questions:
        assert q in text
    for r in t.framework.routes:
        assert r.name in text
    assert [s.id for s in outline(no_levels.content, "threshold").sections] == [
        "emergency",
        "introduction",
        "principles",
        "framework",
        "early-help",
        "referral-criteria",
        "procedures",
        "get-help",
        "sign-off",
    ]


def test_no_levels_arrangements_describe_the_approach_not_levels(no_levels):
    part = section(page(no_levels, "arrangements"), "threshold")
    assert "levels-summary" not in part
    text = text_of(part)
    assert "It has no numbered levels: under Right help, right time" in text
    assert "ask 5 questions" in text
    for r in no_levels.content.threshold.framework.routes:
        assert r.name in text
    assert "levels of need" not in text


# ------------------------------------------------------------------ thresholds: front doors per area


def test_three_authorities_plan_has_a_threshold_document_per_area(three):
    requests, metas = plan(three, docs=["threshold"])
    stems = sorted({output_stem(r) for r in requests})
    assert stems == sorted(["threshold", *(f"threshold-{a}" for a in AREAS)])
    assert {r.fmt for r in requests if r.area == "westmoor"} == {"html", "pdf", "docx"}
    assert metas["threshold-westmoor"].title.endswith("(Westmoor)")


@pytest.mark.parametrize("area", AREAS)
def test_each_area_document_has_its_own_front_door_only(three, area):
    doors = {fd.area: fd for fd in three.content.threshold.front_doors}
    doc = page(three, "threshold", area=area)
    own = doors[area]
    part = text_of(section(doc, "front-doors"))
    assert f"The front door for {three.content.areas_by_id[area].name}" in part
    assert own.name in part and own.phone in part and own.hours in part
    assert own.online_form is not None and own.online_form in doc
    for other, fd in doors.items():
        if other != area:
            assert fd.name not in doc and fd.phone not in doc
    # A contact route for other areas only is left out; one for every area stays.
    edt = "Northmere and Eastvale Emergency Duty Team"
    assert (edt in doc) == (area != "westmoor")
    assert "Northmere Constabulary" in text_of(section(doc, "get-help"))


def test_the_whole_threshold_document_lists_every_front_door_and_links_the_area_ones(three):
    doc = page(three, "threshold")
    part = section(doc, "front-doors")
    for fd in three.content.threshold.front_doors:
        assert fd.name in html.unescape(part) and fd.phone in part
        assert f'href="threshold-{fd.area}.html"' in part
    # The partnership's own words for its levels.
    assert "Levels of help at a glance" in doc and "The model has 4 levels of help." in text_of(doc)
    arr = section(page(three, "arrangements"), "threshold")
    assert "The 4 levels of help are:" in text_of(arr)
    for fd in three.content.threshold.front_doors:
        assert f'href="threshold-{fd.area}.html"' in arr


def test_a_single_front_door_set_needs_every_area(tmp_path):
    """Front doors: every area needs one, one only, and each must name a known area."""
    root = copy_content(
        tmp_path / "c",
        {
            "threshold.yaml": replace_once("  - area: westmoor\n", "  - area: westmore\n"),
        },
        src=THREE,
    )
    diags = diagnostics_of(root)
    messages = {d.message for d in diags}
    assert "unknown area 'westmore'" in messages
    assert "area 'westmoor' has no front door" in messages
    located = next(d for d in diags if d.message == "unknown area 'westmore'")
    assert located.file.endswith("threshold.yaml") and located.line is not None
    assert located.hint and "westmoor" in located.hint


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            yaml_edit(
                lambda d: d.update(
                    framework={
                        "name": "X",
                        "description": "d",
                        "who_to_talk_to": "w",
                        "routes": [{"id": "r", "name": "R", "when": "w", "what_happens": "h"}],
                    }
                )
            ),
            "give either levels or a framework",
        ),
        (yaml_edit(lambda d: d.pop("levels")), "give levels (at least two) or a framework"),
        (yaml_edit(lambda d: d.update(levels=d["levels"][:1])), "needs at least two"),
        (yaml_edit(lambda d: d.update(per_area_documents=True)), "per_area_documents needs a front door"),
    ],
)
def test_a_threshold_has_one_shape(tmp_path, edit, message):
    root = copy_content(tmp_path / "c", {"threshold.yaml": edit})
    diags = diagnostics_of(root)
    assert any(message in d.message and d.file.endswith("threshold.yaml") for d in diags), diags


# ------------------------------------------------------------------ optional and custom sections


def test_sections_absent_from_the_content_are_absent_from_the_document(three):
    assert not (THREE / "sections.yaml").exists()
    doc = page(three, "arrangements")
    for ident in ("foreword", "vision", "local-context", "board-links", "shared-arrangements", "lado"):
        assert f'id="{ident}"' not in doc
        assert f'href="#{ident}"' not in doc
    assert 'id="child-death-review"' not in doc


def test_extra_sections_are_placed_in_order_with_sources(example):
    ids = [s.id for s in outline(example.content, "arrangements").sections]
    assert ids[:4] == ["foreword", "introduction", "our-journey", "vision"]
    assert ids.index("local-context") == ids.index("area") + 1
    assert ids.index("child-death-review") == ids.index("reviews") + 1
    assert ids[-2:] == ["glossary", "sign-off"]
    doc = page(example, "arrangements")
    assert '<h2 id="glossary-title">Appendix C: Glossary</h2>' in doc
    ctx = text_of(section(doc, "local-context"))
    for fig in example.content.sections.local_context.figures:
        assert fig.source in ctx and fig.as_of in ctx
    cdr = text_of(section(doc, "child-death-review"))
    assert "Shared with\nSouthmoor Safeguarding Children Partnership" in cdr
    lado = text_of(section(doc, "lado"))
    assert "lado@northmere.gov.uk" in lado and "lado@eastvale.gov.uk" in lado


def test_a_custom_section_must_follow_a_real_section(tmp_path):
    root = copy_content(
        tmp_path / "c", {"sections.yaml": replace_once("after: introduction", "after: introductoin")}
    )
    (d,) = [d for d in diagnostics_of(root) if "to follow" in d.message]
    assert d.file.endswith("/sections.yaml") and d.field_path.endswith("custom[0].after")
    assert d.hint and "introduction" in d.hint


def test_a_custom_section_in_the_threshold_document(tmp_path):
    root = copy_content(
        tmp_path / "c",
        {
            "sections.yaml": insert_after(
                "custom:\n",
                "  - id: local-tools\n    title: Local tools\n    document: threshold\n"
                "    after: principles\n    text: Use the **graded care profile** for neglect.\n",
            )
        },
    )
    loaded = load_content(root)
    ids = [s.id for s in outline(loaded.content, "threshold").sections]
    assert ids[ids.index("principles") + 1] == "local-tools"
    assert "<strong>graded care profile</strong>" in page(loaded, "threshold")


# ------------------------------------------------------------------ yearly reports over time


def test_every_period_is_planned_newest_first(example):
    requests, metas = plan(example, docs=["yearly-report"], formats=["html"])
    assert [output_stem(r) for r in requests] == ["yearly-report-2025-26", "yearly-report-2024-25"]
    assert metas["yearly-report"].period == "2025-26"


def test_publish_writes_every_period_and_the_index_lists_them_newest_first(example_root, tmp_path):
    out = tmp_path / "build"
    publish(example_root, out, docs=["yearly-report"], formats=["html"], workers=1)
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "index.html",
        "manifest.json",
        "yearly-report-2024-25.html",
        "yearly-report-2025-26.html",
        "yearly-report.html",
    ]
    assert (out / "yearly-report.html").read_bytes() == (out / "yearly-report-2025-26.html").read_bytes()
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="(yearly-report[^"]*)"', index)
    assert hrefs == ["yearly-report.html", "yearly-report-2025-26.html", "yearly-report-2024-25.html"]
    assert "Latest yearly report: Yearly report 2025-26" in index
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["yearly_report_period"] == "2025-26"
    assert manifest["yearly_report_periods"] == ["2025-26", "2024-25"]
    assert manifest["files"]["yearly-report-2024-25.html"]["version"] == "2024-25"


def test_a_changed_definition_is_not_compared(three):
    f = report_figures(three, "2025-26")
    ms = f.metric("cp-plan-rate")
    assert not ms.comparable and ms.year_on_year is None and not ms.previous_aligned
    assert ms.year_on_year_words == (
        "Not comparable with 2024-25: the definition of this measure changed between the two "
        "reports: Westmoor's children are counted from 2025-26, so the rate now covers three "
        "areas, not two."
    )
    assert "than 2024-25 (" not in ms.description  # no year-on-year clause in the chart's sentence
    # Another measure, same definition in both reports, is still compared.
    assert f.metric("re-referrals").comparable and f.metric("re-referrals").year_on_year is not None
    doc = text_of(section(page(three, "yearly-report", period="2025-26"), "data"))
    assert "all three areas together" in doc
    assert "Compared with last year: Not comparable with 2024-25" in doc
    assert "The definition used in 2024-25:\nChildren on a child protection plan" in doc
    assert "both areas together" in doc  # the old definition, shown beside the new one


def test_a_changed_definition_without_a_reason_still_says_why(tmp_path):
    root = copy_content(
        tmp_path / "c",
        {
            "reports/2025-26.yaml": replace_once(
                "  - metric: cp-plans-second\n",
                "    definition: Children on a plan per 10,000 children aged 0 to 17.\n"
                "  - metric: cp-plans-second\n",
            )
        },
    )
    ms = report_figures(load_content(root), "2025-26").metric("cp-plan-rate")
    assert ms.year_on_year_words == (
        "Not comparable with 2024-25: the definition of this measure changed between the two reports."
    )


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (dt.date(2025, 4, 1), dt.date(2026, 3, 31), "12 months"),
        (dt.date(2025, 4, 1), dt.date(2025, 12, 31), "9 months"),
        (dt.date(2025, 4, 1), dt.date(2025, 4, 30), "1 month"),
        (dt.date(2025, 4, 15), dt.date(2025, 6, 30), "77 days"),
        (dt.date(2024, 1, 1), dt.date(2025, 3, 31), "15 months"),
    ],
)
def test_period_length_words(start, end, words):
    assert period_length_words(start, end) == words


def test_a_short_period_is_shown_as_it_is(tmp_path):
    root = copy_content(
        tmp_path / "c", {"reports/2025-26.yaml": replace_once("end: 2026-03-31", "end: 2025-12-31")}
    )
    loaded = load_content(root)
    f = report_figures(loaded, "2025-26")
    assert not f.full_year and f.length_words == "9 months" and f.lengths_differ
    text = text_of(page(loaded, "yearly-report", period="2025-26"))
    assert "1 April 2025 to 31 December 2025 (9 months)" in text
    assert (
        "This report covers 1 April 2025 to 31 December 2025, a period of 9 months rather than a full year."
        in text
    )
    assert (
        "2025-26 covers 9 months and 2024-25 covered 12 months, so totals for the two periods "
        "are not like for like." in text
    )
    # A full-year report says nothing about its length.
    full = page(load_content(THREE), "yearly-report", period="2025-26")
    assert "rather than a full year" not in full and "(12 months)" not in full
    assert "not like for like" not in full


# ------------------------------------------------------------------ the examples: snapshots and publish


def readable(loaded: LoadedContent, doc: str, area: str | None = None) -> str:
    """A page's text for a snapshot, the fingerprint masked (it changes with any content edit)."""
    return re.sub(r"\b[0-9a-f]{64}\b", "<fingerprint>", text_of(page(loaded, doc, area=area)))


def test_no_levels_text_snapshot(no_levels, snapshot):
    assert readable(no_levels, "threshold") == snapshot(name="threshold")
    arrangements = page(no_levels, "arrangements")
    assert text_of(section(arrangements, "threshold")) == snapshot(name="arrangements-threshold")


@pytest.mark.parametrize("area", [None, *AREAS])
def test_three_authorities_threshold_text_snapshot(three, area, snapshot):
    assert readable(three, "threshold", area) == snapshot


def test_three_authorities_arrangements_threshold_text_snapshot(three, snapshot):
    assert text_of(section(page(three, "arrangements"), "threshold")) == snapshot


@pytest.mark.slow
@pytest.mark.parametrize("name", ["no-levels", "three-authorities"])
def test_example_publishes_every_document_period_and_area(name, tmp_path):
    root = EXAMPLES / name
    loaded = load_content(root)
    out = tmp_path / "build"
    result = publish(root, out)
    written = {o.file for o in result.outputs}
    assert written == {p.name for p in out.iterdir()} - {"index.html", "manifest.json"}
    stems = ["arrangements", "threshold", "yearly-report"]
    stems += [f"yearly-report-{p}" for p in loaded.content.report_periods]
    if name == "three-authorities":
        stems += [f"threshold-{a}" for a in AREAS]
    for stem in stems:
        assert {f"{stem}.html", f"{stem}.pdf"} <= written, stem
        assert f"{stem}.docx" in written | {s.file for s in result.skipped}, stem
    index = (out / "index.html").read_text(encoding="utf-8")
    for f in written:
        assert f'href="{f}"' in index
    if name == "three-authorities":
        for area in AREAS:
            fd = loaded.content.threshold.front_door(area)
            assert fd is not None
            assert fd.phone in (out / f"threshold-{area}.html").read_text(encoding="utf-8")


def test_build_names_an_older_period_by_its_period(example_root, tmp_path):
    from masa_docs.publish import build_one

    newest = build_one(example_root, tmp_path, doc="yearly-report", fmt="html")
    older = build_one(example_root, tmp_path, doc="yearly-report", fmt="html", period="2024-25")
    assert newest.file == "yearly-report.html" and older.file == "yearly-report-2024-25.html"
    # build keeps the index and manifest current; the newest report also has its period's name
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "index.html",
        "manifest.json",
        "yearly-report-2024-25.html",
        "yearly-report-2025-26.html",
        "yearly-report.html",
    ]
    assert "Yearly report 2024-25" in (tmp_path / "yearly-report-2024-25.html").read_text(encoding="utf-8")
