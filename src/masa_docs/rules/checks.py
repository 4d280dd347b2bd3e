"""The registered checks that rules name: small predicates over the content model.

Each check receives a :class:`CheckContext` (the content, the documents in scope, the yearly
report's period, the edition) and its parameters from the rule, and returns an :class:`Outcome`:
``pass``, ``fail``, ``not_applicable`` or ``manual``, with the content paths it looked at and,
for a failure, a :class:`Finding` per problem located at its content path. Checks never read
rendered output and never read the clock.

Text fields count as filled in when they are not hollow (:mod:`masa_docs.substance`: no
placeholder such as "N/A", "-", "TBC", "to follow", "Vacant", lorem ipsum, no "See our
website." or lone link, and enough words for a narrative field). Whether the words say enough
is for people to judge: rules that need a fact decide on the typed facts the content states,
and report "needs review" (with the text to read) where only the narrative says it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from ..errors import format_path
from ..model.base import NotKnown
from ..model.schedule import schedule
from ..substance import MIN_NARRATIVE_WORDS, hollow, is_narrative_at
from ..wording import and_join, count, noun_for

if TYPE_CHECKING:
    from ..model import Content
    from ..model.report import YearlyReport

Loc = tuple[str | int, ...]
Status = Literal["pass", "fail", "not_applicable", "manual", "needs_review"]

MIN_WORDS = 3

# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Finding:
    """One problem, at a content path."""

    loc: Loc
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str
    looked_at: tuple[Loc, ...] = ()
    findings: tuple[Finding, ...] = ()
    quotes: tuple[tuple[Loc, str], ...] = ()  # for "needs_review": the text a person must read


@dataclass(frozen=True)
class CheckContext:
    content: Content
    docs: tuple[str, ...]  # the documents being checked (a subset of the rule's documents)
    edition: str
    period: str | None = None  # the yearly report's period, when there is one
    today: dt.date | None = None  # only from ``check --today`` (or the real date in run_check)
    edition_explicit: bool = False  # the edition was chosen with --edition

    def covers(self, doc: str) -> bool:
        return doc in self.docs

    @property
    def report(self) -> YearlyReport | None:
        if self.period is None:
            return None
        return self.content.reports.get(self.period)

    @property
    def report_loc(self) -> Loc:
        return ("reports", self.period or "")

    @property
    def other_docs(self) -> bool:
        """Any document in scope other than the yearly report."""
        return any(d != "yearly-report" for d in self.docs)


class Probe:
    """Collects what a check looked at and what it found wrong."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.looked: list[Loc] = []
        self.findings: list[Finding] = []

    def look(self, loc: Loc) -> None:
        if loc not in self.looked:
            self.looked.append(loc)

    def fail(self, loc: Loc, message: str, hint: str | None = None) -> None:
        self.look(loc)
        self.findings.append(Finding(loc, message, hint))

    def text(self, loc: Loc, what: str | None = None, *, min_words: int = MIN_WORDS) -> bool:
        """Require the text at ``loc`` to be filled in; True when it is."""
        self.look(loc)
        value = resolve(self.ctx.content, loc)
        problem = text_problem(value, min_words, narrative=is_narrative_at(self.ctx.content, loc))
        if problem:
            label = what or format_path(loc)
            self.findings.append(Finding(loc, f"{label} {problem}", _fill_hint(loc)))
            return False
        return True

    def needs_review(self, locs: Iterable[Loc], what: str) -> Outcome:
        """The content gives only narrative for ``what``: a person must read it. Hollow narrative
        fails instead (nothing to read)."""
        quotes = []
        for loc in locs:
            if self.text(loc):
                quotes.append((loc, str(resolve(self.ctx.content, loc)).strip()))
        if self.findings:
            return self.outcome("")
        return Outcome(
            "needs_review",
            f"no typed fact says {what}; a person must read the text and decide",
            tuple(self.looked),
            (),
            tuple(quotes),
        )

    def outcome(self, ok: str) -> Outcome:
        if self.findings:
            first = self.findings[0].message
            more = len(self.findings) - 1
            msg = first + (f" (and {more} more {noun_for(more, 'problem')})" if more else "")
            return Outcome("fail", msg, tuple(self.looked), tuple(self.findings))
        return Outcome("pass", ok, tuple(self.looked))


def _fill_hint(loc: Loc) -> str:
    return f"write it in {format_path(loc)}"


def text_problem(value: Any, min_words: int = MIN_WORDS, *, narrative: bool = False) -> str | None:
    """Why ``value`` does not count as filled-in text, or None (see :mod:`masa_docs.substance`).

    A narrative (Markdown) field needs at least :data:`~masa_docs.substance.MIN_NARRATIVE_WORDS`."""
    if value is None:
        return "is missing"
    if isinstance(value, list | tuple):
        if not value:
            return "is empty"
        for item in value:
            p = text_problem(item, min(min_words, 1), narrative=narrative)
            if p:
                return p
        return None
    text = str(value).strip()
    if not text:
        return "is empty"
    least = max(min_words, MIN_NARRATIVE_WORDS) if narrative else min_words
    return hollow(text, narrative=narrative, min_words=least)


# ------------------------------------------------------------------ content paths


def resolve(obj: Any, loc: Iterable[str | int]) -> Any:
    """The value at ``loc`` in the content (None when a step is missing)."""
    for part in loc:
        if obj is None:
            return None
        if isinstance(obj, BaseModel):
            if not isinstance(part, str) or part not in type(obj).model_fields:
                raise KeyError(part)
            obj = getattr(obj, part)
        elif isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list | tuple):
            if not isinstance(part, int) or part >= len(obj):
                return None
            obj = obj[part]
        else:
            raise KeyError(part)
    return obj


def expand(content: Content, parts: list[str | int], period: str | None) -> Iterator[Loc]:
    """Concrete locs of a parsed path; ``*`` matches every item; ``report`` is the report."""
    if parts and parts[0] == "report":
        if period is None:
            return
        parts = ["reports", period, *parts[1:]]

    def walk(obj: Any, done: Loc, rest: list[str | int]) -> Iterator[Loc]:
        if not rest:
            yield done
            return
        head, tail = rest[0], rest[1:]
        if head == "*":
            if isinstance(obj, list | tuple):
                for i, item in enumerate(obj):
                    yield from walk(item, (*done, i), tail)
            elif isinstance(obj, dict):
                for k, item in obj.items():
                    yield from walk(item, (*done, k), tail)
            return
        if isinstance(obj, BaseModel) and isinstance(head, str) and head not in type(obj).model_fields:
            raise KeyError(head)
        yield from walk(resolve(obj, (head,)), (*done, head), tail)

    yield from walk(content, (), parts)


def path_locs(ctx: CheckContext, text: str) -> list[Loc]:
    from . import parse_path

    return list(expand(ctx.content, parse_path(text), ctx.period))


def _is_report_path(text: str) -> bool:
    return text.startswith("report.") or text == "report"


