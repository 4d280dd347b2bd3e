"""The yearly report's charts: matplotlib figures as accessible, deterministic SVG and PNG.

Charts: one trend per data-set metric (the period's values, the previous period's where it
reported the same points, the target and the comparators), contributions by partner, and
expenditure by line (planned against actual).

Every chart carries a title, a one-sentence description written from the data, and the data
table it draws, so the picture is never the only way to get the figures. Lines differ by
marker and dash pattern as well as colour, and bars by hatching; every colour has at least
3:1 contrast with white (WCAG 2.2, 1.4.11), text is black.

Determinism: matplotlib's own defaults (a user's matplotlibrc is ignored), a fixed font
(Liberation Sans, falling back to matplotlib's bundled DejaVu Sans when it is not installed),
a hash salt per chart, no dates, no software names, no absolute paths, and element ids
prefixed with the chart id so several charts can share one HTML page. SVG text stays text
(``svg.fonttype: none``), so it is selectable and read by screen readers.

Lean SVG (issue 17): matplotlib styles every element with ``style="..."`` and wraps nearly each
one in a ``<g id="...">`` nobody refers to. The inline SVG carries the styles as SVG
presentation attributes instead and drops the wrapping groups, so it has about half the elements
and an HTML renderer runs none of them through its CSS cascade: WeasyPrint's time on the large
yearly report (202 charts) fell by about a fifth, and its 27,401 "unknown property" warnings
are gone. It draws the same, pixel for pixel (a test holds it).

Cost: each chart's figure is built and laid out once. Its SVG is printed from it in one draw,
and its PNG (only when a Word copy is made) is rasterised from the same figure with that layout
kept, so the Word picture and the HTML/PDF chart share one layout (see :func:`_render`).

matplotlib is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import io
import logging
import re
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Any

from ..wording import count
from .context import format_money, format_number

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.figure import Figure

    from ..reporting import Contributions, Expenditure, MetricSummary, ReportFigures

log = logging.getLogger(__name__)

FONT = "Liberation Sans"
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib, so always there
CSS_FONT_STACK = "'Liberation Sans', Arial, Helvetica, sans-serif"

# Colours (contrast with white in brackets; tests check >= 3:1).
INK = "#0b0c0c"  # text and axes (19.4:1)
BLUE = "#1d4f91"  # this period (8.4:1)
GREY = "#595959"  # previous period (7.0:1)
ORANGE = "#a63603"  # target (6.4:1)
COMPARATOR_STYLES: tuple[tuple[str, Any, str], ...] = (
    ("#1b6e38", (0, (8, 2, 2, 2)), "^"),  # green, dash-dot, triangles
    ("#6a3d9a", (0, (1, 2)), "D"),  # purple, dotted, diamonds
    ("#8c2d04", (0, (4, 1, 1, 1, 1, 1)), "v"),  # brown, dash-dot-dot
    ("#2b5b6b", (0, (10, 3)), "P"),  # teal, long dash
)
PALETTE = (INK, BLUE, GREY, ORANGE, *(c for c, _, _ in COMPARATOR_STYLES))

WIDTH_IN = 6.3  # fits an A4 page's text width
DPI_PNG = 200
LEGEND_PT = 10  # legends and value labels stay readable at page size in HTML and PDF
FEW_BARS = 12  # up to this many bars carry their value as a label


# ------------------------------------------------------------------ the Chart


@dataclass(frozen=True)
class ChartTable:
    """The data a chart draws, as text: a header row and rows whose first cell is a row header."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[tuple[str, ...], ...] = ()  # total rows


