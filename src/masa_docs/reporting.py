"""The yearly report's figures: pure computations from the content, no rendering.

Everything is exact (:class:`~decimal.Decimal` money and values, :class:`~fractions.Fraction`
for shares), so a total in a table always equals the sum of the rows above it.

Rounding rule for percentages shown to readers
----------------------------------------------
A share is shown to one decimal place. Rounding each share on its own can make a column add
up to 99.9% or 100.1%, which reads as an error, so shares of a whole are rounded by the
*largest-remainder* method: every exact share is rounded down to 0.1, then the tenths still
missing from 100.0 go, one each, to the shares that lost most in rounding down (ties go to
the row listed first in the content). The shown shares therefore always add to exactly
100.0%, and each differs from the exact share by less than 0.1 percentage points.
Single figures that are not parts of a whole (a change on last year, a variance) are rounded
half up to one decimal place.

Unknown figures
---------------
An amount or count recorded as not known (:class:`~masa_docs.model.base.NotKnown`) stays not
known: it is never added as 0. A total with an unknown part is not known, shares are not
computed when any part is not known, and a change against an unknown figure is not stated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from .errors import ContentError, MasaError
from .model.base import NotKnown
from .model.report import STATUS_LABELS
from .render.context import format_money, format_number
from .wording import and_join

if TYPE_CHECKING:
    from .load import LoadedContent
    from .model import Content
    from .model.arrangements import Metric, Review
    from .model.funding import FundingYear
    from .model.report import Comparator, MetricResult, MetricValue, Priority, TrainingDelivered, YearlyReport

ZERO = Decimal("0")
TENTH = Decimal("0.1")

Relation = Literal["better", "worse", "same", "higher", "lower"]


class TotalMismatch(MasaError):
    """A stated total differs from the sum of its parts."""

    def __init__(self, what: str, parts: Decimal, total: Decimal, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(
            f"{what} add up to {format_money(parts, pence=True)} but the total is "
            f"{format_money(total, pence=True)}",
            "correct the total or one of the amounts so that they agree",
        )
        self.parts = parts
        self.total = total
        self.loc = loc


# ------------------------------------------------------------------ arithmetic helpers


def check_total(
    parts: Sequence[Decimal], total: Decimal, what: str, loc: tuple[str | int, ...] = ()
) -> Decimal:
    """The sum of ``parts``; raises :class:`TotalMismatch` when it is not ``total``."""
    s = sum(parts, ZERO)
    if s != total:
        raise TotalMismatch(what, s, total, loc)
    return s


def largest_remainder_percentages(amounts: Sequence[Decimal | int], places: int = 1) -> list[Decimal]:
    """Shares of the whole in percent, rounded to ``places`` decimals so they add to exactly 100.

    See the module docstring for the rule. Raises ValueError for a negative amount or a zero
    whole (there is no share of nothing).
    """
    if any(a < 0 for a in amounts):
        raise ValueError("amounts must not be negative")
    whole = sum((Fraction(Decimal(a)) for a in amounts), Fraction(0))
    if not amounts:
        return []
    if whole == 0:
        raise ValueError("the amounts add up to zero")
    units = 100 * 10**places  # 100.0% in units of 0.1 for places=1
    exact = [Fraction(Decimal(a)) * units / whole for a in amounts]
    floors = [e.numerator // e.denominator for e in exact]
    missing = units - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    step = Decimal(1).scaleb(-places)
    return [(Decimal(f) * step).quantize(step) for f in floors]


def percent_change(current: Decimal, previous: Decimal) -> Decimal | None:
    """Change from ``previous`` to ``current`` in percent, rounded half up to 0.1 (None from zero)."""
    if previous == 0:
        return None
    return ((current - previous) * 100 / previous).quantize(TENTH, rounding=ROUND_HALF_UP)


def relation(value: Decimal, reference: Decimal, better: str) -> Relation:
    """How ``value`` compares with ``reference`` given which way is better for the metric."""
    if value == reference:
        return "same"
    higher = value > reference
    if better == "higher":
        return "better" if higher else "worse"
    if better == "lower":
        return "worse" if higher else "better"
    return "higher" if higher else "lower"


RELATION_WORDS: dict[str, str] = {
    "better": "better than",
    "worse": "worse than",
    "same": "the same as",
    "higher": "higher than",
    "lower": "lower than",
}


def decimal_places(values: Sequence[Decimal | None]) -> int:
    """The most decimal places among ``values`` (at most 2), so a metric's figures line up."""
    places = 0
    for v in values:
        if v is not None:
            exp = v.as_tuple().exponent
            if isinstance(exp, int) and exp < 0:
                places = max(places, -exp)
    return min(places, 2)


