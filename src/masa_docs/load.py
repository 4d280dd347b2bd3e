"""Load a content folder: YAML (with positions) and Markdown -> a validated :class:`Content`.

Every problem is collected before anything is raised, so people see all of them at once,
each located as ``file:line:column`` with the field path and a hint where one helps.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
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
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarfloat import ScalarFloat

from .errors import ContentError, Diagnostic, did_you_mean, format_path
from .model import NARRATIVE_NAMES, OPTIONAL_TOPICS, REPORTS_DIR, TOPIC_FILES, Content, cross_check

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
PERIOD_FILE = re.compile(r"^\d{4}-\d{2}$")
MAX_NODES = 200_000  # values after expanding anchors/aliases: stops "billion laughs"
MAX_DEPTH = 64  # nesting of mappings and lists; the deepest real content has about 8
MAX_NUMBER = 10**15  # a number a document can print (money up to a trillion pounds, with pence)
# Characters no document can print (C0 and C1 controls except tab and line ends, DEL,
# non-characters): refused in content so HTML, PDF metadata and Word XML never meet them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
# Files that describe documents rather than content; kept out of the fingerprint so that
# recording a signature does not change what the signatory saw.
UNFINGERPRINTED = frozenset({"signatures.yaml"})
ORDINARY_HINT = "content files must be ordinary files"
LOCAL_FILES_RULES = "rules.yaml"
LOCAL_FILES = frozenset({LOCAL_FILES_RULES})  # read by the compliance check, not the model

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
    # Values that parse but that no document can print: (path, message, at the key).
    problems: list[tuple[Loc, str, bool]] = field(default_factory=list)

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
        # 4: a Markdown file that holds one value (sections.custom[i].text from its file:)
        for n in (4, 2, 1):
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
    # The analysis of this content (masa_docs.analysis.Analysis): worked out once, on first use.
    analysis: Any = field(default=None, repr=False, compare=False)

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
        if getattr(node, "merge", None):
            raise _Merge(loc)
        if len(loc) >= MAX_DEPTH:
            raise _TooDeep(loc)
        for k in node:
            kl, kc = node.lc.key(k)
            if not isinstance(k, str):
                raise _BadKey(k, (kl + 1, kc + 1))
            if CONTROL.search(k):
                src.problems.append(((*loc, k), _control_message(k), True))
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
        if len(loc) >= MAX_DEPTH:
            raise _TooDeep(loc)
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
        node = Decimal(repr(float(node)))
    if isinstance(node, str) and CONTROL.search(node):
        src.problems.append((loc, _control_message(node), False))
    if isinstance(node, int | Decimal) and not isinstance(node, bool):
        number: int | Decimal = node
        if isinstance(number, Decimal) and not number.is_finite():
            pass  # .inf / .nan: pydantic rejects them with a location
        elif not -MAX_NUMBER < number < MAX_NUMBER:
            message = f"the number {_short(node)} is too large for a document to print"
            src.problems.append((loc, message, False))
    if isinstance(node, bool | int | str | Decimal) or node is None:
        return node
    # Tagged values (!!python/object, !custom ...) are never constructed as objects.
    raise _BadTag(loc, str(getattr(getattr(node, "tag", None), "value", "") or "!"))


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, loc: Loc) -> None:
        self.loc = loc


class _Merge(Exception):
    def __init__(self, loc: Loc) -> None:
        self.loc = loc


def _short(value: int | Decimal) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:10]}…{text[-6:]} ({len(text)} characters)"


def _control_message(text: str) -> str:
    m = CONTROL.search(text)
    assert m is not None
    ch = m.group()
    return f"contains the control character U+{ord(ch):04X}, which no document can print"


def visible_char(ch: str) -> str:
    return f"U+{ord(ch):04X}"


class _BadKey(Exception):
    def __init__(self, key: Any, pos: Pos) -> None:
        self.key, self.pos = key, pos


class _BadTag(Exception):
    def __init__(self, loc: Loc, tag: str) -> None:
        self.loc, self.tag = loc, tag


def _read_text(path: Path, display: str, diags: list[Diagnostic]) -> str | None:
    try:
        # O_NONBLOCK: opening a named pipe never waits for a writer (it is refused below).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        diags.append(Diagnostic(display, None, None, "", f"cannot read file: {exc.strerror}"))
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        kind = _special_kind(info.st_mode)
        if kind is not None:
            diags.append(_file_problem(display, f"is {kind}, not a file", ORDINARY_HINT))
            return None
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        diags.append(
            _file_problem(
                display,
                f"file is {max(info.st_size, len(data)):,} bytes; the limit is {MAX_FILE_BYTES:,}",
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
    text = text.removeprefix("\ufeff")
    bad = CONTROL.search(text)
    if bad is not None:
        head = text[: bad.start()]
        line = head.count("\n") + 1
        col = bad.start() - (head.rfind("\n") + 1) + 1
        if data.count(b"\x00") * 4 >= len(data):
            message, hint = "the file looks like UTF-16 or another two-byte encoding", "save it as UTF-8"
        else:
            message = (
                f"contains the control character {visible_char(bad.group())}, which no document can print"
            )
            hint = "remove it (it may have come from pasted text)"
        diags.append(Diagnostic(display, line, col, "", message, hint))
        return None
    return text


def _special_kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for an ordinary file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _outside(root: Path, path: Path) -> bool:
    """True when ``path`` (a link, or in a linked folder) leads outside the content folder."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def _usable(root: Path, path: Path, display: str, diags: list[Diagnostic]) -> bool:
    """Refuse files a content folder must not hand to the loader: links that lead outside it
    (a link to /etc/passwd would be published), and devices, pipes and sockets."""
    if _outside(root, path):
        diags.append(
            _file_problem(
                display,
                f"is a link to {os.path.realpath(path)}, outside the content folder",
                "copy the file into the content folder instead of linking to it",
            )
        )
        return False
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        diags.append(_file_problem(display, f"cannot read file: {exc.strerror}"))
        return False
    kind = _special_kind(mode)
    if kind is not None:
        diags.append(_file_problem(display, f"is {kind}, not a file", ORDINARY_HINT))
        return False
    return True


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
    except ReaderError as exc:  # a character YAML does not allow (caught above for controls)
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        diags.append(Diagnostic(display, line, col, "", f"invalid YAML: {exc.reason}"))
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
    except RecursionError:
        line, col = _too_deep_at(text)
        diags.append(_too_deep(display, line, col))
        return None
    except YAMLError as exc:
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
    except _TooDeep as exc:
        line, col = src.locate(exc.loc) or (1, 1)
        diags.append(_too_deep(display, line, col))
        return None
    except RecursionError:
        line, col = _too_deep_at(text)
        diags.append(_too_deep(display, line, col))
        return None
    except _Merge as exc:
        line, col = src.locate(exc.loc) or (1, 1)
        diags.append(
            Diagnostic(
                display,
                line,
                col,
                format_path(exc.loc),
                "YAML merge keys (<<) are not allowed in content",
                "write the keys out in full; a merge hides which values apply",
            )
        )
        return None
    src.values[()] = min([*src.keys.values(), *src.values.values()], default=(1, 1))
    for loc, message, at_key in src.problems:
        line, col = src.locate(loc, key=at_key) or (1, 1)
        hint = (
            "remove it (it may have come from pasted text)"
            if "control character" in message
            else "check the value; amounts and figures are far smaller"
        )
        diags.append(Diagnostic(display, line, col, format_path(loc), message, hint))
    if src.problems:
        return None
    return data, src


