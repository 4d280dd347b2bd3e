"""Start a content folder from the Word arrangements a partnership already has (python-docx).

The document is read in order: headings (real heading styles, or paragraphs that fake a heading
with short bold text), paragraphs, numbered and bulleted lists and tables become Markdown. Each
top-level section is placed in the narrative file whose topic its heading names
(``governance.md`` for "Governance arrangements"); what cannot be placed goes into one file to
sort by hand, ``from-word/unplaced.md``. The placing is printed and written to
``from-word/mapping.yaml``, which can be edited and applied again with ``--mapping``.

Nothing is read into the YAML facts: a fact in running text cannot be told apart from an
example, an aim or an old value. The YAML files start with every required key empty, so
``masa-docs validate`` lists exactly what to fill in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MasaError, did_you_mean

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

IMPORT_DIR = "from-word"  # masa_docs.load.NOT_CONTENT_DIRS: never read as content
UNPLACED = "unplaced"
MAPPING_FILE = "mapping.yaml"

# Topic words in a heading -> the narrative file it belongs in. Checked in this order, so the
# more specific topics come first ("information sharing" before "agencies", "review of the
# arrangements" is not a case review).
SECTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("information-sharing", (r"information[- ]sharing", r"sharing information", r"data protection")),
    ("disputes", (r"disagree", r"escalat", r"dispute", r"resolv")),
    ("scrutiny", (r"scrutin",)),
    (
        "reviews",
        (
            r"rapid review",
            r"practice review",
            r"case review",
            r"serious (child safeguarding )?(incident|case)",
            r"learning from",
            r"\bcspr",
            r"\blcspr",
            r"\breviews?\b(?! of (the|these|our) arrangements)",
        ),
    ),
    ("voice", (r"\bvoice", r"children and families", r"participation", r"engag", r"lived experience")),
    ("threshold", (r"threshold", r"levels? of need", r"continuum of need", r"criteria for action")),
    ("training", (r"training", r"learning and development", r"workforce", r"\baudit")),
    ("data", (r"\bdata\b", r"intelligence", r"performance", r"quality assurance", r"measures?")),
    ("funding", (r"fund", r"budget", r"financ", r"contribution", r"resourc")),
    (
        "agencies",
        (
            r"relevant agenc",
            r"agencies",
            r"education",
            r"schools?",
            r"childcare",
            r"early years",
            r"youth custody",
            r"residential",
        ),
    ),
    (
        "governance",
        (
            r"governance",
            r"structure",
            r"leadership",
            r"accountab",
            r"decision",
            r"work(ing)? together",
            r"subgroups?",
            r"board",
            r"executive",
        ),
    ),
    ("partners", (r"partners\b", r"safeguarding partners", r"lead safeguarding", r"delegat")),
    ("partnership", (r"\barea\b", r"geograph", r"local context", r"our (local )?area", r"population")),
    (
        "introduction",
        (r"introduc", r"\babout\b", r"purpose", r"background", r"overview", r"foreword", r"vision"),
    ),
)


# The narrative files a document prints (templates/html: content.narrative.get(...)). Text is
# placed only in these, so nothing brought in can vanish from the documents; the others
# (liabilities.md, agreement.md) are valid files that no document shows yet.
PRINTED_NARRATIVES: tuple[str, ...] = (
    "introduction",
    "partnership",
    "partners",
    "governance",
    "agencies",
    "threshold",
    "data",
    "training",
    "reviews",
    "scrutiny",
    "voice",
    "funding",
    "disputes",
    "information-sharing",
)


def narrative_names() -> tuple[str, ...]:
    from .model import NARRATIVE_NAMES

    return tuple(n for n in PRINTED_NARRATIVES if n in NARRATIVE_NAMES)


def _normal(heading: str) -> str:
    """'3.2  Governance & Accountability:' -> 'governance and accountability'."""
    text = heading.casefold().replace("&", " and ")
    text = re.sub(r"^\s*(section|part|chapter|appendix)?\s*[\divxlc]+([.)]|\.\d+)*[.):]?\s+", "", text)
    text = re.sub(r"^\s*[a-z][.)]\s+", "", text)
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())


def match_section(heading: str) -> str | None:
    """The narrative file (without .md) a top-level heading belongs in, or None."""
    text = _normal(heading)
    names = narrative_names()
    for name in names:  # the file's own name or a section title of the arrangements
        if text == name.replace("-", " "):
            return name
    from .documents import ARRANGEMENTS

    titles = {
        "relevant-agencies": "agencies",
        "training-audit": "training",
        "leadership": "governance",
        "area": "partnership",
        "education": "agencies",
        "youth-custody-residential": "agencies",
    }
    for s in ARRANGEMENTS.sections:
        if text == _normal(s.title):
            name = titles.get(s.id, s.id)
            if name in names:
                return name
    for name, patterns in SECTION_WORDS:
        if name in names and any(re.search(p, text) for p in patterns):
            return name
    return None


# ------------------------------------------------------------------ reading the document


@dataclass
class Block:
    kind: str  # heading | text | item | table
    text: str = ""
    level: int = 0  # heading level, or list nesting
    ordered: bool = False
    fake: bool = False  # a heading faked with bold text


@dataclass
class Part:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    section: str | None = None
    by: str = "heading"  # heading | mapping | none
    level: int = 1  # the level of its heading


@dataclass
class ReadDocument:
    preamble: list[Block]
    parts: list[Part]
    counts: dict[str, int]
    top: int = 1  # the heading level that starts a section


_ESCAPE = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+=*](?=\s|$)|>)")
_NUMBERED_START = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")


def _escape(text: str) -> str:
    """Word text as Markdown text: every character means itself."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", text)
    return text