def format_value(value: Decimal | None, unit: str, places: int | None = None) -> str:
    """A metric value with its unit: '19.4%', '412.3 per 10,000 children', '14 days', '1,234'."""
    if value is None:
        return "—"
    n = format_number(value, places)
    if unit == "percent":
        return f"{n}%"
    if unit == "rate_per_10000":
        return f"{n} per 10,000 children"
    if unit == "days":
        return f"{n} day" if value == 1 else f"{n} days"
    return n


def format_difference(value: Decimal, unit: str, places: int | None = None) -> str:
    """An absolute difference: '2.1 percentage points', '12.0 per 10,000', '3 days', '45'."""
    n = format_number(abs(value), places)
    if unit == "percent":
        return f"{n} percentage point" + ("" if abs(value) == 1 else "s")
    if unit == "rate_per_10000":
        return f"{n} per 10,000"
    if unit == "days":
        return f"{n} day" if abs(value) == 1 else f"{n} days"
    return n


# ------------------------------------------------------------------ funding


@dataclass(frozen=True)
class ContributionRow:
    partner_id: str
    name: str
    amount: Decimal | NotKnown
    percent: Decimal | None  # shown share (largest-remainder rounded); None when not computable
    in_kind: tuple[str, ...]
    previous: Decimal | NotKnown | None = None  # the same partner's contribution the year before
    change: Decimal | None = None  # amount - previous, when both are known
    partner: bool = True  # False for a funder that is not a partner (e.g. a PCC grant)

    @property
    def percent_text(self) -> str:
        return "Not known" if self.percent is None else f"{self.percent}%"


@dataclass(frozen=True)
class Contributions:
    year: str
    rows: tuple[ContributionRow, ...]
    total: Decimal | NotKnown
    pooled_fund: bool
    previous_year: str | None = None
    previous_total: Decimal | NotKnown | None = None

    @property
    def complete(self) -> bool:
        """Every contribution and the total are known, so shares can be shown."""
        return not isinstance(self.total, NotKnown) and all(r.percent is not None for r in self.rows)

    @property
    def unknown_rows(self) -> tuple[ContributionRow, ...]:
        return tuple(r for r in self.rows if isinstance(r.amount, NotKnown))

    @property
    def funders(self) -> tuple[ContributionRow, ...]:
        """Contributions from bodies that are not partners."""
        return tuple(r for r in self.rows if not r.partner)

    @property
    def percent_total(self) -> Decimal | None:
        if any(r.percent is None for r in self.rows):
            return None
        # the shown shares, exactly: all-zero contributions total 0.0%, as each row shows
        return sum((r.percent for r in self.rows if r.percent is not None), ZERO)

    @property
    def percent_total_text(self) -> str:
        t = self.percent_total
        return "Not known" if t is None else f"{t}%"

    @property
    def change(self) -> Decimal | None:
        if isinstance(self.total, NotKnown) or not isinstance(self.previous_total, Decimal):
            return None
        return self.total - self.previous_total

    @property
    def change_percent(self) -> Decimal | None:
        if isinstance(self.total, NotKnown) or not isinstance(self.previous_total, Decimal):
            return None
        return percent_change(self.total, self.previous_total)

    @property
    def largest(self) -> ContributionRow | None:
        """The largest known contribution (first of equals, in content order)."""
        known = [r for r in self.rows if isinstance(r.amount, Decimal)]
        return (
            max(known, key=lambda r: r.amount if isinstance(r.amount, Decimal) else ZERO) if known else None
        )


