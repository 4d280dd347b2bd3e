"""Cross-document consistency: the same facts read the same in all four documents.

Renders the example once per module — the arrangements, threshold and yearly report as HTML and
as Word copies, and the collaboration agreement as Word — and checks that partner names, the
lead and delegated safeguarding partners, the contributions (formatted with the shared money
filter), the delegations and the key dates appear, written identically, in every document that
should carry them.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import pytest

from masa_docs.load import LoadedContent
from masa_docs.render import RenderRequest, render
from masa_docs.render.context import FILTERS

money = FILTERS["money"]
date = FILTERS["date"]

HTML_DOCS = ("arrangements", "threshold", "yearly-report")
ALL_DOCS = ("arrangements", "agreement", "threshold", "yearly-report")


def _squash(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def html_text(data: bytes) -> str:
    text = data.decode("utf-8")
    text = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return _squash(html.unescape(text))


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))

    def paragraphs(container: object) -> Iterator[str]:
        for p in container.paragraphs:  # type: ignore[attr-defined]
            yield p.text
        for table in container.tables:  # type: ignore[attr-defined]
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    parts = list(paragraphs(document))
    for section in document.sections:
        parts += list(paragraphs(section.header)) + list(paragraphs(section.footer))
    return _squash(" ".join(parts))


@pytest.fixture(scope="module")
def rendered(example: LoadedContent) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for doc in HTML_DOCS:
        out[(doc, "html")] = html_text(render(example, RenderRequest(doc, "html")).data)
    out[("agreement", "docx")] = docx_text(render(example, RenderRequest("agreement", "docx")).data)
    return out


@pytest.fixture(scope="module")
def word_copies(example: LoadedContent) -> dict[tuple[str, str], str]:
    return {(doc, "docx"): docx_text(render(example, RenderRequest(doc, "docx")).data) for doc in HTML_DOCS}


def outputs(
    rendered: dict[tuple[str, str], str], docs: tuple[str, ...]
) -> Iterator[tuple[tuple[str, str], str]]:
    for key, text in rendered.items():
        if key[0] in docs:
            yield key, text


def assert_in_all(rendered: dict[tuple[str, str], str], docs: tuple[str, ...], facts: list[str]) -> None:
    missing = [(key, fact) for key, text in outputs(rendered, docs) for fact in facts if fact not in text]
    assert not missing, missing


# ---------------------------------------------------------------------------- the facts


def test_partner_legal_names_and_lsps_in_every_document(
    example: LoadedContent, rendered: dict[tuple[str, str], str]
) -> None:
    # Every document ends with the LSPs' sign-off: organisation (legal name), name, title.
    facts = [p.legal_name for p in example.content.partners] + [p.lsp.name for p in example.content.partners]
    assert_in_all(rendered, ALL_DOCS, facts)


def test_dsps_in_the_arrangements_and_the_agreement(
    example: LoadedContent, rendered: dict[tuple[str, str], str]
) -> None:
    facts = [p.dsp.name for p in example.content.partners]
    assert_in_all(rendered, ("arrangements", "agreement"), facts)


def test_current_delegations_read_the_same(
    example: LoadedContent, rendered: dict[tuple[str, str], str]
) -> None:
    facts = []
    for p in example.content.partners:
        d = p.current_delegation
        facts += [d.delegate, d.instrument, date(d.effective_from), date(d.review_by)]
    assert_in_all(rendered, ("arrangements", "agreement"), facts)


def test_contributions_read_the_same(example: LoadedContent, rendered: dict[tuple[str, str], str]) -> None:
    c = example.content
    current = c.funding.current
    facts = [money(x.amount) for x in current.contributions if x.amount] + [money(current.total)]
    assert_in_all(rendered, ("arrangements", "agreement"), facts)
    report = c.reports[c.latest_period or ""]
    year = c.funding.year(report.funding_year)
    assert year is not None
    facts = [money(x.amount) for x in year.contributions if x.amount] + [money(year.total)]
    assert_in_all(rendered, ("yearly-report",), facts)


def test_key_dates_read_the_same(example: LoadedContent, rendered: dict[tuple[str, str], str]) -> None:
    c = example.content
    p = c.partnership
    assert_in_all(
        rendered, ("arrangements",), [date(p.effective_date), date(p.review_date), date(p.published_on)]
    )
    assert_in_all(rendered, ("agreement",), [date(c.agreement.commencement), date(c.agreement.review_date)])
    t = c.threshold
    assert_in_all(rendered, ("threshold",), [date(t.effective_date), date(t.review_date)])
    report = c.reports[c.latest_period or ""]
    assert_in_all(
        rendered, ("yearly-report",), [date(report.start), date(report.end), date(report.published_on)]
    )
    s = c.scrutiny.scrutineer
    assert_in_all(rendered, ("arrangements",), [s.name, date(s.term_end)])


def test_no_other_spelling_of_a_partner(example: LoadedContent, rendered: dict[tuple[str, str], str]) -> None:
    # An amount must not appear unformatted (e.g. 125000.00) where the money filter applies.
    for key, text in rendered.items():
        for x in example.content.funding.current.contributions:
            raw = f"{x.amount:.2f}"
            assert raw not in text, (key, raw)


# ---------------------------------------------------------------------------- Word copies


@pytest.mark.slow
def test_word_copies_carry_the_same_facts(
    example: LoadedContent, rendered: dict[tuple[str, str], str], word_copies: dict[tuple[str, str], str]
) -> None:
    c = example.content
    people = [p.legal_name for p in c.partners] + [p.lsp.name for p in c.partners]
    assert_in_all(word_copies, HTML_DOCS, people)
    assert_in_all(word_copies, ("arrangements",), [p.dsp.name for p in c.partners])
    current = c.funding.current
    assert_in_all(
        word_copies, ("arrangements",), [money(x.amount) for x in current.contributions if x.amount]
    )
    report = c.reports[c.latest_period or ""]
    assert_in_all(word_copies, ("yearly-report",), [date(report.published_on)])
