"""The statutory compliance check: evaluate a rule pack against the content.

:func:`run_check` evaluates every rule of the edition's pack (plus the partnership's own rules
in ``content/rules.yaml``) against the content model and returns a :class:`CheckReport`;
:func:`compliance_matrix` gives the rows of a document's compliance appendix;
:func:`blocking_reasons` lists the failing "must" rules that keep a document a draft;
:func:`summary_line` is the one-line summary ``publish`` prints.

Rules never read the clock. Only the deadline warnings (:mod:`masa_docs.deadlines`) use "today".
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .documents import DOCUMENT_ORDER, DOCUMENTS, available
from .locations import Location
from .locations import locate as _locate
from .rules import EDITIONS, LocalRules, Rule, load_local_rules, load_pack
from .rules.checks import CheckContext, Finding, Outcome, Probe, path_locs, resolve, run, text_problem
from .substance import is_narrative_at
from .wording import count

if TYPE_CHECKING:
    from .deadlines import Deadline
    from .load import LoadedContent

Status = Literal["pass", "fail", "needs_review", "not_applicable", "manual", "not_in_force"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "needs_review", "manual", "not_in_force", "not_applicable")
STATUS_LABELS: dict[str, str] = {
    "pass": "met",
    "fail": "NOT MET",
    "needs_review": "needs review",
    "manual": "manual",
    "not_in_force": "not in force",
    "not_applicable": "n/a",
}
STATUS_WORDS: dict[str, str] = {  # for documents
    "pass": "Met",
    "fail": "Not met",
    "needs_review": "Needs review by people",
    "manual": "Checked by people",
    "not_in_force": "Not yet in force",
    "not_applicable": "Not applicable",
}
CONFIDENCE_WORDS: dict[str, str] = {
    "verified": "verified citation",
    "partial": "partly verified citation",
    "unverified": "unverified citation",
}
REPORT_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Problem:
    message: str
    where: Location
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "where": self.where.as_dict(), "hint": self.hint}


@dataclass(frozen=True)
class Quote:
    """Text a reviewer must read to decide a "needs review" rule."""

    where: Location
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where.as_dict(), "text": self.text}


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    status: Status
    message: str
    where: tuple[Location, ...] = ()  # what was looked at
    problems: tuple[Problem, ...] = ()
    quotes: tuple[Quote, ...] = ()  # for "needs_review"

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def blocks(self, strict: bool = False) -> bool:
        return self.failed and (self.rule.level == "must" or strict)

    def as_dict(self) -> dict[str, Any]:
        r = self.rule
        return {
            "id": r.id,
            "origin": r.origin,
            "docs": list(r.docs),
            "requirement": r.requirement,
            "source": r.source,
            "level": r.level,
            "basis": r.basis,
            "confidence": r.confidence,
            "reference_verified": r.reference_verified,
            "in_force": r.in_force,
            "status": self.status,
            "message": self.message,
            "note": r.note,
            "sections": {
                d: {"id": sid, "title": DOCUMENTS[d].section(sid).title}
                for d, sid in sorted(r.sections.items())
            },
            "where": [w.as_dict() for w in self.where],
            "problems": [p.as_dict() for p in self.problems],
            "quotes": [q.as_dict() for q in self.quotes],
        }


@dataclass(frozen=True)
class CheckReport:
    edition: str
    edition_title: str
    partnership: str
    fingerprint: str
    period: str | None
    strict: bool
    results: tuple[RuleResult, ...]
    deadlines: tuple[Deadline, ...] = ()
    today: dt.date | None = None
    local_rules: int = 0
    warn_days: int = 30

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.failed]

    @property
    def needs_review(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == "needs_review"]

    @property
    def blocking(self) -> list[RuleResult]:
        return [r for r in self.results if r.blocks(self.strict)]

    @property
    def passed(self) -> bool:
        return not self.blocking

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def counts(self) -> dict[str, Any]:
        by_status = Counter(r.status for r in self.results)
        by_level: dict[str, dict[str, int]] = {}
        for level in ("must", "should"):
            c = Counter(r.status for r in self.results if r.rule.level == level)
            by_level[level] = {s: c.get(s, 0) for s in STATUSES}
        return {
            "rules": len(self.results),
            "by_status": {s: by_status.get(s, 0) for s in STATUSES},
            "by_level": by_level,
        }

    def warnings(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.warn]

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "tool": {"name": "masa-docs", "version": __version__},
            "edition": {"id": self.edition, "title": self.edition_title},
            "partnership": self.partnership,
            "fingerprint": self.fingerprint,
            "period": self.period,
            "today": self.today.isoformat() if self.today else None,
            "warn_days": self.warn_days,
            "strict": self.strict,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "counts": self.counts(),
            "rules": [r.as_dict() for r in self.results],
            "deadlines": [d.as_dict() for d in self.deadlines],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def summary(self) -> str:
        return summary_text(self)


# ------------------------------------------------------------------ evaluation


def local_rules(loaded: LoadedContent, reserved: set[str] | frozenset[str] = frozenset()) -> LocalRules:
    return load_local_rules(loaded.source.root, reserved)


def edition_of(loaded: LoadedContent, edition: str | None = None) -> str:
    return edition or loaded.content.partnership.edition


def rules_for(loaded: LoadedContent, edition: str | None = None) -> tuple[list[Rule], LocalRules]:
    pack = load_pack(edition_of(loaded, edition))
    local = local_rules(loaded, frozenset(pack.ids))
    return [*pack.rules, *local.rules], local


def evaluate(
    rule: Rule,
    loaded: LoadedContent,
    *,
    docs: tuple[str, ...] | None = None,
    period: str | None = None,
    edition: str | None = None,
    today: dt.date | None = None,
) -> RuleResult:
    """Evaluate one rule for ``docs`` (default: every document it applies to)."""
    c = loaded.content
    scope = tuple(d for d in (docs or rule.docs) if d in rule.docs)
    if not rule.in_force:
        return RuleResult(rule, "not_in_force", rule.note or "not yet in force")
    if period is None and "yearly-report" in scope:
        period = c.latest_period
    ctx = CheckContext(c, scope, edition_of(loaded, edition), period, today, edition is not None)
    outcome = _outcome(rule, ctx)
    looked = tuple(_locate(loaded, loc) for loc in outcome.looked_at)
    problems = tuple(Problem(f.message, _locate(loaded, f.loc), f.hint) for f in outcome.findings)
    quotes = tuple(Quote(_locate(loaded, loc), text) for loc, text in outcome.quotes)
    return RuleResult(rule, outcome.status, outcome.message, looked, problems, quotes)


def _outcome(rule: Rule, ctx: CheckContext) -> Outcome:
    parts: list[Outcome] = []
    if rule.check:
        parts.append(run(rule.check, ctx, rule.params))
    if rule.require or rule.min_items:
        parts.append(_declarative(rule, ctx))
    if len(parts) == 1:
        return parts[0]
    statuses = [p.status for p in parts]
    looked = tuple(loc for p in parts for loc in p.looked_at)
    findings = tuple(f for p in parts for f in p.findings)
    if "fail" in statuses:
        msg = next(p.message for p in parts if p.status == "fail")
        return Outcome("fail", msg, looked, findings)
    for s in ("needs_review", "manual", "pass"):
        if s in statuses:
            quotes = tuple(q for p in parts for q in p.quotes)
            return Outcome(s, "; ".join(p.message for p in parts if p.status == s), looked, (), quotes)
    return Outcome("not_applicable", parts[0].message, looked)


def _declarative(rule: Rule, ctx: CheckContext) -> Outcome:
    """A local rule's ``require`` (filled in) and ``min_items`` (enough items) paths."""
    from .rules.checks import _stem

    probe = Probe(ctx)
    for text in rule.require:
        try:
            locs = path_locs(ctx, text)
        except KeyError as exc:
            probe.fail((), f"{text}: there is no field '{exc.args[0]}' in the content")
            continue
        if not locs:
            probe.fail(_stem(ctx, text), f"{text} has nothing in it", f"fill in {text}")
        for loc in locs:
            probe.look(loc)
            problem = text_problem(resolve(ctx.content, loc), 1, narrative=is_narrative_at(ctx.content, loc))
            if problem:
                probe.fail(loc, f"{text} {problem}", f"fill in {text}")
    for text, least in rule.min_items.items():
        try:
            locs = path_locs(ctx, text) or [_stem(ctx, text)]
        except KeyError as exc:
            probe.fail((), f"{text}: there is no field '{exc.args[0]}' in the content")
            continue
        for loc in locs:
            probe.look(loc)
            value = resolve(ctx.content, loc)
            n = len(value) if isinstance(value, list | tuple | dict) else 0
            if n < least:
                probe.fail(loc, f"{text} has {count(n, 'item')}; at least {least} required", f"add to {text}")
    what = ", ".join([*rule.require, *(f"{k} (at least {v})" for k, v in rule.min_items.items())])
    return probe.outcome("filled in: " + what)


