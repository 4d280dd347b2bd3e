"""Markdown → Word bridge, deterministic packaging and the .docx outline."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from masa_docs.render.docx_outline import docx_language, heading_levels, outline
from masa_docs.render.docx_package import normalise_docx
from masa_docs.render.docx_writer import MONOSPACE_FONT, MissingStyleError, add_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
NSMAP = {"w": W, "r": R}


def _load_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docx_fixtures", FIXTURES / "docx_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fx = _load_fixtures()


@pytest.fixture(scope="module")
def sample_doc() -> DocumentObject:
    document = docx.Document()
    add_markdown(document, fx.SAMPLE_MD)
    return document


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return fx.build_document()


def _name(style: object) -> str:
    return str(getattr(style, "name", ""))


def _paragraphs(document: DocumentObject) -> list[tuple[str, str]]:
    return [(_name(p.style), p.text) for p in document.paragraphs]


def _para(document: DocumentObject, startswith: str) -> Paragraph:
    for p in document.paragraphs:
        if p.text.startswith(startswith):
            return p
    raise AssertionError(f"no paragraph starts with {startswith!r}")


def _num_id(p: Paragraph) -> int | None:
    found = p._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    return int(found[0]) if found else None


# --------------------------------------------------------------------------- bridge


def test_headings_paragraphs_quote_and_code_styles(sample_doc: DocumentObject) -> None:
    styles = dict((text, style) for style, text in _paragraphs(sample_doc))
    assert styles["Partnership arrangements"] == "Heading 1"
    assert styles["Literal text"] == "Heading 2"
    assert styles["Links"] == "Heading 3"
    assert styles['Children said: "Listen to us."'] == "Quote"
    assert _name(_para(sample_doc, "Local safeguarding").style) == "Body Text"
    code = _para(sample_doc, "code & <code>")
    assert code.text == "code & <code>\n\tindented {{ code }}"
    fonts = {r._r.xpath("string(./w:rPr/w:rFonts/@w:ascii)") for r in code.runs}
    assert fonts == {MONOSPACE_FONT}


def test_heading_offset_is_applied_and_clamped() -> None:
    document = docx.Document()
    add_markdown(document, "# One\n\n###### Six", heading_offset=2)
    add_markdown(document, "## Deep", heading_offset=20)
    assert [_name(p.style) for p in document.paragraphs] == ["Heading 3", "Heading 8", "Heading 9"]


def test_missing_heading_style_is_a_clear_error() -> None:
    document = docx.Document()
    style = document.styles["Heading 2"].element
    style.getparent().remove(style)
    with pytest.raises(MissingStyleError, match="Heading 2"):
        add_markdown(document, "## Needs heading 2")


def test_body_style_override() -> None:
    document = docx.Document()
    add_markdown(document, "Plain.", body_style="Normal")
    assert _name(document.paragraphs[0].style) == "Normal"
    with pytest.raises(MissingStyleError, match="Nope"):
        add_markdown(document, "x", body_style="Nope")


def test_inline_runs(sample_doc: DocumentObject) -> None:
    p = _para(sample_doc, "Local safeguarding")
    runs = {r.text: r for r in p.runs}
    assert runs["LSPs"].bold is True
    assert runs["arrangements"].italic is True
    assert runs["superseded"].font.strike is True
    assert runs["Exampleshire"]._r.xpath("string(./w:rPr/w:rFonts/@w:ascii)") == MONOSPACE_FONT
    assert runs["LSPs"].italic is None and runs["arrangements"].bold is None
    # soft break → space, hard break → w:br
    assert "joins lines, while" in p.text and "hard break\nstarts" in p.text
    assert len(p._p.xpath(".//w:br")) == 1


def test_nested_bullets_use_level_styles(sample_doc: DocumentObject) -> None:
    styles = dict((text, style) for style, text in _paragraphs(sample_doc))
    assert styles["nested bullet"] == "List Bullet 2"
    assert styles["Bullet one"] == "List Bullet"
    assert styles["Second priority"] == "List Number"
    assert styles["Third priority"] == "List Number"


def test_ordered_lists_restart_with_their_own_num(sample_doc: DocumentObject) -> None:
    first = [_num_id(_para(sample_doc, t)) for t in ("First priority", "Third priority")]
    second = [_num_id(_para(sample_doc, t)) for t in ("Second list, first", "Second list, second")]
    third = _num_id(_para(sample_doc, "Starts at seven"))
    assert first[0] == first[1] and second[0] == second[1]
    assert len({first[0], second[0], third}) == 3, "each list needs its own w:num"

    numbering = sample_doc.part.numbering_part.element
    style_num = sample_doc.styles["List Number"].element.xpath("string(./w:pPr/w:numPr/w:numId/@w:val)")
    style_abstract = numbering.xpath(f"string(./w:num[@w:numId='{style_num}']/w:abstractNumId/@w:val)")

    def num(num_id: int | None) -> tuple[str, str]:
        el = numbering.xpath(f"./w:num[@w:numId='{num_id}']")[0]
        return (
            el.xpath("string(./w:abstractNumId/@w:val)"),
            el.xpath("string(./w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val)"),
        )

    assert num(first[0]) == (style_abstract, "1")
    assert num(second[0]) == (style_abstract, "1")
    assert num(third) == (style_abstract, "7")
    # all w:num come after every w:abstractNum (schema order Word insists on)
    tags = [etree.QName(el).localname for el in numbering]
    assert tags.index("num") > max(i for i, t in enumerate(tags) if t == "abstractNum")


def test_lists_without_numbering_part_get_their_own_definitions() -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document()
    rid = next(r for r, rel in document.part.rels.items() if rel.reltype == RT.NUMBERING)
    document.part.drop_rel(rid)  # the styles now point at numbering that does not exist
    add_markdown(document, "1. a\n2. b\n\ntext\n\n1. c\n   - x\n\n- y")
    buf = io.BytesIO()
    document.save(buf)
    lines = outline(buf.getvalue()).splitlines()
    assert lines[:6] == [
        "P | List Number | L0 1. | a",
        "P | List Number | L0 2. | b",
        "P | Body Text | text",
        "P | List Number | L0 1. | c",
        "P | List Bullet 2 | L1 \u2022 | x",
        "P | List Bullet | L0 \u2022 | y",
    ]
    # new w:num ids never reuse an id a style refers to
    style_ids = {int(v) for v in document.styles.element.xpath(".//w:numPr/w:numId/@w:val")}
    used = {_num_id(p) for p in document.paragraphs} - {None}
    assert not used & style_ids


def test_hyperlinks_are_real_and_external(sample_doc: DocumentObject) -> None:
    p = _para(sample_doc, "Read Working Together")
    links = p._p.findall(qn("w:hyperlink"))
    assert len(links) == 2
    targets = []
    for link in links:
        rel = sample_doc.part.rels[link.get(qn("r:id"))]
        assert rel.reltype == HYPERLINK and rel.is_external
        targets.append(rel.target_ref)
        run = link.find(qn("w:r"))
        assert run.xpath("string(./w:rPr/w:rStyle/@w:val)") == "Hyperlink"
    assert targets == [
        "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2",
        "mailto:lscp@example.org?subject=Arrangements&cc=a@example.org",
    ]
    # javascript: is not a link (the parser refuses it); a relative link has no base here
    assert "[bad link](javascript:alert(1))" in p.text
    assert "this relative one." in p.text
    rel_targets = [r.target_ref for r in sample_doc.part.rels.values() if r.is_external]
    assert not any("javascript" in t for t in rel_targets)


def test_target_mode_external_in_saved_package(sample_doc: DocumentObject) -> None:
    buf = io.BytesIO()
    sample_doc.save(buf)
    with zipfile.ZipFile(buf) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
    hyper = [r for r in rels if r.get("Type") == HYPERLINK]
    assert {r.get("TargetMode") for r in hyper} == {"External"}
    assert len(hyper) == 2


def test_missing_hyperlink_style_is_added_blue_and_underlined(sample_doc: DocumentObject) -> None:
    style = sample_doc.styles["Hyperlink"]  # python-docx's default template has none
    assert style.type == WD_STYLE_TYPE.CHARACTER
    assert style.font.underline is True and str(style.font.color.rgb) == "0563C1"
    untouched = docx.Document()
    add_markdown(untouched, "No links here.")
    assert "Hyperlink" not in untouched.styles


def test_hyperlink_style_and_base_url() -> None:
    document = docx.Document()
    document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    add_markdown(document, "See [about](/about) and [top](#top).", base_url="https://example.org/x/")
    links = document.paragraphs[0]._p.findall(qn("w:hyperlink"))
    assert [document.part.rels[h.get(qn("r:id"))].target_ref for h in links] == [
        "https://example.org/about",
        "https://example.org/x/#top",
    ]
    assert links[0].xpath("string(./w:r/w:rPr/w:rStyle/@w:val)") == "Hyperlink"


def test_table_header_row_and_style(sample_doc: DocumentObject) -> None:
    table = sample_doc.tables[0]
    assert _name(table.style) == "Table Grid"
    flags = [bool(row._tr.xpath("./w:trPr/w:tblHeader")) for row in table.rows]
    assert flags == [True, False, False, False]
    assert [c.text for c in table.rows[0].cells] == ["Partner", "Lead", "Contribution"]
    assert all(r.bold for r in table.rows[0].cells[0].paragraphs[0].runs)
    assert table.rows[2].cells[1].paragraphs[0].runs[0].italic is True
    assert table.rows[1].cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_named_table_style_and_missing_one() -> None:
    document = docx.Document()
    add_markdown(document, "| a |\n|---|\n| b |", table_style="Light Grid Accent 1")
    assert _name(document.tables[0].style) == "Light Grid Accent 1"
    with pytest.raises(MissingStyleError):
        add_markdown(document, "| a |\n|---|\n| b |", table_style="No Such Style")


def test_text_comes_out_literally(sample_doc: DocumentObject) -> None:
    p = _para(sample_doc, "Tricky text")
    assert p.text == (
        'Tricky text: Smith & Sons <script>alert("x")</script> "double" \'single\' '
        "{{ 7*7 }} {% if true %}yes{% endif %} and {_{ raw }_} {_% tag %_}."
    )
    xml = etree.tostring(p._p, encoding="unicode")
    assert "&lt;script&gt;" in xml and "Smith &amp; Sons" in xml
    assert "<script>" not in xml


def test_control_characters_are_dropped() -> None:
    document = docx.Document()
    add_markdown(document, "bell\x07 and form\x0cfeed")
    assert document.paragraphs[0].text == "bell and formfeed"


# --------------------------------------------------------------------------- docxtpl + packaging


def test_subdoc_renders_literally_through_docxtpl(rendered: bytes) -> None:
    document = docx.Document(io.BytesIO(rendered))
    texts = [p.text for p in document.paragraphs]
    tricky = next(t for t in texts if t.startswith("Tricky text"))
    assert "{{ 7*7 }}" in tricky and "49" not in tricky
    assert "{% if true %}yes{% endif %}" in tricky
    assert "{_{ raw }_} {_% tag %_}" in tricky  # docxtpl rewrites these unless split
    assert "<script>" in tricky
    assert texts[0] == "Exampleshire Safeguarding Children Partnership & <friends>"


def test_subdoc_hyperlinks_live_on_the_template_part(rendered: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        body = etree.fromstring(z.read("word/document.xml"))
    by_id = {r.get("Id"): r for r in rels}
    ids = body.xpath("//w:hyperlink/@r:id", namespaces=NSMAP)
    assert len(ids) == 2
    for rid in ids:
        assert by_id[rid].get("Type") == HYPERLINK
        assert by_id[rid].get("TargetMode") == "External"


def test_subdoc_numbering_restarts_in_rendered_document(rendered: bytes) -> None:
    text = outline(rendered)
    labels = [line.split(" | ")[2] for line in text.splitlines() if "| List Number |" in line]
    assert labels == ["L0 1.", "L0 2.", "L0 3.", "L0 1.", "L0 2.", "L0 7.", "L0 8."]


def test_rendering_twice_gives_identical_bytes(rendered: bytes) -> None:
    again = fx.build_document()
    assert again == rendered
    # …and the raw docxtpl output is *not* stable on its own (zip timestamps), which is why
    # normalise_docx exists; compare the normalised form of two raw renders.
    template = fx.build_template()
    one, two = fx.render(template), fx.render(template)
    kwargs = {"title": "t", "author": "a", "created": fx.CREATED}
    assert normalise_docx(one, **kwargs) == normalise_docx(two, **kwargs)


def test_normalised_package_layout(rendered: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        infos = z.infolist()
        core = etree.fromstring(z.read("docProps/core.xml"))
    names = [i.filename for i in infos]
    assert names[0] == "[Content_Types].xml" and names[1] == "_rels/.rels"
    assert names[2:] == sorted(names[2:])
    assert {i.date_time for i in infos} == {(2025, 4, 1, 9, 30, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert {(i.create_system, i.external_attr >> 16) for i in infos} == {(3, 0o100644)}
    assert "docProps/thumbnail.jpeg" not in names

    ns = {
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dc": "http://purl.org/dc/elements/1.1/",
        "dcterms": "http://purl.org/dc/terms/",
    }

    def value(path: str) -> str:
        return str(core.xpath(f"string({path})", namespaces=ns))

    assert value("dc:title") == "Exampleshire arrangements"
    assert value("dc:creator") == value("cp:lastModifiedBy")
    assert value("dc:creator") == "Exampleshire Safeguarding Children Partnership"
    assert value("dcterms:created") == "2025-04-01T09:30:00Z"
    assert value("dcterms:modified") == "2025-04-01T09:30:00Z"
    assert value("cp:revision") == "1"
    assert value("dc:language") == "en-GB"
    assert value("dc:subject") == "Multi-agency safeguarding arrangements"
    assert value("cp:keywords") == "safeguarding; MASA"
    assert not core.xpath("dc:description", namespaces=ns)  # the template's stale one is gone
    props = docx.Document(io.BytesIO(rendered)).core_properties  # python-docx still reads it
    assert props.title == "Exampleshire arrangements"
    assert props.created == datetime(2025, 4, 1, 9, 30, tzinfo=UTC)


def test_normalise_dates_timezones_and_1980_clamp() -> None:
    plus_one = timezone(timedelta(hours=1))
    out = normalise_docx(
        fx.build_template(),
        title="t",
        author="a",
        created=datetime(1970, 1, 1, tzinfo=UTC),
        modified=datetime(2025, 6, 1, 12, 0, 1, tzinfo=plus_one),
    )
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "1970-01-01T00:00:00Z" in core and "2025-06-01T11:00:01Z" in core


def test_default_language_set_only_when_missing() -> None:
    kwargs = {"title": "t", "author": "a", "created": fx.CREATED, "language": "en-GB"}
    missing = normalise_docx(fx.build_template(language=None), **kwargs)
    assert docx_language(missing) == "en-GB"
    american = fx.build_template(language="en-US")
    assert docx_language(normalise_docx(american, **kwargs)) == "en-US"
    assert docx_language(normalise_docx(american, **kwargs, force_language=True)) == "en-GB"


# --------------------------------------------------------------------------- outline


def test_outline_snapshot(rendered: bytes, snapshot: object) -> None:
    assert outline(rendered) == snapshot


def test_outline_shows_structure(rendered: bytes) -> None:
    text = outline(rendered)
    assert "T | row 1 (header) | **Partner** | **Lead** | **Contribution**" in text
    assert "FOOTER | section 1 default | Page {PAGE} of {NUMPAGES}" in text
    assert "[Working Together 2023](https://www.gov.uk/" in text
    assert text.rstrip().endswith(
        "META | title=Exampleshire arrangements | language=en-GB | default-language=en-GB"
    )


def test_outline_images_and_complex_fields() -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
        b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    document.add_picture(io.BytesIO(png))
    document.inline_shapes[0]._inline.docPr.set("descr", "Partnership logo")
    p = document.add_paragraph("Page ")
    for xml in (
        '<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r {ns}><w:instrText xml:space="preserve"> PAGE \\* MERGEFORMAT </w:instrText></w:r>',
        '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r {ns}><w:t>7</w:t></w:r>",
        '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(parse_xml(xml.format(ns=nsdecls("w"))))
    buf = io.BytesIO()
    document.save(buf)
    lines = outline(buf.getvalue()).splitlines()
    assert lines[0] == "IMG | alt=Partnership logo"
    assert lines[1] == "P | Normal | Page {PAGE}"


def test_heading_levels_and_language(rendered: bytes) -> None:
    levels = heading_levels(rendered)
    assert levels[:4] == [
        (1, "Exampleshire Safeguarding Children Partnership & <friends>"),
        (2, "Partnership arrangements"),
        (3, "Literal text"),
        (4, "Links"),
    ]
    assert levels[-1] == (1, "Signatures")
    assert docx_language(rendered) == "en-GB"


@pytest.mark.parametrize("style_id", [None, "Hyperlink"])
@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("italic", [False, True])
@pytest.mark.parametrize("text", ["plain", " leading", "trailing ", "a\ttab", "line\rreturn", "\u00a0nbsp"])
def test_direct_runs_are_the_xml_python_docx_writes(
    style_id: str | None, bold: bool, italic: bool, text: str
) -> None:
    """The writer makes plain runs and paragraph styles without python-docx's setters (they
    search the schema's child order on every call): the XML must be the same."""
    from docx.oxml.parser import OxmlElement
    from docx.text.run import Run

    from masa_docs.render.docx_writer import _plain_run_properties, _set_pstyle, _set_run_text

    def through_python_docx() -> bytes:
        r = OxmlElement("w:r")
        run = Run(r, None)  # type: ignore[arg-type]
        if style_id is not None:
            r.get_or_add_rPr().style = style_id
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        run.text = text
        return etree.tostring(r)

    def direct() -> bytes:
        r = OxmlElement("w:r")
        _plain_run_properties(r, style_id, bold, italic)
        _set_run_text(r, Run(r, None), text)  # type: ignore[arg-type]
        return etree.tostring(r)

    assert direct() == through_python_docx()

    for first, then in ((None, "Heading1"), ("Heading1", None), ("Heading1", "Heading2"), (None, None)):
        ours, theirs = OxmlElement("w:p"), OxmlElement("w:p")
        for style in (first, then):
            _set_pstyle(ours, style)
            theirs.style = style
        assert etree.tostring(ours) == etree.tostring(theirs)


def test_new_subdoc_is_docxtpls_subdoc_without_the_reread() -> None:
    """new_subdoc() builds docxtpl's Subdoc from a copy of python-docx's default document: what
    it holds after the writer has run, and where, is what ``tpl.new_subdoc()`` gives."""
    from collections.abc import Callable

    from docxtpl import DocxTemplate
    from docxtpl.subdoc import Subdoc

    from masa_docs.render.docx_writer import new_subdoc

    template = fx.build_template()

    def written(make: Callable[[DocxTemplate], Subdoc]) -> tuple[str, str, bytes]:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.init_docx()
        first, second = make(tpl), make(tpl)
        assert isinstance(first, Subdoc)
        assert first.part is tpl.get_docx().part  # styles, numbering and links: the template's
        add_markdown(first, fx.SAMPLE_MD, heading_offset=1)
        numbering = tpl.get_docx().part.numbering_part.blob
        return str(first), str(second), numbering  # the second stays empty

    ours, theirs = written(new_subdoc), written(lambda tpl: tpl.new_subdoc())
    assert ours == theirs
    assert "Heading" in ours[0] and ours[1] == ""
