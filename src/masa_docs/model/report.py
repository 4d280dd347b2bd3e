"""reports/<period>.yaml: the evidence for one yearly report (e.g. reports/2025-26.yaml)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from .base import KNOWABLE, Date, Id, KnownCount, Markdown, NotKnown, PeriodName, Strict, Text
from .signatures import PreviousVersion

ProgressStatus = Literal["on_track", "at_risk", "off_track", "complete"]

STATUS_LABELS: dict[str, str] = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "complete": "Complete",
}


class Foreword(Strict):
    text: Markdown
    signed_by: list[Id] = Field(min_length=1, description="Ids of the partners whose LSPs sign it.")


class Priority(Strict):
    id: Id
    title: Text
    status: ProgressStatus
    evidence: Markdown = Field(description="Evidence of impact.")
    analysis: Markdown | None = Field(
        default=None, description="Why progress was weak (required when at risk or off track)."
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


KnownFigure = Annotated[Decimal | NotKnown, KNOWABLE]


class MetricValue(Strict):
    label: Text = Field(description="e.g. 'Q1' or '2025-26'.")
    value: KnownFigure = Field(description="The figure; or 'unknown: not collected' (never 0).")


class Comparator(Strict):
    name: Text = Field(description="e.g. 'England' or 'Statistical neighbours'.")
    value: KnownFigure = Field(description="The comparator's figure; or 'unknown: not yet published'.")
    as_of: Text | None = Field(
        default=None,
        description="The period the comparator figure is for, when it differs, e.g. '2024-25' "
        "(national figures are usually a year behind).",
    )

    @property
    def label(self) -> str:
        """'England (2024-25)', or just the name when no period is given."""
        return f"{self.name} ({self.as_of})" if self.as_of else self.name


class MetricResult(Strict):
    metric: Id = Field(description="Id of a metric in data.yaml.")
    values: list[MetricValue] = Field(min_length=1)
    target: Annotated[Decimal | NotKnown | None, KNOWABLE] = Field(
        default=None, description="The target; or 'unknown: not agreed yet'. Leave out when there is none."
    )
    comparators: list[Comparator] = Field(default_factory=list)
    commentary: Markdown | None = None
    definition: Markdown | None = Field(
        default=None,
        description="The definition these figures use, when it differs from data.yaml's "
        "(e.g. a new age base). Figures are compared year on year only on the same definition.",
    )
    definition_change: Text | None = Field(
        default=None,
        description="What changed in the definition and why, e.g. 'the rate is now per 10,000 "
        "children aged 0-17, not 0-18, to match the national figures'.",
    )


class NationalReview(Strict):
    title: Text
    published: Text
    actions: Markdown


class ScrutinyFindings(Strict):
    findings: Markdown
    response: Markdown


class Feedback(Strict):
    feedback: Markdown
    changes: Markdown = Field(description="What changed because of it.")


class Course(Strict):
    title: Text
    sessions: KnownCount = Field(description="How many sessions ran; or 'unknown: not recorded'.")
    attendees: KnownCount = Field(description="How many people attended; or 'unknown: not recorded'.")


class TrainingDelivered(Strict):
    courses: Annotated[list[Course] | NotKnown, KNOWABLE] = Field(
        default_factory=list, description="The courses run; or 'unknown: not published'."
    )
    impact: Markdown

    @property
    def courses_known(self) -> list[Course] | None:
        return None if isinstance(self.courses, NotKnown) else self.courses

    def _total(self, attr: str) -> int | NotKnown:
        if isinstance(self.courses, NotKnown):
            return self.courses
        total = 0
        for c in self.courses:
            v = getattr(c, attr)
            if isinstance(v, NotKnown):
                return NotKnown(unknown=f"{c.title}: {v.reason}" if v.reason else f"not known for {c.title}")
            total += v
        return total

    @property
    def total_attendees(self) -> int | NotKnown:
        """Everyone who attended; not known when any course's attendance is not known."""
        return self._total("attendees")

    @property
    def total_sessions(self) -> int | NotKnown:
        return self._total("sessions")


class NextPriority(Strict):
    title: Text
    description: Markdown


class YearlyReport(Strict):
    period: PeriodName
    start: Date
    end: Date
    published_on: Date
    supersedes: PreviousVersion | None = Field(
        default=None,
        description="A signed earlier issue of this period's report that this one replaces "
        "(e.g. a corrected report): its fingerprint, and its version if it had one.",
    )
    foreword: Foreword
    summary: Markdown
    priorities: list[Priority] = Field(min_length=1)
    metrics: list[MetricResult] = Field(default_factory=list)
    reviews: Annotated[list[Id] | NotKnown, KNOWABLE] = Field(
        default_factory=list,
        description="Ids of reviews (reviews.yaml) in the period; or 'unknown: not published' "
        "when how many there were is not known ([] means there were none).",
    )
    review_actions: Markdown
    national_reviews: list[NationalReview] = Field(default_factory=list)
    scrutiny: ScrutinyFindings
    voice: Feedback
    education: Markdown
    training: TrainingDelivered
    funding_year: PeriodName = Field(description="The funding.yaml year this report accounts for.")
    next_priorities: list[NextPriority] = Field(min_length=1)
