"""partnership.yaml: who the partnership is, where, and which version of its arrangements."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

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


Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$", strip_whitespace=True)]


class Logo(Strict):
    """A partner's logo for the covers: a PNG or JPEG file inside the content folder."""

    file: Text = Field(description="Path inside the content folder, e.g. logos/northmere.png (PNG or JPEG).")
    alt: Text = Field(description="What the logo says, for screen readers, e.g. 'Northmere Borough Council'.")


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
    colour: Colour | None = Field(
        default=None,
        description="Optional: the partnership's colour for the covers, as #RRGGBB; white text on "
        "it must have at least 4.5:1 contrast (WCAG AA).",
    )
    logos: list[Logo] = Field(
        default_factory=list, description="Optional: the partners' logos, shown on the covers in this order."
    )
