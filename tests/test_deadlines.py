"""Deadlines and currency, measured from a fixed "today" so the results are reproducible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import position_of, replace_once, yaml_edit
from masa_docs.cli import main
from masa_docs.deadlines import Deadline, deadlines, working_days_after
from masa_docs.load import LoadedContent, load_content
from masa_docs.rules import DeadlineSettings, LocalRules
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
    assert [d.id for d in got] == ["rapid-review-rr-child-e"]  # not Child J, completed, notified the same day
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


# ---------------------------------------------------------------- exact values, hand-computed
# The example's dates (content/): the 2025-26 report published 2026-09-25 for 2025-04-01 to
# 2026-03-31; arrangements, threshold, chair's and scrutineer's terms to 2027-03-31; agreement
# review 2028-03-31; current delegations reviewed by 2026-06-30, 2026-12-01, 2027-03-31 and
# 2027-01-31; information-sharing agreements reviewed by 2027-03-31, 2026-09-30 and 2027-01-19.


def test_the_example_deadlines_in_date_order(example: LoadedContent) -> None:
    got = [(d.id, d.due, d.state, d.days) for d in deadlines(example, dt.date(2026, 4, 15))]
    assert got == [
        ("recommendation-rr-child-e-child-e-2", dt.date(2025, 6, 30), "past", -289),
        ("recommendation-lcspr-baby-rowan-rowan-2", dt.date(2025, 12, 31), "past", -105),
        ("recommendation-rr-child-j-child-j-1", dt.date(2026, 1, 31), "past", -74),
        ("delegation-review-northmere-council", dt.date(2026, 6, 30), "ok", 76),
        ("sharing-agreement-review-2", dt.date(2026, 9, 30), "ok", 168),
        ("yearly-report-send-national", dt.date(2026, 10, 2), "ok", 170),  # published + 7 days
        ("delegation-review-eastvale-council", dt.date(2026, 12, 1), "ok", 230),
        ("sharing-agreement-review-3", dt.date(2027, 1, 19), "ok", 279),
        ("delegation-review-northmere-police", dt.date(2027, 1, 31), "ok", 291),
        # the same day: in order of id
        ("arrangements-review", dt.date(2027, 3, 31), "ok", 350),
        ("chair-term", dt.date(2027, 3, 31), "ok", 350),
        ("delegation-review-nev-icb", dt.date(2027, 3, 31), "ok", 350),
        ("scrutineer-term", dt.date(2027, 3, 31), "ok", 350),
        ("sharing-agreement-review-1", dt.date(2027, 3, 31), "ok", 350),
        ("threshold-review", dt.date(2027, 3, 31), "ok", 350),
        ("yearly-report-due", dt.date(2027, 9, 25), "ok", 528),  # published + 12 months
        ("agreement-review", dt.date(2028, 3, 31), "ok", 716),
    ]


def test_the_example_deadlines_say_what_falls_due(example: LoadedContent) -> None:
    got = {d.id: (d.what, d.confidence) for d in deadlines(example, dt.date(2026, 4, 15))}
    assert got["yearly-report-due"] == (
        "Next yearly report (the 2025-26 report was published on 2026-09-25)",
        "partial",
    )
    assert got["yearly-report-send-national"] == (
        "Send the 2025-26 yearly report to the Child Safeguarding Practice Review Panel and to Foundations",
        "unverified",
    )
    assert got["recommendation-lcspr-baby-rowan-rowan-2"] == (
        "Recommendation rowan-2 of 'Baby Rowan' (in progress)",
        "verified",
    )
    assert got["delegation-review-northmere-council"] == (
        "Review of Northmere Borough Council's delegation to Priya Lakhani",
        "verified",
    )
    assert got["scrutineer-term"] == (
        "End of the independent scrutineer's term (Dr Helen Marchbank)",
        "verified",
    )
    assert got["chair-term"] == ("End of the partnership chair's term (Claire Pendleton)", "verified")
    assert got["sharing-agreement-review-2"] == (
        "Review of the information-sharing agreement 'Northmere MASH Information Sharing Agreement'",
        "verified",
    )
    assert got["arrangements-review"] == ("Review of the arrangements", "verified")
    assert got["agreement-review"] == ("Review of the collaboration agreement", "verified")
    assert got["threshold-review"] == ("Review of the threshold document", "verified")


def _where(root: Path, file: str, needle: str, key: str) -> tuple[str, int, int]:
    line, column = position_of((root / file).read_text(encoding="utf-8"), needle, offset=len(key))
    return file, line, column


@pytest.mark.parametrize(
    ("ident", "file", "needle", "key", "field"),
    [
        (
            "arrangements-review",
            "partnership.yaml",
            "review_date: 2027-03-31",
            "review_date: ",
            "review_date",
        ),
        ("chair-term", "partnership.yaml", "term_ends: 2027-03-31", "term_ends: ", "chair.term_ends"),
        ("agreement-review", "agreement.yaml", "review_date: 2028-03-31", "review_date: ", "review_date"),
        ("threshold-review", "threshold.yaml", "review_date: 2027-03-31", "review_date: ", "review_date"),
        ("scrutineer-term", "scrutiny.yaml", "term_end: 2027-03-31", "term_end: ", "scrutineer.term_end"),
        (
            "delegation-review-eastvale-council",
            "partners.yaml",
            "review_by: 2026-12-01",
            "review_by: ",
            "[1].delegations[0].review_by",
        ),
        (
            "sharing-agreement-review-3",
            "information-sharing.yaml",
            "review_by: 2027-01-19",
            "review_by: ",
            "agreements[2].review_by",
        ),
        (
            "recommendation-rr-child-j-child-j-1",
            "reviews.yaml",
            "due: 2026-01-31",
            "due: ",
            "reviews[2].recommendations[0].due",
        ),
        ("yearly-report-due", "reports/2025-26.yaml", "published_on: ", "published_on: ", "published_on"),
        (
            "yearly-report-send-national",
            "reports/2025-26.yaml",
            "published_on: ",
            "published_on: ",
            "published_on",
        ),
    ],
)
def test_each_deadline_points_at_its_date_in_the_content(
    example: LoadedContent, example_root: Path, ident: str, file: str, needle: str, key: str, field: str
) -> None:
    where = by_id(deadlines(example, dt.date(2026, 4, 15)))[ident].where
    assert where is not None
    _, line, column = _where(example_root, file, needle, key)
    assert (Path(where.file).as_posix().endswith("/" + file), where.line, where.column) == (
        True,
        line,
        column,
    )
    assert where.field == field


def test_describe_counts_days_both_ways() -> None:
    def d(days: int) -> Deadline:
        return Deadline("x", "X", dt.date(2026, 1, 1), "soon", days, "verified", "")

    assert [d(n).describe() for n in (-2, -1, 0, 1, 2)] == [
        "2 days ago",
        "1 day ago",
        "today",
        "in 1 day",
        "in 2 days",
    ]
    assert d(-1).warn and d(0).warn
    assert not Deadline("x", "X", dt.date(2026, 1, 1), "ok", 40, "verified", "").warn


def test_a_deadline_due_today_reads_today(example: LoadedContent) -> None:
    d = by_id(deadlines(example, dt.date(2027, 3, 31)))["arrangements-review"]
    assert (d.state, d.days, d.describe()) == ("soon", 0, "today")


def test_as_dict(example: LoadedContent) -> None:
    d = by_id(deadlines(example, dt.date(2027, 4, 2)))["threshold-review"]
    got = d.as_dict()
    where = got.pop("where")
    assert got == {
        "id": "threshold-review",
        "what": "Review of the threshold document",
        "due": "2027-03-31",
        "state": "past",
        "days": -2,
        "confidence": "verified",
        "note": "The review date set in threshold.yaml.",
    }
    assert (where["line"], where["column"], where["field"]) == (8, 14, "review_date")
    assert Deadline("x", "X", dt.date(2026, 1, 1), "ok", 3, "local", "n").as_dict()["where"] is None


def test_warn_days_sets_soon_and_how_long_sending_stays_listed(example: LoadedContent) -> None:
    local = LocalRules(deadlines=DeadlineSettings(warn_days=10))
    review = dt.date(2027, 3, 31)
    states = [
        by_id(deadlines(example, review - dt.timedelta(days=n), local))["arrangements-review"].state
        for n in (11, 10)
    ]
    assert states == ["ok", "soon"]
    send = dt.date(2026, 10, 2)
    assert "yearly-report-send-national" in by_id(deadlines(example, send + dt.timedelta(days=10), local))
    assert "yearly-report-send-national" not in by_id(deadlines(example, send + dt.timedelta(days=11), local))


def test_the_local_yearly_report_target(example: LoadedContent) -> None:
    # the period after 2025-04-01..2026-03-31 ends on 2027-03-31; six months later is 2027-09-30
    local = LocalRules(deadlines=DeadlineSettings(yearly_report_months_after_period_end=6))
    d = by_id(deadlines(example, dt.date(2026, 4, 15), local))["yearly-report-local-target"]
    assert (d.due, d.what, d.confidence, d.note) == (
        dt.date(2027, 9, 30),
        "Local target: the yearly report for the year ending 2027-03-31",
        "local",
        "6 months after the reporting period ends (content/rules.yaml).",
    )
    assert (
        d.where is not None and d.where.field == "rules_file.deadlines.yearly_report_months_after_period_end"
    )
    assert "yearly-report-local-target" not in by_id(deadlines(example, dt.date(2026, 4, 15)))


def test_rapid_review_deadline_only_for_open_rapid_reviews(make_content: Any, tmp_path: Path) -> None:
    # Child E reopened, notified Thursday 10 April 2025: 15 working days skip Good Friday, Easter
    # Monday and the May Day bank holiday, so Tuesday 6 May 2025. Child J (completed) and the M
    # siblings (an open LCSPR, not a rapid review) have none.
    root = make_content(
        tmp_path,
        edits={
            "reviews.yaml": replace_once(
                "    notified_on: 2024-10-02\n    completed_on: 2024-10-23\n",
                "    notified_on: 2025-04-10\n",
            )
        },
    )
    text = (root / "reviews.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: rr-child-e")
    status_at = text.index("    status: completed\n", start)
    (root / "reviews.yaml").write_text(
        text[:status_at] + "    status: in_progress\n" + text[status_at + len("    status: completed\n") :],
        encoding="utf-8",
    )
    loaded = load_content(root)
    got = [d for d in deadlines(loaded, dt.date(2025, 5, 1)) if d.id.startswith("rapid-review-")]
    assert got[0].note == (
        "15 working days from notification, skipping weekends and England's bank holidays "
        "(WT2023 ch.5, seen via a partnership page)."
    )
    assert [(d.id, d.what, d.due, d.state, d.days) for d in got] == [
        (
            "rapid-review-rr-child-e",
            "Rapid review 'Child E' (notified 2025-04-10)",
            dt.date(2025, 5, 6),
            "soon",
            5,
        )
    ]
    line, column = position_of(text, "notified_on: 2025-04-10", offset=len("notified_on: "))
    assert got[0].where is not None and (got[0].where.line, got[0].where.column) == (line, column)


def test_no_chair_term_without_an_end(make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits={"partnership.yaml": replace_once("  term_ends: 2027-03-31\n", "")})
    got = by_id(deadlines(load_content(root), dt.date(2026, 4, 15)))
    assert "chair-term" not in got and "arrangements-review" in got


def test_first_report_location_and_due(make_content: Any, tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        edits={
            "reports/2024-25.yaml": None,
            "reports/2025-26.yaml": None,
            "signatures.yaml": yaml_edit(lambda d: d.pop("yearly_report")),
        },
    )
    got = by_id(deadlines(load_content(root), dt.date(2025, 6, 1)))
    d = got["yearly-report-due"]
    assert (d.due, d.what, d.confidence) == (
        dt.date(2026, 4, 1),
        "First yearly report under these arrangements",
        "partial",
    )
    assert d.note == (
        "At least once in every 12 months (Children Act 2004 s.16G, subsection not confirmed); "
        "counted from when the arrangements took effect."
    )
    assert d.where is not None and d.where.field == "effective_date" and d.where.line == 7
    assert "yearly-report-send-national" not in got


def test_the_local_target_points_into_rules_yaml(make_content: Any, tmp_path: Path) -> None:
    from masa_docs.check import local_rules

    text = "# local settings\ndeadlines:\n  yearly_report_months_after_period_end: 3\n"
    root = make_content(tmp_path, edits={"rules.yaml": text})
    loaded = load_content(root)
    d = by_id(deadlines(loaded, dt.date(2026, 4, 15), local_rules(loaded)))["yearly-report-local-target"]
    assert d.due == dt.date(2027, 6, 30)  # three months after 2027-03-31
    line, column = position_of(text, "3\n")
    assert d.where is not None
    assert (Path(d.where.file).name, d.where.line, d.where.column) == ("rules.yaml", line, column)


def test_nothing_falls_due_once_the_arrangements_have_ended(example: LoadedContent) -> None:
    from dataclasses import replace

    c = example.content
    ended = c.model_copy(
        update={
            "partnership": c.partnership.model_copy(
                update={"status": "ended", "ends_on": dt.date(2026, 3, 31)}
            )
        }
    )
    assert deadlines(replace(example, content=ended), dt.date(2026, 4, 15)) == []
    assert deadlines(example, dt.date(2026, 4, 15)) != []


def test_a_completed_recommendation_has_no_deadline(example: LoadedContent) -> None:
    # rowan-2 (in progress, due 2025-12-31) is listed; once complete it is not
    from dataclasses import replace

    c = example.content
    review = c.reviews.reviews[0]
    recs = [
        r.model_copy(update={"status": "complete"}) if r.id == "rowan-2" else r
        for r in review.recommendations
    ]
    done = c.model_copy(
        update={
            "reviews": c.reviews.model_copy(
                update={
                    "reviews": [review.model_copy(update={"recommendations": recs}), *c.reviews.reviews[1:]]
                }
            )
        }
    )
    ids = by_id(deadlines(replace(example, content=done), dt.date(2026, 4, 15)))
    assert "recommendation-lcspr-baby-rowan-rowan-2" not in ids
    assert "recommendation-rr-child-j-child-j-1" in ids


def test_each_deadline_says_where_it_comes_from(example: LoadedContent) -> None:
    got = {d.id: d.note for d in deadlines(example, dt.date(2026, 4, 15))}
    assert got["yearly-report-due"] == (
        "At least once in every 12 months (Children Act 2004 s.16G, subsection not confirmed); "
        "no fixed publication month is confirmed."
    )
    assert got["yearly-report-send-national"] == (
        "UNVERIFIED: 7 days after publication is the WT2018 wording; confirm against WT2023. "
        "The content does not record when it was sent."
    )
    assert got["arrangements-review"] == "The review date set in partnership.yaml."
    assert got["agreement-review"] == "The review date set in agreement.yaml."
    assert got["threshold-review"] == "The review date set in threshold.yaml."
    assert got["delegation-review-nev-icb"] == "The review_by date of the current delegation."
    assert got["scrutineer-term"] == "Appoint or re-appoint the scrutineer before the term ends."
    assert got["chair-term"] == "Choose the next chair before the term ends."
    assert got["sharing-agreement-review-1"] == "The review_by date of the agreement."
    assert (
        got["recommendation-rr-child-j-child-j-1"]
        == "Due date of a review recommendation that is not complete."
    )
    confidence = {d.id: d.confidence for d in deadlines(example, dt.date(2026, 4, 15))}
    assert {k: v for k, v in confidence.items() if v != "verified"} == {
        "yearly-report-due": "partial",
        "yearly-report-send-national": "unverified",
    }
