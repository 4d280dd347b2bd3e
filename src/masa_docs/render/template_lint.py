"""Lint for the Word templates the legal advisers edit (``masa-docs lint-templates``).

Word keeps a template's text in runs (``w:r``) inside paragraphs, and a tag typed in Word can
end up in pieces, or in a table cell far from its partner. This module reads each ``.docx``
itself (no Word, no rendering) and reports, for every problem, the paragraph or table cell
where it is, with the start of its text so it can be found with Word's Find:

* **syntax**: every tag is parsed on its own with Jinja (so the error points at the tag, not
  at a line of XML), then each part is parsed whole after docxtpl's own preprocessing
  (``DocxTemplate.patch_xml``) as docxtpl will render it;
* **blocks**: ``{% for %}``/``{% if %}``/… without their end, ends without a start,
  ``{% elif %}``/``{% else %}`` outside a block, a ``{%tr %}`` block closed by ``{%p %}``;
* **variables**: names the template context does not provide, and attribute paths checked
  against the content model (``content.partnership.nmae`` → "did you mean 'name'?"), with
  loop variables typed by what they loop over; unknown filters and tests; ``|safe`` (it
  would insert content as raw Word XML); the style named in ``md(text, 'Style')`` must exist;
* **split tags** (warning): a tag whose characters Word spread over more than one run
  (different formatting, a spelling mark, an edit made later). docxtpl usually copes, but
  the tag then takes the formatting of its first run; retype it in one go. A tag that
  crosses a hyperlink or a tracked change is an error: accept or reject the change first.

:func:`variable_reference` lists every variable the templates can use, generated from the
model with an example from the example content; :func:`reference_markdown` is the text of
``docs/word-templates.md`` (a test keeps the committed file equal to it).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import functools
import inspect
import io
import re
import types
import typing
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import did_you_mean

if TYPE_CHECKING:
    from jinja2 import nodes as jnodes
    from lxml import etree

    from ..load import LoadedContent

Severity = Literal["error", "warning"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN_RE = re.compile(r"\{[{%#]")
_PREFIX_RE = re.compile(r"^(p|r|tr|tc)(?=\s)")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
# Containers inside a paragraph that a tag must not cross (docxtpl strips run boundaries
# inside tags, which would unbalance these elements).
_BOUNDARIES = frozenset({"hyperlink", "ins", "del", "moveFrom", "moveTo", "fldSimple", "sdt", "smartTag"})
# Block tags and the words that end them.
_BLOCKS = {
    "for": "endfor",
    "if": "endif",
    "with": "endwith",
    "macro": "endmacro",
    "call": "endcall",
    "filter": "endfilter",
    "autoescape": "endautoescape",
    "raw": "endraw",
    "trans": "endtrans",
    "block": "endblock",
}
_DOCXTPL_TAGS = frozenset({"colspan", "cellbg", "vm", "hm"})
_UNSUPPORTED = frozenset({"include", "extends", "import", "from"})
_STR_FILTERS = frozenset(
    {
        "join", "string", "lower", "upper", "title", "capitalize", "trim", "replace", "truncate",
        "format", "wordwrap", "center", "indent", "striptags", "urlencode", "escape", "e",
        "forceescape", "money", "date", "percent", "number", "humanise", "party_name", "filesizeformat",
    }
)  # fmt: skip
_SAME_LIST_FILTERS = frozenset({"sort", "reverse", "unique", "reject", "select", "rejectattr", "selectattr"})


@dataclass(frozen=True, order=True)
class LintProblem:
    """One problem in a Word template: the file, where in it (paragraph or table cell, with the
    start of its text), what is wrong, and whether it stops the build (error) or not."""

    file: str
    where: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        return f"{self.file}: {self.where}: {label}{self.message}"


# ================================================================== types of template values


class T:
    """What a template expression evaluates to, as far as the lint can tell."""

    def describe(self) -> str:
        return "value"


class _Unknown(T):
    def describe(self) -> str:
        return "value"


ANY = _Unknown()


@dataclass(frozen=True)
class ModelT(T):
    cls: type

    def describe(self) -> str:
        return self.cls.__name__


@dataclass(frozen=True)
class ListT(T):
    item: T

    def describe(self) -> str:
        return f"list of {self.item.describe()}"


@dataclass(frozen=True)
class DictT(T):
    value: T

    def describe(self) -> str:
        return f"mapping of {self.value.describe()}"


@dataclass(frozen=True)
class ScalarT(T):
    cls: type

    def describe(self) -> str:
        return {str: "text", int: "number", Decimal: "amount", dt.date: "date", bool: "yes/no"}.get(
            self.cls, self.cls.__name__
        )


@dataclass(frozen=True)
class MethodT(T):
    returns: T
    doc: str = ""

    def describe(self) -> str:
        return "method"


@dataclass(frozen=True)
class HelperT(T):
    name: str

    def describe(self) -> str:
        return "helper"


_SCALARS = (str, int, float, bool, Decimal, dt.date, dt.datetime)


def from_annotation(tp: Any) -> T:
    """A pydantic/dataclass/return annotation → :class:`T`."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return from_annotation(args[0])
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Iterable):
        return ListT(from_annotation(args[0]) if args else ANY)
    if origin in (dict, collections.abc.Mapping):
        return DictT(from_annotation(args[1]) if len(args) == 2 else ANY)
    if origin is typing.Literal:
        return ScalarT(type(args[0])) if args else ANY
    if origin is typing.Union or origin is types.UnionType:
        real = [a for a in args if a is not type(None)]
        return from_annotation(real[0]) if len(real) == 1 else ANY
    if isinstance(tp, type):
        if issubclass(tp, _SCALARS):
            return ScalarT(dt.date if tp is dt.datetime else tp)
        if _is_model(tp):
            return ModelT(tp)
    return ANY


