"""Load a content folder: YAML (with positions) and Markdown -> a validated :class:`Content`.

Every problem is collected before anything is raised, so people see all of them at once,
each located as ``file:line:column`` with the field path and a hint where one helps.
"""

from __future__ import annotations

import hashlib
import logging
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarfloat import ScalarFloat

from .errors import ContentError, Diagnostic, did_you_mean, format_path
from .model import NARRATIVE_NAMES, OPTIONAL_TOPICS, REPORTS_DIR, TOPIC_FILES, Content, cross_check

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
PERIOD_FILE = re.compile(r"^\d{4}-\d{2}$")
MAX_NODES = 200_000  # values after expanding anchors/aliases: stops "billion laughs"
# Files that describe documents rather than content; kept out of the fingerprint so that
# recording a signature does not change what the signatory saw.
UNFINGERPRINTED = frozenset({"signatures.yaml"})
LOCAL_FILES = frozenset({"rules.yaml"})  # read by the compliance check, not the model

Loc = tuple[str | int, ...]
Pos = tuple[int, int]  # 1-based line and column


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text for pydantic to parse, so a bad
    date is one located validation error rather than a crash of the whole file."""


def _construct_decimal(self: RoundTripConstructor, node: Any) -> Any:
    """Floats become exact Decimals from the digits as written (never via a binary float)."""
    text = str(self.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except ArithmeticError:
        return text  # .inf / .nan: left as text for pydantic to reject with a location


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
_Constructor.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.allow_duplicate_keys = False
    return y


@dataclass
class SourceFile:
    """One content file: its text and where each value sits in it."""

    path: Path
    display: str
    values: dict[Loc, Pos] = field(default_factory=dict)
    keys: dict[Loc, Pos] = field(default_factory=dict)

    def locate(self, loc: Loc, *, key: bool = False) -> Pos | None:
        """Position of the deepest existing node along ``loc`` (the key if asked and known)."""
        if key and loc in self.keys:
            return self.keys[loc]
        probe = loc
        while True:
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            if not probe:
                return None
            probe = probe[:-1]


@dataclass
class SourceMap:
    """Where every topic came from: topic path prefix -> file."""

    root: Path
    files: dict[Loc, SourceFile] = field(default_factory=dict)

    def file_for(self, loc: Loc) -> tuple[SourceFile | None, Loc]:
        for n in (2, 1):
            prefix = loc[:n]
            if prefix in self.files:
                return self.files[prefix], loc[n:]
        return None, loc

    def diagnostic(
        self,
        loc: Loc,
        message: str,
        *,
        hint: str | None = None,
        key: bool = False,
        severity: str = "error",
        code: str = "content",
    ) -> Diagnostic:
        src, inner = self.file_for(loc)
        field_path = format_path(inner if src else loc)
        if src is None:
            return Diagnostic(str(self.root), None, None, field_path, message, hint, severity, code)  # type: ignore[arg-type]
        pos = src.locate(inner, key=key)
        line, col = pos if pos else (1, 1)
        return Diagnostic(src.display, line, col, field_path, message, hint, severity, code)  # type: ignore[arg-type]


@dataclass
class LoadedContent:
    content: Content
    source: SourceMap
    fingerprint: str
    files: list[Path]

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:16]


# ------------------------------------------------------------------------ YAML reading


def _file_problem(display: str, message: str, hint: str | None = None) -> Diagnostic:
    """A problem with a whole file (missing, unknown, unreadable): no line to point at."""
    return Diagnostic(display, None, None, "", message, hint)


def _plain(node: Any, loc: Loc, src: SourceFile, budget: list[int]) -> Any:
    """CommentedMap/Seq -> dict/list, recording positions; floats become exact Decimals."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig()
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag is not None and isinstance(node, CommentedMap | CommentedSeq):
        raise _BadTag(loc, str(tag))
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for k in node:
            kl, kc = node.lc.key(k)
            if not isinstance(k, str):
                raise _BadKey(k, (kl + 1, kc + 1))
            child = (*loc, k)
            src.keys[child] = (kl + 1, kc + 1)
            value_pos = node.lc.value(k)
            # An empty value has no position of its own: point at its key.
            src.values[child] = (
                (kl + 1, kc + 1)
                if node[k] is None or value_pos is None
                else (
                    value_pos[0] + 1,
                    value_pos[1] + 1,
                )
            )
            out[k] = _plain(node[k], child, src, budget)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            pos = node.lc.item(i)
            if pos is not None:
                src.values[(*loc, i)] = (pos[0] + 1, pos[1] + 1)
            items.append(_plain(item, (*loc, i), src, budget))
        return items
    if isinstance(node, ScalarBoolean):
        return bool(node)
    if isinstance(node, ScalarFloat | float):
        return Decimal(repr(float(node)))
    if isinstance(node, bool | int | str | Decimal) or node is None:
        return node
    # Tagged values (!!python/object, !custom ...) are never constructed as objects.
    raise _BadTag(loc, str(getattr(getattr(node, "tag", None), "value", "") or "!"))


