"""The typed facts the compliance check decides on, as sentences for the documents.

Each sentence follows from the facts in the content and nothing else; a fact the content does
not state gives no sentence (the narrative then speaks for itself). Templates get them as
``stated`` (:func:`masa_docs.render.context.template_context`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .wording import and_join, count

if TYPE_CHECKING:
    from .model import Content

BODIES = {
    "panel": "the Child Safeguarding Practice Review Panel",
    "safeguarding_partners": "the safeguarding partners",
    "ofsted": "Ofsted",
    "secretary_of_state": "the Secretary of State",
}
SECTIONS = {
    "s17": "17 (children in need)",
    "s20": "20 (accommodation)",
    "s31": "31 (care and supervision orders)",
    "s47": "47 (enquiries)",
}


KEYS = ("notification", "rapid_review", "publication", "statutory_criteria", "yearly_report")


def _working_days(n: int) -> str:
    return count(n, "working day")


def stated_facts(c: Content) -> dict[str, str | None]:
    """Sentences keyed ``notification``, ``rapid_review``, ``publication``,
    ``statutory_criteria`` and ``yearly_report``; None where the content does not state the fact
    (every key is present, so templates with undefined-is-an-error can ask for each)."""
    out: dict[str, str] = {}
    facts = c.reviews.facts
    if facts is not None and facts.notification is not None:
        n = facts.notification
        text = (
            f"The local authority notifies {and_join([BODIES[b] for b in n.notifies])} of a serious incident "
            f"within {_working_days(n.within_working_days)} of becoming aware of it."
        )
        if n.includes_looked_after_child_deaths and n.looked_after_child_death_notifies:
            text += (
                " The death of a looked-after child is also notified to "
                f"{and_join([BODIES[b] for b in n.looked_after_child_death_notifies])}, whether or not abuse "
                "or neglect is suspected."
            )
        elif not n.includes_looked_after_child_deaths:
            text += " This process does not cover the death of a looked-after child."
        out["notification"] = text
    if facts is not None and facts.rapid_review is not None:
        r = facts.rapid_review
        text = (
            f"A rapid review is completed within {_working_days(r.within_working_days)} of the notification"
        )
        if r.sent_to_panel:
            text += ", and sent to the Child Safeguarding Practice Review Panel with the decision on a "
            text += "local review"
        out["rapid_review"] = text + "."
    if facts is not None and facts.publication is not None:
        p = facts.publication
        if p.completed_reviews_published:
            text = "Completed local child safeguarding practice reviews are published"
            text += f" at {p.where}." if p.where else "."
            if p.copy_to_panel_and_secretary_of_state:
                text += " The Panel and the Secretary of State receive a copy before publication."
        else:
            text = "Completed local child safeguarding practice reviews are not published."
        out["publication"] = text
    criteria = c.threshold.statutory_criteria
    if criteria:
        word = "section" if len(criteria) == 1 else "sections"
        out["statutory_criteria"] = (
            f"This document gives the criteria for services under {word} "
            f"{and_join([SECTIONS[k] for k in criteria])} of the Children Act 1989."
        )
    duty = c.governance.yearly_report
    if duty is not None:
        groups = {g.id: g.name for g in c.governance.groups}
        if duty.prepared_by in groups and duty.approved_by in groups:
            out["yearly_report"] = (
                f"The yearly report is prepared by the {groups[duty.prepared_by]} and approved by the "
                f"{groups[duty.approved_by]}."
            )
    return {key: out.get(key) for key in KEYS}


__all__ = ["stated_facts"]
