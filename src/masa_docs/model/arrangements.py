"""Topics of the published arrangements: governance, agencies, data, training, scrutiny,
reviews, voice, disputes, liabilities and information sharing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Date, Email, Id, KnownMoney, KnownWorkingDays, Markdown, Money, Strict, Text, Url

# ---------------------------------------------------------------- governance.yaml


class Group(Strict):
    id: Id
    name: Text
    kind: Literal["leadership", "executive", "subgroup", "forum", "panel"]
    purpose: Markdown
    chair: Text
    members: list[Text] = Field(min_length=1)
    frequency: Text
    decides: list[Text] = Field(default_factory=list, description="What this group decides.")
    reports_to: Id | None = Field(default=None, description="Id of the group it reports to.")


class YearlyReportDuty(Strict):
    """Who prepares and who approves the yearly report."""

    prepared_by: Id = Field(description="Id of the group that prepares the yearly report.")
    approved_by: Id = Field(description="Id of the group that approves it (the LSPs' leadership group).")


class Governance(Strict):
    decision_making: Markdown
    groups: list[Group] = Field(min_length=1)
    yearly_report: YearlyReportDuty | None = Field(
        default=None, description="Who prepares and approves the yearly report (ids of groups)."
    )


# ---------------------------------------------------------------- agencies.yaml


class RelevantAgency(Strict):
    id: Id
    name: Text
    category: Text = Field(description="Category key from the schedule of SI 2018/789.")
    areas: list[Id] = Field(min_length=1)
    reason: Markdown = Field(description="Why the partners chose this agency.")
    participation: Markdown = Field(description="How it takes part.")


class Setting(Strict):
    name: Text
    kind: Text
    how_included: Markdown


class Education(Strict):
    approach: Markdown
    strategic_role: Markdown = Field(description="How education sits in strategic decision-making.")
    settings: list[Setting] = Field(min_length=1)


class YouthCustodyResidential(Strict):
    approach: Markdown
    settings: list[Setting] = Field(min_length=1)


class Agencies(Strict):
    relevant_agencies: list[RelevantAgency] = Field(min_length=1)
    education: Education
    youth_custody_and_residential: YouthCustodyResidential


# ---------------------------------------------------------------- data.yaml


class Metric(Strict):
    id: Id
    name: Text
    definition: Markdown
    source: Text
    owner: Id = Field(description="Id of the partner or agency that owns the figure.")
    unit: Literal["count", "percent", "rate_per_10000", "days", "number"]
    better: Literal["higher", "lower", "neither"] = "neither"
    frequency: Literal["quarterly", "yearly"] = "quarterly"


class DataSet(Strict):
    approach: Markdown = Field(description="How data and intelligence are used, early help included.")
    metrics: list[Metric] = Field(min_length=1)


# ---------------------------------------------------------------- training.yaml


class Audit(Strict):
    title: Text
    lead: Id
    timing: Text
    focus: Markdown


class TrainingAndAudit(Strict):
    commissioning: Markdown
    delivery: Markdown
    impact: Markdown
    audit_approach: Markdown
    audits: list[Audit] = Field(default_factory=list)


# ---------------------------------------------------------------- scrutiny.yaml


class Scrutineer(Strict):
    name: Text
    role: Text
    organisation: Text | None = None
    term_start: Date
    term_end: Date


class ScrutinyActivity(Strict):
    title: Text
    method: Text
    timing: Text
    description: Markdown | None = None


class Scrutiny(Strict):
    scrutineer: Scrutineer
    approach: Markdown
    activities: list[ScrutinyActivity] = Field(min_length=1)
    acting_on_findings: Markdown
    review_of_arrangements: Markdown


# ---------------------------------------------------------------- reviews.yaml


class Recommendation(Strict):
    id: Id
    text: Markdown
    owner: Id = Field(description="Id of the partner or relevant agency that owns it.")
    due: Date
    status: Literal["not_started", "in_progress", "complete"]
    progress: Markdown | None = None


class Review(Strict):
    id: Id
    kind: Literal["rapid_review", "lcspr"]
    title: Text
    area: Id
    notified_on: Date
    completed_on: Date | None = None
    decision: Literal["lcspr", "no_lcspr", "national_review", "pending"] = "pending"
    status: Literal["in_progress", "completed", "published"]
    published_on: Date | None = None
    not_published_reason: Markdown | None = Field(
        default=None, description="Why a completed review is not published (e.g. it would harm the child)."
    )
    summary: Markdown
    recommendations: list[Recommendation] = Field(default_factory=list)


class ReviewProcess(Strict):
    notification: Markdown
    rapid_review: Markdown
    lcspr: Markdown
    publication: Markdown
    learning: Markdown


NotifiedBody = Literal["panel", "safeguarding_partners", "ofsted", "secretary_of_state"]


class NotificationFacts(Strict):
    """What the local authority does when it learns of a serious incident, as facts."""

    notifies: list[NotifiedBody] = Field(
        min_length=1,
        description="Who is notified of a serious incident: panel (the Child Safeguarding Practice "
        "Review Panel), safeguarding_partners, ofsted, secretary_of_state.",
    )
    within_working_days: int = Field(
        ge=1, le=365, description="Within how many working days of becoming aware."
    )
    includes_looked_after_child_deaths: bool = Field(
        description="Whether the process covers the death of a looked-after child "
        "(abuse or neglect suspected or not)."
    )
    looked_after_child_death_notifies: list[NotifiedBody] = Field(
        default_factory=list,
        description="Who is told of a looked-after child's death (e.g. ofsted, secretary_of_state).",
    )


class RapidReviewFacts(Strict):
    within_working_days: int = Field(
        ge=1, le=365, description="Rapid reviews are completed within this many working days."
    )
    sent_to_panel: bool = Field(
        description="Whether the rapid review and the decision on a local review go to the Panel."
    )


class PublicationFacts(Strict):
    completed_reviews_published: bool = Field(
        description="Whether completed local child safeguarding practice reviews are published."
    )
    where: Url | None = Field(default=None, description="Where the published reviews are found.")
    copy_to_panel_and_secretary_of_state: bool | None = Field(
        default=None,
        description="Whether the Panel and the Secretary of State get a copy before publication.",
    )


class ReviewFacts(Strict):
    """The facts of the review process that the compliance check decides on."""

    notification: NotificationFacts | None = None
    rapid_review: RapidReviewFacts | None = None
    publication: PublicationFacts | None = None


class Reviews(Strict):
    process: ReviewProcess
    facts: ReviewFacts | None = Field(
        default=None,
        description="The process as facts; without them the check asks people to review the text.",
    )
    reviews: list[Review] = Field(default_factory=list)


# ---------------------------------------------------------------- voice.yaml


class VoiceMethod(Strict):
    name: Text
    description: Markdown


class Voice(Strict):
    approach: Markdown
    methods: list[VoiceMethod] = Field(min_length=1)
    how_used: Markdown


# ---------------------------------------------------------------- disputes.yaml


class DisputeStage(Strict):
    name: Text
    who: list[Text] = Field(min_length=1)
    timescale_working_days: KnownWorkingDays | None = Field(
        default=None,
        description="Working days allowed for the stage; 'unknown: not published' when a timescale "
        "exists but is not known; leave it out when the stage has no timescale.",
    )
    description: Markdown


class Disputes(Strict):
    principles: Markdown
    stages: list[DisputeStage] = Field(min_length=1)
    scrutineer_role: Markdown

    @property
    def total_working_days(self) -> int | None:
        """The working days of all the stages together; None unless every stage has a known timescale."""
        days = [s.timescale_working_days for s in self.stages]
        if not all(isinstance(d, int) for d in days):
            return None
        return sum(d for d in days if isinstance(d, int))


# ---------------------------------------------------------------- liabilities.yaml


class SharedTeam(Strict):
    name: Text
    host: Id
    staff_from: list[Id] = Field(min_length=1)
    liability: Markdown


class Insurance(Strict):
    partner: Id
    type: Text
    minimum_cover: KnownMoney = Field(description="Exact pounds; or 'unknown: not published'.")
    arrangement: Text | None = Field(default=None, description="e.g. 'Self-insured' or the insurer.")


class Liabilities(Strict):
    liabilities: Markdown
    indemnities: Markdown
    shared_teams: list[SharedTeam] = Field(default_factory=list)
    insurance: list[Insurance] = Field(min_length=1)


# ---------------------------------------------------------------- information-sharing.yaml


class LawfulBasis(Strict):
    basis: Text
    applies_to: Markdown


class SharingAgreement(Strict):
    name: Text
    parties: list[Id] = Field(min_length=2)
    signed_on: Date
    review_by: Date
    expires_on: Date | None = Field(
        default=None, description="When the agreement lapses, if it has an end date."
    )


class ControllerRole(Strict):
    partner: Id
    role: Literal["controller", "joint_controller", "processor"]
    data: Text


class DataContact(Strict):
    partner: Id
    role: Text
    name: Text
    email: Email


class InformationSharing(Strict):
    approach: Markdown
    information_requests: Markdown = Field(
        description="How the partners use their power to require information (s.16H)."
    )
    lawful_bases: list[LawfulBasis] = Field(min_length=1)
    agreements: list[SharingAgreement] = Field(default_factory=list)
    controllers: list[ControllerRole] = Field(min_length=1)
    contacts: list[DataContact] = Field(default_factory=list)


__all__ = [
    "Agencies",
    "Audit",
    "ControllerRole",
    "DataContact",
    "DataSet",
    "DisputeStage",
    "Disputes",
    "Education",
    "Governance",
    "Group",
    "InformationSharing",
    "Insurance",
    "LawfulBasis",
    "Liabilities",
    "Metric",
    "Money",
    "NotificationFacts",
    "PublicationFacts",
    "RapidReviewFacts",
    "Recommendation",
    "RelevantAgency",
    "Review",
    "ReviewFacts",
    "ReviewProcess",
    "Reviews",
    "Scrutineer",
    "Scrutiny",
    "ScrutinyActivity",
    "Setting",
    "SharedTeam",
    "SharingAgreement",
    "TrainingAndAudit",
    "Voice",
    "VoiceMethod",
    "YearlyReportDuty",
    "YouthCustodyResidential",
]
