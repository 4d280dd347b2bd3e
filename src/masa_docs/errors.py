"""Diagnostics: problems in content, reported to people as ``file:line:column: field: message``.

The library never prints and never exits: it raises :class:`ContentError` carrying every
:class:`Diagnostic` it found, and the CLI turns that into output and exit code 2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .wording import count

Severity = Literal["error", "warning"]

# Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that can
# disguise text: never sent raw to a terminal, where ESC sequences would be obeyed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), safe to print."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as the content allows."""

    file: str
    line: int | None
    column: int | None
    field_path: str
    message: str
    hint: str | None = None
    severity: Severity = "error"
    code: str = "content"

    def location(self) -> str:
        if self.line is None:
            return visible(self.file)
        return f"{visible(self.file)}:{self.line}:{self.column or 1}"

    def format(self) -> str:
        """The problem as printed: control characters in any part are made visible, so a key
        or file name holding a terminal escape sequence is shown, never obeyed."""
        where = self.location()
        field_path, message = visible(self.field_path), visible(self.message)
        text = f"{where}: {field_path}: {message}" if field_path else (f"{where}: {message}")
        if self.severity == "warning":
            text = f"{where}: warning: " + text[len(where) + 2 :]
        if self.hint:
            text += f"\n    hint: {visible(self.hint)}"
        return text


@dataclass
class ContentError(Exception):
    """Raised when content cannot be used; carries every problem found, not only the first."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        n = sum(1 for d in self.diagnostics if d.severity == "error")
        return f"{count(n, 'problem')} in the content"

    def __str__(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics) or self.summary()


class MasaError(Exception):
    """A problem the user can fix that is not about a content field (missing tool, bad option)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean ..." hint for a misspelt ``word``, or None."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def format_path(parts: Sequence[str | int]) -> str:
    """``("partners", 0, "lsp", "name")`` -> ``partners[0].lsp.name``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