@dataclass(frozen=True, eq=False)
class Chart:
    id: str  # 'metric-<metric id>', 'contributions', 'expenditure'
    kind: str  # 'trend' | 'contributions' | 'expenditure'
    title: str
    description: str  # one sentence written from the data; the Word copy's alt text
    svg: str  # inline SVG with role="img", <title> and <desc>
    table: ChartTable
    _draw: Callable[[], Figure] = field(repr=False)
    _png: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def html_id(self) -> str:
        return f"chart-{self.id}"

    @property
    def markup(self) -> Markup:
        """The SVG for a Jinja template (built by :func:`accessible_svg`; content text in it is
        escaped by matplotlib and by this module)."""
        from markupsafe import Markup

        return Markup(self.svg)

    @property
    def alt(self) -> str:
        return f"{self.title}. {self.description}"

    def png(self) -> bytes:
        """The chart as PNG (deterministic, no metadata) for the Word copy: drawn with the SVG
        when the chart was made with ``png=True``, else drawn now (the same bytes either way)."""
        if "png" not in self._png:
            self._png["png"] = _png_bytes(self.id, self._draw)
        return self._png["png"]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (handed to or from a worker process) without its drawing function: with its
        PNG when that was drawn first (the analysis draws it when a Word copy is made), so a
        PDF-only publish never draws a PNG."""
        state = dict(self.__dict__)
        state["_png"] = dict(self._png)
        state["_draw"] = _already_drawn
        return state


def _already_drawn() -> Figure:
    raise RuntimeError(
        "a pickled chart carries its PNG only when it was drawn before pickling "
        "(masa_docs.analysis.report_for(..., png=True))"
    )


# ------------------------------------------------------------------ matplotlib set-up


@lru_cache(maxsize=1)
def chart_font() -> str:
    """Liberation Sans when installed, else matplotlib's bundled DejaVu Sans (deterministic)."""
    from matplotlib import font_manager

    try:
        font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    except ValueError:
        log.warning("font %r not found; charts use %s (install fonts-liberation2)", FONT, FALLBACK_FONT)
        return FALLBACK_FONT
    return FONT


# matplotlib's rcParams are global: one chart is drawn at a time per process.
_DRAWING = threading.RLock()


@contextmanager
def _style(chart_id: str) -> Iterator[None]:
    import matplotlib as mpl

    with _DRAWING, mpl.rc_context():
        mpl.rcdefaults()  # ignore any matplotlibrc on this machine
        mpl.rcParams.update(
            {
                "svg.hashsalt": f"masa-docs:{chart_id}",
                "svg.fonttype": "none",
                "font.family": [chart_font()],
                "font.size": 10.5,
                "text.color": INK,
                "axes.edgecolor": INK,
                "axes.labelcolor": INK,
                "xtick.color": INK,
                "ytick.color": INK,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.grid": True,
                "axes.grid.axis": "y",
                "grid.color": "#b1b4b6",
                "grid.linewidth": 0.6,
                "axes.axisbelow": True,
                "legend.frameon": False,
                "hatch.linewidth": 1.0,
                "path.simplify": False,
            }
        )
        yield


def _new_figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height), layout="constrained")


SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _render(chart_id: str, draw: Callable[[], Figure], *, png: bool) -> tuple[str, bytes | None]:
    """The chart's raw SVG and, when ``png``, its PNG, both from one figure drawn once.

    The figure is printed straight through its canvases rather than with ``Figure.savefig``:
    savefig draws a figure that has a layout engine twice (once with drawing switched off, to
    run the layout, then for real), and a second savefig would build the layout again. Here the
    SVG canvas draws once, running the constrained layout as it draws (the same bytes savefig
    writes; a test holds it), and the PNG is then rasterised from the same figure with that
    layout kept: no second figure, layout pass or text measuring. So the Word copy's picture has
    exactly the layout of the HTML and PDF chart.
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    with _style(chart_id):
        fig = draw()
        dpi = fig.dpi
        svg = io.StringIO()
        FigureCanvasSVG(fig).print_svg(svg, metadata=SVG_METADATA)
        fig.dpi = dpi  # print_svg leaves it at 72
        return svg.getvalue(), (_agg_png(fig) if png else None)


def _agg_png(fig: Figure) -> bytes:
    """The laid-out figure rasterised at DPI_PNG: an RGB PNG (the background is opaque white, so
    an alpha channel would only add bytes) with no metadata but its resolution."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_layout_engine("none")  # keep the layout the SVG was drawn with
    fig.dpi = DPI_PNG
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(DPI_PNG, DPI_PNG))
    return buf.getvalue()


