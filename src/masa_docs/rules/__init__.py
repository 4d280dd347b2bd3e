"""Rule packs: what Working Together and the Children Act 2004 ask of the documents, as data.

One YAML file per edition of the guidance ships with the package (``wt2023.yaml``, the default,
and ``wt2018.yaml`` for older arrangements). Each rule names a registered predicate
(:mod:`masa_docs.rules.checks`) that is evaluated against the content model, never against
rendered text. A partnership may add its own rules in ``content/rules.yaml``
(:func:`load_local_rules`), validated as strictly as the content.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML

from ..documents import DOCUMENTS
from ..errors import ContentError, Diagnostic, MasaError, did_you_mean, format_path

Level = Literal["must", "should"]
Confidence = Literal["verified", "partial", "unverified"]
Basis = Literal["statute", "regs", "guidance", "practice", "local"]
ReferenceVerified = Literal["primary", "secondary", "partial", "unverified"]

EDITIONS: dict[str, str] = {
    "wt2023": "Working Together to Safeguard Children 2023",
    "wt2018": "Working Together to Safeguard Children 2018",
}
DEFAULT_EDITION = "wt2023"
LOCAL_RULES_FILE = "rules.yaml"
DOC_ALIASES = {"yearly_report": "yearly-report"}
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Loc = tuple[str | int, ...]


def _doc_name(value: str) -> str:
    return DOC_ALIASES.get(value, value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RuleSpec(_Strict):
    """One rule as written in a pack or in content/rules.yaml."""

    id: str = Field(pattern=ID_PATTERN, max_length=64)
    docs: list[str] = Field(min_length=1, description="Documents the rule applies to.")
    requirement: str = Field(min_length=1, description="The requirement in plain words.")
    source: str = Field(min_length=1, description="Where the requirement comes from.")
    level: Level
    basis: Basis = "local"
    confidence: Confidence = "verified"
    reference_verified: ReferenceVerified | None = Field(
        default=None, description="The confidence exactly as the statutory reference gives it."
    )
    check: str | None = Field(default=None, description="Name of a registered check.")
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters of the check.")
    require: list[str] = Field(default_factory=list, description="Content paths that must be filled in.")
    min_items: dict[str, int] = Field(
        default_factory=dict, description="Content path -> least number of items."
    )
    sections: dict[str, str] = Field(
        default_factory=dict, description="Document -> id of the section that meets the rule."
    )
    in_force: bool = True
    note: str | None = None

    @field_validator("docs")
    @classmethod
    def _known_docs(cls, value: list[str]) -> list[str]:
        out = []
        for d in value:
            name = _doc_name(d)
            if name not in DOCUMENTS:
                hint = did_you_mean(d, DOCUMENTS)
                raise ValueError(f"unknown document '{d}'" + (f" ({hint})" if hint else ""))
            out.append(name)
        return out

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, value: dict[str, str]) -> dict[str, str]:
        out = {}
        for d, sid in value.items():
            name = _doc_name(d)
            spec = DOCUMENTS.get(name)
            if spec is None:
                raise ValueError(f"unknown document '{d}'")
            ids = [s.id for s in spec.sections]
            if sid not in ids:
                hint = did_you_mean(sid, ids) or f"sections: {', '.join(ids) or 'none'}"
                raise ValueError(f"{name} has no section '{sid}' ({hint})")
            out[name] = sid
        return out

    @model_validator(mode="after")
    def _has_a_check(self) -> RuleSpec:
        if self.check is None and not self.require and not self.min_items:
            raise ValueError("a rule needs 'check', 'require' or 'min_items'")
        return self


class DeadlineSettings(_Strict):
    yearly_report_months_after_period_end: int | None = Field(
        default=None,
        ge=1,
        le=12,
        description="A local target: publish the yearly report this many months after its period ends.",
    )
    warn_days: int = Field(default=30, ge=0, le=365, description="Warn this many days before a deadline.")


class LocalRulesFile(_Strict):
    rules: list[RuleSpec] = Field(default_factory=list)
    deadlines: DeadlineSettings = DeadlineSettings()


class PackFile(_Strict):
    edition: str
    title: str
    rules: list[RuleSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Rule:
    """A rule ready to evaluate."""

    id: str
    docs: tuple[str, ...]
    requirement: str
    source: str
    level: Level
    basis: str
    confidence: Confidence
    reference_verified: str | None
    check: str | None
    params: dict[str, Any]
    require: tuple[str, ...]
    min_items: dict[str, int]
    sections: dict[str, str]
    in_force: bool
    note: str | None
    origin: Literal["pack", "local"]
    loc: Loc = ()  # where a local rule is written in rules.yaml

    def applies_to(self, doc: str) -> bool:
        return doc in self.docs

    def section_for(self, doc: str) -> str | None:
        return self.sections.get(doc)


def _rule(spec: RuleSpec, origin: Literal["pack", "local"], loc: Loc = ()) -> Rule:
    return Rule(
        id=spec.id,
        docs=tuple(spec.docs),
        requirement=spec.requirement,
        source=spec.source,
        level=spec.level,
        basis=spec.basis,
        confidence=spec.confidence,
        reference_verified=spec.reference_verified,
        check=spec.check,
        params=dict(spec.params),
        require=tuple(spec.require),
        min_items=dict(spec.min_items),
        sections=dict(spec.sections),
        in_force=spec.in_force,
        note=spec.note,
        origin=origin,
        loc=loc,
    )


@dataclass(frozen=True)
class RulePack:
    edition: str
    title: str
    rules: tuple[Rule, ...]
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rules]


def _check_names(specs: list[RuleSpec]) -> list[tuple[int, str]]:
    """(index, message) for every rule naming an unknown check or bad parameters."""
    from .checks import CHECKS, validate_params

    bad = []
    for i, s in enumerate(specs):
        if s.check is None:
            continue
        if s.check not in CHECKS:
            hint = did_you_mean(s.check, CHECKS)
            bad.append((i, f"unknown check '{s.check}'" + (f" ({hint})" if hint else "")))
            continue
        problem = validate_params(s.check, s.params)
        if problem:
            bad.append((i, problem))
    return bad


@lru_cache(maxsize=4)
def load_pack(edition: str = DEFAULT_EDITION) -> RulePack:
    """The rule pack shipped for ``edition`` (``wt2023`` or ``wt2018``)."""
    if edition not in EDITIONS:
        raise MasaError(
            f"there is no rule pack for edition '{edition}'",
            did_you_mean(edition, EDITIONS) or f"editions: {', '.join(EDITIONS)}",
        )
    text = resources.files(__name__).joinpath(f"{edition}.yaml").read_text(encoding="utf-8")
    raw = YAML(typ="safe").load(text)
    try:
        pack = PackFile.model_validate(raw)
    except ValidationError as exc:  # a bug in the shipped pack: tests guard against it
        raise RuntimeError(f"rule pack {edition}.yaml is invalid:\n{exc}") from None
    bad = _check_names(pack.rules)
    if bad:
        raise RuntimeError(f"rule pack {edition}.yaml: " + "; ".join(f"rule {i}: {m}" for i, m in bad))
    ids = [r.id for r in pack.rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RuntimeError(f"rule pack {edition}.yaml repeats rule ids: {', '.join(dupes)}")
    return RulePack(pack.edition, pack.title, tuple(_rule(s, "pack") for s in pack.rules))


# ------------------------------------------------------------------ content paths


_SEGMENT = re.compile(r"^(?P<name>[A-Za-z0-9_-]+)(?P<idx>(\[(\d+|\*)\])*)$")


def parse_path(text: str) -> list[str | int]:
    """``partners[*].dsp.name`` -> ``["partners", "*", "dsp", "name"]``; raises ValueError."""
    parts: list[str | int] = []
    if not text or text.strip() != text:
        raise ValueError("a content path is written like partners[0].lsp.name")
    for seg in text.split("."):
        m = _SEGMENT.match(seg)
        if not m:
            raise ValueError(f"'{seg}' is not a valid part of a content path (e.g. partners[0].lsp.name)")
        parts.append(m.group("name"))
        for idx in re.findall(r"\[(\d+|\*)\]", m.group("idx")):
            parts.append("*" if idx == "*" else int(idx))
    return parts


def _strip(tp: Any) -> list[Any]:
    """Candidates of an annotation without Annotated / Optional / Union wrappers."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _strip(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(tp) if a is not type(None) for t in _strip(a)]
    return [tp]