def path_in_scope(ctx: CheckContext, text: str, paths: list[str] | None = None) -> bool:
    """Paths into the yearly report count when it is in scope; other paths count for the other
    documents, and for the yearly report too when the rule has no path into the report."""
    if _is_report_path(text):
        return ctx.covers("yearly-report") and ctx.report is not None
    if ctx.other_docs:
        return True
    return not any(_is_report_path(p) for p in (paths or []))


# ------------------------------------------------------------------ registry


CheckFn = Callable[..., Outcome]


@dataclass(frozen=True)
class CheckDef:
    name: str
    fn: CheckFn
    params: dict[str, type | tuple[type, ...]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    doc: str = ""


CHECKS: dict[str, CheckDef] = {}


def register(
    name: str, *, params: dict[str, type | tuple[type, ...]] | None = None, required: tuple[str, ...] = ()
) -> Callable[[CheckFn], CheckFn]:
    def deco(fn: CheckFn) -> CheckFn:
        CHECKS[name] = CheckDef(name, fn, params or {}, required, (fn.__doc__ or "").strip())
        return fn

    return deco


def validate_params(name: str, params: dict[str, Any]) -> str | None:
    """Why ``params`` do not suit check ``name``, or None."""
    spec = CHECKS[name]
    for key, value in params.items():
        if key not in spec.params:
            allowed = ", ".join(sorted(spec.params)) or "none"
            return f"check '{name}' has no parameter '{key}' (parameters: {allowed})"
        if not isinstance(value, spec.params[key]):
            return f"parameter '{key}' of check '{name}' has the wrong type"
    missing = [k for k in spec.required if k not in params]
    if missing:
        return f"check '{name}' needs the parameter(s) {', '.join(missing)}"
    if name in ("filled_in", "mentions"):
        from . import check_path

        paths = list(params.get("paths", [])) + list(params.get("min_items", {}))
        for p in paths:
            problem = check_path(str(p))
            if problem:
                return f"{p}: {problem}"
    return None


def run(name: str, ctx: CheckContext, params: dict[str, Any]) -> Outcome:
    return CHECKS[name].fn(ctx, **params)


def _partners_loc(content: Content) -> Iterator[tuple[int, Any]]:
    yield from enumerate(content.partners)


def _no_report(ctx: CheckContext) -> Outcome | None:
    if ctx.covers("yearly-report") and not ctx.other_docs and ctx.report is None:
        return Outcome("not_applicable", "there is no yearly report in the content yet")
    return None


# ------------------------------------------------------------------ generic checks


@register("filled_in", params={"paths": list, "min_items": dict, "min_words": int})
def filled_in(
    ctx: CheckContext,
    paths: list[str] | None = None,
    min_items: dict[str, int] | None = None,
    min_words: int = MIN_WORDS,
) -> Outcome:
    """Each text at ``paths`` is filled in; each list at ``min_items`` has enough items."""
    na = _no_report(ctx)
    if na:
        return na
    probe = Probe(ctx)
    every = [*(paths or []), *(min_items or {})]
    for text in paths or []:
        if not path_in_scope(ctx, text, every):
            continue
        locs = path_locs(ctx, text)
        if not locs:
            probe.fail(_stem(ctx, text), f"{text} has nothing in it")
        for loc in locs:
            probe.text(loc, min_words=min_words)
    for text, least in (min_items or {}).items():
        if not path_in_scope(ctx, text, every):
            continue
        for loc in path_locs(ctx, text) or [_stem(ctx, text)]:
            value = resolve(ctx.content, loc)
            n = len(value) if isinstance(value, list | tuple | dict) else 0
            probe.look(loc)
            if n < least:
                probe.fail(
                    loc,
                    f"{format_path(loc)} has {count(n, 'item')}; at least {least} expected",
                    f"add to {format_path(loc)}",
                )
    return probe.outcome("filled in: " + ", ".join([*(paths or []), *(min_items or {})]))


@register(
    "threshold_filled_in",
    params={"paths": list, "levels": list, "framework": list, "min_items": dict, "min_words": int},
)
def threshold_filled_in(
    ctx: CheckContext,
    paths: list[str] | None = None,
    levels: list[str] | None = None,
    framework: list[str] | None = None,
    min_items: dict[str, int] | None = None,
    min_words: int = MIN_WORDS,
) -> Outcome:
    """:func:`filled_in` for the threshold, whichever shape it has: ``paths`` always, plus
    ``levels`` for a model with numbered levels or ``framework`` for an approach without levels."""
    shaped = levels if ctx.content.threshold.has_levels else framework
    return filled_in(ctx, [*(paths or []), *(shaped or [])], min_items, min_words)


def _stem(ctx: CheckContext, text: str) -> Loc:
    from . import parse_path

    out: list[str | int] = []
    for p in parse_path(text):
        if p == "*":
            break
        out.append(p)
    if out and out[0] == "report":
        out = ["reports", ctx.period or "", *out[1:]]
    return tuple(out)


@register("mentions", params={"paths": list, "groups": list, "describe": str}, required=("paths", "groups"))
def mentions(
    ctx: CheckContext, paths: list[str], groups: list[dict[str, Any]], describe: str = ""
) -> Outcome:
    """The texts at ``paths`` (together) mention each group: a group is {label, any: [regex...]}."""
    na = _no_report(ctx)
    if na:
        return na
    probe = Probe(ctx)
    texts: list[str] = []
    locs: list[Loc] = []
    for text in paths:
        if not path_in_scope(ctx, text, paths):
            continue
        for loc in path_locs(ctx, text):
            probe.look(loc)
            locs.append(loc)
            value = resolve(ctx.content, loc)
            if isinstance(value, list | tuple):
                texts.extend(str(v) for v in value)
            elif value is not None:
                texts.append(str(value))
    if not locs:
        return Outcome("not_applicable", "nothing to look at in the documents checked")
    joined = "\n".join(texts)
    first = locs[0]
    if locs and text_problem(resolve(ctx.content, first)) and len(locs) == 1:
        probe.text(first)
    for group in groups:
        alternatives = [str(a) for a in group.get("any", [])]
        if not any(re.search(a, joined, re.IGNORECASE) for a in alternatives):
            probe.fail(
                first,
                f"{format_path(first)} does not mention {group.get('label', alternatives[0])}",
                group.get("hint") or f"say how the arrangements deal with {group.get('label', 'it')}",
            )
    if probe.findings:
        return probe.outcome("")
    # Words found are not facts ("does not notify the Panel" mentions the Panel): people decide.
    what = describe or "that the text covers " + ", ".join(str(g.get("label")) for g in groups)
    return probe.needs_review(locs, what)


@register("manual", params={"reason": str}, required=("reason",))
def manual(ctx: CheckContext, reason: str) -> Outcome:
    """A requirement that cannot be judged from the content: people check it."""
    return Outcome("manual", reason)


# ------------------------------------------------------------------ statutory core


@register("joint_arrangements")
def joint_arrangements(ctx: CheckContext) -> Outcome:
    """The partners have joint arrangements in operation, with a joint decision-making group."""
    c = ctx.content
    probe = Probe(ctx)
    probe.look(("partnership", "status"))
    if c.partnership.status == "ended":
        successors = c.partnership.all_successors
        probe.look(("partnership", "successors"))
        if not successors:
            probe.fail(
                ("partnership", "status"),
                "the arrangements are marked 'ended' and name no successor; the partners must have "
                "arrangements in operation",
                "name the arrangements that replace them under successors in partnership.yaml",
            )
        else:
            # A historical record: the duty now rests with the successors.
            return Outcome(
                "pass",
                f"the arrangements ended on {c.partnership.ends_on} and were replaced by "
                + and_join(s.name for s in successors),
                tuple(probe.looked),
            )
    probe.look(("governance", "groups"))
    joint = [g for g in c.governance.groups if g.kind in ("leadership", "executive")]
    if not joint:
        probe.fail(
            ("governance", "groups"),
            "no leadership or executive group where the partners decide together",
            "add a group of kind 'leadership' or 'executive' to governance.yaml",
        )
    probe.text(("governance", "decision_making"))
    return probe.outcome("joint arrangements in operation, with a group where the partners decide together")


ICB_OLD = re.compile(r"clinical commissioning group|\bCCG\b", re.IGNORECASE)


@register("statutory_partners", params={"accept_ccg": bool})
def statutory_partners(ctx: CheckContext, accept_ccg: bool = False) -> Outcome:
    """Every area has a local authority, an ICB (or CCG under WT2018) and a police partner, each
    with its legal name and address."""
    c = ctx.content
    probe = Probe(ctx)
    for i, area in enumerate(c.partnership.areas):
        for kind, label in (("local_authority", "local authority"), ("icb", "ICB"), ("police", "police")):
            probe.look(("partnership", "areas", i, "id"))
            if not any(area.id in p.areas and p.kind == kind for p in c.partners):
                probe.fail(("partnership", "areas", i, "id"), f"area '{area.name}' has no {label} partner")
    for i, p in enumerate(c.partners):
        probe.text(("partners", i, "legal_name"), min_words=1)
        probe.text(("partners", i, "address"), min_words=2)
        if p.kind == "icb" and not accept_ccg:
            for fld in ("legal_name", "name"):
                value = getattr(p, fld)
                if ICB_OLD.search(value):
                    probe.fail(
                        ("partners", i, fld),
                        f"'{value}' is a clinical commissioning group; ICBs replaced CCGs on 1 July 2022",
                        "name the integrated care board that covers the area",
                    )
    names = ", ".join(p.name for p in c.partners)
    return probe.outcome(f"the statutory partners are named: {names}")


@register("schedule_agencies")
def schedule_agencies(ctx: CheckContext) -> Outcome:
    """Every relevant agency belongs to a category in the schedule of SI 2018/789."""
    c = ctx.content
    probe = Probe(ctx)
    cats = schedule()
    unverified = []
    partner_ids = {p.id for p in c.partners}
    partner_keys = {_norm_org(n) for p in c.partners for n in (p.name, p.legal_name)} - {""}
    for i, a in enumerate(c.agencies.relevant_agencies):
        loc: Loc = ("agencies", "relevant_agencies", i, "category")
        probe.look(loc)
        if a.id in partner_ids or _norm_org(a.name) in partner_keys:
            probe.fail(
                ("agencies", "relevant_agencies", i, "name"),
                f"'{a.name}' is a statutory safeguarding partner, not a relevant agency",
                "remove it from relevant_agencies: the partners are listed in partners.yaml",
            )
        cat = cats.get(a.category)
        if cat is None:
            probe.fail(
                loc,
                f"'{a.name}' is in category '{a.category}', which is not in the schedule of SI 2018/789",
                "run 'masa-docs schedule' to list the categories",
            )
        elif not cat.verified:
            unverified.append(a.name)
    ok = f"all {len(c.agencies.relevant_agencies)} relevant agencies are in categories of the schedule"
    if unverified:
        ok += (
            f"; {len(unverified)} in categories not confirmed against the primary text "
            f"({', '.join(unverified)})"
        )
    return probe.outcome(ok)


@register("independent_scrutineer")
def independent_scrutineer(ctx: CheckContext) -> Outcome:
    """An independent scrutineer is appointed: not a partner's officer, and in post when the
    arrangements were published."""
    c = ctx.content
    s = c.scrutiny.scrutineer
    base: Loc = ("scrutiny", "scrutineer")
    probe = Probe(ctx)
    probe.text((*base, "name"), min_words=1)
    officers = {n.casefold() for p in c.partners for n in (p.lsp.name, p.dsp.name)}
    for fld in ("organisation",):
        org = getattr(s, fld)
        probe.look((*base, fld))
        if not org:
            continue
        owner = partner_owning(c, org)
        if owner is not None:
            probe.fail(
                (*base, fld),
                f"the scrutineer is employed by {org}, part of {owner}, a statutory partner, so is not "
                "independent",
                "appoint someone independent of the partners and their services, or correct the organisation",
            )
    if s.name.casefold() in officers:
        probe.fail(
            (*base, "name"),
            f"{s.name} is a lead or delegated safeguarding partner and cannot scrutinise independently",
        )
    probe.look((*base, "term_end"))
    if s.term_end < c.partnership.published_on:
        probe.fail(
            (*base, "term_end"),
            f"the scrutineer's term ended on {s.term_end} before the arrangements were published "
            f"({c.partnership.published_on})",
            "record the current scrutineer and term",
        )
    latest = c.latest_period
    if latest is not None:
        rep = c.reports[latest]
        probe.look((*base, "term_start"))
        if s.term_start > rep.start or s.term_end < rep.end:
            probe.fail(
                (*base, "term_start" if s.term_start > rep.start else "term_end"),
                f"the scrutineer's term ({s.term_start} to {s.term_end}) does not cover the period the "
                f"{latest} yearly report covers ({rep.start} to {rep.end})",
                "record who scrutinised the arrangements over the whole period",
            )
    return probe.outcome(f"independent scrutiny by {s.name} ({s.role})")


def _norm_org(text: str) -> str:
    text = re.sub(
        r"\b(?:the|of|and|&|ltd|limited|plc|nhs|council|borough|county|city|district)\b", " ", text.casefold()
    )
    return " ".join(re.findall(r"\w+", text))


COUNCIL_UNITS = r"children'?s services|social care|council|department|directorate"


def partner_owning(c: Content, org: str) -> str | None:
    """The statutory partner that ``org`` is, or is part of (its own services), or None."""
    o = org.casefold()
    for p in c.partners:
        names = [p.name, p.legal_name, *p.services]
        for n in names:
            if n.casefold() == o or n.casefold() in o:
                return p.name
        # "Northmere Children's Services" belongs to "Northmere Borough Council"
        core = _norm_org(p.name)
        if (
            p.kind == "local_authority"
            and core
            and re.search(rf"\b{re.escape(core)}\b.*\b(?:{COUNCIL_UNITS})\b", o)
        ):
            return p.name
    return None


@register("arrangements_published")
def arrangements_published(ctx: CheckContext) -> Outcome:
    """The arrangements are agreed and published (not a draft) with a website to find them on."""
    c = ctx.content
    probe = Probe(ctx)
    probe.look(("partnership", "status"))
    probe.look(("partnership", "website"))
    if c.partnership.status == "draft":
        probe.fail(
            ("partnership", "status"),
            "the arrangements are still marked 'draft'",
            "set status: in_force when they are agreed and published",
        )
    return probe.outcome(f"published on {c.partnership.published_on} at {c.partnership.website}")


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@register("yearly_report")
def yearly_report(ctx: CheckContext) -> Outcome:
    """The report covers at most 12 months, follows the previous one without a gap, comes within 12
    months of it, and covers what was done (reviews included) and how well the arrangements worked."""
    c = ctx.content
    rep = ctx.report
    probe = Probe(ctx)
    if rep is None:
        first_due = add_months(c.partnership.effective_date, 12)
        if not c.reports and ctx.today is not None and ctx.today > first_due:
            probe.fail(
                ("partnership", "effective_date"),
                f"no yearly report has been published, and the first was due by {first_due} (12 months "
                f"after the arrangements took effect on {c.partnership.effective_date})",
                "publish the yearly report and add it to reports/",
            )
            return probe.outcome("")
        return Outcome("not_applicable", "there is no yearly report in the content yet")
    loc = ctx.report_loc
    probe.look((*loc, "end"))
    if rep.end > add_months(rep.start, 12) - dt.timedelta(days=1):
        probe.fail(
            (*loc, "end"),
            f"the report covers {rep.start} to {rep.end}, more than 12 months",
            "a yearly report covers at most 12 months",
        )
    probe.look((*loc, "published_on"))
    if rep.published_on < rep.end:
        probe.fail(
            (*loc, "published_on"),
            f"published on {rep.published_on}, before its period ends ({rep.end})",
        )
    assert ctx.period is not None
    prev_name = c.previous_period(ctx.period)
    if prev_name is not None:
        prev = c.reports[prev_name]
        probe.look((*loc, "start"))
        day_after = prev.end + dt.timedelta(days=1)
        if rep.start > day_after:
            probe.fail(
                (*loc, "start"),
                f"the report starts on {rep.start} but the previous one ({prev_name}) ended on {prev.end}: "
                f"{day_after} to {rep.start - dt.timedelta(days=1)} is not reported on",
                f"start the period on {day_after}",
            )
        if rep.published_on > add_months(prev.published_on, 12):
            probe.fail(
                (*loc, "published_on"),
                f"published {rep.published_on}, more than 12 months after the previous report "
                f"({prev.published_on})",
                "the partners publish a report at least once in every 12 months",
            )
    probe.text((*loc, "summary"))
    # When how many reviews there were is not known, the facts_known rule lists the gap.
    listed = set(rep.reviews) if isinstance(rep.reviews, list) else None
    for i, r in enumerate(c.reviews.reviews):
        if listed is not None and rep.start <= r.notified_on <= rep.end and r.id not in listed:
            probe.fail(
                (*loc, "reviews"),
                f"review '{r.id}' was notified on {r.notified_on}, in the period, but the report "
                "leaves it out",
                f"add '{r.id}' to reviews in reports/{ctx.period}.yaml",
            )
        probe.look(("reviews", "reviews", i, "notified_on"))
    if ctx.today is not None and ctx.period == c.latest_period:
        due = add_months(rep.published_on, 12)
        probe.look((*loc, "published_on"))
        if ctx.today > due:
            probe.fail(
                (*loc, "published_on"),
                f"the next yearly report is overdue: the {ctx.period} report was published on "
                f"{rep.published_on}, so the next was due by {due}",
                "publish the next yearly report and add it to reports/",
            )
    return probe.outcome(f"{ctx.period}: {rep.start} to {rep.end}, published {rep.published_on}")


@register("yearly_report_contents")
def yearly_report_contents(ctx: CheckContext) -> Outcome:
    """The report gives the evidence for each priority, the actions on reviews and the scrutiny
    findings (guidance on the contents, apart from the statutory duty)."""
    rep = ctx.report
    if rep is None:
        return Outcome("not_applicable", "there is no yearly report in the content yet")
    loc = ctx.report_loc
    probe = Probe(ctx)
    for i, _ in enumerate(rep.priorities):
        probe.text((*loc, "priorities", i, "evidence"))
    probe.text((*loc, "review_actions"))
    probe.text((*loc, "scrutiny", "findings"))
    return probe.outcome(
        "the report gives the evidence for each priority, the review actions and scrutiny findings"
    )


@register("budget_signed_off")
def budget_signed_off(ctx: CheckContext) -> Outcome:
    """The lead safeguarding partners' leadership group approved the shared budget of the year
    (the current year, or the yearly report's funding year)."""
    c = ctx.content
    probe = Probe(ctx)
    years = _funding_years(ctx)
    if not (ctx.covers("yearly-report") and not ctx.other_docs):
        current = c.funding.current
        years = [(i, y) for i, y in enumerate(c.funding.years) if y is current]
    kinds = {g.id: g for g in c.governance.groups}
    for i, y in years:
        loc: Loc = ("funding", "years", i, "approved_on")
        probe.look(loc)
        if y.approved_on is None:
            probe.fail(
                loc,
                f"{y.year}: there is no record that the lead safeguarding partners approved the budget",
                "record approved_on and approved_by (the leadership group) in funding.yaml",
            )
            continue
        group = kinds.get(y.approved_by or "")
        probe.look(("funding", "years", i, "approved_by"))
        if group is None or group.kind != "leadership":
            probe.fail(
                ("funding", "years", i, "approved_by"),
                f"{y.year}: the budget was not approved by the lead safeguarding partners' leadership group",
                "set approved_by to the id of the group of kind 'leadership'",
            )
        elif y.approved_on > y.end:
            probe.fail(
                loc, f"{y.year}: the budget was approved on {y.approved_on}, after the year ended ({y.end})"
            )
    return probe.outcome(
        "the lead safeguarding partners approved the shared budget: " + ", ".join(y.year for _, y in years)
    )


@register("combined_areas")
def combined_areas(ctx: CheckContext) -> Outcome:
    """Where the arrangements cover more than one local authority area, each area is described;
    every partner's delegation of functions is recorded."""
    c = ctx.content
    probe = Probe(ctx)
    areas = c.partnership.areas
    if len(areas) > 1:
        for i, _ in enumerate(areas):
            probe.text(("partnership", "areas", i, "description"))
    else:
        probe.look(("partnership", "areas"))
    for i, p in enumerate(c.partners):
        probe.look(("partners", i, "delegations"))
        if not any(d.current for d in p.delegations):
            probe.fail(("partners", i, "delegations"), f"{p.name} has no current delegation recorded")
    shape = f"{len(areas)} local authority areas" if len(areas) > 1 else "one local authority area"
    return probe.outcome(f"{shape}; every partner's delegation is recorded")


EDITION_DATES: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2018, 7, 4), "wt2018"),  # published 4 July 2018; the duties from 29 June 2018
    (dt.date(2023, 12, 15), "wt2023"),  # published 15 December 2023 (verified secondary)
)


