"""threshold.yaml: the local criteria for action and how to get help.

A threshold model has one of these shapes:

- numbered **levels** (of need, of help...) with indicators per assessment domain;
- an **approach without levels** (``framework``): principles, the questions practitioners ask,
  the routes to help and whom to talk to;

and, in either shape, optionally a **front door** per local authority area (name, phone, hours,
online form), with one threshold document per area when ``per_area_documents`` is true.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Date, Email, Id, Markdown, Strict, Text, Url
from .signatures import PreviousVersion


class Domain(Strict):
    id: Id
    name: Text


class Level(Strict):
    id: Id
    number: int = Field(ge=0, le=10)
    name: Text
    description: Markdown
    indicators: dict[Id, list[Text]] = Field(description="Indicators per assessment domain id.")
    response: Markdown
    services: list[Text] = Field(default_factory=list)
    statutory_basis: Text | None = Field(default=None, description="e.g. 'Children Act 1989 s.47'.")


class ContactRoute(Strict):
    id: Id
    name: Text
    purpose: Markdown
    phone: Text | None = None
    email: Email | None = None
    url: Url | None = None
    hours: Text
    areas: list[Id] = Field(default_factory=list, description="Areas served; empty means all.")


class FrontDoor(Strict):
    """The one place to go with a concern about a child in one local authority area."""

    area: Id = Field(description="Id of the area (partnership.yaml) this front door serves.")
    name: Text = Field(description="e.g. 'Avonford Children's Front Door (MASH)'.")
    phone: Text
    hours: Text = Field(description="When the phone line is staffed.")
    online_form: Url | None = Field(default=None, description="The online referral form.")
    email: Email | None = None
    url: Url | None = Field(default=None, description="The front door's web page.")
    out_of_hours: Text | None = Field(
        default=None,
        description="Who to call outside those hours, e.g. 'Emergency Duty Team: 01632 960 999'.",
    )
    notes: Markdown | None = None


class HelpRoute(Strict):
    """A route to help in an approach without levels."""

    id: Id
    name: Text = Field(description="e.g. 'Talk to the family's school or GP'.")
    when: Markdown = Field(description="When this route is the right one.")
    what_happens: Markdown = Field(description="What happens next.")


class Framework(Strict):
    """An approach without numbered levels, e.g. a conversation-based framework."""

    name: Text = Field(description="The framework's own name, e.g. 'Right help, right time'.")
    description: Markdown
    questions: list[Text] = Field(
        default_factory=list, description="The questions practitioners ask themselves and the family."
    )
    routes: list[HelpRoute] = Field(min_length=1, description="The routes to help.")
    who_to_talk_to: Markdown = Field(description="Whom a practitioner talks to when unsure.")


class Procedures(Strict):
    abuse_neglect_exploitation: Markdown
    youth_secure_estate: Markdown
    disabled_children: Markdown


class Threshold(Strict):
    title: Text
    approach: Text = Field(description="The local model, e.g. 'Continuum of need (four levels)'.")
    levels_called: Text = Field(
        default="levels of need",
        description="The partnership's own words for its levels, e.g. 'levels of help' (levels only).",
    )
    version: Text
    supersedes: PreviousVersion | None = Field(
        default=None,
        description="The signed version this threshold document replaces (version and fingerprint).",
    )
    effective_date: Date
    review_date: Date
    published_on: Date
    introduction: Markdown
    principles: Markdown
    emergency: Text = Field(description="What to do if a child is in immediate danger.")
    domains: list[Domain] = Field(default_factory=list, description="Assessment domains (levels only).")
    levels: list[Level] = Field(
        default_factory=list, description="Numbered levels; leave out for an approach without levels."
    )
    framework: Framework | None = Field(default=None, description="An approach without levels.")
    early_help: Markdown
    referral_criteria: Markdown = Field(description="Criteria for s.17, s.47, s.31 and s.20.")
    statutory_criteria: list[Literal["s17", "s20", "s31", "s47"]] | None = Field(
        default=None,
        description="The Children Act 1989 sections whose criteria the threshold document gives "
        "(s17 children in need, s20 accommodation, s31 care and supervision orders, s47 enquiries).",
    )
    procedures: Procedures
    front_doors: list[FrontDoor] = Field(
        default_factory=list, description="One front door per local authority area, where they differ."
    )
    per_area_documents: bool = Field(
        default=False,
        description="Also publish one threshold document per area (threshold-<area>.html...).",
    )
    contacts: list[ContactRoute] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_shape(self) -> Threshold:
        if self.levels and self.framework is not None:
            raise ValueError("give either levels or a framework (an approach without levels), not both")
        if not self.levels and self.framework is None:
            raise ValueError("give levels (at least two) or a framework (an approach without levels)")
        if self.levels and len(self.levels) < 2:
            raise ValueError("a model with levels needs at least two; for one, describe a framework instead")
        if self.levels and not self.domains:
            raise ValueError("a model with levels needs at least one assessment domain")
        if self.per_area_documents and not self.front_doors:
            raise ValueError("per_area_documents needs a front door for each area (front_doors)")
        return self

    @property
    def has_levels(self) -> bool:
        return bool(self.levels)

    def front_door(self, area: str) -> FrontDoor | None:
        return next((f for f in self.front_doors if f.area == area), None)

    def contacts_for(self, area: str | None) -> list[ContactRoute]:
        """Contact routes serving ``area`` (every route when None)."""
        if area is None:
            return list(self.contacts)
        return [r for r in self.contacts if not r.areas or area in r.areas]
