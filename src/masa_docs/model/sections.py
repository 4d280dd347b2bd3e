"""sections.yaml (optional): the sections real arrangements have beyond the statutory minimum.

Every part is optional. A part left out of the content is left out of the document: no empty
heading, no "none" sentence. ``custom`` adds the partnership's own sections and appendices,
written in Markdown, after any section it chooses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Email, Id, Markdown, Strict, Text, Url


class ArrangementsForeword(Strict):
    text: Markdown
    signed_by: list[Id] = Field(
        default_factory=list, description="Ids of the partners whose LSPs sign the foreword."
    )


class VisionPriority(Strict):
    title: Text
    description: Markdown | None = None


class Vision(Strict):
    vision: Markdown | None = Field(default=None, description="The partnership's vision, in its words.")
    values: list[Text] = Field(default_factory=list)
    priorities: list[VisionPriority] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> Vision:
        if not (self.vision or self.values or self.priorities):
            raise ValueError("give a vision, values or priorities (or leave vision out)")
        return self


class ContextFigure(Strict):
    """One published figure about the area, with where it comes from and when it is for."""

    label: Text = Field(description="e.g. 'Children and young people under 18'.")
    value: Text = Field(description="The figure as published, e.g. '58,900' or '1 in 5'.")
    area: Id | None = Field(default=None, description="Id of the area it is for; none: the whole footprint.")
    source: Text = Field(description="e.g. 'ONS mid-year population estimates'.")
    as_of: Text = Field(description="The date or period it is for, e.g. 'mid-2023'.")
    url: Url | None = None


class LocalContext(Strict):
    summary: Markdown | None = None
    figures: list[ContextFigure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> LocalContext:
        if not (self.summary or self.figures):
            raise ValueError("give a summary or figures (or leave local_context out)")
        return self


class ChildDeathReview(Strict):
    """Child death review arrangements (the child death review partners' own, often shared)."""

    description: Markdown
    panel: Text | None = Field(default=None, description="e.g. 'Northmere and Eastvale CDOP'.")
    shared_with: list[Text] = Field(
        default_factory=list, description="Other partnerships that share these arrangements, by name."
    )
    url: Url | None = None


BoardKind = Literal[
    "safeguarding_adults_board", "community_safety_partnership", "health_and_wellbeing_board", "other"
]

BOARD_KIND_LABELS: dict[str, str] = {
    "safeguarding_adults_board": "Safeguarding adults board",
    "community_safety_partnership": "Community safety partnership",
    "health_and_wellbeing_board": "Health and wellbeing board",
    "other": "Other board or partnership",
}


class BoardLink(Strict):
    kind: BoardKind
    name: Text
    how: Markdown = Field(description="How the two work together.")
    url: Url | None = None

    @property
    def kind_label(self) -> str:
        return BOARD_KIND_LABELS[self.kind]


class SharedArrangement(Strict):
    what: Text = Field(description="e.g. 'Multi-agency child protection procedures'.")
    shared_with: list[Text] = Field(min_length=1, description="The other partnerships, by name.")
    description: Markdown | None = None
    url: Url | None = None


class LadoContact(Strict):
    name: Text = Field(description="e.g. 'Northmere LADO service'.")
    area: Id | None = Field(default=None, description="Id of the area it serves; none: every area.")
    phone: Text | None = None
    email: Email | None = None
    url: Url | None = None


class Lado(Strict):
    description: Markdown = Field(
        description="How allegations against people who work with children are managed."
    )
    contacts: list[LadoContact] = Field(default_factory=list)


SectionDocument = Literal["arrangements", "threshold", "yearly-report"]


class CustomSection(Strict):
    """A section or appendix of the partnership's own, in Markdown: inline (``text``) or in a
    Markdown file of the content folder (``file``, which the loader reads into ``text``)."""

    id: Id
    title: Text
    text: Markdown | None = Field(
        default=None, description="The section's text in Markdown (or give file: instead)."
    )
    file: Text | None = Field(
        default=None,
        description="A Markdown file in the content folder holding the text, as a path relative to "
        "the folder, e.g. 'sections/our-history.md' (instead of text:).",
    )
    document: SectionDocument = "arrangements"
    after: Text | None = Field(
        default=None, description="Id of the section it follows, e.g. 'governance' (ids: README)."
    )
    appendix: bool = Field(default=False, description="An appendix: placed after the other appendices.")

    @model_validator(mode="after")
    def _placed(self) -> CustomSection:
        if self.appendix == (self.after is not None):
            raise ValueError("give either after: <section id> or appendix: true")
        if self.text is None and self.file is None:
            raise ValueError("give the section's text: text: <Markdown> or file: <a .md file in the folder>")
        return self

    @property
    def body(self) -> str:
        """The section's Markdown (read from ``file`` by the loader when given there)."""
        if self.text is None:
            raise ValueError(f"the text of section '{self.id}' was not read from {self.file}")
        return self.text


class ExtraSections(Strict):
    foreword: ArrangementsForeword | None = None
    vision: Vision | None = None
    local_context: LocalContext | None = None
    child_death_review: ChildDeathReview | None = None
    board_links: list[BoardLink] = Field(default_factory=list)
    shared_arrangements: list[SharedArrangement] = Field(default_factory=list)
    lado: Lado | None = None
    custom: list[CustomSection] = Field(default_factory=list)
