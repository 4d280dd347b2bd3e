"""The facts that changed between two content models, as sentences people can read.

Two layers:

- a **generic walk** over the two validated pydantic models: every field, list items matched
  by their id (or another key field) where they have one, labels from each field's title or
  name. A field added to the model later shows up here without any change to this module;
- **domain phrasing** on top for the facts the partners care most about (partners joining or
  leaving, LSPs and DSPs with their delegation dates, contributions and totals, chairs,
  timescales, threshold levels and front doors, information-sharing agreements, the edition).
  The paths a domain rule phrases are left out of the generic walk, so nothing is said twice.

Money is exact (:class:`~decimal.Decimal`), dates come from the content, and a value that is
not given is said to be "not given", never 0 or none.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel

from ..model import TOPIC_FILES, Content

log = logging.getLogger(__name__)

Kind = Literal["added", "removed", "changed"]

# Field names whose value identifies a list item, in order of preference.
KEY_FIELDS: tuple[str, ...] = ("id", "year", "partner", "term", "name", "title", "line", "basis")
# Fields that name an item in a sentence, in order of preference.
NAME_FIELDS: tuple[str, ...] = ("name", "title", "term", "line", "basis", "year", "id")
ACRONYMS = {
    "lsp": "LSP",
    "dsp": "DSP",
    "icb": "ICB",
    "url": "URL",
    "cdr": "CDR",
    "lado": "LADO",
    "lcspr": "LCSPR",
    "id": "id",
}
LONG_TEXT = 140  # longer text is said to be reworded rather than quoted in full


@dataclass(frozen=True)
class Change:
    topic: str  # the content file, e.g. "partners.yaml"
    kind: Kind
    text: str  # one sentence
    path: str  # the field path, e.g. "partners[northmere-council].dsp.name"


@dataclass
class FactChanges:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be compared, and why

    def by_topic(self) -> list[tuple[str, list[Change]]]:
        groups: dict[str, list[Change]] = {}
        for c in self.changes:
            groups.setdefault(c.topic, []).append(c)
        return list(groups.items())

    def __bool__(self) -> bool:
        return bool(self.changes)


# ------------------------------------------------------------------ wording


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def signed_money(value: Decimal) -> str:
    return f"{'+' if value > 0 else '−' if value < 0 else ''}{money(abs(value))}"


def percent_change(old: Decimal, new: Decimal) -> str | None:
    """Change as a percentage of the old amount, one decimal place; None when old is 0."""
    if old == 0:
        return None
    pct = ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if pct > 0 else "−" if pct < 0 else ""
    return f"{sign}{abs(pct)}%"


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def humanise(name: str) -> str:
    words = [ACRONYMS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def show(value: Any) -> str:
    """A value as text in a sentence. None is 'not given' (unknown), never 0 or none."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return money(value) if value.as_tuple().exponent == -2 else str(value)
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, BaseModel):
        return item_name(value)
    if isinstance(value, (list, tuple)):
        return "none listed" if not value else "; ".join(show(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show(v)}" for k, v in value.items())
    text = " ".join(str(value).split())
    return f"“{text}”"


def item_key(item: Any) -> str | None:
    if isinstance(item, BaseModel):
        for name in KEY_FIELDS:
            value = getattr(item, name, None)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
    return None


def item_name(item: Any) -> str:
    if isinstance(item, BaseModel):
        for name in NAME_FIELDS:
            value = getattr(item, name, None)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
        first = _first_text(item)
        kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(item).__name__).capitalize()
        return f"{kind} ({first})" if first else kind
    return show(item)


def _first_text(item: BaseModel) -> str | None:
    """The first short text field of a model: a name for an item without a key field."""
    for name in type(item).model_fields:
        value = getattr(item, name, None)
        if isinstance(value, str) and 0 < len(value) <= 80:
            return value
    return None


def field_label(model: BaseModel, name: str) -> str:
    info = type(model).model_fields.get(name)
    if info is not None and info.title:
        return info.title
    return humanise(name)


# ------------------------------------------------------------------ the generic walk


