"""Generate the Word templates in this folder: ``agreement.docx`` and ``word-copy.docx``.

Run ONCE, from the repository root, to (re)create the starting point:

    .venv/bin/python templates/docx/make_agreement_template.py

``agreement.docx`` is committed and from then on it belongs to the legal advisers: they edit
its wording in Word, and ``masa-docs lint-templates`` checks their edits. Do not run this
script again to "update" the agreement: it would overwrite their work. (Pass ``--force`` to
do it anyway, e.g. to start a new template from scratch; ``--word-copy`` rebuilds only
``word-copy.docx``, the base the Word copies of the HTML documents are written into, which
nobody edits by hand.)

What the script sets up, so that the document starts with proper Word structure:

* A4 pages, Arial (Liberation Sans is its metric twin on Linux, so LibreOffice lays the PDF
  out line for line as Word does), document language en-GB;
* Word's own styles: Title, Subtitle, Heading 1-6, Body Text, List Bullet (1-3), List Number
  (1-3), Quote, Caption, Hyperlink, Header, Footer, and "Table Grid" with a bold, shaded
  header row;
* in the agreement, real multi-level clause numbering (1 / 1.1 / 1.1.1) tied to the styles
  Heading 1, Heading 2 / "Clause" and "Subclause"; lettered recitals ("Recital": (A), (B));
  numbered parties ("Party": (1), (2)); "Table Text" for table cells. Unnumbered headings
  (Parties, Background, Signatures) switch numbering off on the paragraph itself;
* a header (partnership, title, version, DRAFT while not final) and a footer with
  "Page {PAGE} of {NUMPAGES}" fields;
* the agreement's clauses, with docxtpl tags (``{{ }}``, ``{%p %}``, ``{%tr %}``) for every
  fact that comes from the content. See docs/word-templates.md for the tags and variables.

Each tag is written into a single run, so Word never starts out with a split tag.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
FONT = "Arial"
INK = RGBColor(0x0B, 0x0C, 0x0C)
GREY = RGBColor(0x50, 0x5A, 0x5F)
LINK = RGBColor(0x1D, 0x70, 0xB8)
LANGUAGE = "en-GB"
CREATED = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)  # fixed: the generated file is reproducible

# Numbering definitions (abstractNumId, numId).
CLAUSES = (10, 10)
RECITALS = (11, 11)
PARTIES = (12, 12)
BULLETS = (13, 13)
NUMBERS = (14, 14)

# Text width of an A4 page with 2.5 cm margins, in twentieths of a point.
TEXT_WIDTH = 11906 - 2 * 1418


# ================================================================== styles and numbering


def _lvl(ilvl: int, fmt: str, text: str, left: int, hanging: int, style: str | None = None,
         bold: bool = False) -> str:  # fmt: skip
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    font = (
        '<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/></w:rPr>' if fmt == "bullet" else rpr
    )
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
        f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{font}</w:lvl>'
    )


def _abstract(ids: tuple[int, int], name: str, levels: Sequence[str], multi: bool = True) -> str:
    aid = ids[0]
    kind = "multilevel" if multi else "singleLevel"
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
        f'<w:nsid w:val="{0x4E455300 + aid:08X}"/><w:multiLevelType w:val="{kind}"/>'
        f'<w:name w:val="{name}"/>{"".join(levels)}</w:abstractNum>'
    )


def _numbering_xml(agreement: bool) -> list[str]:
    """The abstract numbering definitions (bullets and numbers always; clauses in the agreement)."""
    bullets = ["\u2022", "\u2013", "\u25aa"]
    out = [
        _abstract(
            BULLETS,
            "MASA bullets",
            [
                _lvl(
                    i,
                    "bullet",
                    bullets[i % 3],
                    360 * (i + 1) + (720 if agreement else 0),
                    360,
                    "ListBullet" if i == 0 else f"ListBullet{i + 1}" if i < 3 else None,
                )
                for i in range(9)
            ],
        ),
        _abstract(
            NUMBERS,
            "MASA numbers",
            [
                _lvl(
                    i,
                    ("decimal", "lowerLetter", "lowerRoman")[i % 3],
                    f"%{i + 1}.",
                    360 * (i + 1) + (720 if agreement else 0),
                    360,
                    "ListNumber" if i == 0 else f"ListNumber{i + 1}" if i < 3 else None,
                )
                for i in range(9)
            ],
        ),
    ]
    if agreement:
        out += [
            _abstract(
                CLAUSES,
                "Agreement clauses",
                [
                    _lvl(0, "decimal", "%1.", 720, 720, "Heading1", bold=True),
                    _lvl(1, "decimal", "%1.%2", 720, 720, "Clause"),
                    _lvl(2, "decimal", "%1.%2.%3", 1584, 864, "Subclause"),
                    *(_lvl(i, "lowerLetter", f"(%{i + 1})", 2160, 576) for i in range(3, 9)),
                ],
            ),
            _abstract(RECITALS, "Recitals", [_lvl(0, "upperLetter", "(%1)", 720, 720, "Recital")], False),
            _abstract(PARTIES, "Parties", [_lvl(0, "decimal", "(%1)", 720, 720, "Party")], False),
        ]
    return out


def _set_numbering(document: Document, agreement: bool) -> None:
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    defs = [BULLETS, NUMBERS, *((CLAUSES, RECITALS, PARTIES) if agreement else ())]
    for xml in _numbering_xml(agreement):
        numbering.append(parse_xml(xml))
    for aid, nid in defs:
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>')
        )


def _style_numbering(style: object, num: tuple[int, int] | None, ilvl: int = 0) -> None:
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    existing = ppr.find(qn("w:numPr"))
    if existing is not None:
        ppr.remove(existing)
    if num is None:
        return
    ilvl_xml = f'<w:ilvl w:val="{ilvl}"/>' if ilvl else ""
    numpr = parse_xml(f'<w:numPr {nsdecls("w")}>{ilvl_xml}<w:numId w:val="{num[1]}"/></w:numPr>')
    # CT_PPrBase order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl, numPr…
    anchor = None
    for tag in ("w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc",
                "w:outlineLvl", "w:contextualSpacing"):  # fmt: skip
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(numpr)
    else:
        ppr.append(numpr)


def _font(style: object, size: float | None = None, *, bold: bool | None = None,
          italic: bool | None = None, color: RGBColor | None = INK) -> None:  # fmt: skip
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:cs"), FONT)
    rfonts.set(qn("w:eastAsia"), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
        c = rpr.find(qn("w:color"))
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            c.attrib.pop(qn(attr), None)


def _spacing(style: object, before: float = 0, after: float = 6, *, line: float | None = None,
             keep_next: bool | None = None) -> None:  # fmt: skip
    pf = style.paragraph_format  # type: ignore[attr-defined]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if keep_next is not None:
        pf.keep_with_next = keep_next


def _paragraph_style(document: Document, name: str, base: str = "Normal") -> object:
    styles = document.styles
    if name in styles:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def _prune_styles(document: Document) -> None:
    """Drop the default template's 98 unused table styles and its latent-style list, so the
    style gallery lawyers see is short."""
    root = document.styles.element
    keep_tables = {"TableNormal", "TableGrid"}
    for s in root.findall(qn("w:style")):
        if s.get(qn("w:type")) == "table" and s.get(qn("w:styleId")) not in keep_tables:
            root.remove(s)
    latent = root.find(qn("w:latentStyles"))
    if latent is not None:
        root.remove(latent)


def _doc_defaults(document: Document) -> None:
    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        root.remove(defaults)
    root.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            f'<w:rFonts w:ascii="{FONT}" w:eastAsia="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
            f'<w:sz w:val="22"/><w:szCs w:val="22"/>'
            f'<w:lang w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            '<w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )


def _table_grid(document: Document) -> None:
    """ "Table Grid" with thin grey borders, cell padding and a bold, shaded header row."""
    style = document.styles["Table Grid"]
    el = style.element
    for old in el.findall(qn("w:tblStylePr")):
        el.remove(old)
    tblpr = el.find(qn("w:tblPr"))
    if tblpr is not None:
        el.remove(tblpr)
    el.append(
        parse_xml(
            f'<w:tblPr {nsdecls("w")}><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>'
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="6F777B"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + '</w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        )
    )
    el.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
            '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E8EAEB"/></w:tcPr></w:tblStylePr>'
        )
    )


def set_up_styles(document: Document, *, agreement: bool) -> None:
    """Every style the templates, the Markdown bridge and the HTML → Word copy rely on."""
    _prune_styles(document)
    _doc_defaults(document)
    styles = document.styles
    indent = Cm(1.27) if agreement else Cm(0)

    normal = styles["Normal"]
    _font(normal, 11)
    _spacing(normal, 0, 6, line=1.1)

    title = styles["Title"]
    ppr = title.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        found = ppr.find(qn(tag))
        if found is not None:
            ppr.remove(found)
    _font(title, 24, bold=True)
    title.font.all_caps = False
    rpr = title.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        found = rpr.find(qn(tag))
        if found is not None:
            rpr.remove(found)
    _spacing(title, 0, 12, keep_next=True)

    subtitle = styles["Subtitle"]
    _font(subtitle, 14, italic=False, color=GREY)
    _spacing(subtitle, 0, 12)

    sizes = {1: 16, 2: 13, 3: 12, 4: 11, 5: 11, 6: 11}
    for level, size in sizes.items():
        h = styles[f"Heading {level}"]
        _font(h, size if not agreement or level > 1 else 13, bold=True, italic=False)
        _spacing(h, 18 if level == 1 else 12, 6, keep_next=True)
        h.paragraph_format.keep_together = True
    if agreement:
        _style_numbering(styles["Heading 1"], CLAUSES, 0)
        _style_numbering(styles["Heading 2"], CLAUSES, 1)
        styles["Heading 1"].font.all_caps = True

    body = styles["Body Text"]
    _font(body, 11)
    _spacing(body, 0, 6)
    body.paragraph_format.left_indent = indent

    for name in ("List Bullet", "List Bullet 2", "List Bullet 3"):
        _font(styles[name], 11)
        _spacing(styles[name], 0, 3)
        _style_numbering(styles[name], BULLETS, 0 if name == "List Bullet" else int(name[-1]) - 1)
        styles[name].paragraph_format.left_indent = None
    for name in ("List Number", "List Number 2", "List Number 3"):
        _font(styles[name], 11)
        _spacing(styles[name], 0, 3)
        _style_numbering(styles[name], NUMBERS, 0 if name == "List Number" else int(name[-1]) - 1)
    for name in ("List Continue", "List Continue 2", "List Continue 3"):
        depth = 1 if name == "List Continue" else int(name[-1])
        styles[name].paragraph_format.left_indent = Cm(0.635 * depth) + indent

    quote = styles["Quote"]
    _font(quote, 11, italic=True, color=GREY)
    quote.paragraph_format.left_indent = Cm(1.27) + indent
    quote.paragraph_format.right_indent = Cm(1.27)

    caption = styles["Caption"]
    _font(caption, 10, bold=True, italic=False)
    _spacing(caption, 6, 3, keep_next=True)

    for name in ("Header", "Footer"):
        _font(styles[name], 9, color=GREY)
        _spacing(styles[name], 0, 0)
        tabs = styles[name].element.pPr.find(qn("w:tabs"))
        if tabs is not None:  # Letter-size tab stops of the default template
            styles[name].element.pPr.remove(tabs)
        styles[name].paragraph_format.tab_stops.add_tab_stop(Cm(16.0), alignment=2)  # right edge

    if "Hyperlink" not in styles:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = LINK
        link.font.underline = True
        link.priority = 99
        link.unhide_when_used = True

    table_text = _paragraph_style(document, "Table Text")
    _font(table_text, 10)
    _spacing(table_text, 0, 2)
    _table_grid(document)

    if agreement:
        clause = _paragraph_style(document, "Clause")
        _font(clause, 11)
        _spacing(clause, 0, 8)
        _style_numbering(clause, CLAUSES, 1)
        sub = _paragraph_style(document, "Subclause")
        _font(sub, 11)
        _spacing(sub, 0, 6)
        _style_numbering(sub, CLAUSES, 2)
        recital = _paragraph_style(document, "Recital")
        _font(recital, 11)
        _spacing(recital, 0, 8)
        _style_numbering(recital, RECITALS, 0)
        party = _paragraph_style(document, "Party")
        _font(party, 11)
        _spacing(party, 0, 8)
        _style_numbering(party, PARTIES, 0)
        note = _paragraph_style(document, "Draft Note")
        _font(note, 11, bold=True, color=RGBColor(0xD4, 0x35, 0x1C))
        _spacing(note, 6, 6)
        fp = _paragraph_style(document, "Fingerprint")
        _font(fp, 9, color=GREY)
        _spacing(fp, 0, 6)
        fp.font.name = "Courier New"
        rf = fp.element.rPr.find(qn("w:rFonts"))
        rf.set(qn("w:cs"), "Courier New")
        rf.set(qn("w:eastAsia"), "Courier New")


def set_language_settings(document: Document) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = parse_xml(f"<w:themeFontLang {nsdecls('w')}/>")
        settings.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    # Tell Word to keep the document's own language rather than the editor's keyboard.
    for stale in settings.findall(qn("w:rsids")):
        settings.remove(stale)


# ================================================================== page set-up, header, footer


def _field_runs(paragraph: Paragraph, instr: str, cached: str) -> None:
    p = paragraph._p
    for xml in (
        '<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {{ns}}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
        '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {{ns}}><w:t>{cached}</w:t></w:r>",
        '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p.append(parse_xml(xml.format(ns=nsdecls("w"))))


def set_up_page(document: Document, header_text: str, footer_text: str) -> None:
    """A4 portrait, 2.5 cm margins; header text; footer "<text>   Page N of M"."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.0)

    header = section.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    hp.style = document.styles["Header"]
    hp.text = header_text
    hp.paragraph_format.tab_stops.clear_all()

    footer = section.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0]
    fp.style = document.styles["Footer"]
    if footer_text:
        fp.add_run(footer_text)
    fp.add_run("\tPage ")
    _field_runs(fp, "PAGE", "1")
    fp.add_run(" of ")
    _field_runs(fp, "NUMPAGES", "1")


