"""Word copies of the HTML documents: semantic HTML → Word, from the same HTML as the web page."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from masa_docs.a11y.docx import structure_problems
from masa_docs.load import LoadedContent
from masa_docs.outline import outline as sections_of
from masa_docs.render import RenderRequest, render
from masa_docs.render.context import document_meta
from masa_docs.render.docx_outline import docx_language, heading_levels, outline
from masa_docs.render.html import render_document
from masa_docs.render.libreoffice import docx_to_pdf, find_soffice
from masa_docs.render.word_copy import bookmark_name, html_to_docx

WORD_COPIES = ("arrangements", "threshold", "yearly-report")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# A representative page: what the HTML templates produce, in miniature.
SAMPLE_HTML = """<!DOCTYPE html>
<html lang="en-GB"><head><title>Sample</title><style>p { color: red }</style></head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="cover">
  <p class="cover-partnership">Example &amp; Partners</p>
  <h1 class="cover-title">A &lt;sample&gt; document</h1>
  <dl class="cover-facts"><div><dt>Date</dt><dd>1 April 2026</dd></div></dl>
</header>
<nav class="toc"><h2>Contents</h2><ol><li><a href="#one">One</a></li></ol></nav>
<main id="main">
<section id="one" aria-labelledby="one-title">
<h2 id="one-title">Section one</h2>
<p>Plain, <strong>bold</strong>, <em>italic</em> and <code>code</code> text
   across   lines; quotes "double" &amp; 'single' and {{ 7*7 }}.</p>
<p>A <a href="https://example.org/a?b=1&amp;c=2">web link</a>, a
<a href="mailto:team@example.org">mail link</a>, a <a href="javascript:alert(1)">bad link</a>
and a <a class="page-ref" href="#two">cross-reference</a>.<br>After a break.</p>
<ul><li>First bullet</li><li>Second bullet<ul><li>Nested bullet</li></ul></li></ul>
<ol><li>One</li><li>Two</li></ol>
<p>Between the lists.</p>
<ol start="3"><li>Three</li><li><p>Four, first paragraph</p><p>Four, second paragraph</p></li></ol>
<h3>A subsection</h3>
<blockquote><p>Quoted words.</p></blockquote>
<dl class="facts">
  <div><dt>Term</dt><dd>Short definition</dd></div>
  <div><dt>Long term</dt><dd><p>A definition with a paragraph.</p><ul><li>and a list</li></ul></dd></div>
