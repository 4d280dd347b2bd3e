"""masa_docs.reporting: exact totals and shares, direction-aware wording, year-on-year figures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import position_of
from masa_docs import reporting as r
from masa_docs.errors import ContentError, MasaError
from masa_docs.load import LoadedContent
from masa_docs.model.arrangements import Metric
from masa_docs.model.base import NotKnown
from masa_docs.model.funding import FundingYear
from masa_docs.model.report import MetricResult

NAMES = {
    "council": "Northmere Council",
    "icb": "Northmere ICB",
    "police": "Northmere Police",
    "school": "A school",
}
CONTENT: Any = SimpleNamespace(party_name=NAMES.__getitem__, funders_by_id={})


def year(name: str, amounts: dict[str, str], total: str | None = None, spend: Any = None) -> FundingYear:
    start = int(name[:4])
    contributions = [{"partner": p, "amount": D(a)} for p, a in amounts.items()]
    return FundingYear(
        year=name,
        start=dt.date(start, 4, 1),
        end=dt.date(start + 1, 3, 31),
        pooled_fund=True,
        contributions=contributions,
        total=D(total) if total is not None else sum((D(a) for a in amounts.values()), D(0)),
        expenditure=spend or [{"line": "Business unit", "planned": D("100"), "actual": D("90")}],
    )


# ------------------------------------------------------------------ largest remainder


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (["1", "1", "1"], ["33.4", "33.3", "33.3"]),  # tie: the first listed gets the spare tenth
        (["150000", "100000", "50000"], ["50.0", "33.3", "16.7"]),
        (["1", "2", "3", "4", "5", "6"], ["4.8", "9.5", "14.3", "19.0", "23.8", "28.6"]),
        (["100", "0"], ["100.0", "0.0"]),
        (["0.01", "999999.99"], ["0.0", "100.0"]),
        (["7"], ["100.0"]),
    ],
)
def test_largest_remainder(amounts: list[str], expected: list[str]) -> None:
    got = r.largest_remainder_percentages([D(a) for a in amounts])
    assert [str(g) for g in got] == expected
    assert sum(got, D(0)) == D("100.0")


def test_largest_remainder_sums_to_100_where_half_up_rounding_would_not() -> None:
    amounts = [D("1"), D("1"), D("1")]
    naive = sum(D(1 * 100 / 3).quantize(D("0.1")) for _ in amounts)
    assert naive == D("99.9")  # what rounding each share alone would show
    assert sum(r.largest_remainder_percentages(amounts), D(0)) == D("100.0")


@pytest.mark.parametrize("n", [2, 3, 6, 7, 11, 13])
def test_largest_remainder_each_share_within_a_tenth(n: int) -> None:
    amounts = [D(1000 + 137 * i * i) for i in range(n)]
    whole = sum(amounts, D(0))
    got = r.largest_remainder_percentages(amounts)
    assert sum(got, D(0)) == D("100.0")
    for a, g in zip(amounts, got, strict=True):
        exact = Fraction(a) * 100 / Fraction(whole)
        assert abs(Fraction(g) - exact) < Fraction(1, 10)


def test_largest_remainder_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="zero"):
        r.largest_remainder_percentages([D(0), D(0)])
    with pytest.raises(ValueError, match="negative"):
        r.largest_remainder_percentages([D(-1), D(2)])
    assert r.largest_remainder_percentages([]) == []


# ------------------------------------------------------------------ contributions


def test_contributions_total_and_shares() -> None:
    fy = year("2025-26", {"council": "150000.00", "icb": "100000.00", "police": "50000.00"})
    c = r.contributions(CONTENT, fy)
    assert c.total == D("300000.00") == sum(row.amount for row in c.rows)
    assert [row.percent_text for row in c.rows] == ["50.0%", "33.3%", "16.7%"]
    assert c.percent_total == D("100.0")
    assert [row.name for row in c.rows] == ["Northmere Council", "Northmere ICB", "Northmere Police"]
    assert c.largest.partner_id == "council"
    assert c.previous_total is None and c.change is None


def test_contributions_pence_are_exact() -> None:
    fy = year("2025-26", {"council": "0.10", "icb": "0.20"}, total="0.30")
    c = r.contributions(CONTENT, fy)
    assert c.total == D("0.30")  # 0.1 + 0.2 == 0.3 in Decimal, not in float


def test_total_not_equal_to_parts_is_an_error() -> None:
    fy = year("2025-26", {"council": "150000", "icb": "100000"}, total="260000")
    with pytest.raises(r.TotalMismatch) as e:
        r.contributions(CONTENT, fy, loc=("funding", "years", 0))
    assert isinstance(e.value, MasaError)
    assert (
        e.value.message == "the contributions for 2025-26 add up to £250,000.00 but the total is £260,000.00"
    )
    assert e.value.hint and "correct the total" in e.value.hint
    assert e.value.loc == ("funding", "years", 0, "total")


def test_check_total() -> None:
    assert r.check_total([D("1.10"), D("2.20")], D("3.30"), "lines") == D("3.30")
    with pytest.raises(r.TotalMismatch, match=re.escape("lines add up to £3.30 but the total is £3.31")):
        r.check_total([D("1.10"), D("2.20")], D("3.31"), "lines")


def test_contributions_year_on_year() -> None:
    before = year("2024-25", {"council": "140000", "icb": "100000", "police": "50000"})
    now = year("2025-26", {"council": "150000", "icb": "100000", "police": "45000", "school": "5000"})
    c = r.contributions(CONTENT, now, before)
    by = {row.partner_id: row for row in c.rows}
    assert by["council"].change == D("10000")
    assert by["icb"].change == D("0")
    assert by["police"].change == D("-5000")
    assert by["school"].previous is None and by["school"].change is None
    assert c.previous_total == D("290000")
    assert c.change == D("10000")
    assert c.change_percent == D("3.4")  # 10000 / 290000 = 3.448..% -> 3.4%


# ------------------------------------------------------------------ expenditure


def test_expenditure_variance_and_balance() -> None:
    spend = [
        {"line": "Staffing", "planned": D("180000"), "actual": D("176500")},
        {"line": "Scrutiny", "planned": D("30000"), "actual": D("31200")},
        {"line": "Training", "planned": D("40000"), "actual": D("40000")},
    ]
    fy = year("2025-26", {"council": "250000"}, spend=spend)
    e = r.expenditure(fy, D("250000"))
    assert e.planned_total == D("250000")
    assert e.actual_total == D("247700") == sum(row.actual or 0 for row in e.rows)
    assert [row.variance for row in e.rows] == [D("-3500"), D("1200"), D("0")]
    assert [row.variance_words for row in e.rows] == [
        "£3,500 under budget",
        "£1,200 over budget",
        "on budget",
    ]
    assert e.rows[1].variance_percent == D("4.0")
    assert e.variance_words == "£2,300 under budget"
    assert e.balance == D("2300")
    assert e.balance_words == "a surplus of £2,300"
    assert e.largest.line == "Staffing"


def test_expenditure_without_actuals() -> None:
    spend = [
        {"line": "Staffing", "planned": D("180000"), "actual": None},
        {"line": "Scrutiny", "planned": D("30000"), "actual": D("31200")},
    ]
    e = r.expenditure(year("2025-26", {"council": "210000"}, spend=spend), D("210000"))
    assert e.actual_total is None
    assert e.variance is None and e.balance is None
    assert e.variance_words == "not yet known"
    assert e.rows[0].variance_words == "not yet known"


# ------------------------------------------------------------------ metrics


def metric(better: str = "lower", unit: str = "percent", frequency: str = "quarterly") -> Metric:
    return Metric(
        id="re-referrals",
        name="Re-referrals",
        definition="Referrals within 12 months of a previous one.",
        source="Children's social care",
        owner="council",
        unit=unit,  # type: ignore[arg-type]
        better=better,  # type: ignore[arg-type]
        frequency=frequency,  # type: ignore[arg-type]
    )


def result(
    values: list[str], target: str | None = None, comparators: dict[str, str] | None = None
) -> MetricResult:
    labels = [f"Q{i + 1}" for i in range(len(values))]
    return MetricResult(
        metric="re-referrals",
        values=[{"label": lab, "value": D(v)} for lab, v in zip(labels, values, strict=True)],
        target=D(target) if target is not None else None,
        comparators=[{"name": n, "value": D(v)} for n, v in (comparators or {}).items()],
    )


def test_relation_is_direction_aware() -> None:
    assert r.relation(D(19), D(20), "lower") == "better"
    assert r.relation(D(21), D(20), "lower") == "worse"
    assert r.relation(D(21), D(20), "higher") == "better"
    assert r.relation(D(19), D(20), "higher") == "worse"
    assert r.relation(D(21), D(20), "neither") == "higher"
    assert r.relation(D(19), D(20), "neither") == "lower"
    assert r.relation(D(20), D("20.0"), "lower") == "same"


def test_description_falls_below_target_when_lower_is_better() -> None:
    s = r.MetricSummary(metric(), result(["23.1", "22.0", "20.5", "19.4"], "20"), None, None)
    assert (
        s.description == "Re-referrals fell from 23.1% in Q1 to 19.4% in Q4, better than the target of 20.0%."
    )
    assert s.trend == "better"
    assert s.vs_target is not None and s.vs_target.words == "better than the target (20.0%)"


def test_description_when_higher_is_better_and_short_of_target() -> None:
    s = r.MetricSummary(metric("higher"), result(["81", "84", "86"], "90", {"England": "88"}), None, None)
    assert s.description == "Re-referrals rose from 81% in Q1 to 86% in Q3, worse than the target of 90%."
    assert [c.words for c in s.vs_comparators] == ["worse than England (88%)"]


def test_description_without_a_direction_or_target_uses_a_comparator() -> None:
    s = r.MetricSummary(
        metric("neither", "rate_per_10000"),
        result(["412.3", "398.0"], None, {"England": "405.1"}),
        None,
        None,
    )
    assert s.description == (
        "Re-referrals fell from 412.3 per 10,000 children in Q1 to 398.0 per 10,000 children in Q2, "
        "lower than England (405.1 per 10,000 children)."
    )
    assert s.trend == "lower"


def test_description_single_value_and_flat_series() -> None:
    one = r.MetricSummary(metric(unit="days"), result(["14"], "14"), None, None)
    assert one.description == "Re-referrals stood at 14 days in Q1, meeting the target of 14 days."
    flat = r.MetricSummary(metric(unit="count"), result(["1200", "1200"]), None, None)
    assert flat.description == "Re-referrals stayed at 1,200 from Q1 to Q2."


def test_values_share_decimal_places() -> None:
    s = r.MetricSummary(metric(), result(["23.1", "22", "20.55"], "20"), None, None)
    assert s.places == 2
    assert [s.fmt(v.value) for v in s.result.values] == ["23.10%", "22.00%", "20.55%"]


def test_year_on_year_for_a_metric() -> None:
    now = result(["23.1", "22.0", "20.5", "19.4"], "20")
    before = result(["24.0", "24.5", "23.0", "22.8"], "21")
    s = r.MetricSummary(metric(), now, before, "2024-25")
    assert s.previous_aligned
    yoy = s.year_on_year
    assert yoy is not None
    assert yoy.relation == "better"
    assert yoy.difference == D("-3.4")
    assert s.year_on_year_words == "3.4 percentage points better than 2024-25 (22.8% in Q4)."
    worse = r.MetricSummary(metric("higher"), now, before, "2024-25")
    assert worse.year_on_year_words == "3.4 percentage points worse than 2024-25 (22.8% in Q4)."
    same = r.MetricSummary(metric(), result(["19.4"]), result(["19.4"]), "2024-25")
    assert same.year_on_year_words == "The same as 2024-25 (19.4% in Q1)."


def test_year_on_year_without_previous() -> None:
    s = r.MetricSummary(metric(), result(["23.1", "19.4"]), None, None)
    assert s.year_on_year is None
    assert not s.previous_aligned
    assert s.year_on_year_words == "No figure for the previous period to compare with."


def test_previous_not_aligned_when_points_differ() -> None:
    s = r.MetricSummary(metric(), result(["23.1", "19.4"]), result(["24", "23", "22"]), "2024-25")
    assert not s.previous_aligned
    assert s.year_on_year is not None  # still compared on the latest figure


# ------------------------------------------------------------------ changes and formatting


def test_change_words() -> None:
    assert r.Change("Income", D("310000"), D("300000"), money=True).words == "up £10,000 (+3.3%)"
    assert r.Change("Attendees", D("950"), D("1000")).words == "down 50 (−5.0%)"
    assert r.Change("Courses", D("12"), D("12")).words == "no change"
    assert r.Change("Courses", D("12"), None).words == "no earlier figure"
    assert r.Change("Courses", D("3"), D("0")).words == "up 3"


def test_percent_change_rounds_half_up() -> None:
    assert r.percent_change(D("1.0005"), D("1")) == D("0.1")  # 0.05% -> 0.1
    assert r.percent_change(D("1"), D("0")) is None


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (D("19.4"), "percent", "19.4%"),
        (D("412.3"), "rate_per_10000", "412.3 per 10,000 children"),
        (D("1"), "days", "1 day"),
        (D("14"), "days", "14 days"),
        (D("12345"), "count", "12,345"),
        (None, "count", "—"),
    ],
)
def test_format_value(value: D | None, unit: str, text: str) -> None:
    assert r.format_value(value, unit) == text


def test_format_difference() -> None:
    assert r.format_difference(D("-3.4"), "percent") == "3.4 percentage points"
    assert r.format_difference(D("1"), "percent") == "1 percentage point"
    assert r.format_difference(D("2"), "days") == "2 days"


# ------------------------------------------------------------------ exact values, hand-computed

UNKNOWN = NotKnown(unknown="not published")


def test_variance_words_both_ways_and_below_a_pound() -> None:
    assert r.variance_words(D("0.50")) == "£0.50 over budget"  # an overspend under £1 is still one
    assert r.variance_words(D("1")) == "£1 over budget"
    assert r.variance_words(D("-0.50")) == "£0.50 under budget"
    assert r.variance_words(D("-1200")) == "£1,200 under budget"
    assert r.variance_words(D("0")) == "on budget"
    assert r.variance_words(None) == "not yet known"


def test_all_zero_contributions_have_zero_shares() -> None:
    fy = year("2025-26", {"council": "0", "icb": "0"}, total="0")
    c = r.contributions(CONTENT, fy)
    assert c.total == D("0")
    assert [row.percent for row in c.rows] == [D("0.0"), D("0.0")]
    assert [row.percent_text for row in c.rows] == ["0.0%", "0.0%"]
    assert c.percent_total == D("0.0") and c.percent_total_text == "0.0%"
    assert c.complete


def test_percent_total_adds_the_shown_shares() -> None:
    c = r.contributions(CONTENT, year("2025-26", {"council": "1", "icb": "1", "police": "1"}))
    assert [row.percent for row in c.rows] == [D("33.4"), D("33.3"), D("33.3")]
    assert c.percent_total == D("100.0") and c.percent_total_text == "100.0%"


def _with_unknown(total: Any) -> FundingYear:
    return FundingYear(
        year="2025-26",
        start=dt.date(2025, 4, 1),
        end=dt.date(2026, 3, 31),
        pooled_fund=False,
        contributions=[
            {"partner": "council", "amount": D("100")},
            {"partner": "icb", "amount": {"unknown": "not published"}},
            {"partner": "police", "amount": D("300")},
        ],
        total=total,
        expenditure=[{"line": "Business unit", "planned": D("100")}],
    )


def test_contributions_with_an_unknown_amount_show_no_shares() -> None:
    c = r.contributions(CONTENT, _with_unknown(D("500")))
    assert c.total == D("500")  # the stated total, not the sum of the known parts
    assert [row.percent for row in c.rows] == [None, None, None]
    assert [row.percent_text for row in c.rows] == ["Not known", "Not known", "Not known"]
    assert c.percent_total is None and c.percent_total_text == "Not known"
    assert not c.complete
    assert [row.partner_id for row in c.unknown_rows] == ["icb"]
    assert c.largest is not None and c.largest.partner_id == "police"
    assert c.pooled_fund is False and c.year == "2025-26"
    unknown_total = r.contributions(CONTENT, _with_unknown({"unknown": "not published"}))
    assert isinstance(unknown_total.total, NotKnown)
    assert not unknown_total.complete
    assert unknown_total.change is None and unknown_total.change_percent is None


def test_an_unknown_total_with_every_part_known_is_their_sum() -> None:
    fy = year("2025-26", {"council": "100", "icb": "300"})
    fy = fy.model_copy(update={"total": UNKNOWN})
    c = r.contributions(CONTENT, fy)
    assert c.total == D("400")
    assert [row.percent_text for row in c.rows] == ["25.0%", "75.0%"]
    assert c.complete


def test_contributions_against_a_previous_year_with_an_unknown() -> None:
    now = year("2025-26", {"council": "150", "icb": "150"})
    prev_unknown_part = _with_unknown(D("500")).model_copy(update={"year": "2024-25"})
    c = r.contributions(CONTENT, now, prev_unknown_part)
    assert c.previous_year == "2024-25"
    assert c.previous_total == D("500")  # the stated total, as given
    by = {row.partner_id: row for row in c.rows}
    assert by["council"].previous == D("100") and by["council"].change == D("50")
    assert isinstance(by["icb"].previous, NotKnown) and by["icb"].change is None
    assert c.change == D("-200") and c.change_percent == D("-40.0")
    prev_sum = year("2024-25", {"council": "100", "icb": "100"}).model_copy(update={"total": UNKNOWN})
    assert r.contributions(CONTENT, now, prev_sum).previous_total == D("200")
    prev_all_unknown = _with_unknown(UNKNOWN).model_copy(update={"year": "2024-25"})
    d = r.contributions(CONTENT, now, prev_all_unknown)
    assert isinstance(d.previous_total, NotKnown)
    assert d.change is None and d.change_percent is None


def test_a_previous_year_whose_total_is_wrong_is_located() -> None:
    now = year("2025-26", {"council": "150"})
    wrong = year("2024-25", {"council": "100", "icb": "100"}, total="250")
    with pytest.raises(r.TotalMismatch) as e:
        r.contributions(CONTENT, now, wrong, ("funding", "years", 1), ("funding", "years", 0))
    assert e.value.loc == ("funding", "years", 0, "total")
    assert e.value.message == "the contributions for 2024-25 add up to £200.00 but the total is £250.00"
    assert (e.value.parts, e.value.total) == (D("200"), D("250"))
    with pytest.raises(r.TotalMismatch) as e2:
        r.contributions(CONTENT, now, wrong)
    assert e2.value.loc == ()


def test_funders_are_not_partners() -> None:
    content: Any = SimpleNamespace(party_name=NAMES.__getitem__, funders_by_id={"school": object()})
    c = r.contributions(content, year("2025-26", {"council": "900", "school": "100"}))
    assert [(row.partner_id, row.partner) for row in c.rows] == [("council", True), ("school", False)]
    assert [row.partner_id for row in c.funders] == ["school"]


def test_largest_contribution_first_of_equals() -> None:
    c = r.contributions(CONTENT, year("2025-26", {"council": "10", "icb": "30", "police": "30"}))
    assert c.largest is not None and c.largest.partner_id == "icb"


def test_in_kind_support_is_kept() -> None:
    fy = year("2025-26", {"council": "10"})
    fy = fy.model_copy(
        update={
            "contributions": [fy.contributions[0].model_copy(update={"in_kind": ["Rooms", "Legal advice"]})]
        }
    )
    assert r.contributions(CONTENT, fy).rows[0].in_kind == ("Rooms", "Legal advice")


def test_largest_spending_line_uses_actual_spending() -> None:
    spend = [
        {"line": "Staffing", "planned": D("100"), "actual": D("50")},
        {"line": "Reviews", "planned": D("80"), "actual": D("90")},
        {"line": "Training", "planned": D("85"), "actual": None},
    ]
    e = r.expenditure(year("2025-26", {"council": "265"}, spend=spend), D("265"))
    assert e.largest is not None and e.largest.line == "Reviews"  # 90 spent, more than 85 planned or 50
    assert e.has_actuals and e.planned_known
    only_planned = r.expenditure(
        year("2025-26", {"council": "180"}, spend=[spend[2], {"line": "Staffing", "planned": D("95")}]),
        D("180"),
    )
    assert only_planned.largest is not None and only_planned.largest.line == "Staffing"
    assert not only_planned.has_actuals


def test_expenditure_deficit_break_even_and_unknown_income() -> None:
    spend = [{"line": "Staffing", "planned": D("100"), "actual": D("120")}]
    fy = year("2025-26", {"council": "100"}, spend=spend)
    e = r.expenditure(fy, D("100"))
    assert (e.variance, e.variance_words) == (D("20"), "£20 over budget")
    assert (e.balance, e.balance_words) == (D("-20"), "a deficit of £20")
    assert e.rows[0].variance_percent == D("20.0")
    even = r.expenditure(fy, D("120"))
    assert (even.balance, even.balance_words) == (D("0"), "spending equalled income")
    unknown = r.expenditure(fy, UNKNOWN)
    assert (unknown.balance, unknown.balance_words) == (None, "not yet known")
    assert unknown.variance == D("20")


def test_expenditure_row_variance_percent() -> None:
    assert r.ExpenditureRow("a", D("200"), D("150")).variance_percent == D("-25.0")
    assert r.ExpenditureRow("a", D("200"), None).variance_percent is None
    assert r.ExpenditureRow("a", UNKNOWN, D("150")).variance is None
    assert r.ExpenditureRow("a", UNKNOWN, D("150")).variance_percent is None


def test_expenditure_keeps_the_previous_year() -> None:
    before = year(
        "2024-25", {"council": "90"}, spend=[{"line": "Staffing", "planned": D("90"), "actual": D("85")}]
    )
    now = year(
        "2025-26", {"council": "100"}, spend=[{"line": "Staffing", "planned": D("100"), "actual": None}]
    )
    e = r.expenditure(now, D("100"), before)
    assert (e.year, e.previous_year, e.previous_planned_total, e.previous_actual_total) == (
        "2025-26",
        "2024-25",
        D("90"),
        D("85"),
    )
    assert (e.planned_total, e.actual_total, e.income) == (D("100"), None, D("100"))
    alone = r.expenditure(now, D("100"))
    assert (alone.previous_year, alone.previous_planned_total, alone.previous_actual_total) == (
        None,
        None,
        None,
    )


def test_funding_changes() -> None:
    before = year(
        "2024-25", {"council": "200"}, spend=[{"line": "S", "planned": D("200"), "actual": D("190")}]
    )
    now = year("2025-26", {"council": "210"}, spend=[{"line": "S", "planned": D("210"), "actual": D("200")}])
    c = r.contributions(CONTENT, now, before)
    e = r.expenditure(now, c.total, before)
    got = [(ch.label, ch.words, ch.money) for ch in r.funding_changes(c, e)]
    assert got == [
        ("Income from contributions", "up £10 (+5.0%)", True),
        ("Planned spending", "up £10 (+5.0%)", True),
        ("Actual spending", "up £10 (+5.3%)", True),  # 10 / 190 = 5.26%
    ]
    open_year = year(
        "2025-26", {"council": "210"}, spend=[{"line": "S", "planned": D("210"), "actual": None}]
    )
    e2 = r.expenditure(open_year, c.total, before)
    assert [ch.label for ch in r.funding_changes(c, e2)] == ["Income from contributions", "Planned spending"]


def test_places_count_the_previous_year_too() -> None:
    now = result(["20", "19"])
    assert r.MetricSummary(metric(), now, None, None).places == 0
    assert r.MetricSummary(metric(), now, result(["21.25"]), "2024-25").places == 2
    assert r.MetricSummary(metric(), now, result(["21"], target="20.5"), "2024-25").places == 1
    assert (
        r.MetricSummary(metric(), now, result(["21"], comparators={"England": "20.5"}), "2024-25").places == 1
    )
    assert r.MetricSummary(metric(), result(["20"], comparators={"England": "19.45"}), None, None).places == 2
    assert r.MetricSummary(metric(), result(["20"], target="19.5"), None, None).places == 1


def test_decimal_places_at_most_two() -> None:
    assert r.decimal_places([D("1.234"), None]) == 2
    assert r.decimal_places([D("1E+2"), D("3")]) == 0
    assert r.decimal_places([None]) == 0
    assert r.decimal_places([D("0.5")]) == 1


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (D("-12.0"), "rate_per_10000", "12 per 10,000"),  # no places given: trailing zeros go
        (D("45"), "count", "45"),
        (D("-1"), "days", "1 day"),
        (D("-1"), "percent", "1 percentage point"),
        (D("0.5"), "percent", "0.5 percentage points"),
    ],
)
def test_format_difference_units(value: D, unit: str, text: str) -> None:
    assert r.format_difference(value, unit) == text


def test_format_with_places() -> None:
    assert r.format_value(D("19"), "percent", 1) == "19.0%"
    assert r.format_difference(D("2"), "percent", 1) == "2.0 percentage points"


def test_comparison() -> None:
    c = r.Comparison("England", D("21.5"), D("19.4"), "percent", "better", 1)
    assert c.difference == D("-2.1")
    assert (c.value_text, c.difference_text, c.words) == (
        "21.5%",
        "2.1 percentage points",
        "better than England (21.5%)",
    )
    assert (
        r.Comparison("the target", D("20"), D("20"), "count", "same").words == "the same as the target (20)"
    )


def test_year_on_year_names_the_previous_point() -> None:
    now = result(["23.1", "19.4"])
    s = r.MetricSummary(metric(), now, result(["24.0", "22.8"]), "2024-25")
    yoy = s.year_on_year
    assert yoy is not None
    assert (yoy.name, yoy.value, yoy.ours, yoy.relation, yoy.places) == (
        "2024-25 (Q2)",
        D("22.8"),
        D("19.4"),
        "better",
        1,
    )
    assert s.previous_latest is not None and s.previous_latest.value == D("22.8")
    annual = MetricResult(metric="re-referrals", values=[{"label": "2024-25", "value": D("22.8")}])
    s2 = r.MetricSummary(metric(), now, annual, "2024-25")
    assert s2.year_on_year is not None and s2.year_on_year.name == "2024-25"
    assert s2.year_on_year_words == "3.4 percentage points better than 2024-25 (22.8% in 2024-25)."
    assert not s2.previous_aligned


def test_year_on_year_without_a_direction() -> None:
    s = r.MetricSummary(metric("neither", "count"), result(["300", "340"]), result(["371"]), "2024-25")
    assert s.year_on_year_words == "31 lower than 2024-25 (371 in Q1)."
    assert s.description == "Re-referrals rose from 300 in Q1 to 340 in Q2, lower than 2024-25 (371 in Q1)."
    up = r.MetricSummary(metric("neither", "count"), result(["400"]), result(["371"]), "2024-25")
    assert up.year_on_year_words == "29 higher than 2024-25 (371 in Q1)."
    assert up.description == "Re-referrals stood at 400 in Q1, higher than 2024-25 (371 in Q1)."


def test_no_year_on_year_without_the_previous_period_name() -> None:
    s = r.MetricSummary(metric(), result(["19"]), result(["20"]), None)
    assert s.year_on_year is None


def _defined(values: list[str], definition: str | None, change: str | None = None) -> MetricResult:
    res = result(values)
    return res.model_copy(update={"definition": definition, "definition_change": change})


def test_figures_on_another_definition_are_not_compared() -> None:
    now = _defined(["19"], "Referrals within 6 months of a previous one.", "The window was shortened.")
    s = r.MetricSummary(metric(), now, result(["20"]), "2024-25")
    assert not s.comparable
    assert s.definition == "Referrals within 6 months of a previous one."
    assert s.previous_definition == "Referrals within 12 months of a previous one."
    assert s.year_on_year is None and not s.previous_aligned
    assert s.not_comparable_words == (
        "Not comparable with 2024-25: the definition of this measure changed between the two reports: "
        "The window was shortened."
    )
    assert s.year_on_year_words == s.not_comparable_words
    assert s.description == "Re-referrals stood at 19% in Q1."
    bare = r.MetricSummary(metric(), _defined(["19"], "Another."), result(["20"]), "2024-25")
    assert bare.not_comparable_words == (
        "Not comparable with 2024-25: the definition of this measure changed between the two reports."
    )


def test_same_definition_apart_from_spacing_is_comparable() -> None:
    now = _defined(["19"], "Referrals within 12 months\n  of a previous one.")
    s = r.MetricSummary(metric(), now, result(["20"]), "2024-25")
    assert s.comparable and s.not_comparable_words is None
    assert r.MetricSummary(metric(), result(["19"]), None, None).previous_definition is None
    assert r.MetricSummary(metric(), result(["19"]), None, None).not_comparable_words is None


def test_metric_summary_basics() -> None:
    s = r.MetricSummary(metric(unit="percent"), result(["23.1", "19.4"], "20", {"England": "21"}), None, None)
    assert (s.id, s.unit, s.first.value, s.latest.value, s.latest_text) == (
        "re-referrals",
        "percent",
        D("23.1"),
        D("19.4"),
        "19.4%",
    )
    assert s.vs_target is not None
    assert (s.vs_target.name, s.vs_target.value, s.vs_target.ours, s.vs_target.unit, s.vs_target.places) == (
        "the target",
        D("20"),
        D("19.4"),
        "percent",
        1,
    )
    (c,) = s.vs_comparators
    assert (c.name, c.value, c.ours, c.relation, c.places) == ("England", D("21"), D("19.4"), "better", 1)
    assert r.MetricSummary(metric(), result(["19"]), None, None).vs_target is None
    assert r.MetricSummary(metric(), result(["19"]), None, None).trend is None


def test_description_meets_or_misses_the_target() -> None:
    same = r.MetricSummary(metric(), result(["21", "20"], "20"), None, None)
    assert same.description == "Re-referrals fell from 21% in Q1 to 20% in Q2, meeting the target of 20%."
    worse = r.MetricSummary(metric(), result(["19", "21"], "20", {"England": "18"}), None, None)
    assert worse.description == "Re-referrals rose from 19% in Q1 to 21% in Q2, worse than the target of 20%."


def test_metric_summaries_pair_each_metric_with_last_year() -> None:
    other = metric().model_copy(update={"id": "visits", "name": "Visits"})
    content: Any = SimpleNamespace(data=SimpleNamespace(metrics=[metric(), other]))
    visits = MetricResult(metric="visits", values=[{"label": "Q1", "value": D("5")}])
    report: Any = SimpleNamespace(metrics=[result(["19"]), visits])
    previous: Any = SimpleNamespace(metrics=[result(["20"])], period="2024-25")
    got = r.metric_summaries(content, report, previous)
    assert [(s.id, s.metric.name, s.previous_period) for s in got] == [
        ("re-referrals", "Re-referrals", "2024-25"),
        ("visits", "Visits", "2024-25"),
    ]
    assert got[0].previous is not None and got[0].previous.values[0].value == D("20")
    assert got[1].previous is None
    alone = r.metric_summaries(content, report, None)
    assert [(s.previous, s.previous_period) for s in alone] == [(None, None), (None, None)]


def test_status_counts_keep_zeros_and_last_year() -> None:
    def rep(*statuses: str) -> Any:
        return SimpleNamespace(priorities=[SimpleNamespace(status=s) for s in statuses])

    got = r.status_counts(rep("on_track", "on_track", "complete"), rep("at_risk", "on_track"))
    assert [(s.status, s.label, s.count, s.previous) for s in got] == [
        ("on_track", "On track", 2, 1),
        ("at_risk", "At risk", 0, 1),
        ("off_track", "Off track", 0, 0),
        ("complete", "Complete", 1, 0),
    ]
    assert [s.previous for s in r.status_counts(rep("complete"))] == [None, None, None, None]


def test_change_texts_and_unknowns() -> None:
    ch = r.Change("Income", D("1250.50"), D("1000"), money=True)
    assert (ch.current_text, ch.previous_text, ch.difference, ch.percent) == (
        "£1,250.50",
        "£1,000",
        D("250.50"),
        D("25.1"),
    )
    assert ch.words == "up £250.50 (+25.1%)"
    assert r.Change("Attendees", D("1200"), None).previous_text == "—"
    assert r.Change("Attendees", D("1200"), None).current_text == "1,200"
    gap = r.Change("Attendees", UNKNOWN, D("1000"))
    assert (gap.difference, gap.percent, gap.words) == (None, None, "not comparable: a figure is not known")
    gap2 = r.Change("Attendees", D("1000"), UNKNOWN)
    assert (gap2.difference, gap2.percent, gap2.words) == (
        None,
        None,
        "not comparable: a figure is not known",
    )
    assert r.Change("Courses", D("0"), D("3")).words == "down 3 (−100.0%)"


def test_training_changes() -> None:
    def training(courses: Any, sessions: Any, attendees: Any) -> Any:
        return SimpleNamespace(
            training=SimpleNamespace(courses=courses, total_sessions=sessions, total_attendees=attendees)
        )

    now = training(["a", "b", "c"], 40, 900)
    before = training(["a", "b"], UNKNOWN, 1000)
    got = [(c.label, c.current, c.previous, c.words) for c in r.training_changes(now, before)]
    assert got == [
        ("Courses", D(3), D(2), "up 1 (+50.0%)"),
        ("Sessions delivered", D(40), UNKNOWN, "not comparable: a figure is not known"),
        ("Attendees", D(900), D(1000), "down 100 (−10.0%)"),
    ]
    first = r.training_changes(training(UNKNOWN, 40, 900), None)
    assert [(c.current, c.previous) for c in first] == [(UNKNOWN, None), (D(40), None), (D(900), None)]


@pytest.mark.parametrize(
    ("start", "end", "months", "words", "full"),
    [
        (dt.date(2025, 4, 1), dt.date(2026, 3, 31), 12, "12 months", True),
        (dt.date(2025, 7, 1), dt.date(2026, 3, 31), 9, "9 months", False),
        (dt.date(2025, 4, 1), dt.date(2025, 4, 30), 1, "1 month", False),
        (dt.date(2024, 4, 1), dt.date(2026, 3, 31), 24, "24 months", False),
        (dt.date(2025, 4, 1), dt.date(2025, 4, 15), None, "15 days", False),
        (dt.date(2025, 4, 1), dt.date(2025, 4, 1), None, "1 day", False),
        (dt.date(2025, 4, 15), dt.date(2026, 3, 31), None, "351 days", False),
    ],
)
def test_period_lengths(start: dt.date, end: dt.date, months: int | None, words: str, full: bool) -> None:
    assert r.period_months(start, end) == months
    assert r.period_length_words(start, end) == words
    assert r.is_full_year(start, end) is full


# ------------------------------------------------------------------ report_figures on the example


def _with(loaded: LoadedContent, **reports: Any) -> LoadedContent:
    c = loaded.content
    return replace(loaded, content=c.model_copy(update={"reports": {**c.reports, **reports}}))


def test_report_figures_of_the_example(example: LoadedContent) -> None:
    f = r.report_figures(example, "2025-26")
    assert (f.period, f.previous_period, f.has_previous) == ("2025-26", "2024-25", True)
    assert f.report is example.content.reports["2025-26"]
    assert f.previous_report is example.content.reports["2024-25"]
    assert (f.length_words, f.full_year, f.previous_length_words, f.lengths_differ) == (
        "12 months",
        True,
        "12 months",
        False,
    )
    # funding.yaml: 544,200 in 2025-26 against 520,000 in 2024-25
    assert (f.contributions.year, f.contributions.total, f.contributions.previous_total) == (
        "2025-26",
        D("544200.00"),
        D("520000.00"),
    )
    assert (f.expenditure.year, f.expenditure.income, f.expenditure.previous_year) == (
        "2025-26",
        D("544200.00"),
        "2024-25",
    )
    # priorities: 2025-26 has 1 on track, 2 at risk, 1 off track, 1 complete; 2024-25 2, 1, 0, 1
    assert [(s.status, s.count, s.previous) for s in f.statuses] == [
        ("on_track", 1, 2),
        ("at_risk", 2, 1),
        ("off_track", 1, 0),
        ("complete", 1, 1),
    ]
    assert [p.status for p in f.little_progress] == ["at_risk", "at_risk", "off_track"]
    assert not isinstance(f.reviews, NotKnown)
    assert [rv.id for rv in f.reviews] == ["rr-child-j", "lcspr-siblings-m"]
    assert f.unreported_metrics == ()
    assert f.metric("re-referrals").latest.value == D("19.4")
    assert f.metric("re-referrals").previous_period == "2024-25"
    # training: 6 courses both years, 66 sessions against 59, 2,232 attendees against 1,576
    assert [(ch.label, ch.words) for ch in f.training] == [
        ("Courses", "no change"),
        ("Sessions delivered", "up 7 (+11.9%)"),
        ("Attendees", "up 656 (+41.6%)"),
    ]
    # 544,200 against 520,000 for both; no actual spending for 2025-26 yet
    assert [(ch.label, ch.words) for ch in f.funding] == [
        ("Income from contributions", "up £24,200 (+4.7%)"),
        ("Planned spending", "up £24,200 (+4.7%)"),
    ]
    with pytest.raises(KeyError, match="no-such-metric"):
        f.metric("no-such-metric")


def test_the_first_report_has_no_previous(example: LoadedContent) -> None:
    f = r.report_figures(example, "2024-25")
    assert (f.previous_period, f.previous_report, f.has_previous) == (None, None, False)
    assert (f.previous_length_words, f.lengths_differ) == (None, False)
    assert f.contributions.previous_total is None and f.expenditure.previous_year is None
    assert [s.previous for s in f.statuses] == [None, None, None, None]
    assert all(m.previous is None for m in f.metrics)
    assert r.report_figures(example).period == "2025-26"  # the latest by default


def test_periods_of_different_lengths(example: LoadedContent) -> None:
    rep = example.content.reports["2024-25"]
    short = _with(example, **{"2024-25": rep.model_copy(update={"start": dt.date(2024, 7, 1)})})
    f = r.report_figures(short, "2025-26")
    assert (f.length_words, f.previous_length_words, f.lengths_differ) == ("12 months", "9 months", True)
    g = r.report_figures(short, "2024-25")
    assert (g.length_words, g.full_year) == ("9 months", False)


def test_reviews_not_known_and_metrics_not_reported(example: LoadedContent) -> None:
    rep = example.content.reports["2025-26"]
    changed = _with(
        example,
        **{
            "2025-26": rep.model_copy(
                update={"reviews": NotKnown(unknown="not collected"), "metrics": rep.metrics[1:]}
            )
        },
    )
    f = r.report_figures(changed, "2025-26")
    assert isinstance(f.reviews, NotKnown)
    assert [m.id for m in f.unreported_metrics] == ["early-help-assessments"]
    assert [m.id for m in f.metrics][:1] == ["re-referrals"]
    unknown_id = _with(
        example, **{"2025-26": rep.model_copy(update={"reviews": ["rr-child-j", "no-such-review"]})}
    )
    reviews = r.report_figures(unknown_id, "2025-26").reviews
    assert not isinstance(reviews, NotKnown) and [rv.id for rv in reviews] == ["rr-child-j"]


def test_resolve_period(example: LoadedContent) -> None:
    c = example.content
    assert r.resolve_period(c, None) == "2025-26"
    assert r.resolve_period(c, "2024-25") == "2024-25"
    with pytest.raises(MasaError) as e:
        r.resolve_period(c, "2025-27")
    assert (e.value.message, e.value.hint) == (
        "there is no yearly report for period '2025-27'",
        "did you mean '2025-26'?",
    )
    with pytest.raises(MasaError) as e:
        r.resolve_period(c, "1999-00")
    assert e.value.hint == "periods in the content: 2024-25, 2025-26 (add reports/<period>.yaml)"
    empty = c.model_copy(update={"reports": {}})
    with pytest.raises(MasaError) as e:
        r.resolve_period(empty, None)
    assert (e.value.message, e.value.hint) == (
        "the content has no yearly report",
        "periods in the content: none (add reports/<period>.yaml)",
    )


def test_a_wrong_total_is_located_in_funding_yaml(example: LoadedContent, example_root: Path) -> None:
    c = example.content
    years = [*c.funding.years]
    years[1] = years[1].model_copy(update={"total": D("544200.01")})
    bad = replace(
        example, content=c.model_copy(update={"funding": c.funding.model_copy(update={"years": years})})
    )
    with pytest.raises(ContentError) as e:
        r.report_figures(bad, "2025-26")
    (diag,) = e.value.diagnostics
    text = (example_root / "funding.yaml").read_text(encoding="utf-8")
    line, column = position_of(text, "total: 544200.00", offset=len("total: "))
    assert (Path(diag.file).name, diag.line, diag.column) == ("funding.yaml", line, column)
    assert diag.message == (
        "the contributions for 2025-26 add up to £544,200.00 but the total is £544,200.01"
    )
    assert diag.hint == "correct the total or one of the amounts so that they agree"
    years[1] = c.funding.years[1]
    years[0] = years[0].model_copy(update={"total": D("1")})
    worse = replace(
        example, content=c.model_copy(update={"funding": c.funding.model_copy(update={"years": years})})
    )
    with pytest.raises(ContentError) as e:
        r.report_figures(worse, "2025-26")
    (diag,) = e.value.diagnostics
    line, column = position_of(text, "total: 520000.00", offset=len("total: "))
    assert (diag.line, diag.column) == (line, column)


def test_a_report_without_its_funding_year(example: LoadedContent) -> None:
    rep = example.content.reports["2025-26"]
    with pytest.raises(MasaError) as e:
        r.report_figures(
            _with(example, **{"2025-26": rep.model_copy(update={"funding_year": "2026-27"})}), "2025-26"
        )
    assert (e.value.message, e.value.hint) == (
        "funding.yaml has no year '2026-27'",
        "add it or correct funding_year",
    )


def test_largest_remainder_to_two_places() -> None:
    got = r.largest_remainder_percentages([D(1), D(1), D(1)], places=2)
    assert [str(g) for g in got] == ["33.34", "33.33", "33.33"]
    assert [str(g) for g in r.largest_remainder_percentages([D(1), D(2)], places=0)] == ["33", "67"]


def test_largest_remainder_messages() -> None:
    with pytest.raises(ValueError, match=r"^the amounts add up to zero$"):
        r.largest_remainder_percentages([D(0)])
    with pytest.raises(ValueError, match=r"^amounts must not be negative$"):
        r.largest_remainder_percentages([D(-1)])


def test_check_total_of_nothing_is_an_exact_zero() -> None:
    total = r.check_total([], D("0.00"), "lines")
    assert total == 0 and isinstance(total, D)


def test_decimal_places_skip_values_that_are_not_finite() -> None:
    assert r.decimal_places([D("Infinity"), D("1.5")]) == 1
    assert r.decimal_places([D("NaN")]) == 0