def edition_in_force(day: dt.date) -> str | None:
    """The edition of Working Together in force on ``day`` (None before WT2018)."""
    found = None
    for start, ed in EDITION_DATES:
        if day >= start:
            found = ed
    return found


@register("edition_followed")
def edition_followed(ctx: CheckContext) -> Outcome:
    """The arrangements follow the edition in force on the date they were published (unless
    --edition chooses one), and not an older edition than the one checked against."""
    from . import EDITIONS

    c = ctx.content
    probe = Probe(ctx)
    probe.look(("partnership", "edition"))
    order = list(EDITIONS)[::-1]  # oldest first
    in_force = edition_in_force(c.partnership.published_on)
    if not ctx.edition_explicit and in_force is not None and c.partnership.edition != in_force:
        probe.fail(
            ("partnership", "edition"),
            f"the arrangements published on {c.partnership.published_on} say they follow "
            f"{EDITIONS[c.partnership.edition]}, but {EDITIONS[in_force]} was in force then",
            f"set edition: {in_force}, or check against another edition with --edition",
        )
    elif order.index(c.partnership.edition) < order.index(ctx.edition):
        probe.fail(
            ("partnership", "edition"),
            f"the arrangements follow {EDITIONS[c.partnership.edition]}, not {EDITIONS[ctx.edition]}",
            f"revise the arrangements for the current guidance and set edition: {ctx.edition}",
        )
    return probe.outcome(f"the arrangements follow {EDITIONS[ctx.edition]}")