def contributions(
    content: Content,
    year: FundingYear,
    previous: FundingYear | None = None,
    loc: tuple[str | int, ...] = (),
    previous_loc: tuple[str | int, ...] = (),
) -> Contributions:
    """Income by partner with shares that add to 100.0% and a total checked against its parts.

    With an unknown amount the total is the stated total (or not known) and no shares are shown."""
    amounts = [c.amount for c in year.contributions]
    known = [a for a in amounts if isinstance(a, Decimal)]
    percents: list[Decimal | None]
    total: Decimal | NotKnown
    if len(known) == len(amounts):
        if isinstance(year.total, NotKnown):
            total = sum(known, ZERO)  # every part is known, so the sum is
        else:
            total = check_total(known, year.total, f"the contributions for {year.year}", (*loc, "total"))
        if total == 0:
            percents = [ZERO.quantize(TENTH) for _ in amounts]
        else:
            percents = list(largest_remainder_percentages(known))
    else:
        total = year.total
        percents = [None for _ in amounts]
    before = {c.partner: c.amount for c in previous.contributions} if previous else {}
    rows = []
    for c, pct in zip(year.contributions, percents, strict=True):
        prev = before.get(c.partner)
        rows.append(
            ContributionRow(
                partner_id=c.partner,
                name=content.party_name(c.partner),
                amount=c.amount,
                percent=pct,
                in_kind=tuple(c.in_kind),
                previous=prev,
                change=(
                    c.amount - prev if isinstance(c.amount, Decimal) and isinstance(prev, Decimal) else None
                ),
                partner=c.partner not in content.funders_by_id,
            )
        )
    prev_total: Decimal | NotKnown | None = None
    if previous is not None:
        prev_amounts = [c.amount for c in previous.contributions]
        prev_known = [a for a in prev_amounts if isinstance(a, Decimal)]
        if len(prev_known) == len(prev_amounts) and not isinstance(previous.total, NotKnown):
            prev_total = check_total(
                prev_known,
                previous.total,
                f"the contributions for {previous.year}",
                (*previous_loc, "total") if previous_loc else (),
            )
        elif len(prev_known) == len(prev_amounts):
            prev_total = sum(prev_known, ZERO)
        else:
            prev_total = previous.total
    return Contributions(
        year=year.year,
        rows=tuple(rows),
        total=total,
        pooled_fund=year.pooled_fund,
        previous_year=previous.year if previous else None,
        previous_total=prev_total,
    )


@dataclass(frozen=True)
class ExpenditureRow:
    line: str
    planned: Decimal | NotKnown
    actual: Decimal | None

    @property
    def variance(self) -> Decimal | None:
        """Actual minus planned: negative is an underspend, positive an overspend."""
        if self.actual is None or isinstance(self.planned, NotKnown):
            return None
        return self.actual - self.planned

    @property
    def variance_percent(self) -> Decimal | None:
        v = self.variance
        if v is None or isinstance(self.planned, NotKnown):
            return None
        return percent_change(self.planned + v, self.planned)

    @property
    def variance_words(self) -> str:
        return variance_words(self.variance)


def variance_words(variance: Decimal | None) -> str:
    """'£2,000 under budget', '£350 over budget', 'on budget' or 'not yet known'."""
    if variance is None:
        return "not yet known"
    if variance == 0:
        return "on budget"
    return f"{format_money(abs(variance))} {'over' if variance > 0 else 'under'} budget"