def _too_deep(display: str, line: int, col: int) -> Diagnostic:
    return Diagnostic(
        display,
        line,
        col,
        "",
        f"lists and mappings are nested more than {MAX_DEPTH} deep",
        "content is never nested this deep; check the brackets and indentation",
    )


def _too_deep_at(text: str) -> Pos:
    """Where nesting first passes MAX_DEPTH, found with the event parser (not recursive)."""
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    depth = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except (YAMLError, RecursionError):
        pass
    return 1, 1


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


CONTENT_SUFFIXES = (".yaml", ".yml", ".md")


#: Folders inside the content folder that are not content: ``from-word/``, the workspace
#: ``masa-docs init --from FILE.docx`` leaves (its mapping and the text to sort by hand).
NOT_CONTENT_DIRS = frozenset({"from-word"})


def content_files(root: Path) -> list[Path]:
    """The files that make up the content (for the fingerprint), sorted.

    Ordinary files only, inside the content folder: a link leading out of it, a device or a
    pipe is never read (:func:`load_content` reports them). Logo images are content too: a new
    logo changes the documents (see masa_docs.brand).
    """
    suffixes = (*CONTENT_SUFFIXES, ".png", ".jpg", ".jpeg")
    files = []
    for folder, dirs, names in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in NOT_CONTENT_DIRS]
        for name in names:
            path = Path(folder) / name
            if path.suffix.lower() in suffixes and not _outside(root, path) and path.is_file():
                files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _stray_files(root: Path, diags: list[Diagnostic], named: frozenset[Path] = frozenset()) -> None:
    """Content files (by extension, in any case) in subfolders other than reports/, and
    anything but reports in reports/: they would never be read, yet a reader might think so.
    ``named``: the Markdown files custom sections name (``file:``), which are read."""
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs.sort()
        if here == root:
            dirs[:] = [d for d in dirs if d not in NOT_CONTENT_DIRS]
            continue
        rel = here.relative_to(root).as_posix()
        for name in sorted(names):
            path = here / name
            if Path(name).suffix.lower() not in CONTENT_SUFFIXES:
                continue
            if rel == REPORTS_DIR and Path(name).suffix.lower() in (".yaml", ".yml"):
                continue  # read (and checked) with the reports
            if path in named:
                continue  # a custom section's text (sections.yaml custom: file:)
            diags.append(
                _file_problem(
                    _display(root, path),
                    f"content files in subfolders are not read (only {REPORTS_DIR}/<period>.yaml is)",
                    "move it to the top of the content folder if it belongs to the content, "
                    "or out of the content folder",
                )
            )