# ------------------------------------------------------------------ leadership


_CHIEF_EXEC = r"\bchief\s+exec(?:utive)?\b|\bCEO\b"
DEFAULT_LSP_TITLES: dict[str, list[str]] = {
    "local_authority": [_CHIEF_EXEC, r"head of (?:the )?paid service", r"\bmanaging director\b"],
    "icb": [_CHIEF_EXEC],
    "police": [
        r"\bchief constable\b",
        r"\bcommissioner of (?:police of )?the metropolis\b",
        r"\bmetropolitan police commissioner\b",
        r"\bcommissioner of (?:the )?city of london police\b",
        r"\bcity of london police commissioner\b",
    ],
}
# Titles of people who are not the head of the body, even when they contain a head's title.
NOT_HEAD = re.compile(
    r"\b(?:deputy|assistant|vice|associate|depute|temporary deputy)\b|\bcrime commissioner\b|\bPCC\b|"
    r"\bexecutive (?:assistant|support)\b|\b(?:PA|office) to\b|\bdirector of\b",
    re.IGNORECASE,
)
# Police forces whose chief officer is a Commissioner rather than a chief constable.
COMMISSIONER_FORCES = re.compile(r"metropol|city of london", re.IGNORECASE)


def lsp_title_problem(
    kind: str, title: str, force: str = "", titles: dict[str, list[str]] | None = None
) -> str | None:
    """Why ``title`` is not the head of a ``kind`` partner, or None."""
    pats = (titles or DEFAULT_LSP_TITLES).get(kind, [])
    if NOT_HEAD.search(title):
        return "a deputy, an assistant or a police and crime commissioner is not the head of the body"
    if not any(re.search(t, title, re.IGNORECASE) for t in pats):
        return "the LSP is the head of the body"
    if (
        kind == "police"
        and "commissioner" in title.casefold()
        and not COMMISSIONER_FORCES.search(force + " " + title)
    ):
        return "only the Metropolitan and City of London forces are led by a Commissioner"
    return None


