"""Cross-field checks of structure: cycles in the governance and overlapping periods.

Called by :func:`masa_docs.model.content.cross_check`; kept apart so each rule is easy to find.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .content import Content, Problem


def structure_problems(c: Content) -> list[Problem]:
    return [*_reporting_cycles(c), *_overlaps_of_funding_years(c), *_overlaps_of_report_periods(c)]


def _reporting_cycles(c: Content) -> list[Problem]:
    """Groups whose reports_to chain comes back to them (a -> b -> a). A group reporting to
    itself and unknown ids are reported by cross_check already."""
    from .content import Problem

    groups = c.governance.groups
    index = {g.id: i for i, g in enumerate(groups)}
    parent = {g.id: g.reports_to for g in groups if g.reports_to and g.reports_to != g.id}
    out: list[Problem] = []
    reported: set[str] = set()
    for g in groups:
        chain = [g.id]
        node = parent.get(g.id)
        while node is not None and node in index and node not in chain:
            chain.append(node)
            node = parent.get(node)
        if node is None or node not in index or node != g.id or g.id in reported:
            continue
        reported.update(chain)
        loop = " -> ".join([*chain, g.id])
        out.append(
            Problem(
                ("governance", "groups", index[g.id], "reports_to"),
                f"groups report to each other in a circle: {loop}",
                "one group in the circle must report to a group outside it, or to none",
            )
        )
    return out


def _overlapping(spans: Sequence[tuple[str, dt.date, dt.date]]) -> Iterable[tuple[int, int]]:
    """Pairs (i, j), j after i, of spans [start, end] that share a day."""
    for i, (_, s1, e1) in enumerate(spans):
        for j in range(i + 1, len(spans)):
            _, s2, e2 = spans[j]
            if s1 <= e2 and s2 <= e1:
                yield i, j


def _overlaps_of_funding_years(c: Content) -> list[Problem]:
    from .content import Problem

    years = c.funding.years
    spans = [(y.year, y.start, y.end) for y in years]
    return [
        Problem(
            ("funding", "years", j, "start"),
            f"funding year {years[j].year} ({years[j].start} to {years[j].end}) overlaps "
            f"{years[i].year} ({years[i].start} to {years[i].end})",
            "each financial year needs its own dates, e.g. 2025-04-01 to 2026-03-31",
        )
        for i, j in _overlapping(spans)
        if years[i].year != years[j].year  # the same year twice is reported as a duplicate
    ]


def _overlaps_of_report_periods(c: Content) -> list[Problem]:
    from .content import Problem

    periods = sorted(c.reports)
    spans = [(p, c.reports[p].start, c.reports[p].end) for p in periods]
    return [
        Problem(
            ("reports", periods[j], "start"),
            f"the report for {periods[j]} ({spans[j][1]} to {spans[j][2]}) overlaps the report for "
            f"{periods[i]} ({spans[i][1]} to {spans[i][2]})",
            "a yearly report covers its own 12 months; correct start or end",
        )
        for i, j in _overlapping(spans)
    ]
