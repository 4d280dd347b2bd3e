"""Small things new users met: make help, a closed pipe, font warnings, the index at 1280 px."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from masa_docs.example import example_dir
from masa_docs.publish import publish

REPO = Path(__file__).resolve().parents[1]


def test_make_help_lists_every_documented_target():
    documented = re.findall(r"^([a-z0-9-]+):.*## ", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert "a11y" in documented
    shown = subprocess.run(
        ["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert [line.split()[0] for line in shown.splitlines()] == documented


def test_a_closed_pipe_is_not_reported_as_a_bug():
    """'masa-docs lint-templates --list-variables | head -1' ends quietly."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        f"'{sys.executable}' -m masa_docs lint-templates --list-variables | head -1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr == ""


@pytest.mark.slow
def test_pdf_rendering_logs_no_font_face_warnings(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        publish(example_dir(), tmp_path / "build", docs=["threshold"], formats=["pdf"], workers=1)
    assert [r.getMessage() for r in caplog.records if "Font-face" in r.getMessage()] == []


@pytest.mark.client
def test_index_shows_every_column_in_a_1280px_window(tmp_path):
    from playwright.sync_api import sync_playwright

    from masa_docs.a11y.html_axe import CHROMIUM_FLAGS, find_chromium

    out = tmp_path / "build"
    publish(example_dir(), out, formats=["html"], workers=1)
    chromium = find_chromium()
    assert chromium, "Chromium is needed (make setup installs it)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS), headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto((out / "index.html").as_uri())
        wrap = page.eval_on_selector(
            "table.outputs", "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
        )
        status = page.eval_on_selector(
            "table.outputs thead th:last-child", "th => th.getBoundingClientRect().right"
        )
        browser.close()
    assert wrap[0] <= wrap[1], f"the table scrolls: {wrap[0]} px wide in {wrap[1]} px"
    assert status <= 1280