@register("lsp_seniority", params={"titles": dict})
def lsp_seniority(ctx: CheckContext, titles: dict[str, list[str]] | None = None) -> Outcome:
    """Each LSP is the head of the partner: the local authority's chief executive (head of paid
    service), the ICB's chief executive, the chief constable (the Commissioner for the
    Metropolitan or City of London police). Not a deputy, an assistant or a police and crime
    commissioner."""
    probe = Probe(ctx)
    for i, p in enumerate(ctx.content.partners):
        probe.text(("partners", i, "lsp", "name"), min_words=1)
        loc: Loc = ("partners", i, "lsp", "title")
        probe.look(loc)
        why = lsp_title_problem(p.kind, p.lsp.title, f"{p.name} {p.legal_name}", titles)
        if why:
            probe.fail(
                loc,
                f"{p.name}'s lead safeguarding partner is '{p.lsp.title}', not the head of the body",
                why + " (chief executive; chief constable, or the Commissioner of the Metropolitan "
                "or City of London police)",
            )
    return probe.outcome("each lead safeguarding partner is the head of the body")


@register("lsp_leadership")
def lsp_leadership(ctx: CheckContext) -> Outcome:
    """The LSPs meet as a leadership group that decides strategy, and each partner's own functions
    are set out."""
    c = ctx.content
    probe = Probe(ctx)
    probe.look(("governance", "groups"))
    leaders = [(i, g) for i, g in enumerate(c.governance.groups) if g.kind == "leadership"]
    if not leaders:
        probe.fail(
            ("governance", "groups"),
            "no group of kind 'leadership' where the lead safeguarding partners meet",
            "add the LSPs' group to governance.yaml with kind: leadership",
        )
    for i, g in leaders:
        probe.look(("governance", "groups", i, "decides"))
        if not g.decides:
            probe.fail(
                ("governance", "groups", i, "decides"),
                f"'{g.name}' does not say what it decides",
                "list its decisions (priorities, budget, sign-off of the documents)",
            )
        else:
            probe.text(("governance", "groups", i, "decides"), f"what '{g.name}' decides", min_words=1)
    if ctx.covers("agreement"):
        covered = {f.partner for f in c.agreement.functions}
        probe.look(("agreement", "functions"))
        for p in c.partners:
            if p.id not in covered:
                probe.fail(
                    ("agreement", "functions"),
                    f"the agreement does not set out the functions of {p.name}",
                    f"add an entry for '{p.id}' to functions in agreement.yaml",
                )
    return probe.outcome("the lead safeguarding partners meet and decide together")


SIGNED_DOCS = ("arrangements", "agreement", "threshold", "yearly-report")


def document_life(c: Content, doc: str, period: str | None) -> tuple[dt.date, dt.date | None, str]:
    """The dates a signature on ``doc`` may carry: (earliest, latest or None, what they are).

    A yearly report is signed after its period ends; another document no earlier than a year
    before its date (it did not exist before) and no later than its review date or end."""
    p = c.partnership
    if doc == "yearly-report" and period is not None and period in c.reports:
        rep = c.reports[period]
        return rep.end, None, f"after its period ends ({rep.end})"
    if doc == "agreement":
        start, end = c.agreement.dated, c.agreement.review_date
    elif doc == "threshold":
        start, end = c.threshold.published_on, c.threshold.review_date
    else:
        start, end = p.published_on, p.ends_on or p.review_date
    earliest = add_months(start, -12)
    return earliest, end, f"between {earliest} (a year before its date, {start}) and {end}"