</dl>
</section>
<section id="two" aria-labelledby="two-title">
<h2 id="two-title">Section two</h2>
<div class="table-wrap"><table>
<caption>Contributions &amp; totals</caption>
<thead><tr><th scope="col">Partner</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
<tr><th scope="row">Council</th><td class="num">£1,000</td></tr>
<tr><th scope="row">Police</th><td class="num">£500</td></tr>
</tbody>
<tfoot><tr><th scope="row">Total</th><td class="num">£1,500</td></tr></tfoot>
</table></div>
<figure class="chart" id="chart-money"><figcaption><strong>Figure 1: Money.</strong>
<span>Money rose.</span></figcaption><svg role="img"><title>Money</title><text>svg text</text></svg></figure>
<figure class="other"><figcaption>An ordinary figure</figcaption></figure>
<div class="signature-block"><h3>Council</h3>
<p class="signature-label">Signature of A. Person:</p><div class="signature-box" id="sig-council"></div></div>
</section>
</main>
<footer class="page-footer"><p>Screen-only footer</p></footer>
</body></html>
"""


@dataclass(frozen=True)
class FakeChart:
    """The parts of masa_docs.render.charts.Chart the Word copy uses."""

    id: str
    title: str
    description: str

    @property
    def html_id(self) -> str:
        return f"chart-{self.id}"

    @property
    def alt(self) -> str:
        return f"{self.title}. {self.description}"

    def png(self) -> bytes:
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (40, 20), (29, 112, 184)).save(buf, format="PNG")
        return buf.getvalue()


def _fingerprint_free(text: str, loaded: LoadedContent) -> str:
    """The content's and every document's fingerprint replaced by a placeholder."""
    from masa_docs.load import document_fingerprint

    c = loaded.content
    for doc in ("arrangements", "threshold", "yearly-report", "agreement"):
        for period in c.report_periods if doc == "yearly-report" else [None]:
            text = text.replace(document_fingerprint(loaded, doc, period), "<fingerprint>")
    return text.replace(loaded.fingerprint, "<fingerprint>")


# ------------------------------------------------------------------ the converter, on a fixture


@pytest.fixture(scope="module")
def sample(example: LoadedContent) -> bytes:
    meta = document_meta(example, "threshold")
    return html_to_docx(SAMPLE_HTML, meta, charts=[FakeChart("money", "Money", "Money rose from 1 to 2.")])


@pytest.fixture(scope="module")
def sample_outline(sample: bytes) -> list[str]:
    return outline(sample).splitlines()


def test_headings_map_to_title_and_word_heading_styles(sample: bytes, sample_outline: list[str]) -> None:
    assert "P | Title | A <sample> document" in sample_outline
    assert heading_levels(sample) == [
        (1, "Section one"),
        (2, "A subsection"),
        (1, "Section two"),
        (2, "Council"),
    ]
    document = docx.Document(io.BytesIO(sample))
    assert [p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")] == [
        "Heading 1",
        "Heading 2",
        "Heading 1",
        "Heading 2",
    ]


def test_inline_formatting_whitespace_and_escaping(sample_outline: list[str]) -> None:
    assert (
        'P | Normal | Plain, **bold**, *italic* and `code` text across lines; quotes "double" & '
        "'single' and {{ 7*7 }}." in sample_outline
    )
    assert "P | Subtitle | Example & Partners" in sample_outline


def test_links_are_real_hyperlinks_for_safe_schemes_only(sample: bytes, sample_outline: list[str]) -> None:
    line = next(x for x in sample_outline if "web link" in x)
    assert "[web link](https://example.org/a?b=1&c=2)" in line
    assert "[mail link](mailto:team@example.org)" in line
    assert "a bad link and" in line  # javascript: stays text
    assert "[cross-reference](#two)" in line  # an internal link to the section's bookmark
    assert "After a break." in line and "↵" in line
    body = docx.Document(io.BytesIO(sample)).element.body
    names = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert {"one", "one_title", "two", "two_title"} <= names
    assert bookmark_name("appendix-compliance") == "appendix_compliance"


def test_lists_restart_numbering_per_list(sample_outline: list[str]) -> None:
    lists = [x for x in sample_outline if x.startswith("P | List")]
    assert lists == [
        "P | List Bullet | L0 • | First bullet",
        "P | List Bullet | L0 • | Second bullet",
        "P | List Bullet 2 | L1 • | Nested bullet",
        "P | List Number | L0 1. | One",
        "P | List Number | L0 2. | Two",
        "P | List Number | L0 3. | Three",
        "P | List Number | L0 4. | Four, first paragraph",
        "P | List Continue | Four, second paragraph",
        "P | List Bullet | L0 • | and a list",
    ]


def test_first_ordered_list_restarts_even_after_other_lists(example: LoadedContent) -> None:
    html = "<body><ol><li>a</li><li>b</li></ol><p>x</p><ol><li>c</li></ol></body>"
    lines = outline(html_to_docx(html, document_meta(example, "threshold"))).splitlines()
    assert [x for x in lines if "List Number" in x] == [
        "P | List Number | L0 1. | a",
        "P | List Number | L0 2. | b",
        "P | List Number | L0 1. | c",
    ]


def test_tables_have_caption_header_rows_and_bold_headers(sample: bytes, sample_outline: list[str]) -> None:
    i = sample_outline.index("P | caption | Contributions & totals")
    assert sample_outline[i + 1 : i + 6] == [
        "T | table | style=Table Grid | cols=2",
        "T | row 1 (header) | **Partner** | **Amount**",
        "T | row 2 | **Council** | £1,000",
        "T | row 3 | **Police** | £500",
        "T | row 4 | **Total** | **£1,500**",
    ]
    table = docx.Document(io.BytesIO(sample)).tables[0]
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # right-aligned numbers
    assert structure_problems(sample, "sample.docx") == []  # header rows, alt text, headings, language


def test_figures_become_pictures_with_alt_text(sample_outline: list[str]) -> None:
    i = sample_outline.index("IMG | alt=Money. Money rose from 1 to 2.")
    assert sample_outline[i + 1] == "P | caption | **Figure 1: Money.** Money rose."
    assert "svg text" not in "\n".join(sample_outline)
    assert "P | caption | An ordinary figure" in sample_outline


def test_quotes_definitions_and_what_is_left_out(sample_outline: list[str]) -> None:
    text = "\n".join(sample_outline)
    assert "P | Quote | Quoted words." in sample_outline
    assert "P | Normal | **Term: **Short definition" in sample_outline
    assert "P | Normal | **Long term**" in sample_outline
    assert "P | Normal | A definition with a paragraph." in sample_outline
    assert "P | Normal | Signature of A. Person:" in sample_outline  # sign-off text kept
    for gone in ("Skip to main content", "Contents", "Screen-only footer", "p { color"):
        assert gone not in text


def test_header_footer_and_metadata_come_from_the_document(example: LoadedContent, sample: bytes) -> None:
    meta = document_meta(example, "threshold")
    lines = outline(sample).splitlines()
    assert any(x.startswith("HEADER |") and meta.running_title in x and meta.partnership in x for x in lines)
    assert any(x.startswith("FOOTER |") and "Page {PAGE} of {NUMPAGES}" in x for x in lines)
    assert docx_language(sample) == example.content.partnership.language
    core = docx.Document(io.BytesIO(sample)).core_properties
    assert core.title == f"{meta.title} — {meta.partnership}"
    assert core.created is not None and core.created.date() == meta.date


def test_conversion_is_deterministic(example: LoadedContent, sample: bytes) -> None:
    meta = document_meta(example, "threshold")
    again = html_to_docx(SAMPLE_HTML, meta, charts=[FakeChart("money", "Money", "Money rose from 1 to 2.")])
    assert again == sample


# ------------------------------------------------------------------ the real documents


@pytest.fixture(scope="module")
def copies(example: LoadedContent) -> dict[str, bytes]:
    return {d: render(example, RenderRequest(d, "docx")).data for d in WORD_COPIES}


@pytest.mark.slow
@pytest.mark.parametrize("doc", WORD_COPIES)
def test_word_copy_outline_snapshot(
    copies: dict[str, bytes], example: LoadedContent, doc: str, snapshot: object
) -> None:
    assert _fingerprint_free(outline(copies[doc]), example) == snapshot


@pytest.mark.slow
@pytest.mark.parametrize("doc", WORD_COPIES)
def test_word_copy_has_the_sections_as_word_headings(
    copies: dict[str, bytes], example: LoadedContent, doc: str
) -> None:
    levels = heading_levels(copies[doc])
    top = [text for level, text in levels if level == 1]
    assert top == [s.title for s in sections_of(example.content, doc).sections]
    assert structure_problems(copies[doc], f"{doc}.docx") == []
    document = docx.Document(io.BytesIO(copies[doc]))  # python-docx opens it and sees the styles
    assert document.paragraphs[1].style.name == "Title"


@pytest.mark.slow
def test_yearly_report_charts_are_pictures_with_their_alt_text(
    copies: dict[str, bytes], example: LoadedContent
) -> None:
    from masa_docs.analysis import report_charts

    alts = [
        x[len("IMG | alt=") :] for x in outline(copies["yearly-report"]).splitlines() if x.startswith("IMG")
    ]
    assert alts == [c.alt for c in report_charts(example)]


@pytest.mark.slow
def test_word_copy_is_made_from_the_html(copies: dict[str, bytes], example: LoadedContent) -> None:
    html = render_document(example, RenderRequest("threshold", "html")).html
    docx_text = "\n".join(p.text for p in docx.Document(io.BytesIO(copies["threshold"])).paragraphs)
    for heading in re.findall(r"<h2 id=\"(?!toc-)[^\"]+-title\">([^<]+)</h2>", html):
        assert heading.replace("&#39;", "'").replace("&amp;", "&") in docx_text


@pytest.mark.slow
def test_word_copies_are_deterministic(copies: dict[str, bytes], example: LoadedContent) -> None:
    assert render(example, RenderRequest("threshold", "docx")).data == copies["threshold"]


@pytest.mark.client
@pytest.mark.slow
@pytest.mark.parametrize("doc", WORD_COPIES)
def test_libreoffice_converts_each_word_copy(
    copies: dict[str, bytes], example: LoadedContent, doc: str
) -> None:
    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    from masa_docs.render.pdf import pdf_text_pages

    text = " ".join(" ".join(pdf_text_pages(docx_to_pdf(copies[doc]))).split())
    for section in sections_of(example.content, doc).sections:
        assert section.title in text
    assert example.content.partners[0].legal_name in text  # from the sign-off block


def test_base_template_is_committed() -> None:
    from masa_docs.render.word_copy import base_template

    path = base_template()
    assert isinstance(path, Path) and path.name == "word-copy.docx"
    styles = {s.name for s in docx.Document(str(path)).styles}
    assert {
        "Title",
        "Heading 1",
        "Heading 5",
        "List Bullet",
        "List Number",
        "Caption",
        "Table Grid",
    } <= styles