def run_check(
    loaded: LoadedContent,
    *,
    edition: str | None = None,
    period: str | None = None,
    strict: bool = False,
    today: dt.date | None = None,
    deadlines: bool = True,
) -> CheckReport:
    """Evaluate every rule (pack + local) against the content.

    ``period`` picks the yearly report (default: the latest). ``today`` (default: the real date)
    dates the deadline warnings and the few rules about time that has passed: a signature dated
    after today, an agreement that has expired, a yearly report that is overdue. Documents never
    depend on it (:func:`compliance_matrix` and :func:`blocking_reasons` pass no date).
    """
    from .errors import MasaError, did_you_mean

    c = loaded.content
    ed = edition_of(loaded, edition)
    if period is not None and period not in c.reports:
        raise MasaError(
            f"there is no yearly report for period '{period}'",
            did_you_mean(period, c.reports)
            or f"periods in the content: {', '.join(c.report_periods) or 'none'}",
        )
    period = period or c.latest_period
    rules, local = rules_for(loaded, ed)
    today = today or dt.date.today()  # the one place the clock is read (never for documents)
    results = tuple(evaluate(r, loaded, period=period, edition=edition, today=today) for r in rules)
    dls: tuple[Deadline, ...] = ()
    if deadlines:
        from .deadlines import deadlines as find_deadlines

        dls = tuple(find_deadlines(loaded, today, local))
    return CheckReport(
        edition=ed,
        edition_title=EDITIONS[ed],
        partnership=c.partnership.name,
        fingerprint=loaded.fingerprint,
        period=period,
        strict=strict,
        results=results,
        deadlines=dls,
        today=today,
        local_rules=len(local.rules),
        warn_days=local.deadlines.warn_days,
    )


