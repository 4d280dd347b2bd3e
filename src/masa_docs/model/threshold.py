"""threshold.yaml: the local criteria for action (levels of need) and how to get help."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Date, Email, Id, Markdown, Strict, Text, Url


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


class Procedures(Strict):
    abuse_neglect_exploitation: Markdown
    youth_secure_estate: Markdown
    disabled_children: Markdown


class Threshold(Strict):
    title: Text
    approach: Text = Field(description="The local model, e.g. 'Continuum of need (four levels)'.")
    version: Text
    effective_date: Date
    review_date: Date
    published_on: Date
    introduction: Markdown
    principles: Markdown
    emergency: Text = Field(description="What to do if a child is in immediate danger.")
    domains: list[Domain] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)
    early_help: Markdown
    referral_criteria: Markdown = Field(description="Criteria for s.17, s.47, s.31 and s.20.")
    statutory_criteria: list[Literal["s17", "s20", "s31", "s47"]] | None = Field(
        default=None,
        description="The Children Act 1989 sections whose criteria the threshold document gives "
        "(s17 children in need, s20 accommodation, s31 care and supervision orders, s47 enquiries).",
    )
    procedures: Procedures
    contacts: list[ContactRoute] = Field(min_length=1)