@dataclass(frozen=True)
class Expenditure:
    year: str
    rows: tuple[ExpenditureRow, ...]
    planned_total: Decimal | NotKnown
    actual_total: Decimal | None  # None while any line has no actual figure
    income: Decimal | NotKnown
    previous_year: str | None = None
    previous_planned_total: Decimal | NotKnown | None = None
    previous_actual_total: Decimal | None = None

    @property
    def planned_known(self) -> bool:
        return not isinstance(self.planned_total, NotKnown)

    @property
    def variance(self) -> Decimal | None:
        if self.actual_total is None or isinstance(self.planned_total, NotKnown):
            return None
        return self.actual_total - self.planned_total

    @property
    def variance_words(self) -> str:
        return variance_words(self.variance)

    @property
    def balance(self) -> Decimal | None:
        """Income minus actual spending: positive is a surplus, negative a deficit."""
        if self.actual_total is None or isinstance(self.income, NotKnown):
            return None
        return self.income - self.actual_total

    @property
    def balance_words(self) -> str:
        b = self.balance
        if b is None:
            return "not yet known"
        if b == 0:
            return "spending equalled income"
        return f"a {'surplus' if b > 0 else 'deficit'} of {format_money(abs(b))}"

    @property
    def has_actuals(self) -> bool:
        return any(r.actual is not None for r in self.rows)

    @property
    def largest(self) -> ExpenditureRow | None:
        """The largest line with a known figure (actual if given, else planned)."""

        def size(r: ExpenditureRow) -> Decimal | None:
            return (
                r.actual if r.actual is not None else (r.planned if isinstance(r.planned, Decimal) else None)
            )

        known = [r for r in self.rows if size(r) is not None]
        return max(known, key=lambda r: size(r) or ZERO) if known else None


def expenditure(
    year: FundingYear, income: Decimal | NotKnown, previous: FundingYear | None = None
) -> Expenditure:
    rows = tuple(ExpenditureRow(e.line, e.planned, e.actual) for e in year.expenditure)
    planned_total = year.planned_total
    actual_total = None
    if all(r.actual is not None for r in rows):
        actual_total = sum((r.actual or ZERO for r in rows), ZERO)
    return Expenditure(
        year=year.year,
        rows=rows,
        planned_total=planned_total,
        actual_total=actual_total,
        income=income,
        previous_year=previous.year if previous else None,
        previous_planned_total=previous.planned_total if previous else None,
        previous_actual_total=previous.actual_total if previous else None,
    )


# ------------------------------------------------------------------ the data set


@dataclass(frozen=True)
class Comparison:
    """Our figure against a reference (a target, England, last year...)."""

    name: str  # 'the target', 'England', '2024-25'
    value: Decimal
    ours: Decimal
    unit: str
    relation: Relation
    places: int | None = None

    @property
    def difference(self) -> Decimal:
        return self.ours - self.value

    @property
    def value_text(self) -> str:
        return format_value(self.value, self.unit, self.places)

    @property
    def difference_text(self) -> str:
        return format_difference(self.difference, self.unit, self.places)

    @property
    def words(self) -> str:
        """'better than England (21.5%)'."""
        return f"{RELATION_WORDS[self.relation]} {self.name} ({self.value_text})"


