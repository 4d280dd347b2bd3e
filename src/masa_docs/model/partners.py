"""partners.yaml: the statutory safeguarding partners, their LSPs, DSPs and delegation trail."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Date, Id, Markdown, Person, Strict, Text, Url

PartnerKind = Literal["local_authority", "icb", "police"]

KIND_LABELS: dict[str, str] = {
    "local_authority": "Local authority",
    "icb": "Integrated care board",
    "police": "Chief officer of police",
}


class Delegation(Strict):
    """One entry in the audit trail: the LSP delegated these functions to a DSP."""

    delegate: Text = Field(description="Name of the delegated safeguarding partner.")
    scope: list[Text] = Field(min_length=1, description="What is delegated.")
    instrument: Text = Field(description="The decision or instrument, e.g. 'Scheme of delegation, para 4.2'.")
    decided_by: Text
    decided_on: Date
    effective_from: Date
    review_by: Date
    limits: Markdown = Field(description="What the DSP may not decide without the LSP.")
    ended_on: Date | None = None
    reference: Text | None = None

    @property
    def current(self) -> bool:
        return self.ended_on is None


class Predecessor(Strict):
    """A body whose place this partner took, with its dated membership, e.g. a clinical
    commissioning group that was the health partner until 30 June 2022."""

    name: Text
    kind: Text = Field(description="What it was, e.g. 'Clinical commissioning group'.")
    areas: list[Id] = Field(default_factory=list, description="Areas it covered; empty means the partner's.")
    member_from: Date | None = Field(default=None, description="When it became a partner, if known.")
    member_until: Date = Field(description="The last day it was a partner.")


class Partner(Strict):
    id: Id
    kind: PartnerKind
    name: Text = Field(description="The name used in running text, e.g. 'Northmere Council'.")
    legal_name: Text
    address: Text
    areas: list[Id] = Field(min_length=1, description="Ids of the areas (partnership.yaml) it covers.")
    website: Url | None = None
    lsp: Person = Field(description="Lead safeguarding partner (chief executive or chief constable).")
    dsp: Person = Field(description="Delegated safeguarding partner.")
    delegations: list[Delegation] = Field(min_length=1)
    services: list[Text] = Field(
        default_factory=list,
        description="Names of the partner's own services and companies (e.g. 'Northmere Children's "
        "Services'); a scrutineer employed by one is not independent.",
    )
    parts: dict[Id, Text] = Field(
        default_factory=dict,
        description="Areas this partner covers only part of: area id -> which part, in words "
        "(e.g. 'the north of Avonford: the Ashby and Brook wards').",
    )
    member_since: Date | None = Field(
        default=None, description="When it became a partner, if not from the start."
    )
    predecessors: list[Predecessor] = Field(
        default_factory=list, description="Bodies it replaced as partner, e.g. CCGs before July 2022."
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def current_delegation(self) -> Delegation:
        current = [d for d in self.delegations if d.current]
        return current[-1] if current else self.delegations[-1]
