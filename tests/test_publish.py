"""``publish`` and ``build``: every output, index, manifest; atomic; deterministic; fast start-up."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from masa_docs.cli import main
from masa_docs.documents import DOCUMENTS
from masa_docs.errors import ContentError, MasaError
from masa_docs.example import example_dir
from masa_docs.load import load_content
from masa_docs.publish import build_one, output_stem, plan, publish
from masa_docs.render import RENDERERS


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes), plus folder names."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
        for p in sorted(folder.rglob("*"))
    }


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example published once, every document in every format."""
    out = tmp_path_factory.mktemp("pub") / "build"
    result = publish(example_dir(), out)
    return out, result


@pytest.fixture
def content_copy(tmp_path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(example_dir(), dest)
    return dest


# ------------------------------------------------------------------ what publish writes


@pytest.mark.slow
def test_publish_writes_every_output_or_says_why_not(built):
    out, result = built
    loaded = load_content(example_dir())
    requests, _ = plan(loaded)
    expected = {f"{output_stem(r)}.{r.fmt}" for r in requests}
    # Every period's yearly report is planned, and the newest is also written as yearly-report.*
    periods = loaded.content.report_periods
    assert {r.period for r in requests if r.doc == "yearly-report"} == set(periods)
    # (and so is the newest easy-read yearly report)
    expected |= {
        f"{r.doc}.{r.fmt}" for r in requests if DOCUMENTS[r.doc].periodic and r.period == periods[-1]
    }
    # Every (document, format) with a renderer is planned...
    assert {(r.doc, r.fmt) for r in requests} == {
        (d, f)
        for d, spec in DOCUMENTS.items()
        for f in spec.formats
        if (d, f) in RENDERERS and (not spec.periodic or loaded.content.reports)
    }
    # ...and either written or reported as skipped with a reason.
    written = {o.file for o in result.outputs}
    skipped = {s.file for s in result.skipped}
    assert written | skipped == expected
    assert not written & skipped
    for s in result.skipped:
        assert s.reason
    # The HTML pages and their PDFs are always made, and every period's report.
    for doc in ("arrangements", "threshold", "yearly-report", *(f"yearly-report-{p}" for p in periods)):
        assert {f"{doc}.html", f"{doc}.pdf"} <= written
    # The stable name is the newest report, byte for byte.
    for fmt in ("html", "pdf"):
        newest = (out / f"yearly-report-{periods[-1]}.{fmt}").read_bytes()
        assert (out / f"yearly-report.{fmt}").read_bytes() == newest
    assert (out / "yearly-report-2024-25.html").read_bytes() != (out / "yearly-report.html").read_bytes()
    extra = {"index.html", "manifest.json"}
    assert sorted(p.name for p in out.iterdir()) == sorted(written | extra)
    assert leftovers(out.parent, out.name) == []


@pytest.mark.slow
def test_manifest_hashes_match_the_files(built):
    out, result = built
    text = (out / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    loaded = load_content(example_dir())
    assert manifest["content_fingerprint"] == loaded.fingerprint
    from masa_docs import __version__

    assert manifest["tool_version"] == __version__
    files = manifest["files"]
    assert set(files) == {p.name for p in out.iterdir()} - {"manifest.json"}
    for name, entry in files.items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert {s["file"] for s in manifest["skipped"]} == {s.file for s in result.skipped}
    # No clock: the only dates are the documents' dates from the content.
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", text)
    content_dates = {e["date"] for e in files.values() if e.get("date")}
    assert set(dates) <= content_dates


@pytest.mark.slow
def test_index_links_every_output(built):
    out, result = built
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'<a href="([^"#:]+)"', index))
    assert hrefs == {o.file for o in result.outputs}
    assert '<html lang="' in index and "<main" in index and "<caption>" in index
    for o in result.outputs:
        assert (out / o.file).is_file()


