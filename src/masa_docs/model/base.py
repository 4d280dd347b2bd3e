"""Shared building blocks for the content model: strict models and constrained types."""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import CoreSchema, core_schema


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


# ---------------------------------------------------------------------- unknown values


class NotKnown(Strict):
    """A fact the partnership does not have or does not publish, written in YAML as
    ``unknown: not published`` (a reason) or ``unknown: true``.

    It is a value of its own, never 0, "none" or an empty list: documents say it is not known
    (or leave the sentence out), and ``masa-docs check`` lists it as a gap.
    """

    unknown: Literal[True] | Text = Field(
        description="Why the fact is not known, e.g. 'not published' or 'not collected'; or true."
    )

    @field_validator("unknown", mode="before")
    @classmethod
    def _a_reason_or_true(cls, value: object) -> object:
        if value is True or (isinstance(value, str) and value.strip()):
            return value
        raise ValueError("write why it is not known (e.g. 'not published'), or true")

    @property
    def reason(self) -> str | None:
        return None if self.unknown is True else str(self.unknown)

    @property
    def text(self) -> str:
        """'not known' or 'not known (not published)'."""
        return f"not known ({self.reason})" if self.reason else "not known"

    def __str__(self) -> str:
        return self.text


def is_unknown(value: object) -> bool:
    return isinstance(value, NotKnown)


_NOT_KNOWN_JSON: dict[str, Any] = {
    "type": "object",
    "title": "Not known",
    "description": "Not known or not published: 'unknown: <reason>' (or 'unknown: true').",
    "properties": {"unknown": {"anyOf": [{"const": True}, {"type": "string", "minLength": 1}]}},
    "required": ["unknown"],
    "additionalProperties": False,
}


class _Knowable:
    """Annotation marker for ``X | NotKnown``: a mapping with the key ``unknown`` is validated
    as :class:`NotKnown`, anything else as ``X`` alone. So a wrong value gets X's own error
    ("should be greater than or equal to 0"), not one error per branch of the union."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        args = [a for a in typing.get_args(source) if a is not NotKnown]
        inner_type: Any = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
        inner = handler.generate_schema(inner_type)

        def choose(value: Any, nxt: ValidatorFunctionWrapHandler) -> Any:
            if isinstance(value, NotKnown):
                return value
            if isinstance(value, dict) and "unknown" in value:
                return NotKnown.model_validate(value)
            return nxt(value)

        return core_schema.no_info_wrap_validator_function(choose, inner)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        return {"anyOf": [handler(schema), _NOT_KNOWN_JSON]}


KNOWABLE = _Knowable()

Count = Annotated[int, Field(ge=0)]
KnownCount = Annotated[Count | NotKnown, KNOWABLE]
KnownMoney = Annotated[Money | NotKnown, KNOWABLE]
WorkingDays = Annotated[int, Field(gt=0, le=365)]
KnownWorkingDays = Annotated[WorkingDays | NotKnown, KNOWABLE]


def known_sum(values: typing.Iterable[Decimal | int | NotKnown]) -> Decimal | NotKnown:
    """The sum, or :class:`NotKnown` when any part is not known (never a partial sum)."""
    total = Decimal("0")
    for v in values:
        if isinstance(v, NotKnown):
            return NotKnown(unknown="some of the amounts are not known")
        total += v
    return total