@register("signed_off", params={"document": str})
def signed_off(ctx: CheckContext, document: str = "") -> Outcome:
    """Every statutory partner's LSP signed each document in scope (or only ``document``), dated
    within the document's life and not after --today."""
    c = ctx.content
    if c.partnership.ended:
        return Outcome(
            "not_applicable",
            f"the arrangements ended on {c.partnership.ends_on}: a historical record asks nobody to sign",
        )
    probe = Probe(ctx)
    checked = []
    for doc in SIGNED_DOCS:
        if not ctx.covers(doc) or (document and doc != document):
            continue
        if doc == "yearly-report":
            if ctx.period is None:
                continue
            loc: Loc = ("signatures", "yearly_report", ctx.period)
            label = f"the yearly report {ctx.period}"
        else:
            loc = ("signatures", doc)
            label = f"the {doc}"
        checked.append(label)
        probe.look(loc)
        sigs = c.signatures_for(doc, ctx.period)
        earliest, latest, span = document_life(c, doc, ctx.period)
        by_id = {p.id: p for p in c.partners}
        valid: set[str] = set()
        for j, sig in enumerate(sigs):
            sloc: Loc = (*loc, j)
            partner = by_id.get(sig.partner)
            if partner is None:
                continue
            ok = True
            if sig.signatory is not None and sig.signatory.casefold() != partner.lsp.name.casefold():
                ok = False
                probe.fail(
                    (*sloc, "signatory"),
                    f"{label} was signed for {partner.name} by {sig.signatory}, not by its lead safeguarding "
                    f"partner {partner.lsp.name}",
                    "the LSP signs; record the LSP's own signature",
                )
            if sig.signed_on < earliest or (latest is not None and sig.signed_on > latest):
                ok = False
                probe.fail(
                    (*sloc, "signed_on"),
                    f"{partner.name}'s signature on {label} is dated {sig.signed_on}, outside the document's "
                    f"life: it is signed {span}",
                    "correct the date of the signature",
                )
            if ctx.today is not None and sig.signed_on > ctx.today:
                ok = False
                probe.fail(
                    (*sloc, "signed_on"),
                    f"{partner.name}'s signature on {label} is dated {sig.signed_on}, "
                    f"after today ({ctx.today})",
                    "a signature cannot be dated in the future",
                )
            if ok:
                valid.add(sig.partner)
        signed = valid
        missing = [p for p in c.partners if p.id not in signed and p.id not in {s.partner for s in sigs}]
        if missing:
            probe.fail(
                loc,
                f"{label} is not signed by " + ", ".join(f"{p.lsp.name} ({p.name})" for p in missing),
                "record each signature in signatures.yaml once signed",
            )
    if not checked:
        return Outcome("not_applicable", "there is no yearly report in the content yet")
    return probe.outcome("signed by every lead safeguarding partner: " + ", ".join(checked))


@register("dsp_named")
def dsp_named(ctx: CheckContext) -> Outcome:
    """Each LSP has appointed a delegated safeguarding partner other than themselves."""
    probe = Probe(ctx)
    for i, p in enumerate(ctx.content.partners):
        probe.text(("partners", i, "dsp", "name"), min_words=2)
        probe.text(("partners", i, "dsp", "title"), min_words=1)
        if p.dsp.name.casefold() == p.lsp.name.casefold():
            probe.fail(
                ("partners", i, "dsp", "name"),
                f"{p.name}'s delegated safeguarding partner is the LSP, {p.lsp.name}, so nothing "
                "is delegated",
                "name the senior officer the LSP delegates to",
            )
        named_on = ctx.content.partnership.published_on
        to_dsp = [
            (k, d)
            for k, d in enumerate(p.delegations)
            if d.current and d.delegate.casefold() == p.dsp.name.casefold()
        ]
        probe.look(("partners", i, "delegations"))
        if not to_dsp:
            probe.fail(
                ("partners", i, "delegations"),
                f"no current delegation from {p.lsp.name} to {p.dsp.name} is recorded",
                "record the delegation to the named DSP in partners.yaml",
            )
        for k, d in to_dsp:
            if d.effective_from > named_on:
                probe.fail(
                    ("partners", i, "delegations", k, "effective_from"),
                    f"{p.dsp.name} is named as {p.name}'s DSP in the arrangements published on {named_on}, "
                    f"but the delegation starts only on {d.effective_from}",
                    "correct the date, or name the DSP who held the delegation when the arrangements "
                    "were published",
                )
    return probe.outcome(
        "delegated safeguarding partners: "
        + ", ".join(f"{p.dsp.name} ({p.name})" for p in ctx.content.partners)
    )


SENIOR = re.compile(
    r"\b(?:director|chief|executive director|superintendent|commander|head of|deputy chief|"
    r"assistant chief|managing director|accountable officer|medical director|chief nurse)\b",
    re.IGNORECASE,
)
JUNIOR = re.compile(
    r"\b(?:administrator|administrative|admin|co-?ordinator|clerk|secretary|PA|trainee|apprentice|intern)\b"
    r"|\bassistant to\b|\bsupport officer\b",
    re.IGNORECASE,
)


def dsp_title_problem(title: str) -> str | None:
    """Why ``title`` is not a senior role fit to be a delegated safeguarding partner, or None."""
    if JUNIOR.search(title):
        return f"'{title}' is not a senior role"
    if not SENIOR.search(title):
        return (
            f"'{title}' is not recognisably senior (a director, a chief officer, an assistant chief "
            + "constable)"
        )
    return None


@register("delegation_scope")
def delegation_scope(ctx: CheckContext) -> Outcome:
    """Each DSP holds a senior role; each current delegation says what is delegated, by which
    instrument and by whom."""
    probe = Probe(ctx)
    for i, p in enumerate(ctx.content.partners):
        loc_t: Loc = ("partners", i, "dsp", "title")
        probe.look(loc_t)
        why = dsp_title_problem(p.dsp.title)
        if why:
            probe.fail(
                loc_t,
                f"{p.name}'s delegated safeguarding partner: {why}",
                "the DSP must be senior enough to speak and decide for the LSP and hold the sector "
                "to account",
            )
        for k, d in enumerate(p.delegations):
            if not d.current:
                continue
            base: Loc = ("partners", i, "delegations", k)
            probe.text((*base, "scope"), min_words=1)
            probe.text((*base, "instrument"), min_words=2)
            probe.text((*base, "decided_by"), min_words=1)
    return probe.outcome("each current delegation records its scope, instrument and decision-maker")


@register("delegation_limits")
def delegation_limits(ctx: CheckContext) -> Outcome:
    """Each current delegation says what the DSP may not decide without the LSP."""
    probe = Probe(ctx)
    for i, p in enumerate(ctx.content.partners):
        for k, d in enumerate(p.delegations):
            if d.current:
                probe.text(("partners", i, "delegations", k, "limits"))
    return probe.outcome("each current delegation records what stays with the lead safeguarding partner")


@register("delegation_trail")
def delegation_trail(ctx: CheckContext) -> Outcome:
    """The delegation record is an unbroken trail: each delegation starts no later than the day
    after the one before it ended."""
    probe = Probe(ctx)
    for i, p in enumerate(ctx.content.partners):
        order = sorted(enumerate(p.delegations), key=lambda kd: kd[1].effective_from)
        for (_, before), (k, after) in itertools.pairwise(order):
            loc: Loc = ("partners", i, "delegations", k, "effective_from")
            probe.look(loc)
            if before.ended_on is not None and after.effective_from > before.ended_on + dt.timedelta(days=1):
                probe.fail(
                    loc,
                    f"{p.name}: nothing was delegated from {before.ended_on + dt.timedelta(days=1)} "
                    f"to {after.effective_from - dt.timedelta(days=1)}",
                    "record the delegation in force in between, or correct the dates",
                )
        for k, _d in enumerate(p.delegations):
            probe.text(("partners", i, "delegations", k, "scope"), min_words=1)
    return probe.outcome("every partner's delegations form an unbroken, dated record")


