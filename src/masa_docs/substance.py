"""Placeholder and hollow text: words that fill a field without saying anything.

A field holds *hollow* text when it is a placeholder ("N/A", "-", "TBC", "to follow",
"Vacant", "Placeholder", lorem ipsum), only points elsewhere ("See our website.", a lone URL)
or is too short for what the field is for (a narrative field of one or two words).

:func:`hollow` judges one value; :func:`hollow_fields` walks the whole content model and
returns every hollow field with its content path, so that ``masa-docs validate`` can warn about
each one (an error with ``--strict``), the compliance rules that rely on a field fail, and the
documents stay DRAFT.

Narrative fields are the ones typed ``Markdown`` in the model (see :data:`masa_docs.model.base.NARRATIVE`);
short fields (names, titles, list items) are only checked for placeholders, never for length.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

Loc = tuple[str | int, ...]

#: Fewest words a narrative (Markdown) field needs to say anything.
MIN_NARRATIVE_WORDS = 5

# A marker anywhere in the text: the text is unfinished.
_MARKER = re.compile(
    r"\b(?:TBC|TBA|TBD|TODO|FIXME|XXX+)\b|lorem ipsum|\bto be (?:confirmed|agreed|decided|added|"
    r"written|completed|inserted|advised|announced)\b|\[\s*(?:insert|add|enter)\b|<\s*(?:insert|add|enter)\b"
    r"|\bplaceholder\b",
    re.IGNORECASE,
)
# The whole text is one of these (ignoring case, spaces and trailing punctuation).
_WHOLE = re.compile(
    r"^(?:n\s*/\s*a|n\.a|na|none yet|not applicable|nil|-+|—|–|\?+|\.+|…|x+|tbc|tba|tbd|to follow|"
    r"to come|pending|vacant|vacancy|post vacant|currently vacant|unknown|blank|empty|test|dummy|"
    r"placeholder.*|same as above|as above|see above|see below|ditto|various|etc|misc)$",
    re.IGNORECASE,
)
# Text that only points elsewhere: "See our website.", "Details online", "Refer to the intranet".
_POINTER = re.compile(
    r"^(?:please\s+)?(?:see|refer to|visit|go to|look at|check|available (?:on|at|from)|details (?:on|at)|"
    r"more (?:information|details) (?:on|at)|information (?:is )?(?:on|at)|"
    r"find (?:it|this|out more) (?:on|at))\b"
    r".{0,60}\b(?:website|web ?site|site|web ?page|page|online|intranet|internet|link|portal|document|"
    r"policy|procedures?|attached|appendix)\b.{0,20}$",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:see\s+|visit\s+)?<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".!;:,").strip()


def hollow(value: Any, *, narrative: bool = False, min_words: int | None = None) -> str | None:
    """Why ``value`` says nothing (a short phrase to follow the field's name), or None.

    ``narrative`` fields also need ``min_words`` words (default :data:`MIN_NARRATIVE_WORDS`).
    ``None`` and empty values are not judged here (the model decides whether they are allowed)."""
    if value is None or isinstance(value, bool | int | float):
        return None
    text = str(value).strip()
    if not text:
        return None
    plain = _norm(text)
    if _WHOLE.match(plain) or _WHOLE.match(plain.strip("()[]<>\"'")):
        return f"is a placeholder ('{plain or text}')"
    m = _MARKER.search(text)
    if m:
        return f"still holds a placeholder ('{m.group(0)}')"
    if narrative and _URL.match(plain):
        return "is only a link; say it in words"
    if _POINTER.match(plain):
        return f"only points elsewhere ('{plain}'); say it here"
    least = MIN_NARRATIVE_WORDS if min_words is None and narrative else (min_words or 0)
    words = len(_WORD.findall(text))
    if least and words < least:
        return f"is too short to say anything ({words} word{'s' if words != 1 else ''})"
    return None


@dataclass(frozen=True)
class HollowField:
    loc: Loc
    reason: str
    narrative: bool

    @property
    def message(self) -> str:
        return f"{self.reason}"


def is_narrative_at(root: Any, loc: Loc) -> bool:
    """Whether the field at ``loc`` in the content model ``root`` is narrative (Markdown)."""
    obj = root
    info: Any = None
    for part in loc:
        if isinstance(obj, BaseModel) and isinstance(part, str) and part in type(obj).model_fields:
            info = type(obj).model_fields[part]
            obj = getattr(obj, part)
        elif isinstance(obj, list | tuple | dict):
            try:
                obj = obj[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                return False
        else:
            return False
    if info is None:
        return False
    return text_kind(info.annotation, info.metadata) == "narrative"


def text_kind(tp: Any, metadata: Any = ()) -> str | None:
    """ "narrative" (Markdown), "text" (free text) or None (an id, a URL, a choice, not text) for
    an annotation; lists and mappings give the kind of their items."""
    from .model.base import NARRATIVE

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return text_kind(args[0], args[1:])
    if origin in (typing.Union, types.UnionType):
        kinds = [text_kind(a) for a in args if a is not type(None)]
        return next((k for k in kinds if k), None)
    if origin in (list, tuple):
        return text_kind(args[0]) if args else None
    if origin is dict:
        return text_kind(args[1]) if len(args) == 2 else None
    if tp is str:
        if any(m is NARRATIVE for m in metadata):
            return "narrative"
        if any(getattr(m, "pattern", None) for m in metadata):
            return None  # an id, a web address, an email address: checked by the model
        return "text"
    return None


def hollow_fields(obj: Any, loc: Loc = (), *, kind: str | None = None) -> Iterator[HollowField]:
    """Every hollow string in a content model (or part of one), with its path. Only free text is
    judged: ids, web addresses, dates and fixed choices (such as a status) are not."""
    if isinstance(obj, BaseModel):
        for name, info in type(obj).model_fields.items():
            value = getattr(obj, name)
            yield from hollow_fields(value, (*loc, name), kind=text_kind(info.annotation, info.metadata))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from hollow_fields(value, (*loc, key), kind=kind)
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from hollow_fields(value, (*loc, i), kind=kind)
    elif isinstance(obj, str) and kind is not None:
        narrative = kind == "narrative"
        reason = hollow(obj, narrative=narrative)
        if reason:
            yield HollowField(loc, reason, narrative)


def content_hollow_fields(content: Any) -> list[HollowField]:
    """Every hollow field of a :class:`~masa_docs.model.Content` (signatures are not text)."""
    out: list[HollowField] = []
    for name in type(content).model_fields:
        if name == "signatures":
            continue
        out.extend(hollow_fields(getattr(content, name), (name,)))
    return out


def hollow_diagnostics(loaded: Any, *, strict: bool = False) -> list[Any]:
    """One :class:`~masa_docs.errors.Diagnostic` per hollow field: warnings, or errors if ``strict``."""
    out: list[Any] = []
    for h in content_hollow_fields(loaded.content):
        out.append(
            loaded.source.diagnostic(
                h.loc,
                h.reason,
                hint="write what the partnership really does; a placeholder meets no compliance rule "
                "and keeps the documents DRAFT",
                severity="error" if strict else "warning",
                code="placeholder",
            )
        )
    return out


__all__ = [
    "MIN_NARRATIVE_WORDS",
    "HollowField",
    "content_hollow_fields",
    "hollow",
    "hollow_diagnostics",
    "hollow_fields",
    "is_narrative_at",
    "text_kind",
]
