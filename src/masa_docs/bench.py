"""``make bench``: how long ``publish`` takes, beside its renderers alone on the same inputs.

Run as ``python -m masa_docs.bench --content content`` (``make bench``). Every figure is the
median of repeated runs, each in a fresh process (wall time, and CPU time of the process and
all its children: the workers, LibreOffice), so the figures include start-up and imports:

1. ``masa-docs --help``;
2. ``masa-docs publish`` of every document in every format into a new folder, with ``--jobs``
   workers;
3. the renderers alone on the same inputs with the same number of workers: WeasyPrint on the
   HTML of every PDF that publish makes (layout and ``write_pdf``, PDF/UA-1) and LibreOffice on
   the agreement's Word file; everything else publish does (templates, the compliance check,
   charts, the Word copies, signature fields and tagging, the index and manifest) is what it
   adds, and the ratio says how much;
4. publishing again into the same folder with nothing changed (every output "unchanged");
5. publishing again after a one-paragraph edit to the newest yearly report's foreword.

``--large`` (``make bench ARGS=--large``, or ``BENCH_LARGE=1 make bench``) instead generates
a large partnership into a temporary folder (:mod:`masa_docs.bench_large`), publishes it and
reports PDF pages per second per worker and the peak memory, and times ``validate`` at two
sizes to show validation stays linear.

Timings on a shared or busy machine are noisy: compare medians from a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, MasaError

FOREWORD_KEY = "foreword:\n  text: |\n"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system of the process and every child it waited for
    max_rss_kb: int  # the largest resident set of any one of those processes


def timed(argv: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` to the end; its wall time, CPU time (children included) and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(list(argv), capture_output=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise MasaError(
            f"{' '.join(argv[2:5])} … failed (exit code {proc.returncode})",
            (proc.stderr or proc.stdout).decode(errors="replace").strip()[-2000:],
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, after.ru_maxrss)


def masa(*args: str) -> list[str]:
    return [sys.executable, "-m", "masa_docs", *args]


def median(runs: Sequence[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.max_rss_kb for r in runs),
    )


def _runs(runs: Sequence[Run]) -> str:
    return ", ".join(f"{r.wall:.2f}" for r in runs)


# ------------------------------------------------------------------ the renderers alone


def renderer_inputs(content: Path, folder: Path) -> int:
    """Write what publish hands its renderers into ``folder``: the HTML of every PDF made from
    an HTML page (``*.html``) and the agreement's Word file (``agreement.docx``). Returns the
    number of inputs."""
    from .load import load_content
    from .publish import output_stem, plan
    from .render.agreement import render_docx
    from .render.html import render_document

    loaded = load_content(content)
    requests, _ = plan(loaded, formats=["pdf"])
    n = 0
    for req in requests:
        if req.doc == "agreement":
            (folder / "agreement.docx").write_bytes(render_docx(loaded, req).data)
        else:
            html = render_document(loaded, req).html
            (folder / f"{output_stem(req)}.html").write_text(html, encoding="utf-8")
        n += 1
    return n


def _render_one(path: str) -> int:
    """One renderer call: WeasyPrint for HTML, LibreOffice for a Word file. Returns the pages."""
    p = Path(path)
    if p.suffix == ".docx":
        from .render.libreoffice import docx_to_pdf

        docx_to_pdf(p.read_bytes())
        return 0
    import weasyprint

    document = weasyprint.HTML(string=p.read_text(encoding="utf-8")).render(pdf_variant="pdf/ua-1")
    document.write_pdf(pdf_variant="pdf/ua-1")
    return len(document.pages)


def renderers_only(folder: Path, jobs: int) -> int:
    """Render every input in ``folder`` with ``jobs`` forked workers (WeasyPrint imported once,
    before forking, as publish does), biggest first."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import weasyprint  # noqa: F401  (imported once, inherited by the workers)

    inputs = sorted((str(p) for p in folder.iterdir()), key=lambda p: -Path(p).stat().st_size)
    if jobs <= 1:
        return sum(_render_one(p) for p in inputs)
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        return sum(pool.map(_render_one, inputs))


# ------------------------------------------------------------------ the benchmark