@dataclass(frozen=True)
class MetricSummary:
    metric: Metric
    result: MetricResult
    previous: MetricResult | None  # the same metric in the previous period's report
    previous_period: str | None

    # ---- values
    @property
    def id(self) -> str:
        return self.metric.id

    @property
    def unit(self) -> str:
        return self.metric.unit

    @property
    def known_values(self) -> list[MetricValue]:
        """The period's points whose figure is known, in order."""
        return [v for v in self.result.values if isinstance(v.value, Decimal)]

    @property
    def unknown_values(self) -> list[MetricValue]:
        """The period's points recorded as not known ('unknown: <reason>')."""
        return [v for v in self.result.values if isinstance(v.value, NotKnown)]

    @property
    def first(self) -> MetricValue | None:
        """The first point with a known figure (None when none is known)."""
        known = self.known_values
        return known[0] if known else None

    @property
    def latest(self) -> MetricValue | None:
        """The last point with a known figure (None when none is known)."""
        known = self.known_values
        return known[-1] if known else None

    @property
    def final_known(self) -> bool:
        """Whether the period's last point is known: only then is it compared with anything."""
        return isinstance(self.result.values[-1].value, Decimal)

    @property
    def _ours(self) -> Decimal | None:
        """The figure compared with target, comparators and last year: the period's last point."""
        v = self.result.values[-1].value
        return v if isinstance(v, Decimal) else None

    @property
    def target(self) -> Decimal | None:
        """The target when there is one and it is known."""
        t = self.result.target
        return t if isinstance(t, Decimal) else None

    @property
    def has_target(self) -> bool:
        return self.target is not None

    @property
    def target_unknown(self) -> bool:
        return isinstance(self.result.target, NotKnown)

    @property
    def places(self) -> int:
        """Decimal places used for every figure of this metric (the most the content gives)."""
        raw: list[object] = [v.value for v in self.result.values]
        raw += [self.result.target, *(c.value for c in self.result.comparators)]
        if self.previous is not None:
            raw += [v.value for v in self.previous.values]
            raw += [self.previous.target, *(c.value for c in self.previous.comparators)]
        return decimal_places([v for v in raw if isinstance(v, Decimal)])

    def fmt(self, value: Decimal | NotKnown | None) -> str:
        """A figure with its unit; 'Not known (reason)' for an unknown, '—' for none."""
        if isinstance(value, NotKnown):
            return format_number(value)
        return format_value(value, self.unit, self.places)

    @property
    def latest_text(self) -> str:
        return self.fmt(self.latest.value) if self.latest is not None else "not known"

    @property
    def unknown_words(self) -> str | None:
        """'Not known for Q4 (not collected).', or None when every point is known."""
        gaps = self.unknown_values
        if not gaps:
            return None
        parts = []
        for v in gaps:
            assert isinstance(v.value, NotKnown)
            parts.append(f"{v.label} ({v.value.reason})" if v.value.reason else v.label)
        return f"Not known for {and_join(parts)}."

    # ---- comparisons
    @property
    def trend(self) -> Relation | None:
        """Latest against first known value of the period (None with fewer than two)."""
        first, latest = self.first, self.latest
        if first is None or latest is None or first is latest:
            return None
        assert isinstance(latest.value, Decimal) and isinstance(first.value, Decimal)
        return relation(latest.value, first.value, self.metric.better)

    @property
    def vs_target(self) -> Comparison | None:
        """The period's last figure against a known target (None when either is not known)."""
        t, ours = self.target, self._ours
        if t is None or ours is None:
            return None
        return Comparison(
            "the target", t, ours, self.unit, relation(ours, t, self.metric.better), self.places
        )

    @property
    def vs_comparators(self) -> tuple[Comparison, ...]:
        """Against each comparator whose figure is known (none when our last figure is not)."""
        ours = self._ours
        if ours is None:
            return ()
        return tuple(
            Comparison(
                c.label, c.value, ours, self.unit, relation(ours, c.value, self.metric.better), self.places
            )
            for c in self.result.comparators
            if isinstance(c.value, Decimal)
        )

    @property
    def unknown_comparators(self) -> tuple[Comparator, ...]:
        return tuple(c for c in self.result.comparators if isinstance(c.value, NotKnown))

    @property
    def previous_latest(self) -> MetricValue | None:
        return self.previous.values[-1] if self.previous else None

    # ---- definitions: figures are compared only on the same definition
    @property
    def definition(self) -> str:
        """The definition this report's figures use (the report's own, else data.yaml's)."""
        return self.result.definition or self.metric.definition

    @property
    def previous_definition(self) -> str | None:
        if self.previous is None:
            return None
        return self.previous.definition or self.metric.definition

    @property
    def comparable(self) -> bool:
        """Whether the previous period's figures use the same definition as this period's."""
        prev = self.previous_definition
        return prev is not None and " ".join(prev.split()) == " ".join(self.definition.split())

    @property
    def not_comparable_words(self) -> str | None:
        """Why this period's figures cannot be compared with the previous period's, or None."""
        if self.previous is None or self.comparable:
            return None
        why = self.result.definition_change
        because = f": {why.rstrip('.')}" if why else ""
        return (
            f"Not comparable with {self.previous_period}: the definition of this measure changed "
            f"between the two reports{because}."
        )

    @property
    def year_on_year(self) -> Comparison | None:
        """The period's last value against the previous period's last value (same definition
        only; None when either is not known)."""
        p, ours = self.previous_latest, self._ours
        if p is None or self.previous_period is None or not self.comparable:
            return None
        if ours is None or not isinstance(p.value, Decimal):
            return None
        return Comparison(
            f"{self.previous_period} ({p.label})"
            if p.label != self.previous_period
            else self.previous_period,
            p.value,
            ours,
            self.unit,
            relation(ours, p.value, self.metric.better),
            self.places,
        )

    @property
    def previous_aligned(self) -> bool:
        """Whether the previous period reported the same points (e.g. Q1-Q4), so both can be
        drawn on one axis."""
        if self.previous is None or not self.comparable:
            return False
        return [v.label for v in self.previous.values] == [v.label for v in self.result.values]

    @property
    def year_on_year_words(self) -> str:
        if (words := self.not_comparable_words) is not None:
            return words
        yoy = self.year_on_year
        p = self.previous_latest
        if yoy is None and p is not None and (self._ours is None or isinstance(p.value, NotKnown)):
            label = (
                self.result.values[-1].label if self._ours is None else f"{self.previous_period} {p.label}"
            )
            return f"Not compared, because the figure for {label} is not known."
        if yoy is None:
            return "No figure for the previous period to compare with."
        p = self.previous_latest
        assert p is not None
        if yoy.relation == "same":
            return f"The same as {self.previous_period} ({yoy.value_text} in {p.label})."
        how = {"better": "better than", "worse": "worse than", "higher": "higher than", "lower": "lower than"}
        return (
            f"{yoy.difference_text.capitalize()} {how[yoy.relation]} "
            f"{self.previous_period} ({yoy.value_text} in {p.label})."
        )

    # ---- the chart's one-sentence description
    @property
    def description(self) -> str:
        """One sentence from the data, e.g. 'Re-referrals fell from 23.1% in Q1 to 19.4% in Q4,
        better than the target of 20.0%.'"""
        name = self.metric.name
        first, latest = self.first, self.latest
        if first is None or latest is None:
            labels = and_join(v.label for v in self.result.values)
            return f"{name} is not known for {labels}."
        if first is latest:
            head = f"{name} stood at {self.fmt(latest.value)} in {latest.label}"
        elif latest.value == first.value:
            head = f"{name} stayed at {self.fmt(latest.value)} from {first.label} to {latest.label}"
        else:
            assert isinstance(latest.value, Decimal) and isinstance(first.value, Decimal)
            verb = "rose" if latest.value > first.value else "fell"
            head = (
                f"{name} {verb} from {self.fmt(first.value)} in {first.label} "
                f"to {self.fmt(latest.value)} in {latest.label}"
            )
        tail = ""
        t = self.vs_target
        if t is not None:
            if t.relation == "same":
                tail = f", meeting the target of {t.value_text}"
            else:
                tail = f", {RELATION_WORDS[t.relation]} the target of {t.value_text}"
        elif self.vs_comparators:
            c = self.vs_comparators[0]
            tail = f", {RELATION_WORDS[c.relation]} {c.name} ({c.value_text})"
        elif (yoy := self.year_on_year) is not None and self.previous_latest is not None:
            # 'better than 2024-25 (371 in Q4)'
            when = f"{yoy.value_text} in {self.previous_latest.label}"
            tail = f", {RELATION_WORDS[yoy.relation]} {self.previous_period} ({when})"
        gaps = self.unknown_values
        if gaps:
            labels = and_join(v.label for v in gaps)
            figures, are = ("figures", "are") if len(gaps) > 1 else ("figure", "is")
            tail += f". The {figures} for {labels} {are} not known"
        return f"{head}{tail}."