class _TooBig(Exception):
    pass


class _BadKey(Exception):
    def __init__(self, key: Any, pos: Pos) -> None:
        self.key, self.pos = key, pos


class _BadTag(Exception):
    def __init__(self, loc: Loc, tag: str) -> None:
        self.loc, self.tag = loc, tag


def _read_text(path: Path, display: str, diags: list[Diagnostic]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        diags.append(Diagnostic(display, None, None, "", f"cannot read file: {exc.strerror}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        diags.append(
            _file_problem(
                display,
                f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                "split it or remove what does not belong",
            )
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        diags.append(
            Diagnostic(
                display,
                line,
                col,
                "",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                "save the file as UTF-8 (in Word or Excel exports, choose 'UTF-8')",
            )
        )
        return None
    return text.removeprefix("\ufeff")


def read_yaml(
    path: Path, display: str, prefix: Loc, diags: list[Diagnostic]
) -> tuple[Any, SourceFile] | None:
    """Parse one YAML file safely. Problems are appended to ``diags``; None when unusable."""
    src = SourceFile(path, display)
    text = _read_text(path, display, diags)
    if text is None:
        return None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        diags.append(
            Diagnostic(display, 1, 1, "", "file is empty", "fill it in, or copy it from 'masa-docs init'")
        )
        return None
    try:
        node = _yaml().load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else "?"
        first_line = _first_key_line(text, key, mark.line)
        diags.append(
            Diagnostic(
                display,
                mark.line + 1,
                mark.column + 1,
                "",
                f"duplicate key '{key}'",
                f"the first '{key}' is on line {first_line}; keep one" if first_line else None,
            )
        )
        return None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = None
        if "\t" in problem or "\\t" in problem or "tab" in problem.lower():
            hint = "indent with spaces, not tabs"
        elif "mapping values are not allowed" in problem:
            hint = "a value containing ': ' needs quotes"
        diags.append(
            Diagnostic(
                display,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                "",
                f"invalid YAML: {problem}",
                hint,
            )
        )
        return None
    except (YAMLError, RecursionError) as exc:
        diags.append(Diagnostic(display, None, None, "", f"invalid YAML: {exc}"))
        return None
    try:
        data = _plain(node, (), src, [MAX_NODES])
    except _TooBig:
        diags.append(
            Diagnostic(
                display,
                1,
                1,
                "",
                f"more than {MAX_NODES:,} values after expanding anchors and aliases",
                "anchors (&) and aliases (*) must not multiply the content; write values out",
            )
        )
        return None
    except _BadKey as exc:
        diags.append(
            Diagnostic(
                display, exc.pos[0], exc.pos[1], "", f"key {exc.key!r} is not text", 'quote it, e.g. "2025":'
            )
        )
        return None
    except _BadTag as exc:
        line, col = src.locate(exc.loc) or (1, 1)
        diags.append(
            Diagnostic(
                display,
                line,
                col,
                "",
                "YAML tags (!...) are not allowed in content",
                "remove the tag; content is plain data",
            )
        )
        return None
    except RecursionError:
        diags.append(Diagnostic(display, 1, 1, "", "nesting is too deep"))
        return None
    src.values[()] = min([*src.keys.values(), *src.values.values()], default=(1, 1))
    return data, src


def _first_key_line(text: str, key: str, dup_line: int) -> int | None:
    """1-based line of the first ``key`` in the mapping where it is repeated on ``dup_line``."""
    from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

    try:
        root = YAML(typ="rt").compose(text)
    except YAMLError:
        return None
    stack: list[Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            lines = [k.start_mark.line for k, _ in node.value if getattr(k, "value", None) == key]
            if len(lines) > 1 and dup_line in lines:
                return lines[0] + 1
            stack.extend(v for _, v in node.value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return None


# ------------------------------------------------------------------------ the folder


def content_files(root: Path) -> list[Path]:
    """The files that make up the content (for the fingerprint), sorted."""
    # Logo images are content too: a new logo changes the documents (see masa_docs.brand).
    suffixes = (".yaml", ".yml", ".md", ".png", ".jpg", ".jpeg")
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in suffixes]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def fingerprint(root: Path) -> str:
    """sha256 over every content file's relative path and bytes, signatures excluded."""
    h = hashlib.sha256()
    for p in content_files(root):
        rel = p.relative_to(root).as_posix()
        if rel in UNFINGERPRINTED:
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _display(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_content(root: Path | str) -> LoadedContent:
    """Read, validate and cross-check a content folder. Raises :class:`ContentError`."""
    root = Path(root)
    diags: list[Diagnostic] = []
    if not root.is_dir():
        raise ContentError(
            [
                _file_problem(
                    str(root),
                    "content folder not found",
                    "pass --content DIR, or create one with 'masa-docs init DIR'",
                )
            ]
        )
    smap = SourceMap(root)
    raw: dict[str, Any] = {}
    known = set(TOPIC_FILES.values()) | LOCAL_FILES
    for topic, name in TOPIC_FILES.items():
        path = root / name
        if not path.exists():
            if topic not in OPTIONAL_TOPICS:
                diags.append(
                    _file_problem(
                        _display(root, path),
                        "missing required file",
                        f"create {name} (see 'masa-docs init' for an example)",
                    )
                )
            continue
        got = read_yaml(path, _display(root, path), (topic,), diags)
        if got is not None:
            raw[topic], smap.files[(topic,)] = got
    # Unknown files at the top level are likely typos of a topic file.
    for path in sorted(root.iterdir()):
        if path.is_file() and path.suffix in (".yaml", ".yml") and path.name not in known:
            diags.append(
                _file_problem(
                    _display(root, path),
                    "unknown content file",
                    did_you_mean(path.name, sorted(known)) or f"known files: {', '.join(sorted(known))}",
                )
            )
        elif path.is_file() and path.suffix == ".md":
            stem = path.stem
            if stem not in NARRATIVE_NAMES:
                diags.append(
                    Diagnostic(
                        _display(root, path),
                        None,
                        None,
                        "",
                        "unknown narrative file",
                        did_you_mean(stem + ".md", [n + ".md" for n in NARRATIVE_NAMES])
                        or "name a narrative file after its topic, e.g. governance.md",
                    )
                )
                continue
            text = _read_text(path, _display(root, path), diags)
            if text is not None and text.strip():
                raw.setdefault("narrative", {})[stem] = text
    reports_dir = root / REPORTS_DIR
    if reports_dir.is_dir():
        seen: dict[str, Path] = {}
        for path in sorted(reports_dir.iterdir()):
            if path.suffix not in (".yaml", ".yml"):
                continue
            period = path.stem
            if not PERIOD_FILE.match(period):
                diags.append(
                    _file_problem(
                        _display(root, path),
                        "a report file must be named after its period",
                        "name it after the period, like 2025-26.yaml",
                    )
                )
                continue
            if period in seen:
                diags.append(
                    _file_problem(
                        _display(root, path),
                        f"a second file for period {period}",
                        f"keep one of {seen[period].name} and {path.name}",
                    )
                )
                continue
            seen[period] = path
            got = read_yaml(path, _display(root, path), ("reports", period), diags)
            if got is not None:
                raw.setdefault("reports", {})[period], smap.files[("reports", period)] = got
    # Validate each topic on its own, so a file that does not parse does not hide the schema
    # errors of the others; cross-field checks need everything valid.
    for topic, value in raw.items():
        try:
            _topic_adapter(topic).validate_python(value)
        except ValidationError as exc:
            diags.extend(_validation_diagnostics(exc, smap, prefix=(topic,)))
    if diags:
        raise ContentError(sorted(diags, key=_diag_order))
    try:
        content = Content.model_validate(raw)
    except ValidationError as exc:  # pragma: no cover - every topic validated above
        raise ContentError(_validation_diagnostics(exc, smap)) from None
    problems = cross_check(content)
    from .brand import check_brand

    problems += check_brand(content, root)
    errors = [
        smap.diagnostic(p.loc, p.message, hint=p.hint, key=p.key, severity=p.severity) for p in problems
    ]
    if any(d.severity == "error" for d in errors):
        raise ContentError(sorted(errors))
    return LoadedContent(content, smap, fingerprint(root), content_files(root))


# ------------------------------------------------------------------------ pydantic errors


def _diag_order(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line or 0, d.column or 0, d.message)


@cache
def _topic_adapter(topic: str) -> TypeAdapter[Any]:
    """A validator for one field of :class:`Content`, with the field's own constraints."""
    fld = Content.model_fields[topic]
    annotation: Any = Annotated[fld.annotation, *fld.metadata] if fld.metadata else fld.annotation
    return TypeAdapter(annotation)


def _unwrap(tp: Any) -> list[Any]:
    """Candidate inner types of an annotation (Optional, list, dict, Annotated...)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (list, tuple, set, frozenset):
        return [a for arg in typing.get_args(tp) for a in _unwrap(arg)]
    if origin is dict:
        return _unwrap(typing.get_args(tp)[1])
    if origin is not None and typing.get_args(tp):  # Union / Optional / Literal
        return [a for arg in typing.get_args(tp) for a in _unwrap(arg)]
    return [tp]


def model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that a path through :class:`Content` ends in, if any."""
    current: list[Any] = [Content]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[Any] = []
        for tp in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
                nxt.extend(_unwrap(tp.model_fields[part].annotation))
        if not nxt:  # a dict key (period, domain id): stay on the dict's value type
            continue
        current = nxt
    models = [t for t in current if isinstance(t, type) and issubclass(t, BaseModel)]
    return models[0] if models else None


ErrorRow = tuple[Loc, str, str, Any, dict[str, Any]]


def _iter_errors(exc: ValidationError, prefix: Loc) -> Iterator[ErrorRow]:
    for err in exc.errors(include_url=False):
        yield (*prefix, *err["loc"]), err["type"], err["msg"], err.get("input"), dict(err.get("ctx") or {})


def _validation_diagnostics(exc: ValidationError, smap: SourceMap, prefix: Loc = ()) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for loc, kind, msg, value, ctx in _iter_errors(exc, prefix):
        if loc[:1] == ("reports",) and len(loc) > 2 and loc[2] == "[key]":
            continue  # file names are checked when the reports folder is read
        hint = None
        key = False
        if kind == "extra_forbidden":
            key = True
            parent = model_at(loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            hint = did_you_mean(str(loc[-1]), allowed) or (
                f"allowed keys: {', '.join(allowed)}" if allowed else None
            )
            message = f"unknown key '{loc[-1]}'"
        elif kind == "missing":
            message = "is required"
            owner = model_at(loc[:-1])
            fld = owner.model_fields.get(str(loc[-1])) if owner else None
            if fld is not None and fld.description:
                hint = f"add {loc[-1]}: {fld.description}"
            else:
                hint = f"add '{loc[-1]}'"
        elif value is None and kind.endswith("_type"):
            message = "is empty"
            hint = "fill in a value, or remove the key if it is optional"
        else:
            message = msg[0].lower() + msg[1:] if msg else kind
            if kind == "string_type" and isinstance(value, int | Decimal):
                hint = f'put the value in quotes: "{value}"'
            elif kind.startswith("date") or kind.startswith("datetime"):
                hint = "write dates as YYYY-MM-DD, e.g. 2025-04-01"
            elif kind == "literal_error":
                options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                hint = did_you_mean(str(value), options) or (
                    f"choose one of: {', '.join(options)}" if options else None
                )
            elif kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "owner", "partner", "lead"):
                hint = "ids use lower-case letters, digits and hyphens, e.g. 'northmere-council'"
            elif kind == "decimal_max_places":
                hint = "money has at most two decimal places (pence)"
        out.append(smap.diagnostic(loc, message, hint=hint, key=key))
    return sorted(out)
