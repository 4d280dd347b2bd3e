"""The whole content of a partnership, and the checks that span more than one field."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import Field

from ..errors import did_you_mean
from .agreement import Agreement
from .arrangements import (
    Agencies,
    DataSet,
    Disputes,
    Governance,
    InformationSharing,
    Liabilities,
    RelevantAgency,
    Reviews,
    Scrutiny,
    TrainingAndAudit,
    Voice,
)
from .base import Markdown, NotKnown, PeriodName, Strict
from .funding import Funder, Funding
from .partners import Partner
from .partnership import Area, OtherPartner, Partnership
from .plain_language import PlainLanguage
from .report import YearlyReport
from .schedule import schedule
from .sections import ExtraSections
from .signatures import Signature, Signatures
from .threshold import Threshold

Loc = tuple[str | int, ...]
PARTY = "partner or agency"
_SHARED_IDS = "partners, other partners, agencies and funders share one set of ids"

# Topic field -> file name under the content folder. Every topic is one YAML file;
# a Markdown file of the same stem may add narrative to that topic's section.
TOPIC_FILES: dict[str, str] = {
    "partnership": "partnership.yaml",
    "partners": "partners.yaml",
    "governance": "governance.yaml",
    "agencies": "agencies.yaml",
    "data": "data.yaml",
    "training": "training.yaml",
    "funding": "funding.yaml",
    "scrutiny": "scrutiny.yaml",
    "reviews": "reviews.yaml",
    "voice": "voice.yaml",
    "threshold": "threshold.yaml",
    "disputes": "disputes.yaml",
    "liabilities": "liabilities.yaml",
    "information_sharing": "information-sharing.yaml",
    "agreement": "agreement.yaml",
    "signatures": "signatures.yaml",
    "plain_language": "plain-language.yaml",
    "sections": "sections.yaml",
}
OPTIONAL_TOPICS = frozenset({"signatures", "plain_language", "sections"})
REPORTS_DIR = "reports"
# Narrative Markdown files: the topic stems plus an introduction for the arrangements.
NARRATIVE_NAMES: tuple[str, ...] = (
    "introduction",
    *(f[:-5] for f in TOPIC_FILES.values() if f != "plain-language.yaml"),  # its words are all in the YAML
)


class Content(Strict):
    """Everything the documents are made from. Field names are the topics."""

    partnership: Partnership
    partners: list[Partner] = Field(min_length=3)
    governance: Governance
    agencies: Agencies
    data: DataSet
    training: TrainingAndAudit
    funding: Funding
    scrutiny: Scrutiny
    reviews: Reviews
    voice: Voice
    threshold: Threshold
    disputes: Disputes
    liabilities: Liabilities
    information_sharing: InformationSharing
    agreement: Agreement
    signatures: Signatures = Signatures()
    plain_language: PlainLanguage | None = Field(
        default=None, description="Words for children and families (plain-language.yaml), optional."
    )
    sections: ExtraSections = ExtraSections()
    reports: dict[PeriodName, YearlyReport] = Field(default_factory=dict)
    narrative: dict[str, Markdown] = Field(
        default_factory=dict, description="Narrative Markdown per topic, from <topic>.md files."
    )

    # ------------------------------------------------------------ lookups for templates
    @cached_property
    def partners_by_id(self) -> dict[str, Partner]:
        return {p.id: p for p in self.partners}

    @cached_property
    def agencies_by_id(self) -> dict[str, RelevantAgency]:
        return {a.id: a for a in self.agencies.relevant_agencies}

    @cached_property
    def areas_by_id(self) -> dict[str, Area]:
        return {a.id: a for a in self.partnership.areas}

    @cached_property
    def other_partners_by_id(self) -> dict[str, OtherPartner]:
        return {o.id: o for o in self.partnership.other_partners}

    @cached_property
    def funders_by_id(self) -> dict[str, Funder]:
        return {f.id: f for f in self.funding.funders}

    def party_name(self, ident: str) -> str:
        """Name of a partner, other partner, relevant agency or funder by id."""
        for table in (
            self.partners_by_id,
            self.other_partners_by_id,
            self.agencies_by_id,
            self.funders_by_id,
        ):
            if ident in table:
                return table[ident].name
        raise KeyError(ident)

    def unknowns(self) -> list[UnknownFact]:
        """Every fact recorded as not known, with its path in the content, in content order.

        Locate one in its file with ``loaded.source.diagnostic(item.loc, ...)``; the compliance
        check lists them all as gaps (the registered check ``facts_known``)."""
        return list(_walk_unknowns(self, ()))

    def partners_of_kind(self, kind: str) -> list[Partner]:
        return [p for p in self.partners if p.kind == kind]

    def partners_for_area(self, area_id: str) -> list[Partner]:
        return [p for p in self.partners if area_id in p.areas]

    def area_name(self, area_id: str) -> str:
        return self.areas_by_id[area_id].name

    def coverage(self, party: Partner | OtherPartner, area_id: str | None = None) -> str:
        """The areas a partner covers, in words, saying which part where it covers only part:
        'part of Avonford (the north: the Ashby and Brook wards) and Burnmoor'. With ``area_id``,
        only that area ('all of Avonford' / 'part of Avonford (the north: ...)')."""
        parts = party.parts if isinstance(party, Partner) else {}

        def one(a: str) -> str:
            return f"part of {self.area_name(a)} ({parts[a]})" if a in parts else self.area_name(a)

        if area_id is not None:
            return one(area_id) if area_id in parts else f"all of {self.area_name(area_id)}"
        from ..wording import and_join

        return and_join(one(a) for a in party.areas or [a.id for a in self.partnership.areas])

    @property
    def report_periods(self) -> list[str]:
        return sorted(self.reports)

    @property
    def latest_period(self) -> str | None:
        return self.report_periods[-1] if self.reports else None

    def previous_period(self, period: str) -> str | None:
        periods = self.report_periods
        i = periods.index(period)
        return periods[i - 1] if i > 0 else None

    def signatures_for(self, document: str, period: str | None = None) -> list[Signature]:
        if document == "yearly-report":
            return list(self.signatures.yearly_report.get(period or "", []))
        return list(getattr(self.signatures, document.replace("-", "_")))

    def all_signed(self, document: str, period: str | None = None) -> bool:
        signed = {s.partner for s in self.signatures_for(document, period)}
        return all(p.id in signed for p in self.partners)


# ---------------------------------------------------------------------- unknown facts


@dataclass(frozen=True)
class UnknownFact:
    """A fact recorded as not known (``unknown: <reason>``), at its path in the content."""

    loc: Loc
    value: NotKnown

    @property
    def field(self) -> str:
        """The field's name, e.g. 'attendees'."""
        return next((str(p) for p in reversed(self.loc) if isinstance(p, str)), "")

    @property
    def reason(self) -> str | None:
        return self.value.reason