def metric_summaries(
    content: Content, report: YearlyReport, previous: YearlyReport | None
) -> list[MetricSummary]:
    metrics = {m.id: m for m in content.data.metrics}
    before = {r.metric: r for r in previous.metrics} if previous else {}
    return [
        MetricSummary(
            metric=metrics[r.metric],
            result=r,
            previous=before.get(r.metric),
            previous_period=previous.period if previous else None,
        )
        for r in report.metrics
    ]


# ------------------------------------------------------------------ priorities and training


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    previous: int | None = None


def status_counts(report: YearlyReport, previous: YearlyReport | None = None) -> tuple[StatusCount, ...]:
    """How many priorities have each status, in the fixed order of STATUS_LABELS (zeros kept)."""

    def count(rep: YearlyReport) -> dict[str, int]:
        out = dict.fromkeys(STATUS_LABELS, 0)
        for p in rep.priorities:
            out[p.status] += 1
        return out

    now = count(report)
    before = count(previous) if previous else None
    return tuple(
        StatusCount(s, label, now[s], before[s] if before is not None else None)
        for s, label in STATUS_LABELS.items()
    )


@dataclass(frozen=True)
class Change:
    """One figure this period against the previous period."""

    label: str
    current: Decimal | NotKnown
    previous: Decimal | NotKnown | None
    money: bool = False

    @property
    def difference(self) -> Decimal | None:
        if not isinstance(self.current, Decimal) or not isinstance(self.previous, Decimal):
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        if not isinstance(self.current, Decimal) or not isinstance(self.previous, Decimal):
            return None
        return percent_change(self.current, self.previous)

    def _fmt(self, v: Decimal | NotKnown) -> str:
        return format_money(v) if self.money else format_number(v)

    @property
    def current_text(self) -> str:
        return self._fmt(self.current)

    @property
    def previous_text(self) -> str:
        return "—" if self.previous is None else self._fmt(self.previous)

    @property
    def words(self) -> str:
        """'up £12,000 (+4.8%)', 'down 35 (−6.1%)', 'no change', 'no earlier figure' or
        'not comparable: a figure is not known'."""
        if isinstance(self.current, NotKnown) or isinstance(self.previous, NotKnown):
            return "not comparable: a figure is not known"
        d = self.difference
        if d is None:
            return "no earlier figure"
        if d == 0:
            return "no change"
        pct = self.percent
        pct_text = "" if pct is None else f" ({'+' if pct > 0 else '−'}{abs(pct)}%)"
        return f"{'up' if d > 0 else 'down'} {self._fmt(abs(d))}{pct_text}"


