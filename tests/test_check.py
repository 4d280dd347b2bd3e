"""`masa-docs check`: every rule passes on the example and fails on a patched copy of it.

Each failing case changes the example in one small way and runs the real command; the test
asserts that it exits 1 (with --strict for a "should" rule) and names the rule under "Not met".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from conftest import replace_once, yaml_edit
from masa_docs.check import blocking_reasons, compliance_matrix, run_check, summary_line
from masa_docs.cli import main
from masa_docs.load import LoadedContent, load_content
from masa_docs.rules import load_pack

TODAY = "2026-04-15"
PACK = load_pack("wt2023")
NOT_FAILABLE = {  # checked by people, or not yet in force: they never fail
    r.id for r in PACK.rules if r.check == "manual" or not r.in_force
}

# ---------------------------------------------------------------------------- edits


def at(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if part.isdigit() else data[part]
    return data


def set_(file: str, path: str, value: Any) -> dict[str, Callable[[str], str]]:
    """Edit ``file`` so the value at dotted ``path`` is ``value`` (None deletes the key)."""

    def change(data: Any) -> None:
        *head, last = path.split(".")
        parent = at(data, ".".join(head)) if head else data
        key: Any = int(last) if last.isdigit() else last
        if value is None:
            del parent[key]
        else:
            parent[key] = value

    return {file: yaml_edit(change)}


def change(file: str, fn: Callable[[Any], None]) -> dict[str, Callable[[str], str]]:
    return {file: yaml_edit(fn)}


def sub_all(file: str, pattern: str, repl: str) -> dict[str, Callable[[str], str]]:
    def edit(text: str) -> str:
        new, n = re.subn(pattern, repl, text, flags=re.IGNORECASE)
        assert n, f"{pattern!r} not found in {file}"
        return new

    return {file: edit}


def _partner(data: Any, kind: str) -> Any:
    return next(p for p in data if p["kind"] == kind)


def _current(partner: Any) -> Any:
    return next(d for d in partner["delegations"] if "ended_on" not in d)


def _rename_dsp(data: Any) -> None:
    p = data[0]
    p["dsp"]["name"] = p["lsp"]["name"]
    _current(p)["delegate"] = p["lsp"]["name"]


def _drop_contribution(data: Any) -> None:
    year = data["years"][-1]
    police = next(c for c in year["contributions"] if c["partner"] == "northmere-police")
    year["total"] = float(Decimal(str(year["total"])) - Decimal(str(police["amount"])))
    year["contributions"].remove(police)


def _overspend(data: Any) -> None:
    line = data["years"][-1]["expenditure"][0]
    line["planned"] = float(Decimal(str(line["planned"])) + Decimal("5000000"))


def _without(key: str, partner: str) -> Callable[[Any], None]:
    def fn(data: Any) -> None:
        data[key] = [x for x in data[key] if x["partner"] != partner]

    return fn


def _no_education_agencies(data: Any) -> None:
    for a in data["relevant_agencies"]:
        if a["category"] in (
            "maintained_school_governing_body",
            "academy_school_proprietor",
            "further_education_institution_governing_body",
            "registered_childcare_or_childminder_agency",
        ):
            a["category"] = "nhs_trust"


def _one_method(data: Any) -> None:
    for a in data["activities"]:
        a["method"] = "Observation"


def _delegation_gap(data: Any) -> None:
    p = next(p for p in data if len(p["delegations"]) > 1)
    ended = next(d for d in p["delegations"] if "ended_on" in d)
    ended["ended_on"] = ended["effective_from"] + dt.timedelta(days=1)


def _at_risk_without_analysis(data: Any) -> None:
    pr = next(p for p in data["priorities"] if p["status"] in ("at_risk", "off_track"))
    pr.pop("analysis", None)


def _facts(section: str, **values: Any) -> dict[str, Callable[[str], str]]:
    """Set typed facts in reviews.yaml ``facts.<section>``."""
    return change("reviews.yaml", lambda d: d["facts"][section].update(values))


def _signed_then(fn: Callable[[Any], None]) -> dict[str, Callable[[str], str]]:
    """Sign every document (SIGN_ALL), then apply ``fn`` to signatures.yaml."""

    def edit(d: Any) -> None:
        _sign_all(d)
        fn(d)

    return {"signatures.yaml": yaml_edit(edit)}


def _sign_all(d: Any) -> None:
    d["agreement"].append({"partner": "northmere-police", "signed_on": dt.date(2026, 3, 20)})
    d["yearly_report"]["2025-26"] = [
        {"partner": p, "signed_on": dt.date(2026, 9, 20)}
        for p in ("northmere-council", "eastvale-council", "nev-icb", "northmere-police")
    ]


NOTIFY = "reviews.yaml"
REPORT = "reports/2025-26.yaml"
TBC = "TBC"

FAILING: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "stat-duty-to-arrange": (
        change("partnership.yaml", lambda d: d.update(status="ended", ends_on=dt.date(2027, 3, 31))),
        (),
    ),
    "stat-identify-respond-needs": (set_("data.yaml", "approach", TBC), ()),
    "stat-partner-identity": (
        change("partners.yaml", lambda d: _partner(d, "icb").update(legal_name="NHS Northmere CCG")),
        (),
    ),
    "stat-independent-scrutiny": (
        set_("scrutiny.yaml", "scrutineer.organisation", "Northmere Borough Council"),
        (),
    ),
    "stat-publish-arrangements": (set_("partnership.yaml", "status", "draft"), ()),
    "stat-yearly-report": (set_(REPORT, "start", dt.date(2025, 5, 1)), ()),
    "stat-lcspr-arrangements": (set_(NOTIFY, "process.lcspr", TBC), ()),
    "stat-info-requests": (set_("information-sharing.yaml", "information_requests", "To be confirmed."), ()),
    "stat-funding-powers": (set_("agreement.yaml", "staffing_and_hosting", "TODO"), ()),
    "stat-combined-areas": (set_("partnership.yaml", "areas.1.description", None), ()),
    "stat-have-regard-guidance": (set_("partnership.yaml", "edition", "wt2018"), ("--edition", "wt2023")),
    "lead-lsp-identity": (set_("partners.yaml", "0.lsp.title", "Director of Children's Services"), ()),
    "lead-lsp-functions": (set_("governance.yaml", "groups.0.decides", []), ()),
    "lead-lsp-signoff": ({"signatures.yaml": None}, ()),
    "lead-lsp-signoff-yearly-report": (
        _signed_then(lambda d: d["yearly_report"]["2025-26"][0].update(signatory="Deputy Clerk")),
        (),
    ),
    "lead-lsp-signoff-budget": (set_("funding.yaml", "years.1.approved_on", None), ()),
    "agr-signoff": (_signed_then(lambda d: d["agreement"][0].update(signed_on=dt.date(2030, 1, 1))), ()),
    "yr-contents": (set_(REPORT, "review_actions", "N/A"), ()),
    "lead-dsp-named": (change("partners.yaml", _rename_dsp), ()),
    "lead-dsp-seniority": (change("partners.yaml", lambda d: _current(d[0]).update(instrument=TBC)), ()),
    "lead-lsp-retains-accountability": (
        change("partners.yaml", lambda d: _current(d[0]).update(limits=TBC)),
        (),
    ),
    "lead-partnership-chair": (set_("partnership.yaml", "chair.selection", "To be agreed."), ()),
    "arr-geography": (set_("partnership.yaml", "areas.0.description", None), ()),
    "arr-how-partners-work": (set_("governance.yaml", "groups.2.reports_to", None), ()),
    "arr-relevant-agencies": (set_("agencies.yaml", "relevant_agencies.0.reason", TBC), ()),
    "arr-education": (change("agencies.yaml", _no_education_agencies), ()),
    "arr-youth-custody-residential": (
        set_("agencies.yaml", "youth_custody_and_residential.approach", TBC),
        (),
    ),
    "arr-scrutiny-plan": (set_("scrutiny.yaml", "acting_on_findings", TBC), ()),
    "arr-reviews-process": (set_(NOTIFY, "process.learning", TBC), ()),
    "arr-data": (set_("data.yaml", "metrics.0.definition", TBC), ()),
    "arr-training": (set_("training.yaml", "audits", []), ()),
    "arr-funding": (set_("funding.yaml", "payment_terms", TBC), ()),
    "arr-threshold-link": (set_("threshold.yaml", "introduction", TBC), ()),
    "arr-child-voice": (set_("voice.yaml", "how_used", TBC), ()),
    "scr-role": (change("scrutiny.yaml", _one_method), ()),
    "scr-checks": (set_(REPORT, "scrutiny.response", TBC), ()),
    "scr-critical-friend": (set_("disputes.yaml", "scrutineer_role", TBC), ()),
    "scr-docs-input": (set_("scrutiny.yaml", "review_of_arrangements", TBC), ()),
    "agr-funding-equitable": (change("funding.yaml", _drop_contribution), ()),
    "agr-funding-transparent-sufficient": (change("funding.yaml", _overspend), ()),
    "agr-dispute-resolution": (change("disputes.yaml", lambda d: d.update(stages=d["stages"][:1])), ()),
    "facts-not-known": (
        set_("disputes.yaml", "stages.0.timescale_working_days", {"unknown": "not published"}),
        (),
    ),
    "facts-the-law-needs": (set_(REPORT, "reviews", {"unknown": "not published"}), ()),
    "agr-info-sharing": (change("information-sharing.yaml", _without("controllers", "northmere-police")), ()),
    "agr-dsp-team": (set_("governance.yaml", "groups.1.reports_to", None), ()),
    "agr-liabilities": (set_("liabilities.yaml", "indemnities", TBC), ()),
    "agr-insurance": (change("liabilities.yaml", _without("insurance", "northmere-police")), ()),
    "agr-delegation-trail": (change("partners.yaml", _delegation_gap), ()),
    "agr-report-preparation": (set_("governance.yaml", "yearly_report.approved_by", "executive"), ()),
    "yr-accessible": (set_(REPORT, "summary", TBC), ()),
    "easy-read-reading-age": (set_("plain-language.yaml", "target_reading_age", 7), ()),
    "yr-focus": (set_(REPORT, "priorities.0.evidence", TBC), ()),
    "yr-impact-evidence": (set_(REPORT, "metrics", []), ()),
    "yr-little-progress": (change(REPORT, _at_risk_without_analysis), ()),
    "yr-review-actions": (set_(REPORT, "review_actions", TBC), ()),
    "yr-child-family-feedback": (set_(REPORT, "voice.changes", TBC), ()),
    "yr-wt2023-extras": (set_(REPORT, "education", TBC), ()),
    "thr-publish": (set_("threshold.yaml", "principles", TBC), ()),
    "thr-early-help": (set_("threshold.yaml", "early_help", TBC), ()),
    "thr-referral-criteria": (set_("threshold.yaml", "statutory_criteria", ["s17", "s20", "s47"]), ()),
    "thr-procedures": (set_("threshold.yaml", "procedures.disabled_children", TBC), ()),
    "thr-signoff": (set_("signatures.yaml", "threshold", []), ()),
    "rev-notify-panel": (_facts("notification", notifies=["safeguarding_partners"]), ()),
    "rev-notify-timing": (_facts("notification", within_working_days=25), ()),
    "rev-lac-death": (_facts("notification", includes_looked_after_child_deaths=False), ()),
    "rev-rapid-review": (_facts("rapid_review", within_working_days=30), ()),
    "rev-rapid-to-panel": (_facts("rapid_review", sent_to_panel=False), ()),
    "rev-lcspr-publish": (set_(NOTIFY, "process.publication", TBC), ()),
}

# The example deliberately leaves the agreement and the 2025-26 report unsigned (it shows a draft);
# signing them makes the sign-off rules pass.
SIGN_ALL = {"signatures.yaml": yaml_edit(_sign_all)}
PASSING_EDITS: dict[str, dict[str, Any]] = {
    "lead-lsp-signoff-yearly-report": SIGN_ALL,
    "agr-signoff": SIGN_ALL,
}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def not_met_section(output: str) -> str:
    start = output.find("Not met (")
    if start < 0:
        return ""
    end = min(
        i
        for i in (
            output.find("\nNeeds review", start),
            output.find("\nDeadlines", start),
            output.find("\nAll rules", start),
            len(output),
        )
        if i > 0
    )
    return output[start:end]


# ---------------------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def signed_example(tmp_path_factory: pytest.TempPathFactory) -> LoadedContent:
    from conftest import copy_content

    root = copy_content(tmp_path_factory.mktemp("signed") / "content", SIGN_ALL)
    return load_content(root)


def test_every_rule_has_a_failing_case() -> None:
    failable = {r.id for r in PACK.rules} - NOT_FAILABLE
    assert set(FAILING) | {"stat-relevant-agency-def"} == failable


def test_check_on_the_example_passes_and_lists_every_rule(example_root: Path) -> None:
    result = invoke("--content", str(example_root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    for rule in PACK.rules:
        assert re.search(rf"^\S.*\b{re.escape(rule.id)}\b", result.output, re.M), rule.id
    assert "PASSED: every 'must' rule is met" in result.output


def test_text_table_fits_100_columns(example_root: Path) -> None:
    result = invoke("--content", str(example_root), "--today", TODAY)
    assert max(len(line) for line in result.output.splitlines()) <= 100


@pytest.mark.parametrize("rule_id", [r.id for r in PACK.rules])
def test_rule_holds_on_the_example(
    rule_id: str, example: LoadedContent, signed_example: LoadedContent
) -> None:
    from masa_docs.check import evaluate

    loaded = signed_example if rule_id in PASSING_EDITS else example
    res = evaluate(PACK.rule(rule_id), loaded)
    expected = "manual" if PACK.rule(rule_id).check == "manual" else "pass"
    if not PACK.rule(rule_id).in_force:
        expected = "not_in_force"
    assert res.status == expected, [p.message for p in res.problems] or res.message


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_rule_fails_on_a_patched_example(rule_id: str, make_content: Any, tmp_path: Path) -> None:
    edits, extra = FAILING[rule_id]
    root = make_content(tmp_path, edits=edits)
    rule = PACK.rule(rule_id)
    args = ["--content", str(root), "--today", TODAY, *extra]
    if rule.level == "should":
        args.append("--strict")
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert f"  {rule_id}  [{rule.level}," in not_met_section(result.output), result.output


def test_relevant_agency_outside_the_schedule_fails(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loader already refuses a category missing from the schedule (exit 2), so this simulates a
    # schedule that no longer lists one of the example's categories.
    from masa_docs.model.schedule import schedule
    from masa_docs.rules import checks

    reduced = {k: v for k, v in schedule().items() if k != "cafcass"}
    monkeypatch.setattr(checks, "schedule", lambda: reduced)
    result = invoke("--content", str(content_copy), "--today", TODAY)
    assert result.exit_code == 1
    section = not_met_section(result.output)
    assert "  stat-relevant-agency-def  [must," in section
    assert "agencies.yaml:" in section and "'cafcass'" in section


def test_must_failure_exits_1_without_strict_and_should_only_with_strict(
    make_content: Any, tmp_path: Path
) -> None:
    root = make_content(tmp_path, edits=FAILING["arr-child-voice"][0])
    assert invoke("--content", str(root), "--today", TODAY).exit_code == 0
    assert invoke("--content", str(root), "--today", TODAY, "--strict").exit_code == 1


def test_failure_is_located_file_line_column(make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits=set_("scrutiny.yaml", "acting_on_findings", TBC))
    text = (root / "scrutiny.yaml").read_text()
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("acting_on_findings:"))
    result = invoke("--content", str(root), "--today", TODAY, "--strict")
    assert re.search(
        rf"scrutiny\.yaml:{line}:\d+ acting_on_findings\n +scrutiny.acting_on_findings is a "
        r"placeholder \('TBC'\)",
        result.output,
    )


def test_invalid_content_exits_2(make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits={"partnership.yaml": replace_once("short_name:", "shortname:")})
    result = CliRunner().invoke(main, ["check", "--content", str(root)])
    assert result.exit_code == 2
    assert "unknown key 'shortname'" in result.output


def test_unknown_period_exits_2(example_root: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(example_root), "--period", "2030-31"])
    assert result.exit_code == 2
    assert "no yearly report for period '2030-31'" in result.output


# ---------------------------------------------------------------------------- formats


def _schema() -> dict[str, Any]:
    text = resources.files("masa_docs.data").joinpath("check-report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_json_report_validates_against_the_shipped_schema(
    example_root: Path, make_content: Any, tmp_path: Path
) -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    failing = make_content(tmp_path / "a", edits=FAILING["rev-notify-panel"][0])
    no_facts = make_content(tmp_path / "b", edits=set_("reviews.yaml", "facts", None))
    for root, code in ((example_root, 0), (failing, 1), (no_facts, 0)):
        result = invoke("--content", str(root), "--today", TODAY, "--format", "json")
        assert result.exit_code == code
        data = json.loads(result.output)
        jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
        assert data["exit_code"] == code and data["passed"] is (code == 0)
        assert [r["id"] for r in data["rules"]] == PACK.ids
        assert data["counts"]["rules"] == len(PACK.rules)


def test_json_carries_confidence_and_location(example_root: Path) -> None:
    data = json.loads(invoke("--content", str(example_root), "--today", TODAY, "--format", "json").output)
    rules = {r["id"]: r for r in data["rules"]}
    assert rules["stat-have-regard-guidance"]["confidence"] == "unverified"
    assert rules["stat-have-regard-guidance"]["reference_verified"] == "unverified"
    assert rules["stat-duty-to-arrange"]["confidence"] == "verified"
    assert rules["future-macpt"]["status"] == "not_in_force"
    assert rules["yr-send-national"]["status"] == "manual"
    where = rules["stat-independent-scrutiny"]["where"][0]
    assert where["file"].endswith("scrutiny.yaml") and where["line"] >= 1
    by_level = data["counts"]["by_level"]
    assert by_level["must"]["fail"] == 0


def test_markdown_report(example_root: Path, make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits=FAILING["rev-notify-panel"][0])
    result = invoke("--content", str(root), "--today", TODAY, "--format", "markdown")
    assert result.exit_code == 1
    out = result.output
    assert out.startswith("# Compliance check: ")
    assert "| Rule | Status | Level | Where in the content | Source | Citation |" in out
    assert "| `rev-notify-panel` | **Not met** | must |" in out
    assert "### `rev-notify-panel` (must, partly verified citation)" in out
    assert "unverified citation" in out  # the confidence of unverified rules is carried


def test_output_is_reproducible_with_today(example_root: Path) -> None:
    a = invoke("--content", str(example_root), "--today", TODAY, "--format", "json").output
    b = invoke("--content", str(example_root), "--today", TODAY, "--format", "json").output
    assert a == b


def test_out_file(example_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "report" / "check.md"
    invoke("--content", str(example_root), "--today", TODAY, "--format", "markdown", "--out", str(out))
    assert out.read_text().startswith("# Compliance check")


def test_edition_defaults_to_the_content_and_can_be_chosen(example_root: Path) -> None:
    data = json.loads(invoke("--content", str(example_root), "--today", TODAY, "--format", "json").output)
    assert data["edition"]["id"] == "wt2023"
    result = invoke(
        "--content", str(example_root), "--today", TODAY, "--format", "json", "--edition", "wt2018"
    )
    data = json.loads(result.output)
    assert data["edition"]["id"] == "wt2018"
    ids = {r["id"] for r in data["rules"]}
    assert "lead-dsp-named" not in ids and "wt2018-partners-sign" in ids


def test_rules_command_lists_the_pack() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert f"{len(PACK.rules)} rules (Working Together to Safeguard Children 2023)." in result.output
    assert "stat-have-regard-guidance  (must, unverified citation; arrangements)" in result.output
    assert "future-macpt  (must, verified citation, not yet in force; arrangements)" in result.output


# ---------------------------------------------------------------------------- library contract


def test_compliance_matrix_rows(example: LoadedContent) -> None:
    from masa_docs.documents import DOCUMENTS

    for doc in ("arrangements", "yearly-report", "threshold"):
        rows = compliance_matrix(example, doc)
        assert rows, doc
        ids = {s.id for s in DOCUMENTS[doc].sections}
        for row in rows:
            assert row.section_id in ids, (doc, row.rule_id)
            assert row.section_title == DOCUMENTS[doc].section(row.section_id).title
            assert row.status in ("met", "not_met", "not_applicable")
            assert row.confidence in ("verified", "partial", "unverified")
            assert row.level in ("must", "should")
            assert row.status_label and row.confidence_label
    agreement = compliance_matrix(example, "agreement")
    assert agreement and all(r.section_id == "" for r in agreement)


def test_matrix_is_per_document(example: LoadedContent) -> None:
    # The agreement awaits a signature; the arrangements are signed: the same rule differs.
    arr = {r.rule_id: r for r in compliance_matrix(example, "arrangements")}
    agr = {r.rule_id: r for r in compliance_matrix(example, "agreement")}
    assert arr["lead-lsp-signoff"].status == "met"
    assert agr["agr-signoff"].status == "not_met"
    assert "lead-lsp-signoff" not in agr and "agr-signoff" not in arr  # one rule per document
    assert arr["stat-info-requests"].status == agr["stat-info-requests"].status == "met"
    assert arr["future-macpt"].status == "not_applicable"
    assert arr["future-macpt"].status_label == "Not yet in force"


def test_blocking_reasons(example: LoadedContent, make_content: Any, tmp_path: Path) -> None:
    assert blocking_reasons(example, "arrangements") == ()
    assert blocking_reasons(example, "agreement") == ()  # only "must" rules block
    root = make_content(tmp_path, edits=FAILING["rev-notify-panel"][0])
    loaded = load_content(root)
    reasons = blocking_reasons(loaded, "arrangements")
    assert len(reasons) == 1 and reasons[0].startswith("compliance rule rev-notify-panel is not met")
    assert "partly verified citation" in reasons[0]
    assert blocking_reasons(loaded, "threshold") == ()


def test_blocking_keeps_the_document_a_draft(make_content: Any, tmp_path: Path) -> None:
    from masa_docs.render.context import document_meta

    root = make_content(tmp_path, edits=FAILING["rev-notify-panel"][0])
    loaded = load_content(root)
    meta = document_meta(loaded, "arrangements", blocking=blocking_reasons(loaded, "arrangements"))
    assert meta.status == "draft"
    assert any("rev-notify-panel" in r for r in meta.draft_reasons)


def test_summary_line(example: LoadedContent) -> None:
    line = summary_line(example, today=dt.date.fromisoformat(TODAY))
    n = len(PACK.rules)
    assert line.startswith(f"Compliance with Working Together to Safeguard Children 2023: {n} rules — ")
    assert "not met (0 must," in line


def test_rules_read_only_the_given_today(example: LoadedContent) -> None:
    a = run_check(example, today=dt.date(2026, 4, 15))
    b = run_check(example, today=dt.date(2026, 9, 1))
    assert [(r.rule.id, r.status) for r in a.results] == [(r.rule.id, r.status) for r in b.results]
    # Years later the next yearly report is overdue: only the rules about time passing change.
    late = run_check(example, today=dt.date(2040, 1, 1))
    changed = {r.rule.id for r, s in zip(late.results, a.results, strict=True) if r.status != s.status}
    assert changed == {"stat-yearly-report"}
    assert (
        "the next yearly report is overdue"
        in late.results[[r.rule.id for r in late.results].index("stat-yearly-report")].message
    )


# ---------------------------------------------------------------------------- the WT2018 pack

WT2018_FAILING: dict[str, dict[str, Any]] = {
    "wt2018-partners-sign": set_("signatures.yaml", "arrangements", []),
    "wt2018-delegated-authority": change("partners.yaml", lambda d: _current(d[0]).update(instrument=TBC)),
}


def test_example_passes_the_wt2018_pack(example_root: Path) -> None:
    result = invoke("--content", str(example_root), "--today", TODAY, "--edition", "wt2018")
    assert result.exit_code == 0, result.output
    for rule in load_pack("wt2018").rules:
        assert rule.id in result.output


@pytest.mark.parametrize("rule_id", sorted(WT2018_FAILING))
def test_wt2018_rule_fails_on_a_patched_example(rule_id: str, make_content: Any, tmp_path: Path) -> None:
    root = make_content(tmp_path, edits=WT2018_FAILING[rule_id])
    result = invoke("--content", str(root), "--today", TODAY, "--edition", "wt2018", "--strict")
    assert result.exit_code == 1
    assert f"  {rule_id}  [should," in not_met_section(result.output)
