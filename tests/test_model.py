"""The content model: helpers on :class:`Content`, constraints of the building blocks, the
error helpers, and what the example partnership must show (it is the template people copy)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from masa_docs.errors import ContentError, Diagnostic, did_you_mean, format_path
from masa_docs.load import LoadedContent
from masa_docs.model import NARRATIVE_NAMES, OPTIONAL_TOPICS, TOPIC_FILES, Content, cross_check
from masa_docs.model.base import Person, period_bounds
from masa_docs.model.funding import Contribution, ExpenditureLine, FundingYear
from masa_docs.model.partners import KIND_LABELS, Delegation, Partner
from masa_docs.model.report import STATUS_LABELS, Course, TrainingDelivered
from masa_docs.model.schedule import schedule


@pytest.fixture(scope="module")
def c(example: LoadedContent) -> Content:
    return example.content


# ---------------------------------------------------------------------- Content helpers


def test_party_name_covers_partners_and_agencies(c: Content) -> None:
    assert c.party_name("northmere-council") == "Northmere Borough Council"
    assert c.party_name("nev-icb") == "NHS Northmere and Eastvale Integrated Care Board"
    assert c.party_name("cafcass") == "Cafcass"
    with pytest.raises(KeyError):
        c.party_name("nobody")


def test_lookups_by_id(c: Content) -> None:
    assert list(c.partners_by_id) == ["northmere-council", "eastvale-council", "nev-icb", "northmere-police"]
    assert c.agencies_by_id["northmere-college"].category == "further_education_institution_governing_body"
    assert c.areas_by_id["eastvale"].name == "Eastvale"


def test_partners_of_kind_and_for_area(c: Content) -> None:
    assert [p.id for p in c.partners_of_kind("local_authority")] == ["northmere-council", "eastvale-council"]
    assert [p.id for p in c.partners_of_kind("icb")] == ["nev-icb"]
    assert [p.id for p in c.partners_for_area("eastvale")] == [
        "eastvale-council",
        "nev-icb",
        "northmere-police",
    ]
    assert c.partners_of_kind("fire") == []


def test_current_delegation_skips_ended_ones(c: Content) -> None:
    northmere = c.partners_by_id["northmere-council"]
    ended, current = northmere.delegations
    assert not ended.current and current.current
    assert northmere.current_delegation is current
    assert current.delegate == northmere.dsp.name == "Priya Lakhani"
    for p in c.partners:
        assert p.current_delegation.delegate == p.dsp.name


def _delegation(**changes: Any) -> dict[str, Any]:
    base = {
        "delegate": "A Person",
        "scope": ["Everything"],
        "instrument": "Scheme of delegation",
        "decided_by": "Chief Executive",
        "decided_on": "2024-01-01",
        "effective_from": "2024-01-02",
        "review_by": "2025-01-01",
        "limits": "None",
    }
    return base | changes


def test_current_delegation_when_none_is_current_is_the_last(c: Content) -> None:
    data = c.partners[0].model_dump()
    data["delegations"] = [
        _delegation(ended_on="2024-06-01"),
        _delegation(delegate="B", ended_on="2025-01-01"),
    ]
    partner = Partner.model_validate(data)
    assert partner.current_delegation.delegate == "B"


def test_kind_labels(c: Content) -> None:
    assert set(KIND_LABELS) == {"local_authority", "icb", "police"}
    assert c.partners_by_id["northmere-police"].kind_label == "Chief officer of police"


def test_signatures_and_all_signed(c: Content) -> None:
    assert c.all_signed("arrangements")
    assert c.all_signed("threshold")
    assert not c.all_signed("agreement")  # the Chief Constable has not signed yet
    assert {s.partner for s in c.signatures_for("agreement")} == {
        "northmere-council",
        "eastvale-council",
        "nev-icb",
    }
    assert c.all_signed("yearly-report", "2024-25")
    assert not c.all_signed("yearly-report", "2025-26")
    assert c.signatures_for("yearly-report", "2025-26") == []
    assert c.signatures_for("yearly-report") == []  # no period: nothing


def test_funding_totals(c: Content) -> None:
    y24, y25 = c.funding.years
    assert y24.contributions_total == y24.total == Decimal("520000.00")
    assert y25.contributions_total == y25.total == Decimal("544200.00")
    assert y24.planned_total == Decimal("520000.00")
    assert y24.actual_total == Decimal("506921.89")
    assert y25.actual_total is None  # the year's accounts are not closed
    assert c.funding.year("2025-26") is y25
    assert c.funding.year("2019-20") is None
    assert c.funding.current is y25


def test_funding_year_totals_are_exact_for_pence() -> None:
    year = FundingYear(
        year="2025-26",
        start=dt.date(2025, 4, 1),
        end=dt.date(2026, 3, 31),
        pooled_fund=False,
        contributions=[Contribution(partner="a", amount=Decimal("0.10")) for _ in range(3)],
        total=Decimal("0.30"),
        expenditure=[ExpenditureLine(line="x", planned=Decimal("0.30"), actual=Decimal("0.10"))],
    )
    assert year.contributions_total == Decimal("0.30")
    assert year.actual_total == Decimal("0.10")


def test_report_helpers(c: Content) -> None:
    report = c.reports["2025-26"]
    assert report.training.total_attendees == 2232
    assert [p.status_label for p in report.priorities] == [
        "At risk",
        "On track",
        "Complete",
        "At risk",
        "Off track",
    ]
    assert TrainingDelivered(impact="x").total_attendees == 0
    assert set(STATUS_LABELS) == {"on_track", "at_risk", "off_track", "complete"}


def test_period_bounds() -> None:
    assert period_bounds("2025-26") == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


# ---------------------------------------------------------------------- building blocks


def test_models_forbid_unknown_keys_and_are_frozen() -> None:
    with pytest.raises(ValidationError) as info:
        Person.model_validate({"name": "A", "title": "B", "nmae": "C"})
    assert info.value.errors()[0]["type"] == "extra_forbidden"
    person = Person(name="  A  ", title="B")
    assert person.name == "A"  # surrounding spaces are trimmed
    with pytest.raises(ValidationError):
        person.name = "Z"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("model", "data", "error"),
    [
        (Contribution, {"partner": "a", "amount": "1.005"}, "decimal_max_places"),
        (Contribution, {"partner": "a", "amount": "-1"}, "greater_than_equal"),
        (Contribution, {"partner": "a", "amount": "1234567890123.00"}, "decimal_whole_digits"),
        (Contribution, {"partner": "Northmere", "amount": "1"}, "string_pattern_mismatch"),
        (Contribution, {"partner": "-lead-hyphen", "amount": "1"}, "string_pattern_mismatch"),
        (Person, {"name": "A", "title": "B", "email": "not-an-email"}, "string_pattern_mismatch"),
        (Person, {"name": "", "title": "B"}, "string_too_short"),
        (Course, {"title": "x", "sessions": -1, "attendees": 0}, "greater_than_equal"),
        (Delegation, _delegation(decided_on="2024-02-30"), "date_from_datetime_parsing"),
    ],
)
def test_constraints(model: Any, data: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert [e["type"] for e in info.value.errors()] == [error]


def test_money_accepts_pence_and_whole_pounds() -> None:
    assert Contribution(partner="a", amount=Decimal("12.30")).amount == Decimal("12.3")
    assert Contribution.model_validate({"partner": "a", "amount": 5}).amount == Decimal(5)


def test_report_period_names(c: Content) -> None:
    data = c.model_dump()
    data["reports"] = {"2025": data["reports"]["2025-26"]}
    with pytest.raises(ValidationError) as info:
        Content.model_validate(data)
    assert info.value.errors()[0]["loc"] == ("reports", "2025", "[key]")


def test_content_needs_at_least_three_partners(c: Content) -> None:
    data = c.model_dump()
    data["partners"] = data["partners"][:2]
    with pytest.raises(ValidationError) as info:
        Content.model_validate(data)
    assert info.value.errors()[0]["type"] == "too_short"


def test_topic_files_cover_every_content_field() -> None:
    fields = set(Content.model_fields) - {"reports", "narrative"}
    assert set(TOPIC_FILES) == fields
    assert set(TOPIC_FILES) >= OPTIONAL_TOPICS
    assert "introduction" in NARRATIVE_NAMES
    assert "information-sharing" in NARRATIVE_NAMES


# ---------------------------------------------------------------------- error helpers


def test_did_you_mean() -> None:
    assert did_you_mean("partner.yaml", ["partners.yaml", "voice.yaml"]) == "did you mean 'partners.yaml'?"
    assert did_you_mean("zzz", ["partners.yaml"]) is None


def test_format_path() -> None:
    assert format_path(("partners", 0, "lsp", "name")) == "partners[0].lsp.name"
    assert format_path((0, "id")) == "[0].id"
    assert format_path(()) == ""


def test_diagnostic_format_and_order() -> None:
    d = Diagnostic("content/partners.yaml", 3, 5, "[0].id", "bad id", "a hint")
    assert d.location() == "content/partners.yaml:3:5"
    assert d.format() == "content/partners.yaml:3:5: [0].id: bad id\n    hint: a hint"
    whole = Diagnostic("content/voice.yaml", None, None, "", "missing required file")
    assert whole.format() == "content/voice.yaml: missing required file"
    warn = Diagnostic("x.yaml", 1, 1, "a", "odd", severity="warning")
    assert warn.format() == "x.yaml:1:1: warning: a: odd"
    assert sorted([d, Diagnostic("content/partners.yaml", 2, 9, "", "x")])[0].line == 2
    err = ContentError([d, warn])
    assert err.summary() == "1 problem in the content"
    assert str(err) == d.format() + "\n" + warn.format()


# ---------------------------------------------------------------------- the example partnership


def test_example_has_no_cross_field_problems(c: Content) -> None:
    assert cross_check(c) == []


def test_example_partners_are_two_councils_one_icb_one_police(c: Content) -> None:
    kinds = [p.kind for p in c.partners]
    assert sorted(kinds) == ["icb", "local_authority", "local_authority", "police"]
    assert [a.id for a in c.partnership.areas] == ["northmere", "eastvale"]
    for area in c.partnership.areas:
        assert {p.kind for p in c.partners_for_area(area.id)} == {"local_authority", "icb", "police"}
    titles = {p.kind: p.lsp.title for p in c.partners}
    assert titles == {
        "local_authority": "Chief Executive",
        "icb": "Chief Executive",
        "police": "Chief Constable",
    }
    assert any(len(p.delegations) > 1 and not p.delegations[0].current for p in c.partners)


def test_example_dates_agree(c: Content) -> None:
    p = c.partnership
    assert p.effective_date == dt.date(2025, 4, 1) and p.published_on < p.effective_date
    for doc in ("arrangements", "threshold"):
        assert all(s.signed_on <= p.published_on for s in c.signatures_for(doc))
    assert all(s.signed_on >= c.agreement.dated for s in c.signatures_for("agreement"))
    for period, report in c.reports.items():
        assert (report.start, report.end) == period_bounds(period)
        assert c.funding.year(report.funding_year) is not None
        assert report.published_on > report.end
        for s in c.signatures_for("yearly-report", period):
            assert report.end < s.signed_on <= report.published_on
        for rid in report.reviews:
            review = next(r for r in c.reviews.reviews if r.id == rid)
            assert report.start <= review.notified_on <= report.end
    for year in c.funding.years:
        assert (year.start, year.end) == period_bounds(year.year)


def test_example_reports_have_quarterly_figures_for_the_whole_data_set(c: Content) -> None:
    metric_ids = [m.id for m in c.data.metrics]
    assert 6 <= len(metric_ids) <= 8
    for report in c.reports.values():
        assert [m.metric for m in report.metrics] == metric_ids
        assert sum(bool(r.comparators) for r in report.metrics) >= 4
        assert sum(r.target is not None for r in report.metrics) >= 4
        for result in report.metrics:
            assert [v.label for v in result.values] == ["Q1", "Q2", "Q3", "Q4"]
            unit = c.data.metrics[metric_ids.index(result.metric)].unit
            if result.comparators:
                assert [x.name for x in result.comparators] == ["England", "Statistical neighbours"]
            if unit == "percent":
                assert all(0 <= v.value <= 100 for v in result.values)


def test_example_weak_priorities_are_analysed(c: Content) -> None:
    """WT2018 asks for an analysis of priorities where progress was weak (not checked by the model)."""
    statuses = set()
    for report in c.reports.values():
        for priority in report.priorities:
            statuses.add(priority.status)
            if priority.status in ("at_risk", "off_track"):
                assert priority.analysis, priority.id
    assert statuses == set(STATUS_LABELS)


def test_example_figures_quoted_in_text_match_the_data(c: Content) -> None:
    latest, before = c.reports["2025-26"], c.reports["2024-25"]
    assert f"{before.training.total_attendees:,}" in before.summary
    assert f"{latest.training.total_attendees:,}" in latest.summary
    early_help = sum(v.value for v in latest.metrics[0].values)
    assert f"{early_help:,}" in latest.priorities[0].evidence


def test_example_threshold_has_four_levels_three_domains(c: Content) -> None:
    t = c.threshold
    assert [lv.number for lv in t.levels] == [1, 2, 3, 4]
    domains = [d.id for d in t.domains]
    assert len(domains) == 3
    for level in t.levels:
        assert list(level.indicators) == domains
        assert all(3 <= len(items) <= 6 for items in level.indicators.values())
    assert "s.17" in (t.levels[2].statutory_basis or "")
    assert all(s in (t.levels[3].statutory_basis or "") for s in ("s.47", "s.31", "s.20"))
    contacts = {x.id for x in t.contacts}
    assert {"northmere-front-door", "eastvale-mash", "emergency-duty-team", "police"} <= contacts


def test_example_agencies_use_verified_and_unverified_categories(c: Content) -> None:
    cats = schedule()
    used = [cats[a.category] for a in c.agencies.relevant_agencies]
    assert 6 <= len(used) <= 10
    assert any(x.verified and x.sector == "education" for x in used)
    assert {"nhs_foundation_trust", "youth_offending_team", "cafcass"} <= {x.key for x in used}


def test_example_governance_structure(c: Content) -> None:
    groups = {g.id: g for g in c.governance.groups}
    kinds = [g.kind for g in groups.values()]
    assert kinds.count("leadership") == 1 and kinds.count("executive") == 1
    assert 4 <= sum(k in ("subgroup", "forum") for k in kinds) <= 6
    assert any(g.kind == "forum" and "Education" in g.name for g in groups.values())
    for g in groups.values():  # every group reaches the leadership group
        seen = set()
        while g.reports_to:
            assert g.id not in seen
            seen.add(g.id)
            g = groups[g.reports_to]
        assert g.kind == "leadership"


def test_example_disputes_have_four_stages_in_working_days(c: Content) -> None:
    days = [s.timescale_working_days for s in c.disputes.stages]
    assert len(days) == 4 and days == sorted(days)
