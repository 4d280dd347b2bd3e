"""The rule packs (data) and local rules: complete, cited, paraphrased, strictly validated."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from masa_docs.check import evaluate, run_check
from masa_docs.cli import main
from masa_docs.documents import DOCUMENTS
from masa_docs.errors import ContentError
from masa_docs.load import LoadedContent, load_content
from masa_docs.rules import EDITIONS, load_local_rules, load_pack, parse_path
from masa_docs.rules.checks import CHECKS, text_problem

# The requirements block of the shared statutory reference, kept in the repository (see its header).
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "statutory-requirements.yaml"

# The requirement ids of statutory-requirements.md, frozen here so the test also runs where the
# reference is not checked out; test_reference_ids_unchanged keeps the two in step.
REFERENCE_IDS = [
    "stat-duty-to-arrange",
    "stat-identify-respond-needs",
    "stat-partner-identity",
    "stat-relevant-agency-def",
    "stat-independent-scrutiny",
    "stat-publish-arrangements",
    "stat-yearly-report",
    "stat-lcspr-arrangements",
    "stat-info-requests",
    "stat-funding-powers",
    "stat-combined-areas",
    "stat-have-regard-guidance",
    "lead-lsp-identity",
    "lead-lsp-functions",
    "lead-lsp-signoff",
    "lead-dsp-named",
    "lead-dsp-seniority",
    "lead-lsp-retains-accountability",
    "lead-partnership-chair",
    "arr-geography",
    "arr-how-partners-work",
    "arr-relevant-agencies",
    "arr-education",
    "arr-youth-custody-residential",
    "arr-scrutiny-plan",
    "arr-reviews-process",
    "arr-data",
    "arr-training",
    "arr-funding",
    "arr-threshold-link",
    "arr-child-voice",
    "scr-role",
    "scr-checks",
    "scr-critical-friend",
    "scr-docs-input",
    "agr-funding-equitable",
    "agr-funding-transparent-sufficient",
    "agr-dispute-resolution",
    "agr-info-sharing",
    "agr-dsp-team",
    "yr-accessible",
    "yr-focus",
    "yr-impact-evidence",
    "yr-little-progress",
    "yr-review-actions",
    "yr-child-family-feedback",
    "yr-send-national",
    "yr-wt2023-extras",
    "thr-publish",
    "thr-early-help",
    "thr-referral-criteria",
    "thr-procedures",
    "thr-signoff",
    "rev-notify-panel",
    "rev-notify-timing",
    "rev-lac-death",
    "rev-rapid-review",
    "rev-rapid-to-panel",
    "rev-lcspr-publish",
    "future-designated-edu-agencies",
    "future-macpt",
]
# Practice points of the seeds (shared/seeds/004: a law-firm briefing) that the reference lacks.
SEED_IDS = ["agr-liabilities", "agr-insurance", "agr-delegation-trail", "agr-report-preparation"]
# Good practice for the easy-read versions (issue 19), not a statutory requirement.
EASY_READ_IDS = ["easy-read-reading-age"]
# Requirements the audit (reference, corrections section) asked to check one by one.
SPLIT_IDS = ["yr-contents", "lead-lsp-signoff-yearly-report", "lead-lsp-signoff-budget", "agr-signoff"]
# The gaps the Act itself needs filled (split from facts-not-known: a must, issue 10).
SPLIT_IDS += ["facts-the-law-needs"]
# House rules of masa-docs itself (truthful publication), in neither source.
HOUSE_IDS = ["facts-not-known"]
CONFIDENCE_MAP = {
    "primary": "verified",
    "secondary": "partial",
    "partial": "partial",
    "unverified": "unverified",
}


def reference_requirements() -> list[dict[str, Any]]:
    return list(YAML(typ="safe").load(REFERENCE.read_text(encoding="utf-8"))["requirements"])


def test_reference_ids_unchanged() -> None:
    assert [r["id"] for r in reference_requirements()] == REFERENCE_IDS


def test_every_reference_requirement_is_a_wt2023_rule() -> None:
    ids = load_pack("wt2023").ids
    missing = [i for i in REFERENCE_IDS + SEED_IDS + HOUSE_IDS if i not in ids]
    assert not missing
    assert len(ids) == (
        len(REFERENCE_IDS) + len(SEED_IDS) + len(SPLIT_IDS) + len(EASY_READ_IDS) + len(HOUSE_IDS)
    )
    assert set(SPLIT_IDS) <= set(ids)


# The reference's "Corrections after an audit of the rule pack" section stands over its YAML
# block: powers and permissive sections are "should", the looked-after child's death is guidance
# with an unverified source, and the schedule is only partly verified.
CORRECTED: dict[str, dict[str, str]] = {
    "stat-info-requests": {"level": "should"},
    "stat-funding-powers": {"level": "should"},
    "stat-combined-areas": {"level": "should"},
    "rev-lac-death": {"level": "should", "basis": "guidance", "verified": "unverified"},
    "stat-relevant-agency-def": {"verified": "partial"},
}
# ... and the sign-off is checked one document at a time.
SPLIT_DOCS = {
    "lead-lsp-signoff": ["lead-lsp-signoff", "lead-lsp-signoff-yearly-report", "thr-signoff", "agr-signoff"],
}


def test_rules_carry_the_references_level_and_confidence() -> None:
    pack = load_pack("wt2023")
    assert "# ## Corrections after an audit of the rule pack" in REFERENCE.read_text(encoding="utf-8")
    for ref in reference_requirements():
        ref = {**ref, **CORRECTED.get(ref["id"], {})}
        rule = pack.rule(ref["id"])
        assert rule.level == ref["level"], rule.id
        assert rule.basis == ref["basis"], rule.id
        assert rule.reference_verified == ref["verified"], rule.id
        assert rule.confidence == CONFIDENCE_MAP[ref["verified"]], rule.id
        docs = {d for rid in SPLIT_DOCS.get(rule.id, [rule.id]) for d in pack.rule(rid).docs}
        assert docs >= {d.replace("_", "-") for d in ref["doc"]}, rule.id


def test_requirements_are_paraphrased_not_copied() -> None:
    pack = load_pack("wt2023")
    for ref in reference_requirements():
        ours, theirs = pack.rule(ref["id"]).requirement.lower(), str(ref["req"]).lower()
        match = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).find_longest_match()
        assert match.size < 45, (ref["id"], ours[match.a : match.a + match.size])


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_pack_is_well_formed(edition: str) -> None:
    pack = load_pack(edition)
    assert pack.edition == edition and pack.title == EDITIONS[edition]
    assert len(set(pack.ids)) == len(pack.ids)
    for rule in pack.rules:
        assert rule.check in CHECKS, rule.id
        assert rule.source and rule.requirement
        if rule.reference_verified is not None:
            assert rule.confidence == CONFIDENCE_MAP[rule.reference_verified], rule.id
        for doc in rule.docs:
            if DOCUMENTS[doc].sections:  # every document with sections names the one that meets the rule
                sid = rule.section_for(doc)
                assert sid is not None, (rule.id, doc)
                DOCUMENTS[doc].section(sid)
        if rule.id.startswith("future-"):
            assert not rule.in_force


def test_wt2018_has_no_lsp_dsp_or_chair_checks() -> None:
    pack = load_pack("wt2018")
    checks = {r.check for r in pack.rules}
    assert not checks & {"lsp_seniority", "lsp_leadership", "dsp_named", "dsp_group"}
    assert not [
        r.id for r in pack.rules if r.id in ("lead-partnership-chair", "lead-lsp-signoff", "thr-signoff")
    ]
    for rule in pack.rules:
        assert "lead safeguarding" not in rule.requirement.lower(), rule.id
        assert "WT2023 ch" not in rule.source or "not confirmed" in rule.source, rule.id
    assert pack.rule("stat-partner-identity").params == {"accept_ccg": True}


def test_ccg_is_accepted_only_under_wt2018(example: LoadedContent, make_content: Any, tmp_path: Path) -> None:
    from conftest import yaml_edit

    def ccg(data: Any) -> None:
        next(p for p in data if p["kind"] == "icb")["legal_name"] = (
            "NHS Northmere Clinical Commissioning Group"
        )

    loaded = load_content(make_content(tmp_path, edits={"partners.yaml": yaml_edit(ccg)}))
    assert evaluate(load_pack("wt2023").rule("stat-partner-identity"), loaded).status == "fail"
    assert (
        evaluate(load_pack("wt2018").rule("stat-partner-identity"), loaded, edition="wt2018").status == "pass"
    )


def test_unknown_edition_is_a_user_error() -> None:
    from masa_docs.errors import MasaError

    with pytest.raises(MasaError, match="no rule pack for edition 'wt2025'"):
        load_pack("wt2025")


# ---------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("The partners meet four times a year.", None),
        ("TBC", "is a placeholder ('TBC')"),
        ("Dates to be confirmed by the executive.", "still holds a placeholder ('to be confirmed')"),
        ("Lorem ipsum dolor sit amet", "still holds a placeholder ('Lorem ipsum')"),
        ("[Insert the funding formula here]", "still holds a placeholder ('[Insert')"),
        ("Yes.", "is too short to say anything (1 word)"),
        ("", "is empty"),
        (None, "is missing"),
        ([], "is empty"),
    ],
)
def test_text_problem(text: Any, problem: str | None) -> None:
    assert text_problem(text) == problem


def test_parse_path() -> None:
    assert parse_path("partners[*].dsp.name") == ["partners", "*", "dsp", "name"]
    assert parse_path("report.metrics[0].values") == ["report", "metrics", 0, "values"]
    for bad in ("", "partners..name", "partners[x]", " data.approach"):
        with pytest.raises(ValueError):
            parse_path(bad)


def test_rules_never_fail_when_not_in_force_or_manual(example: LoadedContent) -> None:
    report = run_check(example, deadlines=False)
    for res in report.results:
        if not res.rule.in_force:
            assert res.status == "not_in_force"
        elif res.rule.check == "manual":
            assert res.status == "manual"


# ---------------------------------------------------------------------------- local rules

LOCAL_OK = """\
rules:
  - id: local-early-help-metrics
    docs: [arrangements]
    requirement: The data set has at least three measures, each with a source.
    source: Northmere and Eastvale early help strategy 2025, section 4
    level: should
    require: ["data.metrics[*].source"]
    min_items: {data.metrics: 3}
    sections: {arrangements: data}
  - id: local-chair-term
    docs: [arrangements, agreement]
    requirement: The partnership chair's term is recorded.
    source: Partnership terms of reference
    level: must
    require: [partnership.chair.term_ends]