def _is_model(cls: type) -> bool:
    from pydantic import BaseModel

    return dataclasses.is_dataclass(cls) or issubclass(cls, BaseModel)


def _return_type(func: Any) -> T:
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # forward references under TYPE_CHECKING
        return ANY
    return from_annotation(hints["return"]) if "return" in hints else ANY


@dataclass(frozen=True)
class Member:
    name: str
    type: T
    kind: Literal["field", "property", "method"]
    description: str = ""
    annotation: str = ""  # the annotation as written in the model (e.g. "Markdown | None")


@functools.cache
def class_members(cls: type) -> dict[str, Member]:
    """Fields, properties and public methods a template may use on ``cls``."""
    from pydantic import BaseModel

    out: dict[str, Member] = {}
    raw: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        raw.update({k: str(v) for k, v in inspect.get_annotations(klass).items()})
    if issubclass(cls, BaseModel):
        for name, info in cls.model_fields.items():
            out[name] = Member(
                name, from_annotation(info.annotation), "field", info.description or "", raw.get(name, "")
            )
    elif dataclasses.is_dataclass(cls):
        try:
            hints = typing.get_type_hints(cls)
        except Exception:
            hints = {}
        for f in dataclasses.fields(cls):
            out[f.name] = Member(
                f.name, from_annotation(hints.get(f.name, Any)), "field", "", raw.get(f.name, "")
            )
    for klass in cls.__mro__:
        if klass is object or klass is BaseModel or klass.__module__.startswith(("pydantic", "typing")):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") or name in out or name == "model_config":
                continue
            if isinstance(value, property) and value.fget is not None:
                out[name] = Member(name, _return_type(value.fget), "property", _doc(value.fget))
            elif isinstance(value, functools.cached_property):
                out[name] = Member(name, _return_type(value.func), "property", _doc(value.func))
            elif inspect.isfunction(value):
                out[name] = Member(name, MethodT(_return_type(value), _doc(value)), "method", _doc(value))
    return out


def _doc(func: Any) -> str:
    text = inspect.getdoc(func) or ""
    return " ".join(text.split("\n\n")[0].split())


def context_types() -> dict[str, T]:
    """The variables a Word template gets (:func:`masa_docs.render.context.template_context`
    for the agreement, plus the helpers), with their types."""
    from ..model import Content
    from ..model.partners import Partner
    from ..model.partnership import Partnership
    from .context import DocumentMeta

    return {
        "content": ModelT(Content),
        "doc": ModelT(DocumentMeta),
        "partnership": ModelT(Partnership),
        "partners": ListT(ModelT(Partner)),
        "stated": DictT(ScalarT(str)),  # masa_docs.stated: the typed facts as sentences
        "md": HelperT("md"),
        "cover_band": HelperT("cover_band"),
    }


# ================================================================== reading a .docx


@dataclass
class Paragraph:
    """One paragraph's text, with the run (and boundary element) each character came from."""

    part: str
    where: str  # "paragraph 12", "table 2, row 3, cell 1", "page header"
    text: str
    runs: list[int]
    boxes: list[int]  # id of the enclosing hyperlink / tracked change, 0 for none
    in_table: bool

    def excerpt(self, limit: int = 60) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def label(self) -> str:
        return f"{self.where} “{self.excerpt()}”" if self.text.strip() else self.where


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _paragraph(p: etree._Element, part: str, where: str, in_table: bool) -> Paragraph:
    text: list[str] = []
    runs: list[int] = []
    boxes: list[int] = []
    run_ids: dict[int, int] = {}
    box_ids: dict[int, int] = {}

    def visit(el: etree._Element, run: int, box: int) -> None:
        for child in el:
            name = _local(child)
            if name == "r":
                visit(child, run_ids.setdefault(id(child), len(run_ids) + 1), box)
            elif name in _BOUNDARIES:
                visit(child, run, box_ids.setdefault(id(child), len(box_ids) + 1))
            elif name == "t":
                value = child.text or ""
                text.append(value)
                runs.extend([run] * len(value))
                boxes.extend([box] * len(value))
            elif name in ("tab", "br", "cr"):
                text.append("\t" if name == "tab" else "\n")
                runs.append(run)
                boxes.append(box)
            elif name in ("pPr", "rPr", "delText", "instrText"):
                continue
            else:
                visit(child, run, box)

    visit(p, 0, 0)
    return Paragraph(part, where, "".join(text), runs, boxes, in_table)


def _walk(
    container: etree._Element, part: str, prefix: str, out: list[Paragraph], counters: dict[str, int]
) -> None:
    in_table = bool(prefix)
    cell_paras = [c for c in container if _local(c) == "p"]
    for child in container:
        name = _local(child)
        if name == "p":
            if in_table:
                where = (
                    prefix if len(cell_paras) == 1 else f"{prefix}, paragraph {cell_paras.index(child) + 1}"
                )
            else:
                counters["p"] += 1
                where = f"paragraph {counters['p']}" if part == "body" else part
            out.append(_paragraph(child, part, where, in_table))
        elif name == "tbl":
            counters["t"] += 1
            t = counters["t"]
            base = f"{prefix} > " if prefix else ""
            for r, tr in enumerate((c for c in child if _local(c) == "tr"), start=1):
                for c, tc in enumerate((x for x in tr if _local(x) == "tc"), start=1):
                    _walk(tc, part, f"{base}table {t}, row {r}, cell {c}", out, counters)
        elif name in ("sdt", "customXml"):
            content = child.find(_w("sdtContent")) if name == "sdt" else child
            if content is not None:
                _walk(content, part, prefix, out, counters)