def _step(tp: Any, part: str | int) -> list[Any] | None:
    """Types reached from ``tp`` by ``part``; None when ``part`` cannot be taken."""
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        return _strip(typing.get_args(tp)[0]) if isinstance(part, int) or part == "*" else None
    if origin is dict:
        return _strip(typing.get_args(tp)[1]) if isinstance(part, str) else None
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str) and part != "*":
        fld = tp.model_fields.get(part)
        return _strip(fld.annotation) if fld is not None else None
    return None


def check_path(text: str) -> str | None:
    """Why ``text`` is not a path into the content model, or None. ``report.`` starts at the
    yearly report being checked; ``[n]`` and ``[*]`` step into lists, a name into a dict."""
    from ..model import Content
    from ..model.report import YearlyReport

    try:
        parts = parse_path(text)
    except ValueError as exc:
        return str(exc)
    current: list[Any] = [Content]
    done: list[str | int] = []
    if parts[0] == "report":
        current, parts, done = [YearlyReport], parts[1:], ["report"]
    for part in parts:
        nxt = [t for tp in current for t in (_step(tp, part) or [])]
        if not nxt:
            where = format_path(done) or "the content"
            models = [t for t in current if isinstance(t, type) and issubclass(t, BaseModel)]
            if models:
                fields = sorted({f for m in models for f in m.model_fields})
                hint = did_you_mean(str(part), fields) or f"fields: {', '.join(fields)}"
                return f"there is no field '{part}' in {where} ({hint})"
            return f"'{part}' cannot follow {where}"
        done.append(part)
        current = nxt
    return None


