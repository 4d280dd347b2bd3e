"""The accessibility gate: every published file checked in the clients people use.

:func:`check_outputs` checks everything in an output folder (``build/``):

* every ``*.html`` (``index.html`` too) with axe-core in headless Chromium — WCAG 2.0/2.1/2.2
  A and AA and best practice (:mod:`masa_docs.a11y.html_axe`);
* every ``*.pdf`` with the structural PDF/UA checks (:mod:`masa_docs.pdfcheck`), poppler
  (``pdftoppm`` renders each page, ``pdftotext`` reads the text in order), pypdf (signature
  fields) and, when installed, the independent ``page-validation`` PDF/UA-1 checker
  (:mod:`masa_docs.a11y.pdf`);
* every ``*.docx`` for heading order, table header rows, image alternative text, language and
  title, and a LibreOffice conversion (:mod:`masa_docs.a11y.docx`).

It returns one :class:`A11yProblem` per thing to fix — file, check, where, message — and an
empty list when everything passes. A missing tool (Chromium, poppler, LibreOffice) raises
:class:`~masa_docs.errors.MasaError` with the command that installs it: a gate that cannot run
must not pass.

Heavy imports (Playwright, pikepdf, pypdf, lxml) happen inside the functions.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masa_docs.a11y.problem import A11yProblem
from masa_docs.errors import MasaError
from masa_docs.wording import count

if TYPE_CHECKING:  # pragma: no cover
    from masa_docs.a11y.html_axe import AxeChecker, AxeResult

__all__ = ["A11yProblem", "A11yReport", "check_outputs", "format_problems", "output_files", "run_checks"]

logger = logging.getLogger(__name__)

KINDS = ("html", "pdf", "docx")


@dataclass
class A11yReport:
    """The gate's verdict on an output folder."""

    problems: list[A11yProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file checked, relative to the folder
    seconds: dict[str, float] = field(default_factory=dict)  # per file, and "total"
    notes: list[str] = field(default_factory=list)  # what ran, what was skipped

    @property
    def ok(self) -> bool:
        return not self.problems


def output_files(out_dir: Path, kinds: tuple[str, ...] = KINDS) -> dict[str, list[Path]]:
    """The HTML, PDF and Word files under ``out_dir`` (sorted; hidden folders skipped).

    In a published folder, only the files its ``manifest.json`` lists: a ``signed/`` folder,
    archives and other files kept there are the partnership's, not this build's.
    """
    root = Path(out_dir)
    listed = _manifest(root).get("files")
    found: dict[str, list[Path]] = {}
    for kind in kinds:
        found[kind] = sorted(
            p
            for p in root.rglob(f"*.{kind}")
            if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
            and (not isinstance(listed, dict) or _name(p, root) in listed)
        )
    return found


def _name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _manifest(root: Path) -> dict[str, Any]:
    """``manifest.json`` of a build (``{}`` when there is none or it cannot be read)."""
    path = root / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _signed_document(name: str, manifest: dict[str, Any]) -> bool:
    """True when the file is a document the lead safeguarding partners sign."""
    from masa_docs.documents import DOCUMENTS

    entry = (manifest.get("files") or {}).get(name) or {}
    if isinstance(entry, dict) and entry.get("historical"):
        return False  # ended arrangements: a historical record asks nobody to sign
    doc = entry.get("document") if isinstance(entry, dict) else None
    if isinstance(doc, str) and doc in DOCUMENTS:
        return DOCUMENTS[doc].signed
    stem = Path(name).stem
    matches = [spec for key, spec in DOCUMENTS.items() if stem == key or stem.startswith(key + "-")]
    return bool(matches) and max(matches, key=lambda s: len(s.name)).signed


def _guarded(name: str, check: Callable[[], list[A11yProblem]]) -> list[A11yProblem]:
    """Run one file's checks; a file that breaks a checker is a problem, not a crash."""
    try:
        return check()
    except MasaError:
        raise  # a missing tool: the whole gate cannot run
    except Exception as exc:
        logger.debug("checking %s failed", name, exc_info=True)
        return [
            A11yProblem(name, "gate:error", f"the file could not be checked: {type(exc).__name__}: {exc}")
        ]


def run_checks(
    out_dir: Path,
    *,
    kinds: tuple[str, ...] = KINDS,
    convert_docx: bool = True,
    second_opinion: bool = True,
    axe: AxeChecker | None = None,
) -> A11yReport:
    """Check every output file in ``out_dir``; see the module docstring.

    ``axe`` reuses a started :class:`~masa_docs.a11y.html_axe.AxeChecker` (it must be used
    from the thread that started it); without one, Chromium is started for this run in a
    thread of its own, beside the PDF and Word checks.
    """
    from masa_docs.a11y.docx import check_docx_file
    from masa_docs.a11y.html_axe import check_html_files
    from masa_docs.a11y.pdf import check_pdf_file, second_opinion_available

    root = Path(out_dir)
    if not root.is_dir():
        raise MasaError(f"{root} is not a folder of published documents", "run `masa-docs publish` first")
    started = time.perf_counter()
    report = A11yReport()
    files = output_files(root, kinds)
    for paths in files.values():
        report.files.extend(_name(p, root) for p in paths)
    if not report.files:
        raise MasaError(f"{root} holds no HTML, PDF or Word file to check", "run `masa-docs publish` first")
    manifest = _manifest(root)
    for skipped in manifest.get("skipped") or []:
        if isinstance(skipped, dict):
            report.notes.append(f"{skipped.get('file')}: not built, so not checked: {skipped.get('reason')}")

    # Chromium (HTML) and LibreOffice (Word, ~1.2 s a file) each run in a thread of their own,
    # beside the PDF checks in this one; every file's problems are collected in order at the end.
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="a11y")
    html_paths = files.get("html", [])
    html_job: Future[tuple[list[A11yProblem], list[AxeResult]]] | None = None
    html_done: tuple[list[A11yProblem], list[AxeResult]] = ([], [])
    docx_jobs: list[tuple[Path, Future[tuple[list[A11yProblem], float]]]] = []

    def docx_job(path: Path) -> tuple[list[A11yProblem], float]:
        t = time.perf_counter()
        name = _name(path, root)
        found = _guarded(name, lambda: check_docx_file(path, name, convert=convert_docx))
        return found, time.perf_counter() - t

    try:
        if html_paths and axe is None:
            html_job = pool.submit(check_html_files, html_paths, root)
        for path in files.get("docx", []):
            docx_jobs.append((path, pool.submit(docx_job, path)))
        if html_paths and axe is not None:
            html_done = check_html_files(html_paths, root, checker=axe)

        for path in files.get("pdf", []):
            t = time.perf_counter()
            name = _name(path, root)
            report.problems.extend(
                _guarded(
                    name,
                    partial(
                        check_pdf_file,
                        path,
                        name,
                        expect_signature_fields=_signed_document(name, manifest),
                        use_second_opinion=second_opinion,
                    ),
                )
            )
            report.seconds[name] = round(time.perf_counter() - t, 3)
        if files.get("pdf"):
            label = second_opinion_available() if second_opinion else None
            report.notes.append(
                f"second-opinion PDF/UA-1 check: {label}"
                if label
                else "second-opinion PDF/UA-1 check: not run (page-validation is not installed)"
            )

        if html_job is not None:
            html_done = html_job.result()
        for path, job in docx_jobs:
            found, seconds = job.result()
            report.problems.extend(found)
            report.seconds[_name(path, root)] = round(seconds, 3)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

    problems, results = html_done
    report.problems.extend(problems)
    for result in results:
        name = _name(result.path, root)
        report.seconds[name] = round(result.seconds, 3)
        if result.incomplete:
            report.notes.append(
                f"{name}: axe could not decide (review by hand): " + ", ".join(result.incomplete)
            )
        if result.blocked:
            report.notes.append(f"{name}: requests to the network were blocked: " + ", ".join(result.blocked))
    if results:
        report.notes.insert(
            0,
            f"axe-core {results[0].axe_version} checked {count(results, 'HTML file')} in headless Chromium "
            "(WCAG 2.0/2.1/2.2 A and AA, best practice)",
        )

    report.problems.sort(key=lambda p: (p.file, p.check, p.where, p.message))
    report.seconds["total"] = round(time.perf_counter() - started, 3)
    for note in report.notes:
        logger.info("%s", note)
    logger.info(
        "accessibility gate: %d file(s), %d problem(s), %.1f s",
        len(report.files),
        len(report.problems),
        report.seconds["total"],
    )
    return report


def check_outputs(out_dir: Path) -> list[A11yProblem]:
    """Every accessibility problem in the published files of ``out_dir``; [] when all pass."""
    return run_checks(out_dir).problems


def format_problems(problems: list[A11yProblem]) -> str:
    """One line per problem, grouped by file, for people."""
    return "\n".join(p.format() for p in problems)
