"""masa_docs.render.charts: accessible, deterministic SVG/PNG charts written from the data.

The snapshots are of fixed data made here (not the example content, which changes as it is
edited), one per kind of chart; they are SVG text: read them before accepting an update.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from masa_docs import reporting as r
from masa_docs.model.arrangements import Metric
from masa_docs.model.funding import FundingYear
from masa_docs.model.report import MetricResult
from masa_docs.render import charts as ch

SVG_NS = "{http://www.w3.org/2000/svg}"
NAMES = {
    "council": "Northmere Council",
    "icb": "Northmere and Southdale Integrated Care Board",
    "police": "Northmere Police",
}


def _metric(**kw: Any) -> Metric:
    base = {
        "id": "re-referrals",
        "name": "Re-referrals within 12 months",
        "definition": "x",
        "source": "Children's social care",
        "owner": "council",
        "unit": "percent",
        "better": "lower",
    }
    return Metric(**{**base, **kw})


def _result(values: list[str], target: str | None, comparators: dict[str, str]) -> MetricResult:
    return MetricResult(
        metric="re-referrals",
        values=[{"label": f"Q{i + 1}", "value": D(v)} for i, v in enumerate(values)],
        target=D(target) if target else None,
        comparators=[{"name": k, "value": D(v)} for k, v in comparators.items()],
    )


def _trend(*, png: bool = False) -> ch.Chart:
    now = _result(
        ["23.1", "22.0", "20.5", "19.4"], "20", {"England": "21.4", "Statistical neighbours": "22.3"}
    )
    before = _result(["24.0", "24.5", "23.0", "22.8"], "21", {"England": "21.6"})
    return ch.metric_chart(r.MetricSummary(_metric(), now, before, "2024-25"), "2025-26", png=png)


def _year(names: dict[str, str] | None = None) -> tuple[Any, FundingYear]:
    content = SimpleNamespace(party_name=(names or NAMES).__getitem__, funders_by_id={})
    fy = FundingYear(
        year="2025-26",
        start=dt.date(2025, 4, 1),
        end=dt.date(2026, 3, 31),
        pooled_fund=True,
        contributions=[
            {"partner": "council", "amount": D("150000")},
            {"partner": "icb", "amount": D("100000")},
            {"partner": "police", "amount": D("50000")},
        ],
        total=D("300000"),
        expenditure=[
            {"line": "Business unit staffing", "planned": D("180000"), "actual": D("176500")},
            {"line": "Independent scrutiny", "planned": D("30000"), "actual": D("31200")},
            {"line": "Multi-agency training", "planned": D("40000"), "actual": D("38000")},
            {"line": "Practice reviews", "planned": D("50000"), "actual": D("47000")},
        ],
    )
    return content, fy


def _contributions(*, png: bool = False) -> ch.Chart:
    content, fy = _year()
    return ch.contributions_chart(r.contributions(content, fy), png=png)


def _expenditure(*, png: bool = False) -> ch.Chart:
    _, fy = _year()
    return ch.expenditure_chart(r.expenditure(fy, D("300000")), png=png)


MAKERS = {"trend": _trend, "contributions": _contributions, "expenditure": _expenditure}


@pytest.fixture(scope="module")
def charts() -> dict[str, ch.Chart]:
    return {k: make() for k, make in MAKERS.items()}


# ------------------------------------------------------------------ snapshots and determinism


def chart_says(chart: ch.Chart) -> dict[str, Any]:
    """What a chart tells a reader, without matplotlib's path coordinates (which change from one
    matplotlib release to the next): its accessible name and description, every text label
    drawn in it, in order, and the data table beside it."""
    root = ET.fromstring(chart.svg)
    return {
        "svg": {k: root.get(k) for k in ("id", "role", "aria-labelledby")},
        "title": root.findtext(f"{SVG_NS}title"),
        "desc": root.findtext(f"{SVG_NS}desc"),
        "labels": ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")],
        "table": {
            "caption": chart.table.caption,
            "header": list(chart.table.header),
            "rows": [list(r) for r in chart.table.rows],
            "footer": [list(r) for r in chart.table.footer],
        },
    }


@pytest.mark.parametrize("kind", list(MAKERS))
def test_what_the_chart_says(charts: dict[str, ch.Chart], kind: str, snapshot: Any) -> None:
    chart = charts[kind]
    says = chart_says(chart)
    assert (says["title"], says["desc"]) == (chart.title, chart.description)
    assert says == snapshot


@pytest.mark.parametrize("kind", list(MAKERS))
def test_deterministic(charts: dict[str, ch.Chart], kind: str) -> None:
    again = MAKERS[kind]()
    assert again.svg == charts[kind].svg
    assert again.png() == charts[kind].png()


def test_user_matplotlibrc_does_not_change_output(charts: dict[str, ch.Chart]) -> None:
    import matplotlib as mpl

    with mpl.rc_context({"lines.linewidth": 9, "font.size": 30, "svg.fonttype": "path", "axes.grid": False}):
        assert _trend().svg == charts["trend"].svg


# ------------------------------------------------------------------ accessibility of the SVG


@pytest.mark.parametrize("kind", list(MAKERS))
def test_svg_is_accessible_inline_svg(charts: dict[str, ch.Chart], kind: str) -> None:
    c = charts[kind]
    root = ET.fromstring(c.svg)  # well-formed XML
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{c.html_id}-title {c.html_id}-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG_NS}title", f"{c.html_id}-title", c.title)
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG_NS}desc", f"{c.html_id}-desc", c.description)
    assert root.get("viewBox")


@pytest.mark.parametrize("kind", list(MAKERS))
def test_svg_has_nothing_machine_or_time_dependent(charts: dict[str, ch.Chart], kind: str) -> None:
    svg = charts[kind].svg
    assert not svg.startswith("<?xml")
    for needle in ("<metadata", "<!DOCTYPE", "<style", "matplotlib", "Matplotlib", "/tmp", "/work", "/home"):
        assert needle not in svg
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", svg)  # no timestamps


def test_ids_are_prefixed_and_unique_across_charts(charts: dict[str, ch.Chart]) -> None:
    ids: list[str] = []
    for c in charts.values():
        mine = re.findall(r'\sid="([^"]+)"', c.svg)
        assert all(i.startswith(c.html_id + "-") for i in mine), mine
        # every reference points at an id of the same chart
        for ref in re.findall(r'(?:url\(#|href="#)([^")]+)', c.svg):
            assert ref in mine
        ids += mine
    assert len(ids) == len(set(ids))


def test_text_is_real_text(charts: dict[str, ch.Chart]) -> None:
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", charts["trend"].svg)
    for expected in ("Q1", "Q4", "2025-26", "2024-25", "Target (20.0%)", "England (21.4%)", "Per cent"):
        assert expected in texts
    assert "'Liberation Sans', Arial, Helvetica, sans-serif" in charts["trend"].svg
    bars = re.findall(r"<text[^>]*>([^<]*)</text>", charts["contributions"].svg)
    assert "£150,000 (50.0%)" in bars
    assert "Northmere Council" in bars


def test_content_text_is_escaped() -> None:
    content, fy = _year({**NAMES, "police": "<script>alert(1)</script> & Co"})
    c = ch.contributions_chart(r.contributions(content, fy))
    assert "<script>" not in c.svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in c.svg  # the label wraps onto two lines
    assert "&amp; Co" in c.svg
    ET.fromstring(c.svg)


def test_text_that_looks_like_markup_is_left_alone() -> None:
    content, fy = _year({**NAMES, "police": 'Team id="x" url(#a)'})
    c = ch.contributions_chart(r.contributions(content, fy))
    assert 'Team id="x" url(#a)' in re.findall(r"<text[^>]*>([^<]*)</text>", c.svg)


def test_small_budgets_are_labelled_in_pounds() -> None:
    content, fy = _year()
    small = fy.model_copy(
        update={
            "contributions": [x.model_copy(update={"amount": x.amount / 100}) for x in fy.contributions],
            "total": fy.total / 100,
        }
    )
    texts = re.findall(
        r"<text[^>]*>([^<]*)</text>", ch.contributions_chart(r.contributions(content, small)).svg
    )
    assert "£500" in texts and "£0k" not in texts


def test_dollar_signs_are_not_mathtext() -> None:
    content, fy = _year({**NAMES, "police": "Police $x^2$ fund"})
    c = ch.contributions_chart(r.contributions(content, fy))
    assert "Police $x^2$ fund" in re.findall(r"<text[^>]*>([^<]*)</text>", c.svg)


def _luminance(hex_colour: str) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])


@pytest.mark.parametrize("colour", ch.PALETTE)
def test_palette_contrast_with_white_at_least_3_to_1(colour: str) -> None:
    assert 1.05 / (_luminance(colour) + 0.05) >= 3.0


def test_lines_differ_without_colour() -> None:
    styles = [(dash, marker) for _, dash, marker in ch.COMPARATOR_STYLES]
    assert len(set(map(str, styles))) == len(styles)
    assert len({marker for _, marker in styles} | {"o", "s"}) == len(styles) + 2


# ------------------------------------------------------------------ PNG, descriptions, tables


def test_png_has_no_software_or_time_metadata(charts: dict[str, ch.Chart]) -> None:
    png = charts["trend"].png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in png and b"matplotlib" not in png and b"tIME" not in png


def test_descriptions_are_written_from_the_data(charts: dict[str, ch.Chart]) -> None:
    assert charts["trend"].description == (
        "Re-referrals within 12 months fell from 23.1% in Q1 to 19.4% in Q4, better than the target of 20.0%."
    )
    assert charts["contributions"].description == (
        "The 3 contributors gave £300,000 in 2025-26; Northmere Council gave the largest share, "
        "£150,000 (50.0%)."
    )
    assert charts["expenditure"].description == (
        "The partnership spent £292,700 in 2025-26 against a planned £300,000, £7,300 under budget; "
        "the largest line was Business unit staffing, at £176,500."
    )
    assert charts["trend"].alt == f"{charts['trend'].title}. {charts['trend'].description}"


def test_contributions_description_year_on_year() -> None:
    content, fy = _year()
    before = fy.model_copy(update={"year": "2024-25", "total": D("300000")})
    c = r.contributions(content, fy, before)
    assert ch.contributions_description(c).startswith(
        "The 3 contributors gave £300,000 in 2025-26, the same as in 2024-25;"
    )
    cheaper = fy.model_copy(
        update={
            "year": "2024-25",
            "contributions": [fy.contributions[0].model_copy(update={"amount": D("240000")})],
            "total": D("240000"),
        }
    )
    c = r.contributions(content, fy, cheaper)
    assert ", up £60,000 (+25.0%) on 2024-25;" in ch.contributions_description(c)


def test_tables(charts: dict[str, ch.Chart]) -> None:
    t = charts["trend"].table
    assert t.header == ("Quarter", "2025-26", "2024-25")
    assert t.rows == (
        ("Q1", "23.1%", "24.0%"),
        ("Q2", "22.0%", "24.5%"),
        ("Q3", "20.5%", "23.0%"),
        ("Q4", "19.4%", "22.8%"),
        ("Target", "20.0%", "21.0%"),
        ("England", "21.4%", "21.6%"),
        ("Statistical neighbours", "22.3%", "—"),
    )
    c = charts["contributions"].table
    assert c.footer == (("Total", "£300,000", "100.0%"),)
    assert [row[2] for row in c.rows] == ["50.0%", "33.3%", "16.7%"]
    e = charts["expenditure"].table
    assert e.header == ("Line", "Planned", "Actual", "Variance")
    assert e.footer == (("Total", "£300,000", "£292,700", "£7,300 under budget"),)


def test_yearly_metric_without_previous() -> None:
    m = _metric(
        id="cp-plans",
        name="Children on protection plans",
        unit="rate_per_10000",
        better="neither",
        frequency="yearly",
    )
    res = MetricResult(
        metric="cp-plans",
        values=[
            {"label": y, "value": D(v)}
            for y, v in (("2023-24", "41.2"), ("2024-25", "43.0"), ("2025-26", "40.1"))
        ],
        comparators=[{"name": "England", "value": D("41.6")}],
    )
    c = ch.metric_chart(r.MetricSummary(m, res, None, None), "2025-26")
    assert c.table.header == ("Year", "Figure")
    assert c.description == (
        "Children on protection plans fell from 41.2 per 10,000 children in 2023-24 to 40.1 per 10,000 "
        "children in 2025-26, lower than England (41.6 per 10,000 children)."
    )
    ET.fromstring(c.svg)


def test_importing_charts_does_not_import_matplotlib() -> None:
    code = "import sys, masa_docs.render.charts, masa_docs.reporting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_comparator_year_is_named_in_the_trend_table_and_description(example) -> None:
    """National comparators lag a year: the table names the year of each column's figure, and the
    description names the year of the comparator it cites."""
    from masa_docs.analysis import report_charts

    chart = next(c for c in report_charts(example, "2025-26") if c.id == "metric-cic-rate")
    headings = [row[0] for row in chart.table.rows]
    assert "England (2024-25; last year 2023-24)" in headings
    assert "Statistical neighbours" in headings  # no as_of: the name alone
    assert "England (2024-25)" in chart.description


def test_comparator_label() -> None:
    from decimal import Decimal

    from masa_docs.model.report import Comparator

    assert Comparator(name="England", value=Decimal("22.1"), as_of="2024-25").label == "England (2024-25)"
    assert Comparator(name="England", value=Decimal("22.1")).label == "England"


# ------------------------------------------------------------------ issue 14: charts that tell the truth


def _texts(svg: str) -> list[str]:
    return [" ".join(t.split()) for t in re.findall(r"<text[^>]*?>(.*?)</text>", svg, re.S)]


def test_line_values_far_from_zero_get_a_fitted_axis_that_says_where_it_starts() -> None:
    bottom, top, from_zero = ch.value_axis([40.0, 44.0, 48.0, 45.5])
    assert not from_zero and 30 <= bottom < 40 and 48 < top <= 55
    assert ch.axis_label("percent", bottom, ch._axis_formatter("percent")) == (
        f"Per cent\n(axis starts at {bottom:g}%)"
    )
    # Values that reach down near zero keep the zero baseline, and the label says nothing more.
    assert ch.value_axis([5.0, 20.0, 48.0])[::2] == (0.0, True)
    assert ch.axis_label("count", 0.0, ch._axis_formatter("count")) == "Number"
    texts = _texts(_trend().svg)
    assert "(axis starts at 18%)" in texts and "0%" not in texts


def test_a_chart_with_one_series_has_no_legend() -> None:
    now = _result(["44", "46", "45", "47"], None, {})
    chart = ch.metric_chart(r.MetricSummary(_metric(), now, None, None), "2025-26")
    assert "2025-26" not in _texts(chart.svg)  # no one-item legend
    _, fy = _year()
    lines = [line.model_copy(update={"actual": None}) for line in fy.expenditure]
    fy = fy.model_copy(update={"expenditure": lines})
    planned_only = ch.expenditure_chart(r.expenditure(fy, D("300000")))
    assert "Planned" not in _texts(planned_only.svg)


def test_few_bars_carry_their_values_and_start_at_zero(charts: dict[str, ch.Chart]) -> None:
    texts = _texts(charts["expenditure"].svg)
    for amount in ("£180,000", "£176,500", "£30,000", "£31,200"):
        assert amount in texts
    assert texts[0] == "£0"  # the first tick of the value axis: bars from zero


def test_long_labels_are_wrapped_never_cut() -> None:
    label = (
        "Business unit staff (business manager, two coordinators, data analyst, training "
        "coordinator, administrator)"
    )
    wrapped = ch._wrap(label, 30)
    assert "…" not in wrapped and " ".join(wrapped.split()) == label
    assert max(len(line) for line in wrapped.splitlines()) <= 30


# ------------------------------------------------------------------ issue 17: each figure drawn once


def _savefig(chart: ch.Chart) -> tuple[str, bytes]:
    """The chart as matplotlib's own ``Figure.savefig`` writes it: the SVG, then the PNG of the same
    figure with the SVG's layout kept (the way charts were made before issue 17, less the second
    layout)."""
    with ch._style(chart.id):
        fig = chart._draw()
        svg = io.StringIO()
        fig.savefig(svg, format="svg", metadata=ch.SVG_METADATA)
        fig.set_layout_engine("none")
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=ch.DPI_PNG, facecolor="white")
    return svg.getvalue(), png.getvalue()


@pytest.mark.parametrize("kind", list(MAKERS))
def test_the_shortcut_past_savefig_draws_what_savefig_draws(charts: dict[str, ch.Chart], kind: str) -> None:
    """Charts are printed straight through matplotlib's canvases (one draw each) instead of with
    savefig (which draws a laid-out figure twice): the SVG must be savefig's, byte for byte, and the
    PNG savefig's pixels, so a matplotlib upgrade that changes what savefig does is caught here."""
    from PIL import Image

    chart = charts[kind]
    svg, png = _savefig(chart)
    assert ch.accessible_svg(svg, chart.html_id, chart.title, chart.description) == chart.svg
    ours, theirs = Image.open(io.BytesIO(chart.png())), Image.open(io.BytesIO(png))
    assert ours.mode == "RGB"  # opaque: no alpha channel to store
    assert ours.size == theirs.size == (round(ch.WIDTH_IN * ch.DPI_PNG), theirs.size[1])
    assert ours.tobytes() == theirs.convert("RGB").tobytes()
    assert tuple(round(d) for d in ours.info["dpi"]) == (ch.DPI_PNG, ch.DPI_PNG)


