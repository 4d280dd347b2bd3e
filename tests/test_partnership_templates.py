"""The partnership owns its templates and settings: masa-docs.toml, --templates, init
--with-templates, located template errors, and the JSON output for editors and CI."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from masa_docs.cli import main
from masa_docs.errors import MasaError
from masa_docs.example import example_dir
from masa_docs.publish import publish
from masa_docs.render.agreement import templates_dir


def _agreement_with(change: Callable[[docx.document.Document], None]) -> bytes:
    document = docx.Document(str(templates_dir() / "agreement.docx"))
    change(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _misspelt(document: docx.document.Document) -> None:
    para = next(p for p in document.paragraphs if "This agreement is governed by" in p.text)
    for run in list(para.runs):
        run._r.getparent().remove(run._r)
    para.add_run("Governed by {{ content.agreement.governing_lw }}.")


@pytest.fixture
def partnership(tmp_path, monkeypatch) -> Path:
    """A folder made by 'init --with-templates', as the current folder."""
    home = tmp_path / "partnership"
    result = CliRunner().invoke(main, ["init", "--with-templates", str(home)])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(home)
    return home


def test_init_with_templates_makes_a_partnership_folder(partnership):
    assert sorted(
        p.relative_to(partnership).as_posix() for p in partnership.rglob("*") if p.is_file()
    ) == sorted(
        [
            "masa-docs.toml",
            "templates/docx/agreement.docx",
            "templates/html/style.css",
            *(
                f"content/{p.relative_to(example_dir()).as_posix()}"
                for p in example_dir().rglob("*")
                if p.is_file() and p.name != "signatures.yaml"  # a new partnership has signed nothing
            ),
        ]
    )
    assert (partnership / "templates" / "docx" / "agreement.docx").read_bytes() == (
        templates_dir() / "agreement.docx"
    ).read_bytes()


def test_the_config_file_names_content_output_and_templates(partnership):
    css = partnership / "templates" / "html" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* our own colours */\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content: valid")
    result = runner.invoke(main, ["publish", "-q", "--doc", "threshold", "--format", "html"])
    assert result.exit_code == 0, result.output
    page = (partnership / "build" / "threshold.html").read_text(encoding="utf-8")
    assert "/* our own colours */" in page
    # Options win over the file.
    result = runner.invoke(
        main, ["publish", "-q", "--doc", "threshold", "--format", "html", "--out", "elsewhere"]
    )
    assert result.exit_code == 0, result.output
    assert (partnership / "elsewhere" / "threshold.html").is_file()


def test_pyproject_tool_table_is_read(tmp_path, monkeypatch):
    shutil.copytree(example_dir(), tmp_path / "facts")
    (tmp_path / "pyproject.toml").write_text('[tool.masa-docs]\ncontent = "facts"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "facts: valid" in result.output


def test_a_bad_config_file_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "masa-docs.toml").write_text('contnet = "content"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "masa-docs.toml: unknown setting 'contnet'" in result.output
    assert "did you mean 'content'?" in result.output
    (tmp_path / "masa-docs.toml").write_text("content = [\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2 and "not valid TOML" in result.output
    assert "Traceback" not in result.output


def test_templates_option_uses_the_partnerships_agreement(tmp_path):
    own = tmp_path / "templates" / "docx"
    own.mkdir(parents=True)
    (own / "agreement.docx").write_bytes(
        _agreement_with(lambda d: d.add_paragraph("Local wording agreed by our lawyers."))
    )
    out = tmp_path / "build"
    for folder in (tmp_path / "templates", own):  # the folder or its docx/
        publish(example_dir(), out, docs=["agreement"], formats=["docx"], workers=1, templates=folder)
        text = "\n".join(p.text for p in docx.Document(str(out / "agreement.docx")).paragraphs)
        assert "Local wording agreed by our lawyers." in text


def test_a_template_error_during_publish_names_the_paragraph(tmp_path):
    own = tmp_path / "templates" / "docx"
    own.mkdir(parents=True)
    (own / "agreement.docx").write_bytes(_agreement_with(_misspelt))
    with pytest.raises(MasaError) as info:
        publish(
            example_dir(), tmp_path / "build", docs=["agreement"], formats=["docx"], workers=1, templates=own
        )
    message = info.value.message
    assert "agreement.docx: paragraph" in message
    assert "“Governed by {{ content.agreement.governing_lw" in message
    assert "did you mean 'governing_law'?" in message
    assert "jinja" not in message.lower()
    assert "lint-templates" in (info.value.hint or "")
    assert not (tmp_path / "build").exists()


def test_lint_templates_accepts_the_folder_or_its_docx(tmp_path):
    own = tmp_path / "templates" / "docx"
    own.mkdir(parents=True)
    (own / "agreement.docx").write_bytes(_agreement_with(_misspelt))
    for folder in (tmp_path / "templates", own):
        result = CliRunner().invoke(main, ["lint-templates", "--templates", str(folder)])
        assert result.exit_code == 1, result.output
        assert "did you mean 'governing_law'?" in result.output


def test_linting_nothing_exits_2_with_a_hint(tmp_path):
    empty = tmp_path / "templates"
    empty.mkdir()
    (empty / "notes.txt").write_text("no templates here", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint-templates", "--templates", str(empty)])
    assert result.exit_code == 2
    assert "holds no templates" in result.output and "hint:" in result.output
    (empty / "docx").mkdir()
    result = CliRunner().invoke(main, ["lint-templates", "--templates", str(empty)])
    assert result.exit_code == 2
    assert "nothing was checked" in result.output and "hint:" in result.output
    result = CliRunner().invoke(
        main, ["publish", "--templates", str(tmp_path / "missing"), "--out", str(tmp_path / "b")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output


def test_lint_templates_json(tmp_path):
    own = tmp_path / "docx"
    own.mkdir()
    (own / "agreement.docx").write_bytes(_agreement_with(_misspelt))
    result = CliRunner().invoke(main, ["lint-templates", "--templates", str(own), "--format", "json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["templates"] == ["agreement.docx"] and body["errors"] == 1
    (problem,) = body["problems"]
    assert problem["file"] == "agreement.docx" and problem["where"].startswith("paragraph")
    clean = CliRunner().invoke(main, ["lint-templates", "--format", "json"])
    assert clean.exit_code == 0 and json.loads(clean.stdout)["problems"] == []


def test_validate_json(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(example_dir(), content)
    good = CliRunner().invoke(main, ["validate", "--content", str(content), "--format", "json"])
    assert good.exit_code == 0
    assert json.loads(good.stdout)["valid"] is True
    text = (content / "partnership.yaml").read_text(encoding="utf-8")
    (content / "partnership.yaml").write_text(text + "colur: blue\n", encoding="utf-8")
    bad = CliRunner().invoke(main, ["validate", "--content", str(content), "--format", "json"])
    assert bad.exit_code == 2
    body = json.loads(bad.stdout)
    assert body["valid"] is False
    (problem,) = body["problems"]
    assert problem["file"].endswith("partnership.yaml")
    assert problem["line"] == text.count("\n") + 1 and problem["column"] == 1
    assert problem["message"] == "unknown key 'colur'"


def test_another_projects_broken_pyproject_is_not_our_business(tmp_path, monkeypatch):
    shutil.copytree(example_dir(), tmp_path / "content")
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'other'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
