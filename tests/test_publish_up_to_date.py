"""Issue 17: publishing again when nothing changed answers at once, without loading the content.

publish records, for each output folder, what its last publish read (a digest of the content,
signed and template folders, masa-docs and the selection), the manifest it wrote and what it
said (masa_docs.up_to_date). The next publish with the same sources, into a folder still as it
was left, returns that result; anything else does the full work, which then decides as before.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import masa_docs.publish as publish_module
import masa_docs.up_to_date as up_to_date
from masa_docs.errors import ContentError, MasaError
from masa_docs.example import example_dir
from masa_docs.publish import PublishResult, publish
from masa_docs.resources import cache_folder, shipped

PICK: dict[str, Any] = {"docs": ["threshold", "arrangements"], "formats": ["html"]}


@pytest.fixture
def content(tmp_path: Path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(example_dir(), dest)
    return dest


def stamps(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file's inode, modification time and bytes: a rewrite with equal bytes shows too."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def said(result: PublishResult) -> tuple[Any, ...]:
    """What a publish reports, apart from timing and whether it recalled."""
    return (
        result.fingerprint,
        [(o.doc, o.fmt, o.file, o.size, o.sha256, o.pages) for o in result.unchanged],
        result.outputs,
        result.kept,
        result.stale,
        result.removed,
        result.skipped,
        result.compliance,
        result.status,
        [(c.site_name, str(c.source), c.status) for c in result.signed],
    )


def test_nothing_changed_recalls_what_the_full_work_would_say_and_writes_nothing(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    first = publish(content, out, **PICK)
    assert not first.up_to_date and len(first.outputs) == 2
    before = stamps(out)
    events: list[tuple[str, str, int]] = []
    quick = publish(content, out, progress=lambda e: events.append((e.kind, e.doc, e.total)), **PICK)
    assert quick.up_to_date and quick.outputs == [] and quick.workers == 0
    assert stamps(out) == before  # not one file written again
    assert events == [("unchanged", "arrangements", 2), ("unchanged", "threshold", 2)]
    full = publish(content, out, recall=False, **PICK)  # the same question, with all the work
    assert not full.up_to_date
    assert said(quick) == said(full)
    assert [o.file for o in quick.unchanged] == ["arrangements.html", "threshold.html"]
    assert quick.status and "Working Together" in quick.compliance


@pytest.mark.slow
def test_the_recalled_result_of_a_whole_publish_is_the_full_works(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out)
    full = publish(content, out, recall=False)
    quick = publish(content, out)
    assert quick.up_to_date and said(quick) == said(full)
    assert len(quick.unchanged) == len(full.unchanged) > 10


def _edit_foreword(content: Path, out: Path) -> None:
    report = content / "reports" / "2025-26.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("It shows", "It shows us"), encoding="utf-8")


def _new_content_file(content: Path, out: Path) -> None:
    (content / "images").mkdir()
    (content / "images" / "notes.txt").write_text("Not used yet.\n", encoding="utf-8")


def _signed_copy(content: Path, out: Path) -> None:
    (content.parent / "signed").mkdir(exist_ok=True)
    (content.parent / "signed" / "readme.txt").write_text("scans go here\n", encoding="utf-8")


def _output_deleted(content: Path, out: Path) -> None:
    (out / "threshold.html").unlink()


def _index_edited(content: Path, out: Path) -> None:
    (out / "index.html").write_bytes((out / "index.html").read_bytes() + b"\n")


def _manifest_rewritten(content: Path, out: Path) -> None:
    path = out / "manifest.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=1), encoding="utf-8")


def _record_from_yesterday(content: Path, out: Path) -> None:
    path = up_to_date.record_path(out)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["date"] = "2000-01-01"
    path.write_text(json.dumps(record), encoding="utf-8")


def _record_garbled(content: Path, out: Path) -> None:
    up_to_date.record_path(out).write_text("{not json", encoding="utf-8")


def _record_of_another_shape(content: Path, out: Path) -> None:
    path = up_to_date.record_path(out)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["outputs"] = [["threshold", "html"]]
    path.write_text(json.dumps(record), encoding="utf-8")


def _record_gone(content: Path, out: Path) -> None:
    up_to_date.record_path(out).unlink()


@pytest.mark.parametrize(
    "change",
    [
        _edit_foreword,
        _new_content_file,
        _signed_copy,
        _output_deleted,
        _index_edited,
        _manifest_rewritten,
        _record_from_yesterday,
        _record_garbled,
        _record_of_another_shape,
        _record_gone,
    ],
)
def test_anything_changed_does_the_full_work(
    change: Callable[[Path, Path], None], content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    publish(content, out, **PICK)
    change(content, out)
    try:
        again = publish(content, out, **PICK)
    except MasaError as exc:  # the full work refuses a folder changed by hand, as before
        assert change is _index_edited, exc
        return
    assert not again.up_to_date
    assert change is not _index_edited
    # ... and then records it: the next publish is quick again.
    assert publish(content, out, **PICK).up_to_date


def test_an_output_changed_by_hand_is_never_recalled_as_unchanged(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out, **PICK)
    page = out / "threshold.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>edited by hand</p></body>"))
    with pytest.raises(MasaError, match="was changed after masa-docs made it"):
        publish(content, out, **PICK)
    assert b"edited by hand" in page.read_bytes()


def test_another_selection_force_or_a_new_masa_docs_does_the_full_work(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    publish(content, out, **PICK)
    assert not publish(content, out, docs=["threshold"], formats=["html"]).up_to_date
    assert not publish(content, out, docs=["threshold"], formats=["html"], record_content=True).up_to_date
    assert publish(content, out, docs=["threshold"], formats=["html"], record_content=True).up_to_date
    forced = publish(content, out, docs=["threshold"], formats=["html"], record_content=True, force=True)
    assert not forced.up_to_date and [o.file for o in forced.outputs] == ["threshold.html"]
    monkeypatch.setattr(publish_module, "tool_digest", lambda: "masa-docs 99")
    assert not publish(content, out, docs=["threshold"], formats=["html"], record_content=True).up_to_date


def test_a_changed_template_does_the_full_work(content: Path, tmp_path: Path) -> None:
    out, templates = tmp_path / "build", tmp_path / "templates"
    (templates / "html").mkdir(parents=True)
    page = templates / "html" / "threshold.html"
    shutil.copy(shipped("templates") / "html" / "threshold.html", page)
    publish(content, out, templates=templates, **PICK)
    assert publish(content, out, templates=templates, **PICK).up_to_date
    page.write_text(page.read_text(encoding="utf-8") + "{# a comment #}\n", encoding="utf-8")
    again = publish(content, out, templates=templates, **PICK)
    assert not again.up_to_date and "threshold.html" in [o.file for o in again.outputs]


def test_a_signed_pdf_dropped_into_the_folder_still_stops_publish(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out, **PICK)
    (out / "threshold-signed.pdf").write_bytes(b"%PDF-1.7\n/ByteRange [0 1 2 3]\n%%EOF\n")
    with pytest.raises(MasaError, match="has been signed since it was published"):
        publish(content, out, **PICK)


def test_the_record_lives_outside_the_folder_and_folders_that_are_gone_are_forgotten(
    content: Path, tmp_path: Path
) -> None:
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    publish(content, gone, **PICK)
    assert up_to_date.record_path(gone).is_file()
    assert not any(".json" in p.name for p in gone.iterdir() if p.name != "manifest.json")
    shutil.rmtree(gone)
    publish(content, kept, **PICK)
    assert up_to_date.record_path(kept).is_file() and not up_to_date.record_path(gone).exists()


def test_a_cache_folder_that_cannot_be_written_only_costs_time(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("MASA_DOCS_CACHE", str(blocker))
    out = tmp_path / "build"
    publish(content, out, **PICK)
    again = publish(content, out, **PICK)
    assert not again.up_to_date
    assert [o.file for o in again.unchanged] == ["arrangements.html", "threshold.html"]


def test_cache_folder_follows_masa_docs_cache_then_xdg(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MASA_DOCS_CACHE", str(tmp_path / "own"))
    assert cache_folder() == tmp_path / "own"
    monkeypatch.delenv("MASA_DOCS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "masa-docs"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "masa-docs"


def test_a_missing_templates_folder_is_reported_as_before(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    publish(content, out, **PICK)
    with pytest.raises(MasaError, match=r"the templates folder .* does not exist"):
        publish(content, out, templates=tmp_path / "nowhere", **PICK)
    (content / "partners.yaml").write_text("partners: [\n", encoding="utf-8")
    with pytest.raises(ContentError):  # invalid content first, as before
        publish(content, out, templates=tmp_path / "nowhere", **PICK)