def _misnamed(root: Path, path: Path, known: set[str]) -> Diagnostic | None:
    """A known file name written in other letter case (signatures.YAML, Introduction.md)."""
    lower = path.name.lower()
    if path.name not in known and lower in known:
        return _file_problem(
            _display(root, path),
            f"file names are lower case, so this file is not read (as {lower} it would be)",
            f"rename it to {lower}",
        )
    return None


def fingerprint(root: Path) -> str:
    """sha256 over every content file's relative path and bytes, signatures excluded."""
    h = hashlib.sha256()
    for p in content_files(root):
        rel = p.relative_to(root).as_posix()
        if rel in UNFINGERPRINTED:
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


#: Topic files (by stem; with their Markdown narrative) each document is made from, besides
#: ``partnership``, ``partners`` and the local ``rules.yaml`` that every document uses. The
#: arrangements use every topic except the agreement's (and the latest report's dates).
DOCUMENT_TOPICS: dict[str, tuple[str, ...]] = {
    "threshold": ("threshold", "sections"),
    "agreement": ("agreement", "disputes", "funding", "governance", "information-sharing", "liabilities"),
    "yearly-report": (
        *("data", "funding", "reviews", "scrutiny", "governance", "agencies", "training", "voice"),
        "sections",
    ),
}
_ALWAYS = ("partnership", "partners")


