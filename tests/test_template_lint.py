"""``masa-docs lint-templates``: problems in the Word templates, located by paragraph or cell."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document
from docx.text.paragraph import Paragraph

from masa_docs.cli import main
from masa_docs.example import example_dir
from masa_docs.load import LoadedContent, load_content
from masa_docs.render.agreement import HELPERS, templates_dir
from masa_docs.render.context import document_meta, template_context
from masa_docs.render.template_lint import (
    LintProblem,
    context_types,
    lint_docx,
    lint_templates,
    reference_markdown,
    variable_reference,
)

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "word-templates.md"


def _broken(change: Callable[[Document], None]) -> bytes:
    """The shipped agreement template with one change made through python-docx."""
    document = docx.Document(str(templates_dir() / "agreement.docx"))
    change(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _paragraph(document: Document, needle: str) -> Paragraph:
    return next(p for p in document.paragraphs if needle in p.text)


def _retype(paragraph: Paragraph, *runs: str) -> None:
    """Replace a paragraph's text with ``runs``, each its own w:r (as Word does after edits)."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for text in runs:
        paragraph.add_run(text)


def _lint(change: Callable[[Document], None]) -> list[LintProblem]:
    return lint_docx(_broken(change), "agreement.docx")


def _errors(problems: list[LintProblem]) -> list[LintProblem]:
    return [p for p in problems if p.severity == "error"]


# ------------------------------------------------------------------ shipped templates


def test_shipped_templates_lint_clean() -> None:
    assert lint_templates(templates_dir()) == []


def test_lint_reads_every_part_of_the_shipped_agreement() -> None:
    from masa_docs.render.template_lint import find_tags, paragraphs, read_docx

    parts = read_docx((templates_dir() / "agreement.docx").read_bytes())
    labels = [label for label, _ in parts.parts]
    assert labels[:1] == ["body"] and "page header" in labels and "page footer" in labels
    tags = [t for p in paragraphs(parts) for t in find_tags(p)[0]]
    assert len(tags) > 100
    assert {"Clause", "Recital", "Table Text", "Heading 1"} <= parts.paragraph_styles


def test_context_types_match_the_template_context(example: LoadedContent) -> None:
    ctx = template_context(example, document_meta(example, "agreement"))
    assert set(context_types()) == set(ctx) | set(HELPERS)


# ------------------------------------------------------------------ broken templates


def test_bad_syntax_is_located_at_its_paragraph() -> None:
    problems = _lint(
        lambda d: _retype(
            _paragraph(d, "This agreement starts on"),
            "This agreement starts on {{ content.agreement.commencement|date }} for "
            "{{ content.agreement.term_years + }} years.",
        )
    )
    assert len(_errors(problems)) == 1
    p = problems[0]
    assert (
        p.where.startswith("paragraph ") and "“This agreement starts on {{ content.agreement.comm" in p.where
    )
    assert "syntax error in {{ content.agreement.term_years + }}" in p.message


def test_unknown_variable_and_field_say_what_was_meant() -> None:
    problems = _lint(
        lambda d: _retype(
            _paragraph(d, "This agreement is governed by"),
            "Governed by {{ content.agreement.governing_lw }}; {{ contnet.agreement.title }}; "
            "{{ partnership.nmae }}.",
        )
    )
    messages = [p.message for p in _errors(problems)]
    assert len(messages) == 3
    assert all(p.where.split(" “")[1].startswith("Governed by {{ content.agreement.gov") for p in problems)
    assert (
        "'content.agreement' (Agreement) has no 'governing_lw': did you mean 'governing_law'?" in messages[0]
    )
    assert "unknown variable 'contnet': did you mean 'content'?" in messages[1]
    assert "'partnership' (Partnership) has no 'nmae': did you mean 'name'?" in messages[2]


def test_loop_variables_are_typed_by_what_they_loop_over() -> None:
    problems = _lint(lambda d: _retype(_paragraph(d, "{{ item }}"), "{{ item }} {{ partner.lsp.nmae }}"))
    assert [p.message for p in problems] == [
        "'partner.lsp' (Person) has no 'nmae': did you mean 'name'? (in {{ partner.lsp.nmae }})"
    ]


def test_unknown_variable_in_a_table_cell_names_the_cell() -> None:
    def change(d: Document) -> None:
        table = next(t for t in d.tables if t.rows[0].cells[0].text == "Contributor")
        _retype(table.rows[2].cells[1].paragraphs[0], "{{ contribution.amout|money }}")

    problems = _lint(change)
    assert len(problems) == 1
    assert (
        problems[0].where.startswith("table ")
        and ", row 3, cell 2 “{{ contribution.amout|money }}”" in problems[0].where
    )
    assert "has no 'amout': did you mean 'amount'?" in problems[0].message


def test_split_tag_is_a_warning_at_its_paragraph() -> None:
    problems = _lint(
        lambda d: _retype(
            _paragraph(d, "This agreement is governed by"),
            "This agreement is governed by the law of {{ content.agreement.",
            "governing_law }}.",
        )
    )
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].where.endswith("“This agreement is governed by the law of {{ content.agreeme…”")
    assert "Word split {{ content.agreement.governing_law }} into 2 pieces" in problems[0].message


def test_tag_across_a_tracked_change_is_an_error() -> None:
    def change(d: Document) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        p = _paragraph(d, "This agreement is governed by")
        _retype(p, "Law of {{ content.agreement.")
        p._p.append(
            parse_xml(
                f'<w:ins {nsdecls("w")} w:id="1" w:author="Legal" w:date="2026-01-01T00:00:00Z">'
                "<w:r><w:t>governing_law }}</w:t></w:r></w:ins>"
            )
        )

    problems = _errors(_lint(change))
    assert len(problems) == 1 and "crosses a hyperlink or a tracked change" in problems[0].message


