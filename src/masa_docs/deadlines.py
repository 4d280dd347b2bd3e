"""Deadlines and currency, from the content: what falls due, and which are past or near.

Every date comes from the content; "today" is passed in (``masa-docs check --today``), and the
result is used for warnings only — never printed into a document.

How each deadline is worked out (and how sure the citation is):

- **Next yearly report** — 12 months after the latest report was published, because the Act asks
  for a report at least once in every 12-month period (Children Act 2004 s.16G, subsection not
  confirmed; no fixed month is confirmed). With no report yet, 12 months after the arrangements
  took effect. Confidence: partial.
- **Local target** — optional, ``deadlines: {yearly_report_months_after_period_end: N}`` in
  ``content/rules.yaml``: N months after the end of the next reporting period. Confidence: local.
- **Send the report to the Child Safeguarding Practice Review Panel and Foundations** — 7 days
  after publication. UNVERIFIED: WT2018 named 7 days; WT2023's wording is not confirmed. Listed
  until the warning period after it has passed (the content does not record when it was sent).
- **Reviews** of the arrangements, the agreement and the threshold document; each current
  delegation's ``review_by``; the scrutineer's and the chair's terms; information-sharing
  agreements' ``review_by``; recommendations not complete by their due date; rapid reviews still
  in progress 15 working days after notification (weekends and England's bank holidays skipped).
  Confidence: the content's own dates (verified), the rapid-review timescale partial.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from .locations import Location
from .locations import locate as _locate
from .rules import DeadlineSettings, LocalRules
from .rules.checks import add_months
from .wording import count

if TYPE_CHECKING:
    from .load import LoadedContent

State = Literal["past", "soon", "ok"]
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Deadline:
    id: str
    what: str
    due: dt.date
    state: State
    days: int  # due - today; negative when past
    confidence: str  # verified | partial | unverified | local
    note: str
    where: Location | None = None

    @property
    def warn(self) -> bool:
        return self.state != "ok"

    def describe(self) -> str:
        if self.days < 0:
            n = -self.days
            return f"{count(n, 'day')} ago"
        if self.days == 0:
            return "today"
        return f"in {count(self.days, 'day')}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "what": self.what,
            "due": self.due.isoformat(),
            "state": self.state,
            "days": self.days,
            "confidence": self.confidence,
            "note": self.note,
            "where": self.where.as_dict() if self.where else None,
        }


@lru_cache(maxsize=64)
def england_bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in ``year`` (substitute days included), from the ``holidays``
    package's United Kingdom calendar, England subdivision."""
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, and not a bank holiday in England."""
    return day.weekday() < 5 and day not in england_bank_holidays(day.year)


def working_days_after(start: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``start``: weekends and England's bank holidays are
    skipped (15 working days from Thursday 10 April 2025 is 6 May, after Easter and May Day)."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def deadlines(loaded: LoadedContent, today: dt.date, local: LocalRules | None = None) -> list[Deadline]:
    """Every deadline the content implies, sorted by date, each marked past / soon / ok.

    ``local`` (content/rules.yaml) may set a local yearly-report target and the warning period."""
    settings = local.deadlines if local is not None else DeadlineSettings()
    warn = settings.warn_days
    c = loaded.content
    out: list[Deadline] = []
    if c.partnership.ended:
        return out  # a historical record: nothing falls due under arrangements that have ended

    def add(ident: str, what: str, due: dt.date, confidence: str, note: str, loc: Loc | None) -> None:
        days = (due - today).days
        state: State = "past" if days < 0 else "soon" if days <= warn else "ok"
        out.append(
            Deadline(
                ident, what, due, state, days, confidence, note, _locate(loaded, loc, local) if loc else None
            )
        )

    latest = c.latest_period
    if latest is not None:
        rep = c.reports[latest]
        loc: Loc = ("reports", latest, "published_on")
        add(
            "yearly-report-due",
            f"Next yearly report (the {latest} report was published on {rep.published_on})",
            add_months(rep.published_on, 12),
            "partial",
            "At least once in every 12 months (Children Act 2004 s.16G, subsection not confirmed); "
            "no fixed publication month is confirmed.",
            loc,
        )
        send = rep.published_on + dt.timedelta(days=7)
        if (today - send).days <= warn:
            add(
                "yearly-report-send-national",
                f"Send the {latest} yearly report to the Child Safeguarding Practice Review Panel "
                "and to Foundations",
                send,
                "unverified",
                "UNVERIFIED: 7 days after publication is the WT2018 wording; confirm against WT2023. "
                "The content does not record when it was sent.",
                loc,
            )
        if settings.yearly_report_months_after_period_end:
            lag = settings.yearly_report_months_after_period_end
            next_end = add_months(rep.end + dt.timedelta(days=1), 12) - dt.timedelta(days=1)
            add(
                "yearly-report-local-target",
                f"Local target: the yearly report for the year ending {next_end}",
                add_months(next_end, lag),
                "local",
                f"{lag} months after the reporting period ends (content/rules.yaml).",
                ("rules_file", "deadlines", "yearly_report_months_after_period_end"),
            )
    else:
        add(
            "yearly-report-due",
            "First yearly report under these arrangements",
            add_months(c.partnership.effective_date, 12),
            "partial",
            "At least once in every 12 months (Children Act 2004 s.16G, subsection not confirmed); "
            "counted from when the arrangements took effect.",
            ("partnership", "effective_date"),
        )

    p = c.partnership
    add(
        "arrangements-review",
        "Review of the arrangements",
        p.review_date,
        "verified",
        "The review date set in partnership.yaml.",
        ("partnership", "review_date"),
    )
    add(
        "agreement-review",
        "Review of the collaboration agreement",
        c.agreement.review_date,
        "verified",
        "The review date set in agreement.yaml.",
        ("agreement", "review_date"),
    )
    add(
        "threshold-review",
        "Review of the threshold document",
        c.threshold.review_date,
        "verified",
        "The review date set in threshold.yaml.",
        ("threshold", "review_date"),
    )
    for i, part in enumerate(c.partners):
        for k, d in enumerate(part.delegations):
            if d.current:
                add(
                    f"delegation-review-{part.id}",
                    f"Review of {part.name}'s delegation to {d.delegate}",
                    d.review_by,
                    "verified",
                    "The review_by date of the current delegation.",
                    ("partners", i, "delegations", k, "review_by"),
                )
    s = c.scrutiny.scrutineer
    add(
        "scrutineer-term",
        f"End of the independent scrutineer's term ({s.name})",
        s.term_end,
        "verified",
        "Appoint or re-appoint the scrutineer before the term ends.",
        ("scrutiny", "scrutineer", "term_end"),
    )
    if p.chair.term_ends is not None:
        add(
            "chair-term",
            f"End of the partnership chair's term ({p.chair.name})",
            p.chair.term_ends,
            "verified",
            "Choose the next chair before the term ends.",
            ("partnership", "chair", "term_ends"),
        )
    for i, ag in enumerate(c.information_sharing.agreements):
        add(
            f"sharing-agreement-review-{i + 1}",
            f"Review of the information-sharing agreement '{ag.name}'",
            ag.review_by,
            "verified",
            "The review_by date of the agreement.",
            ("information_sharing", "agreements", i, "review_by"),
        )
    for i, r in enumerate(c.reviews.reviews):
        for j, rec in enumerate(r.recommendations):
            if rec.status != "complete":
                add(
                    f"recommendation-{r.id}-{rec.id}",
                    f"Recommendation {rec.id} of '{r.title}' ({rec.status.replace('_', ' ')})",
                    rec.due,
                    "verified",
                    "Due date of a review recommendation that is not complete.",
                    ("reviews", "reviews", i, "recommendations", j, "due"),
                )
        if r.kind == "rapid_review" and r.status == "in_progress":
            add(
                f"rapid-review-{r.id}",
                f"Rapid review '{r.title}' (notified {r.notified_on})",
                working_days_after(r.notified_on, 15),
                "partial",
                "15 working days from notification, skipping weekends and England's bank holidays "
                "(WT2023 ch.5, seen via a partnership page).",
                ("reviews", "reviews", i, "notified_on"),
            )
    out.sort(key=lambda d: (d.due, d.id))
    return out