def document_sources(loaded: LoadedContent, doc: str, period: str | None = None) -> list[str]:
    """The content files (relative paths) that ``doc`` is made from, as they exist now."""
    root = loaded.source.root
    if doc == "arrangements":
        excluded = {"agreement.yaml", "agreement.md", *UNFINGERPRINTED}
        names = [p.name for p in sorted(root.iterdir()) if p.is_file() and p.suffix in (".yaml", ".md")]
        rels = [n for n in names if n not in excluded]
    else:
        stems = (*_ALWAYS, *DOCUMENT_TOPICS.get(doc, ()))
        rels = sorted({f"{stem}{ext}" for stem in stems for ext in (".yaml", ".md")} | LOCAL_FILES)
        if doc == "yearly-report" and period:
            rels.append(f"{REPORTS_DIR}/{period}.yaml")
            previous = loaded.content.previous_period(period) if period in loaded.content.reports else None
            if previous:
                rels.append(f"{REPORTS_DIR}/{previous}.yaml")
    if "sections.yaml" in rels:  # the Markdown files of the document's own custom sections
        rels += sorted({cs.file for cs in loaded.content.sections.custom if cs.file and cs.document == doc})
    return [rel for rel in rels if (root / rel).is_file()]


def document_fingerprint(loaded: LoadedContent, doc: str, period: str | None = None) -> str:
    """sha256 over only the content ``doc`` (and, for the yearly report, ``period``) is made from.

    Each file counts with its relative path and bytes, so editing the yearly report does not
    change the agreement's fingerprint. ``signatures.yaml`` never counts. The yearly report
    counts its own period's file and the previous period's (it compares the two); the
    arrangements count every topic except the agreement's, plus the period, dates and
    publication date of the latest yearly report (what they say about it). Full length only.
    """
    root = loaded.source.root
    content = loaded.content
    h = hashlib.sha256(f"masa-docs document fingerprint 1\0{doc}\0{period or ''}\0".encode())
    for rel in document_sources(loaded, doc, period):
        h.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    if doc == "arrangements" and content.latest_period:
        latest = content.reports[content.latest_period]
        h.update(f"latest report\0{latest.period}\0{latest.start}\0{latest.end}\0".encode())
        h.update(f"{latest.published_on}\0".encode())
    return h.hexdigest()


