"""agreement.yaml: the facts of the collaboration agreement (wording lives in the Word template)."""

from __future__ import annotations

from pydantic import Field

from .base import Date, Id, Markdown, Strict, Text
from .signatures import PreviousVersion


class Definition(Strict):
    term: Text
    meaning: Text


class PartnerFunctions(Strict):
    partner: Id
    functions: list[Text] = Field(min_length=1)


class Agreement(Strict):
    title: Text
    reference: Text
    version: Text
    supersedes: PreviousVersion | None = Field(
        default=None, description="The signed version this agreement replaces (version and fingerprint)."
    )
    dated: Date = Field(description="The date printed on the agreement.")
    commencement: Date
    term_years: int = Field(ge=1, le=25)
    review_date: Date
    notice_period_months: int = Field(ge=1, le=36)
    governing_law: Text = "England and Wales"
    background: Markdown
    definitions: list[Definition] = Field(default_factory=list)
    functions: list[PartnerFunctions] = Field(min_length=1)
    staffing_and_hosting: Markdown
    confidentiality: Markdown
    freedom_of_information: Markdown
    variation: Markdown
    exit: Markdown