def training_changes(report: YearlyReport, previous: YearlyReport | None) -> tuple[Change, ...]:
    t = report.training
    p = previous.training if previous else None

    def d(n: int | NotKnown) -> Decimal | NotKnown:
        return n if isinstance(n, NotKnown) else Decimal(n)

    def courses(tr: TrainingDelivered) -> Decimal | NotKnown:
        return tr.courses if isinstance(tr.courses, NotKnown) else Decimal(len(tr.courses))

    return (
        Change("Courses", courses(t), courses(p) if p else None),
        Change("Sessions delivered", d(t.total_sessions), d(p.total_sessions) if p else None),
        Change("Attendees", d(t.total_attendees), d(p.total_attendees) if p else None),
    )


def funding_changes(contrib: Contributions, spend: Expenditure) -> tuple[Change, ...]:
    out = [Change("Income from contributions", contrib.total, contrib.previous_total, money=True)]
    out.append(Change("Planned spending", spend.planned_total, spend.previous_planned_total, money=True))
    if spend.actual_total is not None:
        out.append(Change("Actual spending", spend.actual_total, spend.previous_actual_total, money=True))
    return tuple(out)


# ------------------------------------------------------------------ the length of a period


def period_months(start: dt.date, end: dt.date) -> int | None:
    """Whole calendar months from ``start`` to ``end`` inclusive (1 April to 31 March: 12),
    or None when the period is not a whole number of months."""
    after = end + dt.timedelta(days=1)
    if after.day != start.day:
        return None
    return (after.year - start.year) * 12 + after.month - start.month


def period_length_words(start: dt.date, end: dt.date) -> str:
    """'12 months', '9 months', '1 month' or '200 days', as the content gives it."""
    months = period_months(start, end)
    if months is not None:
        return f"{months} month{'' if months == 1 else 's'}"
    days = (end - start).days + 1
    return f"{days} day{'' if days == 1 else 's'}"


def is_full_year(start: dt.date, end: dt.date) -> bool:
    return period_months(start, end) == 12


# ------------------------------------------------------------------ everything for one report