def _display(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


SECTION_FILE_HINT = (
    "write the path of a .md file inside the content folder, relative to it, "
    "e.g. file: sections/our-history.md"
)


def _custom_section_files(
    root: Path, raw: dict[str, Any], smap: SourceMap, diags: list[Diagnostic]
) -> frozenset[Path]:
    """Read the Markdown file each custom section names (``file:``) into its ``text``.

    The path is relative to the content folder and stays inside it: an absolute path, '..',
    or a link leading out of the folder is refused (at the ``file:`` line of sections.yaml),
    so no file outside the content folder is ever read. The file becomes the source of the
    section's text: problems in it are located in it (file:line:column). Returns the files
    read, which are content (they count in the fingerprints) rather than stray files."""
    named: set[Path] = set()
    sections = raw.get("sections")
    customs = sections.get("custom") if isinstance(sections, dict) else None
    if not isinstance(customs, list):
        return frozenset()
    real_root = root.resolve()
    for i, item in enumerate(customs):
        if not isinstance(item, dict) or "file" not in item or not isinstance(item["file"], str):
            continue
        loc: Loc = ("sections", "custom", i, "file")
        if "text" in item:
            diags.append(
                smap.diagnostic(
                    loc, "give the section's text or a file, not both", hint="remove text: or file:", key=True
                )
            )
            continue
        rel = item["file"].strip()
        parts = rel.replace("\\", "/").split("/")
        if rel.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", rel) or ".." in parts:
            diags.append(
                smap.diagnostic(loc, f"'{rel}' is not inside the content folder", hint=SECTION_FILE_HINT)
            )
            continue
        if not rel.lower().endswith(".md"):
            diags.append(
                smap.diagnostic(loc, f"'{rel}' is not a Markdown (.md) file", hint=SECTION_FILE_HINT)
            )
            continue
        first = next((p for p in parts if p not in ("", ".")), "")
        if first in NOT_CONTENT_DIRS:
            # e.g. from-word/: working files that are not content (and not in the fingerprint)
            diags.append(
                smap.diagnostic(
                    loc,
                    f"'{rel}' is in {first}/, which holds working files, not content",
                    hint="keep the section's own file among the content, e.g. sections/<id>.md",
                )
            )
            continue
        path = root / rel
        if not (path.is_symlink() or path.exists()):
            diags.append(
                smap.diagnostic(
                    loc,
                    f"file not found: {rel}",
                    hint=f"create {rel} in the content folder, or correct the path",
                )
            )
            continue
        if _outside(root, path):
            diags.append(
                smap.diagnostic(
                    loc,
                    f"'{rel}' is a link to {os.path.realpath(path)}, outside the content folder",
                    hint="copy the file into the content folder instead of linking to it",
                )
            )
            continue
        if path.resolve().parent == real_root / REPORTS_DIR or path.resolve() in (
            real_root / f"{n}.md" for n in NARRATIVE_NAMES
        ):
            diags.append(
                smap.diagnostic(
                    loc,
                    f"'{rel}' is read as content already",
                    hint="keep a custom section's text in a file of its own, e.g. sections/<id>.md",
                )
            )
            continue
        display = _display(root, path)
        if not _usable(root, path, display, diags):
            continue
        named.add(path)  # named by a section: never also reported as a stray file
        text = _read_text(path, display, diags)
        if text is None:
            continue
        if not text.strip():
            diags.append(
                _file_problem(display, "the file is empty", f"write the text of section '{item.get('id')}'")
            )
            continue
        item["text"] = text
        # The file is where the text came from: a problem in it is located in it.
        smap.files[("sections", "custom", i, "text")] = SourceFile(path, display, values={(): (1, 1)})
    return frozenset(named)


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
    narrative_files = {n + ".md" for n in NARRATIVE_NAMES}
    for topic, name in TOPIC_FILES.items():
        path = root / name
        if path.is_symlink() or path.exists():
            if not _usable(root, path, _display(root, path), diags):
                continue
        else:
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
    if (root / LOCAL_FILES_RULES).is_symlink() or (root / LOCAL_FILES_RULES).exists():
        _usable(root, root / LOCAL_FILES_RULES, _display(root, root / LOCAL_FILES_RULES), diags)
    named = _custom_section_files(root, raw, smap, diags)
    _stray_files(root, diags, named)
    # Unknown files at the top level are likely typos of a topic file.
    for path in sorted(root.iterdir()):
        if path.is_dir() or path in named:
            continue
        wrong_case = _misnamed(root, path, known | narrative_files)
        if wrong_case is not None:
            diags.append(wrong_case)
            continue
        if path.suffix.lower() in (".yaml", ".yml") and path.name not in known:
            diags.append(
                _file_problem(
                    _display(root, path),
                    "unknown content file",
                    did_you_mean(path.name, sorted(known)) or f"known files: {', '.join(sorted(known))}",
                )
            )
        elif path.suffix.lower() == ".md":
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
            if not _usable(root, path, _display(root, path), diags):
                continue
            text = _read_text(path, _display(root, path), diags)
            if text is not None and text.strip():
                raw.setdefault("narrative", {})[stem] = text
    reports_dir = root / REPORTS_DIR
    if reports_dir.is_dir():
        seen: dict[str, Path] = {}
        for path in sorted(reports_dir.iterdir()):
            if path.suffix.lower() not in (".yaml", ".yml") or path.is_dir():
                continue
            if path.suffix not in (".yaml", ".yml"):
                diags.append(
                    _file_problem(
                        _display(root, path),
                        "file names are lower case: this report is not read",
                        f"rename it to {path.stem}{path.suffix.lower()}",
                    )
                )
                continue
            if not _usable(root, path, _display(root, path), diags):
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
    diags.extend(_markdown_images(root, raw, smap))
    # Validate each topic on its own, so a file that does not parse does not hide the schema
    # errors of the others; cross-field checks need everything valid.
    for topic, value in raw.items():
        if topic in ("reports", "narrative"):
            for key, item in value.items():
                diags.extend(_type_traps(item, (topic, key), smap))
        else:
            diags.extend(_type_traps(value, (topic,), smap))
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


IMAGE_HINT = (
    "images are not published from content: describe what it shows in words, "
    "or link to it, e.g. [The structure chart](https://example.org/chart.pdf)"
)


def _markdown_images(root: Path, raw: dict[str, Any], smap: SourceMap) -> list[Diagnostic]:
    """Markdown images (``![alt](src)``) anywhere in the content, located. A web page would make
    every reader's browser fetch a remote one, and a local one would not travel with the page."""
    from .markdown import images

    out: list[Diagnostic] = []

    def walk(value: Any, loc: Loc) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*loc, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*loc, i))
        elif isinstance(value, str) and "![" in value:
            own, inner = smap.file_for(loc)
            for line, col, src in images(value):
                if own is not None and not inner and own.path.suffix == ".md":  # a section's file
                    out.append(
                        Diagnostic(
                            own.display,
                            line,
                            col,
                            "",
                            f"images are not allowed in Markdown (found one from {src or 'no source'})",
                            IMAGE_HINT,
                        )
                    )
                    continue
                out.append(
                    smap.diagnostic(
                        loc,
                        f"images are not allowed in Markdown (found one from {src or 'no source'})",
                        hint=IMAGE_HINT,
                    )
                )

    for topic, value in raw.items():
        if topic == "narrative":
            for stem, text in value.items():
                display = _display(root, root / f"{stem}.md")
                for line, col, src in images(text):
                    out.append(
                        Diagnostic(
                            display,
                            line,
                            col,
                            "",
                            f"images are not allowed in Markdown (found one from {src or 'no source'})",
                            IMAGE_HINT,
                        )
                    )
        elif topic == "reports":
            for period, report in value.items():
                walk(report, ("reports", period))
        else:
            walk(value, (topic,))
    return out