# ================================================================== writing helpers


def para(container: object, style: str, *runs: str | tuple[str, str]) -> Paragraph:
    """A paragraph of ``style``; each run is text, or (text, "b"/"i"/"bi") for formatting.

    Every run holds whole tags, so a tag is never split across runs."""
    p: Paragraph = container.add_paragraph(style=style)  # type: ignore[attr-defined]
    for run in runs:
        text, fmt = (run, "") if isinstance(run, str) else run
        r = p.add_run(text)
        r.bold = "b" in fmt or None
        r.italic = "i" in fmt or None
    return p


def unnumbered(p: Paragraph) -> Paragraph:
    """Switch a numbered style's numbering off for this paragraph (numId 0)."""
    numpr = p._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_numId().val = 0
    return p


def tag(container: object, text: str) -> Paragraph:
    """A paragraph that only holds a docxtpl paragraph tag ({%p ... %}); docxtpl removes it."""
    return para(container, "Normal", text)


def table(document: Document, header: Sequence[str], widths_cm: Sequence[float]) -> Table:
    t = document.add_table(rows=1, cols=len(header))
    t.style = document.styles["Table Grid"]
    t.autofit = False
    row = t.rows[0]
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for cell, text in zip(row.cells, header, strict=True):
        _cell_text(cell, text, bold=True)
    _widths(t, widths_cm)
    return t


