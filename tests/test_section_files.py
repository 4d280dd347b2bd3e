"""A custom section's text can live in a Markdown file of the content folder
(``sections.yaml`` ``custom: - file: sections/glossary.md``): it is read from inside the folder
only, its problems are located in it, and it counts in the document's fingerprint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import copy_content, diagnostics_of
from masa_docs.load import document_fingerprint, document_sources, load_content
from masa_docs.render import RenderRequest
from masa_docs.render.html import render_html

GLOSSARY_INLINE = """    appendix: true
    text: |
      **DSP**: delegated safeguarding partner.
"""
GLOSSARY = """**DSP**: delegated safeguarding partner.

**LADO**: local authority designated officer.
"""


def _with_file(tmp_path: Path, path: str = "sections/glossary.md", text: str = GLOSSARY) -> Path:
    """The example with its glossary appendix moved to ``path``."""

    def to_file(yaml_text: str) -> str:
        head, _, _ = yaml_text.partition(GLOSSARY_INLINE)
        assert head != yaml_text, "the example's glossary changed"
        return head + f"    appendix: true\n    file: {path}\n"

    root = copy_content(tmp_path / "c", {"sections.yaml": to_file})
    target = root / "sections" / "glossary.md"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    return root


def test_the_text_is_read_from_the_file_and_published(tmp_path: Path) -> None:
    loaded = load_content(_with_file(tmp_path))
    glossary = next(cs for cs in loaded.content.sections.custom if cs.id == "glossary")
    assert glossary.file == "sections/glossary.md" and glossary.body == GLOSSARY.strip()
    html = render_html(loaded, RenderRequest("arrangements", "html"))
    assert '<h2 id="glossary-title">Appendix C: Glossary</h2>' in html
    assert "<strong>LADO</strong>: local authority designated officer." in html
    assert loaded.files.count(loaded.source.root / "sections" / "glossary.md") == 1  # content, not stray


def test_the_file_counts_in_the_documents_fingerprint_and_only_its_own(tmp_path: Path) -> None:
    root = _with_file(tmp_path)
    loaded = load_content(root)
    assert "sections/glossary.md" in document_sources(loaded, "arrangements")
    assert "sections/glossary.md" not in document_sources(loaded, "threshold")
    before = {d: document_fingerprint(loaded, d) for d in ("arrangements", "threshold", "agreement")}
    (root / "sections" / "glossary.md").write_text(GLOSSARY + "\n**MASH**: hub.\n", encoding="utf-8")
    after_loaded = load_content(root)
    after = {d: document_fingerprint(after_loaded, d) for d in before}
    assert after["arrangements"] != before["arrangements"]  # diff and signing see the change
    assert after["threshold"] == before["threshold"] and after["agreement"] == before["agreement"]
    assert after_loaded.fingerprint != loaded.fingerprint


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.md", "'../outside.md' is not inside the content folder"),
        ("sections/../../outside.md", "is not inside the content folder"),
        ("/etc/passwd", "'/etc/passwd' is not inside the content folder"),
        ("sections/glossary.txt", "is not a Markdown (.md) file"),
        ("sections/missing.md", "file not found: sections/missing.md"),
        ("governance.md", "'governance.md' is read as content already"),
        ("from-word/history.md", "'from-word/history.md' is in from-word/, which holds working files"),
    ],
)
def test_a_path_outside_the_folder_or_wrong_is_refused_at_its_line(
    tmp_path: Path, path: str, message: str
) -> None:
    (tmp_path / "outside.md").write_text("secret\n", encoding="utf-8")
    root = _with_file(tmp_path, path)
    if path == "governance.md":
        (root / "governance.md").write_text("Governance.\n", encoding="utf-8")
    diags = [d for d in diagnostics_of(root) if d.file.endswith("sections.yaml")]
    assert [d.message for d in diags if message in d.message], diags
    (d,) = diags
    assert d.line is not None and d.column is not None and d.field_path == "custom[1].file"
    assert d.hint and ("inside the content folder" in d.hint or "create" in d.hint or "own" in d.hint)


def test_a_link_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("secret\n", encoding="utf-8")
    root = _with_file(tmp_path, "sections/link.md")
    os.symlink(secret, root / "sections" / "link.md")
    diags = diagnostics_of(root)
    (d,) = [d for d in diags if d.file.endswith("sections.yaml")]
    assert "is a link to" in d.message and "outside the content folder" in d.message
    assert d.line is not None


def test_text_and_file_together_or_neither_are_errors(tmp_path: Path) -> None:
    root = _with_file(tmp_path)
    path = root / "sections.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    file: sections/glossary.md\n", "    file: sections/glossary.md\n    text: x\n")
    )
    (both,) = [d for d in diagnostics_of(root) if "not both" in d.message]
    assert both.file.endswith("sections.yaml") and both.line is not None
    path.write_text(text.replace("    file: sections/glossary.md\n", ""))
    (neither,) = [d for d in diagnostics_of(root) if d.file.endswith("sections.yaml")]
    assert "text: <Markdown> or file:" in neither.message


def test_problems_in_the_file_are_located_in_it(tmp_path: Path) -> None:
    root = _with_file(tmp_path, text=GLOSSARY + "\nThe structure: ![chart](https://example.org/c.png)\n")
    (img,) = diagnostics_of(root)
    assert img.file.endswith("sections/glossary.md") and (img.line, img.column) == (5, 16)
    (tmp_path / "c" / "sections" / "glossary.md").write_bytes(b"**DSP**: \xff\n")
    (bad,) = diagnostics_of(root)
    assert bad.file.endswith("sections/glossary.md") and (bad.line, bad.column) == (1, 10)
    (tmp_path / "c" / "sections" / "glossary.md").write_text("  \n", encoding="utf-8")
    (empty,) = diagnostics_of(root)
    assert empty.file.endswith("sections/glossary.md") and "empty" in empty.message


def test_placeholder_text_in_the_file_is_reported_in_the_file(tmp_path: Path) -> None:
    from masa_docs.substance import hollow_diagnostics

    loaded = load_content(_with_file(tmp_path, text="TBC\n"))
    found = [d for d in hollow_diagnostics(loaded) if "placeholder" in d.message]
    assert [d.file.endswith("sections/glossary.md") for d in found] == [True]


def test_a_stray_markdown_file_in_a_subfolder_is_still_reported(tmp_path: Path) -> None:
    root = _with_file(tmp_path)
    (root / "sections" / "notes.md").write_text("Notes.\n", encoding="utf-8")
    (d,) = diagnostics_of(root)
    assert d.file.endswith("sections/notes.md") and "not read" in d.message


def test_the_example_inline_text_still_works(example) -> None:
    glossary = next(cs for cs in example.content.sections.custom if cs.id == "glossary")
    assert glossary.file is None and glossary.body.startswith("**DSP**")
