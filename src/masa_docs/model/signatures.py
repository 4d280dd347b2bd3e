"""signatures.yaml: who signed which document, and when.

Signature records are kept out of every fingerprint, so recording a signature does not change
the fingerprint that the signatory saw on the page they signed. ``masa-docs verify --record``
writes them from a signed PDF (with the signing time, the document fingerprint and the signed
file's sha256); they may also be written by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints

from .base import Date, Id, PeriodName, Strict, Text, Url

Sha256 = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    Field(description="A full sha256 in 64 lower-case hexadecimal characters."),
]


class Signature(Strict):
    partner: Id
    signatory: Text | None = Field(default=None, description="Defaults to the partner's LSP.")
    signed_on: Date
    fingerprint: Sha256 | None = Field(
        default=None,
        description="The document fingerprint printed on the page that was signed (all 64 characters).",
    )
    signed_at: dt.datetime | None = Field(
        default=None, description="The signing time in the signed PDF, e.g. 2026-03-09T10:15:00+00:00."
    )
    file: Text | None = Field(default=None, description="The signed PDF, e.g. signed/agreement.pdf.")
    sha256: Sha256 | None = Field(default=None, description="sha256 of the signed PDF when recorded.")


class Signatures(Strict):
    arrangements: list[Signature] = Field(default_factory=list)
    agreement: list[Signature] = Field(default_factory=list)
    threshold: list[Signature] = Field(default_factory=list)
    yearly_report: dict[PeriodName, list[Signature]] = Field(default_factory=dict)


class PreviousVersion(Strict):
    """The signed version a document replaces (its version and the fingerprint on its sign-off
    page). The new document's sign-off page names it, and links the summary of what changed."""

    version: Text | None = Field(
        default=None, description="Its version, e.g. '1.0' (a yearly report's period is its version)."
    )
    fingerprint: Sha256 = Field(
        description="The document fingerprint printed on the page that was signed (all 64 characters)."
    )
    signed_on: Date | None = Field(default=None, description="When its last signature was made.")
    url: Url | None = Field(default=None, description="Where that signed version is published.")
    changes_url: Url | None = Field(
        default=None,
        description="Where the summary of what changed since that version is published "
        "(e.g. changes.html made by masa-docs diff).",
    )