def test_unbalanced_block_is_reported_at_its_opening_tag() -> None:
    def change(d: Document) -> None:
        endif = next(p for p in d.paragraphs if p.text == "{%p endif %}")
        endif._p.getparent().remove(endif._p)

    problems = _lint(change)
    assert len(problems) == 1
    assert problems[0].where.endswith("“{%p if doc.draft %}”")
    assert (
        problems[0].message
        == "{%p if doc.draft %} is never closed: add {%p endif %} in a paragraph of its own"
    )


def test_end_without_start_and_wrong_level() -> None:
    problems = _lint(
        lambda d: _retype(next(p for p in d.paragraphs if p.text == "{%p endif %}"), "{%p endfor %}")
    )
    messages = [p.message for p in problems]
    assert "{%p endfor %} has no matching {% for %} before it" in messages
    problems = _lint(
        lambda d: _retype(next(p for p in d.paragraphs if p.text == "{%p endif %}"), "{% endif %}")
    )
    assert [p.message for p in problems] == [
        "{% endif %} does not match the level of {%p if doc.draft %} (paragraph 7 “{%p if doc.draft %}”): "
        "write it as {%p endif %}"
    ]


def test_filters_styles_and_unsafe_output() -> None:
    problems = _lint(
        lambda d: _retype(
            _paragraph(d, "This agreement is governed by"),
            "{{ doc.date|dat }} {{ partnership.name|safe }} {{ partners|map(attribute='nmae')|join(', ') }}",
        )
    )
    messages = [p.message for p in problems]
    assert "unknown filter 'dat': did you mean 'date'?" in messages[0]
    assert "|safe inserts the value into the Word XML unescaped" in messages[1]
    assert "'each item of partners' (Partner) has no 'nmae': did you mean 'name'?" in messages[2]
    problems = _lint(
        lambda d: _retype(
            _paragraph(d, "md(content.agreement.exit"), "{{p md(content.agreement.exit, 'Clauze') }}"
        )
    )
    assert "this template has no paragraph style 'Clauze': did you mean 'Clause'?" in problems[0].message


def test_paragraph_tag_sharing_its_paragraph_and_unclosed_tag() -> None:
    problems = _lint(
        lambda d: _retype(next(p for p in d.paragraphs if p.text == "{%p endif %}"), "Note {%p endif %}")
    )
    assert problems[0].severity == "warning" and "is dropped" in problems[0].message
    problems = _lint(
        lambda d: _retype(_paragraph(d, "This agreement is governed by"), "Law: {{ content.agreement")
    )
    assert problems[0].message.startswith(
        "the tag starting “{{ content.agreement” is not closed in this paragraph"
    )


def test_header_problems_name_the_page_header() -> None:
    def change(d: Document) -> None:
        _retype(d.sections[0].header.paragraphs[0], "{{ doc.partnershp }}{% if doc.draft %} DRAFT")

    messages = {(p.where, p.message) for p in _lint(change)}
    assert any(w.startswith("page header") and "did you mean 'partnership'" in m for w, m in messages)
    assert any(w.startswith("page header") and "{% if doc.draft %} is never closed" in m for w, m in messages)


def test_not_a_word_file(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_text("not a zip", encoding="utf-8")
    problems = lint_templates(tmp_path)
    assert problems == [LintProblem("notes.docx", "file", problems[0].message)]
    assert "not a Word document" in problems[0].message


# ------------------------------------------------------------------ the command


def test_cli_passes_on_the_shipped_templates() -> None:
    result = CliRunner().invoke(main, ["lint-templates"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_cli_fails_with_located_problems(tmp_path: Path) -> None:
    (tmp_path / "agreement.docx").write_bytes(
        _broken(
            lambda d: _retype(_paragraph(d, "This agreement is governed by"), "{{ content.agreement.titel }}")
        )
    )
    result = CliRunner().invoke(main, ["lint-templates", "--templates", str(tmp_path)])
    assert result.exit_code == 1
    assert "agreement.docx: paragraph" in result.output and "did you mean 'title'?" in result.output
    assert "1 error, 0 warnings" in result.output


def test_cli_lists_the_variables() -> None:
    result = CliRunner().invoke(main, ["lint-templates", "--list-variables"])
    assert result.exit_code == 0
    assert "content.agreement.title  [text]  e.g. Collaboration Agreement" in result.output
    assert "partners[].lsp.name  [text]" in result.output


# ------------------------------------------------------------------ the reference


def test_reference_lists_what_the_template_uses() -> None:
    paths = {v.path for v in variable_reference(load_content(example_dir()))}
    for used in (
        "content.agreement.commencement",
        "content.funding.current.contributions",
        "content.funding.current.contributions[].amount",
        "partners[].current_delegation.instrument",
        "doc.signatures[].tooltip",
        "content.disputes.stages[].timescale_working_days",
        "content.party_name(ident)",
    ):
        assert used in paths


def test_committed_reference_matches_the_model() -> None:
    expected = reference_markdown(load_content(example_dir()))
    assert REFERENCE.read_text(encoding="utf-8") == expected, (
        "docs/word-templates.md is stale: run "
        "'masa-docs lint-templates --write-reference docs/word-templates.md'"
    )


@pytest.mark.parametrize("name", ["agreement.docx", "word-copy.docx"])
def test_templates_are_real_word_files(name: str) -> None:
    document = docx.Document(str(templates_dir() / name))
    assert document.sections[0].page_width is not None
    assert round(document.sections[0].page_width.cm, 1) == 21.0  # A4
