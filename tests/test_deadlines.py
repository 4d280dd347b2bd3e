"""Deadlines and currency, measured from a fixed "today" so the results are reproducible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import yaml_edit
from masa_docs.cli import main
from masa_docs.deadlines import Deadline, deadlines, working_days_after
from masa_docs.load import LoadedContent, load_content
from masa_docs.rules.checks import add_months


def by_id(items: list[Deadline]) -> dict[str, Deadline]:
    return {d.id: d for d in items}


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (dt.date(2025, 7, 21), 15, dt.date(2025, 8, 11)),  # Monday + 15 working days = Monday 3 weeks on
        (dt.date(2025, 7, 25), 1, dt.date(2025, 7, 28)),  # Friday + 1 = Monday
        (dt.date(2025, 7, 26), 1, dt.date(2025, 7, 28)),  # Saturday + 1 = Monday
        # England's bank holidays are not working days:
        (dt.date(2025, 4, 10), 15, dt.date(2025, 5, 6)),  # Good Friday, Easter Monday, May Day
        (dt.date(2025, 12, 22), 5, dt.date(2025, 12, 31)),  # Christmas Day and Boxing Day
        (dt.date(2025, 12, 22), 6, dt.date(2026, 1, 2)),  # ... and New Year's Day
        (dt.date(2021, 12, 24), 1, dt.date(2021, 12, 29)),  # substitute days for a weekend Christmas
        (dt.date(2021, 12, 31), 1, dt.date(2022, 1, 4)),  # New Year's Day (Saturday) moved to Monday
        (dt.date(2025, 8, 22), 1, dt.date(2025, 8, 26)),  # the August bank holiday
    ],
)
def test_working_days_after(start: dt.date, n: int, expected: dt.date) -> None:
    assert working_days_after(start, n) == expected


def test_bank_holidays_are_englands() -> None:
    from masa_docs.deadlines import is_working_day

    assert not is_working_day(dt.date(2025, 4, 21))  # Easter Monday
    assert is_working_day(dt.date(2025, 3, 17))  # St Patrick's Day is a holiday in Northern Ireland only
    assert is_working_day(dt.date(2025, 8, 4))  # Scotland's summer holiday, not England's
    assert is_working_day(dt.date(2025, 11, 11))


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 9, 25), 12) == dt.date(2026, 9, 25)


def test_every_dated_obligation_of_the_content_is_listed(example: LoadedContent) -> None:
    c = example.content
    got = by_id(deadlines(example, dt.date(2026, 4, 15)))
    latest = c.reports[c.latest_period or ""]
    assert got["yearly-report-due"].due == add_months(latest.published_on, 12)
    assert got["yearly-report-due"].confidence == "partial"
    assert got["arrangements-review"].due == c.partnership.review_date
    assert got["agreement-review"].due == c.agreement.review_date
    assert got["threshold-review"].due == c.threshold.review_date
    assert got["scrutineer-term"].due == c.scrutiny.scrutineer.term_end
    for p in c.partners:
        assert got[f"delegation-review-{p.id}"].due == p.current_delegation.review_by
    for i, ag in enumerate(c.information_sharing.agreements):
        assert got[f"sharing-agreement-review-{i + 1}"].due == ag.review_by
    open_recs = [(r, x) for r in c.reviews.reviews for x in r.recommendations if x.status != "complete"]
    assert open_recs
    for r, x in open_recs:
        assert got[f"recommendation-{r.id}-{x.id}"].due == x.due
    done = [(r, x) for r in c.reviews.reviews for x in r.recommendations if x.status == "complete"]
    assert not [k for k in got for r, x in done if k == f"recommendation-{r.id}-{x.id}"]
    dues = [d.due for d in got.values()]
    assert dues == sorted(dues)


def test_states_past_soon_ok(example: LoadedContent) -> None:
    review = example.content.partnership.review_date
    for today, state, days in (
        (review - dt.timedelta(days=31), "ok", 31),
        (review - dt.timedelta(days=30), "soon", 30),
        (review, "soon", 0),
        (review + dt.timedelta(days=1), "past", -1),
    ):
        d = by_id(deadlines(example, today))["arrangements-review"]
        assert (d.state, d.days, d.warn) == (state, days, state != "ok")
    assert d.describe() == "1 day ago"
    assert d.where is not None and d.where.file.endswith("partnership.yaml") and d.where.line


def test_sending_to_the_panel_and_foundations_is_unverified_and_time_limited(example: LoadedContent) -> None:
    latest = example.content.reports[example.content.latest_period or ""]
    send = latest.published_on + dt.timedelta(days=7)
    d = by_id(deadlines(example, latest.published_on))["yearly-report-send-national"]
    assert d.due == send and d.state == "soon" and d.confidence == "unverified"
    assert d.note.startswith("UNVERIFIED")
    assert "yearly-report-send-national" in by_id(deadlines(example, send + dt.timedelta(days=30)))
    assert "yearly-report-send-national" not in by_id(deadlines(example, send + dt.timedelta(days=31)))


def test_first_report_counts_from_the_arrangements(make_content: Any, tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        edits={
            "reports/2024-25.yaml": None,
            "reports/2025-26.yaml": None,
            "signatures.yaml": yaml_edit(lambda d: d.pop("yearly_report")),
        },
    )
    loaded = load_content(root)
    d = by_id(deadlines(loaded, dt.date(2025, 6, 1)))["yearly-report-due"]
    assert d.due == add_months(loaded.content.partnership.effective_date, 12)
    assert "First yearly report" in d.what


def test_rapid_review_in_progress(make_content: Any, tmp_path: Path) -> None:
    def open_review(data: Any) -> None:
        r = next(r for r in data["reviews"] if r["kind"] == "rapid_review")
        r["status"] = "in_progress"
        r["notified_on"] = dt.date(2025, 7, 21)
        r.pop("completed_on", None)
        r.pop("published_on", None)

    loaded = load_content(make_content(tmp_path, edits={"reviews.yaml": yaml_edit(open_review)}))
    got = [d for d in deadlines(loaded, dt.date(2025, 8, 12)) if d.id.startswith("rapid-review-")]
    assert len(got) == 1
    assert got[0].due == dt.date(2025, 8, 11) and got[0].state == "past" and got[0].confidence == "partial"


def test_check_prints_the_warnings(example_root: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(example_root), "--today", "2026-09-26"])
    out = result.output
    assert "Deadlines (today 2026-09-26;" in out
    assert "SOON  2026-10-02  in 6 days" in out
    assert "UNVERIFIED: 7 days after publication" in out
    assert "[unverified confidence]" in out
    assert "PAST  2026-06-30" in out  # a delegation review that is overdue on that day


def test_today_changes_only_rules_about_time_passing(example_root: Path) -> None:
    import json

    def statuses(today: str) -> list[tuple[str, str]]:
        result = CliRunner().invoke(
            main, ["check", "--content", str(example_root), "--today", today, "--format", "json"]
        )
        return [(r["id"], r["status"]) for r in json.loads(result.output)["rules"]]

    assert statuses("2026-04-15") == statuses("2026-09-30")
    late = dict(statuses("2030-01-01"))
    assert late.pop("stat-yearly-report") == "fail"  # the next report is overdue
    assert late == {k: v for k, v in statuses("2026-04-15") if k != "stat-yearly-report"}


def test_bad_today_is_a_usage_error(example_root: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(example_root), "--today", "15/04/2026"])
    assert result.exit_code == 2
    assert "--today" in result.output
