"""The whole content (masa_docs.model.content): lookups, unknown facts and every cross-field check.

Each check is shown failing on one small change to the example, with the exact problem it
reports (path, message, hint), and dates on the same day where the rule allows them. The
changes are made on the validated model (``changed``) rather than in YAML, so the tests are
fast; loading and locating in files is tested in test_load.py and test_bad_inputs.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from masa_docs.example import example_dir
from masa_docs.load import load_content
from masa_docs.model import Content, cross_check
from masa_docs.model.base import NotKnown
from masa_docs.model.content import Problem, UnknownFact, article

D = dt.date


# The example, loaded once for this module (its cached lookups are its own) when the module is
# imported, so that ``make mutation`` loads it once rather than once per mutant.
EXAMPLE = load_content(example_dir()).content


@pytest.fixture(scope="module")
def c() -> Content:
    return EXAMPLE


def _set(obj: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(obj, list):
        items = list(obj)
        items[int(head)] = _set(items[int(head)], rest, value)
        return items
    if isinstance(obj, dict):
        new = dict(obj)
        new[head] = _set(obj.get(head), rest, value)
        return new
    return obj.model_copy(update={head: _set(getattr(obj, head), rest, value)})


def changed(c: Content, **edits: Any) -> Content:
    """A copy of ``c`` with each field at a path changed: ``partnership__review_date=...``
    (``__`` between names, list indexes and dict keys as they are)."""
    for path, value in edits.items():
        c = _set(c, path.split("__"), value)
    return c


def problems(c: Content) -> list[tuple[Any, ...]]:
    return [(p.loc, p.message, p.hint, p.key) for p in cross_check(c)]


# ------------------------------------------------------------------ the example and same-day dates


def test_the_example_has_no_problems(c: Content) -> None:
    assert cross_check(c) == []


@pytest.mark.parametrize(
    "edits",
    [
        {"partnership__review_date": D(2025, 4, 1)},  # = effective_date
        {"partnership__ends_on": D(2025, 4, 1)},
        {"partnership__chair__term_ends": D(2025, 4, 1)},  # = appointed_on
        {"threshold__review_date": D(2025, 4, 1)},
        {"agreement__review_date": D(2026, 4, 1)},  # = commencement
        {"reviews__reviews__0__completed_on": D(2024, 5, 14)},  # = notified_on
        {"reviews__reviews__0__published_on": D(2024, 5, 14)},
        {"partners__0__delegations__1__effective_from": D(2024, 6, 17)},  # = decided_on
        {"partners__0__delegations__0__ended_on": D(2023, 9, 11)},  # = effective_from
    ],
    ids=lambda e: next(iter(e)),
)
def test_the_same_day_is_in_order(c: Content, edits: dict[str, Any]) -> None:
    assert problems(changed(c, **edits)) == []


# ------------------------------------------------------------------ dates out of order


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            {"partnership__review_date": D(2025, 3, 31)},
            (
                ("partnership", "review_date"),
                "review_date (2025-03-31) is before effective_date (2025-04-01)",
                "review_date must be on or after effective_date",
                False,
            ),
        ),
        (
            {"partnership__ends_on": D(2025, 3, 31)},
            (
                ("partnership", "ends_on"),
                "ends_on (2025-03-31) is before effective_date (2025-04-01)",
                "ends_on must be on or after effective_date",
                False,
            ),
        ),
        (
            {"partnership__chair__term_ends": D(2025, 3, 1)},
            (
                ("partnership", "chair", "term_ends"),
                "term_ends (2025-03-01) is before appointed_on (2025-04-01)",
                "term_ends must be on or after appointed_on",
                False,
            ),
        ),
        (
            {"threshold__review_date": D(2025, 1, 1)},
            (
                ("threshold", "review_date"),
                "review_date (2025-01-01) is before effective_date (2025-04-01)",
                "review_date must be on or after effective_date",
                False,
            ),
        ),
        (
            {"agreement__review_date": D(2026, 3, 31)},
            (
                ("agreement", "review_date"),
                "review_date (2026-03-31) is before commencement (2026-04-01)",
                "review_date must be on or after commencement",
                False,
            ),
        ),
        (
            {"reviews__reviews__0__completed_on": D(2024, 5, 13)},
            (
                ("reviews", "reviews", 0, "completed_on"),
                "completed_on (2024-05-13) is before notified_on (2024-05-14)",
                "completed_on must be on or after notified_on",
                False,
            ),
        ),
        (
            {"reviews__reviews__0__published_on": D(2024, 5, 1)},
            (
                ("reviews", "reviews", 0, "published_on"),
                "published_on (2024-05-01) is before notified_on (2024-05-14)",
                "published_on must be on or after notified_on",
                False,
            ),
        ),
        (
            {"partners__0__delegations__1__effective_from": D(2024, 6, 16)},
            (
                ("partners", 0, "delegations", 1, "effective_from"),
                "effective_from (2024-06-16) is before decided_on (2024-06-17)",
                "effective_from must be on or after decided_on",
                False,
            ),
        ),
        (
            {"partners__0__delegations__0__ended_on": D(2023, 9, 10)},
            (
                ("partners", 0, "delegations", 0, "ended_on"),
                "ended_on (2023-09-10) is before effective_from (2023-09-11)",
                "ended_on must be on or after effective_from",
                False,
            ),
        ),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_dates_out_of_order(c: Content, edits: dict[str, Any], expected: tuple[Any, ...]) -> None:
    assert problems(changed(c, **edits)) == [expected]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (  # the scrutineer's term must end after it starts: the same day is not a term
            {"scrutiny__scrutineer__term_end": D(2024, 4, 1)},
            (
                ("scrutiny", "scrutineer", "term_end"),
                "term_end (2024-04-01) must be after term_start (2024-04-01)",
            ),
        ),
        (
            {"information_sharing__agreements__1__review_by": D(2024, 10, 1)},
            (
                ("information_sharing", "agreements", 1, "review_by"),
                "review_by (2024-10-01) must be after signed_on (2024-10-01)",
            ),
        ),
        (
            {"partners__1__delegations__0__review_by": D(2024, 12, 2)},
            (
                ("partners", 1, "delegations", 0, "review_by"),
                "review_by (2024-12-02) must be after effective_from (2024-12-02)",
            ),
        ),
        (
            {"funding__years__0__end": D(2024, 4, 1)},
            (("funding", "years", 0, "end"), "end (2024-04-01) must be after start (2024-04-01)"),
        ),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_ends_must_be_after_starts(c: Content, edits: dict[str, Any], expected: tuple[Any, ...]) -> None:
    got = problems(changed(c, **edits))
    assert got[:1] == [(*expected, None, False)]


def test_the_day_after_is_after(c: Content) -> None:
    assert problems(changed(c, scrutiny__scrutineer__term_end=D(2024, 4, 2))) == []
    assert problems(changed(c, information_sharing__agreements__1__review_by=D(2024, 10, 2))) == []
    assert problems(changed(c, partners__1__delegations__0__review_by=D(2024, 12, 3))) == []


def test_a_report_must_end_after_it_starts(c: Content) -> None:
    rep = c.reports["2025-26"]
    bad = changed(c, reports={**c.reports, "2025-26": rep.model_copy(update={"end": D(2025, 4, 1)})})
    assert problems(bad)[0] == (
        ("reports", "2025-26", "end"),
        "end (2025-04-01) must be after start (2025-04-01)",
        None,
        False,
    )


# ------------------------------------------------------------------ governance, threshold, partners


def test_a_group_cannot_report_to_itself(c: Content) -> None:
    assert problems(changed(c, governance__groups__1__reports_to="executive")) == [
        (("governance", "groups", 1, "reports_to"), "a group cannot report to itself", None, False)
    ]


def test_a_group_reports_to_a_known_group(c: Content) -> None:
    assert problems(changed(c, governance__groups__1__reports_to="lsp-grup")) == [
        (
            ("governance", "groups", 1, "reports_to"),
            "unknown group 'lsp-grup'",
            "did you mean 'lsp-group'?",
            False,
        )
    ]


def test_duplicate_threshold_level_numbers(c: Content) -> None:
    assert problems(changed(c, threshold__levels__2__number=2)) == [
        (("threshold", "levels", 1, "number"), "level number 2 is used more than once", None, False),
        (("threshold", "levels", 2, "number"), "level number 2 is used more than once", None, False),
    ]


def test_duplicate_ids(c: Content) -> None:
    assert problems(changed(c, threshold__levels__1__id="universal")) == [
        (
            ("threshold", "levels", 1, "id"),
            "duplicate level id 'universal'",
            "ids must be unique; rename one",
            False,
        )
    ]
    assert problems(changed(c, threshold__domains__2__id="developmental-needs"))[0] == (
        ("threshold", "domains", 2, "id"),
        "duplicate domain id 'developmental-needs'",
        "ids must be unique; rename one",
        False,
    )
    assert problems(changed(c, governance__groups__7__id="exploitation")) == [
        (
            ("governance", "groups", 7, "id"),
            "duplicate group id 'exploitation'",
            "ids must be unique; rename one",
            False,
        )
    ]
    assert problems(changed(c, reviews__reviews__3__id="rr-child-e"))[0] == (
        ("reviews", "reviews", 3, "id"),
        "duplicate review id 'rr-child-e'",
        "ids must be unique; rename one",
        False,
    )
    assert problems(changed(c, threshold__contacts__5__id="police"))[0] == (
        ("threshold", "contacts", 5, "id"),
        "duplicate contact id 'police'",
        "ids must be unique; rename one",
        False,
    )
    assert problems(changed(c, data__metrics__1__id="early-help-assessments"))[0] == (
        ("data", "metrics", 1, "id"),
        "duplicate metric id 'early-help-assessments'",
        "ids must be unique; rename one",
        False,
    )


def test_unknown_threshold_domain_points_at_the_key(c: Content) -> None:
    level = c.threshold.levels[0]
    indicators = {("parenting" if k == "parenting-capacity" else k): v for k, v in level.indicators.items()}
    assert problems(changed(c, threshold__levels__0__indicators=indicators)) == [
        (
            ("threshold", "levels", 0, "indicators", "parenting"),
            "unknown domain 'parenting'",
            "did you mean 'parenting-capacity'?",
            True,
        )
    ]


def test_a_threshold_contact_needs_a_way_to_get_in_touch(c: Content) -> None:
    got = problems(
        changed(
            c,
            threshold__contacts__3__phone=None,
            threshold__contacts__3__email=None,
            threshold__contacts__3__url=None,
        )
    )
    assert got == [
        (
            ("threshold", "contacts", 3),
            "contact 'police' has no phone, email or url",
            "give at least one way to get in touch",
            False,
        )
    ]


def test_every_area_needs_each_statutory_partner(c: Content) -> None:
    got = problems(changed(c, partners__2__areas=["northmere"]))
    assert got == [
        (
            ("partnership", "areas", 1, "id"),
            "area 'eastvale' has no integrated care board partner",
            "add 'eastvale' to the areas of an integrated care board partner in partners.yaml",
            False,
        )
    ]
    assert problems(changed(c, partners__3__areas=["eastvale"]))[0][1:3] == (
        "area 'northmere' has no police partner",
        "add 'northmere' to the areas of a police partner in partners.yaml",
    )
    assert problems(changed(c, partners__1__areas=["northmere"]))[0][1:3] == (
        "area 'eastvale' has no local authority partner",
        "add 'eastvale' to the areas of a local authority partner in partners.yaml",
    )


def test_a_partners_part_of_an_area_must_be_one_of_its_areas(c: Content) -> None:
    assert problems(changed(c, partners__0__parts={"eastvale": "the north"})) == [
        (
            ("partners", 0, "parts", "eastvale"),
            "'eastvale' is not one of Northmere Borough Council's areas",
            "add 'eastvale' to its areas, or remove it from parts",
            True,
        )
    ]


def test_exactly_one_current_delegation_to_the_dsp(c: Content) -> None:
    assert problems(changed(c, partners__0__delegations__0__ended_on=None))[0] == (
        ("partners", 0, "delegations"),
        "Northmere Borough Council has 2 current delegations; exactly one must have no ended_on",
        "give every earlier delegation an ended_on date",
        False,
    )
    got = problems(changed(c, partners__1__delegations__0__delegate="Someone Else"))
    assert got == [
        (
            ("partners", 1, "delegations", 0, "delegate"),
            "the current delegation is to 'Someone Else' but the DSP is 'Gareth Lloyd-Hughes'",
            "record a new delegation to the new DSP and give the old one an ended_on date",
            False,
        )
    ]
    # an ended delegation to someone else is history, not a problem
    assert problems(changed(c, partners__0__delegations__0__delegate="Someone Else")) == []


def test_a_predecessor_leaves_before_its_successor_joins(c: Content) -> None:
    from masa_docs.model.partners import Predecessor

    pre = Predecessor.model_validate(
        {
            "name": "Old Council",
            "kind": "Borough council",
            "areas": ["northmere"],
            "member_from": D(2019, 4, 1),
            "member_until": D(2024, 3, 31),
        }
    )
    ok = changed(c, partners__0__predecessors=[pre], partners__0__member_since=D(2024, 4, 1))
    assert problems(ok) == []
    same_day = changed(ok, partners__0__member_since=D(2024, 3, 31))
    assert problems(same_day) == [
        (
            ("partners", 0, "predecessors", 0, "member_until"),
            "Old Council was a partner until 2024-03-31, "
            "but Northmere Borough Council became one on 2024-03-31",
            "a predecessor's membership ends before its successor's starts",
            False,
        )
    ]
    backwards = changed(ok, partners__0__predecessors__0__member_until=D(2019, 3, 1))
    assert problems(backwards) == [
        (
            ("partners", 0, "predecessors", 0, "member_until"),
            "member_until (2019-03-01) is before member_from (2019-04-01)",
            "member_until must be on or after member_from",
            False,
        )
    ]
    elsewhere = changed(ok, partners__0__predecessors__0__areas=["westmoor"])
    assert problems(elsewhere) == [
        (
            ("partners", 0, "predecessors", 0, "areas", 0),
            "unknown area 'westmoor'",
            "known area ids: eastvale, northmere",
            False,
        )
    ]


def test_shared_party_ids(c: Content) -> None:
    assert problems(changed(c, agencies__relevant_agencies__0__id="nev-icb"))[0] == (
        ("agencies", "relevant_agencies", 0, "id"),
        "'nev-icb' is already a partner id",
        "partners and agencies share one set of ids",
        False,
    )
    assert problems(changed(c, agencies__relevant_agencies__1__id="nev-hospitals"))[0] == (
        ("agencies", "relevant_agencies", 1, "id"),
        "duplicate agency id 'nev-hospitals'",
        "ids must be unique; rename one",
        False,
    )


def test_an_agency_category_is_from_the_schedule(c: Content) -> None:
    assert problems(changed(c, agencies__relevant_agencies__2__category="youth_offending_teem")) == [
        (
            ("agencies", "relevant_agencies", 2, "category"),
            "'youth_offending_teem' is not a category in the schedule of SI 2018/789",
            "did you mean 'youth_offending_team'?",
            False,
        )
    ]
    assert problems(changed(c, agencies__relevant_agencies__2__category="zzzz"))[0][2] == (
        "run 'masa-docs schedule' to list the categories"
    )


def test_areas_partnership_ended_and_the_arrangements(c: Content) -> None:
    assert problems(changed(c, partnership__status="ended")) == [
        (("partnership", "status"), "arrangements marked 'ended' need an ends_on date", None, False)
    ]
    assert problems(changed(c, partnership__status="ended", partnership__ends_on=D(2026, 3, 31))) == []


# ------------------------------------------------------------------ funding, reviews, signatures, reports


def test_funding_checks(c: Content) -> None:
    assert problems(changed(c, funding__hosting_body="nev-hospitals")) == [
        (
            ("funding", "hosting_body"),
            "unknown partner 'nev-hospitals'",
            "known partner ids: eastvale-council, nev-icb, northmere-council, northmere-police",
            False,
        )
    ]
    assert problems(changed(c, funding__years__1__year="2024-25"))[0] == (
        ("funding", "years", 1, "year"),
        "duplicate funding year id '2024-25'",
        "ids must be unique; rename one",
        False,
    )
    assert problems(changed(c, funding__years__0__total=Decimal("520000.01"))) == [
        (
            ("funding", "years", 0, "total"),
            "contributions add up to £520,000.00 but total is £520,000.01",
            "correct the total or a contribution so they agree",
            False,
        )
    ]
    assert problems(changed(c, funding__years__0__total=NotKnown(unknown="not agreed"))) == []
    assert problems(changed(c, funding__years__0__contributions__1__partner="northmere-council")) == [
        (
            ("funding", "years", 0, "contributions", 1, "partner"),
            "duplicate contribution partner id 'northmere-council'",
            "ids must be unique; rename one",
            False,
        )
    ]


def test_review_checks(c: Content) -> None:
    assert problems(changed(c, reviews__reviews__0__published_on=None)) == [
        (("reviews", "reviews", 0, "published_on"), "a published review needs published_on", None, True)
    ]
    assert problems(changed(c, reviews__reviews__1__area="westmoor")) == [
        (
            ("reviews", "reviews", 1, "area"),
            "unknown area 'westmoor'",
            "known area ids: eastvale, northmere",
            False,
        )
    ]


def test_signature_checks(c: Content) -> None:
    assert problems(changed(c, signatures__arrangements__3__partner="nev-icb")) == [
        (
            ("signatures", "arrangements", 3, "partner"),
            "duplicate signature partner id 'nev-icb'",
            "ids must be unique; rename one",
            False,
        )
    ]
    assert problems(changed(c, signatures__threshold__0__partner="nev-icbb"))[-1] == (
        ("signatures", "threshold", 0, "partner"),
        "unknown partner 'nev-icbb'",
        "did you mean 'nev-icb'?",
        False,
    )
    sig = c.signatures.yearly_report["2024-25"]
    assert problems(changed(c, signatures__yearly_report={"2024-24": sig})) == [
        (
            ("signatures", "yearly_report", "2024-24"),
            "no report for period '2024-24'",
            "did you mean '2024-25'?",
            True,
        )
    ]


def test_report_checks(c: Content) -> None:
    rep = c.reports["2025-26"]

    def with_report(**update: Any) -> Content:
        return changed(c, reports={**c.reports, "2025-26": rep.model_copy(update=update)})

    assert problems(with_report(period="2025-27"))[0] == (
        ("reports", "2025-26", "period"),
        "period '2025-27' does not match the file name '2025-26.yaml'",
        "rename the file or set period: '2025-26'",
        False,
    )
    assert problems(with_report(funding_year="2026-27")) == [
        (
            ("reports", "2025-26", "funding_year"),
            "unknown funding year '2026-27'",
            "did you mean '2025-26'?",
            False,
        )
    ]
    assert problems(with_report(reviews=["rr-child-j", "rr-child-jj"])) == [
        (
            ("reports", "2025-26", "reviews", 1),
            "unknown review 'rr-child-jj'",
            "did you mean 'rr-child-j'?",
            False,
        )
    ]
    metric = rep.metrics[0].model_copy(update={"metric": "no-such-metric"})
    got = problems(with_report(metrics=[metric, *rep.metrics[1:]]))
    assert got[0][0] == ("reports", "2025-26", "metrics", 0, "metric")
    assert got[0][1] == "unknown metric 'no-such-metric'"


def test_narrative_files_must_be_known(c: Content) -> None:
    assert problems(changed(c, narrative={**c.narrative, "voices": "text"})) == [
        (("narrative", "voices"), "'voices.md' is not a known narrative file", "did you mean 'voice'?", False)
    ]


def test_extra_sections(c: Content) -> None:
    lado = c.sections.lado
    assert lado is not None
    no_way = changed(c, sections__lado__contacts__1__phone=None, sections__lado__contacts__1__email=None)
    assert problems(no_way) == [
        (
            ("sections", "lado", "contacts", 1),
            "LADO contact 'Eastvale LADO service' has no phone, email or url",
            "give at least one way to get in touch",
            False,
        )
    ]
    assert problems(changed(c, sections__custom__1__id="our-journey"))[0] == (
        ("sections", "custom", 1, "id"),
        "duplicate section id 'our-journey'",
        "ids must be unique; rename one",
        False,
    )
    assert problems(changed(c, sections__custom__1__id="introduction")) == [
        (
            ("sections", "custom", 1, "id"),
            "'introduction' is already a section of the arrangements document",
            "choose another id",
            False,
        )
    ]
    got = problems(changed(c, sections__custom__0__after="sign-off"))
    assert got[0][:2] == (
        ("sections", "custom", 0, "after"),
        "the arrangements document has no section 'sign-off' to follow",
    )


# ------------------------------------------------------------------ lookups and periods


def test_latest_and_previous_periods(c: Content) -> None:
    reports = {
        "2025-26": c.reports["2025-26"],
        "2023-24": c.reports["2024-25"],
        "2024-25": c.reports["2024-25"],
    }
    later_first = changed(c, reports=reports)  # the order of the files does not matter
    assert later_first.report_periods == ["2023-24", "2024-25", "2025-26"]
    assert later_first.latest_period == "2025-26"
    assert later_first.previous_period("2025-26") == "2024-25"
    assert later_first.previous_period("2024-25") == "2023-24"
    assert later_first.previous_period("2023-24") is None
    assert changed(c, reports={}).latest_period is None


def test_party_name_and_areas(c: Content) -> None:
    assert c.party_name("nev-icb") == "NHS Northmere and Eastvale Integrated Care Board"
    assert c.party_name("nev-hospitals") == c.agencies_by_id["nev-hospitals"].name
    with pytest.raises(KeyError, match="nobody"):
        c.party_name("nobody")
    assert [p.id for p in c.partners_for_area("eastvale")] == [
        "eastvale-council",
        "nev-icb",
        "northmere-police",
    ]
    assert [p.id for p in c.partners_of_kind("local_authority")] == ["northmere-council", "eastvale-council"]
    assert c.area_name("eastvale") == "Eastvale"
    assert c.coverage(c.partners_by_id["nev-icb"]) == "Northmere and Eastvale"
    assert c.coverage(c.partners_by_id["nev-icb"], "eastvale") == "all of Eastvale"


def test_coverage_of_part_of_an_area(c: Content) -> None:
    part = c.partners[0].model_copy(update={"parts": {"northmere": "the north: the Ashby and Brook wards"}})
    assert c.coverage(part) == "part of Northmere (the north: the Ashby and Brook wards)"
    assert c.coverage(part, "northmere") == "part of Northmere (the north: the Ashby and Brook wards)"


def test_signatures_for_documents(c: Content) -> None:
    assert [s.partner for s in c.signatures_for("yearly-report", "2024-25")] == [
        "northmere-council",
        "eastvale-council",
        "nev-icb",
        "northmere-police",
    ]
    assert c.signatures_for("yearly-report", "2025-26") == []
    assert c.signatures_for("yearly-report") == []
    assert c.all_signed("arrangements") and c.all_signed("yearly-report", "2024-25")
    assert not c.all_signed("yearly-report", "2025-26")
    three = changed(c, signatures__arrangements=c.signatures.arrangements[:3])
    assert not three.all_signed("arrangements")


def test_unknown_facts_are_found_with_their_paths(c: Content) -> None:
    reason = NotKnown(unknown="not published")
    gaps = changed(
        c,
        funding__years__0__total=reason,
        funding__years__1__contributions__2__amount=NotKnown(unknown=True),
    )
    got = gaps.unknowns()
    assert [(u.loc, u.field, u.reason) for u in got] == [
        (("funding", "years", 0, "total"), "total", "not published"),
        (("funding", "years", 1, "contributions", 2, "amount"), "amount", None),
    ]
    assert UnknownFact(("reports", "2025-26"), reason).field == "2025-26"
    assert UnknownFact((0, 1), reason).field == ""


def test_unknown_facts_in_dicts_and_tuples() -> None:
    from masa_docs.model.content import _walk_unknowns

    nk = NotKnown(unknown="not collected")
    got = list(_walk_unknowns({"a": [1, nk], "b": (nk,)}, ("x",)))
    assert [u.loc for u in got] == [("x", "a", 1), ("x", "b", 0)]


def test_article() -> None:
    assert [article(w) for w in ("integrated", "Eastvale", "police", "local")] == ["an", "an", "a", "a"]


def test_problem_defaults() -> None:
    p = Problem(("x",), "m")
    assert (p.hint, p.key, p.severity) == (None, False, "error")


# ------------------------------------------------------------------ front doors, routes, extra sections


def _front_door(area: str) -> Any:
    from masa_docs.model.threshold import FrontDoor

    return FrontDoor(area=area, name=f"{area} front door", phone="01632 960 000", hours="9 to 5")


def test_front_doors_one_per_known_area(c: Content) -> None:
    both = changed(c, threshold__front_doors=[_front_door("northmere"), _front_door("eastvale")])
    assert problems(both) == []
    assert problems(changed(c, threshold__front_doors=[_front_door("northmere")])) == [
        (
            ("threshold", "front_doors"),
            "area 'eastvale' has no front door",
            "add a front door with area: eastvale, or leave front_doors out",
            False,
        )
    ]
    twice = [_front_door("northmere"), _front_door("eastvale"), _front_door("northmere")]
    assert problems(changed(c, threshold__front_doors=twice)) == [
        (
            ("threshold", "front_doors", 2, "area"),
            "area 'northmere' has more than one front door",
            "keep one per area",
            False,
        )
    ]
    unknown = [_front_door("northmere"), _front_door("eastvale"), _front_door("eastvalle")]
    assert problems(changed(c, threshold__front_doors=unknown)) == [
        (
            ("threshold", "front_doors", 2, "area"),
            "unknown area 'eastvalle'",
            "did you mean 'eastvale'?",
            False,
        )
    ]


def test_framework_route_ids_are_unique(c: Content) -> None:
    from masa_docs.model.threshold import Framework, HelpRoute

    def route(ident: str) -> HelpRoute:
        return HelpRoute(id=ident, name="Talk to the school", when="When unsure.", what_happens="A chat.")

    fw = Framework(
        name="Right help",
        description="d",
        routes=[route("school"), route("gp"), route("school")],
        who_to_talk_to="w",
    )
    assert problems(changed(c, threshold__framework=fw)) == [
        (
            ("threshold", "framework", "routes", 2, "id"),
            "duplicate route id 'school'",
            "ids must be unique; rename one",
            False,
        )
    ]


def test_extra_sections_refer_to_known_partners_and_areas(c: Content) -> None:
    from masa_docs.model.sections import ContextFigure, LocalContext

    assert problems(changed(c, sections__foreword__signed_by__1="eastvale-counsil")) == [
        (
            ("sections", "foreword", "signed_by", 1),
            "unknown partner 'eastvale-counsil'",
            "did you mean 'eastvale-council'?",
            False,
        )
    ]
    fig = ContextFigure(label="Children", value="58,900", area="northmere", source="ONS", as_of="mid-2023")
    ok = changed(
        c, sections__local_context=LocalContext(figures=[fig, fig.model_copy(update={"area": None})])
    )
    assert problems(ok) == []
    bad = changed(
        c, sections__local_context=LocalContext(figures=[fig, fig.model_copy(update={"area": "northmeer"})])
    )
    assert problems(bad) == [
        (
            ("sections", "local_context", "figures", 1, "area"),
            "unknown area 'northmeer'",
            "did you mean 'northmere'?",
            False,
        )
    ]
    assert problems(changed(c, sections__lado__contacts__0__area="northmeer")) == [
        (
            ("sections", "lado", "contacts", 0, "area"),
            "unknown area 'northmeer'",
            "did you mean 'northmere'?",
            False,
        )
    ]
    assert problems(changed(c, sections__lado__contacts__0__area=None)) == []
    only_url = changed(
        c,
        sections__lado__contacts__1__phone=None,
        sections__lado__contacts__1__email=None,
        sections__lado__contacts__1__url="https://example.org",
    )
    assert problems(only_url) == []


def test_a_custom_section_follows_a_section_that_can_be_followed(c: Content) -> None:
    got = problems(changed(c, sections__custom__0__after="introductoin"))
    assert got == [
        (
            ("sections", "custom", 0, "after"),
            "the arrangements document has no section 'introductoin' to follow",
            "did you mean 'introduction'?",
            False,
        )
    ]
    (appendix,) = problems(changed(c, sections__custom__0__after="zzzz"))
    assert appendix[2].startswith("sections: foreword, introduction, vision, ")
    assert "sign-off" not in appendix[2] and "appendix" not in appendix[2]


def test_other_partners_and_funders_share_the_party_ids(c: Content) -> None:
    from masa_docs.model.funding import Funder
    from masa_docs.model.partnership import OtherPartner

    other = OtherPartner.model_validate(
        {"id": "nev-icb", "name": "Schools forum", "role": "Schools", "areas": ["northmere", "westmoor"]}
    )
    got = problems(changed(c, partnership__other_partners=[other]))
    assert got == [
        (
            ("partnership", "other_partners", 0, "id"),
            "'nev-icb' is already used by another party",
            "partners, other partners, agencies and funders share one set of ids",
            False,
        ),
        (
            ("partnership", "other_partners", 0, "areas", 1),
            "unknown area 'westmoor'",
            "known area ids: eastvale, northmere",
            False,
        ),
    ]
    funder = Funder.model_validate({"id": "nev-hospitals", "name": "A trust", "kind": "NHS trust"})
    assert problems(changed(c, funding__funders=[funder])) == [
        (
            ("funding", "funders", 0, "id"),
            "'nev-hospitals' is already used by another party",
            "partners, other partners, agencies and funders share one set of ids",
            False,
        )
    ]
    fresh = Funder.model_validate({"id": "pcc", "name": "The PCC", "kind": "Police and crime commissioner"})
    assert problems(changed(c, funding__funders=[fresh, fresh])) == [
        (
            ("funding", "funders", 1, "id"),
            "'pcc' is already used by another party",
            "partners, other partners, agencies and funders share one set of ids",
            False,
        )
    ]


# ------------------------------------------------------------------ every reference resolves

PARTY_IDS = (  # the example's four partners and ten relevant agencies, sorted
    "known partner or agency ids: academy-trusts, cafcass, early-years, eastvale-council, eastvale-yjs, "
    "maintained-schools, nev-hospitals, nev-icb, nev-partnership-trust, northmere-college, "
    "northmere-council, northmere-police, northmere-yjs, probation"
)
PARTNER_IDS = "known partner ids: eastvale-council, nev-icb, northmere-council, northmere-police"


@pytest.mark.parametrize(
    ("path", "value", "what", "hint"),
    [
        ("data__metrics__0__owner", "zzz", "partner or agency", PARTY_IDS),
        ("training__audits__1__lead", "zzz", "partner or agency", PARTY_IDS),
        ("funding__years__0__contributions__2__partner", "zzz", "partner or agency", PARTY_IDS),
        ("reviews__reviews__1__recommendations__1__owner", "zzz", "partner or agency", PARTY_IDS),
        ("liabilities__shared_teams__0__host", "zzz", "partner", PARTNER_IDS),
        ("liabilities__shared_teams__2__staff_from__3", "zzz", "partner or agency", PARTY_IDS),
        ("liabilities__insurance__2__partner", "zzz", "partner", PARTNER_IDS),
        ("information_sharing__agreements__1__parties__2", "zzz", "partner or agency", PARTY_IDS),
        ("information_sharing__controllers__4__partner", "zzz", "partner or agency", PARTY_IDS),
        ("information_sharing__contacts__3__partner", "zzz", "partner or agency", PARTY_IDS),
        ("agreement__functions__1__partner", "zzz", "partner", PARTNER_IDS),
        ("threshold__contacts__0__areas__0", "zzz", "area", "known area ids: eastvale, northmere"),
        ("agencies__relevant_agencies__2__areas__0", "zzz", "area", "known area ids: eastvale, northmere"),
        ("partners__1__areas__0", "zzz", "area", "known area ids: eastvale, northmere"),
        ("signatures__agreement__2__partner", "zzz", "partner", PARTNER_IDS),
        ("signatures__yearly_report__2024-25__1__partner", "zzz", "partner", PARTNER_IDS),
        ("reports__2025-26__foreword__signed_by__3", "zzz", "partner", PARTNER_IDS),
    ],
    ids=lambda v: v if isinstance(v, str) and "__" in v else "",
)
def test_every_reference_resolves(c: Content, path: str, value: str, what: str, hint: str) -> None:
    loc = tuple(int(p) if p.isdigit() else p for p in path.split("__"))
    got = problems(changed(c, **{path: value}))
    assert got[0] == (loc, f"unknown {what} '{value}'", hint, False)


def test_funders_and_other_partners_are_parties(c: Content) -> None:
    from masa_docs.model.funding import Funder
    from masa_docs.model.partnership import OtherPartner

    funder = Funder.model_validate({"id": "pcc", "name": "The PCC", "kind": "Police and crime commissioner"})
    other = OtherPartner.model_validate({"id": "schools", "name": "Schools", "role": "Education"})
    with_both = changed(c, funding__funders=[funder], partnership__other_partners=[other])
    assert (
        problems(changed(with_both, data__metrics__0__owner="pcc", training__audits__1__lead="schools")) == []
    )
    clash = changed(with_both, funding__funders=[funder.model_copy(update={"id": "schools"})])
    assert problems(clash) == [
        (
            ("funding", "funders", 0, "id"),
            "'schools' is already used by another party",
            "partners, other partners, agencies and funders share one set of ids",
            False,
        )
    ]


def test_other_partner_ids_are_unique_among_themselves(c: Content) -> None:
    from masa_docs.model.partnership import OtherPartner

    other = OtherPartner.model_validate({"id": "schools", "name": "Schools", "role": "Education"})
    assert problems(changed(c, partnership__other_partners=[other, other]))[0][:2] == (
        ("partnership", "other_partners", 1, "id"),
        "'schools' is already used by another party",
    )


def test_a_partner_with_no_current_delegation(c: Content) -> None:
    got = problems(changed(c, partners__1__delegations__0__ended_on=D(2025, 12, 31)))
    assert got == [
        (
            ("partners", 1, "delegations"),
            "Eastvale Council has 0 current delegations; exactly one must have no ended_on",
            "give every earlier delegation an ended_on date",
            False,
        )
    ]


def test_a_predecessor_of_a_partner_without_a_start(c: Content) -> None:
    from masa_docs.model.partners import Predecessor

    pre = Predecessor.model_validate({"name": "Old CCG", "kind": "CCG", "member_until": D(2022, 6, 30)})
    assert problems(changed(c, partners__2__predecessors=[pre])) == []


def test_contributions_with_an_unknown_amount_are_not_summed(c: Content) -> None:
    unknown = changed(c, funding__years__0__contributions__1__amount=NotKnown(unknown="not agreed"))
    assert problems(unknown) == []


def test_reports_checks_more(c: Content) -> None:
    rep = c.reports["2025-26"]
    dup = rep.priorities[0]
    got = problems(
        changed(
            c, reports={**c.reports, "2025-26": rep.model_copy(update={"priorities": [*rep.priorities, dup]})}
        )
    )
    assert got == [
        (
            ("reports", "2025-26", "priorities", 5, "id"),
            "duplicate priority id 'neglect'",
            "ids must be unique; rename one",
            False,
        )
    ]
    not_known = rep.model_copy(update={"reviews": NotKnown(unknown="not collected")})
    assert problems(changed(c, reports={**c.reports, "2025-26": not_known})) == []


def test_coverage_of_an_other_partner(c: Content) -> None:
    from masa_docs.model.partnership import OtherPartner

    schools = OtherPartner.model_validate(
        {"id": "schools", "name": "Schools", "role": "Education", "areas": ["eastvale"]}
    )
    assert c.coverage(schools) == "Eastvale"
    assert c.coverage(schools, "eastvale") == "all of Eastvale"
    everywhere = schools.model_copy(update={"areas": []})
    assert c.coverage(everywhere) == "Northmere and Eastvale"


def test_duplicate_area_ids(c: Content) -> None:
    got = problems(changed(c, partnership__areas__1__id="northmere"))
    assert got[0] == (
        ("partnership", "areas", 1, "id"),
        "duplicate area id 'northmere'",
        "ids must be unique; rename one",
        False,
    )


def test_one_way_to_get_in_touch_is_enough(c: Content) -> None:
    phone_only = changed(c, sections__lado__contacts__1__email=None)
    assert (
        c.sections.lado is not None
        and c.sections.lado.contacts[1].phone
        and c.sections.lado.contacts[1].url is None
    )
    assert problems(phone_only) == []
    email_only = changed(c, sections__lado__contacts__1__phone=None)
    assert problems(email_only) == []
    edt = c.threshold.contacts[2]  # the emergency duty team: a phone number only
    assert (edt.phone, edt.email, edt.url) == ("01632 960 999", None, None)
    assert problems(changed(c, threshold__contacts__4__email=None)) == []


def test_duplicate_partner_ids(c: Content) -> None:
    assert problems(changed(c, partners__1__id="northmere-council"))[0] == (
        ("partners", 1, "id"),
        "duplicate partner id 'northmere-council'",
        "ids must be unique; rename one",
        False,
    )


def test_hints_list_the_known_names_when_nothing_is_close(c: Content) -> None:
    level = c.threshold.levels[0]
    indicators = {("zzz" if k == "parenting-capacity" else k): v for k, v in level.indicators.items()}
    assert problems(changed(c, threshold__levels__0__indicators=indicators))[0][2] == (
        "known domains: developmental-needs, parenting-capacity, family-environment"
    )
    assert problems(changed(c, narrative={**c.narrative, "zzz": "text"}))[0][2] == (
        "known: introduction, partnership, partners, governance, agencies, data, training, funding, "
        "scrutiny, reviews, voice, threshold, disputes, liabilities, information-sharing, agreement, "
        "signatures, sections"
    )


def test_a_threshold_contact_with_an_email_only(c: Content) -> None:
    assert problems(changed(c, threshold__contacts__4__phone=None)) == []
