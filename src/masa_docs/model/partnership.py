"""partnership.yaml: who the partnership is, where, and which version of its arrangements."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Date, Email, Id, Markdown, Strict, Text, Url


class Area(Strict):
    id: Id
    name: Text = Field(description="The local authority area, e.g. 'Northmere'.")
    description: Markdown | None = None


class Contact(Strict):
    email: Email
    phone: Text | None = None
    address: Text | None = None


class Chair(Strict):
    name: Text
    title: Text
    organisation: Text
    selection: Markdown = Field(description="How the partnership chair is chosen, and by whom.")
    appointed_on: Date | None = None
    term_ends: Date | None = None


class PreviousArrangements(Strict):
    """Arrangements this version replaces or that replace it (succession)."""

    title: Text
    version: Text | None = None
    effective_date: Date | None = None
    ended_on: Date | None = None
    url: Url | None = None
    fingerprint: Text | None = Field(
        default=None, description="The content fingerprint printed on that version when it was signed."
    )
    changes_url: Url | None = Field(
        default=None,
        description="Where the summary of what changed between that version and this one is published.",
    )


class Partnership(Strict):
    name: Text
    short_name: Text
    version: Text = Field(description='Version of the arrangements, quoted: "3.1".')
    status: Literal["draft", "in_force", "ended"] = "in_force"
    effective_date: Date
    review_date: Date
    published_on: Date = Field(description="The date printed on the arrangements.")
    ends_on: Date | None = Field(default=None, description="When these arrangements end, if known.")
    supersedes: PreviousArrangements | None = None
    succeeded_by: PreviousArrangements | None = None
    language: Text = "en-GB"
    edition: Literal["wt2023", "wt2018"] = Field(
        default="wt2023", description="Which Working Together the arrangements follow."
    )
    areas: list[Area] = Field(min_length=1)
    website: Url
    contact: Contact
    chair: Chair
    summary: Markdown | None = None
