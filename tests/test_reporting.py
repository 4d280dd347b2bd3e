"""masa_docs.reporting: exact totals and shares, direction-aware wording, year-on-year figures."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import pytest

from masa_docs import reporting as r
from masa_docs.errors import MasaError
from masa_docs.model.arrangements import Metric
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