def _png_bytes(chart_id: str, draw: Callable[[], Figure]) -> bytes:
    """A chart's PNG drawn on its own (its SVG was made without one): the layout is the SVG's,
    so the bytes are those :func:`_render` makes with the SVG."""
    png = _render(chart_id, draw, png=True)[1]
    assert png is not None
    return png


_TAG = re.compile(r"<[^>]*>")
_ID = re.compile(r'\sid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^")]+)')
_STYLE = re.compile(r'\sstyle="([^"]*)"')
# One CSS declaration: a property, then a value in which ';' may sit only inside quotes or
# brackets (matplotlib writes "fill: none; stroke: #0b0c0c; font-family: 'Liberation Sans'").
_DECLARATION = re.compile(r"""\s*([a-zA-Z-]+)\s*:\s*((?:[^;'"()]|'[^']*'|"[^"]*"|\([^)]*\))*?)\s*(?:;|$)""")
_EMPTY_GROUP = re.compile(r"\s*<g(?:\s[^>]*)?(?:/>|>\s*</g>)")
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>")

# The CSS properties SVG 1.1 also takes as presentation attributes (SVG 1.1, section 6.4).
PRESENTATION_ATTRIBUTES = frozenset(
    [
        "alignment-baseline",
        "baseline-shift",
        "clip",
        "clip-path",
        "clip-rule",
        "color",
        "color-interpolation",
        "color-interpolation-filters",
        "color-profile",
        "color-rendering",
        "cursor",
        "direction",
        "display",
        "dominant-baseline",
        "enable-background",
        "fill",
        "fill-opacity",
        "fill-rule",
        "filter",
        "flood-color",
        "flood-opacity",
        "font-family",
        "font-size",
        "font-size-adjust",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "glyph-orientation-horizontal",
        "glyph-orientation-vertical",
        "image-rendering",
        "kerning",
        "letter-spacing",
        "lighting-color",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "opacity",
        "overflow",
        "pointer-events",
        "shape-rendering",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "text-rendering",
        "unicode-bidi",
        "visibility",
        "word-spacing",
        "writing-mode",
    ]
)


def _presentation(tag: str) -> str:
    """A tag with its ``style`` declarations as SVG presentation attributes, in their order, where
    SVG has one (in ``style`` stays only what has none). A style declaration outranks an
    attribute of the same name, so such an attribute gives way. The element draws the same, and
    HTML renderers no longer run every declaration through their CSS cascade: WeasyPrint warned
    "unknown property" about each, over thousands of elements in a large report."""
    m = _STYLE.search(tag)
    if m is None:
        return tag
    attrs: dict[str, str] = {}
    rest: list[str] = []
    for name, value in _DECLARATION.findall(m.group(1)):
        if not value:
            continue
        if name.lower() in PRESENTATION_ATTRIBUTES and "!" not in value:
            attrs[name.lower()] = value
        else:
            rest.append(f"{name}: {value}")
    if attrs.get("font-family") == "'Liberation Sans'":
        attrs["font-family"] = CSS_FONT_STACK
    new = "".join(f' {name}="{value}"' for name, value in attrs.items())
    if rest:
        new += f' style="{"; ".join(rest)}"'
    before, after = tag[: m.start()], tag[m.end() :]
    for name in attrs:  # an attribute the style overrode
        if f'{name}="' in before or f'{name}="' in after:
            before = re.sub(rf'\s{re.escape(name)}="[^"]*"', "", before)
            after = re.sub(rf'\s{re.escape(name)}="[^"]*"', "", after)
    return before + new + after


