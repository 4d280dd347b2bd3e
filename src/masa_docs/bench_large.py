"""``make bench ARGS=--large``: a generated large partnership, published and timed.

:func:`generate` writes a copy of the example partnership grown to ``areas`` local authority
areas, ``agencies`` relevant agencies and ``metrics`` data-set metrics, each metric reported
with four quarterly values in the newest yearly report (a long report: one chart and one table
per metric). :func:`run_large` publishes it and reports PDF pages per second per worker and the
peak memory, and times ``validate`` at two sizes (validation should grow linearly).

It also times WeasyPrint alone on the HTML of each PDF (:func:`weasyprint_alone`, the same call
as the renderers alone of ``make bench``): pages per CPU second per document, the most any
publish can reach per core, whatever it does around the renderer.
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .bench import Run, masa, median, renderer_inputs, timed


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 100
    return y


def _edit(path: Path, change: Any) -> None:
    y = _yaml()
    data = y.load(path.read_text(encoding="utf-8"))
    change(data)
    buf = io.StringIO()
    y.dump(data, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")


def generate(dest: Path, *, areas: int = 20, agencies: int = 300, metrics: int = 200) -> Path:
    """A large partnership in ``dest`` (made from the example; returns ``dest``)."""
    from .example import example_dir
    from .load import load_content

    shutil.copytree(example_dir(), dest)
    latest = load_content(dest).content.latest_period

    def grow_areas(p: Any) -> None:
        template = p["areas"][0]
        for k in range(len(p["areas"]), areas):
            a = copy.deepcopy(template)
            a["id"], a["name"] = f"area-{k:02d}", f"Area {k:02d}"
            p["areas"].append(a)

    def grow_agencies(d: Any) -> None:
        listed = d["relevant_agencies"]
        base = list(listed)
        for k in range(len(listed), agencies):
            a = copy.deepcopy(base[k % len(base)])
            a["id"], a["name"] = f"agency-{k:03d}", f"{a['name']} ({k:03d})"
            listed.append(a)

    def grow_metrics(d: Any) -> None:
        listed = d["metrics"]
        for k in range(len(listed), metrics):
            m = copy.deepcopy(listed[0])
            m["id"], m["name"] = f"metric-{k:03d}", f"Measure {k:03d}"
            listed.append(m)

    def report_metrics(r: Any) -> None:
        listed = r["metrics"]
        for k in range(len(listed), metrics):
            m = copy.deepcopy(listed[0])
            m["metric"] = f"metric-{k:03d}"
            for q, v in enumerate(m["values"]):
                v["value"] = 600 + (k * 37 + q * 53) % 300
            listed.append(m)

    def partners_cover(d: Any) -> None:
        new = [f"area-{k:02d}" for k in range(2, areas)]
        for partner in d:
            if "northmere" in partner.get("areas", []):
                partner["areas"].extend(new)

    _edit(dest / "partnership.yaml", grow_areas)
    _edit(dest / "partners.yaml", partners_cover)
    _edit(dest / "agencies.yaml", grow_agencies)
    _edit(dest / "data.yaml", grow_metrics)
    _edit(dest / "reports" / f"{latest}.yaml", report_metrics)
    return dest


def weasyprint_alone(folder: Path) -> list[tuple[str, int, float]]:
    """WeasyPrint alone on every ``*.html`` in ``folder``, one at a time in this process, as the
    renderers alone of ``make bench`` call it (layout and ``write_pdf``, PDF/UA-1): for each,
    biggest first, its name, its pages and the CPU seconds taken. A small page is rendered
    first, so one-off start-up (fonts, first imports) is not counted against a document."""
    import time

    import weasyprint

    from .bench import _render_one

    weasyprint.HTML(string="<p>start-up</p>").render(pdf_variant="pdf/ua-1").write_pdf(pdf_variant="pdf/ua-1")
    rows = []
    for path in sorted(folder.glob("*.html"), key=lambda p: (-p.stat().st_size, p.name)):
        start = time.process_time()
        pages = _render_one(str(path))
        rows.append((path.stem, pages, time.process_time() - start))
    return rows


def _print_weasyprint_alone(rows: list[tuple[str, int, float]]) -> None:
    print("\nWeasyPrint alone on the same HTML, one document at a time (CPU seconds, this process):")
    print(f"{'':<34} {'pages':>6} {'CPU s':>7} {'pages/CPU s':>12}")
    for name, pages, cpu in rows:
        print(f"{name:<34} {pages:6d} {cpu:7.2f} {pages / cpu if cpu else 0.0:12.1f}")
    pages, cpu = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'all':<34} {pages:6d} {cpu:7.2f} {pages / cpu if cpu else 0.0:12.1f}")
    print("(the most PDF pages per second per core any publish of these documents can reach)")


def run_large(jobs: int, repeat: int) -> int:
    from .publish import default_workers, read_manifest

    workers = jobs or default_workers(99)
    with tempfile.TemporaryDirectory(prefix="masa-bench-large-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["MASA_DOCS_CACHE"] = str(tmp / "cache")  # publish's records stay with the benchmark
        content = generate(tmp / "large")
        half = generate(tmp / "half", areas=10, agencies=150, metrics=100)
        print(
            f"masa-docs bench --large: {content} (20 areas, 300 relevant agencies, 200 metrics), "
            f"{workers} workers"
        )
        print("Figures are noisy on a busy or shared machine: compare them from a quiet one.\n")
        sizes = {
            "half": sum(p.stat().st_size for p in half.rglob("*.yaml")),
            "full": sum(p.stat().st_size for p in content.rglob("*.yaml")),
        }
        validations: dict[str, Run] = {}
        for name, folder in (("half", half), ("full", content)):
            runs = [timed(masa("validate", "--content", str(folder))) for _ in range(max(3, repeat))]
            validations[name] = median(runs)
        out = tmp / "build"
        run = timed(
            masa("publish", "--content", str(content), "--out", str(out), "-q", "--jobs", str(workers))
        )
        manifest = read_manifest(out) or {"files": {}}
        pages = sum(
            int(e.get("pages") or 0)
            for name, e in manifest["files"].items()
            if name.endswith(".pdf") and e.get("document") is not None and not _alias(name, e)
        )
        report_pages = max(
            (
                int(e.get("pages") or 0)
                for e in manifest["files"].values()
                if e.get("document") == "yearly-report"
            ),
            default=0,
        )
        inputs = tmp / "inputs"
        inputs.mkdir()
        renderer_inputs(content, inputs)
        alone = weasyprint_alone(inputs)
    print(f"{'':<34} {'YAML KB':>8} {'wall s':>7} {'CPU s':>7}")
    for name in ("half", "full"):
        v = validations[name]
        print(f"{'validate, ' + name + ' size':<34} {sizes[name] / 1024:8.0f} {v.wall:7.2f} {v.cpu:7.2f}")
    growth = (validations["full"].cpu / validations["half"].cpu) / (sizes["full"] / sizes["half"])
    print(
        f"validation CPU time grows {growth:.2f}x as fast as the content (1.0 is linear; includes start-up)\n"
    )
    print(
        f"publish: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
        f"peak memory of one process {run.max_rss_kb / 1024:.0f} MB"
    )
    print(f"PDF pages: {pages} (the newest yearly report: {report_pages})")
    rate = pages / run.wall / workers if run.wall else 0.0
    print(f"{rate:.1f} PDF pages per second per worker (target: at least 15)")
    if run.cpu:
        print(f"{pages / run.cpu:.1f} PDF pages per CPU second (less sensitive to a busy machine)")
    _print_weasyprint_alone(alone)
    return 0


def _alias(name: str, e: dict[str, Any]) -> bool:
    """The stable name (yearly-report.pdf) of a file also published under its period's name."""
    return name.rsplit(".", 1)[0] == e.get("document") and bool(e.get("period"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_large(0, 1))


__all__ = ["generate", "run_large", "weasyprint_alone"]