# ------------------------------------------------------------------ the contract for renderers


@dataclass(frozen=True)
class MatrixRow:
    """One row of a document's compliance appendix."""

    rule_id: str
    requirement: str
    source: str
    level: str  # "must" | "should"
    confidence: str  # "verified" | "partial" | "unverified"
    status: str  # "met" | "not_met" | "not_applicable"
    section_id: str  # "" when the document has no sections (the agreement)
    section_title: str
    status_label: str = ""  # the status in words, e.g. "Met", "Not yet in force"
    confidence_label: str = ""  # e.g. "unverified citation"
    note: str = ""  # why a rule is checked by people or not yet in force
    check_status: str = ""  # the check's own status (pass/fail/manual/not_in_force/not_applicable)


_MATRIX_STATUS = {"pass": "met", "fail": "not_met"}


def compliance_matrix(loaded: LoadedContent, doc_name: str, period: str | None = None) -> list[MatrixRow]:
    """Rows for ``doc_name``'s compliance appendix: each rule that applies to the document, its
    status for that document and the section that meets it. Deterministic (no clock)."""
    spec = DOCUMENTS[doc_name]
    if spec.periodic:
        period = period or loaded.content.latest_period
    rules, _ = rules_for(loaded)
    rows = []
    for rule in rules:
        if not rule.applies_to(doc_name):
            continue
        res = evaluate(rule, loaded, docs=(doc_name,), period=period)
        sid = rule.section_for(doc_name) or ""
        title = spec.section(sid).title if sid else ""
        note = ""
        if res.status in ("manual", "not_in_force", "not_applicable"):
            note = res.message
        elif res.status == "fail":
            note = res.problems[0].message if res.problems else res.message
        rows.append(
            MatrixRow(
                rule_id=rule.id,
                requirement=rule.requirement,
                source=rule.source,
                level=rule.level,
                confidence=rule.confidence,
                status=_MATRIX_STATUS.get(res.status, "not_applicable"),
                section_id=sid,
                section_title=title,
                status_label=STATUS_WORDS[res.status],
                confidence_label=CONFIDENCE_WORDS[rule.confidence],
                note=note,
                check_status=res.status,
            )
        )
    return rows


