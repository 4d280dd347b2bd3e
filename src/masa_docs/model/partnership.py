"""partnership.yaml: who the partnership is, where, and which version of its arrangements."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import Date, Email, Id, Markdown, Person, Strict, Text, Url


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


class Successor(Strict):
    """A partnership that took over when these arrangements ended."""

    name: Text
    url: Url | None = None
    starts_on: Date | None = Field(default=None, description="When it took over.")
    covers: Text | None = Field(default=None, description="Which area it covers, in words.")


class OtherPartner(Strict):
    """A partner at the table that is not a statutory safeguarding partner (e.g. education as a
    fourth partner). It is never shown as a statutory partner and has no LSP."""

    id: Id
    name: Text
    role: Text = Field(description="What it brings, e.g. 'Education: schools and colleges'.")
    represented_by: Person | None = None
    areas: list[Id] = Field(default_factory=list, description="Areas it covers; empty means all.")
    joined_on: Date | None = None
    description: Markdown | None = None


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
    successors: list[Successor] = Field(
        default_factory=list, description="For ended arrangements: the partnerships that replaced them."
    )
    ended_because: Markdown | None = Field(default=None, description="Why the arrangements ended.")
    other_partners: list[OtherPartner] = Field(
        default_factory=list,
        description="Partners at the table that are not statutory safeguarding partners (e.g. education).",
    )
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

    @property
    def ended(self) -> bool:
        """The arrangements have ended: documents are a historical record."""
        return self.status == "ended"

    @property
    def all_successors(self) -> list[Successor]:
        """``successors`` plus a ``succeeded_by`` written the older way, in that order."""
        out = list(self.successors)
        s = self.succeeded_by
        if s is not None and s.title not in {x.name for x in out}:
            out.append(Successor(name=s.title, url=s.url, starts_on=s.effective_date))
        return out
