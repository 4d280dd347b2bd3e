"""Where a content path is written: the :class:`Location` the compliance check and the
deadlines both report (``file:line:column`` and the field path).

Its own module so that :mod:`masa_docs.check` and :mod:`masa_docs.deadlines` do not import
each other: the check uses the deadlines, and both use this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .load import LoadedContent
    from .rules import LocalRules


@dataclass(frozen=True)
class Location:
    """A content path and where it is written (file:line:column)."""

    field: str
    file: str
    line: int | None
    column: int | None

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file} {self.field}".strip()
        return f"{self.file}:{self.line}:{self.column or 1} {self.field}".strip()

    @property
    def short(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "file": self.file, "line": self.line, "column": self.column}


def locate(loaded: LoadedContent, loc: tuple[str | int, ...], local: LocalRules | None = None) -> Location:
    """The location of ``loc`` in the content (or in ``content/rules.yaml`` for a local rule)."""
    source = (
        local.source
        if local is not None and local.source is not None and loc[:1] == ("rules_file",)
        else None
    )
    d = (source or loaded.source).diagnostic(loc, "")
    return Location(d.field_path, d.file, d.line, d.column)