def _field_types(loc: Loc) -> list[Any] | None:
    """The candidate types of the model field a value at ``loc`` is for (None if unknown)."""
    names = [i for i, part in enumerate(loc) if isinstance(part, str)]
    if not names:
        return None
    at = names[-1]
    owner = model_at(loc[:at])
    name = loc[at]
    if owner is None or not isinstance(name, str) or name not in owner.model_fields:
        return None
    return _unwrap(owner.model_fields[name].annotation)


def _type_traps(value: Any, loc: Loc, smap: SourceMap) -> list[Diagnostic]:
    """Values pydantic would quietly convert: ``true`` where a number is expected (it would
    count as 1) and a number where a date is expected (read as a Unix timestamp)."""
    import datetime as dt

    out: list[Diagnostic] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_type_traps(v, (*loc, k), smap))
        return out
    if isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_type_traps(v, (*loc, i), smap))
        return out
    if not isinstance(value, int):
        return out
    types = _field_types(loc)
    if not types:
        return out
    numbers = any(t in (int, float, Decimal) for t in types)
    if isinstance(value, bool):
        if numbers and bool not in types:
            out.append(
                smap.diagnostic(
                    loc,
                    f"expected a number, not {str(value).lower()}",
                    hint="write the number itself, e.g. 3",
                )
            )
    elif any(t in (dt.date, dt.datetime) for t in types) and not numbers and str not in types:
        out.append(
            smap.diagnostic(
                loc,
                f"expected a date, not the number {value}",
                hint="write dates as YYYY-MM-DD, e.g. 2025-04-01",
            )
        )
    return out


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
