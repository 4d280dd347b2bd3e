"""The yearly report from the example content: charts, tables, year-on-year comparison and
period selection. (The page itself is snapshotted by tests/test_html.py; not again here.)"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from masa_docs.analysis import report_charts
from masa_docs.cli import main
from masa_docs.errors import ContentError, MasaError
from masa_docs.example import example_dir
from masa_docs.load import LoadedContent, load_content
from masa_docs.render import RenderRequest
from masa_docs.render.html import render_html
from masa_docs.reporting import report_figures

DOC = "yearly-report"


class Tree(HTMLParser):
    """Elements with their attributes, text and the ids of their open ancestors."""

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input", "col", "source", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict[str, Any]] = []
        self.stack: list[dict[str, Any]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = {"tag": tag, "attrs": dict(attrs), "text": [], "parents": [e for e in self.stack]}
        self.items.append(el)
        if tag not in self.VOID and not tag.endswith("/"):
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append({"tag": tag, "attrs": dict(attrs), "text": [], "parents": list(self.stack)})

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el["text"].append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.items
            if e["tag"] == tag and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    @staticmethod
    def text(el: dict[str, Any]) -> str:
        return " ".join("".join(el["text"]).split())

    def section_of(self, el: dict[str, Any]) -> str | None:
        for p in reversed(el["parents"]):
            if p["tag"] == "section":
                return str(p["attrs"].get("id"))
        return None

    def section(self, section_id: str) -> str:
        (el,) = self.all("section", id=section_id)
        return self.text(el)


@pytest.fixture(scope="module")
def loaded() -> LoadedContent:
    return load_content(example_dir())


@pytest.fixture(scope="module")
def periods(loaded: LoadedContent) -> tuple[str, str]:
    ps = loaded.content.report_periods
    assert len(ps) >= 2, "the example content needs two consecutive yearly reports"
    return ps[-2], ps[-1]


@pytest.fixture(scope="module")
def pages(loaded: LoadedContent, periods: tuple[str, str]) -> dict[str, str]:
    return {p: render_html(loaded, RenderRequest(DOC, "html", period=p)) for p in periods}


# ------------------------------------------------------------------ the example data


def test_example_has_two_consecutive_periods(loaded: LoadedContent, periods: tuple[str, str]) -> None:
    before, latest = periods
    assert int(latest[:4]) == int(before[:4]) + 1
    assert loaded.content.latest_period == latest
    for p in periods:
        rep = loaded.content.reports[p]
        assert rep.metrics, f"{p} reports no data-set figures"
        assert loaded.content.funding.year(rep.funding_year) is not None
    # the same measures in both years, so there is something to compare
    shared = {m.metric for m in loaded.content.reports[before].metrics} & {
        m.metric for m in loaded.content.reports[latest].metrics
    }
    assert shared


def test_figures_add_up(loaded: LoadedContent, periods: tuple[str, str]) -> None:
    for p in periods:
        f = report_figures(loaded, p)
        year = loaded.content.funding.year(f.report.funding_year)
        assert year is not None
        assert f.contributions.total == year.total == sum(r.amount for r in f.contributions.rows)
        assert f.contributions.percent_total == Decimal("100.0")
        assert f.expenditure.planned_total == sum(r.planned for r in f.expenditure.rows)
        assert sum(s.count for s in f.statuses) == len(f.report.priorities)


# ------------------------------------------------------------------ latest report vs the one before


def test_every_metric_has_a_chart_and_a_table(
    loaded: LoadedContent, pages: dict[str, str], periods: tuple[str, str]
) -> None:
    latest = periods[1]
    tree = Tree(pages[latest])
    report = loaded.content.reports[latest]
    figures = tree.all("figure")
    ids = [f["attrs"]["id"] for f in figures]
    assert ids == [f"chart-metric-{m.metric}" for m in report.metrics] + [
        "chart-contributions",
        "chart-expenditure",
    ]
    for fig in figures:
        assert "chart" in (fig["attrs"].get("class") or "").split()
        expected_section = (
            "funding" if fig["attrs"]["id"] in ("chart-contributions", "chart-expenditure") else "data"
        )
        assert tree.section_of(fig) == expected_section
    svgs = tree.all("svg", role="img")
    assert len(svgs) == len(figures)
    for svg in svgs:
        title_id, desc_id = svg["attrs"]["aria-labelledby"].split()
        assert tree.all("title", id=title_id) and tree.all("desc", id=desc_id)
    for m in report.metrics:
        (table,) = tree.all("table", id=f"chart-metric-{m.metric}-table")
        assert tree.section_of(table) == "data"
    assert len(tree.all("figcaption")) == len(figures)


def test_no_duplicate_ids(pages: dict[str, str]) -> None:
    for html in pages.values():
        ids = re.findall(r'\sid="([^"]+)"', html)
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes


def test_year_on_year_comparison(
    loaded: LoadedContent, pages: dict[str, str], periods: tuple[str, str]
) -> None:
    before, latest = periods
    tree = Tree(pages[latest])
    f = report_figures(loaded, latest)
    assert f.previous_period == before
    summary = tree.section("summary")
    assert f"{latest} compared with {before}" in summary
    data = tree.section("data")
    for ms in f.metrics:
        assert ms.metric.name in data
        assert ms.description in data
    # Worked out by hand from the example (reports/2024-25.yaml and 2025-26.yaml, funding.yaml):
    # re-referrals (lower is better) 19.4% in Q4 against 21.7% a year before; early help
    # assessments (higher is better) 758 against 701.
    assert "Compared with last year: 2.3 percentage points better than 2024-25 (21.7% in Q4)." in data
    assert "Compared with last year: 57 better than 2024-25 (701 in Q4)." in data
    funding = tree.section("funding")
    assert "Funding in 2025-26 compared with 2024-25" in funding
    # income and planned spending both £544,200 against £520,000: 24,200 / 520,000 = 4.65%
    assert "Income from contributions£544,200£520,000up £24,200 (+4.7%)" in funding
    assert "Planned spending£544,200£520,000up £24,200 (+4.7%)" in funding
    # partners' contributions against the year before: 177,606 - 171,600 = 6,006
    assert "Northmere Borough Council£177,60632.6%£171,600+£6,006" in funding
    training = tree.section("training")
    assert f"Training in {latest} compared with {before}" in training
    # 66 sessions against 59 (7 / 59 = 11.9%); 2,232 attendees against 1,576 (656 / 1,576 = 41.6%)
    assert "Courses66no change" in training
    assert "Sessions delivered6659up 7 (+11.9%)" in training
    assert "Attendees2,2321,576up 656 (+41.6%)" in training


def test_contributions_table(loaded: LoadedContent, pages: dict[str, str], periods: tuple[str, str]) -> None:
    latest = periods[1]
    tree = Tree(pages[latest])
    (table,) = tree.all("table", id="contributions-table")
    text = Tree.text(table)
    f = report_figures(loaded, latest)
    for row in f.contributions.rows:
        assert row.name in text and row.percent_text in text
    assert "Total" in text and "100.0%" in text
    html = pages[latest]
    table_html = html[html.index('<table id="contributions-table">') :]
    table_html = table_html[: table_html.index("</table>")]
    shown = [Decimal(p) for p in re.findall(r'<td class="num">(\d+\.\d)%</td>', table_html)]
    assert len(shown) == len(f.contributions.rows) + 1
    assert sum(shown[:-1]) == shown[-1] == Decimal("100.0")  # the shares add to the total row


def test_statuses_are_in_words(
    loaded: LoadedContent, pages: dict[str, str], periods: tuple[str, str]
) -> None:
    latest = periods[1]
    tree = Tree(pages[latest])
    priorities = tree.section("priorities")
    for p in loaded.content.reports[latest].priorities:
        assert p.title in priorities
        # the word is there; a shape may precede it (hidden from screen readers)
        assert re.search(rf"Progress: (\S )?{re.escape(p.status_label)}", priorities)
    for icon in tree.all("span", class_="progress-icon"):
        assert icon["attrs"].get("aria-hidden") == "true"
    limited = tree.section("little-progress")
    for p in report_figures(loaded, latest).little_progress:
        assert p.title in limited


def test_first_period_has_no_comparison(
    pages: dict[str, str], periods: tuple[str, str], loaded: LoadedContent
) -> None:
    before = periods[0]
    f = report_figures(loaded, before)
    tree = Tree(pages[before])
    assert f.previous_period is None, "the example's earlier report must be its first"
    assert (
        "There is no report for the previous period in this content, so this report makes no "
        "year-on-year comparison." in tree.section("summary")
    )
    assert "No figure for the previous period to compare with." in tree.section("data")
    assert "compared with" not in tree.section("funding")
    assert "compared with" not in tree.section("training")
    ids = [x["attrs"]["id"] for x in tree.all("figure")]
    assert "chart-contributions" in ids and "chart-expenditure" in ids


# ------------------------------------------------------------------ period selection


def test_latest_period_by_default(
    loaded: LoadedContent, pages: dict[str, str], periods: tuple[str, str]
) -> None:
    assert render_html(loaded, RenderRequest(DOC, "html")) == pages[periods[1]]
    assert [c.id for c in report_charts(loaded)] == [c.id for c in report_charts(loaded, periods[1])]
    assert report_figures(loaded).period == periods[1]


def test_unknown_period_is_a_clear_error(loaded: LoadedContent) -> None:
    with pytest.raises(MasaError) as e:
        report_figures(loaded, "1999-00")
    assert "1999-00" in e.value.message and e.value.hint
    with pytest.raises(MasaError):
        report_charts(loaded, "1999-00")


@pytest.mark.slow
def test_cli_period_selection(tmp_path: Path, periods: tuple[str, str]) -> None:
    runner = CliRunner()
    before, latest = periods
    args = [
        "build",
        "--content",
        str(example_dir()),
        "--out",
        str(tmp_path),
        "--doc",
        DOC,
        "--format",
        "html",
    ]
    ok = runner.invoke(main, [*args, "--period", before])
    assert ok.exit_code == 0, ok.output
    # An older period is written under its own name; yearly-report.html stays the newest.
    assert not (tmp_path / f"{DOC}.html").exists()
    html = (tmp_path / f"{DOC}-{before}.html").read_text(encoding="utf-8")
    assert f"Yearly report {before}" in html
    ok = runner.invoke(main, args)
    assert ok.exit_code == 0, ok.output
    assert f"Yearly report {latest}" in (tmp_path / f"{DOC}.html").read_text(encoding="utf-8")
    typo = latest[:-1] + ("0" if latest[-1] != "0" else "1")
    bad = runner.invoke(main, [*args, "--period", typo])
    assert bad.exit_code == 2
    assert f"there is no yearly report for period '{typo}'" in bad.output
    assert "hint:" in bad.output
    assert "Traceback" not in bad.output


def test_publish_rejects_an_unknown_period(tmp_path: Path) -> None:
    out = tmp_path / "build"
    args = ["publish", "--content", str(example_dir()), "--out", str(out), "--doc", DOC, "--format", "html"]
    bad = CliRunner().invoke(main, [*args, "--period", "1999-00"])
    assert bad.exit_code == 2
    assert "there is no yearly report for period '1999-00'" in bad.output
    assert "hint:" in bad.output and "Traceback" not in bad.output
    assert not out.exists()  # nothing half-built


# ------------------------------------------------------------------ a total that does not add up


def test_total_not_equal_to_parts_is_located(loaded: LoadedContent, periods: tuple[str, str]) -> None:
    c = loaded.content
    rep = c.reports[periods[1]]
    years = list(c.funding.years)
    i = next(k for k, y in enumerate(years) if y.year == rep.funding_year)
    years[i] = years[i].model_copy(update={"total": years[i].total + 1})
    bad = replace(
        loaded, content=c.model_copy(update={"funding": c.funding.model_copy(update={"years": years})})
    )
    with pytest.raises(ContentError) as e:
        report_figures(bad, periods[1])
    (d,) = e.value.diagnostics
    assert d.file.endswith("funding.yaml") and d.line
    assert "add up to" in d.message and "but the total is" in d.message


# ------------------------------------------------------------------ the PDF copy keeps the charts' text


@pytest.mark.slow
def test_pdf_has_the_charts_as_text(loaded: LoadedContent, periods: tuple[str, str], tmp_path: Path) -> None:
    from masa_docs.render import render
    from masa_docs.render.pdf import pdf_text_pages

    out = render(loaded, RenderRequest(DOC, "pdf", period=periods[1]))
    text = " ".join(" ".join(pdf_text_pages(out.data)).split())
    assert f"Contribution in {report_figures(loaded, periods[1]).contributions.year}" in text  # an axis label
    for ch in report_charts(loaded, periods[1]):
        assert ch.title.split(",")[0] in text
