"""A normalised, human-readable dump of a .docx, for snapshot tests and accessibility checks.

:func:`outline` reads the package directly (no Word, no LibreOffice) and prints one line per
block in body order::

    P | Heading 1 | Annual report
    P | List Number | L0 1. | First item
    T | table | style=Table Grid | cols=2
    T | row 1 (header) | Agency | Role
    IMG | alt=Logo of the partnership
    HEADER | section 1 default | Page {PAGE} of {NUMPAGES}
    META | title=… | language=en-GB | default-language=en-GB

Runs are shown as Markdown (``**bold**``, ``*italic*``, ``~~strike~~``, ```code```),
hyperlinks as ``[text](url)``, fields as ``{PAGE}``, line breaks as ``↵`` and tabs as ``→``.
List labels are computed from numbering.xml (start overrides, restarts) so a snapshot shows
what a reader sees. IDs (rId, numId) never appear, so output is stable across renders.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

__all__ = ["docx_language", "heading_levels", "outline"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MONO_HINTS = ("courier", "mono", "consolas", "menlo", "code")
BR, TAB = "\u21b5", "\u2192"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _on(element: etree._Element | None) -> bool:
    """A w:b / w:i / w:strike toggle that is present and not switched off."""
    if element is None:
        return False
    return element.get(_w("val"), "true").lower() not in ("0", "false", "off", "none")


# --------------------------------------------------------------------------- package


class _Package:
    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.files = {i.filename: z.read(i.filename) for i in z.infolist() if not i.is_dir()}
        root_rels = self.rels("")
        main = next((t for t, typ, _ in root_rels.values() if typ == OFFICE_DOC), None)
        if main is None:
            raise ValueError("not a .docx package: no officeDocument relationship")
        self.main = main
        self.main_rels = self.rels(main)
        self.core = next((t for t, typ, _ in root_rels.values() if typ == CORE), None)

    def xml(self, name: str | None) -> etree._Element | None:
        if not name or name not in self.files:
            return None
        return etree.fromstring(self.files[name])

    def rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """rId → (target, type, external) for ``part`` ("" for the package)."""
        folder, leaf = posixpath.split(part)
        name = posixpath.join(folder, "_rels", f"{leaf}.rels") if part else "_rels/.rels"
        root = self.xml(name)
        result: dict[str, tuple[str, str, bool]] = {}
        if root is None:
            return result
        for rel in root.findall(f"{{{PKG_REL}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            if not external:
                target = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
            result[rel.get("Id", "")] = (target, rel.get("Type", ""), external)
        return result

    def related(self, rel_suffix: str) -> str | None:
        for target, typ, external in self.main_rels.values():
            if typ == _REL_BASE + rel_suffix and not external:
                return target
        return None


@dataclass
class _Style:
    name: str
    based_on: str | None
    num: tuple[int, int] | None  # (numId, ilvl) from w:numPr
    outline_level: int | None
    kind: str


@dataclass
class _Numbering:
    num_abstract: dict[int, int] = field(default_factory=dict)
    overrides: dict[int, dict[int, int]] = field(default_factory=dict)  # numId → ilvl → start
    levels: dict[int, dict[int, tuple[str, str, int]]] = field(default_factory=dict)
    counters: dict[int, list[int | None]] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)


def _load_styles(root: etree._Element | None) -> tuple[dict[str, _Style], str | None]:
    styles: dict[str, _Style] = {}
    default_para: str | None = None
    if root is None:
        return styles, None
    for s in root.findall(_w("style")):
        sid = s.get(_w("styleId"), "")
        kind = s.get(_w("type"), "paragraph")
        name_el = s.find(_w("name"))
        name = name_el.get(_w("val"), sid) if name_el is not None else sid
        if re.fullmatch(r"heading \d", name):  # Word stores built-in names in lower case
            name = name.capitalize()
        based = s.find(_w("basedOn"))
        num = _num_pr(s.find(_w("pPr")))
        olvl = s.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        styles[sid] = _Style(
            name=name,
            based_on=based.get(_w("val")) if based is not None else None,
            num=num,
            outline_level=int(olvl.get(_w("val"), "9")) if olvl is not None else None,
            kind=kind,
        )
        if kind == "paragraph" and s.get(_w("default")) in ("1", "true", "on"):
            default_para = sid
    return styles, default_para


def _num_pr(ppr: etree._Element | None) -> tuple[int, int] | None:
    if ppr is None:
        return None
    num_pr = ppr.find(_w("numPr"))
    if num_pr is None:
        return None
    num_id = num_pr.find(_w("numId"))
    ilvl = num_pr.find(_w("ilvl"))
    if num_id is None:
        return None
    return int(num_id.get(_w("val"), "0")), int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0


def _load_numbering(root: etree._Element | None) -> _Numbering:
    numbering = _Numbering()
    if root is None:
        return numbering
    for a in root.findall(_w("abstractNum")):
        aid = int(a.get(_w("abstractNumId"), "0"))
        levels: dict[int, tuple[str, str, int]] = {}
        for lvl in a.findall(_w("lvl")):
            fmt = lvl.find(_w("numFmt"))
            text = lvl.find(_w("lvlText"))
            start = lvl.find(_w("start"))
            levels[int(lvl.get(_w("ilvl"), "0"))] = (
                fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
                text.get(_w("val"), "") if text is not None else "",
                int(start.get(_w("val"), "1")) if start is not None else 1,
            )
        numbering.levels[aid] = levels
    for n in root.findall(_w("num")):
        nid = int(n.get(_w("numId"), "0"))
        a_el = n.find(_w("abstractNumId"))
        if a_el is None:
            continue
        numbering.num_abstract[nid] = int(a_el.get(_w("val"), "0"))
        for o in n.findall(_w("lvlOverride")):
            so = o.find(_w("startOverride"))
            if so is not None:
                numbering.overrides.setdefault(nid, {})[int(o.get(_w("ilvl"), "0"))] = int(
                    so.get(_w("val"), "1")
                )
    return numbering


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and n > 0:
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    return str(n)


# --------------------------------------------------------------------------- reader


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.pkg = _Package(data)
        self.doc = self.pkg.xml(self.pkg.main)
        if self.doc is None:
            raise ValueError("the main document part is missing")
        self.styles, self.default_para = _load_styles(self.pkg.xml(self.pkg.related("styles")))
        self.numbering = _load_numbering(self.pkg.xml(self.pkg.related("numbering")))
        self.styles_root = self.pkg.xml(self.pkg.related("styles"))

    # ---- styles

    def style_chain(self, sid: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid].based_on

    def para_style_id(self, p: etree._Element) -> str | None:
        ps = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        return ps.get(_w("val")) if ps is not None else self.default_para

    def style_name(self, sid: str | None) -> str:
        if sid is None:
            return "Normal"
        return self.styles[sid].name if sid in self.styles else sid

    def numbering_of(self, p: etree._Element) -> tuple[int, int] | None:
        direct = _num_pr(p.find(_w("pPr")))
        if direct is not None:
            num_id, ilvl = direct
            if not num_id:
                return None
            if p.find(f"{_w('pPr')}/{_w('numPr')}/{_w('ilvl')}") is None:
                for style in self.style_chain(self.para_style_id(p)):
                    if style.num is not None:
                        ilvl = style.num[1]
                        break
            return num_id, ilvl
        for style in self.style_chain(self.para_style_id(p)):
            if style.num is not None:
                return style.num if style.num[0] else None
        return None

    def list_label(self, num_id: int, ilvl: int) -> str:
        n = self.numbering
        aid = n.num_abstract.get(num_id)
        if aid is None:
            return f"L{ilvl} ?"
        counters = n.counters.setdefault(aid, [None] * 10)
        if num_id not in n.seen:
            n.seen.add(num_id)
            for lvl in n.overrides.get(num_id, {}):
                counters[lvl] = None
        levels = n.levels.get(aid, {})
        fmt, text, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        start = n.overrides.get(num_id, {}).get(ilvl, start)
        current = counters[ilvl]
        counters[ilvl] = start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        if fmt == "bullet":
            return f"L{ilvl} \u2022"
        if fmt == "none":
            return f"L{ilvl}"

        def value(m: re.Match[str]) -> str:
            lvl = int(m.group(1)) - 1
            lvl_fmt, _, lvl_start = levels.get(lvl, ("decimal", "", 1))
            count = counters[lvl] if 0 <= lvl < len(counters) else None
            return _format_number(count if count is not None else lvl_start, lvl_fmt)

        label = re.sub(r"%(\d)", value, text) or "?"
        return f"L{ilvl} {label}"

    # ---- inline text

    def run_format(self, r: etree._Element) -> tuple[bool, bool, bool, bool]:
        rpr = r.find(_w("rPr"))
        if rpr is None:
            return (False, False, False, False)
        fonts = rpr.find(_w("rFonts"))
        face = (fonts.get(_w("ascii")) or "") if fonts is not None else ""
        rstyle = rpr.find(_w("rStyle"))
        rname = self.style_name(rstyle.get(_w("val"))) if rstyle is not None else ""
        mono = any(h in face.lower() for h in MONO_HINTS) or "code" in rname.lower()
        return (_on(rpr.find(_w("b"))), _on(rpr.find(_w("i"))), _on(rpr.find(_w("strike"))), mono)

    def _collect(
        self,
        parent: etree._Element,
        rels: dict[str, tuple[str, str, bool]],
        segments: list[tuple[str, tuple[bool, bool, bool, bool]]],
        images: list[str],
        field_state: list[list[str]],
    ) -> None:
        plain = (False, False, False, False)
        for child in parent:
            tag = child.tag
            if tag == _w("r"):
                self._run(child, segments, images, field_state)
            elif tag == _w("hyperlink"):
                inner: list[tuple[str, tuple[bool, bool, bool, bool]]] = []
                self._collect(child, rels, inner, images, field_state)
                rid = child.get(f"{{{R}}}id")
                anchor = child.get(_w("anchor"))
                if rid and rid in rels:
                    url = rels[rid][0]
                elif anchor:
                    url = f"#{anchor}"
                else:
                    url = ""
                label = _marked(inner)
                segments.append((f"[{label}]({url})" if url else label, plain))
            elif tag == _w("fldSimple"):
                segments.append((_field(child.get(_w("instr"), "")), plain))
            elif tag in (_w("ins"), _w("smartTag"), _w("customXml"), _w("sdtContent")):
                self._collect(child, rels, segments, images, field_state)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._collect(content, rels, segments, images, field_state)

    def _run(
        self,
        r: etree._Element,
        segments: list[tuple[str, tuple[bool, bool, bool, bool]]],
        images: list[str],
        field_state: list[list[str]],
    ) -> None:
        fmt = self.run_format(r)
        plain = (False, False, False, False)
        for el in r:
            tag = el.tag
            if tag == _w("fldChar"):
                kind = el.get(_w("fldCharType"))
                if kind == "begin":
                    field_state.append([])
                elif kind == "separate" and field_state:
                    field_state[-1].append("\0separate")
                elif kind == "end" and field_state:
                    instr = "".join(x for x in field_state.pop() if x != "\0separate")
                    segments.append((_field(instr), plain))
                continue
            if field_state:
                if tag == _w("instrText") and "\0separate" not in field_state[-1]:
                    field_state[-1].append(el.text or "")
                continue  # the field's cached result is not shown
            if tag == _w("t"):
                segments.append((el.text or "", fmt))
            elif tag == _w("tab"):
                segments.append((TAB, fmt))
            elif tag in (_w("br"), _w("cr")):
                kind = el.get(_w("type"))
                segments.append(("[page break]", plain) if kind == "page" else (BR, fmt))
            elif tag == _w("noBreakHyphen"):
                segments.append(("-", fmt))
            elif tag == _w("drawing"):
                for doc_pr in el.iter(f"{{{WP}}}docPr"):
                    images.append(doc_pr.get("descr", ""))
                    segments.append(("\0img", plain))

    # ---- blocks

    def blocks(self, parent: etree._Element, rels: dict[str, tuple[str, str, bool]]) -> Iterator[str]:
        for child in parent:
            if child.tag == _w("p"):
                yield from self.paragraph(child, rels)
            elif child.tag == _w("tbl"):
                yield from self.table(child, rels)
            elif child.tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    yield from self.blocks(content, rels)
            elif child.tag in (_w("customXml"), _w("ins")):
                yield from self.blocks(child, rels)

    def paragraph_text(
        self, p: etree._Element, rels: dict[str, tuple[str, str, bool]], *, marks: bool = True
    ) -> tuple[str, list[str]]:
        segments: list[tuple[str, tuple[bool, bool, bool, bool]]] = []
        images: list[str] = []
        self._collect(p, rels, segments, images, field_state=[])
        if not marks:
            return "".join(t for t, _ in segments if t != "\0img"), images
        return _marked(segments), images

    def paragraph(self, p: etree._Element, rels: dict[str, tuple[str, str, bool]]) -> list[str]:
        text, images = self.paragraph_text(p, rels)
        lines: list[str] = []
        if not text and p.find(f"{_w('pPr')}/{_w('pBdr')}") is not None:
            text = "[rule]"
        if text or not images:
            style = self.style_name(self.para_style_id(p))
            num = self.numbering_of(p)
            if num is not None:
                lines.append(f"P | {style} | {self.list_label(*num)} | {text}")
            else:
                lines.append(f"P | {style} | {text}")
        lines.extend(f"IMG | alt={alt}" for alt in images)
        return lines

    def cell_text(self, tc: etree._Element, rels: dict[str, tuple[str, str, bool]]) -> str:
        parts: list[str] = []
        for child in tc:
            if child.tag == _w("p"):
                text, images = self.paragraph_text(child, rels)
                parts.append(text + "".join(f"[IMG alt={a}]" for a in images))
            elif child.tag == _w("tbl"):
                parts.append("[table]")
        return " \u00b6 ".join(p for p in parts if p) if any(parts) else ""

    def table(self, tbl: etree._Element, rels: dict[str, tuple[str, str, bool]]) -> list[str]:
        style_el = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
        style = self.style_name(style_el.get(_w("val"))) if style_el is not None else "none"
        cols = len(tbl.findall(f"{_w('tblGrid')}/{_w('gridCol')}"))
        lines = [f"T | table | style={style} | cols={cols}"]
        for k, tr in enumerate(tbl.findall(_w("tr")), start=1):
            header = _on(tr.find(f"{_w('trPr')}/{_w('tblHeader')}"))
            cells: list[str] = []
            for tc in tr.findall(_w("tc")):
                text = self.cell_text(tc, rels)
                span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                if vmerge is not None and vmerge.get(_w("val"), "continue") == "continue":
                    text = "^"
                if span is not None and int(span.get(_w("val"), "1")) > 1:
                    text += f" (span {span.get(_w('val'))})"
                cells.append(text)
            label = f"row {k} (header)" if header else f"row {k}"
            lines.append(" | ".join(["T", label, *cells]))
        return lines

    # ---- sections, metadata

    def sections(self) -> list[str]:
        body = self.doc.find(_w("body")) if self.doc is not None else None
        if body is None:
            return []
        sect_prs = [*body.iter(_w("sectPr"))]
        lines: list[str] = []
        for n, sect in enumerate(sect_prs, start=1):
            for kind in ("header", "footer"):
                for ref in sect.findall(_w(f"{kind}Reference")):
                    rid = ref.get(f"{{{R}}}id", "")
                    target = self.pkg.main_rels.get(rid, ("", "", False))[0]
                    root = self.pkg.xml(target)
                    if root is None:
                        continue
                    rels = self.pkg.rels(target)
                    texts = [line.split(" | ", 2)[-1] for line in self.blocks(root, rels) if line]
                    joined = " \u00b6 ".join(t for t in texts if t)
                    label = f"section {n} {ref.get(_w('type'), 'default')}"
                    lines.append(f"{kind.upper()} | {label} | {joined}")
        return lines

    def default_language(self) -> str | None:
        root = self.styles_root
        if root is None:
            return None
        lang = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
        if lang is not None and lang.get(_w("val")):
            return lang.get(_w("val"))
        return None

    def core(self) -> dict[str, str]:
        root = self.pkg.xml(self.pkg.core)
        if root is None:
            return {}
        found: dict[str, str] = {}
        for el in root:
            if isinstance(el.tag, str):
                found[etree.QName(el).localname] = el.text or ""
        return found


def _field(instr: str) -> str:
    instr = re.sub(r"\\[*]\s*(MERGEFORMAT|CHARFORMAT)", "", instr, flags=re.IGNORECASE)
    return "{" + " ".join(instr.split()) + "}"


def _marked(segments: list[tuple[str, tuple[bool, bool, bool, bool]]]) -> str:
    merged: list[tuple[str, tuple[bool, bool, bool, bool]]] = []
    for text, fmt in segments:
        if text == "\0img":
            continue
        if merged and merged[-1][1] == fmt:
            merged[-1] = (merged[-1][0] + text, fmt)
        else:
            merged.append((text, fmt))
    out: list[str] = []
    for text, (bold, italic, strike, mono) in merged:
        if not text.strip():
            out.append(text)
            continue
        if mono:
            text = f"`{text}`"
        if italic:
            text = f"*{text}*"
        if bold:
            text = f"**{text}**"
        if strike:
            text = f"~~{text}~~"
        out.append(text)
    return "".join(out)


# --------------------------------------------------------------------------- public API


def outline(data: bytes) -> str:
    """One line per block of a .docx in body order, then headers/footers and metadata."""
    reader = _Reader(data)
    assert reader.doc is not None
    body = reader.doc.find(_w("body"))
    lines = list(reader.blocks(body, reader.pkg.main_rels)) if body is not None else []
    lines.extend(reader.sections())
    core = reader.core()
    lines.append(
        " | ".join(
            [
                "META",
                f"title={core.get('title', '')}",
                f"language={core.get('language', '')}",
                f"default-language={reader.default_language() or ''}",
            ]
        )
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def heading_levels(data: bytes) -> list[tuple[int, str]]:
    """(level, text) of each heading in body order: "Heading N" styles or an outline level."""
    reader = _Reader(data)
    assert reader.doc is not None
    body = reader.doc.find(_w("body"))
    result: list[tuple[int, str]] = []
    if body is None:
        return result
    for p in body.iter(_w("p")):
        level = _heading_level(reader, p)
        if level is not None:
            text, _ = reader.paragraph_text(p, reader.pkg.main_rels, marks=False)
            result.append((level, text))
    return result


def _heading_level(reader: _Reader, p: etree._Element) -> int | None:
    direct = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
    if direct is not None:
        value = int(direct.get(_w("val"), "9"))
        return value + 1 if value < 9 else None
    for style in reader.style_chain(reader.para_style_id(p)):
        m = re.fullmatch(r"[Hh]eading (\d)", style.name)
        if m:
            return int(m.group(1))
        if style.outline_level is not None:
            return style.outline_level + 1 if style.outline_level < 9 else None
    return None


def docx_language(data: bytes) -> str | None:
    """The document's default language (``w:lang`` of the styles' docDefaults), else the
    core properties' ``dc:language``, else None."""
    reader = _Reader(data)
    return reader.default_language() or reader.core().get("language") or None
