"""Issue 17: publish rebuilds only what changed.

Each output's manifest entry records what it was made from (``inputs``: its document's content
fingerprint, metadata and compliance appendix, the templates, masa-docs itself); a publish
skips an output whose inputs are unchanged and whose file is in the folder as recorded, and the
result is byte-identical to building everything again (``force``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from masa_docs.cli import main
from masa_docs.errors import MasaError
from masa_docs.example import example_dir
from masa_docs.publish import publish
from masa_docs.resources import shipped

FOREWORD = "This is the first yearly report under the arrangements we signed in March 2025."


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def content(tmp_path: Path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(example_dir(), dest)
    return dest


def _built(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {o.file for o in result.outputs}


def _unchanged(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {o.file for o in result.unchanged}


@pytest.mark.slow
def test_a_second_publish_with_nothing_changed_builds_nothing(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    first = publish(content, out)
    before = tree(out)
    # The full work (tests/test_publish_up_to_date.py: the quick answer without loading).
    again = publish(content, out, recall=False)
    assert not again.up_to_date and again.outputs == [] and again.skipped == [] and again.workers == 0
    # One entry per output (the newest reports' stable names, yearly-report.* and
    # yearly-report-easy-read.*, are the same files under a second name).
    stable = {
        f"{d}.{f}" for d in ("yearly-report", "yearly-report-easy-read") for f in ("html", "pdf", "docx")
    }
    assert _unchanged(again) == {o.file for o in first.outputs} - stable
    assert tree(out) == before  # every file, the index and the manifest: byte for byte
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(len(e["inputs"]) == 64 for n, e in manifest["files"].items() if e["document"] is not None)


def test_an_edit_to_the_foreword_rebuilds_only_the_documents_made_from_it(
    content: Path, tmp_path: Path
) -> None:
    out, fresh = tmp_path / "build", tmp_path / "fresh"
    publish(content, out, formats=["html"])
    report = content / "reports" / "2025-26.yaml"
    text = report.read_text(encoding="utf-8")
    assert FOREWORD in text
    report.write_text(
        text.replace("It shows\n    real progress", "It shows\n    steady progress"), encoding="utf-8"
    )
    again = publish(content, out, formats=["html"])
    # The 2025-26 report and its easy-read version, which is made from it (each also under its
    # stable name, the newest); nothing else.
    assert _built(again) == {
        "yearly-report.html",
        "yearly-report-2025-26.html",
        "yearly-report-easy-read.html",
        "yearly-report-easy-read-2025-26.html",
    }
    assert {"arrangements.html", "threshold.html", "yearly-report-2024-25.html"} <= _unchanged(again)
    assert "steady progress" in (out / "yearly-report-2025-26.html").read_text(encoding="utf-8")
    # The same bytes as building everything from scratch.
    publish(content, fresh, formats=["html"], force=True)
    assert tree(out) == tree(fresh)


def test_force_builds_every_output_again(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out, docs=["threshold", "arrangements"], formats=["html"])
    before = tree(out)
    again = publish(content, out, docs=["threshold", "arrangements"], formats=["html"], force=True)
    assert _built(again) == {"threshold.html", "arrangements.html"} and again.unchanged == []
    assert tree(out) == before


def test_a_changed_template_rebuilds_what_is_made_with_it(content: Path, tmp_path: Path) -> None:
    out, templates = tmp_path / "build", tmp_path / "templates"
    (templates / "html").mkdir(parents=True)
    shutil.copy(shipped("templates") / "html" / "threshold.html", templates / "html" / "threshold.html")
    kwargs = {"docs": ["threshold", "agreement"], "formats": ["html", "docx"], "templates": templates}
    publish(content, out, **kwargs)  # type: ignore[arg-type]
    assert publish(content, out, **kwargs).outputs == []  # type: ignore[arg-type]
    page = templates / "html" / "threshold.html"
    page.write_text(page.read_text(encoding="utf-8") + "{# a comment #}\n", encoding="utf-8")
    again = publish(content, out, **kwargs)  # type: ignore[arg-type]
    # The page and the Word copy made from it; the agreement comes from the Word templates only.
    assert _built(again) == {"threshold.html", "threshold.docx"}
    assert _unchanged(again) == {"agreement.docx"}


def test_a_deleted_output_is_built_again(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out, docs=["threshold", "arrangements"], formats=["html"])
    before = tree(out)
    (out / "threshold.html").unlink()
    again = publish(content, out, docs=["threshold", "arrangements"], formats=["html"])
    assert _built(again) == {"threshold.html"} and _unchanged(again) == {"arrangements.html"}
    assert tree(out) == before


def test_a_changed_output_is_never_taken_for_unchanged_nor_overwritten(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out, docs=["threshold"], formats=["html"])
    page = out / "threshold.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>edited by hand</p></body>"))
    edited = page.read_bytes()
    # Its sha256 differs from the manifest's: publish stops (as for any file changed after it
    # was made) instead of keeping it as "unchanged" or replacing the user's edit.
    with pytest.raises(MasaError, match="was changed after masa-docs made it"):
        publish(content, out, docs=["threshold"], formats=["html"])
    assert page.read_bytes() == edited


def test_the_cli_says_unchanged_and_force_builds_again(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    args = ["publish", "--content", str(content), "--out", str(out), "--doc", "threshold", "--format", "html"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "  threshold.html               unchanged" in again.output
    assert "1 output was unchanged and not built again (--force builds them all the same)." in again.output
    assert "worker" not in again.output  # nothing was built: no workers to count
    # Nothing publish reads changed: the answer is recalled (masa_docs.up_to_date), nothing written,
    # and the status lines are those the first publish printed.
    assert f"Nothing to write: {out} is up to date (" in again.output and "Wrote" not in again.output
    assert "threshold: DRAFT" in first.output and "threshold: DRAFT" in again.output
    forced = CliRunner().invoke(main, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "threshold.html               unchanged" not in forced.output
    assert "not built again" not in forced.output and "(1 worker)" in forced.output
