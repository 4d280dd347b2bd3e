"""init --from: Word arrangements (real headings, bold fake headings, numbered lists, tables)
become narrative Markdown placed by heading; nothing is invented in the YAML facts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from ruamel.yaml import YAML

from masa_docs.cli import main
from masa_docs.import_docx import init_from_docx, match_section
from masa_docs.markdown import to_html
from masa_docs.model import OPTIONAL_TOPICS, TOPIC_FILES

SIX = [
    ("1. Introduction", "introduction"),
    ("Our statutory safeguarding partners", "partners"),
    ("Governance and accountability", "governance"),
    ("Independent scrutiny", "scrutiny"),
    ("Use of data and intelligence", "data"),
    ("Escalation: resolving professional disagreements", "disputes"),
]


def real_headings_doc(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Northmere Safeguarding Children Partnership: arrangements", 0)
    d.add_paragraph("Version 2.1, June 2024. This text comes before the first heading.")
    for heading, _ in SIX:
        d.add_heading(heading, 1)
        d.add_paragraph(f"Text of the section called {heading}.")
    # Extra content inside sections.
    d.add_heading("The rapid review panel", 2)
    d.add_paragraph("The panel meets within 15 working days.")
    d.add_paragraph("Northmere Council", style="List Number")
    d.add_paragraph("NHS Northmere ICB", style="List Number")
    d.add_paragraph("Northmere Constabulary", style="List Number")
    p = d.add_paragraph("Partners share the cost ")
    p.add_run("equitably").bold = True
    p.add_run(", and <script>alert(1)</script> is just text.")
    d.add_paragraph("Schools", style="List Bullet")
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Group", "Chair"), ("Executive", "Independent | chair"), ("Panel", "ICB")]):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    d.add_heading("Glossary of terms", 1)
    d.add_paragraph("LSP: lead safeguarding partner.")
    d.save(str(path))
    return path


def bold_headings_doc(path: Path) -> Path:
    """No heading styles at all: headings are short bold paragraphs, as many documents do it."""
    d = docx.Document()
    for heading, _ in SIX:
        d.add_paragraph().add_run(heading).bold = True
        d.add_paragraph(
            f"Text of {heading}. A long paragraph that is bold in part, which is not a heading "
            "because it is a whole sentence that ends with a full stop."
        ).runs[0].bold = True
    # A character style that is bold also makes a heading.
    style = d.styles.add_style("Strong heading", WD_STYLE_TYPE.CHARACTER)
    style.font.bold = True
    d.add_paragraph().add_run("Funding the arrangements", style="Strong heading")
    d.add_paragraph("Each partner pays a share.")
    d.save(str(path))
    return path


def yaml_leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [x for v in node.values() for x in yaml_leaves(v)] or [node]
    if isinstance(node, list):
        return [x for v in node for x in yaml_leaves(v)] or [node]
    return [node]


def test_six_real_headed_sections_are_all_placed(tmp_path: Path) -> None:
    source = real_headings_doc(tmp_path / "current-arrangements.docx")
    dest = tmp_path / "new"
    result = CliRunner().invoke(main, ["init", str(dest), "--from", str(source)])
    assert result.exit_code == 0, result.output
    for heading, section in SIX:
        assert f'"{heading}"' in result.output and f"-> {section}.md" in result.output
        assert f"Text of the section called {heading}." in (dest / f"{section}.md").read_text()
    assert "Placed 6 of 7 sections." in result.output
    assert '"Glossary of terms"' in result.output and "not placed (from-word/unplaced.md)" in result.output
    unplaced = (dest / "from-word" / "unplaced.md").read_text()
    assert "# Glossary of terms" in unplaced and "LSP: lead safeguarding partner." in unplaced
    assert "Version 2.1, June 2024." in unplaced  # the text before the first heading

    disputes = (dest / "disputes.md").read_text()
    assert disputes == (
        "Text of the section called Escalation: resolving professional disagreements.\n\n"
        "# The rapid review panel\n\n"
        "The panel meets within 15 working days.\n\n"
        "1. Northmere Council\n1. NHS Northmere ICB\n1. Northmere Constabulary\n\n"
        "Partners share the cost **equitably**, and \\<script\\>alert(1)\\</script\\> is just text.\n\n"
        "- Schools\n\n"
        "| Group | Chair |\n| --- | --- |\n| Executive | Independent \\| chair |\n| Panel | ICB |\n"
    )
    html = to_html(disputes, heading_offset=2)
    assert "<h3>The rapid review panel</h3>" in html
    assert "<ol>\n<li>Northmere Council</li>" in html and "<ul>\n<li>Schools</li>" in html
    assert "<th>Chair</th>" in html and "<td>Independent | chair</td>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert (dest / "introduction.md").read_text() == "Text of the section called 1. Introduction.\n"


def test_bold_fake_headings_are_headings(tmp_path: Path) -> None:
    source = bold_headings_doc(tmp_path / "old.docx")
    result = init_from_docx(source, tmp_path / "new")
    assert [(p.heading, p.section) for p in result.document.parts] == [
        *SIX,
        ("Funding the arrangements", "funding"),
    ]
    gov = (tmp_path / "new" / "governance.md").read_text()
    assert gov.startswith("Text of Governance and accountability. A long paragraph")
    assert "**" not in gov.split(".")[0]  # the bold words of a paragraph stay in the paragraph
    assert (tmp_path / "new" / "funding.md").read_text() == "Each partner pays a share.\n"


def test_yaml_facts_start_empty_and_validate_lists_them(tmp_path: Path) -> None:
    dest = tmp_path / "new"
    init_from_docx(real_headings_doc(tmp_path / "a.docx"), dest)
    for topic, name in TOPIC_FILES.items():
        if topic in OPTIONAL_TOPICS:
            assert not (dest / name).exists()
            continue
        data = YAML(typ="safe").load((dest / name).read_text())
        assert all(leaf in (None, [], {}) for leaf in yaml_leaves(data)), name
    result = CliRunner().invoke(main, ["validate", "--content", str(dest)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    out = result.output
    assert "partnership.yaml:" in out and ": name: is empty" in out
    assert ": effective_date: is empty" in out
    assert "funding.yaml:" in out and "partners.yaml:" in out
    assert "unknown narrative file" not in out and "from-word" not in out


def test_mapping_can_be_edited_and_applied_again(tmp_path: Path) -> None:
    source = real_headings_doc(tmp_path / "a.docx")
    dest = tmp_path / "new"
    init_from_docx(source, dest)
    (dest / "partnership.yaml").write_text("name: Northmere  # typed by hand\n")
    mapping = dest / "from-word" / "mapping.yaml"
    text = mapping.read_text()
    text = text.replace(
        '- heading: "Use of data and intelligence"\n    section: data',
        '- heading: "Use of data and intelligence"\n    section: training',
    )
    text = text.replace(
        '- heading: "Glossary of terms"\n    section: unplaced',
        '- heading: "Glossary of terms"\n    section: introduction',
    )
    mapping.write_text(text)
    runner = CliRunner()
    refused = runner.invoke(main, ["init", str(dest), "--from", str(source), "--mapping", str(mapping)])
    assert refused.exit_code == 2 and "not empty" in refused.output
    again = runner.invoke(
        main, ["init", str(dest), "--from", str(source), "--mapping", str(mapping), "--force"]
    )
    assert again.exit_code == 0, again.output
    assert (
        '"Use of data and intelligence"' in again.output
        and "-> training.md (from the mapping)" in again.output
    )
    assert f"removed {dest / 'data.md'}" in again.output
    assert not (dest / "data.md").exists()
    assert "Text of the section called Use of data" in (dest / "training.md").read_text()
    intro = (dest / "introduction.md").read_text()
    assert intro.startswith("# 1. Introduction\n\nText of the section called 1. Introduction.")
    assert "# Glossary of terms\n\nLSP: lead safeguarding partner." in intro
    assert (dest / "partnership.yaml").read_text() == "name: Northmere  # typed by hand\n"
    assert "Glossary" not in (dest / "from-word" / "unplaced.md").read_text()


def test_a_hand_edited_file_is_never_removed(tmp_path: Path) -> None:
    source = real_headings_doc(tmp_path / "a.docx")
    dest = tmp_path / "new"
    init_from_docx(source, dest)
    (dest / "data.md").write_text("Edited by hand.\n")
    mapping = dest / "from-word" / "mapping.yaml"
    mapping.write_text(mapping.read_text().replace("section: data", "section: unplaced"))
    result = init_from_docx(source, dest, mapping=mapping, force=True)
    assert result.stale == [dest / "data.md"] and result.removed == []
    assert (dest / "data.md").read_text() == "Edited by hand.\n"


def test_bad_mapping_and_bad_document(tmp_path: Path) -> None:
    source = real_headings_doc(tmp_path / "a.docx")
    bad = tmp_path / "m.yaml"
    bad.write_text('sections:\n  - heading: "Glossary of terms"\n    section: govrnance\n')
    result = CliRunner().invoke(
        main, ["init", str(tmp_path / "x"), "--from", str(source), "--mapping", str(bad)]
    )
    assert result.exit_code == 2
    assert "unknown section 'govrnance'" in result.output and "did you mean 'governance'?" in result.output
    not_word = tmp_path / "old.docx"
    not_word.write_text("this is not a Word file")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "y"), "--from", str(not_word)])
    assert result.exit_code == 2 and "cannot read it as a Word document" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("3.2 Information sharing", "information-sharing"),
        ("Learning from rapid reviews and LCSPRs", "reviews"),
        ("Review of these arrangements", None),
        ("Relevant agencies", "agencies"),
        ("Education and childcare settings", "agencies"),
        ("The voice of children and families", "voice"),
        ("Threshold: local criteria for action", "threshold"),
        ("Multi-agency training and audit", "training"),
        ("Funding", "funding"),
        ("Appendix C: Glossary", None),
    ],
)
def test_match_section(heading: str, section: str | None) -> None:
    assert match_section(heading) == section


def _numbered(d: Any, text: str, num_id: str, level: int) -> None:
    """A paragraph numbered the way Word's numbering buttons do it: List Paragraph + numPr."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = d.add_paragraph(text, style="List Paragraph")
    num_pr = OxmlElement("w:numPr")
    for tag, val in (("w:ilvl", str(level)), ("w:numId", num_id)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        num_pr.append(el)
    p._p.get_or_add_pPr().append(num_pr)


def _link(d: Any, before: str, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = d.add_paragraph(before)
    rid = p.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    p._p.append(link)


def test_word_numbering_nested_lists_and_links(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Information sharing", 1)
    _numbered(d, "Share early", "5", 0)  # numId 5: decimal (the template's List Number)
    _numbered(d, "with consent where you can", "1", 1)  # numId 1: bullets, one level in
    _numbered(d, "Record why", "5", 0)
    _link(d, "See the ", "government guidance", "https://www.gov.uk/guidance")
    _link(d, "Never ", "this", "javascript:alert(1)")
    d.save(str(tmp_path / "a.docx"))
    init_from_docx(tmp_path / "a.docx", tmp_path / "new")
    text = (tmp_path / "new" / "information-sharing.md").read_text()
    assert text == (
        "1. Share early\n    - with consent where you can\n1. Record why\n\n"
        "See the [government guidance](https://www.gov.uk/guidance)\n\n"
        "Never this\n"
    )
    html = to_html(text)
    assert "<ol>\n<li>Share early\n<ul>\n<li>with consent where you can</li>" in html


def test_content_controls_contents_and_tracked_changes(tmp_path: Path) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    body = d.element.body
    sect = body[-1]  # keep the section properties last
    toc = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:docPartObj><w:docPartGallery w:val='Table of Contents'/>"
        "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Governance ..... 4</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    control = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr><w:r><w:t>Governance</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Kept from a content control. </w:t></w:r>"
        "<w:ins w:id='1' w:author='A' w:date='2024-01-01T00:00:00Z'><w:r><w:t>Inserted.</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='A' w:date='2024-01-01T00:00:00Z'><w:r><w:delText>Deleted.</w:delText>"
        "</w:r></w:del></w:p></w:sdtContent></w:sdt>"
    )
    sect.addprevious(toc)
    sect.addprevious(control)
    d.save(str(tmp_path / "a.docx"))
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--from", str(tmp_path / "a.docx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "governance.md").read_text() == "Kept from a content control.\n"
    assert "Governance ..... 4" not in (tmp_path / "new" / "from-word" / "unplaced.md").read_text()
    assert "2 tracked changes; the text in them was left out" in result.output


def test_text_is_placed_only_where_a_document_prints_it() -> None:
    from masa_docs.import_docx import PRINTED_NARRATIVES, SECTION_WORDS

    templates = Path(__file__).resolve().parents[1] / "templates" / "html"
    used = set()
    for path in templates.glob("*.html"):
        used |= set(re.findall(r'narrative\.get\("([a-z-]+)"\)', path.read_text(encoding="utf-8")))
    assert set(PRINTED_NARRATIVES) == used
    assert {name for name, _ in SECTION_WORDS} <= used
    assert match_section("Liabilities and indemnities") is None  # liabilities.md is printed nowhere


def test_imported_narrative_is_printed_in_its_section(tmp_path: Path) -> None:
    """The placed files, dropped into a complete content folder, appear in the arrangements."""
    from conftest import copy_content
    from masa_docs.load import load_content
    from masa_docs.render import RenderRequest
    from masa_docs.render.html import render_html

    init_from_docx(real_headings_doc(tmp_path / "a.docx"), tmp_path / "new")
    root = copy_content(tmp_path / "content")
    for _, section in SIX:
        (root / f"{section}.md").write_text((tmp_path / "new" / f"{section}.md").read_text())
    html = render_html(load_content(root), RenderRequest("arrangements", "html"))
    text = str(html)
    for heading, section in SIX:  # each narrative file has an arrangements section of its name
        start = text.index(f'id="{section}"')
        end = text.index("</section>", start)
        assert f"Text of the section called {heading}" in text[start:end], section
    assert "<th>Chair</th>" in text and "&lt;script&gt;" in text


def test_a_wrapping_section_is_opened_up(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Part A: How we do things here", 1)
    d.add_paragraph("This part describes our arrangements.")
    d.add_heading("Governance", 2)
    d.add_paragraph("The executive decides.")
    d.add_heading("Meetings", 3)
    d.add_paragraph("Monthly.")
    d.add_heading("Independent scrutiny", 2)
    d.add_paragraph("The scrutineer reports.")
    d.add_heading("Part B: Appendices", 1)
    d.add_heading("Glossary", 2)
    d.add_paragraph("LSP: lead safeguarding partner.")
    d.save(str(tmp_path / "a.docx"))
    result = init_from_docx(tmp_path / "a.docx", tmp_path / "new")
    assert [(p.heading, p.section) for p in result.document.parts] == [
        ("Part A: How we do things here", None),
        ("Governance", "governance"),
        ("Independent scrutiny", "scrutiny"),
        ("Part B: Appendices", None),
    ]
    assert (
        tmp_path / "new" / "governance.md"
    ).read_text() == "The executive decides.\n\n# Meetings\n\nMonthly.\n"
    unplaced = (tmp_path / "new" / "from-word" / "unplaced.md").read_text()
    assert "# Part A: How we do things here\n\nThis part describes our arrangements.\n" in unplaced
    assert "# Part B: Appendices\n\n## Glossary\n\nLSP: lead safeguarding partner.\n" in unplaced


def test_line_breaks_and_a_document_without_headings(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("First line")
    p.add_run().add_break()
    p.add_run("second line")
    p.add_run().add_break()  # a break at the end leaves no stray backslash
    d.add_paragraph("1.5 million children live in England's poorest areas.")
    d.save(str(tmp_path / "a.docx"))
    result = init_from_docx(tmp_path / "a.docx", tmp_path / "new")
    assert result.document.parts == []
    unplaced = (tmp_path / "new" / "from-word" / "unplaced.md").read_text()
    assert "First line\\\nsecond line\n\n1.5 million children" in unplaced
    assert "<p>First line<br />\nsecond line</p>" in to_html("First line\\\nsecond line")