def _lean(svg: str) -> str:
    """The SVG without the groups that only wrapped their children (``<g>`` with no attribute
    left once unreferenced ids are gone: matplotlib wraps nearly every element in one), and
    without groups that hold nothing. Each group's line goes with it; text is not touched."""
    parts = _TAG.split(svg)
    tags = _TAG.findall(svg)
    out: list[str] = [parts[0]]
    bare: list[bool] = []  # for each open <g>: whether it is dropped
    for tag, text in zip(tags, parts[1:], strict=True):
        drop = False
        if tag == "<g>":
            bare.append(True)
            drop = True
        elif tag.startswith("<g ") and not tag.endswith("/>"):
            bare.append(False)
        elif tag == "</g>":
            drop = bare.pop()
        if drop:
            if out[-1].isspace():  # the indentation before the tag
                out[-1] = ""
        else:
            out.append(tag)
        out.append(text)
    lean = "".join(out)

    def empty(m: re.Match[str]) -> str:
        return m.group(0) if ' id="' in m.group(0) else ""  # a referenced group stays

    while True:  # a group that held only an empty group is empty in turn
        emptied = _EMPTY_DEFS.sub("", _EMPTY_GROUP.sub(empty, lean))
        if emptied == lean:
            return lean
        lean = emptied


def accessible_svg(raw: str, html_id: str, title: str, description: str) -> str:
    """Inline-ready SVG: no prolog, metadata or global <style>; ids made unique to the chart
    (unreferenced ones dropped); styles as presentation attributes (see :func:`_presentation`);
    no group that only wraps (see :func:`_lean`); role="img" named by <title> and described by
    <desc>."""
    svg = raw[raw.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s*<style type="text/css">.*?</style>', "", svg, flags=re.S)
    svg = _EMPTY_DEFS.sub("", svg)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    # Only markup is rewritten, never text: content text in <text> has '<' escaped, so a
    # tag is everything from '<' to the next '>'.
    tags = _TAG.findall(svg)
    referenced = {m.group(2) for tag in tags for m in _REF.finditer(tag)}

    def rename_id(m: re.Match[str]) -> str:
        ident = m.group(1)
        return f' id="{html_id}-{ident}"' if ident in referenced else ""

    def rewrite(tag: re.Match[str]) -> str:
        t = _ID.sub(rename_id, tag.group(0))
        t = _REF.sub(lambda m: f"{m.group(1)}{html_id}-{m.group(2)}", t)
        return _presentation(t)

    svg = _lean(_TAG.sub(rewrite, svg))
    t_id, d_id = f"{html_id}-title", f"{html_id}-desc"
    open_end = svg.index(">")
    root = svg[:open_end]
    width = re.search(r'\swidth="([^"]+)"', root)
    # Shrinks to fit a narrow screen, never grows past its drawn size.
    sizing = f"width: 100%; max-width: {width.group(1)}; height: auto" if width else "max-width: 100%"
    root += (
        f' id="{html_id}-svg" role="img" aria-labelledby="{t_id} {d_id}"'
        f' style="{sizing}" stroke-linejoin="round" stroke-linecap="butt"'
    )
    inner = svg[open_end + 1 :]
    head = f'>\n <title id="{t_id}">{escape(title)}</title>\n <desc id="{d_id}">{escape(description)}</desc>'
    return (root + head + inner).rstrip() + "\n"


def _make(
    chart_id: str,
    kind: str,
    title: str,
    description: str,
    table: ChartTable,
    draw: Callable[[], Figure],
    png: bool = False,
) -> Chart:
    """The chart, its SVG drawn now; its PNG too when ``png`` (a Word copy will be made), from the
    same figure, else only if :meth:`Chart.png` is asked for later."""
    html_id = f"chart-{chart_id}"
    raw, png_bytes = _render(chart_id, draw, png=png)
    svg = accessible_svg(raw, html_id, title, description)
    return Chart(
        chart_id, kind, title, description, svg, table, draw, {} if png_bytes is None else {"png": png_bytes}
    )


# ------------------------------------------------------------------ formatting helpers


def _num(v: Decimal) -> float:
    return float(v)  # drawing only: every figure shown as text comes from the Decimal


def _num_or_gap(v: object) -> float:
    """A figure to draw, or NaN (a gap in the line) for one that is not known."""
    return float(v) if isinstance(v, Decimal | int) else float("nan")


def _known(v: object) -> Decimal:
    """A figure a chart draws: charts are only made when every figure they show is known."""
    if not isinstance(v, Decimal | int):
        raise ValueError("a chart cannot draw a figure that is not known")
    return Decimal(v)


def _axis_formatter(unit: str) -> Callable[[float, int], str]:
    def fmt(x: float, _pos: int) -> str:
        text = f"{x + 0.0:,.10g}" if x else "0"  # never "-0"
        return f"{text}%" if unit == "percent" else text

    return fmt


def _money_axis(largest: Decimal) -> Callable[[float, int], str]:
    """Ticks in thousands ('£25k') for budgets of £10,000 or more, else in pounds."""

    def fmt(x: float, _pos: int) -> str:
        if largest >= 10000:
            return f"£{x / 1000:,.0f}k" if round(x / 1000) else "£0"
        return f"£{x:,.0f}" if round(x) else "£0"  # never "£-0"

    return fmt


def _plain(text: str) -> str:
    """Content text for matplotlib: '$' would start mathtext, so escape it."""
    return text.replace("$", r"\$")


def _wrap(label: str, width: int = 26) -> str:
    """A long category label wrapped onto as many lines as it needs, never cut."""
    return _plain("\n".join(textwrap.wrap(label, width, break_long_words=False)) or label)


def _bar_rows(labels: list[str], base: float) -> tuple[list[float], float]:
    """Centres of the bar groups, in inches from the top, each with room for its own wrapped
    label (a long label gets a taller row, the others stay compact), and the total height."""
    centres: list[float] = []
    y = 0.0
    for label in labels:
        slot = max(base, 0.18 * (label.count("\n") + 1) + 0.12)
        centres.append(y + slot / 2)
        y += slot
    return centres, y


def value_axis(values: list[float]) -> tuple[float, float, bool]:
    """(bottom, top, from_zero) of a line chart's value axis: from zero when zero is near
    enough not to flatten the lines (the lowest value is at most half the highest), else
    fitted to the data on round ticks. Bars always start at zero (see the bar charts)."""
    from matplotlib.ticker import MaxNLocator

    lo, hi = min(values, default=0.0), max(values, default=1.0)
    if lo < 0 or lo <= hi / 2:
        ticks = MaxNLocator(nbins=6).tick_values(min(lo, 0.0), max(hi, 1.0) * 1.08)
        return float(ticks[0]), float(ticks[-1]), lo >= 0
    pad = (hi - lo) * 0.1 or abs(hi) * 0.05 or 1.0
    ticks = MaxNLocator(nbins=6).tick_values(lo - pad, hi + pad)
    return float(ticks[0]), float(ticks[-1]), False


def _short(m: MetricSummary, value: Decimal | None) -> str:
    """A value for a legend: the unit is on the axis, so only percentages keep theirs."""
    text = format_number(value, m.places)
    return f"{text}%" if m.unit == "percent" else text


def _legend_columns(labels: list[str]) -> int:
    """As many columns as fit across the figure (about 90 characters of legend text)."""
    widest = max((len(lab) for lab in labels), default=1) + 8  # plus the line sample
    return max(1, min(3, 90 // widest))


def axis_label(unit: str, bottom: float, fmt: Callable[[float, int], str]) -> str:
    """The value axis's label; says where the axis starts when that is not zero."""
    label = UNIT_AXIS.get(unit, "Value")
    if bottom:
        label += f"\n(axis starts at {fmt(bottom, 0)})"
    return label


UNIT_AXIS = {
    "percent": "Per cent",
    "rate_per_10000": "Per 10,000 children",
    "days": "Days",
    "count": "Number",
    "number": "Number",
}


# ------------------------------------------------------------------ charts


def metric_chart(m: MetricSummary, period: str, *, png: bool = False) -> Chart:
    """A metric's trend across the period, with target and comparators as flat lines."""
    labels = [v.label for v in m.result.values]
    values = [v.value for v in m.result.values]
    prev = m.previous if m.previous_aligned else None
    prev_period = m.previous_period
    # A quarterly series is this period's; a yearly one spans several years.
    series_label = period if m.metric.frequency == "quarterly" or prev is not None else "Figure"

    def draw() -> Figure:
        fig = _new_figure(3.4)
        ax = fig.add_subplot()
        xs = list(range(len(labels)))
        # A figure that is not known is a gap in the line (NaN), never drawn as 0.
        ys = [_num_or_gap(v) for v in values]
        top = [y for y in ys if y == y]
        ax.plot(xs, ys, color=BLUE, linewidth=2.4, marker="o", markersize=7, label=series_label, zorder=3)
        if prev is not None:
            pv = [_num_or_gap(v.value) for v in prev.values]
            top += [y for y in pv if y == y]
            ax.plot(
                xs,
                pv,
                color=GREY,
                linestyle=(0, (2, 2)),
                linewidth=1.6,
                marker="s",
                markersize=6,
                markerfacecolor="white",
                markeredgewidth=1.4,
                label=str(prev_period),
                zorder=2,
            )
        if m.target is not None:  # a target that is not known has no line
            t = _num(m.target)
            top.append(t)
            ax.axhline(
                t,
                color=ORANGE,
                linestyle=(0, (6, 3)),
                linewidth=1.8,
                label=f"Target ({_short(m, m.target)})",
            )
        for i, c in enumerate(m.result.comparators):
            colour, dash, marker = COMPARATOR_STYLES[i % len(COMPARATOR_STYLES)]
            if not isinstance(c.value, Decimal):
                continue  # not known: no line (its table row says so)
            cv = _num(c.value)
            top.append(cv)
            ax.plot(
                xs,
                [cv] * len(xs),
                color=colour,
                linestyle=dash,
                linewidth=1.4,
                marker=marker,
                markersize=5,
                label=_plain(
                    f"{c.label}: {_short(m, c.value)}" if c.as_of else f"{c.name} ({_short(m, c.value)})"
                ),
            )
        ax.set_xticks(xs, [_plain(lab) for lab in labels])
        ax.set_xlim(-0.3, len(xs) - 0.7)
        from matplotlib.ticker import FuncFormatter

        bottom, upper, _ = value_axis(top)
        ax.set_ylim(bottom, upper)
        fmt = _axis_formatter(m.unit)
        ax.yaxis.set_major_formatter(FuncFormatter(fmt))
        ax.set_ylabel(axis_label(m.unit, bottom, fmt))
        names = ax.get_legend_handles_labels()[1]
        if len(names) > 1:  # a single line is named by the chart's title
            fig.legend(
                loc="outside lower center", ncols=_legend_columns(names), fontsize=LEGEND_PT, handlelength=3.2
            )
        return fig

    quarterly = m.metric.frequency == "quarterly"
    header = ["Quarter" if quarterly else "Year", series_label]
    if prev is not None:
        header.append(str(prev_period))
    rows: list[tuple[str, ...]] = []
    for i, v in enumerate(m.result.values):
        row = [v.label, m.fmt(v.value)]
        if prev is not None:
            row.append(m.fmt(prev.values[i].value))
        rows.append(tuple(row))
    # The target and comparators follow the values as rows of their own (not a total footer).
    prev_by_name = {c.name: c for c in (m.previous.comparators if m.previous else [])}
    if m.result.target is not None:
        row = ["Target", m.fmt(m.result.target)]
        if prev is not None:
            row.append(m.fmt(prev.target))
        rows.append(tuple(row))
    for c in m.result.comparators:
        before = prev_by_name.get(c.name)
        # National figures lag: say which year each column's comparator is for.
        if prev is not None and before is not None and (c.as_of or before.as_of) and c.as_of != before.as_of:
            heading = f"{c.name} ({c.as_of or 'same year'}; last year {before.as_of or 'same year'})"
        else:
            heading = c.label
        row = [heading, m.fmt(c.value)]
        if prev is not None:
            row.append(m.fmt(before.value if before else None))
        rows.append(tuple(row))
    table = ChartTable(f"{m.metric.name}: figures", tuple(header), tuple(rows))
    return _make(f"metric-{m.id}", "trend", m.metric.name, m.description, table, draw, png)


def contributions_description(c: Contributions) -> str:
    big = c.largest
    assert big is not None
    head = f"The {count(c.rows, 'contributor')} gave {format_money(c.total)} in {c.year}"
    if c.previous_total is not None and c.change is not None:
        if c.change == 0:
            head += f", the same as in {c.previous_year}"
        else:
            pct = c.change_percent
            pct_text = f" ({'+' if c.change > 0 else '−'}{abs(pct)}%)" if pct is not None else ""
            head += (
                f", {'up' if c.change > 0 else 'down'} {format_money(abs(c.change))}{pct_text} "
                f"on {c.previous_year}"
            )
    return f"{head}; {big.name} gave the largest share, {format_money(big.amount)} ({big.percent}%)."


def contributions_chart(c: Contributions, *, png: bool = False) -> Chart:
    names = [r.name for r in c.rows]
    amounts = [_known(r.amount) for r in c.rows]
    labels = [f"{format_money(r.amount)} ({r.percent}%)" for r in c.rows]

    def draw() -> Figure:
        wrapped = [_wrap(n, 30) for n in names]
        ys, rows_height = _bar_rows(wrapped, 0.55)
        fig = _new_figure(0.9 + rows_height)
        ax = fig.add_subplot()
        bars = ax.barh(ys, [_num(a) for a in amounts], color=BLUE, edgecolor=INK, linewidth=0.8, height=0.33)
        ax.bar_label(bars, labels, padding=4, fontsize=LEGEND_PT)
        ax.set_yticks(ys, wrapped)
        ax.set_ylim(rows_height, 0)  # top to bottom, in inches
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(_money_axis(max(amounts, default=Decimal(0)))))
        ax.set_xlim(0, _num(max(amounts, default=Decimal(1)) or Decimal(1)) * 1.4)
        ax.set_xlabel(f"Contribution in {c.year}")
        return fig

    header: tuple[str, ...] = ("Partner", "Contribution", "Share")
    rows = tuple((r.name, format_money(r.amount), f"{r.percent}%") for r in c.rows)
    footer = (("Total", format_money(c.total), c.percent_total_text),)
    table = ChartTable(f"Contributions by partner, {c.year}", header, rows, footer)
    return _make(
        "contributions",
        "contributions",
        f"Contributions by partner, {c.year}",
        contributions_description(c),
        table,
        draw,
        png,
    )


def expenditure_description(e: Expenditure) -> str:
    big = e.largest
    assert big is not None
    if e.actual_total is None:
        return (
            f"The partners planned to spend {format_money(e.planned_total)} in {e.year} across "
            f"{count(e.rows, 'line')}; the largest was {big.line}, at {format_money(big.planned)}."
        )
    return (
        f"The partnership spent {format_money(e.actual_total)} in {e.year} against a planned "
        f"{format_money(e.planned_total)}, {e.variance_words}; the largest line was {big.line}, "
        f"at {format_money(big.actual)}."
    )


def _largest_spend(e: Expenditure) -> Decimal:
    return max((max(_known(r.planned), r.actual or Decimal(0)) for r in e.rows), default=Decimal(0))


def expenditure_chart(e: Expenditure, *, png: bool = False) -> Chart:
    lines = [r.line for r in e.rows]
    planned = [_num(_known(r.planned)) for r in e.rows]
    actual = [None if r.actual is None else _num(r.actual) for r in e.rows]
    has_actual = e.has_actuals

    def draw() -> Figure:
        wrapped = [_wrap(n, 30) for n in lines]
        ys, rows_height = _bar_rows(wrapped, 0.7 if has_actual else 0.45)
        fig = _new_figure(1.2 + rows_height)
        ax = fig.add_subplot()
        h = 0.25 if has_actual else 0.27  # inches
        planned_bars = ax.barh(
            [y - (h / 2 if has_actual else 0) for y in ys],
            planned,
            height=h,
            color="white",
            edgecolor=BLUE,
            hatch="///",
            linewidth=1.2,
            label="Planned",
        )
        actual_bars = None
        if has_actual:
            actual_bars = ax.barh(
                [y + h / 2 for y in ys],
                [a or 0.0 for a in actual],
                height=h,
                color=BLUE,
                edgecolor=INK,
                linewidth=0.8,
                label="Actual",
            )
        few = len(lines) * (2 if has_actual else 1) <= FEW_BARS
        if few:  # a handful of bars: each says its amount
            ax.bar_label(
                planned_bars, [format_money(r.planned) for r in e.rows], padding=4, fontsize=LEGEND_PT
            )
            if actual_bars is not None:
                ax.bar_label(
                    actual_bars,
                    ["no figure" if r.actual is None else format_money(r.actual) for r in e.rows],
                    padding=4,
                    fontsize=LEGEND_PT,
                )
        ax.set_yticks(ys, wrapped)
        ax.set_ylim(rows_height, 0)  # top to bottom, in inches
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        from matplotlib.ticker import FuncFormatter

        largest = max(_largest_spend(e), Decimal(0))
        ax.xaxis.set_major_formatter(FuncFormatter(_money_axis(largest)))
        ax.set_xlim(0, _num(largest or Decimal(1)) * (1.3 if few else 1.05))  # bars from zero
        ax.set_xlabel(f"Spending in {e.year}")
        if has_actual:  # "Planned" alone would be a one-item legend: the title says it
            fig.legend(loc="outside lower center", ncols=2, fontsize=LEGEND_PT)
        return fig

    if has_actual:
        header: tuple[str, ...] = ("Line", "Planned", "Actual", "Variance")
        rows: tuple[tuple[str, ...], ...] = tuple(
            (r.line, format_money(r.planned), format_money(r.actual), r.variance_words) for r in e.rows
        )
        footer: tuple[tuple[str, ...], ...] = (
            ("Total", format_money(e.planned_total), format_money(e.actual_total), e.variance_words),
        )
    else:
        header = ("Line", "Planned")
        rows = tuple((r.line, format_money(r.planned)) for r in e.rows)
        footer = (("Total", format_money(e.planned_total)),)
    table = ChartTable(f"Expenditure by line, {e.year}", header, rows, footer)
    title = (
        f"Expenditure by line, {e.year}: planned and actual"
        if has_actual
        else f"Planned expenditure, {e.year}"
    )
    return _make("expenditure", "expenditure", title, expenditure_description(e), table, draw, png)


def charts_for(figures: ReportFigures, *, png: bool = False) -> list[Chart]:
    """Every chart of one report, in the order the report shows them; with their PNG drawn too
    when ``png`` (a Word copy of the report will be made), which costs less than drawing it later."""
    out = [metric_chart(m, figures.period, png=png) for m in figures.metrics]
    # Charts of money are drawn only when every amount is known: a bar for an unknown amount
    # would have to be drawn as 0.
    if figures.contributions.complete:
        out.append(contributions_chart(figures.contributions, png=png))
    if figures.expenditure.planned_known:
        out.append(expenditure_chart(figures.expenditure, png=png))
    return out