deadlines:
  yearly_report_months_after_period_end: 6
"""


def test_local_rules_are_evaluated_and_listed(make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits={"rules.yaml": LOCAL_OK})
    loaded = load_content(root)
    report = run_check(loaded, deadlines=False)
    local = {r.rule.id: r for r in report.results if r.rule.origin == "local"}
    assert set(local) == {"local-early-help-metrics", "local-chair-term"}
    assert all(r.status == "pass" for r in local.values())
    assert local["local-early-help-metrics"].rule.confidence == "verified"
    assert local["local-early-help-metrics"].rule.basis == "local"
    from masa_docs.check import compliance_matrix

    assert "local-early-help-metrics" in {r.rule_id for r in compliance_matrix(loaded, "arrangements")}


def test_failing_local_must_rule_fails_the_check(make_content: Any, tmp_path: Path) -> None:
    from conftest import replace_once

    root = make_content(
        tmp_path,
        edits={
            "rules.yaml": LOCAL_OK.replace("min_items: {data.metrics: 3}", "min_items: {data.metrics: 99}"),
            "partnership.yaml": replace_once("  term_ends: 2027-03-31\n", ""),
        },
    )
    result = CliRunner().invoke(main, ["check", "--content", str(root), "--today", "2026-04-15", "--strict"])
    assert result.exit_code == 1
    assert "  local-chair-term  [must," in result.output
    assert "  local-early-help-metrics  [should," in result.output
    assert "at least 99 required" in result.output


def test_local_deadline_target(make_content: Any, tmp_path: Path) -> None:
    import datetime as dt

    root = make_content(tmp_path, edits={"rules.yaml": LOCAL_OK})
    report = run_check(load_content(root), today=dt.date(2026, 4, 15))
    target = next(d for d in report.deadlines if d.id == "yearly-report-local-target")
    assert target.due == dt.date(2027, 9, 30)  # period 2026-27 ends 31 March 2027, + 6 months
    assert target.confidence == "local"
    assert target.where is not None and target.where.file.endswith("rules.yaml")


def _local_problems(make_content: Any, tmp_path: Path, text: str) -> list[str]:
    root = make_content(tmp_path, edits={"rules.yaml": text})
    with pytest.raises(ContentError) as info:
        load_local_rules(root, frozenset(load_pack().ids))
    return [d.format() for d in info.value.diagnostics]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    level: should\n", "    level: should\n    colour: blue\n"),
            r"rules\.yaml:7:5: rules\[0\]\.colour: unknown key 'colour'",
        ),
        (
            ("    level: should\n", "    level: shall\n"),
            r"rules\.yaml:6:12: rules\[0\]\.level: input should be 'must' or 'should'",
        ),
        (
            ("local-chair-term", "stat-yearly-report"),
            r"rules\.yaml:10:9: rules\[1\]\.id: 'stat-yearly-report' is a rule of the shipped",
        ),
        (
            ("  - id: local-chair-term", "  - id: local-early-help-metrics"),
            r"rules\.yaml:10:9: rules\[1\]\.id: duplicate rule id",
        ),
        (
            ("{arrangements: data}", "{arrangements: dataset}"),
            r"rules\[0\]\.sections: .*arrangements has no section 'dataset'",
        ),
        (
            ("docs: [arrangements]", "docs: [arangements]"),
            r"rules\[0\]\.docs: .*unknown document 'arangements'",
        ),
        (
            ("[partnership.chair.term_ends]", "[partnership..chair]"),
            r"rules\[1\]\.require\[0\]: .*not a valid part",
        ),
        (
            ("    require: [partnership.chair.term_ends]\n", "    check: filed_in\n"),
            r"rules\[1\]\.check: unknown check 'filed_in' \(did you mean 'filled_in'\?\)",
        ),
        (
            ("  yearly_report_months_after_period_end: 6", "  yearly_report_months: 6"),
            r"deadlines\.yearly_report_months: unknown key",
        ),
    ],
)
def test_local_rules_are_validated_strictly(
    make_content: Any, tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in LOCAL_OK
    problems = _local_problems(make_content, tmp_path, LOCAL_OK.replace(old, new, 1))
    assert any(re.search(expected, p) for p in problems), problems


def test_invalid_local_rules_exit_2(make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits={"rules.yaml": LOCAL_OK.replace("level: must", "level: maybe")})
    result = CliRunner().invoke(main, ["check", "--content", str(root)])
    assert result.exit_code == 2
    assert "rules.yaml:" in result.output and "rules[1].level" in result.output


def test_unknown_field_in_a_local_path_is_located(make_content: Any, tmp_path: Path) -> None:
    text = LOCAL_OK.replace("data.metrics[*].source", "data.metrix")
    problems = _local_problems(make_content, tmp_path, text)
    assert any(
        re.search(
            r"rules\.yaml:7:15: rules\[0\]\.require\[0\]: there is no field 'metrix' in data "
            r"\(did you mean 'metrics'\?\)",
            p,
        )
        for p in problems
    ), problems


def test_cli_edition_choices_match_the_packs() -> None:
    from masa_docs.cli.check import EDITION_CHOICES

    assert sorted(EDITION_CHOICES) == sorted(EDITIONS)