@dataclass
class DocxParts:
    """The parts of a .docx that docxtpl renders, as (label, XML element, XML text)."""

    parts: list[tuple[str, etree._Element]]
    paragraph_styles: set[str]


def read_docx(data: bytes) -> DocxParts:
    from lxml import etree

    from .docx_package import part_relationships

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {i.filename: z.read(i.filename) for i in z.infolist() if not i.is_dir()}

    def rels(part: str) -> list[tuple[str, str]]:
        return part_relationships(files, part)

    main = next((t for t, typ in rels("") if typ == _OFFICE_DOC), None)
    if main is None or main not in files:
        raise ValueError("not a Word document (no main document part)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    doc = etree.fromstring(files[main], parser)
    body = doc.find(_w("body"))
    parts: list[tuple[str, etree._Element]] = [("body", body if body is not None else doc)]
    by_kind: dict[str, list[etree._Element]] = {"header": [], "footer": [], "footnotes": []}
    styles: set[str] = set()
    for target, typ in sorted(rels(main)):
        kind = typ.rsplit("/", 1)[-1]
        if kind in by_kind and target in files:
            by_kind[kind].append(etree.fromstring(files[target], parser))
        elif kind == "styles" and target in files:
            from docx.styles import BabelFish

            for s in etree.fromstring(files[target], parser).findall(_w("style")):
                name = s.find(_w("name"))
                if s.get(_w("type")) == "paragraph" and name is not None:
                    styles.add(BabelFish.internal2ui(name.get(_w("val"), "")))
    for kind, label in (("header", "page header"), ("footer", "page footer"), ("footnotes", "footnotes")):
        found = by_kind[kind]
        for i, element in enumerate(found, start=1):
            parts.append((label if len(found) == 1 else f"{label} {i}", element))
    return DocxParts(parts, styles)


def paragraphs(parts: DocxParts) -> list[Paragraph]:
    out: list[Paragraph] = []
    for label, element in parts.parts:
        _walk(element, label, "", out, {"p": 0, "t": 0})
    return out


# ================================================================== tags


@dataclass
class Tag:
    para: Paragraph
    start: int
    end: int
    raw: str  # as typed, e.g. "{%p for x in y %}"
    kind: str  # "{{", "{%" or "{#"
    prefix: str  # docxtpl level: "", "p", "r", "tr", "tc"
    body: str  # the Jinja inside, curly quotes made straight, prefix and -/+ removed

    @property
    def keyword(self) -> str:
        return self.body.split(None, 1)[0] if self.body.strip() else ""

    def jinja(self) -> str:
        close = {"{{": "}}", "{%": "%}", "{#": "#}"}[self.kind]
        return f"{self.kind} {self.body} {close}"


def find_tags(para: Paragraph) -> tuple[list[Tag], list[int]]:
    """The tags of a paragraph, and the positions of tags opened but not closed in it."""
    tags: list[Tag] = []
    covered = [False] * len(para.text)
    for m in _TAG_RE.finditer(para.text):
        raw = m.group(0)
        kind, inner = raw[:2], raw[2:-2]
        prefix = ""
        pm = _PREFIX_RE.match(inner)
        if pm and kind != "{#":
            prefix = pm.group(1)
            inner = inner[pm.end() :]
        # Whitespace control touches the delimiters: {%- … -%}, {%+ … +%} ({{ x - }} is not).
        if inner[:1] in ("-", "+"):
            inner = inner[1:]
        if inner[-1:] == "-" or (kind == "{%" and inner[-1:] == "+"):
            inner = inner[:-1]
        inner = inner.strip()
        tags.append(Tag(para, m.start(), m.end(), raw, kind, prefix, inner.translate(_QUOTES)))
        for i in range(m.start(), m.end()):
            covered[i] = True
    unclosed = [m.start() for m in _OPEN_RE.finditer(para.text) if not covered[m.start()]]
    return tags, unclosed


# ================================================================== the checker


@dataclass
class _Block:
    keyword: str
    tag: Tag
    scope: dict[str, T] = field(default_factory=dict)


class _Checker:
    def __init__(self, file: str, styles: set[str]) -> None:
        from .agreement import jinja_environment

        self.file = file
        self.env = jinja_environment()
        self.roots = context_types()
        self.styles = styles
        self.problems: list[LintProblem] = []
        self.blocks: list[_Block] = []
        self.guard = 0  # >0 inside `x is defined` / `x|default(...)`
        self.tag: Tag | None = None

    # ---- reporting

    def report(self, tag_or_para: Tag | Paragraph, message: str, severity: Severity = "error") -> None:
        para = tag_or_para.para if isinstance(tag_or_para, Tag) else tag_or_para
        self.problems.append(LintProblem(self.file, para.label(), message, severity))

    # ---- scopes

    def lookup(self, name: str) -> T | None:
        for block in reversed(self.blocks):
            if name in block.scope:
                return block.scope[name]
        if name in self.roots:
            return self.roots[name]
        if name in self.env.globals:
            return ANY
        return None

    def known_names(self) -> list[str]:
        names = set(self.roots)
        for block in self.blocks:
            names.update(block.scope)
        return sorted(names)

    def _set(self, name: str, t: T) -> None:
        if self.blocks:
            self.blocks[-1].scope[name] = t
        else:
            self.roots[name] = t

    # ---- per part

    def check_part(self, paras: Sequence[Paragraph]) -> None:
        self.blocks = []
        self.roots = context_types()
        raw_depth = 0
        for para in paras:
            tags, unclosed = find_tags(para)
            for pos in unclosed:
                snippet = para.text[pos : pos + 30]
                self.report(
                    para,
                    f"the tag starting “{snippet.strip()}” is not closed in this paragraph "
                    "(a tag must start and end in the same paragraph)",
                )
            for tag in tags:
                if raw_depth:
                    if tag.kind == "{%" and tag.keyword == "endraw":
                        raw_depth = 0
                        self._close(tag)
                    continue
                self.tag = tag
                self._split(tag)
                self._level(tag, tags)
                if tag.kind == "{{":
                    self._output(tag)
                elif tag.kind == "{%":
                    if tag.keyword == "raw":
                        raw_depth = 1
                    self._statement(tag)
        for block in self.blocks:
            end = _BLOCKS.get(block.keyword, "end" + block.keyword)
            lvl = block.tag.prefix
            self.report(
                block.tag,
                f"{block.tag.raw} is never closed: add {{%{lvl} {end} %}}"
                + (" in a paragraph of its own" if lvl == "p" else ""),
            )

    # ---- run splits and docxtpl levels

    def _split(self, tag: Tag) -> None:
        para = tag.para
        runs = {r for r in para.runs[tag.start : tag.end]}
        boxes = {b for b in para.boxes[tag.start : tag.end]}
        if len(boxes) > 1:
            self.report(
                tag,
                f"{tag.raw} crosses a hyperlink or a tracked change: accept or reject the changes "
                "(Review > Accept) and keep the whole tag outside any link",
            )
        elif len(runs) > 1:
            self.report(
                tag,
                f"Word split {tag.raw} into {len(runs)} pieces with different formatting or edit "
                "marks; it will take the formatting of its first piece. Select the tag, clear its "
                "formatting or retype it in one go",
                "warning",
            )

    def _level(self, tag: Tag, tags: list[Tag]) -> None:
        if tag.prefix in ("tr", "tc") and not tag.para.in_table:
            self.report(tag, f"{tag.raw} is a table-row tag but is not in a table: use {{%p … %}} instead")
        if tag.prefix == "p":
            rest = tag.para.text[: tag.start] + tag.para.text[tag.end :]
            others = [t for t in tags if t is not tag]
            for t in others:
                rest = rest.replace(t.raw, "")
            if rest.strip() or others:
                self.report(
                    tag,
                    f"{tag.raw} replaces its whole paragraph: the other text in that paragraph "
                    f"(“{' '.join(rest.split())[:40] or others[0].raw}”) is dropped. Put the tag in a "
                    "paragraph of its own",
                    "warning",
                )

    # ---- parsing

    def _parse(self, source: str, tag: Tag) -> Any:
        from jinja2 import TemplateSyntaxError

        try:
            return self.env.parse(source)
        except TemplateSyntaxError as exc:
            message = exc.message or str(exc)
            self.report(tag, f"syntax error in {tag.raw}: {message}")
            return None

    def _output(self, tag: Tag) -> None:
        if not tag.body:
            self.report(tag, f"{tag.raw} is empty")
            return
        tree = self._parse(tag.jinja(), tag)
        if tree is None:
            return
        for node in tree.body[0].nodes:
            self.expr(node)

    def _statement(self, tag: Tag) -> None:
        kw = tag.keyword
        if not kw:
            self.report(tag, f"{tag.raw} is empty")
            return
        if kw in _DOCXTPL_TAGS:
            return
        if kw in _UNSUPPORTED:
            self.report(tag, f"{{% {kw} %}} is not available in Word templates")
            return
        if kw in _BLOCKS or (kw == "set" and "=" not in tag.body):
            end = _BLOCKS.get(kw, "endset")
            tree = self._parse(f"{tag.jinja()}{{% {end} %}}", tag)
            block = _Block(kw, tag)
            self.blocks.append(block)
            if tree is not None and tree.body:
                self._opened(tree.body[0], block)
            return
        if kw in ("elif", "else"):
            top = self.blocks[-1] if self.blocks else None
            allowed = ("if",) if kw == "elif" else ("if", "for")
            if top is None or top.keyword not in allowed:
                self.report(
                    tag,
                    f"{tag.raw} is not inside {' or '.join('{% ' + a + ' %}' for a in allowed)}",
                )
                return
            self._same_level(top, tag)
            if kw == "elif":
                tree = self._parse("{% if " + tag.body[4:] + " %}{% endif %}", tag)
                if tree is not None:
                    self.expr(tree.body[0].test)
            elif tag.body.strip() != "else":
                self.report(tag, f"syntax error in {tag.raw}: 'else' takes nothing after it")
            return
        if kw.startswith("end"):
            self._close(tag)
            return
        tree = self._parse(tag.jinja(), tag)
        if tree is None:
            return
        for node in tree.body:
            self._simple(node)

    def _close(self, tag: Tag) -> None:
        kw = tag.keyword
        opener = kw[3:]
        if tag.body.strip() != kw:
            self.report(tag, f"syntax error in {tag.raw}: '{kw}' takes nothing after it")
        if not self.blocks:
            self.report(tag, f"{tag.raw} has no matching {{% {opener} %}} before it")
            return
        top = self.blocks[-1]
        expected = _BLOCKS.get(top.keyword, "end" + top.keyword)
        if kw != expected:
            if any(b.keyword == opener for b in self.blocks):
                self.report(
                    tag,
                    f"{tag.raw} closes {{% {opener} %}}, but {top.tag.raw} in {top.tag.para.label()} "
                    f"is still open: add {{%{top.tag.prefix} {expected} %}} before it",
                )
                while self.blocks and self.blocks[-1].keyword != opener:
                    self.blocks.pop()
                self.blocks.pop()
            else:
                self.report(tag, f"{tag.raw} has no matching {{% {opener} %}} before it")
            return
        self._same_level(top, tag)
        self.blocks.pop()

    def _same_level(self, block: _Block, tag: Tag) -> None:
        a, b = block.tag.prefix, tag.prefix
        if (a if a != "r" else "") != (b if b != "r" else ""):  # {%r %} and {% %} are both inline
            want = f"{{%{a} {tag.body} %}}" if a else f"{{% {tag.body} %}}"
            self.report(
                tag,
                f"{tag.raw} does not match the level of {block.tag.raw} ({block.tag.para.label()}): "
                f"write it as {want}",
            )

    def _opened(self, node: jnodes.Node, block: _Block) -> None:
        from jinja2 import nodes as n

        if isinstance(node, n.For):
            item = _element_type(self.expr(node.iter))
            block.scope["loop"] = ANY
            self._bind(node.target, item, block.scope)
            if node.test is not None:
                self.expr(node.test, extra=block.scope)
        elif isinstance(node, n.If):
            self.expr(node.test)
        elif isinstance(node, n.With):
            for target, value in zip(node.targets, node.values, strict=False):
                self._bind(target, self.expr(value), block.scope)
        elif isinstance(node, n.Macro | n.CallBlock):
            for arg in getattr(node, "args", []):
                block.scope[arg.name] = ANY
            if isinstance(node, n.CallBlock):
                self.expr(node.call)
        elif isinstance(node, n.FilterBlock):
            self._filter_name(node.filter.name)
        elif isinstance(node, n.AssignBlock):
            self._bind(node.target, ANY, self.blocks[-2].scope if len(self.blocks) > 1 else self.roots)

    def _simple(self, node: jnodes.Node) -> None:
        from jinja2 import nodes as n

        if isinstance(node, n.Assign):
            value = self.expr(node.node)
            scope = self.blocks[-1].scope if self.blocks else self.roots
            self._bind(node.target, value, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, n.Expr):
                    self.expr(child)

    def _bind(self, target: jnodes.Node, value: T, scope: dict[str, T]) -> None:
        from jinja2 import nodes as n

        if isinstance(target, n.Name):
            scope[target.name] = value
        elif isinstance(target, n.Tuple):
            for item in target.items:
                self._bind(item, ANY, scope)

    # ---- expressions

    def expr(self, node: jnodes.Node, extra: dict[str, T] | None = None) -> T:
        from jinja2 import nodes as n

        if extra:
            self.blocks.append(_Block("(scope)", self.tag, dict(extra)))  # type: ignore[arg-type]
            try:
                return self.expr(node)
            finally:
                self.blocks.pop()
        if isinstance(node, n.Name):
            found = self.lookup(node.name)
            if found is None:
                if not self.guard:
                    hint = did_you_mean(node.name, self.known_names())
                    self._error(
                        f"unknown variable '{node.name}'"
                        + (f": {hint}" if hint else f"; the variables are {', '.join(sorted(self.roots))}")
                    )
                return ANY
            return found
        if isinstance(node, n.Getattr):
            return self._member(self.expr(node.node), node.attr, node.node)
        if isinstance(node, n.Getitem):
            base = self.expr(node.node)
            self.expr(node.arg)
            if isinstance(node.arg, n.Const) and isinstance(node.arg.value, str) and isinstance(base, ModelT):
                return self._member(base, node.arg.value, node.node)
            return (
                _element_type(base)
                if isinstance(base, ListT)
                else base.value
                if isinstance(base, DictT)
                else ANY
            )
        if isinstance(node, n.Call):
            return self._call(node)
        if isinstance(node, n.Filter):
            return self._filter(node)
        if isinstance(node, n.Test):
            if node.name not in self.env.tests:
                self._error(f"unknown test '{node.name}'" + _hint(did_you_mean(node.name, self.env.tests)))
            guarded = node.name in ("defined", "undefined")
            self.guard += guarded
            try:
                self.expr(node.node)
            finally:
                self.guard -= guarded
            for arg in node.args:
                self.expr(arg)
            return ScalarT(bool)
        if isinstance(node, n.CondExpr):
            self.expr(node.test)
            first = self.expr(node.expr1)
            if node.expr2 is not None:
                self.expr(node.expr2)
            return first
        if isinstance(node, n.Const):
            return ScalarT(type(node.value)) if isinstance(node.value, _SCALARS) else ANY
        for child in node.iter_child_nodes():
            self.expr(child)
        return ANY

    def _error(self, message: str) -> None:
        assert self.tag is not None
        self.report(self.tag, f"{message} (in {self.tag.raw})")

    def _member(self, base: T, attr: str, owner: jnodes.Node | None, path: str | None = None) -> T:
        if attr.startswith("_"):
            self._error(f"'{attr}': names starting with '_' are not available in templates")
            return ANY
        path = path or (_path(owner) if owner is not None else "…")
        if isinstance(base, ModelT):
            members = class_members(base.cls)
            if attr in members:
                return members[attr].type
            if not self.guard:
                hint = did_you_mean(attr, [m for m in members if members[m].kind != "method"] or members)
                fields = ", ".join(sorted(m for m in members if members[m].kind != "method"))
                self._error(
                    f"'{path}' ({base.describe()}) has no '{attr}'"
                    + (f": {hint}" if hint else f"; it has {fields}")
                )
            return ANY
        if isinstance(base, ListT):
            if not hasattr(list, attr) and not self.guard:
                self._error(
                    f"'{path}' is a list ({base.describe()}): it has no '{attr}'. Loop over it with "
                    f"{{%p for item in {path} %}} … {{%p endfor %}}, or take one item with |first"
                )
            return ANY
        if isinstance(base, DictT):
            if hasattr(dict, attr):
                return MethodT(ANY)
            return base.value
        if isinstance(base, ScalarT):
            if not hasattr(base.cls, attr) and not self.guard:
                self._error(f"'{path}' is {base.describe()}: it has no '{attr}'")
            return ANY
        if isinstance(base, MethodT | HelperT) and not self.guard:
            self._error(f"'{path}' is a {base.describe()}: call it with (…) before using '.{attr}'")
        return ANY

    def _call(self, node: jnodes.Call) -> T:
        from jinja2 import nodes as n

        callee = self.expr(node.node)
        for arg in node.args:
            self.expr(arg)
        for kw in node.kwargs:
            self.expr(kw.value)
        if node.dyn_args is not None:
            self.expr(node.dyn_args)
        if node.dyn_kwargs is not None:
            self.expr(node.dyn_kwargs)
        if isinstance(callee, HelperT) and callee.name == "md":
            style = (
                node.args[1]
                if len(node.args) > 1
                else next((k.value for k in node.kwargs if k.key == "style"), None)
            )
            if (
                isinstance(style, n.Const)
                and isinstance(style.value, str)
                and self.styles
                and style.value not in self.styles
            ):
                self._error(
                    f"md(): this template has no paragraph style '{style.value}'"
                    + _hint(did_you_mean(style.value, self.styles))
                )
            if not node.args and not node.kwargs:
                self._error("md() needs the Markdown text, e.g. md(content.agreement.exit, 'Clause')")
            return ANY
        if isinstance(callee, MethodT):
            return callee.returns
        return ANY

    def _filter_name(self, name: str) -> bool:
        if name not in self.env.filters:
            self._error(f"unknown filter '{name}'" + _hint(did_you_mean(name, self.env.filters)))
            return False
        if name == "safe":
            self._error(
                "|safe inserts the value into the Word XML unescaped: content with & or < would "
                "break the document. Remove |safe"
            )
        return True

    def _filter(self, node: jnodes.Filter) -> T:
        from jinja2 import nodes as n

        guarded = node.name in ("default", "d")
        self.guard += guarded
        try:
            base = self.expr(node.node) if node.node is not None else ANY
        finally:
            self.guard -= guarded
        for arg in node.args:
            self.expr(arg)
        for kw in node.kwargs:
            self.expr(kw.value)
        name = node.name
        if not self._filter_name(name):
            return ANY
        item = _element_type(base)
        attribute = next((k.value for k in node.kwargs if k.key == "attribute"), None)
        if name in ("selectattr", "rejectattr", "groupby") and node.args:
            attribute = node.args[0]
        if isinstance(attribute, n.Const) and isinstance(attribute.value, str):
            attr_t = item
            where = f"each item of {_path(node.node)}" if node.node is not None else "each item"
            for part in attribute.value.split("."):
                if part.isdigit():
                    attr_t = _element_type(attr_t)
                else:
                    attr_t = self._member(attr_t, part, node.node, where)
                    where = f"{where}.{part}"
            if name == "map":
                return ListT(attr_t)
        if name == "map" and node.args and isinstance(node.args[0], n.Const):
            self._filter_name(str(node.args[0].value))
            return ListT(ScalarT(str) if node.args[0].value in _STR_FILTERS else ANY)
        if name in ("first", "last", "random", "min", "max"):
            return item
        if name in _SAME_LIST_FILTERS or name == "list":
            return base if isinstance(base, ListT) else ListT(item)
        if name in ("batch", "slice"):
            return ListT(ListT(item))
        if name in ("default", "d"):
            return base
        if name in _STR_FILTERS:
            return ScalarT(str)
        if name in ("length", "count", "wordcount", "int"):
            return ScalarT(int)
        return ANY

    # ---- docxtpl's view of the whole part

    def whole_part(
        self, label: str, element: etree._Element, paras: Sequence[Paragraph], errors_before: int
    ) -> None:
        """Parse the part as docxtpl will render it; report what the per-tag checks missed."""
        from docxtpl import DocxTemplate
        from jinja2 import TemplateError, TemplateSyntaxError, meta
        from lxml import etree

        xml = etree.tostring(element, encoding="unicode")
        patched = DocxTemplate.patch_xml(DocxTemplate.__new__(DocxTemplate), xml)
        patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)  # as DocxTemplate.render_xml_part
        own_errors = sum(1 for p in self.problems[errors_before:] if p.severity == "error")
        try:
            tree = self.env.parse(patched)
        except TemplateSyntaxError as exc:
            if own_errors:
                return  # already located more precisely
            line = patched.splitlines()[exc.lineno - 1] if exc.lineno else ""
            text = re.sub(r"<[^>]+>", "", line)
            where = _locate(text, paras) or label
            self.problems.append(
                LintProblem(self.file, where, f"docxtpl cannot render this part: {exc.message or exc}")
            )
            return
        known = set(context_types()) | set(self.env.globals)
        try:
            undeclared = meta.find_undeclared_variables(tree)
        except TemplateError:  # unknown filter or test: reported by the per-tag checks
            return
        for name in sorted(undeclared - known):
            if any(name in p.message for p in self.problems[errors_before:]):
                continue
            para = next((p for p in paras if re.search(r"\b" + re.escape(name) + r"\b", p.text)), None)
            self.problems.append(
                LintProblem(
                    self.file,
                    para.label() if para else label,
                    f"unknown variable '{name}'" + _hint(did_you_mean(name, known)),
                )
            )


