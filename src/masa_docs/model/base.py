"""Shared building blocks for the content model: strict models and constrained types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64),
    Field(
        description="A short identifier: lower-case letters, digits and hyphens, e.g. 'northmere-council'."
    ),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Narrative:
    """Marks a field as narrative (checked for hollow text by :mod:`masa_docs.substance`)."""

    def __repr__(self) -> str:
        return "NARRATIVE"


NARRATIVE = _Narrative()
Markdown = Annotated[
    str,
    StringConstraints(min_length=1),
    Field(
        description="Narrative text in Markdown (raw HTML is shown as text).",
        json_schema_extra={"contentMediaType": "text/markdown"},  # editors offer a Markdown control
    ),
    NARRATIVE,
]
Money = Annotated[
    Decimal,
    Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="An amount in pounds, e.g. 125000.00",
        json_schema_extra={"x-money": "GBP"},  # editors offer a money control
    ),
]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
PeriodName = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}$"),
    Field(description="A financial or reporting year, e.g. '2025-26'."),
]
Date = dt.date


class Person(Strict):
    name: Text
    title: Text
    email: Email | None = None


def period_bounds(name: str) -> tuple[dt.date, dt.date]:
    """The conventional 1 April to 31 March bounds of a year named like '2025-26'."""
    start = int(name[:4])
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)
