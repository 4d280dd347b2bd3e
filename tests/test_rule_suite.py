"""The rule test suite: every rule fails on a minimal mutation of the example and holds on
compliant variants of it (different wording, a single authority, two ICBs).

The variants are built from the example programmatically (``tests/variants.py``): the content
is copied to a temporary folder and its YAML edited. Rules are evaluated through the library
(:func:`masa_docs.check.run_check`), which is what ``masa-docs check`` prints.

Each mutation here is one of the ways issue 11 found to fool the check; ``test_check.py`` keeps
one CLI-driven failing case per rule as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import variants
from conftest import yaml_edit
from masa_docs.check import (
    RuleResult,
    blocking_reasons,
    document_status_lines,
    format_markdown,
    format_text,
    run_check,
)
from masa_docs.cli import main
from masa_docs.load import LoadedContent, load_content
from masa_docs.rules import load_pack
from masa_docs.rules.checks import CheckContext, run
from masa_docs.substance import hollow, is_narrative_at
from test_check import FAILING

pytestmark = pytest.mark.usefixtures("yaml_parse_cache")  # re-parse only the files a case changes

# The example's 2025-26 report is published on 2026-09-25: a date after it keeps every
# signature in the past.
TODAY = dt.date(2026, 10, 15)
PACK = load_pack("wt2023")
Edits = dict[str, Callable[[str], str]]


def check(root: Path, **kw: Any) -> dict[str, RuleResult]:
    report = run_check(load_content(root), today=kw.pop("today", TODAY), **kw)
    return {r.rule.id: r for r in report.results}


def edit(file: str, fn: Callable[[Any], Any]) -> Edits:
    return {file: yaml_edit(fn)}


def both(*edits: Edits) -> Edits:
    """Several edits, composed per file."""
    out: dict[str, Callable[[str], str]] = {}
    for e in edits:
        for file, fn in e.items():
            prev = out.get(file)
            out[file] = fn if prev is None else (lambda text, a=prev, b=fn: b(a(text)))
    return out


def _partner(kind: str) -> Callable[[Any], Any]:
    def pick(data: Any) -> Any:
        return next(p for p in data if p["kind"] == kind)

    return pick


def set_partner(kind: str, path: str, value: Any) -> Edits:
    def fn(data: Any) -> None:
        node = _partner(kind)(data)
        *head, last = path.split(".")
        for part in head:
            node = node[part]
        node[last] = value

    return edit("partners.yaml", fn)


def facts(section: str, **values: Any) -> Edits:
    return edit("reviews.yaml", lambda d: d["facts"][section].update(values))


def no_facts() -> Edits:
    return edit("reviews.yaml", lambda d: d.pop("facts"))


def narrative(path: str, text: str) -> Edits:
    file, _, rest = path.partition(":")

    def fn(data: Any) -> None:
        node = data
        *head, last = rest.split(".")
        for part in head:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = text

    return edit(file, fn)


def sign_everything(data: Any, partners: list[str] | None = None) -> None:
    ids = partners or ["northmere-council", "eastvale-council", "nev-icb", "northmere-police"]
    data["arrangements"] = [{"partner": p, "signed_on": dt.date(2025, 3, 14)} for p in ids]
    data["threshold"] = [{"partner": p, "signed_on": dt.date(2025, 3, 14)} for p in ids]
    data["agreement"] = [{"partner": p, "signed_on": dt.date(2026, 3, 10)} for p in ids]
    data["yearly_report"] = {
        "2024-25": [{"partner": p, "signed_on": dt.date(2025, 9, 15)} for p in ids],
        "2025-26": [{"partner": p, "signed_on": dt.date(2026, 9, 20)} for p in ids],
    }


SIGNED = edit("signatures.yaml", sign_everything)


def signature(doc: str, **values: Any) -> Edits:
    def fn(data: Any) -> None:
        sign_everything(data)
        target = data["yearly_report"]["2025-26"] if doc == "yearly-report" else data[doc]
        target[0].update(values)

    return edit("signatures.yaml", fn)


# ---------------------------------------------------------------------------- mutations

# rule id -> [(what the mutation is, edits, run_check keyword arguments)]
MUTATIONS: dict[str, list[tuple[str, Edits, dict[str, Any]]]] = {
    "lead-lsp-identity": [
        (
            "a Deputy Chief Executive",
            set_partner("local_authority", "lsp.title", "Deputy Chief Executive"),
            {},
        ),
        ("an Assistant Chief Constable", set_partner("police", "lsp.title", "Assistant Chief Constable"), {}),
        (
            "a police and crime commissioner",
            set_partner("police", "lsp.title", "Police and Crime Commissioner"),
            {},
        ),
        ("a Commissioner outside London", set_partner("police", "lsp.title", "Commissioner"), {}),
        ("a vacancy", set_partner("icb", "lsp.name", "Vacant"), {}),
    ],
    "lead-lsp-functions": [
        ("a leadership group that decides '-'", narrative("governance.yaml:groups.0.decides", ["-"]), {}),
        ("... or 'N/A'", narrative("governance.yaml:groups.0.decides", ["N/A", "TBC"]), {}),
    ],
    "lead-dsp-seniority": [
        ("'N/A' as the DSP's title", set_partner("police", "dsp.title", "N/A"), {}),
        ("a Safeguarding Administrator", set_partner("icb", "dsp.title", "Safeguarding Administrator"), {}),
    ],
    "lead-dsp-named": [
        (
            "a delegation that starts after the arrangements named the DSP",
            edit(
                "partners.yaml",
                lambda d: next(x for x in d[0]["delegations"] if "ended_on" not in x).update(
                    effective_from=dt.date(2025, 6, 1)
                ),
            ),
            {},
        ),
    ],
    "stat-independent-scrutiny": [
        (
            "a scrutineer employed by a partner's own services",
            narrative("scrutiny.yaml:scrutineer.organisation", "Northmere Children's Services"),
            {},
        ),
        (
            "a scrutineer employed by a listed service of a partner",
            both(
                narrative("scrutiny.yaml:scrutineer.organisation", "Eastvale Family Help"),
                set_partner("local_authority", "services", ["Eastvale Family Help"]),
            ),
            {},
        ),
        ("a vacancy", narrative("scrutiny.yaml:scrutineer.name", "Vacant"), {}),
        (
            "a scrutineer employed by the police force's own unit",
            narrative(
                "scrutiny.yaml:scrutineer.organisation", "Northmere Constabulary Professional Standards"
            ),
            {},
        ),
        (
            "a term that does not cover the period reported on",
            narrative("scrutiny.yaml:scrutineer.term_start", dt.date(2025, 9, 1)),
            {},
        ),
    ],
    "lead-lsp-signoff": [
        ("signed by someone other than the LSP", signature("arrangements", signatory="A Deputy"), {}),
        ("dated 2030", signature("arrangements", signed_on=dt.date(2030, 1, 10)), {}),
        ("dated before the document existed", signature("arrangements", signed_on=dt.date(2019, 5, 1)), {}),
        (
            "dated after --today",
            signature("arrangements", signed_on=dt.date(2026, 12, 1)),
            {"today": dt.date(2026, 11, 1)},
        ),
    ],
    "lead-lsp-signoff-yearly-report": [
        (
            "signed before the period ended",
            signature("yearly-report", signed_on=dt.date(2026, 1, 5)),
            {},
        ),
    ],
    "agr-info-sharing": [
        (
            "an agreement that expired in 2019",
            edit(
                "information-sharing.yaml",
                lambda d: d["agreements"][0].update(
                    signed_on=dt.date(2016, 4, 1), review_by=dt.date(2019, 3, 31)
                ),
            ),
            {},
        ),
        (
            "an agreement past its end date",
            edit(
                "information-sharing.yaml",
                lambda d: d["agreements"][0].update(expires_on=dt.date(2026, 5, 1)),
            ),
            {},
        ),
    ],
    "agr-dispute-resolution": [
        (
            "a stage of 365 working days",
            edit("disputes.yaml", lambda d: d["stages"][1].update(timescale_working_days=365)),
            {},
        ),
    ],
    "agr-funding-transparent-sufficient": [
        (
            "actual spending over the budget",
            edit("funding.yaml", lambda d: d["years"][0]["expenditure"][0].update(actual=900000.00)),
            {},
        ),
    ],
    "stat-yearly-report": [
        ("a yearly report more than 12 months overdue", {}, {"today": dt.date(2028, 1, 10)}),
        (
            "a first report never made",
            {
                "reports/2024-25.yaml": None,  # type: ignore[dict-item]
                "reports/2025-26.yaml": None,  # type: ignore[dict-item]
                **edit("signatures.yaml", lambda d: (sign_everything(d), d.pop("yearly_report"))),
            },
            {},
        ),
    ],
    "rev-lcspr-publish": [
        (
            "a completed review that was never published",
            edit(
                "reviews.yaml",
                lambda d: (d["reviews"][0].update(status="completed"), d["reviews"][0].pop("published_on")),
            ),
            {},
        ),
        ("reviews stated as not published", facts("publication", completed_reviews_published=False), {}),
    ],
    "stat-relevant-agency-def": [
        (
            "a statutory partner listed as a relevant agency",
            edit(
                "agencies.yaml", lambda d: d["relevant_agencies"][0].update(name="Northmere Borough Council")
            ),
            {},
        ),
    ],
    "stat-have-regard-guidance": [
        ("edition wt2018 on arrangements made in 2025", narrative("partnership.yaml:edition", "wt2018"), {}),
    ],
    "rev-notify-panel": [
        ("the Panel not among those notified", facts("notification", notifies=["ofsted"]), {})
    ],
    "rev-notify-timing": [("25 working days", facts("notification", within_working_days=25), {})],
    "rev-lac-death": [
        (
            "Ofsted not told of a looked-after child's death",
            facts("notification", looked_after_child_death_notifies=["secretary_of_state"]),
            {},
        ),
    ],
    "rev-rapid-review": [("30 working days", facts("rapid_review", within_working_days=30), {})],
    "rev-rapid-to-panel": [("not sent to the Panel", facts("rapid_review", sent_to_panel=False), {})],
    "thr-referral-criteria": [
        ("no criteria for s.31", narrative("threshold.yaml:statutory_criteria", ["s17", "s20", "s47"]), {}),
    ],
    "agr-report-preparation": [
        (
            "approved by a subgroup",
            narrative("governance.yaml:yearly_report.approved_by", "learning-review"),
            {},
        ),
        ("a group that does not exist", narrative("governance.yaml:yearly_report.prepared_by", "nobody"), {}),
    ],
    "lead-lsp-signoff-budget": [
        ("no record of approval", edit("funding.yaml", lambda d: d["years"][1].pop("approved_on")), {}),
        (
            "approved by the executive",
            edit("funding.yaml", lambda d: d["years"][1].update(approved_by="executive")),
            {},
        ),
    ],
    "agr-signoff": [("signed by a deputy", signature("agreement", signatory="Deputy Clerk"), {})],
    "facts-the-law-needs": [
        (
            "the period's reviews recorded as not known",
            edit("reports/2025-26.yaml", lambda d: d.update(reviews={"unknown": "not published"})),
            {},
        ),
    ],
}
CASES = [(rid, i) for rid, cases in MUTATIONS.items() for i in range(len(cases))]


@pytest.mark.parametrize(("rule_id", "n"), CASES, ids=[f"{r}-{MUTATIONS[r][i][0]}" for r, i in CASES])
def test_mutation_fails_the_rule(rule_id: str, n: int, make_content: Any, tmp_path: Path) -> None:
    what, edits, kw = MUTATIONS[rule_id][n]
    root = make_content(tmp_path, edits=both(SIGNED, edits) if "signatures.yaml" not in edits else edits)
    res = check(root, **kw)[rule_id]
    assert res.status == "fail", (what, res.status, res.message)


def test_every_rule_has_a_failing_mutation() -> None:
    """Here or in test_check.FAILING (one CLI case per rule), every rule that can fail has one."""
    failable = {r.id for r in PACK.rules if r.check != "manual" and r.in_force}
    assert failable <= set(MUTATIONS) | set(FAILING) | {"stat-relevant-agency-def"}
    assert "stat-relevant-agency-def" in MUTATIONS


# ---------------------------------------------------------------------------- variants


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, RuleResult]]:
    base = tmp_path_factory.mktemp("shapes")
    single = variants.single_authority(base / "single")
    two = variants.two_icbs(base / "two-icbs")
    signed = variants.copy_example(base / "signed")
    for root, ids in (
        (single, ["northmere-council", "nev-icb", "northmere-police"]),
        (two, ["northmere-council", "eastvale-council", "nev-icb", "eastvale-icb", "northmere-police"]),
        (signed, None),
    ):
        path = root / "signatures.yaml"
        path.write_text(
            yaml_edit(lambda d, ids=ids: sign_everything(d, ids))(path.read_text()), encoding="utf-8"
        )
    return {"single authority": check(single), "two ICBs": check(two), "example, signed": check(signed)}


@pytest.mark.parametrize("shape", ["single authority", "two ICBs", "example, signed"])
@pytest.mark.parametrize("rule_id", PACK.ids)
def test_rule_holds_on_lawful_shapes(
    rule_id: str, shape: str, shapes: dict[str, dict[str, RuleResult]]
) -> None:
    res = shapes[shape][rule_id]
    assert res.status in ("pass", "manual", "not_in_force"), [p.message for p in res.problems] or res.message


def test_the_shapes_are_what_they_say(tmp_path: Path) -> None:
    single = load_content(variants.single_authority(tmp_path / "s")).content
    assert [a.id for a in single.partnership.areas] == ["northmere"] and len(single.partners) == 3
    two = load_content(variants.two_icbs(tmp_path / "t")).content
    assert sorted(p.id for p in two.partners if p.kind == "icb") == ["eastvale-icb", "nev-icb"]


# rule id -> [(what the variant is, edits)]: different wording, unusual but lawful.
PARAPHRASES: dict[str, list[tuple[str, Edits]]] = {
    "lead-lsp-identity": [
        ("CEO", set_partner("local_authority", "lsp.title", "CEO")),
        ("Chief Executive Officer", set_partner("icb", "lsp.title", "Chief Executive Officer")),
        ("Acting Chief Constable", set_partner("police", "lsp.title", "Acting Chief Constable")),
        ("Interim Chief Exec", set_partner("icb", "lsp.title", "Interim Chief Exec")),
        ("Head of Paid Service", set_partner("local_authority", "lsp.title", "Head of Paid Service")),
        (
            "the Commissioner of Police of the Metropolis",
            both(
                set_partner("police", "lsp.title", "Commissioner of Police of the Metropolis"),
                set_partner("police", "name", "Metropolitan Police Service"),
            ),
        ),
        (
            "the City of London Police Commissioner",
            set_partner("police", "lsp.title", "Commissioner of the City of London Police"),
        ),
    ],
    "lead-dsp-seniority": [
        (
            "Detective Chief Superintendent",
            set_partner("police", "dsp.title", "Detective Chief Superintendent"),
        ),
        (
            "Head of Safeguarding",
            set_partner("icb", "dsp.title", "Head of Safeguarding and Looked After Children"),
        ),
    ],
    "rev-notify-panel": [
        (
            "'the Panel'",
            narrative(
                "reviews.yaml:process.notification", "The council tells the Panel within 5 days of knowing."
            ),
        ),
        (
            "'the CSPRP'",
            narrative(
                "reviews.yaml:process.notification", "We notify the CSPRP online and tell our partners."
            ),
        ),
    ],
    "rev-notify-timing": [
        (
            "'five (5) working days'",
            narrative(
                "reviews.yaml:process.notification",
                "Notified within five (5) working days, partners the same.",
            ),
        ),
        (
            "'five business days'",
            narrative(
                "reviews.yaml:process.notification",
                "Notified to the Panel within five business days of learning of it.",
            ),
        ),
    ],
    "rev-lac-death": [
        (
            "'a child in our care'",
            narrative(
                "reviews.yaml:process.notification",
                "If a child in our care dies we tell Ofsted and the Secretary of State.",
            ),
        ),
        (
            "'children we care for'",
            narrative(
                "reviews.yaml:process.notification",
                "Deaths of children we care for are reported to Ofsted and the DfE.",
            ),
        ),
    ],
    "thr-referral-criteria": [
        (
            "'sections 17, 20, 31 or 47'",
            narrative(
                "threshold.yaml:referral_criteria",
                "Refer under sections 17, 20, 31 or 47 as set out below for each level.",
            ),
        ),
        (
            "'ss.17, 20, 31 and 47'",
            narrative(
                "threshold.yaml:referral_criteria",
                "The criteria for ss.17, 20, 31 and 47 are given level by level below.",
            ),
        ),
    ],
    "stat-independent-scrutiny": [
        (
            "a scrutineer from a university",
            narrative("scrutiny.yaml:scrutineer.organisation", "University of Northmere"),
        ),
        (
            "a scrutineer from a local charity that shares the area's name",
            narrative("scrutiny.yaml:scrutineer.organisation", "Eastvale Citizens Advice Services"),
        ),
    ],
    "stat-have-regard-guidance": [
        (
            "arrangements of June 2023 that follow WT2018, in force then",
            both(
                narrative("partnership.yaml:edition", "wt2018"),
                narrative("partnership.yaml:published_on", dt.date(2023, 6, 1)),
            ),
        ),
    ],
    "rev-lcspr-publish": [
        (
            "a completed review withheld for a stated reason",
            edit(
                "reviews.yaml",
                lambda d: (
                    d["reviews"][0].update(
                        status="completed",
                        not_published_reason="Publication would identify the child's siblings, so the "
                        "partners published a summary of the learning instead.",
                    ),
                    d["reviews"][0].pop("published_on"),
                ),
            ),
        ),
    ],
}
PARA_CASES = [(rid, i) for rid, cases in PARAPHRASES.items() for i in range(len(cases))]


@pytest.mark.parametrize(
    ("rule_id", "n"), PARA_CASES, ids=[f"{r}-{PARAPHRASES[r][i][0]}" for r, i in PARA_CASES]
)
def test_paraphrase_does_not_fail(rule_id: str, n: int, make_content: Any, tmp_path: Path) -> None:
    what, edits = PARAPHRASES[rule_id][n]
    root = make_content(tmp_path, edits=both(SIGNED, edits))
    res = check(root)[rule_id]
    assert res.status == "pass", (what, [p.message for p in res.problems] or res.message)


def test_wt2018_arrangements_checked_against_their_edition(make_content: Any, tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        edits=both(
            SIGNED,
            narrative("partnership.yaml:edition", "wt2018"),
            narrative("partnership.yaml:published_on", dt.date(2023, 6, 1)),
        ),
    )
    assert check(root)["stat-have-regard-guidance"].status == "pass"  # in force in June 2023
    assert check(root, edition="wt2023")["stat-have-regard-guidance"].status == "fail"  # --edition asks more


# ---------------------------------------------------------------------------- unknown facts


UNKNOWN_REVIEWS = edit("reports/2025-26.yaml", lambda d: d.update(reviews={"unknown": "not published"}))
UNKNOWN_TIMESCALE = edit(
    "disputes.yaml", lambda d: d["stages"][0].update(timescale_working_days={"unknown": "not published"})
)


@pytest.mark.parametrize("edition", ["wt2023", "wt2018"])
def test_an_unknown_fact_the_law_needs_fails_the_must_rule_and_is_listed_once(
    edition: str, make_content: Any, tmp_path: Path
) -> None:
    root = make_content(tmp_path, edits=both(SIGNED, UNKNOWN_REVIEWS))
    res = check(root, edition=edition)
    must, should = res["facts-the-law-needs"], res["facts-not-known"]
    assert must.rule.level == "must" and should.rule.level == "should"
    assert must.status == "fail"
    assert [p.message for p in must.problems] == ["reports.2025-26.reviews is not known (not published)"]
    assert should.status == "pass", [p.message for p in should.problems]  # not listed twice
    reasons = blocking_reasons(load_content(root), "yearly-report", "2025-26")
    assert any("facts-the-law-needs" in r for r in reasons), reasons  # the report stays DRAFT


@pytest.mark.parametrize("edition", ["wt2023", "wt2018"])
def test_an_unknown_optional_fact_fails_only_the_should_rule(
    edition: str, make_content: Any, tmp_path: Path
) -> None:
    root = make_content(tmp_path, edits=both(SIGNED, UNKNOWN_TIMESCALE))
    res = check(root, edition=edition)
    assert res["facts-the-law-needs"].status == "pass", res["facts-the-law-needs"].message
    should = res["facts-not-known"]
    assert should.status == "fail"
    assert [p.message for p in should.problems] == [
        "disputes.stages[0].timescale_working_days is not known (not published)"
    ]


# ---------------------------------------------------------------------------- words never decide


@pytest.mark.parametrize(
    ("rule_id", "path", "text"),
    [
        (
            "rev-notify-panel",
            "reviews.yaml:process.notification",
            "The council does not notify the national panel.",
        ),
        (
            "rev-notify-timing",
            "reviews.yaml:process.notification",
            "We notify the Panel within 25 working days; partners hear within 5 working days.",
        ),
        (
            "rev-lcspr-publish",
            "reviews.yaml:process.publication",
            "Review reports are not published on our website.",
        ),
        (
            "thr-referral-criteria",
            "threshold.yaml:referral_criteria",
            "We never use section 17, 20, 31 or 47 here.",
        ),
    ],
)
def test_without_facts_words_need_review_never_met(
    rule_id: str, path: str, text: str, make_content: Any, tmp_path: Path
) -> None:
    drop = (
        narrative("threshold.yaml:statutory_criteria", None)
        if rule_id == "thr-referral-criteria"
        else no_facts()
    )
    root = make_content(tmp_path, edits=both(SIGNED, narrative(path, text), drop))
    res = check(root)[rule_id]
    assert res.status == "needs_review", res.message
    assert res.quotes and text in res.quotes[0].text
    assert res.quotes[0].where.file.endswith(path.split(":")[0]) and res.quotes[0].where.line


def test_markdown_gives_reviewers_a_checklist_quoting_the_text(make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits=both(SIGNED, no_facts()))
    report = run_check(load_content(root), today=TODAY)
    md = format_markdown(report)
    assert "## Needs review: a checklist for reviewers" in md
    assert "- [ ] `rev-notify-panel` (must, partly verified citation)" in md
    assert "    > When a council knows or suspects that a child has been abused" in md
    assert report.exit_code == 0  # needs review never fails the check ...
    assert "to review (text only, never counted as met)" in report.summary()  # ... nor counts as met
    assert "PASSED: no 'must' rule fails, but 2 'must' rules need review by people." in format_text(report)


def test_text_output_leads_with_not_met_then_review_then_deadlines(make_content: Any, tmp_path: Path) -> None:
    stage = edit("disputes.yaml", lambda d: d["stages"][1].update(timescale_working_days=365))
    root = make_content(tmp_path, edits=both(no_facts(), stage))
    text = format_text(run_check(load_content(root), today=dt.date(2026, 4, 15)))
    order = [text.index(h) for h in ("\nNot met (", "\nNeeds review (", "\nDeadlines (", "\nAll rules (")]
    assert order == sorted(order)
    assert "…" not in text  # nothing is cut off


# ---------------------------------------------------------------------------- hollow content


@pytest.fixture(scope="module")
def hollow_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return variants.hollow(tmp_path_factory.mktemp("hollow") / "content")


def _looks_at_narrative(loaded: LoadedContent, rule_id: str) -> bool:
    rule = PACK.rule(rule_id)
    if rule.check is None or not rule.in_force:
        return False
    c = loaded.content
    ctx = CheckContext(c, rule.docs, "wt2023", c.latest_period)
    return any(is_narrative_at(c, loc) for loc in run(rule.check, ctx, rule.params).looked_at)


def test_hollow_content_passes_no_narrative_rule(example: LoadedContent, hollow_root: Path) -> None:
    results = check(hollow_root)
    narrative_rules = [rid for rid in PACK.ids if _looks_at_narrative(example, rid)]
    assert len(narrative_rules) >= 40
    passing = [rid for rid in narrative_rules if results[rid].status != "fail"]
    assert passing == []


def test_hollow_documents_stay_draft(hollow_root: Path) -> None:
    loaded = load_content(hollow_root)
    for doc in ("arrangements", "threshold", "agreement", "yearly-report"):
        reasons = blocking_reasons(loaded, doc)
        assert any("placeholder or hollow text" in r for r in reasons), doc
    lines = document_status_lines(loaded)
    assert lines and all(": DRAFT, because " in line for line in lines)


def test_validate_warns_and_strict_fails_on_hollow_text(hollow_root: Path) -> None:
    runner = CliRunner()
    warn = runner.invoke(main, ["validate", "--content", str(hollow_root)])
    assert warn.exit_code == 0
    text = (hollow_root / "reviews.yaml").read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("  notification:"))
    assert (
        f"reviews.yaml:{line}:17: warning: process.notification: only points elsewhere ('See our website'); "
        "say it here" in warn.output
    )
    strict = runner.invoke(main, ["validate", "--content", str(hollow_root), "--strict"])
    assert strict.exit_code == 2
    assert "reviews.yaml:" in strict.output and "Traceback" not in strict.output


def test_the_example_has_no_hollow_text(example_root: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--content", str(example_root), "--strict"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "narrative", "why"),
    [
        ("N/A", False, "is a placeholder"),
        ("-", False, "is a placeholder"),
        ("TBC", False, "is a placeholder"),
        ("To follow.", True, "is a placeholder"),
        ("Vacant", False, "is a placeholder"),
        ("Placeholder text for the chair", True, "is a placeholder"),
        ("Lorem ipsum dolor sit amet, consectetur", True, "still holds a placeholder"),
        ("See our website.", True, "only points elsewhere"),
        ("See website", True, "only points elsewhere"),
        ("Details on the partnership website.", True, "only points elsewhere"),
        ("https://safeguarding.example.org/reviews", True, "is only a link"),
        ("Quarterly.", True, "is too short"),
        ("The executive meets every six weeks and decides on rapid reviews.", True, None),
        ("Chief Executive", False, None),
        ("Website, systems and communications", False, None),
    ],
)
def test_hollow_detector(text: str, narrative: bool, why: str | None) -> None:
    got = hollow(text, narrative=narrative)
    assert (got is None) if why is None else (got is not None and got.startswith(why)), got


def test_fixed_choices_and_ids_are_not_judged_as_text(make_content: Any, tmp_path: Path) -> None:
    from masa_docs.substance import content_hollow_fields

    root = make_content(
        tmp_path, edits=edit("reviews.yaml", lambda d: d["reviews"][0].update(decision="pending"))
    )
    found = {h.loc for h in content_hollow_fields(load_content(root).content)}
    assert ("reviews", "reviews", 0, "decision") not in found  # 'pending' is a choice, not a placeholder


def test_publish_prints_each_documents_status(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    from masa_docs.load import document_fingerprint, load_content
    from variants import copy_example

    root = copy_example(tmp_path / "content")
    # Record the arrangements' signatures with the fingerprint of the version signed.
    fingerprint = document_fingerprint(load_content(root), "arrangements")
    yaml = YAML()
    path = root / "signatures.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    for entry in data["arrangements"]:
        entry["fingerprint"] = fingerprint
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    result = CliRunner().invoke(
        main, ["publish", "--content", str(root), "--out", str(tmp_path / "build"), "--format", "html"]
    )
    assert result.exit_code == 0, result.output
    assert "arrangements: FINAL" in result.output
    assert "agreement: DRAFT, because awaiting signature by Chief Constable of Northmere Constabulary;" in (
        result.output
    )


def test_rules_json_lists_every_rule() -> None:
    import json

    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    data = json.loads(result.output)
    assert data["edition"]["id"] == "wt2023" and data["count"] == len(PACK.rules)
    rules = {r["id"]: r for r in data["rules"]}
    assert rules["stat-info-requests"]["level"] == "should"  # s.16H is a power
    assert rules["stat-funding-powers"]["level"] == "should"  # s.16I
    assert rules["stat-combined-areas"]["level"] == "should"  # s.16J is permissive
    assert (
        rules["rev-lac-death"]["level"] == "should" and rules["rev-lac-death"]["confidence"] == "unverified"
    )
    assert (
        "WT2023 ch.5" in rules["rev-notify-timing"]["source"]
        and "WT2018 ch.4" in rules["rev-notify-timing"]["source"]
    )
    assert rules["stat-relevant-agency-def"]["confidence"] == "partial"
    assert rules["lead-lsp-signoff"]["docs"] == ["arrangements"]
    assert rules["stat-yearly-report"]["level"] == "must" and rules["yr-contents"]["level"] == "should"


# ------------------------------------------------------------------ a threshold without levels


def test_a_threshold_without_levels_meets_the_threshold_rules_and_a_hollow_one_does_not(
    tmp_path: Path,
) -> None:
    """An approach without numbered levels is lawful: the threshold rules read its framework
    (description, routes to help) instead of levels; hollow routes fail them."""
    import shutil

    from masa_docs.example import example_dir

    root = tmp_path / "no-levels"
    shutil.copytree(example_dir().parent / "examples" / "no-levels", root)
    results = check(root)
    assert results["thr-publish"].status == "pass", results["thr-publish"].message
    assert results["thr-early-help"].status == "pass", results["thr-early-help"].message

    def hollow_routes(d: Any) -> Any:
        for route in d["framework"]["routes"]:
            route["when"] = "TBC"
            route["what_happens"] = "See our website."
        return d

    path = root / "threshold.yaml"
    path.write_text(yaml_edit(hollow_routes)(path.read_text(encoding="utf-8")), encoding="utf-8")
    results = check(root)
    assert results["thr-publish"].status == "fail"
    assert results["thr-early-help"].status == "fail"