def _hint(text: str | None) -> str:
    return f": {text}" if text else ""


def _element_type(t: T) -> T:
    if isinstance(t, ListT):
        return t.item
    if isinstance(t, DictT):
        return ScalarT(str)  # iterating a mapping gives its keys
    return ANY


def _path(node: jnodes.Node) -> str:
    from jinja2 import nodes as n

    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, n.Getitem) and isinstance(node.arg, n.Const):
        return f"{_path(node.node)}[{node.arg.value!r}]"
    if isinstance(node, n.Call):
        return f"{_path(node.node)}(…)"
    if isinstance(node, n.Filter):
        return f"({_path(node.node) if node.node is not None else ''}|{node.name})"
    return "…"


def _locate(text: str, paras: Sequence[Paragraph]) -> str | None:
    """The paragraph holding the first tag in ``text`` (a line of docxtpl's patched XML)."""
    for m in _TAG_RE.finditer(text):
        needle = " ".join(m.group(0).split())[2:-2].strip()
        needle = _PREFIX_RE.sub("", needle).strip()
        for p in paras:
            if needle and needle in " ".join(p.text.translate(_QUOTES).split()):
                return p.label()
    return None


# ================================================================== public API


def lint_docx(data: bytes, name: str) -> list[LintProblem]:
    """Every problem in one Word template (``data``: the .docx bytes; ``name``: for messages)."""
    try:
        parts = read_docx(data)
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        return [LintProblem(name, "file", f"not a Word document: {exc}")]
    except Exception as exc:  # lxml syntax errors in a damaged file
        return [LintProblem(name, "file", f"cannot read the file: {exc}")]
    checker = _Checker(name, parts.paragraph_styles)
    for label, element in parts.parts:
        paras: list[Paragraph] = []
        _walk(element, label, "", paras, {"p": 0, "t": 0})
        before = len(checker.problems)
        checker.check_part(paras)
        checker.whole_part(label, element, paras, before)
    return _dedupe(checker.problems)