# ------------------------------------------------------------------ local rules


@dataclass(frozen=True)
class LocalRules:
    rules: tuple[Rule, ...] = ()
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)
    source: Any = None  # SourceMap of rules.yaml (paths start with "rules_file")


def load_local_rules(root: Path, reserved_ids: set[str] | frozenset[str] = frozenset()) -> LocalRules:
    """Read ``content/rules.yaml`` if present. Raises ContentError with located problems."""
    from ..load import SourceMap, read_yaml

    path = root / LOCAL_RULES_FILE
    if not path.is_file():
        return LocalRules()
    diags: list[Diagnostic] = []
    display = _display(path)
    got = read_yaml(path, display, ("rules_file",), diags)
    if got is None:
        raise ContentError(diags)
    data, src = got
    smap = SourceMap(root, {("rules_file",): src})

    def diag(loc: Loc, message: str, hint: str | None = None, key: bool = False) -> Diagnostic:
        return smap.diagnostic(("rules_file", *loc), message, hint=hint, key=key)

    try:
        parsed = LocalRulesFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                allowed = _allowed_keys(loc[:-1])
                hint = did_you_mean(str(loc[-1]), allowed) or f"allowed keys: {', '.join(allowed)}"
                diags.append(diag(loc, f"unknown key '{loc[-1]}'", hint, key=True))
            elif err["type"] == "missing":
                diags.append(diag(loc, "is required", f"add '{loc[-1]}'"))
            else:
                msg = str(err["msg"]).removeprefix("Value error, ")
                diags.append(diag(loc, msg[:1].lower() + msg[1:]))
        raise ContentError(sorted(diags)) from None
    from .checks import CHECKS

    for i, problem in _check_names(parsed.rules):
        diags.append(diag(("rules", i, "check"), problem, f"registered checks: {', '.join(sorted(CHECKS))}"))
    seen: set[str] = set()
    for i, spec in enumerate(parsed.rules):
        if spec.id in reserved_ids:
            diags.append(
                diag(
                    ("rules", i, "id"),
                    f"'{spec.id}' is a rule of the shipped rule pack",
                    "give the local rule its own id, e.g. 'local-" + spec.id + "'",
                )
            )
        elif spec.id in seen:
            diags.append(
                diag(("rules", i, "id"), f"duplicate rule id '{spec.id}'", "rule ids must be unique")
            )
        seen.add(spec.id)
        for j, text in enumerate(spec.require):
            bad_path = check_path(text)
            if bad_path:
                diags.append(diag(("rules", i, "require", j), bad_path))
        for text in spec.min_items:
            bad_path = check_path(text)
            if bad_path:
                diags.append(diag(("rules", i, "min_items", text), bad_path, key=True))
    if diags:
        raise ContentError(sorted(diags))
    rules = tuple(_rule(s, "local", ("rules_file", "rules", i)) for i, s in enumerate(parsed.rules))
    return LocalRules(rules, parsed.deadlines, smap)


def rule_as_dict(r: Rule) -> dict[str, Any]:
    """Every field of a rule, for ``masa-docs rules --format json``."""
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
        "check": r.check,
        "params": r.params,
        "require": list(r.require),
        "min_items": r.min_items,
        "sections": r.sections,
        "note": r.note,
    }


def rules_json(pack: RulePack, rules: list[Rule] | None = None) -> str:
    """The rules of ``pack`` (and any local ``rules``) as JSON."""
    import json

    chosen = list(pack.rules) if rules is None else rules
    data = {
        "edition": {"id": pack.edition, "title": pack.title},
        "count": len(chosen),
        "rules": [rule_as_dict(r) for r in chosen],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _allowed_keys(loc: Loc) -> list[str]:
    named = [p for p in loc if isinstance(p, str)]
    if not named:
        return sorted(LocalRulesFile.model_fields)
    if named[0] == "deadlines":
        return sorted(DeadlineSettings.model_fields)
    return sorted(RuleSpec.model_fields)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


__all__ = [
    "DEFAULT_EDITION",
    "EDITIONS",
    "LOCAL_RULES_FILE",
    "DeadlineSettings",
    "LocalRules",
    "Rule",
    "RulePack",
    "RuleSpec",
    "format_path",
    "load_local_rules",
    "load_pack",
    "parse_path",
    "rule_as_dict",
    "rules_json",
]