def blocking_reasons(
    loaded: LoadedContent, doc_name: str, period: str | None = None, today: dt.date | None = None
) -> tuple[str, ...]:
    """Failing "must" rules that forbid marking ``doc_name`` final. ``today`` is accepted for
    symmetry with :func:`summary_line`; rules never depend on the date."""
    spec = DOCUMENTS[doc_name]
    if loaded.content.partnership.ended:
        return ()  # a historical record: it is published as it was, never kept a draft
    if spec.periodic:
        period = period or loaded.content.latest_period
    rules, _ = rules_for(loaded)
    reasons = []
    for rule in rules:
        if rule.level != "must" or not rule.applies_to(doc_name):
            continue
        res = evaluate(rule, loaded, docs=(doc_name,), period=period)
        if res.failed:
            caveat = "" if rule.confidence == "verified" else f" ({CONFIDENCE_WORDS[rule.confidence]})"
            reasons.append(f"compliance rule {rule.id} is not met{caveat}: {res.message}")
    hollow = hollow_reason(loaded, doc_name, period)
    if hollow:
        reasons.append(hollow)
    return tuple(reasons)


# The hollow fields of the last few contents (kept alive here, so an id is not reused): every
# document's status asks for them, and the content does not change while it is loaded.
_HOLLOW: dict[int, tuple[object, list[Any]]] = {}


def _hollow_fields(loaded: LoadedContent) -> list[Any]:
    from .substance import content_hollow_fields

    hit = _HOLLOW.get(id(loaded.content))
    if hit is not None and hit[0] is loaded.content:
        return hit[1]
    found = list(content_hollow_fields(loaded.content))
    if len(_HOLLOW) >= 4:
        _HOLLOW.pop(next(iter(_HOLLOW)))
    _HOLLOW[id(loaded.content)] = (loaded.content, found)
    return found


def hollow_reason(loaded: LoadedContent, doc_name: str, period: str | None = None) -> str | None:
    """Why placeholder or hollow text keeps ``doc_name`` a draft, or None. Every topic counts; of
    the yearly reports, only the one being published (and none for the other documents)."""
    found = [
        h
        for h in _hollow_fields(loaded)
        if h.loc[0] != "reports" or (doc_name == "yearly-report" and h.loc[1:2] == (period,))
    ]
    if not found:
        return None
    first = _locate(loaded, found[0].loc)
    n = len(found)
    return (
        f"{n} field{'s' if n != 1 else ''} still hold{'s' if n == 1 else ''} placeholder or hollow text "
        f"(first: {first.short} {first.field} {found[0].reason}); run 'masa-docs validate --strict'"
    )


def document_status_lines(
    loaded: LoadedContent,
    docs: list[str] | tuple[str, ...] | None = None,
    period: str | None = None,
    blocking: Callable[[str, str | None], tuple[str, ...]] | None = None,
) -> list[str]:
    """One line per document: whether it is published as final or as a draft, and why.

    ``publish`` prints these after its summary. The reasons are those the documents print
    (:func:`masa_docs.render.context.document_meta`): missing signatures, changed content,
    failing "must" rules and placeholder text. ``blocking(doc, period)`` gives the reasons
    already worked out (publish's analysis); by default they are worked out here."""
    from .render.context import document_meta

    c = loaded.content
    lines = []
    for name in DOCUMENT_ORDER:
        if docs and name not in docs:
            continue
        spec = DOCUMENTS[name]
        p = (period or c.latest_period) if spec.periodic else None
        if spec.periodic and p is None:
            continue
        if not available(spec, c, p):
            continue  # an easy-read version without its plain-language words is not made
        reasons = blocking(name, p) if blocking is not None else blocking_reasons(loaded, name, p)
        meta = document_meta(loaded, name, period=p, blocking=reasons)
        label = f"{name} {p}" if p else name
        if meta.draft:
            lines.append(f"{label}: DRAFT, because " + "; ".join(meta.draft_reasons) + ".")
        else:
            lines.append(
                f"{label}: FINAL: signed by every lead safeguarding partner; no 'must' rule fails and no "
                "field holds placeholder text."
            )
    return lines


