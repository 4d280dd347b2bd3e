"""signatures.yaml: who signed which document, and when.

Signature records are kept out of the content fingerprint, so recording a signature does not
change the fingerprint that the signatory saw on the page they signed.
"""

from __future__ import annotations

from pydantic import Field

from .base import Date, Id, PeriodName, Strict, Text


class Signature(Strict):
    partner: Id
    signatory: Text | None = Field(default=None, description="Defaults to the partner's LSP.")
    signed_on: Date
    fingerprint: Text | None = Field(
        default=None, description="The content fingerprint printed on the page that was signed."
    )


class Signatures(Strict):
    arrangements: list[Signature] = Field(default_factory=list)
    agreement: list[Signature] = Field(default_factory=list)
    threshold: list[Signature] = Field(default_factory=list)
    yearly_report: dict[PeriodName, list[Signature]] = Field(default_factory=dict)
