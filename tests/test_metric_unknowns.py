"""A metric's figure, target or comparator recorded as not known ('unknown: <reason>') is never
0: the report says "not known" or leaves the point out, the chart draws a gap, comparisons skip
it, and the check lists it as a gap (a 'should': no metric is required by the Act)."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from pydantic import ValidationError

from conftest import copy_content, replace_once
from masa_docs import reporting as r
from masa_docs.check import run_check
from masa_docs.load import load_content
from masa_docs.model.arrangements import Metric
from masa_docs.model.base import NotKnown
from masa_docs.model.report import MetricResult
from masa_docs.render import RenderRequest
from masa_docs.render import charts as ch
from masa_docs.render.html import render_html


def _metric(**kw: Any) -> Metric:
    base = {
        "id": "re-referrals",
        "name": "Re-referrals",
        "definition": "x",
        "source": "Children's social care",
        "owner": "council",
        "unit": "percent",
        "better": "lower",
    }
    return Metric(**{**base, **kw})


def _result(values: list[Any], target: Any = None, comparators: dict[str, Any] | None = None) -> MetricResult:
    return MetricResult.model_validate(
        {
            "metric": "re-referrals",
            "values": [{"label": f"Q{i + 1}", "value": v} for i, v in enumerate(values)],
            "target": target,
            "comparators": [{"name": k, "value": v} for k, v in (comparators or {}).items()],
        }
    )


GAP = {"unknown": "not collected"}


def test_values_targets_and_comparators_accept_unknown_and_keep_their_own_errors() -> None:
    res = _result(["21.2", GAP, "19.4"], {"unknown": True}, {"England": {"unknown": "not published"}})
    assert res.values[1].value == NotKnown(unknown="not collected")
    assert isinstance(res.target, NotKnown) and isinstance(res.comparators[0].value, NotKnown)
    with pytest.raises(ValidationError) as err:
        _result(["x"])
    assert [e["loc"] for e in err.value.errors()] == [("values", 0, "value")]  # one error, not one per branch


def test_an_unknown_last_point_is_never_compared() -> None:
    before = _result(["24.0", "23.0", "22.0", "21.7"], "21")
    m = r.MetricSummary(
        _metric(), _result(["23.1", "22.0", "20.5", GAP], "20", {"England": "21.4"}), before, "2024-25"
    )
    assert m.latest is not None and m.latest.label == "Q3" and not m.final_known
    assert m.vs_target is None and m.vs_comparators == () and m.year_on_year is None
    assert m.trend == "better"  # Q1 to Q3, the known points
    assert m.year_on_year_words == "Not compared, because the figure for Q4 is not known."
    assert m.unknown_words == "Not known for Q4 (not collected)."
    assert (
        m.description == "Re-referrals fell from 23.1% in Q1 to 20.5% in Q3. The figure for Q4 is not known."
    )


def test_an_unknown_earlier_point_leaves_the_comparisons_on_the_last_one() -> None:
    before = _result(["24.0", "23.0", "22.0", GAP])
    now = _result(["23.1", GAP, GAP, "19.4"], GAP, {"England": "21.4", "Neighbours": GAP})
    m = r.MetricSummary(_metric(), now, before, "2024-25")
    assert m.vs_target is None and m.target_unknown and not m.has_target
    assert [c.name for c in m.vs_comparators] == ["England"]
    assert [c.name for c in m.unknown_comparators] == ["Neighbours"]
    assert m.year_on_year is None  # last year's Q4 is not known
    assert m.year_on_year_words == "Not compared, because the figure for 2024-25 Q4 is not known."
    assert m.description == (
        "Re-referrals fell from 23.1% in Q1 to 19.4% in Q4, better than England (21.4%). "
        "The figures for Q2 and Q3 are not known."
    )


def test_nothing_known_says_so() -> None:
    m = r.MetricSummary(_metric(), _result([GAP, GAP]), None, None)
    assert m.latest is None and m.trend is None and m.latest_text == "not known"
    assert m.description == "Re-referrals is not known for Q1 and Q2."
    chart = ch.metric_chart(m, "2025-26")
    assert [row[1] for row in chart.table.rows] == ["Not known (not collected)"] * 2


def test_the_chart_draws_a_gap_never_a_zero() -> None:
    m = r.MetricSummary(_metric(), _result(["23.1", GAP, "20.5", "19.4"], GAP), None, None)
    chart = ch.metric_chart(m, "2025-26")
    fig = chart._draw()
    ys = list(fig.axes[0].lines[0].get_ydata())
    assert ys[0] == 23.1 and math.isnan(ys[1]) and ys[3] == 19.4
    assert len(fig.axes[0].lines) == 1  # no target line for a target that is not known
    texts = [" ".join(t.split()) for t in re.findall(r"<text[^>]*?>(.*?)</text>", chart.svg, re.S)]
    assert "0%" not in texts  # the axis is fitted to the known figures, not pulled down to 0
    assert chart.table.rows == (
        ("Q1", "23.1%"),
        ("Q2", "Not known (not collected)"),
        ("Q3", "20.5%"),
        ("Q4", "19.4%"),
        ("Target", "Not known (not collected)"),
    )


def test_the_yearly_report_says_not_known_and_the_check_lists_the_gap(tmp_path: Any) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "reports/2025-26.yaml": lambda t: replace_once(
                "      - {label: Q4, value: 758}\n",
                "      - {label: Q4, value: {unknown: not yet validated}}\n",
            )(replace_once("    target: 20.0\n", "    target: {unknown: not agreed}\n")(t))
        },
    )
    loaded = load_content(root)
    html = render_html(loaded, RenderRequest("yearly-report", "html", "2025-26"))
    text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)).split())
    assert "Latest known figure: 724 (Q3)" in text
    assert "Not known for Q4 (not yet validated)." in text
    assert "Compared with last year: Not compared, because the figure for Q4 is not known." in text
    assert "The target is not known (not agreed)." in text
    assert "the target of 1 measure is not known" in text
    assert "758" not in text and "Q4 0 " not in text
    results = {res.rule.id: res for res in run_check(loaded).results}
    assert results["facts-the-law-needs"].status == "pass"  # no metric is required by the Act
    assert sorted(p.message for p in results["facts-not-known"].problems) == [
        "reports.2025-26.metrics[0].values[3].value is not known (not yet validated)",
        "reports.2025-26.metrics[1].target is not known (not agreed)",
    ]


def test_the_spreadsheet_leaves_an_unknown_empty_and_importing_it_changes_nothing(tmp_path: Any) -> None:
    from masa_docs.spreadsheet import export_metrics, import_metrics

    root = copy_content(
        tmp_path / "c",
        {
            "reports/2025-26.yaml": replace_once(
                "      - {label: Q2, value: 640}\n", "      - {label: Q2, value: {unknown: not collected}}\n"
            )
        },
    )
    loaded = load_content(root)
    csv_file = tmp_path / "data.csv"
    export_metrics(loaded, "2025-26", csv_file)
    assert ",688,,724,758,700," in csv_file.read_text(encoding="utf-8-sig")  # empty, never 0
    report = root / "reports" / "2025-26.yaml"
    before = report.read_bytes()
    result = import_metrics(loaded, "2025-26", csv_file)
    assert result.changes == [] and result.warnings == []  # an empty cell agrees with 'unknown'
    assert report.read_bytes() == before


@pytest.mark.client
@pytest.mark.slow
def test_a_yearly_report_with_long_not_known_reasons_passes_axe(tmp_path: Any) -> None:
    """'Not known (the police contribution is not published)' in a figure cell wraps on screen:
    the table fits the window, so no scrolling region the keyboard cannot reach (axe
    scrollable-region-focusable)."""
    from pathlib import Path

    from masa_docs.a11y import format_problems, run_checks
    from masa_docs.publish import publish

    example = Path(__file__).resolve().parents[1] / "examples" / "single-authority"
    out = tmp_path / "build"
    publish(example, out, docs=["yearly-report"], formats=["html"], period="2025-26", workers=1)
    problems = run_checks(out, kinds=("html",)).problems
    assert problems == [], format_problems(problems)


def test_two_unknown_targets_are_counted_in_the_plural(tmp_path: Any) -> None:
    root = copy_content(
        tmp_path / "c",
        {
            "reports/2025-26.yaml": lambda t: replace_once(
                "    target: 22.0\n", "    target: {unknown: not agreed}\n"
            )(replace_once("    target: 20.0\n", "    target: {unknown: not agreed}\n")(t))
        },
    )
    html = render_html(load_content(root), RenderRequest("yearly-report", "html", "2025-26"))
    text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)).split())
    assert "the targets of 2 measures are not known" in text
    assert "the target of 2 measures" not in text