@register("dsp_group")
def dsp_group(ctx: CheckContext) -> Outcome:
    """The DSPs meet as one executive group that reports to the LSPs' leadership group."""
    c = ctx.content
    probe = Probe(ctx)
    kinds = {g.id: g.kind for g in c.governance.groups}
    execs = [(i, g) for i, g in enumerate(c.governance.groups) if g.kind == "executive"]
    probe.look(("governance", "groups"))
    if not execs:
        probe.fail(
            ("governance", "groups"),
            "no group of kind 'executive' where the delegated safeguarding partners act together",
            "add the DSPs' group to governance.yaml with kind: executive",
        )
    for i, g in execs:
        probe.look(("governance", "groups", i, "reports_to"))
        if g.reports_to is None or kinds.get(g.reports_to) != "leadership":
            probe.fail(
                ("governance", "groups", i, "reports_to"),
                f"'{g.name}' does not report to the lead safeguarding partners' leadership group",
                "set reports_to to the id of the group of kind 'leadership'",
            )
    return probe.outcome("the delegated safeguarding partners act together and report to the LSPs")


# ------------------------------------------------------------------ arrangements


@register("governance_structure")
def governance_structure(ctx: CheckContext) -> Outcome:
    """Decision-making is described, and every group has a purpose and reports to another group
    unless it is the leadership group."""
    c = ctx.content
    probe = Probe(ctx)
    probe.text(("governance", "decision_making"))
    for i, g in enumerate(c.governance.groups):
        probe.text(("governance", "groups", i, "purpose"))
        probe.look(("governance", "groups", i, "reports_to"))
        if g.reports_to is None and g.kind != "leadership":
            probe.fail(
                ("governance", "groups", i, "reports_to"),
                f"'{g.name}' does not report to any group",
                "set reports_to to the id of the group it reports to",
            )
    return probe.outcome(
        f"{len(c.governance.groups)} groups, each with a purpose and a line of accountability"
    )


EDUCATION_SECTORS = ("education", "childcare")


@register("education_included")
def education_included(ctx: CheckContext) -> Outcome:
    """Education and childcare settings are relevant agencies, have a strategic role and their
    inclusion is described."""
    c = ctx.content
    probe = Probe(ctx)
    edu = c.agencies.education
    probe.text(("agencies", "education", "approach"))
    probe.text(("agencies", "education", "strategic_role"))
    for i, _ in enumerate(edu.settings):
        probe.text(("agencies", "education", "settings", i, "how_included"))
    cats = schedule()
    probe.look(("agencies", "relevant_agencies"))
    if not any(
        a.category in cats and cats[a.category].sector in EDUCATION_SECTORS
        for a in c.agencies.relevant_agencies
    ):
        probe.fail(
            ("agencies", "relevant_agencies"),
            "no education or childcare body is named as a relevant agency",
            "add schools, colleges or early years providers (schedule paragraphs 1-14) to agencies.yaml",
        )
    return probe.outcome("education and childcare settings are relevant agencies with a strategic role")


@register("scrutiny_methods")
def scrutiny_methods(ctx: CheckContext) -> Outcome:
    """Scrutiny is described and uses more than one method."""
    c = ctx.content
    probe = Probe(ctx)
    probe.text(("scrutiny", "approach"))
    methods = {a.method.casefold() for a in c.scrutiny.activities}
    probe.look(("scrutiny", "activities"))
    if len(methods) < 2:
        probe.fail(
            ("scrutiny", "activities"),
            "scrutiny uses only one method; the guidance expects a range of methods",
            "add activities with other methods (e.g. practitioner sessions, audit, case review)",
        )
    return probe.outcome(f"scrutiny uses {len(methods)} methods")


# ------------------------------------------------------------------ agreement


def _funding_years(ctx: CheckContext) -> list[tuple[int, Any]]:
    years = list(enumerate(ctx.content.funding.years))
    if ctx.covers("yearly-report") and not ctx.other_docs and ctx.report is not None:
        years = [(i, y) for i, y in years if y.year == ctx.report.funding_year]
    return years


@register("contributions")
def contributions(ctx: CheckContext) -> Outcome:
    """Every statutory partner's contribution is recorded for each funding year, and how the shares
    were agreed is explained."""
    na = _no_report(ctx)
    if na:
        return na
    c = ctx.content
    probe = Probe(ctx)
    probe.text(("funding", "approach"))
    for i, y in _funding_years(ctx):
        given = {x.partner: x for x in y.contributions}
        probe.look(("funding", "years", i, "contributions"))
        for p in c.partners:
            x = given.get(p.id)
            if x is None or (x.amount == 0 and not x.in_kind):
                probe.fail(
                    ("funding", "years", i, "contributions"),
                    f"{y.year}: no contribution from {p.name} is recorded",
                    f"add {p.id}'s contribution (an amount, or support in kind) to funding.yaml",
                )
    return probe.outcome("each statutory partner's contribution is recorded")


@register("budget_covers_spending")
def budget_covers_spending(ctx: CheckContext) -> Outcome:
    """Each year's contributions cover its planned spending."""
    na = _no_report(ctx)
    if na:
        return na
    probe = Probe(ctx)
    for i, y in _funding_years(ctx):
        probe.look(("funding", "years", i, "expenditure"))
        planned, total = y.planned_total, y.total
        if isinstance(planned, NotKnown) or isinstance(total, NotKnown):
            continue  # not known: listed by the facts_known rule, never compared as 0
        if planned > total:
            probe.fail(
                ("funding", "years", i, "expenditure"),
                f"{y.year}: planned spending £{y.planned_total:,.2f} exceeds the budget £{y.total:,.2f}",
                "the funding should cover every element of the arrangements",
            )
        actual = y.actual_total
        if actual is not None and actual > y.total:
            probe.fail(
                ("funding", "years", i, "expenditure"),
                f"{y.year}: actual spending £{actual:,.2f} exceeds the budget £{y.total:,.2f}",
                "record the extra contributions that paid for it, or correct the figures",
            )
    return probe.outcome("each year's budget covers its planned and actual spending")


MAX_STAGE_WORKING_DAYS = 40  # eight weeks