class _Walker:
    def __init__(self, topic: str, skip: Callable[[str], bool]) -> None:
        self.topic = topic
        self.skip = skip
        self.out: list[Change] = []

    def add(self, kind: Kind, path: str, text: str) -> None:
        if not self.skip(path):
            self.out.append(Change(self.topic, kind, text, path))

    def walk(self, old: Any, new: Any, path: str, label: str) -> None:
        if self.skip(path) or old == new:
            return
        if isinstance(old, BaseModel) and isinstance(new, BaseModel):
            names = list(type(new).model_fields)
            names += [n for n in type(old).model_fields if n not in names]
            for name in names:
                sub = field_label(new if name in type(new).model_fields else old, name)
                self.walk(
                    getattr(old, name, None), getattr(new, name, None), f"{path}.{name}", f"{label} › {sub}"
                )
        elif isinstance(old, list) and isinstance(new, list):
            self.walk_list(old, new, path, label)
        elif isinstance(old, dict) and isinstance(new, dict):
            for key in [*new, *(k for k in old if k not in new)]:
                self.walk_keyed(
                    old.get(key), new.get(key), f"{path}[{key}]", f"{label} › {key}", key in old, key in new
                )
        else:
            self.scalar(old, new, path, label)

    def walk_keyed(self, old: Any, new: Any, path: str, label: str, in_old: bool, in_new: bool) -> None:
        if not in_old:
            self.add("added", path, f"{label}: added ({describe(new)}).")
        elif not in_new:
            self.add("removed", path, f"{label}: removed ({describe(old)}).")
        else:
            self.walk(old, new, path, label)

    def walk_list(self, old: list[Any], new: list[Any], path: str, label: str) -> None:
        old_keys = [item_key(x) for x in old]
        new_keys = [item_key(x) for x in new]
        keyed = (
            old_keys + new_keys
            and all(k is not None for k in old_keys + new_keys)
            and len(set(old_keys)) == len(old_keys)
            and len(set(new_keys)) == len(new_keys)
        )
        if keyed:
            olds = dict(zip(old_keys, old, strict=True))
            news = dict(zip(new_keys, new, strict=True))
            for key in [*news, *(k for k in olds if k not in news)]:
                o, n = olds.get(key), news.get(key)
                name = item_name(n if n is not None else o)
                self.walk_keyed(o, n, f"{path}[{key}]", f"{label} › {name}", key in olds, key in news)
            return
        # Items without a key: what was added and what was removed, by value; an item removed
        # and one added that share their first text (e.g. the same delegate) are one change.
        removed = [x for x in old if x not in new]
        added = [x for x in new if x not in old]
        for o in list(removed):
            if not isinstance(o, BaseModel):
                continue
            first = _first_text(o)
            same = [
                n
                for n in added
                if isinstance(n, BaseModel) and type(n) is type(o) and _first_text(n) == first
            ]
            if first is not None and len(same) == 1 and sum(_first_text(r) == first for r in removed) == 1:
                removed.remove(o)
                added.remove(same[0])
                self.walk(o, same[0], f"{path}[{first}]", f"{label} › {item_name(o)}")
        for x in added:
            self.add("added", path, f"{label}: added {describe(x)}.")
        for x in removed:
            self.add("removed", path, f"{label}: removed {describe(x)}.")
        if not added and not removed:
            self.add("changed", path, f"{label}: the order changed.")

    def scalar(self, old: Any, new: Any, path: str, label: str) -> None:
        if old is None:
            self.add("added", path, f"{label}: now {short(new)} (was not given).")
        elif new is None:
            self.add("removed", path, f"{label}: now not given (was {short(old)}).")
        elif isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
            self.add("changed", path, f"{label}: reworded.")
        elif isinstance(old, Decimal) and isinstance(new, Decimal):
            self.add("changed", path, f"{label}: {money_change(old, new)}.")
        else:
            self.add("changed", path, f"{label}: changed from {show(old)} to {show(new)}.")


def short(value: Any) -> str:
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return "a text of " + plural(len(value.split()), "word")
    return show(value)


def describe(value: Any) -> str:
    if isinstance(value, BaseModel):
        return item_name(value)
    return short(value)


def money_change(old: Decimal, new: Decimal) -> str:
    pct = percent_change(old, new)
    diff = signed_money(new - old)
    return f"changed from {money(old)} to {money(new)} ({diff}{', ' + pct if pct else ''})"