def _edit_foreword(content: Path, n: int) -> None:
    """A one-paragraph edit to the newest report's foreword (a different one each time)."""
    from .load import load_content

    latest = load_content(content).content.latest_period
    path = content / "reports" / f"{latest}.yaml"
    text = path.read_text(encoding="utf-8")
    if FOREWORD_KEY not in text:
        raise MasaError(f"{path} has no foreword to edit", "the benchmark edits the foreword's text")
    import re

    text = re.sub(r"(?m)^    \(Edited for the benchmark, run \d+\.\)\n\n", "", text)
    text = text.replace(FOREWORD_KEY, f"{FOREWORD_KEY}    (Edited for the benchmark, run {n}.)\n\n", 1)
    path.write_text(text, encoding="utf-8")


def run(content: Path, jobs: int, repeat: int) -> int:
    from .publish import default_workers

    workers = jobs or default_workers(99)
    print(f"masa-docs bench: {content}, {workers} workers, medians of {repeat} runs (wall seconds of each)")
    print("Figures are noisy on a busy or shared machine: compare them from a quiet one.\n")
    rows: list[tuple[str, Run, str]] = []
    with tempfile.TemporaryDirectory(prefix="masa-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # publish's records of its last publish into each folder (masa_docs.up_to_date) go
        # with the benchmark's folders, not into the user's cache.
        os.environ["MASA_DOCS_CACHE"] = str(tmp / "cache")
        helps = [timed(masa("--help")) for _ in range(max(5, repeat))]
        rows.append(("masa-docs --help", median(helps), _runs(helps)))

        publishes = []
        for i in range(repeat):
            out = tmp / f"build-{i}"
            publishes.append(
                timed(
                    masa(
                        "publish", "--content", str(content), "--out", str(out), "-q", "--jobs", str(workers)
                    )
                )
            )
        full = median(publishes)
        rows.append(("publish (everything, new folder)", full, _runs(publishes)))

        inputs = tmp / "inputs"
        inputs.mkdir()
        n = renderer_inputs(content, inputs)
        alone_runs = [
            timed(
                [
                    sys.executable,
                    "-m",
                    "masa_docs.bench",
                    "--renderers-only",
                    str(inputs),
                    "--jobs",
                    str(workers),
                ]
            )
            for _ in range(repeat)
        ]
        alone = median(alone_runs)
        rows.append((f"renderers alone ({n} inputs)", alone, _runs(alone_runs)))

        last = tmp / f"build-{repeat - 1}"
        noops = [
            timed(masa("publish", "--content", str(content), "--out", str(last), "-q"))
            for _ in range(max(5, repeat))
        ]
        rows.append(("publish again, nothing changed", median(noops), _runs(noops)))

        edited = tmp / "content"
        shutil.copytree(content, edited)
        site = tmp / "edited-build"
        timed(masa("publish", "--content", str(edited), "--out", str(site), "-q", "--jobs", str(workers)))
        edits = []
        for i in range(repeat):
            _edit_foreword(edited, i)
            edits.append(
                timed(
                    masa(
                        "publish", "--content", str(edited), "--out", str(site), "-q", "--jobs", str(workers)
                    )
                )
            )
        rows.append(("publish again after a foreword edit", median(edits), _runs(edits)))

    head = f"{'':<38} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}  runs (wall s)"
    print(head)
    print("-" * len(head))
    for label, r, runs in rows:
        print(f"{label:<38} {r.wall:7.2f} {r.cpu:7.2f} {r.max_rss_kb / 1024:8.0f}  {runs}")
    print()
    print(
        f"publish / renderers alone: {full.wall / alone.wall:.2f}x wall, {full.cpu / alone.cpu:.2f}x CPU "
        f"(target: at most 1.15x)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m masa_docs.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default: content)"
    )
    parser.add_argument(
        "--jobs", type=int, default=0, help="workers for publish and the renderers (default: the cores)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default: 3)")
    parser.add_argument(
        "--large",
        action="store_true",
        default=os.environ.get("BENCH_LARGE", "") not in ("", "0"),
        help="a generated large partnership instead (also BENCH_LARGE=1)",
    )
    parser.add_argument("--renderers-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.renderers_only is not None:
            renderers_only(args.renderers_only, args.jobs)
            return 0
        if args.large:
            from .bench_large import run_large

            return run_large(args.jobs, args.repeat)
        return run(args.content, args.jobs, max(1, args.repeat))
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 2
    except MasaError as exc:
        print(f"error: {exc.message}" + (f"\n    hint: {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