@register("dispute_stages", params={"max_stage_working_days": int})
def dispute_stages(ctx: CheckContext, max_stage_working_days: int = MAX_STAGE_WORKING_DAYS) -> Outcome:
    """Disagreements escalate through at least two stages, each with who and a plausible
    timescale (at most ``max_stage_working_days``), and the scrutineer's role is described."""
    d = ctx.content.disputes
    probe = Probe(ctx)
    probe.text(("disputes", "principles"))
    probe.look(("disputes", "stages"))
    if len(d.stages) < 2:
        probe.fail(
            ("disputes", "stages"),
            f"only {len(d.stages)} stage; escalation needs at least two",
            "add the stage a disagreement escalates to",
        )
    for i, st in enumerate(d.stages):
        probe.look(("disputes", "stages", i, "timescale_working_days"))
        if isinstance(st.timescale_working_days, int) and st.timescale_working_days > max_stage_working_days:
            probe.fail(
                ("disputes", "stages", i, "timescale_working_days"),
                f"the stage '{st.name}' allows {st.timescale_working_days} working days; a disagreement "
                f"about a child cannot wait that long (at most {max_stage_working_days})",
                "give each stage a timescale in days or weeks",
            )
        probe.text(("disputes", "stages", i, "description"))
    probe.text(("disputes", "scrutineer_role"))
    days = [s.timescale_working_days for s in d.stages]
    known_days = [x for x in days if isinstance(x, int)]
    total = (
        f"{count(sum(known_days), 'working day')} in all"
        if len(known_days) == len(days)
        else "not every stage has a known timescale"
    )
    return probe.outcome(f"{count(d.stages, 'stage')}, {total}")


@register("information_sharing")
def information_sharing(ctx: CheckContext) -> Outcome:
    """Lawful bases are named, each statutory partner's data role is set out and a data-sharing
    agreement binds the partners."""
    c = ctx.content
    info = c.information_sharing
    probe = Probe(ctx)
    for i, _ in enumerate(info.lawful_bases):
        probe.text(("information_sharing", "lawful_bases", i, "basis"), min_words=2)
        probe.text(("information_sharing", "lawful_bases", i, "applies_to"))
    roles = {x.partner for x in info.controllers}
    probe.look(("information_sharing", "controllers"))
    for p in c.partners:
        if p.id not in roles:
            probe.fail(
                ("information_sharing", "controllers"),
                f"the data role of {p.name} (controller, joint controller or processor) is not recorded",
                f"add '{p.id}' to controllers in information-sharing.yaml",
            )
    probe.look(("information_sharing", "agreements"))
    published = c.partnership.published_on
    live = []
    for i, a in enumerate(info.agreements):
        if a.expires_on is not None and (
            a.expires_on < published or (ctx.today and a.expires_on < ctx.today)
        ):
            probe.fail(
                ("information_sharing", "agreements", i, "expires_on"),
                f"the information-sharing agreement '{a.name}' expired on {a.expires_on}",
                "renew the agreement and record the new one",
            )
        elif a.review_by < published:
            probe.fail(
                ("information_sharing", "agreements", i, "review_by"),
                f"the information-sharing agreement '{a.name}' was due for review on {a.review_by}, before "
                f"the arrangements were published ({published}): it is out of date",
                "review and renew the agreement, and record the new dates",
            )
        else:
            live.append(a)
    in_agreements = {x for a in live for x in a.parties}
    for p in c.partners:
        if p.id not in in_agreements:
            probe.fail(
                ("information_sharing", "agreements"),
                f"{p.name} is not a party to any information-sharing agreement",
                "record the data-sharing agreement the partners signed",
            )
    return probe.outcome(
        f"{count(info.lawful_bases, 'lawful basis', 'lawful bases')} named; "
        f"{count(info.agreements, 'sharing agreement')}"
    )


@register("insurance_cover")
def insurance_cover(ctx: CheckContext) -> Outcome:
    """Each statutory partner's insurance or indemnity cover is recorded."""
    c = ctx.content
    probe = Probe(ctx)
    covered = {x.partner for x in c.liabilities.insurance}
    probe.look(("liabilities", "insurance"))
    for p in c.partners:
        if p.id not in covered:
            probe.fail(
                ("liabilities", "insurance"),
                f"no insurance or indemnity cover is recorded for {p.name}",
                f"add '{p.id}' to insurance in liabilities.yaml",
            )
    return probe.outcome("each statutory partner's cover is recorded")


# ------------------------------------------------------------------ yearly report


@register("priority_analysis")
def priority_analysis(ctx: CheckContext) -> Outcome:
    """Every priority at risk or off track explains why progress was limited."""
    rep = ctx.report
    if rep is None:
        return Outcome("not_applicable", "there is no yearly report in the content yet")
    probe = Probe(ctx)
    weak = 0
    for i, pr in enumerate(rep.priorities):
        probe.look((*ctx.report_loc, "priorities", i, "status"))
        if pr.status in ("at_risk", "off_track"):
            weak += 1
            probe.text((*ctx.report_loc, "priorities", i, "analysis"), f"the analysis of '{pr.title}'")
    if not weak:
        return probe.outcome("no priority is at risk or off track")
    return probe.outcome(f"{count(weak, 'priority')} with limited progress analysed")


# ------------------------------------------------------------------ unknown facts


def _unknown_hint(field: str) -> str:
    return f"find and record the {field.replace('_', ' ')}, or keep it as a gap if it is not published"


def _under(path: str, prefixes: list[str]) -> bool:
    return any(path == w or path.startswith((f"{w}.", f"{w}[")) for w in prefixes)


@register("facts_known", params={"paths": list, "except_paths": list})
def facts_known(
    ctx: CheckContext, paths: list[str] | None = None, except_paths: list[str] | None = None
) -> Outcome:
    """No fact is recorded as not known (``unknown: <reason>``); every unknown is listed as a gap.

    ``paths`` limits the check to facts under these content paths (e.g. ``funding.years``,
    ``report.training``; ``report.`` is any period's yearly report); ``except_paths`` leaves out
    facts under these. A rule at level ``must`` lists with ``paths`` the facts the law needs, and
    the ``should`` rule leaves those out with ``except_paths``, so no fact is listed twice."""
    probe = Probe(ctx)
    for item in ctx.content.unknowns():
        if item.loc[:1] == ("reports",) and ctx.period is not None and item.loc[1] != ctx.period:
            continue  # another period's report
        if item.loc[:1] == ("reports",) and ctx.period is None and not ctx.covers("yearly-report"):
            continue
        where = format_path(item.loc)
        # the rule's paths name a report's facts as 'report.<field>', whichever period
        rule_path = format_path(("report", *item.loc[2:])) if item.loc[:1] == ("reports",) else where
        if paths and not _under(rule_path, paths):
            continue
        if except_paths and _under(rule_path, except_paths):
            continue
        why = f" ({item.reason})" if item.reason else ""
        probe.fail(item.loc, f"{where} is not known{why}", _unknown_hint(item.field))
    found = len(probe.findings)
    if found:
        return Outcome(
            "fail",
            f"{count(found, 'fact')} {'is' if found == 1 else 'are'} recorded as not known: "
            + "; ".join(f.message for f in probe.findings),
            tuple(probe.looked),
            tuple(probe.findings),
        )
    if paths:
        return Outcome("pass", f"none is recorded as not known: {', '.join(paths)}")
    return Outcome("pass", "every fact is known: none is recorded as not known")


# ------------------------------------------------------------------ registered in their own modules

from . import easy_read as _easy_read  # noqa: E402, F401  (the easy-read versions)
from . import facts as _facts  # noqa: E402, F401  (the checks that decide on typed facts)