def _dedupe(problems: list[LintProblem]) -> list[LintProblem]:
    seen: set[LintProblem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def template_files(templates_dir: Path) -> list[Path]:
    """The Word templates in a folder (Word's own "~$" lock files left out)."""
    return sorted(p for p in Path(templates_dir).glob("*.docx") if not p.name.startswith("~$"))


def lint_templates(templates_dir: Path | str) -> list[LintProblem]:
    """Lint every ``.docx`` in ``templates_dir``."""
    folder = Path(templates_dir)
    problems: list[LintProblem] = []
    for path in template_files(folder):
        problems.extend(lint_docx(path.read_bytes(), path.name))
    return problems


# ================================================================== the variable reference


@dataclass(frozen=True)
class VariableDoc:
    path: str  # e.g. "content.agreement.title", "partners[].lsp.name"
    type: str  # "text", "date", "Markdown", "list of Partner", "method" …
    description: str
    example: str


_SKIP_EXPAND = {"content.reports", "content.narrative", "doc.extra", "doc.spec.sections"}
_ALIASES = {"content.partnership": "partnership", "content.partners": "partners"}
# Values that change with every build or release: no example, so the reference stays put.
_VOLATILE = frozenset({"tool_version", "short_fingerprint"})


def _type_label(member: Member) -> str:
    ann = member.annotation
    labels = (
        ("Markdown", "Markdown, use md()"),
        ("Money", "money"),
        ("Date", "date"),
        ("Email", "email"),
        ("Url", "web address"),
        ("Id", "id"),
    )
    for word, label in labels:
        if re.search(rf"\b{word}\b", ann):
            base = label
            break
    else:
        base = member.type.describe()
    if ann.startswith("list[") and not base.startswith("list"):
        base = f"list of {base}"
    if "None" in ann:
        base += " (may be empty)"
    return "method" if member.kind == "method" else base


def _example(value: Any, label: str) -> str:
    from .context import format_date, format_money

    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return f"{value.isoformat()} → |date: {format_date(value)}"
    if isinstance(value, Decimal) and label.startswith("money"):
        return f"{value} → |money: {format_money(value)}"
    if isinstance(value, list | tuple):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"{len(value)} entr{'ies' if len(value) != 1 else 'y'}"
    from pydantic import BaseModel

    if dataclasses.is_dataclass(value) or isinstance(value, BaseModel):
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


def variable_reference(example: LoadedContent) -> list[VariableDoc]:
    """Every variable a Word template can use, with an example value from ``example``."""
    from .context import document_meta

    meta = document_meta(example, "agreement")
    values: dict[str, Any] = {
        "doc": meta,
        "partnership": example.content.partnership,
        "partners": example.content.partners,
        "content": example.content,
    }
    types_ = context_types()
    out: list[VariableDoc] = [
        VariableDoc(
            "md(text, style)",
            "helper",
            "Markdown as Word paragraphs: write {{p md(content.agreement.exit, 'Clause') }} in a "
            "paragraph of its own. style is optional (default Body Text).",
            "",
        ),
        VariableDoc(
            "cover_band()",
            "helper",
            "The cover's partnership name in the partnership's colour band, and the partners' logos "
            "(with their alt text) when partnership.yaml gives them: write {{p cover_band() }} in a "
            "paragraph of its own.",
            "",
        ),
    ]
    for root in ("doc", "partnership", "partners", "content"):
        _describe(root, types_[root], values[root], out, depth=0)
    return out


def _describe(path: str, t: T, value: Any, out: list[VariableDoc], depth: int) -> None:
    if isinstance(t, ListT):
        item = value[0] if isinstance(value, list | tuple) and value else None
        if isinstance(t.item, ModelT):
            _describe(f"{path}[]", t.item, item, out, depth)
        return
    if not isinstance(t, ModelT) or depth > 6:
        return
    for name, member in class_members(t.cls).items():
        sub = f"{path}.{name}"
        if sub in _ALIASES:
            out.append(VariableDoc(sub, _type_label(member), f"The same as {_ALIASES[sub]}.", ""))
            continue
        if member.kind == "method":
            params = list(inspect.signature(getattr(t.cls, name)).parameters)[1:]
            out.append(VariableDoc(f"{sub}({', '.join(params)})", "method", member.description, ""))
            continue
        try:
            v = getattr(value, name) if value is not None else None
        except Exception:
            v = None
        label = _type_label(member)
        example = "(64 hexadecimal characters)" if name == "fingerprint" else _example(v, label)
        if name in _VOLATILE:
            example = ""
        out.append(VariableDoc(sub, label, member.description, example))
        if sub not in _SKIP_EXPAND:
            _describe(sub, member.type, v, out, depth + 1)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


REFERENCE_INTRO = """\
# Editing the Word templates

The collaboration agreement is made from a Word document, `templates/docx/agreement.docx`,
that the legal advisers own. Its wording is theirs: edit it in Word like any document. The
facts in it — names, addresses, dates, amounts, the delegation records, the funding table —
come from the content folder through *tags*, so they are never typed twice and always match
the other documents.

`masa-docs lint-templates` checks the templates after every edit and says, for each problem,
which paragraph or table cell it is in (with the start of its text, so you can find it with
Word's Find). Run it before committing; `make publish` builds the agreement from the
template as DOCX and as a signature-ready PDF.

This file is generated from the content model by
`masa-docs lint-templates --write-reference docs/word-templates.md`; do not edit it by hand.

## Editing safely in Word

- Type a tag in one go, in one formatting. If Word splits it (a spelling mark, a later edit,
  part of it bold), the lint warns: select the tag, clear its formatting and retype it.
- Keep tags out of hyperlinks and tracked changes: accept or reject all changes before
  saving the template.
- A tag with a level letter — `{%p …%}`, `{{p …}}`, `{%tr …%}` — replaces its whole
  paragraph (or table row). Put it in a paragraph (or row) of its own.
- Use the template's styles (Heading 1, Heading 2, Clause, Subclause, Recital, Party,
  List Bullet, Body Text, Table Text). Heading 1, Heading 2 and Clause carry the clause
  numbering (1, 1.1, 1.1.1); do not type numbers.
- Keep exactly one `Signature:` label in the signature block, inside the
  `{%p for sig in doc.signatures %}` loop: the PDF's signature field for each lead
  safeguarding partner is placed beside it.
- Word's curly quotes inside tags are fine; they are read as straight quotes.

## Tags

{tags}
Filters: `date` (1 April 2026), `money` (£1,234), `number`, `percent`, `humanise`
(joint_controller → Joint controller), `party_name` (a partner or agency id → its name),
and Jinja's own: `join('; ')`, `lower`, `upper`, `first`, `last`, `length`,
`map(attribute='name')`, `sum(attribute='amount')`, `default('—')`.

Undefined variables are errors, not blanks: a misspelt name stops the build, and the lint
says which name was meant. Templates run in a sandbox: they can read the content but not
change it or reach anything else.

## Variables

`[]` means "each item of a list": loop over the list, e.g.
`{%p for partner in partners %}` … `{{ partner.lsp.name }}` … `{%p endfor %}`. Examples come
from the example partnership in `content/`.

| Variable | Type | Description | Example |
| --- | --- | --- | --- |
"""


_TAG_ROWS: tuple[tuple[str, str, str], ...] = (
    ("{{ … }}", "Prints a value (text from the content always prints as typed)",
     "{{ content.agreement.reference }}"),
    ("{{ … | filter }}", "Formats a value", "{{ content.agreement.commencement|date }} → 1 April 2026"),
    ("{%p if … %} … {%p endif %}", "Keeps the paragraphs between only when the condition holds",
     "{%p if doc.draft %}"),
    ("{%p for x in … %} … {%p endfor %}", "Repeats the paragraphs between for each item",
     "{%p for partner in partners %}"),
    ("{%tr for x in … %} … {%tr endfor %}", "Repeats a table row; each tag in a row of its own",
     "{%tr for c in content.funding.current.contributions %}"),
    ("{{p md(text, 'Style') }}", "Inserts Markdown narrative as Word paragraphs in that style",
     "{{p md(content.agreement.exit, 'Clause') }}"),
    ("{% if … %}…{% endif %}", "Shows words inside a paragraph only when the condition holds",
     "{% if doc.draft %} DRAFT{% endif %}"),
)  # fmt: skip


def _tags_table() -> str:
    rows = ["| Tag | What it does | Example |", "| --- | --- | --- |"]
    rows += [f"| `{_cell(tag)}` | {what} | `{_cell(example)}` |" for tag, what, example in _TAG_ROWS]
    return "\n".join(rows) + "\n\n"


def reference_markdown(example: LoadedContent) -> str:
    """The text of ``docs/word-templates.md``."""
    rows = [
        f"| `{_cell(v.path)}` | {_cell(v.type)} | {_cell(v.description)} | {_cell(v.example)} |"
        for v in variable_reference(example)
    ]
    return REFERENCE_INTRO.replace("{tags}\n", _tags_table()) + "\n".join(rows) + "\n"


def reference_text(example: LoadedContent) -> Iterator[str]:
    """The variable reference as plain lines for a terminal."""
    for v in variable_reference(example):
        line = f"{v.path}  [{v.type}]"
        if v.example:
            line += f"  e.g. {v.example}"
        yield line


__all__ = [
    "LintProblem",
    "VariableDoc",
    "context_types",
    "lint_docx",
    "lint_templates",
    "reference_markdown",
    "reference_text",
    "template_files",
    "variable_reference",
]