@dataclass(frozen=True)
class ReportFigures:
    period: str
    report: YearlyReport
    previous_period: str | None
    previous_report: YearlyReport | None
    contributions: Contributions
    expenditure: Expenditure
    metrics: tuple[MetricSummary, ...]
    statuses: tuple[StatusCount, ...]
    training: tuple[Change, ...]
    funding: tuple[Change, ...]
    little_progress: tuple[Priority, ...] = ()  # priorities at risk or off track
    # the reviews in the period, in the report's order; NotKnown when how many is not known
    reviews: tuple[Review, ...] | NotKnown = ()
    unreported_metrics: tuple[Metric, ...] = ()  # data-set metrics the report gives no figures for

    @property
    def has_previous(self) -> bool:
        return self.previous_report is not None

    @property
    def length_words(self) -> str:
        """How long the period is, e.g. '12 months' or '9 months'."""
        return period_length_words(self.report.start, self.report.end)

    @property
    def full_year(self) -> bool:
        return is_full_year(self.report.start, self.report.end)

    @property
    def previous_length_words(self) -> str | None:
        p = self.previous_report
        return period_length_words(p.start, p.end) if p else None

    @property
    def lengths_differ(self) -> bool:
        """Whether this period and the previous one are of different lengths (totals then
        cannot be compared like for like)."""
        return self.previous_length_words is not None and self.previous_length_words != self.length_words

    def metric(self, metric_id: str) -> MetricSummary:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        raise KeyError(metric_id)


def resolve_period(content: Content, period: str | None) -> str:
    """The period asked for, or the latest; a clear error for one that does not exist."""
    from .errors import did_you_mean

    chosen = period or content.latest_period
    if chosen is None or chosen not in content.reports:
        raise MasaError(
            f"there is no yearly report for period '{chosen}'"
            if chosen
            else "the content has no yearly report",
            did_you_mean(str(chosen), content.reports)
            or f"periods in the content: {', '.join(content.report_periods) or 'none'} "
            "(add reports/<period>.yaml)",
        )
    return chosen


def report_figures(loaded: LoadedContent, period: str | None = None) -> ReportFigures:
    """Every computed figure of the yearly report for ``period`` (the latest when None).

    Raises :class:`MasaError` for an unknown period and :class:`ContentError` (located in
    funding.yaml) when a total does not equal its parts.
    """
    c = loaded.content
    period = resolve_period(c, period)
    report = c.reports[period]
    prev_period = c.previous_period(period)
    previous = c.reports[prev_period] if prev_period else None

    year = c.funding.year(report.funding_year)
    if year is None:  # cross_check forbids this; keep the error readable anyway
        raise MasaError(f"funding.yaml has no year '{report.funding_year}'", "add it or correct funding_year")
    prev_year = c.funding.year(previous.funding_year) if previous else None
    index = {y.year: i for i, y in enumerate(c.funding.years)}
    try:
        contrib = contributions(
            c,
            year,
            prev_year,
            ("funding", "years", index[year.year]),
            ("funding", "years", index[prev_year.year]) if prev_year else (),
        )
    except TotalMismatch as e:
        loc = e.loc or ("funding", "years")
        raise ContentError([loaded.source.diagnostic(loc, e.message, hint=e.hint)]) from None
    spend = expenditure(year, contrib.total, prev_year)
    reviews = {r.id: r for r in c.reviews.reviews}
    reported = {r.metric for r in report.metrics}
    return ReportFigures(
        period=period,
        report=report,
        previous_period=prev_period,
        previous_report=previous,
        contributions=contrib,
        expenditure=spend,
        metrics=tuple(metric_summaries(c, report, previous)),
        statuses=status_counts(report, previous),
        training=training_changes(report, previous),
        funding=funding_changes(contrib, spend),
        little_progress=tuple(p for p in report.priorities if p.status in ("at_risk", "off_track")),
        reviews=(
            tuple(reviews[r] for r in report.reviews if r in reviews)
            if isinstance(report.reviews, list)
            else report.reviews
        ),
        unreported_metrics=tuple(m for m in c.data.metrics if m.id not in reported),
    )
