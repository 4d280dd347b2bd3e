"""The loader: reading the example folder, positions, exact numbers, dates, narrative, report
periods and the content fingerprint."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import copy_content, position_of, replace_once
from masa_docs.errors import ContentError, Diagnostic
from masa_docs.load import (
    UNFINGERPRINTED,
    LoadedContent,
    SourceFile,
    content_files,
    fingerprint,
    load_content,
    model_at,
    read_yaml,
)
from masa_docs.model import NARRATIVE_NAMES, TOPIC_FILES, Content
from masa_docs.model.arrangements import Group, Metric, Recommendation
from masa_docs.model.partners import Delegation
from masa_docs.model.report import MetricValue, Priority


def _text(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


# ---------------------------------------------------------------------- the example


def test_example_loads_every_file(example: LoadedContent, example_root: Path) -> None:
    names = {p.relative_to(example_root).as_posix() for p in example.files}
    assert set(TOPIC_FILES.values()) <= names
    assert {"reports/2024-25.yaml", "reports/2025-26.yaml", "introduction.md"} <= names
    assert example.files == content_files(example_root)
    assert re.fullmatch(r"[0-9a-f]{64}", example.fingerprint)
    assert example.short_fingerprint == example.fingerprint[:16]


def test_load_accepts_a_str_path(example_root: Path, example: LoadedContent) -> None:
    assert load_content(str(example_root)).fingerprint == example.fingerprint


def test_every_topic_has_a_source_file(example: LoadedContent, example_root: Path) -> None:
    files = example.source.files
    for topic, name in TOPIC_FILES.items():
        assert files[(topic,)].path == example_root / name
    assert files[("reports", "2025-26")].path == example_root / "reports" / "2025-26.yaml"


# ---------------------------------------------------------------------- positions


@pytest.mark.parametrize(
    ("topic", "loc", "needle", "offset"),
    [
        (("partners",), (0, "id"), "- id: northmere-council", 6),
        (("partners",), (3, "delegations", 0, "review_by"), "      review_by: 2027-01-31", 17),
        (("partners",), (0, "areas", 0), "  areas: [northmere]\n", 10),
        (("funding",), ("years", 1, "total"), "    total: 544200.00", 11),
        (("partnership",), ("chair", "name"), "  name: Claire Pendleton", 8),
        (("reports", "2025-26"), ("metrics", 5, "values", 1, "value"), "{label: Q2, value: 402}", 19),
        (("threshold",), ("levels", 3, "statutory_basis"), "statutory_basis: Children Act 1989 s.47", 17),
    ],
)
def test_value_positions_match_the_text(
    example: LoadedContent, example_root: Path, topic, loc, needle, offset
) -> None:
    src = example.source.files[topic]
    assert src.values[loc] == position_of(src.path.read_text(encoding="utf-8"), needle, offset=offset)


def test_key_positions_match_the_text(example: LoadedContent) -> None:
    src = example.source.files[("partners",)]
    text = src.path.read_text(encoding="utf-8")
    assert src.keys[(3, "kind")] == position_of(text, "  kind: police", offset=2)
    assert src.values[(3, "kind")] == position_of(text, "  kind: police", offset=8)
    # The file itself is located at its first entry, not at the opening comment.
    assert src.values[()] == position_of(text, "- id: northmere-council", offset=2)


def test_locate_falls_back_to_the_nearest_existing_node(example: LoadedContent) -> None:
    src = example.source.files[("scrutiny",)]
    assert src.locate(("scrutineer", "no_such_field")) == src.values[("scrutineer",)]
    assert src.locate(("scrutineer", "name"), key=True) == src.keys[("scrutineer", "name")]
    assert SourceFile(Path("x.yaml"), "x.yaml").locate(("a", 1)) is None


def test_source_map_diagnostic_names_file_line_and_field(example: LoadedContent) -> None:
    diag = example.source.diagnostic(("funding", "years", 0, "total"), "a message", hint="a hint")
    assert Path(diag.file).name == "funding.yaml"
    assert (diag.line, diag.column) == example.source.files[("funding",)].values[("years", 0, "total")]
    assert diag.field_path == "years[0].total"
    assert diag.format().endswith("years[0].total: a message\n    hint: a hint")
    outside = example.source.diagnostic(("nowhere",), "not in any file")
    assert (outside.line, outside.column, outside.field_path) == (None, None, "nowhere")


def test_crlf_line_endings_and_bom_keep_positions(tmp_path: Path) -> None:
    def crlf_bom(text: str) -> str:
        return "\ufeff" + replace_once("  kind: police\n", "  kind: police\n  nmae: x\n")(text).replace(
            "\n", "\r\n"
        )

    root = copy_content(tmp_path / "content", {"partners.yaml": crlf_bom})
    with pytest.raises(ContentError) as info:
        load_content(root)
    (diag,) = info.value.diagnostics
    plain = (root / "partners.yaml").read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert (diag.line, diag.column) == position_of(plain, "  nmae: x", offset=2)


# ---------------------------------------------------------------------- numbers and dates


def _walk(value: Any) -> list[Any]:
    """Every leaf value of a model tree (models, lists, dicts)."""
    if isinstance(value, BaseModel):
        return [leaf for name in type(value).model_fields for leaf in _walk(getattr(value, name))]
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _walk(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _walk(v)]
    return [value]


def test_no_float_anywhere_in_the_content(example: LoadedContent) -> None:
    leaves = _walk(example.content)
    assert not [v for v in leaves if isinstance(v, float)]
    assert any(isinstance(v, Decimal) for v in leaves)


def test_yaml_floats_become_exact_decimals(example: LoadedContent) -> None:
    c = example.content
    first = c.funding.years[0]
    amounts = [x.amount for x in first.contributions]
    assert all(type(a) is Decimal for a in amounts)
    assert amounts[0] == Decimal("171600.00")
    actuals = [e.actual for e in first.expenditure]
    assert sum(actuals, Decimal(0)) == Decimal("506921.89")  # binary floats would not add up exactly
    values = c.reports["2024-25"].metrics[1].values
    assert [v.value for v in values] == [Decimal("24.8"), Decimal("23.9"), Decimal("22.6"), Decimal("21.7")]
    assert str(values[0].value) == "24.8"
    assert c.reports["2024-25"].metrics[0].values[0].value == Decimal(612)


def test_read_yaml_keeps_timestamps_as_text_and_floats_as_decimals(example_root: Path) -> None:
    diags: list[Diagnostic] = []
    got = read_yaml(example_root / "funding.yaml", "funding.yaml", ("funding",), diags)
    assert got is not None and not diags
    data, src = got
    assert data["years"][0]["start"] == "2024-04-01"  # pydantic parses it, so a bad date is located
    assert data["years"][0]["total"] == Decimal("520000.00")
    assert data["years"][0]["pooled_fund"] is True
    assert src.display == "funding.yaml"


def test_dates_parse_to_dates(example: LoadedContent) -> None:
    c = example.content
    assert c.partnership.effective_date == dt.date(2025, 4, 1)
    assert c.partnership.published_on == dt.date(2025, 3, 20)
    assert type(c.partnership.review_date) is dt.date
    assert c.signatures.arrangements[0].signed_on == dt.date(2025, 3, 10)
    assert c.partners[0].delegations[0].ended_on == dt.date(2024, 6, 30)
    dates = [v for v in _walk(c) if isinstance(v, dt.date)]
    assert dates and not [d for d in dates if isinstance(d, dt.datetime)]


# ---------------------------------------------------------------------- narrative and reports


def test_narrative_markdown_is_loaded(example: LoadedContent, example_root: Path) -> None:
    narrative = example.content.narrative
    on_disk = {p.stem for p in example_root.glob("*.md")}
    assert {"introduction", "governance", "voice"} <= set(narrative) == on_disk
    assert set(narrative) <= set(NARRATIVE_NAMES)
    assert narrative["governance"] == _text(example_root, "governance.md").strip()  # models strip text
    assert narrative["introduction"].startswith("# ")


@pytest.mark.usefixtures("yaml_parse_cache")  # not about parsing
def test_narrative_bom_is_removed_and_empty_files_ignored(tmp_path: Path) -> None:
    root = copy_content(
        tmp_path / "content",
        {"governance.md": "\ufeff# Governance\n\nText.\n", "voice.md": "  \n", "data.md": "Data."},
    )
    narrative = load_content(root).content.narrative
    assert narrative["governance"] == "# Governance\n\nText."
    assert "voice" not in narrative
    assert narrative["data"] == "Data."


def test_report_periods_come_from_file_names(example: LoadedContent) -> None:
    c = example.content
    assert c.report_periods == ["2024-25", "2025-26"]
    assert c.latest_period == "2025-26"
    assert c.previous_period("2025-26") == "2024-25"
    assert c.previous_period("2024-25") is None
    for period, report in c.reports.items():
        assert report.period == period


@pytest.mark.usefixtures("yaml_parse_cache")  # not about parsing
def test_yml_report_and_no_reports_folder(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "yml")
    (root / "reports" / "2025-26.yaml").rename(root / "reports" / "2025-26.yml")
    assert load_content(root).content.report_periods == ["2024-25", "2025-26"]

    bare = copy_content(tmp_path / "bare", {"signatures.yaml": lambda t: t.split("yearly_report:")[0]})
    shutil.rmtree(bare / "reports")
    c = load_content(bare).content
    assert c.reports == {} and c.latest_period is None


@pytest.mark.usefixtures("yaml_parse_cache")  # not about parsing
def test_signatures_file_is_optional(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content", {"signatures.yaml": None})
    c = load_content(root).content
    assert c.signatures.arrangements == [] and c.signatures.yearly_report == {}
    assert not c.all_signed("arrangements")


@pytest.mark.usefixtures("yaml_parse_cache")  # not about parsing
def test_rules_yaml_is_tolerated(tmp_path: Path, example: LoadedContent) -> None:
    # content/rules.yaml belongs to 'check' (local rules), not to the content: loading neither
    # refuses it as an unknown file nor reads it into the model
    root = copy_content(tmp_path / "content", {"rules.yaml": "# local rule settings\nrules: {}\n"})
    assert load_content(root).content == example.content


def test_missing_folder_is_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load_content(tmp_path / "nowhere")
    (diag,) = info.value.diagnostics
    assert diag.message == "content folder not found"
    assert diag.hint == "pass --content DIR, or create one with 'masa-docs init DIR'"


# ---------------------------------------------------------------------- fingerprint


def test_fingerprint_is_stable_and_independent_of_the_folder(tmp_path: Path, example: LoadedContent) -> None:
    a = copy_content(tmp_path / "a")
    b = copy_content(tmp_path / "deeper" / "b")
    assert fingerprint(a) == fingerprint(a) == fingerprint(b) == example.fingerprint
    assert load_content(b).fingerprint == example.fingerprint


@pytest.mark.usefixtures("yaml_parse_cache")  # not about parsing
def test_fingerprint_excludes_signatures(tmp_path: Path, example: LoadedContent) -> None:
    assert "signatures.yaml" in UNFINGERPRINTED
    signed = copy_content(
        tmp_path / "signed",
        {
            "signatures.yaml": lambda t: (
                t + "  2025-26:\n    - partner: nev-icb\n      signed_on: 2026-09-20\n"
            )
        },
    )
    loaded = load_content(signed)
    assert loaded.content.signatures.yearly_report["2025-26"][0].partner == "nev-icb"
    assert loaded.fingerprint == example.fingerprint
    assert fingerprint(copy_content(tmp_path / "unsigned", {"signatures.yaml": None})) == example.fingerprint


@pytest.mark.parametrize(
    "edits",
    [
        {"voice.yaml": lambda t: t + "# a comment is content too\n"},
        {"reports/2025-26.yaml": replace_once("value: 402}", "value: 403}")},
        {"governance.md": lambda t: t + "\nOne more line.\n"},
        {"data.md": "# About the data\n"},
    ],
    ids=["comment", "report-figure", "narrative", "new-narrative"],
)
def test_fingerprint_changes_with_the_content(tmp_path: Path, example: LoadedContent, edits) -> None:
    root = copy_content(tmp_path / "content", edits)
    assert fingerprint(root) != example.fingerprint


def test_fingerprint_covers_file_names(tmp_path: Path, example: LoadedContent) -> None:
    root = copy_content(tmp_path / "content")
    (root / "reports" / "2025-26.yaml").rename(root / "reports" / "2025-27.yaml")
    assert fingerprint(root) != example.fingerprint


# ---------------------------------------------------------------------- model_at (for hints)


@pytest.mark.parametrize(
    ("loc", "model"),
    [
        (("partners", 0, "delegations", 0), Delegation),
        (("governance", "groups", 2), Group),
        (("data", "metrics", 0), Metric),
        (("reviews", "reviews", 0, "recommendations", 1), Recommendation),
        (("reports", "2025-26", "priorities", 0), Priority),
        (("reports", "2025-26", "metrics", 0, "values", 3), MetricValue),
        ((), Content),
    ],
)
def test_model_at_follows_a_path(loc, model) -> None:
    assert model_at(loc) is model