def _escape_start(text: str) -> str:
    """Text that would start a heading, list or quote in Markdown: '1. x' -> '1\\. x'."""
    text = _NUMBERED_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def _style_chain(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 12:
        yield style
        style = style.base_style
        seen += 1


def _outline_level(ppr: Any) -> int | None:
    """1-based heading level from a w:outlineLvl (0-8; 9 means body text)."""
    from docx.oxml.ns import qn

    lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    val = lvl.get(qn("w:val"), "9") if lvl is not None else "9"
    return int(val) + 1 if val.isdigit() and int(val) < 9 else None


@dataclass(frozen=True)
class _StyleInfo:
    name: str  # case-folded
    heading: int | None  # 0 for Title
    num_pr: Any  # w:numPr from the style (or one it is based on)
    bold: bool


class _Styles:
    """Style facts per style id, worked out once: python-docx's own lookups are slow
    (a 60-page document took 18 s before this cache)."""

    def __init__(self, document: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml.ns import qn

        self._qn = qn
        self.by_id = {s.style_id: s for s in document.styles}
        self.default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._info: dict[str, _StyleInfo] = {}
        self.formats: dict[str, dict[int, str]] = {}  # numId -> ilvl -> numFmt
        try:
            numbering = document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            numbering = None
        if numbering is not None:
            abstract: dict[str, dict[int, str]] = {}
            for an in numbering.findall(qn("w:abstractNum")):
                levels = {}
                for lvl in an.findall(qn("w:lvl")):
                    nf = lvl.find(qn("w:numFmt"))
                    if nf is not None and (lvl.get(qn("w:ilvl")) or "").isdigit():
                        levels[int(lvl.get(qn("w:ilvl")))] = nf.get(qn("w:val")) or ""
                abstract[an.get(qn("w:abstractNumId")) or ""] = levels
            for num in numbering.findall(qn("w:num")):
                ref = num.find(qn("w:abstractNumId"))
                if ref is not None:
                    self.formats[num.get(qn("w:numId")) or ""] = abstract.get(ref.get(qn("w:val")) or "", {})

    def of(self, p: Paragraph) -> _StyleInfo:
        sid = p._p.style or ""
        info = self._info.get(sid)
        if info is None:
            info = self._info[sid] = self._work_out(
                self.by_id.get(sid, self.default) if sid else self.default
            )
        return info

    def _work_out(self, style: Any) -> _StyleInfo:
        qn = self._qn
        name = (style.name or "").strip().casefold() if style is not None else ""
        heading = num_pr = bold = None
        for s in _style_chain(style):
            sname = (s.name or "").strip().casefold()
            ppr = s.element.find(qn("w:pPr"))
            if heading is None:
                m = re.fullmatch(r"heading\s*(\d)", sname)
                heading = int(m.group(1)) if m else 0 if sname == "title" else _outline_level(ppr)
            if num_pr is None and ppr is not None:
                num_pr = ppr.find(qn("w:numPr"))
            if bold is None and s.font.bold is not None:
                bold = bool(s.font.bold)
        return _StyleInfo(name, heading, num_pr, bool(bold))

    def char_bold(self, run: Any) -> bool:
        """Bold from the run's character style (not its paragraph's)."""
        sid = run._r.style
        style = self.by_id.get(sid) if sid else None
        return any(s.font.bold for s in _style_chain(style) if s.font.bold is not None)


def _heading_level(p: Paragraph, info: _StyleInfo) -> int | None:
    direct = _outline_level(p._p.pPr)
    return info.heading if info.heading is not None else direct


def _fake_heading(p: Paragraph, text: str, info: _StyleInfo, styles: _Styles) -> bool:
    """Short bold text on its own, not ending like a sentence: a heading made by hand."""
    if not text or len(text) > 90 or len(text.split()) > 12 or text.endswith((".", ",", ";")):
        return False
    runs = [r for r in p.runs if r.text.strip()]

    def bold(run: Any) -> bool:
        if run.bold is not None:
            return bool(run.bold)
        return styles.char_bold(run) or info.bold

    return bool(runs) and all(bold(r) for r in runs)


def _list_info(p: Paragraph, info: _StyleInfo, styles: _Styles) -> tuple[bool, int] | None:
    """(ordered, nesting level) for a list paragraph, or None."""
    from docx.oxml.ns import qn

    ppr = p._p.pPr
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num_pr is None:
        num_pr = info.num_pr
    if num_pr is None:
        if info.name.startswith("list number"):
            return True, 0
        if info.name.startswith("list bullet"):
            return False, 0
        return None
    num_id_el = num_pr.find(qn("w:numId"))
    ilvl_el = num_pr.find(qn("w:ilvl"))
    num_id = num_id_el.get(qn("w:val")) if num_id_el is not None else None
    ilvl_text = ilvl_el.get(qn("w:val"), "0") if ilvl_el is not None else "0"
    ilvl = int(ilvl_text) if ilvl_text.isdigit() else 0
    if num_id in (None, "0"):
        return None
    fmt = styles.formats.get(num_id or "", {}).get(ilvl)
    if fmt is None:
        return info.name.startswith("list number"), ilvl
    return fmt not in ("bullet", "none"), ilvl


def _inline(p: Paragraph) -> str:
    """The paragraph's text as Markdown, with bold, italic and safe links kept."""
    from docx.text.hyperlink import Hyperlink

    from .markdown import is_safe_link

    pieces: list[tuple[str, bool, bool, str | None]] = []
    for item in p.iter_inner_content():
        if isinstance(item, Hyperlink):
            address = "" if item.fragment else (item.address or "")  # in-document links: text only
            pieces.append((item.text, False, False, address if address and is_safe_link(address) else None))
        else:
            pieces.append((item.text, bool(item.bold), bool(item.italic), None))
    # Merge neighbours with the same formatting so '**a****b**' never happens.
    merged: list[list[Any]] = []
    for text, b, i, link in pieces:
        if not text:
            continue
        if merged and link is None and merged[-1][3] is None and merged[-1][1:3] == [b, i]:
            merged[-1][0] += text
        else:
            merged.append([text, b, i, link])
    out = []
    all_bold = bool(merged) and all(m[1] for m in merged if m[0].strip())
    for text, b, i, url in merged:
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = _escape(text.strip())
        if not core:
            out.append(text)
            continue
        if url:
            core = f"[{core}]({url.replace(' ', '%20').replace(')', '%29')})"
        if i:
            core = f"*{core}*"
        if b and not all_bold:
            core = f"**{core}**"
        out.append(lead + core + trail)
    text = "".join(out).replace("\t", " ")
    text = "\\\n".join(line.strip() for line in text.split("\n") if line.strip())  # line breaks
    return _escape_start(text.strip())


def _table(table: Table) -> str:
    """A Word table as a Markdown table; merged cells are written once."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                cells.append("")
                continue
            previous = cell._tc
            text = " ".join(t for t in (_inline(p) for p in cell.paragraphs) if t)
            cells.append(text.replace("\\\n", " ").replace("|", "\\|"))
        rows.append(cells)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def _body_items(document: Any, counts: dict[str, int]) -> Iterator[Any]:
    """Paragraphs and tables of the body in order, including those inside content controls
    (w:sdt); a table of contents is skipped (its headings are in the document anyway)."""
    from docx.oxml.ns import nsmap, qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document._body

    def walk(parent: Any) -> Iterator[Any]:
        for el in parent.iterchildren():
            if el.tag == qn("w:p"):
                yield Paragraph(el, body)
            elif el.tag == qn("w:tbl"):
                yield Table(el, body)
            elif el.tag == qn("w:sdt"):
                gallery = el.xpath("./w:sdtPr/w:docPartObj/w:docPartGallery/@w:val", namespaces=nsmap)
                if gallery and "contents" in str(gallery[0]).casefold():
                    counts["contents"] += 1
                    continue
                content = el.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)

    yield from walk(document.element.body)


def read_docx(path: Path) -> ReadDocument:
    """The document as blocks, split into top-level sections."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise MasaError(
            f"{path}: cannot read it as a Word document ({exc})",
            "save it from Word as a .docx (Word Document), not .doc or PDF",
        ) from None
    styles = _Styles(document)
    counts = {
        "paragraphs": 0,
        "list items": 0,
        "tables": 0,
        "images": 0,
        "contents": 0,
        "tracked changes": len(document.element.body.xpath(".//w:ins | .//w:del")),  # BaseOxmlElement
    }
    blocks: list[Block] = []
    for item in _body_items(document, counts):
        if isinstance(item, Table):
            md = _table(item)
            if md:
                counts["tables"] += 1
                blocks.append(Block("table", md))
            continue
        if not isinstance(item, Paragraph):
            continue
        p = item
        counts["images"] += len(p._p.xpath(".//w:drawing | .//w:pict"))
        info = styles.of(p)
        raw = p.text.strip()
        if info.name.startswith("toc") or info.name == "contents":
            counts["contents"] += 1
            continue
        if not raw:
            continue
        level = _heading_level(p, info)
        if level is not None:
            blocks.append(Block("heading", " ".join(raw.split()), level))
            continue
        listed = _list_info(p, info, styles)
        if listed is not None:
            counts["list items"] += 1
            blocks.append(Block("item", _inline(p), listed[1], ordered=listed[0]))
            continue
        if _fake_heading(p, raw, info, styles):
            blocks.append(Block("heading", " ".join(raw.split()), 0, fake=True))
            continue
        counts["paragraphs"] += 1
        blocks.append(Block("text", _inline(p)))
    real = [b.level for b in blocks if b.kind == "heading" and not b.fake and b.level > 0]
    top = min(real) if real else 1
    for b in blocks:
        if b.fake:  # below the real headings when there are any, else the top level
            b.level = top + 1 if real else 1
    preamble: list[Block] = []
    parts: list[Part] = []
    for b in blocks:
        if b.kind == "heading" and 0 < b.level <= top:
            parts.append(Part(b.text, level=top))
        elif parts:
            parts[-1].blocks.append(b)
        else:
            preamble.append(b)
    counts["headings"] = sum(1 for b in blocks if b.kind == "heading" and b.level > 0)
    counts["sections"] = len(parts)
    return ReadDocument(preamble, parts, counts, top)


def blocks_markdown(blocks: list[Block], top: int, shift: int = 0) -> str:
    """Markdown for a run of blocks; headings below ``top`` become '#', '##', ..."""
    chunks: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            chunks.append("\n".join(items))
            items.clear()

    for b in blocks:
        if b.kind == "item":
            marker = "1." if b.ordered else "-"
            items.append("    " * b.level + f"{marker} {b.text}")
            continue
        flush()
        if b.kind == "heading":
            depth = max(1, min(6, b.level - top + shift)) if b.level > 0 else 1 + shift
            chunks.append("#" * depth + " " + _escape(b.text))
        else:
            chunks.append(b.text)
    flush()
    return "\n\n".join(chunks) + "\n" if chunks else ""


# ------------------------------------------------------------------ the mapping


def read_mapping(path: Path) -> list[tuple[str, str]]:
    """(heading, section) pairs from an edited mapping file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError, UnicodeDecodeError) as exc:
        raise MasaError(f"{path}: cannot read the mapping ({exc})") from None
    rows = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise MasaError(f"{path}: no 'sections:' list", "edit the mapping.yaml that init wrote")
    names = [*narrative_names(), UNPLACED]
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("heading"), str):
            raise MasaError(f"{path}: sections[{i}] needs a heading and a section")
        section = str(row.get("section") or UNPLACED)
        if section.endswith(".md"):
            section = section[:-3]
        if section not in names:
            raise MasaError(
                f"{path}: sections[{i}].section: unknown section '{section}'",
                did_you_mean(section, names) or "one of: " + ", ".join(names),
            )
        out.append((" ".join(row["heading"].split()), section))
    return out


def split_wrappers(parts: list[Part]) -> list[Part]:
    """Open up a section that only wraps others ("Part A: How we work" holding "Governance",
    "Independent scrutiny"): when its own heading names no topic but a heading one level
    down does, each such sub-section becomes a part of its own. Text before the first
    sub-heading stays with the wrapper (which is left out when it has none)."""
    out: list[Part] = []
    for part in parts:
        below = part.level + 1
        subs = [b for b in part.blocks if b.kind == "heading" and b.level == below]
        if match_section(part.heading) is not None or not any(match_section(b.text) for b in subs):
            out.append(part)
            continue
        head = Part(part.heading, level=part.level)
        current = head
        pieces = [head]
        for b in part.blocks:
            if b.kind == "heading" and b.level == below:
                current = Part(b.text, level=below)
                pieces.append(current)
            else:
                current.blocks.append(b)
        out.extend(pieces if head.blocks else pieces[1:])
    return out


def place(parts: list[Part], mapping: list[tuple[str, str]] | None) -> None:
    """Set each part's section: from the mapping where it names the heading, else by its words."""
    remaining = list(mapping or [])
    for part in parts:
        hit = next((i for i, (h, _) in enumerate(remaining) if h == part.heading), None)
        if hit is not None:
            section = remaining.pop(hit)[1]
            part.section = None if section == UNPLACED else section
            part.by = "mapping"
            continue
        part.section = match_section(part.heading)
        part.by = "heading" if part.section else "none"


# ------------------------------------------------------------------ empty facts


def _inner(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _inner(typing.get_args(tp)[0])
    return tp


def _is_model(tp: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _skeleton(model: Any, indent: int) -> list[str]:
    """Every required key of ``model``, empty, with its description as a comment."""
    pad = " " * indent
    lines: list[str] = []
    for name, f in model.model_fields.items():
        if not f.is_required():
            continue
        key = f.alias or name
        tp = _inner(f.annotation)
        origin = typing.get_origin(tp)
        words = [" ".join(f.description.split())] if f.description else []
        if origin is typing.Literal:
            words.append("one of: " + ", ".join(str(a) for a in typing.get_args(tp)))
        elif tp is dt.date:
            words.append("a date, YYYY-MM-DD")
        note = f"  # {'; '.join(words)}" if words else ""
        if _is_model(tp):
            lines.append(f"{pad}{key}:{note}")
            lines += _skeleton(tp, indent + 2)
        elif origin is list:
            (arg,) = typing.get_args(tp) or (Any,)
            arg = _inner(arg)
            if _is_model(arg):
                lines.append(f"{pad}{key}:{note}")
                lines += _list_item(arg, indent + 2)
            else:
                lines.append(f"{pad}{key}: []{note}")
        elif origin is dict:
            lines.append(f"{pad}{key}: {{}}{note}")
        else:
            lines.append(f"{pad}{key}:{note}")
    return lines


def _list_item(model: Any, indent: int) -> list[str]:
    inner = _skeleton(model, indent + 2)
    if not inner:
        return [" " * indent + "- {}"]
    first = inner[0]
    return [" " * indent + "- " + first[indent + 2 :], *inner[1:]]


def skeleton_yaml(topic: str) -> str:
    """The YAML of one content file with every required key present and empty."""
    from .model import TOPIC_FILES, Content

    tp = _inner(Content.model_fields[topic].annotation)
    head = (
        f"# {TOPIC_FILES[topic]}: started by 'masa-docs init --from'. Every value is empty: fill\n"
        "# them in from the partnership's records ('masa-docs validate' lists what is missing).\n"
    )
    if typing.get_origin(tp) is list:
        (arg,) = typing.get_args(tp)
        return head + "\n".join(_list_item(_inner(arg), 0)) + "\n"
    return head + "\n".join(_skeleton(tp, 0)) + "\n"


# ------------------------------------------------------------------ writing the folder


@dataclass
class InitResult:
    document: ReadDocument
    written: list[Path]
    kept: list[Path]  # YAML files already there, left alone
    removed: list[Path]  # narrative files of an earlier run, no longer placed and unchanged
    stale: list[Path]  # such files that were changed by hand since: left for the user


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _previous_files(dest: Path) -> dict[str, str]:
    """Narrative files the last import wrote, with the sha256 of what it wrote."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = dest / IMPORT_DIR / MAPPING_FILE
    if not path.is_file():
        return {}
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError, UnicodeDecodeError):
        return {}
    files = data.get("written") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def init_from_docx(
    source: Path, dest: Path, *, mapping: Path | None = None, force: bool = False
) -> InitResult:
    """Make a content folder at ``dest`` from a Word document: narrative placed by heading,
    everything else in ``from-word/unplaced.md``, YAML facts empty."""
    from .model import OPTIONAL_TOPICS, TOPIC_FILES
    from .yaml_edit import write_atomic

    if dest.exists() and not dest.is_dir():
        raise MasaError(f"{dest} is a file", "choose a folder for the new content")
    if dest.exists() and any(dest.iterdir()) and not force:
        raise MasaError(
            f"{dest} exists and is not empty",
            "choose a new folder, or pass --force to rewrite the narrative from the Word document "
            "(YAML files already there are kept)",
        )
    doc = read_docx(source)
    doc.parts = split_wrappers(doc.parts)
    place(doc.parts, read_mapping(mapping) if mapping is not None else None)
    by_section: dict[str, list[Part]] = {}
    unplaced: list[Part] = []
    for part in doc.parts:
        (by_section.setdefault(part.section, []) if part.section else unplaced).append(part)
    real_top = doc.top
    files: dict[str, str] = {}
    for section, parts in by_section.items():
        if len(parts) == 1:
            text = blocks_markdown(parts[0].blocks, parts[0].level)
        else:  # several Word sections in one file: each keeps its heading
            text = "\n".join(
                f"# {_escape(p.heading)}\n\n" + blocks_markdown(p.blocks, p.level, shift=1) for p in parts
            )
        files[f"{section}.md"] = text or f"<!-- '{parts[0].heading}' had no text -->\n"
    loose = []
    if doc.preamble:
        loose.append("# Before the first heading\n\n" + blocks_markdown(doc.preamble, real_top, shift=1))
    for p in unplaced:
        loose.append(f"# {_escape(p.heading)}\n\n" + blocks_markdown(p.blocks, p.level, shift=1))
    unplaced_text = (
        f"<!-- Text from {source.name} that masa-docs could not place. Move each part into the\n"
        "     narrative file it belongs in (e.g. governance.md), or name its section in\n"
        f"     {IMPORT_DIR}/{MAPPING_FILE} and run init again with --mapping and --force.\n"
        "     Delete this folder when everything is sorted. -->\n\n" + "\n".join(loose)
    )
    previous = _previous_files(dest)
    written: list[Path] = []
    kept: list[Path] = []
    removed: list[Path] = []
    stale: list[Path] = []
    dest.mkdir(parents=True, exist_ok=True)
    for topic, name in TOPIC_FILES.items():
        if topic in OPTIONAL_TOPICS:
            continue
        path = dest / name
        if path.exists():
            kept.append(path)
            continue
        write_atomic(path, skeleton_yaml(topic))
        written.append(path)
    for name, text in files.items():
        write_atomic(dest / name, text)
        written.append(dest / name)
    for name, digest in sorted(previous.items()):
        path = dest / name
        if name in files or not path.is_file():
            continue
        if _sha(path.read_text(encoding="utf-8")) == digest:
            path.unlink()
            removed.append(path)
        else:
            stale.append(path)
    import_dir = dest / IMPORT_DIR
    write_atomic(import_dir / f"{UNPLACED}.md", unplaced_text)
    written.append(import_dir / f"{UNPLACED}.md")
    lines = [
        f"# How the sections of {source.name} were placed. Change a 'section' (a narrative file:",
        "# " + ", ".join(narrative_names()) + ";",
        f"# or '{UNPLACED}') and apply it again with:",
        f"#   masa-docs init {dest} --from {source} --mapping {import_dir / MAPPING_FILE} --force",
        "# That rewrites the narrative files and this folder; YAML files are kept.",
        f"source: {json.dumps(source.name)}",
        "sections:",
    ]
    for p in doc.parts:
        lines.append(f"  - heading: {json.dumps(p.heading, ensure_ascii=False)}")
        lines.append(f"    section: {p.section or UNPLACED}")
    lines.append("# Written by init, to tidy up after a re-run: do not edit.")
    lines.append("written:" + ("" if files else " {}"))
    for name, text in sorted(files.items()):
        lines.append(f"  {name}: {_sha(text)}")
    write_atomic(import_dir / MAPPING_FILE, "\n".join(lines) + "\n")
    written.append(import_dir / MAPPING_FILE)
    return InitResult(doc, written, kept, removed, stale)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_lines(result: InitResult, source: Path, dest: Path) -> list[tuple[str, bool]]:
    """What ``init --from`` did, for people: (line, is it a note to heed)."""
    doc = result.document
    c = doc.counts
    n = len(doc.parts)
    out: list[tuple[str, bool]] = [
        (
            f"Read {source.name}: {_plural(n, 'section')}, {_plural(c['paragraphs'], 'paragraph')}, "
            f"{_plural(c['list items'], 'list item')}, {_plural(c['tables'], 'table')}.",
            False,
        )
    ]
    width = min(64, max((len(p.heading) for p in doc.parts), default=10) + 2)
    for p in doc.parts:
        shown = json.dumps(p.heading if len(p.heading) <= 62 else p.heading[:61] + "…", ensure_ascii=False)
        where = f"{p.section}.md" if p.section else f"not placed ({IMPORT_DIR}/{UNPLACED}.md)"
        how = " (from the mapping)" if p.by == "mapping" else ""
        out.append((f"  {shown:<{width}} -> {where}{how}", False))
    placed = sum(1 for p in doc.parts if p.section)
    out.append((f"Placed {placed} of {_plural(n, 'section')}.", False))
    if doc.preamble:
        out.append((f"Text before the first heading is in {IMPORT_DIR}/{UNPLACED}.md.", False))
    if c["images"]:
        out.append((f"note: {_plural(c['images'], 'picture')} not brought in", True))
    if c["tracked changes"]:
        out.append(
            (
                f"note: the document has {_plural(c['tracked changes'], 'tracked change')}; the text in "
                "them was left out (accept or reject them in Word, save, and run again)",
                True,
            )
        )
    for path in result.removed:
        out.append((f"removed {path} (no longer placed, unchanged since the last run)", False))
    for path in result.stale:
        out.append((f"note: {path} is no longer placed but was edited, so it was kept", True))
    if result.kept:
        out.append((f"Kept {_plural(len(result.kept), 'YAML file')} already there.", False))
    else:
        out.append(("The YAML facts start empty.", False))
    mapping = dest / IMPORT_DIR / MAPPING_FILE
    out.append((f"Next: masa-docs validate --content {dest}", False))
    out.append(
        (
            f"To place a section elsewhere, edit {mapping} and run: masa-docs init {dest} "
            f"--from {source} --mapping {mapping} --force",
            False,
        )
    )
    return out
