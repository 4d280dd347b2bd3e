"""The wheel works anywhere: built from the sdist, installed into a fresh virtual environment
outside the repository, it finds its templates and example and publishes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], *, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if ok:
        assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
def test_wheel_from_the_sdist_installs_and_works_outside_the_repository(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    dist = tmp_path / "dist"
    # sdist first, then the wheel built from the unpacked sdist: both must carry everything.
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], tmp_path, env)
    (sdist,) = dist.glob("masa_docs-*.tar.gz")
    (wheel,) = dist.glob("masa_docs-*.whl")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"templates/docx/agreement.docx", "templates/html/base.html", "content/partnership.yaml"} <= names

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    py = venv / "bin" / "python"
    run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], tmp_path, env)
    # The dependencies come from the test's own environment (nothing is downloaded); its
    # .pth files are not read, so the checkout under test is not on the path.
    purelib = run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path, env)
    Path(purelib.stdout.strip(), "shared-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    where = run([str(py), "-c", "import masa_docs; print(masa_docs.__file__)"], tmp_path, env)
    assert where.stdout.strip().startswith(str(venv)), where.stdout

    cli = str(venv / "bin" / "masa-docs")
    work = tmp_path / "work"
    work.mkdir()
    run([cli, "init", "example"], work, env)
    assert "valid" in run([cli, "validate", "--content", "example"], work, env).stdout
    lint = run([cli, "lint-templates"], work, env)
    assert "0 errors" in lint.stderr + lint.stdout
    run([str(py), "-m", "masa_docs", "--version"], work, env)

    # A partnership folder owning its templates, driven by its masa-docs.toml.
    run([cli, "init", "--with-templates", "partnership"], work, env)
    home = work / "partnership"
    assert (home / "templates" / "docx" / "agreement.docx").is_file()
    run([cli, "lint-templates", "--templates", "templates"], home, env)
    run(
        [
            cli,
            "publish",
            "-q",
            "--doc",
            "threshold",
            "--doc",
            "agreement",
            "--format",
            "html",
            "--format",
            "docx",
        ],
        home,
        env,
    )
    manifest = json.loads((home / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"threshold.html", "threshold.docx", "agreement.docx", "index.html"}
