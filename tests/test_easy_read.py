"""The versions for children and families (issue 19): plain-language.yaml, its readability
warnings with their locations, the reading-age rule, and the two documents in HTML, PDF and Word.

Readability figures are checked against counts made by hand (or, for a whole document, by a
separate count in this file), never against the code under test.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from masa_docs.cli import main
from masa_docs.documents import DOCUMENTS, available
from masa_docs.example import example_dir
from masa_docs.load import LoadedContent, load_content
from masa_docs.readability import document_readability, measure, plain_language_diagnostics, to_plain
from masa_docs.render import RenderRequest, render
from masa_docs.render.context import document_meta

EASY = ("yearly-report-easy-read", "arrangements-summary")
PL = "plain-language.yaml"


@pytest.fixture(scope="module")
def example() -> LoadedContent:
    return load_content(example_dir())


def copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(example_dir(), root)
    return root


def edit_words(root: Path, change: Any) -> None:
    yaml = YAML()
    path = root / PL
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def ari(characters: int, words: int, sentences: int) -> Decimal:
    """The Automated Readability Index, from its definition, to one decimal."""
    value = Decimal("4.71") * characters / words + Decimal("0.5") * words / sentences - Decimal("21.43")
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


# ------------------------------------------------------------------ figures of the example


@pytest.mark.parametrize(
    ("text", "words", "characters", "sentences", "reading_age"),
    [
        # If(2) a(1) child(5) is(2) in(2) danger(6) right(5) now,(4) call(4) 999.(4) = 35
        ("If a child is in danger right now, call 999.", 10, 35, 1, Decimal("5.1")),
        # Keeping(7) children(8) safe(4) from(4) harm.(5) = 28
        ("Keeping children safe from harm.", 5, 28, 1, Decimal("12.4")),
        # Both(4) councils(8) changed(7) their(5) letters.(8) Now(3) both(4) parents(7) are(3) named.(6)
        ("Both councils changed their letters. Now both parents are named.", 10, 55, 2, Decimal("12.0")),
    ],
)
def test_measures_of_example_sentences_match_hand_counts(
    text: str, words: int, characters: int, sentences: int, reading_age: Decimal
) -> None:
    m = measure(text)
    assert (m.words, m.characters, m.sentences) == (words, characters, sentences)
    assert ari(characters, words, sentences) + 5 == reading_age
    assert m.reading_age == reading_age


def test_the_hand_counted_sentences_are_the_examples(example: LoadedContent) -> None:
    words = example.content.plain_language
    assert words is not None
    assert words.emergency == "If a child is in danger right now, call 999."
    assert "Keeping children safe from harm." in [g.meaning for g in words.glossary]
    said = words.yearly_reports["2025-26"].you_said_we_did[1]
    assert said.we_did == "Both councils changed their letters. Now both parents are named."


def _independent_summary_counts() -> tuple[int, int, int]:
    """Words, characters and sentences of the short guide's words, counted here from the YAML:
    every block (paragraph, or a one-line field) ends a sentence; link syntax keeps its text."""
    data = YAML(typ="safe").load((example_dir() / PL).read_text(encoding="utf-8"))
    fields = [
        data["what_we_are"],
        *(h["does"] for h in data["who_keeps_children_safe"]),
        data["worried"],
        data["emergency"],
        *(c["when"] for c in data["get_help"]),
        data["complain"],
        *(g["meaning"] for g in data["glossary"]),
    ]
    blocks = []
    for field in fields:
        field = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", str(field))
        for para in re.split(r"\n\s*\n", field):
            block = " ".join(para.split())
            if block:
                blocks.append(block if block[-1] in ".!?:" else block + ".")
    text = " ".join(blocks)
    words = sum(1 for token in text.split() if re.search(r"\w", token))
    characters = sum(1 for ch in text if not ch.isspace())
    sentences = sum(1 for piece in re.split(r"[.!?]+", text) if len(piece.split()) > 2)
    return words, characters, sentences


def test_short_guide_figures_match_an_independent_count(example: LoadedContent) -> None:
    words, characters, sentences = _independent_summary_counts()
    result = document_readability(example.content, "arrangements-summary")
    assert result is not None
    m = result.measure
    assert (m.words, m.characters, m.sentences) == (words, characters, sentences)
    assert m.ari == ari(characters, words, sentences)
    assert m.reading_age <= 11 and result.meets_target


def test_example_documents_meet_the_target_and_validate_cleanly(example: LoadedContent) -> None:
    assert example.content.plain_language is not None
    assert example.content.plain_language.target_reading_age == 11
    for doc in EASY:
        result = document_readability(example.content, doc)
        assert result is not None and result.meets_target, (doc, result)
    assert plain_language_diagnostics(example) == []


def test_markdown_is_measured_as_the_words_a_reader_reads() -> None:
    text = "Call us on [01632 960 400](tel:01632960400).\n\n- one item\n- two items"
    assert to_plain(text) == "Call us on 01632 960 400.\none item\ntwo items"


# ------------------------------------------------------------------ warnings, located

JARGON = "The multi-agency safeguarding partners use the threshold after scrutiny by the LSP."


def test_a_jargon_heavy_sentence_is_reported_at_its_line(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    edit_words(root, lambda d: d.update(complain=d["complain"] + "\n" + JARGON + "\n"))
    line = line_of(root / PL, "The multi-agency safeguarding")
    loaded = load_content(root)
    found = plain_language_diagnostics(loaded)
    jargon = [d for d in found if "will not know" in d.message]
    assert [d.message.split("'")[1] for d in jargon] == [  # in the order of the sentence
        "multi-agency",
        "safeguarding partners",
        "threshold",
        "scrutiny",
        "LSP",
    ]
    text = (root / PL).read_text(encoding="utf-8").splitlines()[line - 1]
    for d in jargon:
        assert (Path(d.file).name, d.line, d.field_path, d.severity) == (PL, line, "complain", "warning")
        word = d.message.split("'")[1]
        assert d.column == text.index(word) + 1  # the column of the word itself
        assert d.hint and "glossary" in d.hint

    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 0, result.output
    assert f"plain-language.yaml:{line}:" in result.output
    assert "warning: complain: many readers will not know 'threshold'" in result.output
    strict = runner.invoke(main, ["validate", "--strict", "--content", str(root)])
    assert strict.exit_code == 2
    assert f"plain-language.yaml:{line}:" in strict.output and "problems found" in strict.output
    assert "Traceback" not in strict.output


def test_glossary_explains_a_term(tmp_path: Path) -> None:
    root = copy_example(tmp_path)

    def change(d: Any) -> None:
        d["complain"] += "\nWe use a threshold to decide.\n"
        d["glossary"].append({"term": "threshold", "meaning": "How much help a child needs."})

    edit_words(root, change)
    assert [d.message for d in plain_language_diagnostics(load_content(root))] == []


def test_long_sentence_long_word_and_second_number(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    long_sentence = " ".join(["word"] * 24) + "."

    def change(d: Any) -> None:
        d["worried"] = f"{long_sentence}\n\nWe share responsibilities.\n"
        d["yearly_reports"]["2025-26"]["highlights"][0]["text"] = "of 300 children were seen."

    edit_words(root, change)
    found = plain_language_diagnostics(load_content(root))
    messages = [d.message for d in found]
    assert any(m.startswith("a sentence of 24 words (the most is 20)") for m in messages)
    assert "'responsibilities' is a long word" in messages
    assert "a highlight has a second number in its text" in messages
    long = next(d for d in found if d.message.startswith("a sentence of 24"))
    assert long.line == line_of(root / PL, "word word word")


def test_bad_plain_language_content_is_an_error_with_location(tmp_path: Path) -> None:
    root = copy_example(tmp_path)

    def change(d: Any) -> None:
        d["yearly_reports"]["2025-26"]["highlights"] = d["yearly_reports"]["2025-26"]["highlights"][:2]
        d["get_help"][0]["phone"] = "call us"
        d["colour"] = "blue"

    edit_words(root, change)
    result = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 2
    assert "yearly_reports.2025-26.highlights: list should have at least 3 items" in result.output
    assert "get_help[0].phone: string should match pattern" in result.output
    assert "unknown key 'colour'" in result.output


def test_words_for_a_year_without_a_report_are_a_warning(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    edit_words(root, lambda d: d["yearly_reports"].update({"2052-53": d["yearly_reports"]["2025-26"]}))
    found = plain_language_diagnostics(load_content(root))
    assert [d.field_path for d in found if "no yearly report for 2052-53" in d.message] == [
        "yearly_reports.2052-53"
    ]


# ------------------------------------------------------------------ check and publish plan


def test_check_reports_the_reading_age(tmp_path: Path) -> None:
    from masa_docs.check import run_check

    loaded = load_content(example_dir())
    rule = next(r for r in run_check(loaded).results if r.rule.id == "easy-read-reading-age")
    assert rule.status == "pass"
    assert "within the target reading age of 11" in rule.message
    root = copy_example(tmp_path)
    edit_words(root, lambda d: d.update(target_reading_age=7))
    rule = next(r for r in run_check(load_content(root)).results if r.rule.id == "easy-read-reading-age")
    assert rule.status == "fail"
    assert "arrangements-summary reads at age" in rule.message or "yearly-report-easy-read" in rule.message
    assert any("the target is 7" in p.message for p in rule.problems)


def test_without_plain_language_nothing_is_guessed(tmp_path: Path) -> None:
    from masa_docs.check import run_check
    from masa_docs.publish import plan

    root = copy_example(tmp_path)
    (root / PL).unlink()
    loaded = load_content(root)
    assert not any(available(DOCUMENTS[d], loaded.content) for d in EASY)
    requests, _ = plan(loaded)
    assert {r.doc for r in requests} == {"arrangements", "threshold", "yearly-report", "agreement"}
    assert plain_language_diagnostics(loaded) == []
    rule = next(r for r in run_check(loaded).results if r.rule.id == "easy-read-reading-age")
    assert rule.status == "not_applicable"


def test_plan_builds_both_and_mirrors_the_source_status(example: LoadedContent) -> None:
    from masa_docs.publish import plan

    requests, metas = plan(example)
    planned = {(r.doc, r.fmt) for r in requests}
    assert {(d, f) for d in EASY for f in ("html", "pdf", "docx")} <= planned
    # Each version has the status of the document it summarises, for the same reasons (in the
    # example: signatures recorded without the fingerprint of the version signed, and the 2025-26
    # yearly report not signed yet).
    for easy, source in (
        ("arrangements-summary", "arrangements"),
        ("yearly-report-easy-read", "yearly-report"),
    ):
        assert metas[easy].status == metas[source].status == "draft"
        assert metas[easy].draft_reasons == metas[source].draft_reasons != ()
    assert metas["yearly-report-easy-read"].title == "Our year 2025-26"
    assert all(metas[d].signatures == () and not DOCUMENTS[d].signed for d in EASY)


# ------------------------------------------------------------------ the documents


@pytest.fixture(scope="module")
def pages(example: LoadedContent) -> dict[str, str]:
    out = {}
    for doc in EASY:
        html = render(example, RenderRequest(doc, "html")).data.decode("utf-8")
        out[doc] = re.sub(r"<style>.*?</style>", "<style></style>", html, flags=re.S)
    return out


@pytest.mark.parametrize("doc", EASY)
def test_headings_are_questions_and_there_is_no_signoff(pages: dict[str, str], doc: str) -> None:
    html = pages[doc]
    main = html[html.index("<main") :]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", main)
    assert headings == [s.title for s in DOCUMENTS[doc].sections]
    assert all(h.endswith("?") for h in headings)
    assert 'id="sign-off"' not in html and "signature-box" not in html


@pytest.mark.parametrize("doc", EASY)
def test_phone_numbers_are_tel_links(pages: dict[str, str], example: LoadedContent, doc: str) -> None:
    words = example.content.plain_language
    assert words is not None
    for contact in words.get_help:
        if contact.phone:
            digits = contact.phone.replace(" ", "")
            assert f'<a href="tel:{digits}">{contact.phone}</a>' in pages[doc]


def test_yearly_version_prints_the_years_words(pages: dict[str, str], example: LoadedContent) -> None:
    words = example.content.plain_language
    assert words is not None
    year = words.yearly_reports["2025-26"]
    html = pages["yearly-report-easy-read"]
    for h in year.highlights:
        assert f'<span class="big-number">{h.number}</span>' in html
    for item in year.you_said_we_did:
        assert item.you_said in html and item.we_did in html
    assert 'href="yearly-report.html"' in html
    assert 'href="tel:01632960400"' in html  # a tel: link written in Markdown


def test_content_in_plain_language_is_escaped(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    script = "<script>alert(1)</script> {{ 7*7 }}"

    def change(d: Any) -> None:
        d["what_we_are"] = f"We are here. {script}\n\n[click](javascript:alert(2))"
        d["glossary"][0]["meaning"] = script
        d["yearly_reports"]["2025-26"]["next_year"][0] = script

    edit_words(root, change)
    loaded = load_content(root)
    for doc in EASY:
        html = render(loaded, RenderRequest(doc, "html")).data.decode("utf-8")
        assert "<script>" not in html and 'href="javascript' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html


@pytest.mark.slow
@pytest.mark.parametrize(
    ("doc", "least", "most"), [("yearly-report-easy-read", 4, 8), ("arrangements-summary", 2, 4)]
)
def test_pdf_pages_type_size_and_no_signature_fields(
    example: LoadedContent, doc: str, least: int, most: int
) -> None:
    from pypdf import PdfReader

    from masa_docs.pdfcheck import check_pdf

    out = render(example, RenderRequest(doc, "pdf"))
    assert out.pages is not None and least <= out.pages <= most
    reader = PdfReader(io.BytesIO(out.data))
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes.append(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 14 - 0.01  # every piece of text, margin boxes included
    assert not reader.get_fields()
    assert check_pdf(out.data) == []


@pytest.mark.slow
@pytest.mark.parametrize("doc", EASY)
def test_word_copy_has_headings_and_tel_links(example: LoadedContent, doc: str) -> None:
    import docx

    data = render(example, RenderRequest(doc, "docx")).data
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in DOCUMENTS[doc].sections]
    sizes = {s.name: s.font.size.pt for s in document.styles if getattr(s, "font", None) and s.font.size}
    assert sizes["Normal"] == 14 and min(sizes.values()) >= 14
    assert sizes["Heading 1"] > sizes["Heading 2"] > sizes["Normal"]
    runs = [r.font.size.pt for p in document.paragraphs for r in p.runs if r.font.size is not None]
    assert all(size >= 14 for size in runs)  # no run is set smaller by hand
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    assert 'Target="tel:08001111"' in rels
    # The running head in 14 pt fits one line (about 60 characters): the short title, no
    # partnership name, as in the PDF.
    meta = document_meta(example, doc)
    head = document.sections[0].header.paragraphs[0].text
    assert head.startswith(meta.running_title) and meta.partnership not in head and len(head) <= 60


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_same_content_gives_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    first = load_content(example_dir())
    second = load_content(copy_example(tmp_path))  # another folder, loaded afresh
    for doc in EASY:
        request = RenderRequest(doc, fmt)
        assert render(first, request).data == render(second, request).data, doc


def test_there_is_no_plain_language_narrative_file(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    (root / "plain-language.md").write_text("# Words\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 2
    assert "plain-language.md: unknown narrative file" in result.output


def test_a_word_on_the_second_line_of_a_folded_sentence_is_located(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    path = root / PL
    text = path.read_text(encoding="utf-8")
    assert text.count("      give your name.\n") == 1
    path.write_text(text.replace("      give your name.\n", "      give your name to early help.\n"), "utf-8")
    found = [d for d in plain_language_diagnostics(load_content(root)) if "early help" in d.message]
    line = line_of(path, "give your name to early help.")
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("early help") + 1
    assert [(d.field_path, d.line, d.column) for d in found] == [("get_help[0].when", line, column)]


def test_asking_for_an_easy_read_version_without_its_words_says_why(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    (root / PL).unlink()
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--content",
            str(root),
            "--out",
            str(tmp_path / "b"),
            "--doc",
            "arrangements-summary",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 2
    assert "there are no plain-language words for arrangements-summary" in result.output
    assert "hint: write them in plain-language.yaml" in result.output
    assert not (tmp_path / "b").exists()


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_easy_read_text_colours_have_high_contrast() -> None:
    """WCAG's enhanced contrast (7:1, level AAA) for every text colour of the easy-read styles,
    on the white page. axe checks the rendered pages for AA as well (test_a11y_outputs)."""
    from masa_docs.render.html import templates_dir

    css = (templates_dir() / "style.css").read_text(encoding="utf-8")
    easy = css[css.index("easy-read versions") :]
    colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", easy))
    assert colours  # the section sets its own text colours
    white = _luminance("#ffffff")
    for colour in colours:
        ratio = (white + 0.05) / (_luminance(colour) + 0.05)
        assert ratio >= 7, (colour, round(ratio, 2))