def summary_text(report: CheckReport) -> str:
    n = report.counts()["by_status"]
    musts = sum(1 for r in report.failures if r.rule.level == "must")
    shoulds = len(report.failures) - musts
    parts = [f"{n['pass']} met", f"{n['fail']} not met ({musts} must, {shoulds} should)"]
    if n["needs_review"]:
        parts.append(f"{n['needs_review']} to review (text only, never counted as met)")
    if n["manual"]:
        parts.append(f"{n['manual']} to check by hand")
    if n["not_in_force"]:
        parts.append(f"{n['not_in_force']} not yet in force")
    if n["not_applicable"]:
        parts.append(f"{n['not_applicable']} not applicable")
    text = f"Compliance with {report.edition_title}: {len(report.results)} rules — " + ", ".join(parts) + "."
    if report.deadlines:
        past = sum(1 for d in report.deadlines if d.state == "past")
        soon = sum(1 for d in report.deadlines if d.state == "soon")
        if past or soon:
            text += f" Deadlines: {past} past, {soon} within the warning period."
    return text


def summary_line(loaded: LoadedContent, today: dt.date | None = None) -> str:
    """One line for ``publish``: counts of met / not met rules and deadline warnings."""
    return run_check(loaded, today=today).summary()


# ------------------------------------------------------------------ text and Markdown reports

STATUS_SHORT = {
    "pass": "met",
    "fail": "NOT MET",
    "needs_review": "needs review",
    "manual": "manual",
    "not_in_force": "future",
    "not_applicable": "n/a",
}
CONFIDENCE_SHORT = {"verified": "verified", "partial": "partial", "unverified": "unverified"}


def _where_short(res: RuleResult) -> str:
    places = [p.where for p in res.problems] or list(res.where)
    if not places:
        return "—"
    first = places[0].short
    others = len({p.short for p in places}) - 1
    return first + (f" (+{others})" if others > 0 else "")


def _wrap(text: str, width: int, indent: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]


def verdict(report: CheckReport) -> str:
    """The result in one sentence. A rule that needs review is never called met."""
    musts = [r for r in report.failures if r.rule.level == "must"]
    shoulds = [r for r in report.failures if r.rule.level == "should"]
    review = report.needs_review
    review_musts = [r for r in review if r.rule.level == "must"]
    if report.passed:
        if report.strict:
            if review:
                needs = "needs" if len(review) == 1 else "need"
                return f"PASSED: no rule fails (strict); {count(review, 'rule')} {needs} review by people."
            return "PASSED: every rule is met (strict)."
        extra = f" ({count(shoulds, chr(39) + 'should' + chr(39) + ' rule')} not met)" if shoulds else ""
        if review_musts:
            n = len(review_musts)
            return (
                f"PASSED: no 'must' rule fails, but {count(n, chr(39) + 'must' + chr(39) + ' rule')} "
                f"need{'s' if n == 1 else ''} review by people{extra}."
            )
        return f"PASSED: every 'must' rule is met{extra}."
    if musts:
        text = f"FAILED: {len(musts)} 'must' rule{'s are' if len(musts) != 1 else ' is'} not met"
        if report.strict and shoulds:
            text += f", and {count(shoulds, chr(39) + 'should' + chr(39) + ' rule')} (strict)"
        return text + "."
    return f"FAILED (strict): {len(shoulds)} 'should' rule{'s are' if len(shoulds) != 1 else ' is'} not met."


