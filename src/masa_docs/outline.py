"""Which sections a document has, for this content: the table of contents and the headings.

A document's :class:`~masa_docs.documents.DocumentSpec` lists every section it *can* have.
Optional sections (a foreword, local context, levels or an approach without levels, front
doors...) appear only when the content gives them, so no document carries an empty heading.
The partnership's own sections (``sections.yaml`` ``custom``) are placed after the section
they name; its own appendices come after the document's appendices, lettered on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .documents import Section, document

if TYPE_CHECKING:
    from .model import Content
    from .model.sections import CustomSection


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _present(c: Content) -> dict[tuple[str, str], Callable[[], bool]]:
    x = c.sections
    t = c.threshold
    return {
        ("arrangements", "foreword"): lambda: x.foreword is not None,
        ("arrangements", "vision"): lambda: x.vision is not None,
        ("arrangements", "local-context"): lambda: x.local_context is not None,
        ("arrangements", "board-links"): lambda: bool(x.board_links),
        ("arrangements", "shared-arrangements"): lambda: bool(x.shared_arrangements),
        ("arrangements", "child-death-review"): lambda: x.child_death_review is not None,
        ("arrangements", "lado"): lambda: x.lado is not None,
        ("threshold", "levels"): lambda: t.has_levels,
        ("threshold", "indicators"): lambda: t.has_levels,
        ("threshold", "framework"): lambda: t.framework is not None,
        ("threshold", "front-doors"): lambda: bool(t.front_doors),
    }


@dataclass(frozen=True)
class Outline:
    """The sections of one document for one content, in order."""

    sections: tuple[Section, ...]
    custom_after: dict[str, list[tuple[Section, CustomSection]]] = field(default_factory=dict)
    appendices: list[tuple[Section, CustomSection]] = field(default_factory=list)

    @property
    def titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.sections}

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sections)


def _title(c: Content, doc: str, section: Section, area: str | None) -> str:
    t = c.threshold
    if doc == "threshold":
        if section.id == "levels":
            return f"{_capital(t.levels_called)} at a glance"
        if section.id == "framework" and t.framework is not None:
            return f"Our approach: {t.framework.name}"
        if section.id == "front-doors":
            if area is not None:
                return f"The front door for {c.areas_by_id[area].name}"
            return "Front doors in each area"
    return section.title


def outline(c: Content, doc: str, *, area: str | None = None) -> Outline:
    """The sections ``doc`` has for content ``c`` (``area``: a per-area threshold document)."""
    spec = document(doc)
    present = _present(c)
    customs = [s for s in c.sections.custom if s.document == doc]
    after: dict[str, list[tuple[Section, CustomSection]]] = {}
    for cs in customs:
        if cs.after is not None:
            after.setdefault(cs.after, []).append((Section(cs.id, cs.title), cs))
    lettered = sum(1 for s in spec.sections if re.match(r"Appendix [A-Z]:", s.title))
    appendices = [
        (Section(cs.id, f"Appendix {chr(ord('A') + lettered + k)}: {cs.title}"), cs)
        for k, cs in enumerate(s for s in customs if s.appendix)
    ]
    out: list[Section] = []
    for s in spec.sections:
        if s.id == "sign-off":
            out.extend(sec for sec, _ in appendices)
        check = present.get((doc, s.id))
        if check is None or check():
            out.append(Section(s.id, _title(c, doc, s, area)))
        # A section of the partnership's own stays in place even when the one it follows is absent.
        out.extend(sec for sec, _ in after.get(s.id, []))
    if not any(s.id == "sign-off" for s in spec.sections):
        out.extend(sec for sec, _ in appendices)
    return Outline(tuple(out), after, appendices)
