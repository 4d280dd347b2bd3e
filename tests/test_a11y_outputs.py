"""Every file `make publish` makes from the example passes the accessibility gate.

The example is published once for the module and the gate (axe in Chromium, structural PDF/UA,
poppler, pypdf, the second-opinion PDF/UA checker when installed, Word structure and LibreOffice)
runs once over the build; each test then looks at one file, so a failure names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from masa_docs.a11y import A11yReport, format_problems, run_checks
from masa_docs.documents import DOCUMENTS
from masa_docs.errors import MasaError
from masa_docs.publish import PublishResult

pytestmark = [pytest.mark.client, pytest.mark.slow]

EXPECTED_FILES = sorted(
    [
        "index.html",
        *(f"{name}.{fmt}" for name, spec in DOCUMENTS.items() for fmt in spec.formats),
        # every period's yearly report is published too (the example has two)
        *(f"yearly-report-{p}.{fmt}" for p in ("2024-25", "2025-26") for fmt in ("html", "pdf", "docx")),
        # and the easy-read version of each period that has its plain-language words (2025-26)
        *(f"yearly-report-easy-read-2025-26.{fmt}" for fmt in ("html", "pdf", "docx")),
    ]
)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> PublishResult:
    from masa_docs.example import example_dir
    from masa_docs.publish import publish

    return publish(example_dir(), tmp_path_factory.mktemp("a11y") / "build")


@pytest.fixture(scope="module")
def build(published: PublishResult) -> Path:
    return published.out_dir


@pytest.fixture(scope="module")
def report(build: Path) -> A11yReport:
    try:
        return run_checks(build)
    except MasaError as exc:  # a missing tool must fail loudly, with the install hint
        pytest.fail(f"{exc.message}. {exc.hint}")


def test_every_output_is_built_and_checked(published: PublishResult, report: A11yReport) -> None:
    assert [f"{s.file}: {s.reason}" for s in published.skipped] == []
    assert sorted(report.files) == EXPECTED_FILES


@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_output_has_no_accessibility_problems(
    published: PublishResult, report: A11yReport, name: str
) -> None:
    skipped = {s.file: s.reason for s in published.skipped}
    assert name not in skipped, f"{name} was not published: {skipped.get(name)}"
    assert name in report.files, f"{name} was not published"
    problems = [p for p in report.problems if p.file == name]
    assert problems == [], f"{len(problems)} problem(s):\n" + format_problems(problems)


@pytest.mark.parametrize("doc", sorted(n for n, spec in DOCUMENTS.items() if "pdf" in spec.formats))
def test_pdf_lists_one_signature_field_per_lead_partner(build: Path, doc: str) -> None:
    if not (build / f"{doc}.pdf").is_file():
        pytest.fail(f"{doc}.pdf was not published")
    from masa_docs.example import example_dir
    from masa_docs.load import load_content
    from masa_docs.pdfcheck import signature_field_names
    from masa_docs.render.context import document_meta

    loaded = load_content(example_dir())
    period = loaded.content.latest_period if DOCUMENTS[doc].periodic else None
    expected = sorted(s.field_name for s in document_meta(loaded, doc, period=period).signatures)
    if DOCUMENTS[doc].signed:
        assert expected, "the example names no lead safeguarding partner"
    else:  # the easy-read versions: the LSPs sign the documents they summarise
        assert expected == []
    assert sorted(signature_field_names((build / f"{doc}.pdf").read_bytes())) == expected


def test_second_opinion_ran_when_installed(report: A11yReport) -> None:
    from masa_docs.a11y.pdf import second_opinion_available

    label = second_opinion_available()
    if label is None:
        pytest.skip("page-validation (independent PDF/UA-1 checker) is not installed")
    assert f"second-opinion PDF/UA-1 check: {label}" in report.notes
