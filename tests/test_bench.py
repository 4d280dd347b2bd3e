"""The benchmark's inputs stay valid content (``make bench`` and ``make bench ARGS=--large``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from masa_docs.bench import _edit_foreword
from masa_docs.bench_large import generate, weasyprint_alone
from masa_docs.example import example_dir
from masa_docs.load import load_content


def test_the_large_partnership_is_valid_content_of_the_size_asked_for(tmp_path: Path) -> None:
    c = load_content(generate(tmp_path / "large", areas=5, agencies=40, metrics=12)).content
    assert len(c.partnership.areas) == 5
    assert len(c.agencies.relevant_agencies) == 40
    assert len(c.data.metrics) == 12
    assert len(c.reports[c.latest_period].metrics) == 12


def test_the_one_edit_changes_only_the_newest_foreword(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(example_dir(), content)
    before = load_content(content)
    _edit_foreword(content, 1)
    _edit_foreword(content, 2)  # replaces the first edit
    after = load_content(content)
    latest = before.content.latest_period
    old, new = before.content.reports[latest].foreword, after.content.reports[latest].foreword
    assert old is not None and new is not None
    assert new.text == f"(Edited for the benchmark, run 2.)\n\n{old.text}"
    changed = [
        f.name
        for f in content.rglob("*.yaml")
        if f.read_bytes() != (example_dir() / f.relative_to(content)).read_bytes()
    ]
    assert changed == [f"{latest}.yaml"]


def test_weasyprint_alone_gives_each_documents_pages_and_cpu_time_biggest_first(tmp_path: Path) -> None:
    page = '<p style="break-after: page">{}</p>'
    (tmp_path / "short.html").write_text("<html lang=en><title>s</title>" + page.format("one"))
    (tmp_path / "long.html").write_text(
        "<html lang=en><title>l</title>" + "".join(page.format(i) for i in range(3)) + "<p>end</p>"
    )
    (tmp_path / "agreement.docx").write_bytes(b"not rendered: WeasyPrint only")
    rows = weasyprint_alone(tmp_path)
    assert [(name, pages) for name, pages, _ in rows] == [("long", 4), ("short", 1)]
    assert all(cpu > 0 for _, _, cpu in rows)