def _widths(t: Table, widths_cm: Sequence[float]) -> None:
    total = sum(widths_cm)
    twips = [round(TEXT_WIDTH * w / total) for w in widths_cm]
    grid = t._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(w))
    for row in t.rows:
        for cell, w in zip(row.cells, twips, strict=False):
            cell.width = w * 635  # twips → EMU
    tblw = t._tbl.tblPr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(TEXT_WIDTH))


def _cell_text(cell: _Cell, text: str, *, bold: bool = False) -> Paragraph:
    p = cell.paragraphs[0]
    p.style = "Table Text"
    if text:
        r = p.add_run(text)
        if bold:
            r.bold = True
    return p


def row(t: Table, *cells: str) -> None:
    """Add a row whose cells hold ``cells`` (tags or text), in "Table Text"."""
    r = t.add_row()
    r._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))  # no row splits across pages
    for cell, text in zip(r.cells, cells, strict=True):
        _cell_text(cell, text)


def loop_table(document: Document, header: Sequence[str], widths: Sequence[float], loop: str,
               cells: Sequence[str], total: Sequence[str] | None = None) -> Table:  # fmt: skip
    """A table with a header row and one row per item: ``{%tr for ... %}`` / ``{%tr endfor %}``."""
    t = table(document, header, widths)
    row(t, loop, *([""] * (len(header) - 1)))
    row(t, *cells)
    row(t, "{%tr endfor %}", *([""] * (len(header) - 1)))
    if total is not None:
        r = t.add_row()
        r._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        for cell, text in zip(r.cells, total, strict=True):
            _cell_text(cell, text, bold=True)
    _widths(t, widths)
    return t


