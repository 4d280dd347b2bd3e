"""Checks that decide on typed facts the content states, never on words in the narrative.

"The council does not notify the national panel" mentions the Panel; "five business days"
does not contain "5 working days". So rules about who is notified, within how many working
days, which statutory criteria the threshold covers, who prepares the yearly report and whether
reviews are published read the typed facts (``reviews.yaml`` ``facts:``, ``threshold.yaml``
``statutory_criteria:``, ``governance.yaml`` ``yearly_report:``). Where a partnership has not
stated them, the rule is **needs review**: never met, and the report quotes the text a person
must read. Hollow narrative fails (:mod:`masa_docs.substance`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .checks import CheckContext, Loc, Outcome, Probe, _no_report, register

NOTIFIED = {
    "panel": "the Child Safeguarding Practice Review Panel",
    "safeguarding_partners": "the safeguarding partners",
    "ofsted": "Ofsted",
    "secretary_of_state": "the Secretary of State",
}
NOTIFY_TEXT: Loc = ("reviews", "process", "notification")
RAPID_TEXT: Loc = ("reviews", "process", "rapid_review")
PUBLICATION_TEXT: Loc = ("reviews", "process", "publication")
FACTS: Loc = ("reviews", "facts")
NOTIFY_DAYS = 5
RAPID_DAYS = 15


def _listed(names: Sequence[str]) -> str:
    words = [NOTIFIED.get(n, n) for n in names]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@register("notification_facts", params={"require": str}, required=("require",))
def notification_facts(ctx: CheckContext, require: str) -> Outcome:
    """Decides on reviews.yaml facts.notification: ``require`` is ``panel`` (the Panel is
    notified), ``timing`` (within 5 working days, the partners told too) or
    ``looked_after_deaths`` (a looked-after child's death is covered and Ofsted and the Secretary
    of State are told)."""
    na = _no_report(ctx)
    if na:
        return na
    probe = Probe(ctx)
    facts = ctx.content.reviews.facts
    nf = facts.notification if facts else None
    loc: Loc = (*FACTS, "notification")
    what = {
        "panel": "who is notified of a serious incident",
        "timing": "within how many working days a serious incident is notified",
        "looked_after_deaths": "whether the death of a looked-after child is notified, and to whom",
    }.get(require, require)
    if nf is None:
        return probe.needs_review([NOTIFY_TEXT], what)
    probe.text(NOTIFY_TEXT)
    if require == "panel":
        probe.look((*loc, "notifies"))
        if "panel" not in nf.notifies:
            probe.fail(
                (*loc, "notifies"),
                f"the local authority notifies {_listed(nf.notifies)}, not the Child Safeguarding "
                "Practice Review Panel",
                "the local authority must notify the Panel: add 'panel' to notifies",
            )
        return probe.outcome(f"the local authority notifies {_listed(nf.notifies)}")
    if require == "timing":
        probe.look((*loc, "within_working_days"))
        n = nf.within_working_days
        if n > NOTIFY_DAYS:
            probe.fail(
                (*loc, "within_working_days"),
                f"serious incidents are notified within {n} working days; the guidance asks for "
                f"{NOTIFY_DAYS}",
                f"notify within {NOTIFY_DAYS} working days of becoming aware",
            )
        probe.look((*loc, "notifies"))
        if "safeguarding_partners" not in nf.notifies:
            probe.fail(
                (*loc, "notifies"),
                "the safeguarding partners are not told of a serious incident within the same time",
                "add 'safeguarding_partners' to notifies",
            )
        day = "day" if n == 1 else "days"
        return probe.outcome(f"notified within {n} working {day}, the safeguarding partners told too")
    # looked_after_deaths
    probe.look((*loc, "includes_looked_after_child_deaths"))
    if not nf.includes_looked_after_child_deaths:
        probe.fail(
            (*loc, "includes_looked_after_child_deaths"),
            "the process does not cover the death of a looked-after child",
            "say what happens when a looked-after child dies (includes_looked_after_child_deaths: true)",
        )
    else:
        probe.look((*loc, "looked_after_child_death_notifies"))
        missing = [
            b for b in ("ofsted", "secretary_of_state") if b not in nf.looked_after_child_death_notifies
        ]
        if missing:
            probe.fail(
                (*loc, "looked_after_child_death_notifies"),
                f"{_listed(missing)} {'is' if len(missing) == 1 else 'are'} not told of a looked-after "
                "child's death",
                "add " + " and ".join(f"'{m}'" for m in missing) + " to looked_after_child_death_notifies",
            )
    return probe.outcome(
        "a looked-after child's death is notified to " + _listed(nf.looked_after_child_death_notifies)
    )


@register("rapid_review_facts", params={"require": str}, required=("require",))
def rapid_review_facts(ctx: CheckContext, require: str) -> Outcome:
    """Decides on reviews.yaml facts.rapid_review: ``timing`` (completed within 15 working days)
    or ``panel`` (sent to the Panel with the decision on a local review)."""
    probe = Probe(ctx)
    facts = ctx.content.reviews.facts
    rf = facts.rapid_review if facts else None
    loc: Loc = (*FACTS, "rapid_review")
    if rf is None:
        what = (
            "within how many working days a rapid review is completed"
            if require == "timing"
            else "whether the rapid review goes to the Panel"
        )
        return probe.needs_review([RAPID_TEXT], what)
    probe.text(RAPID_TEXT)
    if require == "timing":
        probe.look((*loc, "within_working_days"))
        n = rf.within_working_days
        if n > RAPID_DAYS:
            probe.fail(
                (*loc, "within_working_days"),
                f"rapid reviews take {n} working days; the guidance asks for {RAPID_DAYS}",
                f"complete rapid reviews within {RAPID_DAYS} working days of the notification",
            )
        return probe.outcome(f"rapid reviews are completed within {n} working day{'s' if n != 1 else ''}")
    probe.look((*loc, "sent_to_panel"))
    if not rf.sent_to_panel:
        probe.fail(
            (*loc, "sent_to_panel"),
            "the rapid review is not sent to the Panel",
            "send the rapid review and the decision on a local review to the Panel (sent_to_panel: true)",
        )
    return probe.outcome("the rapid review and the decision go to the Panel")


@register("review_publication")
def review_publication(ctx: CheckContext) -> Outcome:
    """Completed local child safeguarding practice reviews are published (facts.publication), each
    completed review has a publication date or a reason, and the yearly report gives the actions."""
    na = _no_report(ctx)
    if na:
        return na
    c = ctx.content
    probe = Probe(ctx)
    if ctx.covers("yearly-report") and ctx.report is not None:
        probe.text((*ctx.report_loc, "review_actions"))
    for i, r in enumerate(c.reviews.reviews):
        base: Loc = ("reviews", "reviews", i)
        if r.kind != "lcspr" and r.decision != "lcspr":
            continue
        probe.look((*base, "status"))
        if r.status == "completed" and r.not_published_reason is None:
            probe.fail(
                (*base, "status"),
                f"the review '{r.title}' was completed on {r.completed_on or 'an unrecorded date'} but is "
                "not published",
                "publish it and set status: published with published_on, or record not_published_reason",
            )
        elif r.status == "completed" and r.not_published_reason is not None:
            probe.text((*base, "not_published_reason"))
        if r.status == "published" and r.published_on is None:
            probe.fail((*base, "published_on"), f"the review '{r.title}' is published but has no date")
    if not ctx.other_docs:
        return probe.outcome("completed reviews are published, and the report gives the actions taken")
    facts = c.reviews.facts
    pf = facts.publication if facts else None
    if pf is None:
        if probe.findings:
            probe.text(PUBLICATION_TEXT)
            return probe.outcome("")
        return probe.needs_review([PUBLICATION_TEXT], "whether and where completed reviews are published")
    probe.text(PUBLICATION_TEXT)
    loc: Loc = (*FACTS, "publication")
    probe.look((*loc, "completed_reviews_published"))
    if not pf.completed_reviews_published:
        probe.fail(
            (*loc, "completed_reviews_published"),
            "completed local child safeguarding practice reviews are not published",
            "the regulations require publication unless it would be inappropriate",
        )
    probe.look((*loc, "where"))
    if pf.completed_reviews_published and pf.where is None:
        probe.fail(
            (*loc, "where"), "it is not said where completed reviews are published", "give the web address"
        )
    return probe.outcome(f"completed reviews are published at {pf.where}")


CRITERIA = {
    "s17": "section 17 (children in need)",
    "s20": "section 20 (accommodation)",
    "s31": "section 31 (care and supervision orders)",
    "s47": "section 47 (enquiries)",
}


@register("threshold_criteria")
def threshold_criteria(ctx: CheckContext) -> Outcome:
    """threshold.yaml statutory_criteria lists s17, s20, s31 and s47, and the criteria are written."""
    probe = Probe(ctx)
    t = ctx.content.threshold
    text: Loc = ("threshold", "referral_criteria")
    if t.statutory_criteria is None:
        return probe.needs_review(
            [text], "which Children Act 1989 criteria (s.17, s.20, s.31, s.47) the threshold gives"
        )
    probe.text(text)
    probe.look(("threshold", "statutory_criteria"))
    missing = [k for k in CRITERIA if k not in t.statutory_criteria]
    if missing:
        probe.fail(
            ("threshold", "statutory_criteria"),
            "the threshold document does not give the criteria for "
            + ", ".join(CRITERIA[k] for k in missing),
            "write the criteria in referral_criteria and add "
            + ", ".join(missing)
            + " to statutory_criteria",
        )
    return probe.outcome("the criteria for sections 17, 20, 31 and 47 are given")


@register("report_preparation")
def report_preparation(ctx: CheckContext) -> Outcome:
    """governance.yaml yearly_report names the group that prepares and the group that approves the
    yearly report; the approving group is the lead safeguarding partners' leadership group."""
    c = ctx.content
    probe = Probe(ctx)
    duty = c.governance.yearly_report
    if duty is None:
        return probe.needs_review(
            [("governance", "decision_making")], "who prepares and approves the yearly report"
        )
    groups = {g.id: g for g in c.governance.groups}
    loc: Loc = ("governance", "yearly_report")
    for key in ("prepared_by", "approved_by"):
        gid = getattr(duty, key)
        probe.look((*loc, key))
        if gid not in groups:
            probe.fail((*loc, key), f"'{gid}' is not a group in governance.yaml", "use the id of a group")
    approver = groups.get(duty.approved_by)
    if approver is not None and approver.kind != "leadership":
        probe.fail(
            (*loc, "approved_by"),
            f"the yearly report is approved by '{approver.name}', not by the lead safeguarding partners",
            "the lead safeguarding partners sign off the yearly report: name their leadership group",
        )
    prep = groups.get(duty.prepared_by)
    names = f"prepared by {prep.name if prep else duty.prepared_by}, approved by "
    return probe.outcome(names + (approver.name if approver else duty.approved_by))


__all__ = [
    "CRITERIA",
    "NOTIFIED",
    "notification_facts",
    "rapid_review_facts",
    "report_preparation",
    "review_publication",
    "threshold_criteria",
]