@pytest.mark.slow
def test_publish_twice_gives_identical_bytes(built, tmp_path):
    """A second publish (the threshold document and the yearly report, with its charts, as HTML
    and PDF; the arrangements' PDF is compared in test_pdf_docs) gives the same bytes."""
    out, _ = built
    again = publish(
        example_dir(), tmp_path / "again", docs=["threshold", "yearly-report"], formats=["html", "pdf"]
    )
    names = [o.file for o in again.outputs]
    assert sorted(names) == [
        "threshold.html",
        "threshold.pdf",
        "yearly-report-2024-25.html",
        "yearly-report-2024-25.pdf",
        "yearly-report-2025-26.html",
        "yearly-report-2025-26.pdf",
        "yearly-report.html",
        "yearly-report.pdf",
    ]
    for name in names:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


# ------------------------------------------------------------------ atomicity


@pytest.fixture
def previous_build(tmp_path) -> Path:
    """A small complete build to protect (threshold HTML only: fast)."""
    out = tmp_path / "site" / "build"
    publish(example_dir(), out, docs=["threshold"], formats=["html"], workers=1)
    return out


def test_invalid_content_leaves_the_previous_build_untouched(previous_build, content_copy):
    before = tree(previous_build)
    (content_copy / "partners.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError):
        publish(content_copy, previous_build)
    assert tree(previous_build) == before
    assert leftovers(previous_build.parent, "build") == []


def test_a_failing_renderer_leaves_the_previous_build_untouched(previous_build, monkeypatch):
    before = tree(previous_build)

    def boom(loaded, request):
        raise RuntimeError("renderer exploded")

    import masa_docs.render.html_pdf as html_pdf

    monkeypatch.setattr(html_pdf, "render_pdf_output", boom)
    with pytest.raises(RuntimeError, match="exploded"):
        publish(example_dir(), previous_build, docs=["threshold"], formats=["html", "pdf"], workers=1)
    assert tree(previous_build) == before
    assert leftovers(previous_build.parent, "build") == []


def test_publish_keeps_every_file_it_did_not_make(previous_build):
    """A signed PDF, an archive folder and any other file in the output folder survive."""
    (previous_build / "signed").mkdir()
    (previous_build / "signed" / "agreement-signed.pdf").write_bytes(b"%PDF-1.7 signed")
    (previous_build / "archive" / "2024").mkdir(parents=True)
    (previous_build / "archive" / "2024" / "threshold.pdf").write_bytes(b"%PDF old")
    (previous_build / "notes.txt").write_text("mine", encoding="utf-8")
    mine = {
        k: v for k, v in tree(previous_build).items() if k.split("/")[0] in {"signed", "archive", "notes.txt"}
    }
    publish(example_dir(), previous_build, workers=1, docs=["threshold", "arrangements"], formats=["html"])
    after = tree(previous_build)
    assert {k: after[k] for k in mine} == mine
    manifest = json.loads((previous_build / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"arrangements.html", "threshold.html", "index.html"}
    assert leftovers(previous_build.parent, "build") == []
    assert [p.name for p in previous_build.iterdir() if p.name.startswith(".")] == []
    # The accessibility gate checks this build's files, not the partnership's own.
    from masa_docs.a11y import output_files

    checked = sorted(p.name for paths in output_files(previous_build).values() for p in paths)
    assert checked == ["arrangements.html", "index.html", "threshold.html"]


def test_publish_into_a_folder_it_did_not_make_keeps_what_is_there(tmp_path):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "precious.txt").write_text("keep me", encoding="utf-8")
    publish(example_dir(), mine, docs=["threshold"], formats=["html"], workers=1)
    assert (mine / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert (mine / "threshold.html").is_file()


def test_refuses_to_overwrite_a_file_it_did_not_make(tmp_path):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "threshold.html").write_text("my own page", encoding="utf-8")
    with pytest.raises(MasaError) as info:
        publish(example_dir(), mine, docs=["threshold"], formats=["html"], workers=1)
    assert "not made by masa-docs" in info.value.message
    assert "signed/" in (info.value.hint or "")
    assert sorted(p.name for p in mine.iterdir()) == ["threshold.html"]
    assert (mine / "threshold.html").read_text(encoding="utf-8") == "my own page"


def test_refuses_to_overwrite_an_output_changed_since_it_was_made(previous_build):
    """A PDF signed and saved over the published one is never overwritten."""
    (previous_build / "threshold.html").write_text("signed or edited", encoding="utf-8")
    before = tree(previous_build)
    result = CliRunner().invoke(
        main,
        ["publish", "--content", str(example_dir()), "--out", str(previous_build), "--doc", "threshold"],
    )
    assert result.exit_code == 2, result.output
    assert "threshold.html was changed after masa-docs made it" in result.output
    assert "hint:" in result.output and "Traceback" not in result.output
    assert tree(previous_build) == before


def test_doc_and_format_rebuild_just_those_outputs_and_merge_the_manifest(previous_build):
    publish(example_dir(), previous_build, docs=["arrangements"], formats=["html"], workers=1)
    publish(example_dir(), previous_build, docs=["threshold"], formats=["html"], workers=1)
    manifest = json.loads((previous_build / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"arrangements.html", "threshold.html", "index.html"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((previous_build / name).read_bytes()).hexdigest()
        assert entry["stale"] is False
    index = (previous_build / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'<a href="([^"#:]+)"', index))
    assert linked == {"arrangements.html", "threshold.html"}


def test_outputs_no_longer_made_are_removed_and_only_those(previous_build, content_copy):
    """A file in the previous manifest that the content no longer makes is removed (it was
    masa-docs's), while a rebuild of what is still made keeps the rest."""
    publish(example_dir(), previous_build, docs=["yearly-report"], formats=["html"], workers=1)
    assert (previous_build / "yearly-report.html").is_file()
    shutil.rmtree(content_copy / "reports")
    (content_copy / "signatures.yaml").unlink()  # it records the yearly reports' signatures
    result = publish(content_copy, previous_build, formats=["html"], workers=1)
    # every period's report and the newest one's stable name
    reports = ["yearly-report-2024-25.html", "yearly-report-2025-26.html", "yearly-report.html"]
    assert sorted(result.removed) == reports
    assert not any((previous_build / name).exists() for name in reports)
    assert (previous_build / "threshold.html").is_file()


def test_an_output_that_cannot_be_built_keeps_its_previous_file_marked_stale(previous_build, monkeypatch):
    from masa_docs.render.libreoffice import LibreOfficeMissing

    before = (previous_build / "threshold.html").read_bytes()

    def missing(loaded, request):
        raise LibreOfficeMissing()

    import masa_docs.render.html as html

    monkeypatch.setattr(html, "render_html_output", missing)
    # force: the content is unchanged, so publish would otherwise keep the file without trying.
    result = publish(
        example_dir(), previous_build, docs=["threshold"], formats=["html"], workers=1, force=True
    )
    assert result.outputs == [] and result.skipped == []
    assert result.stale == [("threshold.html", "not rebuilt: LibreOffice was not found")]
    assert (previous_build / "threshold.html").read_bytes() == before
    manifest = json.loads((previous_build / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"]["threshold.html"]
    assert entry["stale"] is True
    assert entry["stale_reason"] == "not rebuilt: LibreOffice was not found"
    assert entry["sha256"] == hashlib.sha256(before).hexdigest()
    index = (previous_build / "index.html").read_text(encoding="utf-8")
    assert "Out of date:</strong> not rebuilt: LibreOffice was not found" in index
    # The next publish that can build it clears the mark.
    monkeypatch.undo()
    publish(example_dir(), previous_build, docs=["threshold"], formats=["html"], workers=1)
    manifest = json.loads((previous_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["threshold.html"]["stale"] is False
    assert "Out of date" not in (previous_build / "index.html").read_text(encoding="utf-8")


def test_outputs_kept_from_other_content_are_marked_stale(previous_build, content_copy):
    (content_copy / "voice.md").write_text("# Voice\n\nChanged.\n", encoding="utf-8")
    result = publish(content_copy, previous_build, docs=["arrangements"], formats=["html"], workers=1)
    assert result.stale == [("threshold.html", "built from earlier content")]
    manifest = json.loads((previous_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["threshold.html"]["stale"] is True
    assert manifest["files"]["arrangements.html"]["stale"] is False


def test_a_failure_while_moving_files_in_puts_the_previous_ones_back(previous_build, monkeypatch):
    publish(example_dir(), previous_build, docs=["arrangements", "threshold"], formats=["html"], workers=1)
    (previous_build / "signed").mkdir()
    before = tree(previous_build)
    import os as os_module

    import masa_docs.publish as publish_module

    real_replace = os_module.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", flaky_replace)
    with pytest.raises(OSError, match="No space"):
        publish(  # the full work (with nothing changed, publish would not write at all)
            example_dir(),
            previous_build,
            docs=["arrangements", "threshold"],
            formats=["html"],
            workers=1,
            recall=False,
        )
    monkeypatch.undo()
    assert tree(previous_build) == before
    assert [p.name for p in previous_build.iterdir() if p.name.startswith(".")] == []


def test_a_second_publish_into_the_same_folder_stops_with_a_clear_message(previous_build):
    import fcntl
    import os

    before = tree(previous_build)
    fd = os.open(previous_build, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running publish holds
        result = CliRunner().invoke(
            main,
            ["publish", "--content", str(example_dir()), "--out", str(previous_build), "--doc", "threshold"],
        )
    finally:
        os.close(fd)
    assert result.exit_code == 2
    assert "another masa-docs publish or build is writing into" in result.output
    assert "hint: wait for it to finish" in result.output
    assert tree(previous_build) == before


@pytest.mark.slow
def test_ctrl_c_exits_130_and_leaves_nothing_behind(tmp_path):
    """SIGINT to the whole process group (as a terminal sends it) while the renderers (WeasyPrint,
    LibreOffice) have files in the temporary folder."""
    import os
    import signal
    import time

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "site" / "build"
    publish(example_dir(), out, docs=["threshold"], formats=["html"], workers=1)
    before = tree(out)
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "masa_docs",
            "publish",
            "--content",
            str(example_dir()),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--doc",
            "agreement",  # its PDF, rendered first, runs LibreOffice with a profile in the temp folder
            "--doc",
            "threshold",
            "--format",
            "pdf",
            "--format",
            "html",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # "Publishing N outputs ...": rendering has started
    assert first.startswith("Publishing"), first + proc.stderr.read() if proc.stderr else ""
    deadline = time.monotonic() + 60

    def renderers_wrote_temp_files() -> bool:
        """Something inside publish's own temporary folder (a LibreOffice profile, WeasyPrint's
        fonts): os.walk ignores folders that vanish while it looks."""
        return any(root != str(tmp) for root, dirs, files in os.walk(tmp) if dirs or files)

    while not renderers_wrote_temp_files() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert renderers_wrote_temp_files(), "no renderer used the temporary folder"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err
    assert list(tmp.iterdir()) == []
    assert tree(out) == before
    assert leftovers(out.parent, "build") == []


def test_refuses_an_output_folder_inside_the_content(content_copy):
    with pytest.raises(MasaError):
        publish(content_copy, content_copy / "build", docs=["threshold"], formats=["html"])
    assert not (content_copy / "build").exists()


# ------------------------------------------------------------------ options and the CLI


def test_unknown_period_is_an_error_before_anything_is_written(tmp_path):
    loaded = load_content(example_dir())
    latest = loaded.content.latest_period
    with pytest.raises(MasaError) as info:
        publish(example_dir(), tmp_path / "build", period="1999-00")
    assert info.value.hint
    assert not (tmp_path / "build").exists()
    result = CliRunner().invoke(
        main,
        ["publish", "--content", str(example_dir()), "--out", str(tmp_path / "b"), "--period", "2099-00"],
    )
    assert result.exit_code == 2
    assert "2099-00" in result.output
    assert "hint:" in result.output
    assert latest is not None


def test_cli_publish_invalid_content_exits_2_and_writes_nothing(content_copy, tmp_path):
    (content_copy / "threshold.yaml").write_text("title: [\n", encoding="utf-8")
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["publish", "--content", str(content_copy), "--out", str(out)])
    assert result.exit_code == 2
    assert "threshold.yaml" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_publish_shows_progress_and_a_summary_table(tmp_path):
    out = tmp_path / "build"
    result = CliRunner().invoke(
        main,
        [
            "publish",
            "--content",
            str(example_dir()),
            "--out",
            str(out),
            "--doc",
            "threshold",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "threshold.html" in result.output
    assert re.search(r"document\s+format\s+pages\s+size\s+seconds", result.output)
    assert re.search(r"^threshold\s+html\s+-\s+\d+ KB\s+\d+\.\d$", result.output, flags=re.M)
    quiet = CliRunner().invoke(
        main,
        [
            "-q",
            "publish",
            "--content",
            str(example_dir()),
            "--out",
            str(out),
            "--doc",
            "threshold",
            "--format",
            "html",
        ],
    )
    assert quiet.exit_code == 0
    assert quiet.output == ""
    # -q is also accepted after the command name, as the README lists it under publish.
    quiet_after = CliRunner().invoke(
        main,
        [
            "publish",
            "-q",
            "--content",
            str(example_dir()),
            "--out",
            str(out),
            "--doc",
            "threshold",
            "--format",
            "html",
        ],
    )
    assert quiet_after.exit_code == 0, quiet_after.output
    assert quiet_after.output == ""


def test_build_writes_one_file_updates_the_manifest_and_leaves_the_others(previous_build):
    (previous_build / "other.txt").write_text("mine", encoding="utf-8")
    before = tree(previous_build)
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--content",
            str(example_dir()),
            "--out",
            str(previous_build),
            "--doc",
            "arrangements",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    after = tree(previous_build)
    assert set(after) == set(before) | {"arrangements.html"}
    assert {k: v for k, v in after.items() if k not in ("index.html", "manifest.json")} == {
        **{k: v for k, v in before.items() if k not in ("index.html", "manifest.json")},
        "arrangements.html": after["arrangements.html"],
    }
    manifest = json.loads(after["manifest.json"])
    assert set(manifest["files"]) == {"arrangements.html", "threshold.html", "index.html"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(after[name]).hexdigest(), name
    assert "arrangements.html" in after["index.html"].decode()
    assert [p.name for p in previous_build.iterdir() if p.name.startswith(".")] == []


def test_build_refuses_the_content_folder_as_output(content_copy):
    before = tree(content_copy)
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--content",
            str(content_copy),
            "--out",
            str(content_copy),
            "--doc",
            "threshold",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 2
    assert "overlaps the content folder" in result.output
    assert tree(content_copy) == before


def test_build_rejects_a_format_the_document_does_not_have(tmp_path):
    with pytest.raises(MasaError):
        build_one(example_dir(), tmp_path, doc="agreement", fmt="html")
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--content",
            str(example_dir()),
            "--out",
            str(tmp_path),
            "--doc",
            "arrangement",
            "--format",
            "pdf",
        ],
    )
    assert result.exit_code == 2  # click: invalid choice


def test_help_does_not_import_heavy_renderers():
    code = (
        "import sys\n"
        "from masa_docs.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "try:\n"
        "    main(['publish', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['weasyprint', 'pyhanko', 'pikepdf', 'docx', 'docxtpl', 'matplotlib', 'playwright']\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage:" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_a_selection_with_nothing_to_publish_is_an_error_and_changes_nothing(previous_build):
    before = tree(previous_build)
    result = CliRunner().invoke(
        main,
        [
            "publish",
            "--content",
            str(example_dir()),
            "--out",
            str(previous_build),
            "--doc",
            "agreement",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 2
    assert "nothing to publish: no html output of agreement" in result.output
    assert "hint: formats made: agreement: docx, pdf" in result.output
    assert tree(previous_build) == before