# ================================================================== the agreement


def agreement_body(d: Document) -> None:
    # ---- cover: the partnership's name in its colour band and the partners' logos, then the
    # title, reference, version, date and status; the agreement itself starts on the next page
    tag(d, "{{p cover_band() }}")
    para(d, "Title", "{{ content.agreement.title }}")
    para(d, "Normal", ("Reference: ", "b"), "{{ content.agreement.reference }}")
    para(d, "Normal", ("Version: ", "b"), "{{ doc.version }}, dated {{ doc.date|date }}")
    para(
        d,
        "Normal",
        ("Status: ", "b"),
        "{{ 'Ended (historical record)' if doc.historical else ('For signature' if doc.for_signature "
        "else ('Draft' if doc.draft else 'Signed by every lead safeguarding partner (the signed PDF "
        "is the final version)')) }}",
    )
    para(d, "Fingerprint", "Content fingerprint: {{ doc.fingerprint }}")
    tag(d, "{%p if doc.draft %}")
    para(
        d,
        "Draft Note",
        "{{ 'FOR SIGNATURE – this agreement becomes final when every lead safeguarding partner has "
        "signed it digitally; a copy without all their signatures is not final' if "
        "doc.for_signature else 'DRAFT – not yet in force. This agreement is not final: ' ~ "
        "doc.draft_reasons|join('; ') }}.",
    )
    tag(d, "{%p endif %}")
    tag(d, "{%p if doc.historical %}")
    para(
        d,
        "Draft Note",
        "ENDED – {{ doc.ended.sentence }} This agreement no longer has effect; it is kept as a "
        "historical record.",
    )
    tag(d, "{%p endif %}")
    # The date of the last signature; a blank line until every LSP has signed.
    dated = para(d, "Normal", ("THIS AGREEMENT", "b"), " is dated {{ doc.dated }}.")
    dated.paragraph_format.page_break_before = True

    # ---- parties
    unnumbered(para(d, "Heading 1", "Parties"))
    tag(d, "{%p for partner in partners %}")
    para(
        d,
        "Party",
        ("{{ partner.legal_name }}", "b"),
        " of {{ partner.address }}, the {{ partner.kind_label|lower }} safeguarding partner "
        "(“{{ partner.name }}”), acting by its lead safeguarding partner, the {{ partner.lsp.title }};",
    )
    tag(d, "{%p endfor %}")
    para(d, "Normal", "together “the parties” and each “a party”.")

    # ---- background
    unnumbered(para(d, "Heading 1", "Background"))
    para(
        d,
        "Recital",
        "Sections 16E to 16K of the Children Act 2004 (as amended by the Children and Social Work Act "
        "2017) require the safeguarding partners for a local authority area to make arrangements to work "
        "together, and with the relevant agencies they consider appropriate, to safeguard and promote "
        "the welfare of children in the area, having regard to Working Together to Safeguard Children 2023.",
    )
    tag(d, "{{p md(content.agreement.background, 'Recital') }}")
    para(d, "Normal", ("IT IS AGREED", "b"), " as follows.")

    # ---- 1 definitions
    para(d, "Heading 1", "Definitions and interpretation")
    para(d, "Clause", "In this agreement the following words have the meanings shown:")
    loop_table(
        d,
        ["Term", "Meaning"],
        [4.5, 11.5],
        "{%tr for definition in content.agreement.definitions %}",
        ["{{ definition.term }}", "{{ definition.meaning }}"],
    )
    para(
        d,
        "Clause",
        "“Partnership” means {{ partnership.name }} ({{ partnership.short_name }}); “the Act” means the "
        "Children Act 2004; “Working Together” means Working Together to Safeguard Children 2023, as "
        "revised from time to time.",
    )
    para(
        d,
        "Clause",
        "A reference to a statute or guidance includes it as amended or replaced. Headings do not "
        "affect the interpretation of this agreement. If this agreement conflicts with the published "
        "arrangements on how the Partnership operates, the published arrangements prevail.",
    )

    # ---- 2 statutory basis
    para(d, "Heading 1", "Statutory basis and purpose")
    para(
        d,
        "Clause",
        "Each party is a safeguarding partner for a local authority area under section 16E(3) of the Act. "
        "The parties have agreed to make one set of arrangements covering "
        "{{ partnership.areas|map(attribute='name')|join(' and ') }}, as the Act allows safeguarding "
        "partners for two or more local authority areas to do.",
    )
    para(
        d,
        "Clause",
        "The purpose of this agreement is to set out how the parties lead, govern, fund, staff and "
        "support the Partnership; how they delegate their functions; how they share information, "
        "liabilities and risks; and how they resolve disagreements between them.",
    )
    para(
        d,
        "Clause",
        "Nothing in this agreement transfers a statutory duty from one party to another or fetters the "
        "discretion of any party in exercising its statutory functions. Each party remains accountable "
        "for its own contribution to the arrangements.",
    )

    # ---- 3 commencement
    para(d, "Heading 1", "Commencement, term and review")
    para(
        d,
        "Clause",
        "This agreement starts on {{ content.agreement.commencement|date }} and continues for "
        "{{ content.agreement.term_years }} years. It then continues in force until the parties agree a "
        "replacement or it ends under the clause headed “Variation and exit”.",
    )
    para(
        d,
        "Clause",
        "The parties will review this agreement by {{ content.agreement.review_date|date }}, and earlier "
        "if Working Together, the published arrangements or the parties' funding shares change.",
    )

    # ---- 4 governance and delegation
    para(d, "Heading 1", "Governance and scheme of delegation")
    tag(d, "{{p md(content.governance.decision_making, 'Clause') }}")
    para(d, "Clause", "The Partnership's groups, who chairs them and what they decide are:")
    loop_table(
        d,
        ["Group", "Chair", "Meets", "Decides"],
        [4, 3.5, 3, 5.5],
        "{%tr for group in content.governance.groups %}",
        [
            "{{ group.name }}",
            "{{ group.chair }}",
            "{{ group.frequency }}",
            "{{ group.decides|join('; ') if group.decides else '—' }}",
        ],
    )
    para(
        d,
        "Clause",
        "Each lead safeguarding partner has appointed a delegated safeguarding partner senior enough "
        "to speak with authority, take decisions for it and hold its sector to account. The delegated "
        "safeguarding partners act together for the Partnership rather than as spokespeople for their "
        "own agencies, and report their decisions back to their lead safeguarding partners. Delegation "
        "does not transfer accountability: each lead safeguarding partner remains answerable for "
        "decisions taken on its behalf.",
    )
    para(d, "Clause", "The current delegations, as recorded in each party's scheme of delegation, are:")
    loop_table(
        d,
        ["Party", "Delegated safeguarding partner", "Instrument", "Decided", "Review by"],
        [3.2, 3.6, 4.4, 2.6, 2.2],
        "{%tr for partner in partners %}",
        [
            "{{ partner.name }}",
            "{{ partner.current_delegation.delegate }}, {{ partner.dsp.title }}",
            "{{ partner.current_delegation.instrument }}",
            "{{ partner.current_delegation.decided_by }}, {{ partner.current_delegation.decided_on|date }}",
            "{{ partner.current_delegation.review_by|date }}",
        ],
    )
    tag(d, "{%p for partner in partners %}")
    para(d, "Heading 2", "Delegation by {{ partner.name }}")
    para(
        d,
        "Body Text",
        "The {{ partner.lsp.title }} has delegated to {{ partner.current_delegation.delegate }}, with effect "
        "from {{ partner.current_delegation.effective_from|date }}, authority to:",
    )
    tag(d, "{%p for item in partner.current_delegation.scope %}")
    para(d, "List Bullet", "{{ item }}")
    tag(d, "{%p endfor %}")
    tag(d, "{{p md(partner.current_delegation.limits) }}")
    tag(d, "{%p endfor %}")

    # ---- 5 functions
    para(d, "Heading 1", "Functions of each party")
    para(
        d,
        "Clause",
        "In addition to its own statutory duties, each party carries out the following functions for "
        "the Partnership:",
    )
    tag(d, "{%p for entry in content.agreement.functions %}")
    para(d, "Heading 2", "{{ entry.partner|party_name }}")
    tag(d, "{%p for function in entry.functions %}")
    para(d, "List Bullet", "{{ function }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")

    # ---- 6 funding
    para(d, "Heading 1", "Funding")
    tag(d, "{{p md(content.funding.approach, 'Clause') }}")
    para(
        d,
        "Clause",
        "For the financial year {{ content.funding.current.year }} (from "
        "{{ content.funding.current.start|date }} to {{ content.funding.current.end|date }}) the shared "
        "budget is {{ content.funding.current.total|money }}, made up of these contributions:",
    )
    loop_table(
        d,
        ["Contributor", "Contribution", "Support in kind"],
        [4.5, 3, 8.5],
        "{%tr for contribution in content.funding.current.contributions %}",
        [
            "{{ contribution.partner|party_name }}",
            "{{ contribution.amount|money }}",
            "{{ contribution.in_kind|join('; ') if contribution.in_kind else 'None' }}",
        ],
        total=["Total", "{{ content.funding.current.total|money }}", ""],
    )
    tag(d, "{%p if content.funding.current.pooled_fund %}")
    para(
        d,
        "Clause",
        "The contributions are paid into a pooled budget held by "
        "{{ content.funding.hosting_body|party_name }} as hosting body, as the Act allows. The "
        "hosting body keeps the pooled budget separate from its own money, spends it only on the "
        "Partnership's agreed budget and accounts for it to the parties.",
    )
    tag(d, "{%p else %}")
    para(
        d,
        "Clause",
        "The contributions are not pooled. {{ content.funding.hosting_body|party_name }} acts as hosting "
        "body and each party pays the costs it has agreed to meet directly or through the hosting body.",
    )
    tag(d, "{%p endif %}")
    para(d, "Heading 2", "Payment terms")
    tag(d, "{{p md(content.funding.payment_terms, 'Clause') }}")
    para(d, "Heading 2", "Underspends and overspends")
    tag(d, "{{p md(content.funding.under_and_overspend, 'Clause') }}")
    para(
        d,
        "Clause",
        "The lead safeguarding partners agree the shared annual budget, and each party's contribution, "
        "before the start of each financial year. A change to the funding shares takes effect from the "
        "start of the next financial year.",
    )

    # ---- 7 staffing and hosting
    para(d, "Heading 1", "Staffing and hosting")
    tag(d, "{{p md(content.agreement.staffing_and_hosting, 'Clause') }}")
    para(d, "Clause", "The parties share these teams, each hosted by one party:")
    loop_table(
        d,
        ["Team", "Hosted by", "Staff from"],
        [4.5, 4, 7.5],
        "{%tr for team in content.liabilities.shared_teams %}",
        [
            "{{ team.name }}",
            "{{ team.host|party_name }}",
            "{{ team.staff_from|map('party_name')|join(', ') }}",
        ],
    )

    # ---- 8 disputes
    para(d, "Heading 1", "Dispute resolution")
    tag(d, "{{p md(content.disputes.principles, 'Clause') }}")
    para(
        d,
        "Clause",
        "A disagreement is escalated through the following stages. Each stage should be completed "
        "within the timescale shown, in working days, before the next stage begins:",
    )
    loop_table(
        d,
        ["Stage", "Who", "Within", "What happens"],
        [3.5, 4, 2, 6.5],
        "{%tr for stage in content.disputes.stages %}",
        [
            "{{ loop.index }}. {{ stage.name }}",
            "{{ stage.who|join('; ') }}",
            "{{ stage.timescale_working_days }} working days",
            "{{p md(stage.description, 'Table Text') }}",
        ],
    )
    para(
        d,
        "Clause",
        "Taken together, the stages should resolve a disagreement within "
        "{{ content.disputes.stages|sum(attribute='timescale_working_days') }} working days.",
    )
    tag(d, "{{p md(content.disputes.scrutineer_role, 'Clause') }}")
    para(
        d,
        "Clause",
        "A disagreement between the parties about this agreement follows the same stages, starting at "
        "the stage for senior managers. No party will start legal proceedings about this agreement until "
        "the final stage has been completed, except to seek urgent interim relief.",
    )

    # ---- 9 liabilities
    para(d, "Heading 1", "Liabilities and indemnities")
    tag(d, "{{p md(content.liabilities.liabilities, 'Clause') }}")
    tag(d, "{{p md(content.liabilities.indemnities, 'Clause') }}")
    para(d, "Clause", "For the teams that one party hosts for the others:")
    tag(d, "{%p for team in content.liabilities.shared_teams %}")
    para(
        d,
        "Subclause",
        ("{{ team.name }}", "b"),
        " (hosted by {{ team.host|party_name }}): {{ team.liability }}",
    )
    tag(d, "{%p endfor %}")
    para(
        d,
        "Clause",
        "No party is liable to another for indirect or consequential loss. Nothing in this agreement "
        "limits or excludes liability for death or personal injury caused by negligence, or for fraud.",
    )
    para(
        d,
        "Clause",
        "A party that receives a claim which may lead to a claim under an indemnity tells the other "
        "parties promptly, takes their views into account and does not settle the claim without their "
        "agreement, which they will not unreasonably withhold.",
    )

    # ---- 10 insurance
    para(d, "Heading 1", "Insurance")
    para(
        d,
        "Clause",
        "Each party keeps in place, for as long as this agreement lasts, the insurance or equivalent "
        "cover shown below, and shows evidence of it to another party on request:",
    )
    loop_table(
        d,
        ["Party", "Cover", "Minimum cover", "Arrangement"],
        [3.6, 4.4, 2.8, 5.2],
        "{%tr for cover in content.liabilities.insurance %}",
        [
            "{{ cover.partner|party_name }}",
            "{{ cover.type }}",
            "{{ cover.minimum_cover|money }}",
            "{{ cover.arrangement or '—' }}",
        ],
    )

    # ---- 11 information sharing
    para(d, "Heading 1", "Information sharing")
    tag(d, "{{p md(content.information_sharing.information_requests, 'Clause') }}")
    para(
        d,
        "Clause",
        "The parties share personal data with each other for the Partnership's functions on these "
        "lawful bases under the UK GDPR and the Data Protection Act 2018:",
    )
    loop_table(
        d,
        ["Lawful basis", "Applies to"],
        [6.5, 9.5],
        "{%tr for basis in content.information_sharing.lawful_bases %}",
        ["{{ basis.basis }}", "{{p md(basis.applies_to, 'Table Text') }}"],
    )
    para(
        d,
        "Clause",
        "The following information sharing agreements are in force, and each party complies with them:",
    )
    loop_table(
        d,
        ["Agreement", "Parties", "Signed", "Review by"],
        [5, 6.4, 2.3, 2.3],
        "{%tr for isa in content.information_sharing.agreements %}",
        [
            "{{ isa.name }}",
            "{{ isa.parties|map('party_name')|join(', ') }}",
            "{{ isa.signed_on|date }}",
            "{{ isa.review_by|date }}",
        ],
    )
    para(d, "Clause", "For the information shared under this agreement the parties act as follows:")
    loop_table(
        d,
        ["Organisation", "Role", "Information"],
        [4.5, 3, 8.5],
        "{%tr for controller in content.information_sharing.controllers %}",
        ["{{ controller.partner|party_name }}", "{{ controller.role|humanise }}", "{{ controller.data }}"],
    )
    para(d, "Clause", "Questions about data protection go to each party's contact:")
    tag(d, "{%p for contact in content.information_sharing.contacts %}")
    para(
        d,
        "List Bullet",
        "{{ contact.partner|party_name }}: {{ contact.name }} ({{ contact.role }}), {{ contact.email }}",
    )
    tag(d, "{%p endfor %}")
    para(
        d,
        "Clause",
        "A party that becomes aware of a personal data breach affecting information shared under this "
        "agreement tells the other parties' contacts without undue delay, and in any case within 24 "
        "hours, and the parties cooperate in dealing with it.",
    )

    # ---- 12 confidentiality, FOI
    para(d, "Heading 1", "Confidentiality and freedom of information")
    tag(d, "{{p md(content.agreement.confidentiality, 'Clause') }}")
    tag(d, "{{p md(content.agreement.freedom_of_information, 'Clause') }}")

    # ---- 13 variation and exit
    para(d, "Heading 1", "Variation and exit")
    tag(d, "{{p md(content.agreement.variation, 'Clause') }}")
    tag(d, "{{p md(content.agreement.exit, 'Clause') }}")
    para(
        d,
        "Clause",
        "Notice under this clause is given in writing to the lead safeguarding partner of every other "
        "party at the address shown at the start of this agreement, at least "
        "{{ content.agreement.notice_period_months }} months before the end of the financial year in "
        "which it is to take effect.",
    )

    # ---- 14 general
    para(d, "Heading 1", "General")
    para(
        d,
        "Clause",
        "Each party enters into this agreement in the exercise of its statutory functions. Nothing in "
        "it creates a partnership in law, a joint venture or an agency between the parties.",
    )
    para(
        d,
        "Clause",
        "No one other than the parties has any right to enforce this agreement under the Contracts "
        "(Rights of Third Parties) Act 1999.",
    )
    para(
        d,
        "Clause",
        "This agreement may be signed in counterparts and by electronic signature. Each signed "
        "counterpart is an original, and together they form one agreement.",
    )
    para(
        d,
        "Clause",
        "This agreement is governed by the law of {{ content.agreement.governing_law }}, and the courts of "
        "{{ content.agreement.governing_law }} have exclusive jurisdiction.",
    )

    # ---- signatures
    sig_heading = unnumbered(para(d, "Heading 1", "Signatures"))
    sig_heading.paragraph_format.page_break_before = True
    para(
        d,
        "Normal",
        "Signed by the lead safeguarding partner of each party. By signing, each confirms this agreement, "
        "version {{ doc.version }} dated {{ doc.date|date }}, reference {{ content.agreement.reference }}.",
    )
    para(d, "Fingerprint", "Content fingerprint: {{ doc.fingerprint }}")
    # the signed version this one replaces, when agreement.yaml records it (supersedes)
    tag(d, "{%p if doc.replaces_text %}")
    para(d, "Normal", "{{ doc.replaces_text }}")
    tag(d, "{%p endif %}")
    tag(d, "{%p if doc.draft %}")
    para(
        d,
        "Draft Note",
        "{{ 'FOR SIGNATURE – awaiting the signature of ' ~ doc.awaiting|join(', ') if "
        "doc.for_signature else 'DRAFT – ' ~ doc.draft_reasons|join('; ') }}.",
    )
    tag(d, "{%p endif %}")
    tag(d, "{%p for sig in doc.signatures %}")
    # Spread the blocks evenly over the pages, so that none is left alone on a page.
    tag(d, "{%p if sig.page_break_before %}")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    tag(d, "{%p endif %}")
    t = d.add_table(rows=6, cols=2)
    t.style = d.styles["Table Grid"]
    t.autofit = False
    first = t.rows[0]
    first._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    merged = first.cells[0].merge(first.cells[1])
    _cell_text(merged, "Signed for and on behalf of {{ sig.organisation }}", bold=True)
    labels = [
        ("Name:", "{{ sig.name }}"),
        ("Title:", "{{ sig.title }}"),
        ("Organisation:", "{{ sig.organisation }}"),
        ("Signature:", ""),
        ("Date:", "{{ sig.signed_on|date if sig.signed else '' }}"),
    ]
    for r, (label, value) in zip(t.rows[1:], labels, strict=True):
        _cell_text(r.cells[0], label)
        _cell_text(r.cells[1], value)
        r._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        for cell in r.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
        if label == "Signature:":
            r.height = Cm(2.2)
            r.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    for p in merged.paragraphs:
        p.paragraph_format.keep_with_next = True
    _widths(t, [3.5, 12.5])
    para(d, "Normal", "")
    tag(d, "{%p endfor %}")