@pytest.mark.parametrize("kind", list(MAKERS))
def test_png_drawn_with_the_svg_is_the_png_drawn_later(
    charts: dict[str, ch.Chart], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With png=True the PNG comes from the figure the SVG was drawn from (no second drawing);
    without, it is drawn when asked for. A Word copy gets the same bytes either way."""
    later = charts[kind].png()
    eager = MAKERS[kind](png=True)

    def drawn_again(chart_id: str, draw: object) -> bytes:
        raise AssertionError(f"{chart_id}: PNG drawn a second time")

    monkeypatch.setattr(ch, "_png_bytes", drawn_again)
    assert eager.png() == later
    assert eager.svg == charts[kind].svg


def test_analyse_draws_the_png_with_the_svg_only_for_a_word_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    from masa_docs.analysis import analyse
    from masa_docs.example import example_dir
    from masa_docs.load import load_content
    from masa_docs.publish import plan

    loaded = load_content(example_dir())
    latest = loaded.content.latest_period
    requests, _ = plan(loaded, docs=["yearly-report"], formats=["html", "docx"], period=latest)
    drawn_alone: list[str] = []
    real = ch._png_bytes
    monkeypatch.setattr(ch, "_png_bytes", lambda i, d: drawn_alone.append(i) or real(i, d))

    # HTML only: no PNG is drawn, until one is asked for.
    html = analyse(loaded, [q for q in requests if q.fmt == "html"])
    charts = html.reports[latest]["charts"]
    assert charts and not drawn_alone
    charts[0].png()
    assert drawn_alone == [charts[0].id]

    # With the Word copy: every chart's PNG was drawn with its SVG, none on its own.
    drawn_alone.clear()
    both = analyse(load_content(example_dir()), requests)
    charts = both.reports[latest]["charts"]
    assert charts and all(c.png().startswith(b"\x89PNG") for c in charts)
    assert not drawn_alone


# ------------------------------------------------------------------ issue 17: lean inline SVG


@pytest.mark.parametrize("kind", list(MAKERS))
def test_svg_styles_are_presentation_attributes(charts: dict[str, ch.Chart], kind: str) -> None:
    """No element but the root keeps a style= (the root's sizes it in the page): matplotlib's
    declarations are SVG presentation attributes, which an HTML renderer does not cascade."""
    svg = charts[kind].svg
    root = ET.fromstring(svg)
    assert [e.tag for e in root.iter() if e.get("style") is not None] == [f"{SVG_NS}svg"]
    texts = list(root.iter(f"{SVG_NS}text"))
    assert texts and all(t.get("font-family") == ch.CSS_FONT_STACK for t in texts)
    assert all(t.get("font-size", "").endswith("px") for t in texts)
    assert {t.get("text-anchor") for t in texts} >= {"middle", "end"}
    paths = list(root.iter(f"{SVG_NS}path"))
    assert any(p.get("stroke-width") for p in paths) and any(p.get("fill") == "none" for p in paths)


@pytest.mark.parametrize("kind", list(MAKERS))
def test_svg_has_no_group_that_only_wraps(charts: dict[str, ch.Chart], kind: str) -> None:
    """matplotlib wraps nearly every element in a <g id="..."> nobody refers to: those go (their
    children stay), and so do groups that hold nothing."""
    root = ET.fromstring(charts[kind].svg)
    groups = list(root.iter(f"{SVG_NS}g"))
    assert all(g.attrib and len(g) for g in groups)
    assert all(set(g.attrib) - {"id"} for g in groups)  # an id alone would be an unreferenced one
    # the same text labels, in the same order, as matplotlib drew
    raw = ch._render(charts[kind].id, charts[kind]._draw, png=False)[0]
    drawn = ET.fromstring(raw[raw.index("<svg") :])
    assert [t.text for t in root.iter(f"{SVG_NS}text")] == [t.text for t in drawn.iter(f"{SVG_NS}text")]
    shapes = ("path", "use", "rect", "text", "clipPath", "pattern")
    for shape in shapes:  # every shape kept
        assert len(list(root.iter(SVG_NS + shape))) == len(list(drawn.iter(SVG_NS + shape))), shape
    assert len(list(root.iter())) < len(list(drawn.iter())) * 0.7


def test_style_declarations_become_attributes_where_svg_has_them() -> None:
    tag = (
        '<path d="M 0 0" fill="#ffffff" style="fill: none; stroke: #0b0c0c; stroke-width: 0.8; '
        "font-family: 'Liberation Sans'; font: 10px serif; paint-order: stroke; "
        'stroke-dasharray: 2,2" clip-path="url(#p1)"/>'
    )
    assert ch._presentation(tag) == (
        '<path d="M 0 0" fill="none" stroke="#0b0c0c" stroke-width="0.8"'
        f' font-family="{ch.CSS_FONT_STACK}" stroke-dasharray="2,2"'
        ' style="font: 10px serif; paint-order: stroke" clip-path="url(#p1)"/>'
    )  # the style's fill outranked the attribute; what SVG has no attribute for stays a style
    assert ch._presentation('<text x="1">') == '<text x="1">'
    assert ch._presentation("<text style=\"font-family: 'A;B', serif; fill: red\">") == (
        '<text font-family="\'A;B\', serif" fill="red">'
    )


def test_lean_unwraps_bare_groups_and_drops_empty_ones_never_text() -> None:
    svg = (
        '<svg>\n <g>\n  <g>\n   <path d="M 0 0"/>\n  </g>\n'
        '  <g clip-path="url(#a)">\n   <text>&lt;g&gt; </text>\n  </g>\n'
        '  <g fill="red">\n  </g>\n  <g id="c-kept"/>\n  <g transform="x"><g></g></g>\n </g>\n</svg>'
    )
    assert ch._lean(svg) == (
        '<svg>\n   <path d="M 0 0"/>\n'
        '  <g clip-path="url(#a)">\n   <text>&lt;g&gt; </text>\n  </g>\n  <g id="c-kept"/>\n</svg>'
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(MAKERS))
def test_lean_svg_draws_what_matplotlib_drew(charts: dict[str, ch.Chart], kind: str, tmp_path: Any) -> None:
    """WeasyPrint draws the lean inline SVG pixel for pixel as matplotlib's own SVG (with its
    <style> and every group and style= kept)."""
    import shutil

    import weasyprint
    from PIL import Image, ImageChops

    chart = charts[kind]
    raw = ch._render(chart.id, chart._draw, png=False)[0]
    raw = raw[raw.index("<svg") :].replace("<svg ", '<svg style="width: 100%; max-width: 453.6pt" ', 1)
    pictures = []
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is needed: apt-get install poppler-utils"
    for name, svg in (("matplotlib", raw), ("lean", chart.svg)):
        html = f"<!doctype html><style>@page {{ margin: 0 }} body {{ margin: 0 }}</style><body>{svg}</body>"
        (tmp_path / f"{name}.pdf").write_bytes(weasyprint.HTML(string=html).write_pdf())
        subprocess.run(
            [pdftoppm, "-png", "-r", "100", "-singlefile", tmp_path / f"{name}.pdf", tmp_path / name],
            check=True,
        )
        pictures.append(Image.open(tmp_path / f"{name}.png").convert("RGB"))
    before, after = pictures
    assert before.size == after.size
    assert ImageChops.difference(before, after).getbbox() is None
    assert before.getextrema() != ((255, 255),) * 3  # something was drawn
