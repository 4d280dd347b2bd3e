"""Unknown is a value: 'unknown: <reason>' in YAML is kept as not known, never read as 0, none or
an empty list; errors stay those of the field itself; the check lists every unknown as a gap."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from conftest import copy_content, diagnostics_of, replace_once
from masa_docs.check import run_check
from masa_docs.load import load_content
from masa_docs.model.base import NotKnown
from masa_docs.model.report import Course, TrainingDelivered
from masa_docs.render import RenderRequest
from masa_docs.render.html import render_html
from masa_docs.reporting import report_figures
from masa_docs.schema import topic_schema


def test_unknown_with_a_reason_or_true() -> None:
    c = Course.model_validate(
        {"title": "A", "sessions": {"unknown": "not recorded"}, "attendees": {"unknown": True}}
    )
    assert c.sessions == NotKnown(unknown="not recorded") and c.sessions.text == "not known (not recorded)"
    assert (
        isinstance(c.attendees, NotKnown) and c.attendees.reason is None and str(c.attendees) == "not known"
    )


def test_a_total_with_an_unknown_part_is_not_known() -> None:
    t = TrainingDelivered.model_validate(
        {
            "impact": "x",
            "courses": [
                {"title": "A", "sessions": 1, "attendees": 3},
                {"title": "B", "sessions": 2, "attendees": {"unknown": "not recorded"}},
            ],
        }
    )
    assert t.total_sessions == 3
    assert isinstance(t.total_attendees, NotKnown) and t.total_attendees.reason == "B: not recorded"


def test_bad_values_get_the_fields_own_error_not_one_per_branch(tmp_path) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "reports/2025-26.yaml": replace_once(
                "{title: Neglect and the graded care profile, sessions: 12, attendees: 251}",
                "{title: Neglect and the graded care profile, sessions: -1, attendees: {unknown: x, why: y}}",
            )
        },
    )
    diags = diagnostics_of(root)
    messages = sorted((d.field_path, d.message) for d in diags)
    assert messages == [
        ("training.courses[1].attendees.why", "unknown key 'why'"),
        ("training.courses[1].sessions", "input should be greater than or equal to 0"),
    ]
    assert all(d.line for d in diags)


def test_unknown_needs_a_reason_or_true(tmp_path) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "disputes.yaml": replace_once(
                "    timescale_working_days: 3\n", "    timescale_working_days: {unknown: false}\n"
            )
        },
    )
    assert [d.field_path for d in diagnostics_of(root)] == ["stages[0].timescale_working_days.unknown"]


def test_unknown_reviews_are_said_to_be_not_known_never_none(tmp_path) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "reports/2024-25.yaml": replace_once(
                "reviews: [lcspr-baby-rowan, rr-child-e]", "reviews: {unknown: not published}"
            )
        },
    )
    loaded = load_content(root)
    html = render_html(loaded, RenderRequest("yearly-report", "html", "2024-25"))
    assert "is not known (not published)" in html
    assert "There were no rapid reviews" not in html
    assert isinstance(report_figures(loaded, "2024-25").reviews, NotKnown)
    # An empty list is a known none, said as such.
    root2 = copy_content(
        tmp_path / "d",
        {"reports/2024-25.yaml": replace_once("reviews: [lcspr-baby-rowan, rr-child-e]", "reviews: []")},
    )
    html2 = render_html(load_content(root2), RenderRequest("yearly-report", "html", "2024-25"))
    assert "There were no rapid reviews or local child safeguarding practice reviews" in html2


def test_unknown_money_has_no_shares_no_chart_and_no_zero(tmp_path) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "funding.yaml": lambda t: t.replace(
                "        amount: 88803.00\n", "        amount: {unknown: not published}\n"
            ).replace("    total: 544200.00\n", "    total: {unknown: not published}\n")
        },
    )
    loaded = load_content(root)
    f = report_figures(loaded, "2025-26")
    assert isinstance(f.contributions.total, NotKnown) and not f.contributions.complete
    assert [r.percent for r in f.contributions.rows] == [None] * len(f.contributions.rows)
    assert f.contributions.change is None
    html = render_html(loaded, RenderRequest("yearly-report", "html", "2025-26"))
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "Contributions by partner, 2025-26." not in text  # the chart's caption
    assert not re.search(r"£0(?![\d,.])", text)
    assert "Not known (not published)" in html


def test_a_known_total_with_unknown_parts_is_still_shown(tmp_path) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "funding.yaml": replace_once(
                "        amount: 88803.00\n", "        amount: {unknown: not published}\n"
            )
        },
    )
    f = report_figures(load_content(root), "2025-26")
    assert f.contributions.total == Decimal("544200.00")
    assert f.contributions.percent_total is None


def test_unknowns_are_located_and_listed_by_the_check(tmp_path) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "disputes.yaml": replace_once(
                "    timescale_working_days: 5\n", "    timescale_working_days: {unknown: not published}\n"
            ),
            "liabilities.yaml": lambda t: t.replace(
                "minimum_cover: 10000000.00", "minimum_cover: {unknown: true}", 1
            ),
        },
    )
    loaded = load_content(root)
    found = loaded.content.unknowns()
    assert found[0].loc == ("disputes", "stages", 1, "timescale_working_days")
    assert found[0].reason == "not published" and found[0].field == "timescale_working_days"
    result = next(r for r in run_check(loaded).results if r.rule.id == "facts-not-known")
    assert result.failed
    first = result.problems[0].where
    assert first.file.endswith("disputes.yaml") and first.line is not None
    assert len(result.problems) == len(found)


def test_the_check_passes_when_nothing_is_unknown() -> None:
    from masa_docs.example import example_dir

    result = next(r for r in run_check(load_content(example_dir())).results if r.rule.id == "facts-not-known")
    assert result.status == "pass"


def test_the_schema_offers_unknown_to_editors() -> None:
    text = json.dumps(topic_schema("funding"))
    assert '"unknown"' in text and "Not known" in text