# ================================================================== build and save


def _new_document(*, agreement: bool, header: str, footer: str) -> Document:
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_up_styles(document, agreement=agreement)
    _set_numbering(document, agreement)
    set_language_settings(document)
    set_up_page(document, header, footer)
    return document


def _save(document: Document, path: Path, title: str) -> None:
    sys.path.insert(0, str(HERE.parents[1] / "src"))
    from masa_docs.render.docx_package import normalise_docx

    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(
        normalise_docx(buf.getvalue(), title=title, author="masa-docs", created=CREATED, language=LANGUAGE)
    )


def build_agreement(path: Path) -> None:
    d = _new_document(
        agreement=True,
        header="{{ doc.running_partnership }} | {{ doc.spec.title }}, version {{ doc.version }}"
        "{% if doc.watermarked %} | DRAFT{% endif %}",
        footer="Ref. {{ content.agreement.reference }}",
    )
    agreement_body(d)
    _save(d, path, "Collaboration agreement template")


def build_word_copy(path: Path) -> None:
    # The header paragraph is filled in by masa_docs.render.word_copy from the document's meta.
    d = _new_document(agreement=False, header="", footer="")
    _save(d, path, "Word copy base")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="overwrite agreement.docx (lawyers' edits!)")
    parser.add_argument("--word-copy", action="store_true", help="rebuild word-copy.docx only")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build_word_copy(args.out / "word-copy.docx")
    print(f"wrote {args.out / 'word-copy.docx'}")
    if args.word_copy:
        return 0
    target = args.out / "agreement.docx"
    if target.exists() and not args.force:
        print(f"{target} exists and belongs to the legal advisers; pass --force to overwrite it")
        return 1
    build_agreement(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