def _walk_unknowns(value: Any, loc: Loc) -> Iterator[UnknownFact]:
    from pydantic import BaseModel

    if isinstance(value, NotKnown):
        yield UnknownFact(loc, value)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk_unknowns(getattr(value, name), (*loc, name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_unknowns(v, (*loc, k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _walk_unknowns(v, (*loc, i))


# ---------------------------------------------------------------------- cross-checks


@dataclass(frozen=True)
class Problem:
    """A cross-field problem, located by its path in the content."""

    loc: Loc
    message: str
    hint: str | None = None
    key: bool = False  # point at the key rather than the value
    severity: str = "error"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _dupes(items: Iterable[tuple[Loc, str]], what: str) -> Iterator[Problem]:
    seen: dict[str, Loc] = {}
    for loc, ident in items:
        if ident in seen:
            yield Problem(loc, f"duplicate {what} id '{ident}'", "ids must be unique; rename one")
        else:
            seen[ident] = loc


def _ref(
    loc: Loc, value: str, known: Sequence[str] | set[str] | dict[str, Any], what: str
) -> Iterator[Problem]:
    if value not in known:
        hint = did_you_mean(value, list(known)) or f"known {what} ids: {', '.join(sorted(known))}"
        yield Problem(loc, f"unknown {what} '{value}'", hint)


def _order(loc: Loc, earlier: Any, later: Any, earlier_name: str, later_name: str) -> Iterator[Problem]:
    if earlier is not None and later is not None and later < earlier:
        yield Problem(
            loc,
            f"{later_name} ({later}) is before {earlier_name} ({earlier})",
            f"{later_name} must be on or after {earlier_name}",
        )


def _threshold_shape(t: Threshold, areas: set[str]) -> Iterator[Problem]:
    """Front doors: known areas, one per area, and every area has one once any is given."""
    seen: set[str] = set()
    for i, fd in enumerate(t.front_doors):
        loc: Loc = ("threshold", "front_doors", i, "area")
        yield from _ref(loc, fd.area, areas, "area")
        if fd.area in seen:
            yield Problem(loc, f"area '{fd.area}' has more than one front door", "keep one per area")
        seen.add(fd.area)
    if t.front_doors:
        for a in sorted(areas - seen):
            yield Problem(
                ("threshold", "front_doors"),
                f"area '{a}' has no front door",
                f"add a front door with area: {a}, or leave front_doors out",
            )
    if t.framework is not None:
        yield from _dupes(
            ((("threshold", "framework", "routes", i, "id"), r.id) for i, r in enumerate(t.framework.routes)),
            "route",
        )


def _extra_sections(c: Content, areas: set[str], partners: set[str]) -> Iterator[Problem]:
    from ..documents import DOCUMENTS

    x = c.sections
    if x.foreword is not None:
        for i, pid in enumerate(x.foreword.signed_by):
            yield from _ref(("sections", "foreword", "signed_by", i), pid, partners, "partner")
    if x.local_context is not None:
        for i, fig in enumerate(x.local_context.figures):
            if fig.area is not None:
                yield from _ref(("sections", "local_context", "figures", i, "area"), fig.area, areas, "area")
    if x.lado is not None:
        for i, lc in enumerate(x.lado.contacts):
            if lc.area is not None:
                yield from _ref(("sections", "lado", "contacts", i, "area"), lc.area, areas, "area")
            if not (lc.phone or lc.email or lc.url):
                yield Problem(
                    ("sections", "lado", "contacts", i),
                    f"LADO contact '{lc.name}' has no phone, email or url",
                    "give at least one way to get in touch",
                )
    yield from _dupes(((("sections", "custom", i, "id"), s.id) for i, s in enumerate(x.custom)), "section")
    for i, cs in enumerate(x.custom):
        spec = DOCUMENTS[cs.document]
        ids = [s.id for s in spec.sections]
        if cs.id in ids:
            yield Problem(
                ("sections", "custom", i, "id"),
                f"'{cs.id}' is already a section of the {cs.document} document",
                "choose another id",
            )
        if cs.after is not None:
            placeable = [s for s in ids if s != "sign-off" and not s.startswith("appendix")]
            if cs.after not in placeable:
                yield Problem(
                    ("sections", "custom", i, "after"),
                    f"the {cs.document} document has no section '{cs.after}' to follow",
                    did_you_mean(cs.after, placeable) or f"sections: {', '.join(placeable)}",
                )


def cross_check(c: Content) -> list[Problem]:
    """Checks that span fields: ids resolve, areas are covered, sums add up, dates are in order."""
    out: list[Problem] = []
    add = out.extend
    areas = {a.id for a in c.partnership.areas}
    partners = {p.id for p in c.partners}
    agencies = {a.id for a in c.agencies.relevant_agencies}
    others = {o.id for o in c.partnership.other_partners}
    funders = {f.id for f in c.funding.funders}
    parties = partners | agencies | others | funders

    p = c.partnership
    add(_dupes(((("partnership", "areas", i, "id"), a.id) for i, a in enumerate(p.areas)), "area"))
    add(
        _order(
            ("partnership", "review_date"), p.effective_date, p.review_date, "effective_date", "review_date"
        )
    )
    add(_order(("partnership", "ends_on"), p.effective_date, p.ends_on, "effective_date", "ends_on"))
    add(
        _order(
            ("partnership", "chair", "term_ends"),
            p.chair.appointed_on,
            p.chair.term_ends,
            "appointed_on",
            "term_ends",
        )
    )
    if p.status == "ended" and p.ends_on is None:
        out.append(Problem(("partnership", "status"), "arrangements marked 'ended' need an ends_on date"))

    # Partners: ids, areas, one current delegation that names the DSP, dates in order.
    add(_dupes(((("partners", i, "id"), x.id) for i, x in enumerate(c.partners)), "partner"))
    add(
        _dupes(
            (
                (("agencies", "relevant_agencies", i, "id"), a.id)
                for i, a in enumerate(c.agencies.relevant_agencies)
            ),
            "agency",
        )
    )
    for i, a in enumerate(c.agencies.relevant_agencies):
        if a.id in partners:
            out.append(
                Problem(
                    ("agencies", "relevant_agencies", i, "id"),
                    f"'{a.id}' is already a partner id",
                    "partners and agencies share one set of ids",
                )
            )
    # Other (non-statutory) partners and funders share the one set of party ids.
    taken = set(partners) | agencies
    for i, o in enumerate(c.partnership.other_partners):
        loc_o: Loc = ("partnership", "other_partners", i)
        if o.id in taken:
            out.append(Problem((*loc_o, "id"), f"'{o.id}' is already used by another party", _SHARED_IDS))
        taken.add(o.id)
        for j, area in enumerate(o.areas):
            add(_ref((*loc_o, "areas", j), area, areas, "area"))
    for i, fu in enumerate(c.funding.funders):
        if fu.id in taken:
            out.append(
                Problem(
                    ("funding", "funders", i, "id"),
                    f"'{fu.id}' is already used by another party",
                    _SHARED_IDS,
                )
            )
        taken.add(fu.id)
    for i, part in enumerate(c.partners):
        for j, area in enumerate(part.areas):
            add(_ref(("partners", i, "areas", j), area, areas, "area"))
        for area in part.parts:
            if area not in part.areas:
                out.append(
                    Problem(
                        ("partners", i, "parts", area),
                        f"'{area}' is not one of {part.name}'s areas",
                        f"add '{area}' to its areas, or remove it from parts",
                        key=True,
                    )
                )
        for k, pre in enumerate(part.predecessors):
            loc_p: Loc = ("partners", i, "predecessors", k)
            for j, area in enumerate(pre.areas):
                add(_ref((*loc_p, "areas", j), area, areas, "area"))
            add(
                _order(
                    (*loc_p, "member_until"), pre.member_from, pre.member_until, "member_from", "member_until"
                )
            )
            if part.member_since is not None and pre.member_until >= part.member_since:
                out.append(
                    Problem(
                        (*loc_p, "member_until"),
                        f"{pre.name} was a partner until {pre.member_until}, but {part.name} "
                        f"became one on {part.member_since}",
                        "a predecessor's membership ends before its successor's starts",
                    )
                )
        current = [k for k, d in enumerate(part.delegations) if d.current]
        if len(current) != 1:
            out.append(
                Problem(
                    ("partners", i, "delegations"),
                    f"{part.name} has {len(current)} current delegations; exactly one must have no ended_on",
                    "give every earlier delegation an ended_on date",
                )
            )
        for k, d in enumerate(part.delegations):
            loc: Loc = ("partners", i, "delegations", k)
            add(
                _order(
                    (*loc, "effective_from"), d.decided_on, d.effective_from, "decided_on", "effective_from"
                )
            )
            if d.review_by <= d.effective_from:
                out.append(
                    Problem(
                        (*loc, "review_by"),
                        f"review_by ({d.review_by}) must be after effective_from ({d.effective_from})",
                    )
                )
            add(_order((*loc, "ended_on"), d.effective_from, d.ended_on, "effective_from", "ended_on"))
            if d.current and d.delegate != part.dsp.name:
                out.append(
                    Problem(
                        (*loc, "delegate"),
                        f"the current delegation is to '{d.delegate}' but the DSP is '{part.dsp.name}'",
                        "record a new delegation to the new DSP and give the old one an ended_on date",
                    )
                )
    for idx, ar in enumerate(c.partnership.areas):
        for kind, label in (
            ("local_authority", "local authority"),
            ("icb", "integrated care board"),
            ("police", "police"),
        ):
            if not any(ar.id in x.areas and x.kind == kind for x in c.partners):
                out.append(
                    Problem(
                        ("partnership", "areas", idx, "id"),
                        f"area '{ar.id}' has no {label} partner",
                        f"add '{ar.id}' to the areas of {article(label)} {label} partner in partners.yaml",
                    )
                )

    # Governance.
    groups = [g.id for g in c.governance.groups]
    add(_dupes(((("governance", "groups", i, "id"), g) for i, g in enumerate(groups)), "group"))
    for i, g in enumerate(c.governance.groups):
        if g.reports_to is not None:
            if g.reports_to == g.id:
                out.append(
                    Problem(("governance", "groups", i, "reports_to"), "a group cannot report to itself")
                )
            else:
                add(_ref(("governance", "groups", i, "reports_to"), g.reports_to, groups, "group"))

    # Agencies: schedule categories and areas.
    cats = schedule()
    for i, a in enumerate(c.agencies.relevant_agencies):
        loc = ("agencies", "relevant_agencies", i)
        if a.category not in cats:
            out.append(
                Problem(
                    (*loc, "category"),
                    f"'{a.category}' is not a category in the schedule of SI 2018/789",
                    did_you_mean(a.category, cats) or "run 'masa-docs schedule' to list the categories",
                )
            )
        for j, area in enumerate(a.areas):
            add(_ref((*loc, "areas", j), area, areas, "area"))

    # Data set, training.
    add(_dupes(((("data", "metrics", i, "id"), m.id) for i, m in enumerate(c.data.metrics)), "metric"))
    for i, m in enumerate(c.data.metrics):
        add(_ref(("data", "metrics", i, "owner"), m.owner, parties, PARTY))
    for i, au in enumerate(c.training.audits):
        add(_ref(("training", "audits", i, "lead"), au.lead, parties, PARTY))

    # Funding: references, sums, dates.
    f = c.funding
    add(_ref(("funding", "hosting_body"), f.hosting_body, partners, "partner"))
    add(_dupes(((("funding", "years", i, "year"), y.year) for i, y in enumerate(f.years)), "funding year"))
    for i, y in enumerate(f.years):
        loc = ("funding", "years", i)
        if y.end <= y.start:
            out.append(Problem((*loc, "end"), f"end ({y.end}) must be after start ({y.start})"))
        add(
            _dupes(
                (((*loc, "contributions", j, "partner"), x.partner) for j, x in enumerate(y.contributions)),
                "contribution partner",
            )
        )
        for j, contrib in enumerate(y.contributions):
            add(_ref((*loc, "contributions", j, "partner"), contrib.partner, parties, PARTY))
        if (
            not isinstance(y.contributions_total, NotKnown)
            and not isinstance(y.total, NotKnown)
            and y.contributions_total != y.total
        ):
            out.append(
                Problem(
                    (*loc, "total"),
                    f"contributions add up to £{y.contributions_total:,.2f} but total is £{y.total:,.2f}",
                    "correct the total or a contribution so they agree",
                )
            )

    # Scrutiny.
    s = c.scrutiny.scrutineer
    if s.term_end <= s.term_start:
        out.append(
            Problem(
                ("scrutiny", "scrutineer", "term_end"),
                f"term_end ({s.term_end}) must be after term_start ({s.term_start})",
            )
        )

    # Reviews.
    add(_dupes(((("reviews", "reviews", i, "id"), r.id) for i, r in enumerate(c.reviews.reviews)), "review"))
    for i, r in enumerate(c.reviews.reviews):
        loc = ("reviews", "reviews", i)
        add(_ref((*loc, "area"), r.area, areas, "area"))
        add(_order((*loc, "completed_on"), r.notified_on, r.completed_on, "notified_on", "completed_on"))
        add(_order((*loc, "published_on"), r.notified_on, r.published_on, "notified_on", "published_on"))
        if r.status == "published" and r.published_on is None:
            out.append(Problem((*loc, "published_on"), "a published review needs published_on", key=True))
        for j, rec in enumerate(r.recommendations):
            add(_ref((*loc, "recommendations", j, "owner"), rec.owner, parties, PARTY))

    # Threshold.
    t = c.threshold
    add(
        _order(("threshold", "review_date"), t.effective_date, t.review_date, "effective_date", "review_date")
    )
    domains = [d.id for d in t.domains]
    add(_dupes(((("threshold", "domains", i, "id"), d) for i, d in enumerate(domains)), "domain"))
    add(_dupes(((("threshold", "levels", i, "id"), lv.id) for i, lv in enumerate(t.levels)), "level"))
    counts = Counter(lv.number for lv in t.levels)
    for i, lv in enumerate(t.levels):
        if counts[lv.number] > 1:
            out.append(
                Problem(
                    ("threshold", "levels", i, "number"), f"level number {lv.number} is used more than once"
                )
            )
        for dom in lv.indicators:
            if dom not in domains:
                out.append(
                    Problem(
                        ("threshold", "levels", i, "indicators", dom),
                        f"unknown domain '{dom}'",
                        did_you_mean(dom, domains) or f"known domains: {', '.join(domains)}",
                        key=True,
                    )
                )
    add(_dupes(((("threshold", "contacts", i, "id"), x.id) for i, x in enumerate(t.contacts)), "contact"))
    add(_threshold_shape(t, areas))
    for i, route in enumerate(t.contacts):
        for j, area in enumerate(route.areas):
            add(_ref(("threshold", "contacts", i, "areas", j), area, areas, "area"))
        if not (route.phone or route.email or route.url):
            out.append(
                Problem(
                    ("threshold", "contacts", i),
                    f"contact '{route.id}' has no phone, email or url",
                    "give at least one way to get in touch",
                )
            )

    # Liabilities and insurance.
    lia = c.liabilities
    for i, team in enumerate(lia.shared_teams):
        add(_ref(("liabilities", "shared_teams", i, "host"), team.host, partners, "partner"))
        for j, ident in enumerate(team.staff_from):
            add(_ref(("liabilities", "shared_teams", i, "staff_from", j), ident, parties, PARTY))
    for i, ins in enumerate(lia.insurance):
        add(_ref(("liabilities", "insurance", i, "partner"), ins.partner, partners, "partner"))

    # Information sharing.
    info = c.information_sharing
    for i, ag in enumerate(info.agreements):
        for j, ident in enumerate(ag.parties):
            add(_ref(("information_sharing", "agreements", i, "parties", j), ident, parties, PARTY))
        if ag.review_by <= ag.signed_on:
            out.append(
                Problem(
                    ("information_sharing", "agreements", i, "review_by"),
                    f"review_by ({ag.review_by}) must be after signed_on ({ag.signed_on})",
                )
            )
    for i, ctl in enumerate(info.controllers):
        add(
            _ref(
                ("information_sharing", "controllers", i, "partner"),
                ctl.partner,
                parties,
                PARTY,
            )
        )
    for i, ct in enumerate(info.contacts):
        add(_ref(("information_sharing", "contacts", i, "partner"), ct.partner, parties, PARTY))

    # Agreement.
    ag_ = c.agreement
    add(
        _order(("agreement", "review_date"), ag_.commencement, ag_.review_date, "commencement", "review_date")
    )
    for i, fn in enumerate(ag_.functions):
        add(_ref(("agreement", "functions", i, "partner"), fn.partner, partners, "partner"))

    # Signatures: only statutory partners' LSPs sign, once each.
    sig = c.signatures
    for doc in ("arrangements", "agreement", "threshold"):
        entries: list[Signature] = getattr(sig, doc)
        add(
            _dupes(
                ((("signatures", doc, i, "partner"), x.partner) for i, x in enumerate(entries)),
                "signature partner",
            )
        )
        for i, sgn in enumerate(entries):
            add(_ref(("signatures", doc, i, "partner"), sgn.partner, partners, "partner"))
    for period, entries in sig.yearly_report.items():
        if period not in c.reports:
            out.append(
                Problem(
                    ("signatures", "yearly_report", period),
                    f"no report for period '{period}'",
                    did_you_mean(period, c.reports) or f"add reports/{period}.yaml",
                    key=True,
                )
            )
        for i, sgn in enumerate(entries):
            add(_ref(("signatures", "yearly_report", period, i, "partner"), sgn.partner, partners, "partner"))

    # Yearly reports.
    metrics = {m.id for m in c.data.metrics}
    reviews = {r.id for r in c.reviews.reviews}
    years = {y.year for y in f.years}
    for period, rep in c.reports.items():
        loc = ("reports", period)
        if rep.period != period:
            out.append(
                Problem(
                    (*loc, "period"),
                    f"period '{rep.period}' does not match the file name '{period}.yaml'",
                    f"rename the file or set period: '{period}'",
                )
            )
        if rep.end <= rep.start:
            out.append(Problem((*loc, "end"), f"end ({rep.end}) must be after start ({rep.start})"))
        for i, pid in enumerate(rep.foreword.signed_by):
            add(_ref((*loc, "foreword", "signed_by", i), pid, partners, "partner"))
        add(
            _dupes(
                (((*loc, "priorities", i, "id"), pr.id) for i, pr in enumerate(rep.priorities)), "priority"
            )
        )
        for i, mr in enumerate(rep.metrics):
            add(_ref((*loc, "metrics", i, "metric"), mr.metric, metrics, "metric"))
        for i, rid in enumerate(rep.reviews if isinstance(rep.reviews, list) else []):
            add(_ref((*loc, "reviews", i), rid, reviews, "review"))
        add(_ref((*loc, "funding_year"), rep.funding_year, years, "funding year"))

    # Cycles in the governance, overlapping funding years and report periods.
    from .integrity import structure_problems

    add(structure_problems(c))

    # Extra sections (sections.yaml).
    add(_extra_sections(c, areas, partners))

    # Narrative files.
    for name in c.narrative:
        if name not in NARRATIVE_NAMES:
            out.append(
                Problem(
                    ("narrative", name),
                    f"'{name}.md' is not a known narrative file",
                    did_you_mean(name, NARRATIVE_NAMES) or f"known: {', '.join(NARRATIVE_NAMES)}",
                )
            )
    return out