# ------------------------------------------------------------------ domain phrasing


def _by(items: Sequence[Any] | None, attr: str = "id") -> dict[Any, Any]:
    return {getattr(x, attr): x for x in items or ()}


def _partners(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    olds, news = _by(old.partners), _by(new.partners)
    for pid, p in news.items():
        if pid not in olds:
            yield (
                f"partners[{pid}]",
                "added",
                f"{p.name} joined as a statutory partner ({p.kind_label.lower()}); "
                f"LSP {p.lsp.name}, {p.lsp.title}; DSP {p.dsp.name}, {p.dsp.title}.",
            )
    for pid, p in olds.items():
        if pid not in news:
            yield (
                f"partners[{pid}]",
                "removed",
                f"{p.name} is no longer a statutory partner ({p.kind_label.lower()}).",
            )
    for pid in [k for k in news if k in olds]:
        o, n = olds[pid], news[pid]
        for role, label in (
            ("lsp", "lead safeguarding partner (LSP)"),
            ("dsp", "delegated safeguarding partner (DSP)"),
        ):
            a, b = getattr(o, role), getattr(n, role)
            if (a.name, a.title) != (b.name, b.title):
                text = f"{n.name}'s {label} changed from {a.name}, {a.title}, to {b.name}, {b.title}"
                if role == "dsp":
                    d = n.current_delegation
                    text += (
                        f"; delegation decided on {long_date(d.decided_on)} by {d.decided_by}, "
                        f"effective from {long_date(d.effective_from)}, review by {long_date(d.review_by)}"
                    )
                yield f"partners[{pid}].{role}.name", "changed", text + "."
                yield f"partners[{pid}].{role}.title", "changed", ""


def _funding(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    olds, news = _by(old.funding.years, "year"), _by(new.funding.years, "year")
    for year, y in news.items():
        if year not in olds:
            yield (
                f"funding.years[{year}]",
                "added",
                f"Funding for {year} was added: {plural(len(y.contributions), 'contribution')}, "
                f"total {money(y.total)}.",
            )
    for year, y in olds.items():
        if year not in news:
            yield (
                f"funding.years[{year}]",
                "removed",
                f"Funding for {year} was removed (it was {money(y.total)}).",
            )
    for year in [k for k in news if k in olds]:
        o, n = olds[year], news[year]
        oc, nc = _by(o.contributions, "partner"), _by(n.contributions, "partner")
        for pid, c in nc.items():
            who = _party(new, pid)
            base = f"funding.years[{year}].contributions[{pid}]"
            if pid not in oc:
                yield (
                    base,
                    "added",
                    f"{year}: {who} now contributes {money(c.amount)} "
                    f"({_share(c.amount, n.total)} of the total).",
                )
            elif oc[pid].amount != c.amount:
                yield (
                    f"{base}.amount",
                    "changed",
                    f"{year}: {who}'s contribution {money_change(oc[pid].amount, c.amount)}; "
                    f"its share of the total is now {_share(c.amount, n.total)} "
                    f"(was {_share(oc[pid].amount, o.total)}).",
                )
        for pid, c in oc.items():
            if pid not in nc:
                yield (
                    f"funding.years[{year}].contributions[{pid}]",
                    "removed",
                    f"{year}: {_party(old, pid)} no longer contributes (it gave {money(c.amount)}).",
                )
        if o.total != n.total:
            yield (
                f"funding.years[{year}].total",
                "changed",
                f"{year}: the total {money_change(o.total, n.total)}.",
            )


def _share(part: Decimal, total: Decimal) -> str:
    if total == 0:
        return "no share of a £0.00 total"
    return f"{(part / total * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _party(content: Content, ident: str) -> str:
    try:
        return content.party_name(ident)
    except KeyError:
        return ident


def _simple(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    o, n = old.partnership, new.partnership
    if o.edition != n.edition:
        names = {"wt2023": "Working Together 2023", "wt2018": "Working Together 2018"}
        yield (
            "partnership.edition",
            "changed",
            f"The arrangements now follow {names.get(n.edition, n.edition)} "
            f"(was {names.get(o.edition, o.edition)}).",
        )
    if o.version != n.version:
        yield (
            "partnership.version",
            "changed",
            f"The arrangements' version changed from {o.version} to {n.version}.",
        )
    oa, na = _by(o.areas), _by(n.areas)
    for aid, a in na.items():
        if aid not in oa:
            yield f"partnership.areas[{aid}]", "added", f"The partnership now covers {a.name}."
    for aid, a in oa.items():
        if aid not in na:
            yield f"partnership.areas[{aid}]", "removed", f"The partnership no longer covers {a.name}."
    if o.chair.name != n.chair.name:
        yield (
            "partnership.chair.name",
            "changed",
            f"The partnership chair changed from {o.chair.name} to {n.chair.name}.",
        )


def _groups(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    og, ng = _by(old.governance.groups), _by(new.governance.groups)
    for gid, g in ng.items():
        if gid not in og:
            yield (
                f"governance.groups[{gid}]",
                "added",
                f"New group: {g.name}, chaired by {g.chair}, meets {g.frequency}.",
            )
        elif og[gid].chair != g.chair:
            yield (
                f"governance.groups[{gid}].chair",
                "changed",
                f"{g.name}: the chair changed from {og[gid].chair} to {g.chair}.",
            )
    for gid, g in og.items():
        if gid not in ng:
            yield f"governance.groups[{gid}]", "removed", f"Group removed: {g.name}."


def _scrutineer(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    os_, ns = old.scrutiny.scrutineer, new.scrutiny.scrutineer
    if os_.name != ns.name:
        yield (
            "scrutiny.scrutineer.name",
            "changed",
            f"The independent scrutineer changed from {os_.name} to {ns.name} "
            f"(term {long_date(ns.term_start)} to {long_date(ns.term_end)}).",
        )


def _disputes(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    od, nd = _by(old.disputes.stages, "name"), _by(new.disputes.stages, "name")
    for name, s in nd.items():
        if name not in od:
            yield (
                f"disputes.stages[{name}]",
                "added",
                f"New dispute stage: {name}, {plural(s.timescale_working_days, 'working day')}.",
            )
        elif od[name].timescale_working_days != s.timescale_working_days:
            yield (
                f"disputes.stages[{name}].timescale_working_days",
                "changed",
                f"Dispute stage {name}: the timescale changed from "
                f"{plural(od[name].timescale_working_days, 'working day')} "
                f"to {plural(s.timescale_working_days, 'working day')}.",
            )
    for name in od:
        if name not in nd:
            yield f"disputes.stages[{name}]", "removed", f"Dispute stage removed: {name}."


def _levels(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    ol, nl = _by(old.threshold.levels), _by(new.threshold.levels)
    for lid, lv in nl.items():
        if lid not in ol:
            yield f"threshold.levels[{lid}]", "added", f"New threshold level {lv.number}: {lv.name}."
        elif ol[lid].name != lv.name:
            yield (
                f"threshold.levels[{lid}].name",
                "changed",
                f"Threshold level {lv.number} renamed from {ol[lid].name} to {lv.name}.",
            )
    for lid, lv in ol.items():
        if lid not in nl:
            yield f"threshold.levels[{lid}]", "removed", f"Threshold level removed: {lv.number}, {lv.name}."


def _front_doors(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    oc, nc = _by(old.threshold.contacts), _by(new.threshold.contacts)
    for cid, c in nc.items():
        if cid not in oc:
            yield f"threshold.contacts[{cid}]", "added", f"New front door or contact route: {c.name}."
    for cid, c in oc.items():
        if cid not in nc:
            yield f"threshold.contacts[{cid}]", "removed", f"Front door or contact route removed: {c.name}."


def _sharing(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    oi, ni = _by(old.information_sharing.agreements, "name"), _by(new.information_sharing.agreements, "name")
    for name, a in ni.items():
        if name not in oi:
            yield (
                f"information_sharing.agreements[{name}]",
                "added",
                f"New information-sharing agreement: {name}, signed {long_date(a.signed_on)}, "
                f"review by {long_date(a.review_by)}.",
            )
    for name in oi:
        if name not in ni:
            yield (
                f"information_sharing.agreements[{name}]",
                "removed",
                f"Information-sharing agreement removed: {name}.",
            )


def _sections(text: str) -> dict[str, str]:
    """Markdown split at its headings: heading text -> the section's text ("" before the first)."""
    out: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            current = m.group(1)
            out.setdefault(current, "")
        else:
            out[current] = out.get(current, "") + line + "\n"
    return {k: " ".join(v.split()) for k, v in out.items()}


def _narrative(old: Content, new: Content) -> Iterator[tuple[str, Kind, str]]:
    """Sections added to or removed from a narrative file, by heading."""
    for key in [k for k in new.narrative if k in old.narrative]:
        a, b = _sections(old.narrative[key]), _sections(new.narrative[key])
        if a == b:
            continue
        gone = [h for h in a if h and h not in b]
        came = [h for h in b if h and h not in a]
        if not gone and not came:
            continue  # the same sections, reworded: the generic path says so
        path = f"narrative[{key}]"
        for h in gone:
            yield path, "removed", f"{key}.md: the section “{h}” was removed."
        for h in came:
            yield path, "added", f"{key}.md: the section “{h}” was added."
        if any(a[h] != b[h] for h in a if h in b):
            yield path, "changed", f"{key}.md: other text was reworded."


DOMAIN_RULES: tuple[Callable[[Content, Content], Iterator[tuple[str, Kind, str]]], ...] = (
    _simple,
    _partners,
    _groups,
    _funding,
    _scrutineer,
    _narrative,
    _levels,
    _front_doors,
    _disputes,
    _sharing,
)

TOPIC_LABELS: dict[str, str] = {"reports": "reports/", "narrative": "narrative (.md files)"}


def _topic_of(path: str) -> str:
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    return TOPIC_FILES.get(top) or TOPIC_LABELS.get(top) or top


def compare_content(old: Content, new: Content) -> FactChanges:
    """Every fact that differs between two content models, domain facts first."""
    result = FactChanges()
    handled: set[str] = set()
    domain: list[Change] = []
    for rule in DOMAIN_RULES:
        try:
            found = list(rule(old, new))
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            # The model changed shape under a domain rule: the generic walk still says
            # everything, only in plainer words.
            log.debug("domain rule %s skipped: %s", rule.__name__, exc)
            continue
        for path, kind, text in found:
            handled.add(path)
            if text:
                domain.append(Change(_topic_of(path), kind, text, path))

    def skip(path: str) -> bool:
        return any(path == h or path.startswith(h + ".") or path.startswith(h + "[") for h in handled)

    generic: list[Change] = []
    for name in type(new).model_fields:
        walker = _Walker(_topic_of(name), skip)
        walker.walk(getattr(old, name, None), getattr(new, name, None), name, humanise(name))
        generic.extend(walker.out)
    order = {t: i for i, t in enumerate(_topic_of(n) for n in type(new).model_fields)}
    result.changes = sorted(domain + generic, key=lambda c: order.get(c.topic, len(order)))
    return result


def compare_manifests(old: dict[str, Any], new: dict[str, Any]) -> FactChanges:
    """What a published folder's manifest can tell: each document's version, date and status."""
    result = FactChanges()
    if old.get("content_fingerprint") != new.get("content_fingerprint"):
        result.changes.append(
            Change(
                "manifest.json",
                "changed",
                f"The content fingerprint changed from {old.get('content_fingerprint', 'not given')} "
                f"to {new.get('content_fingerprint', 'not given')}.",
                "content_fingerprint",
            )
        )
    of, nf = old.get("files", {}), new.get("files", {})
    for name in sorted(set(of) | set(nf)):
        a, b = of.get(name), nf.get(name)
        if a is None:
            result.changes.append(Change("manifest.json", "added", f"{name} was added.", f"files[{name}]"))
        elif b is None:
            result.changes.append(
                Change("manifest.json", "removed", f"{name} was removed.", f"files[{name}]")
            )
        else:
            for key in ("version", "date", "status"):
                if a.get(key) != b.get(key):
                    result.changes.append(
                        Change(
                            "manifest.json",
                            "changed",
                            f"{name}: {key} changed from {a.get(key) or 'not given'} "
                            f"to {b.get(key) or 'not given'}.",
                            f"files[{name}].{key}",
                        )
                    )
    result.notes.append(
        "A published folder holds the documents, not the content files, so only what its "
        "manifest records (versions, dates, status, fingerprint) could be compared as facts."
    )
    return result