def format_text(report: CheckReport, width: int = 100, style: Any = None) -> str:
    """The report for a ``width``-column terminal: what is not met, then what needs review (with
    the text to read), then the deadlines, then every rule in a table and the rules for
    information. Nothing is cut off: long values wrap.

    ``style(text, status)`` may colour a status word (the CLI passes click.style)."""

    def st(text: str, status: str) -> str:
        return style(text, status) if style else text

    out: list[str] = []
    out.append(f"Compliance check: {report.partnership}")
    bits = [report.edition_title]
    if report.period:
        bits.append(f"yearly report {report.period}")
    bits.append(f"content {report.fingerprint[:16]}")
    if report.strict:
        bits.append("strict")
    out.append(" · ".join(bits))
    out.append("")
    fails = sorted(report.failures, key=lambda r: (r.rule.level != "must",))
    if fails:
        out.append(f"Not met ({len(fails)})")
        for res in fails:
            r = res.rule
            out.append(st(f"  {r.id}", "fail") + f"  [{r.level}, {CONFIDENCE_WORDS[r.confidence]}]")
            out.extend(_wrap(r.requirement, width, "    "))
            out.extend(_wrap("Source: " + r.source, width, "    "))
            for p in res.problems:
                out.append(f"    {p.where}")  # a path is never broken
                out.extend(_wrap(p.message, width, "      "))
                if p.hint:
                    out.extend(_wrap(f"hint: {p.hint}", width, "      "))
        out.append("")
    review = report.needs_review
    if review:
        out.append(f"Needs review ({len(review)}): the content gives only text; read it and confirm")
        for res in review:
            r = res.rule
            out.append(st(f"  {r.id}", "manual") + f"  [{r.level}, {CONFIDENCE_WORDS[r.confidence]}]")
            out.extend(_wrap(r.requirement, width, "    "))
            out.extend(_wrap(res.message, width, "    "))
            for q in res.quotes:
                out.append(f"    read {q.where}:")
                out.extend(_wrap(f"“{' '.join(q.text.split())}”", width, "      "))
        out.append("")
    if report.deadlines:
        today = report.today.isoformat() if report.today else "?"
        out.append(f"Deadlines (today {today}; warnings for past dates and the next {report.warn_days} days)")
        for d in report.deadlines:
            mark = {"past": "PAST", "soon": "SOON", "ok": "ok"}[d.state]
            colour = "fail" if d.state == "past" else "soon" if d.state == "soon" else "pass"
            conf = "" if d.confidence == "verified" else f" [{d.confidence} confidence]"
            prefix = f"{d.due.isoformat()}  {d.describe():<14} "
            lines = _wrap(d.what + conf, width, " " * 35)
            out.append(st(f"  {mark:<5}", colour) + " " + prefix + lines[0].strip())
            out.extend(lines[1:])
            if d.warn:
                out.extend(_wrap(d.note, width, " " * 35))
                if d.where:
                    out.extend(_wrap(str(d.where), width, " " * 35))
        out.append("")
    rule_w = max([len(r.rule.id) for r in report.results] + [4])
    out.append(f"All rules ({len(report.results)})")
    head = f"{'Status':<13}{'Level':<7}{'Rule':<{rule_w + 2}}{'Citation':<12}Where in the content"
    out.append(head)
    out.append(f"{'':<20}Source")
    out.append("-" * min(width, max(len(head), 60)))
    where_col = 13 + 7 + rule_w + 2 + 12
    for res in report.results:
        r = res.rule
        label = STATUS_SHORT[res.status]
        where = _where_short(res)
        first = f"{r.level:<7}{r.id:<{rule_w + 2}}{CONFIDENCE_SHORT[r.confidence]:<12}"
        if where_col + len(where) <= width:
            out.append(st(f"{label:<13}", res.status) + (first + where).rstrip())
        else:
            out.append(st(f"{label:<13}", res.status) + first.rstrip())
            out.extend(_wrap(where, width, " " * 20))
        out.extend(_wrap(r.source, width, " " * 20))
    out.append("")
    others = [r for r in report.results if r.status in ("manual", "not_in_force")]
    if others:
        out.append("For information")
        for res in others:
            kind = "check by hand" if res.status == "manual" else "not yet in force"
            out.append(f"  {res.rule.id} ({kind}, {CONFIDENCE_WORDS[res.rule.confidence]})")
            out.extend(_wrap(res.message, width, "    "))
        out.append("")
    out.extend(_wrap(report.summary(), width, ""))
    out.append(st(verdict(report), "pass" if report.passed else "fail"))
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def format_markdown(report: CheckReport) -> str:
    """The report as GitHub-flavoured Markdown (for a pull request or an issue)."""
    out = [f"# Compliance check: {_md(report.partnership)}", ""]
    out.append(f"- Edition: {report.edition_title}")
    if report.period:
        out.append(f"- Yearly report: {report.period}")
    out.append(f"- Content fingerprint: `{report.fingerprint[:16]}`")
    out.append(f"- Result: **{verdict(report)}**")
    out.append(f"- {report.summary()}")
    out.append("")
    out.append("| Rule | Status | Level | Where in the content | Source | Citation |")
    out.append("|---|---|---|---|---|---|")
    for res in report.results:
        r = res.rule
        status = STATUS_WORDS[res.status]
        if res.failed:
            status = f"**{status}**"
        out.append(
            f"| `{r.id}` | {status} | {r.level} | {_md(_where_short(res))} | {_md(r.source)} "
            f"| {CONFIDENCE_WORDS[r.confidence]} |"
        )
    out.append("")
    if report.failures:
        out.append("## Not met")
        out.append("")
        for res in report.failures:
            r = res.rule
            out.append(f"### `{r.id}` ({r.level}, {CONFIDENCE_WORDS[r.confidence]})")
            out.append("")
            out.append(f"{_md(r.requirement)} *Source: {_md(r.source)}.*")
            out.append("")
            for p in res.problems:
                hint = f" Hint: {_md(p.hint)}" if p.hint else ""
                out.append(f"- `{_md(str(p.where))}`: {_md(p.message)}.{hint}")
            out.append("")
    if report.needs_review:
        out.append("## Needs review: a checklist for reviewers")
        out.append("")
        out.append(
            "The content states these only in words, so the check cannot decide them: they are never "
            "counted as met. Read each text and tick the box when it meets the requirement; better, "
            'state the facts in the content (see the README, "Facts and needs review").'
        )
        out.append("")
        for res in report.needs_review:
            r = res.rule
            out.append(
                f"- [ ] `{r.id}` ({r.level}, {CONFIDENCE_WORDS[r.confidence]}): {_md(r.requirement)} "
                f"*Source: {_md(r.source)}.*"
            )
            for q in res.quotes:
                out.append(f"  - `{_md(str(q.where))}`:")
                out.append("")
                out.append("    > " + " ".join(q.text.split()))
                out.append("")
        out.append("")
    others = [r for r in report.results if r.status in ("manual", "not_in_force")]
    if others:
        out.append("## For information")
        out.append("")
        for res in others:
            kind = "check by hand" if res.status == "manual" else "not yet in force"
            out.append(
                f"- `{res.rule.id}` ({kind}, {CONFIDENCE_WORDS[res.rule.confidence]}): {_md(res.message)}"
            )
        out.append("")
    if report.deadlines:
        today = report.today.isoformat() if report.today else "?"
        out.append(f"## Deadlines (today {today})")
        out.append("")
        out.append("| Due | State | What | Confidence | Note |")
        out.append("|---|---|---|---|---|")
        for d in report.deadlines:
            state = {"past": "**past**", "soon": "**soon**", "ok": "ok"}[d.state]
            out.append(
                f"| {d.due.isoformat()} | {state} ({_md(d.describe())}) | {_md(d.what)} | {d.confidence} "
                f"| {_md(d.note)} |"
            )
        out.append("")
    return "\n".join(out)


__all__ = [
    "CONFIDENCE_WORDS",
    "STATUS_WORDS",
    "CheckReport",
    "Finding",
    "Location",
    "MatrixRow",
    "Problem",
    "RuleResult",
    "blocking_reasons",
    "compliance_matrix",
    "document_status_lines",
    "evaluate",
    "format_markdown",
    "format_text",
    "hollow_reason",
    "run_check",
    "summary_line",
]
