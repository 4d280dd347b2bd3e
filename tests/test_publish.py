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
    expected |= {f"yearly-report.{r.fmt}" for r in requests if r.period == periods[-1]}
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
    assert sorted(p.name for p in out.iterdir()) == sorted(written | {"index.html", "manifest.json"})
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


def test_a_successful_publish_replaces_the_whole_folder(previous_build):
    (previous_build / "stale.html").write_text("old", encoding="utf-8")
    publish(example_dir(), previous_build, docs=["threshold"], formats=["html"], workers=1)
    assert not (previous_build / "stale.html").exists()
    assert (previous_build / "threshold.html").is_file()
    assert leftovers(previous_build.parent, "build") == []


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(MasaError) as info:
        publish(example_dir(), mine, docs=["threshold"], formats=["html"])
    assert info.value.hint
    assert (mine / "precious.txt").read_text(encoding="utf-8") == "keep me"


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


def test_build_writes_one_file_and_leaves_the_others(previous_build):
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
    assert all(after[k] == v for k, v in before.items())
    assert [p.name for p in previous_build.iterdir() if p.name.startswith(".")] == []


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
