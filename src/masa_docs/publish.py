"""Publish: documents in every format into ``build/``, in parallel, never losing a file.

:func:`publish` validates the content (nothing is written when it is invalid), renders every
selected (document, format) pair in a process pool sized to the machine, and then puts the
new files in place all or nothing (:func:`_commit`): a failed build leaves the previous
folder exactly as it was.

The folder's ``manifest.json`` lists the files masa-docs made there. Only those are ever
replaced or removed: a ``signed/`` folder, archives and any other file are kept. Publishing
some documents or formats (``--doc``/``--format``) rebuilds just those and keeps the other
outputs, with one merged manifest and index. An output whose renderer or tool is missing
(LibreOffice not found) keeps its previous file, marked stale, or is reported as skipped with
a hint. A lock on the folder stops a second publish into it, and everything the renderers put
in the temporary folder is removed however the publish ends.

:func:`build_one` rebuilds a single output the same way.

The library does not print: progress goes to the ``progress`` callback (the CLI prints it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .documents import DOCUMENT_ORDER, DOCUMENTS, FORMATS, available
from .errors import ContentError, Diagnostic, MasaError, did_you_mean
from .render import EASY_READ_NAMES as _EASY_READ
from .render import RENDERERS, RenderRequest

if TYPE_CHECKING:
    from .load import LoadedContent
    from .render.context import DocumentMeta

log = logging.getLogger(__name__)

FORMAT_LABELS = {"html": "Web page (HTML)", "pdf": "PDF", "docx": "Word (DOCX)"}
MANIFEST = "manifest.json"
INDEX = "index.html"


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class OutputResult:
    """One file written."""

    doc: str
    fmt: str
    file: str  # name inside the output folder
    size: int
    sha256: str
    pages: int | None
    seconds: float  # time spent rendering it (in its worker)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedOutput:
    """One output that could not be made on this machine, and how to fix that."""

    doc: str
    fmt: str
    file: str
    reason: str
    hint: str | None = None


@dataclass(frozen=True)
class ProgressEvent:
    kind: Literal["start", "done", "skipped", "unchanged"]
    doc: str
    fmt: str
    total: int  # number of outputs in this build
    output: OutputResult | None = None  # "done", and "unchanged" (the file kept, as recorded)
    skipped: SkippedOutput | None = None


@dataclass
class PublishResult:
    out_dir: Path
    fingerprint: str
    outputs: list[OutputResult] = field(default_factory=list)
    skipped: list[SkippedOutput] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole publish
    workers: int = 1
    a11y: list[Any] | None = None  # A11yProblem list when --a11y was asked for
    compliance: str = ""  # the statutory check's one-line summary (masa_docs.check.summary_line)
    kept: list[str] = field(default_factory=list)  # earlier outputs left in place
    stale: list[tuple[str, str]] = field(default_factory=list)  # (file, why) kept but not up to date
    removed: list[str] = field(default_factory=list)  # earlier outputs the content no longer has
    signed: list[Any] = field(default_factory=list)  # SignedCopy list (masa_docs.signing.copies)
    status: list[str] = field(default_factory=list)  # each document's status line (status_lines)
    unchanged: list[OutputResult] = field(default_factory=list)  # not rebuilt: same inputs, file intact
    # Nothing read had changed since the last publish into the folder: nothing was loaded or
    # written (masa_docs.up_to_date); the status lines are those that publish worked out today.
    up_to_date: bool = False


Progress = Callable[[ProgressEvent], None]


def output_name(doc: str, fmt: str) -> str:
    return f"{doc}.{fmt}"


def output_stem(req: RenderRequest) -> str:
    """File stem of a planned output: ``threshold-<area>`` for a per-area threshold document,
    ``yearly-report-<period>`` for each period's report, else the document's name."""
    if req.area:
        return f"{req.doc}-{req.area}"
    if req.period and DOCUMENTS[req.doc].periodic:
        return f"{req.doc}-{req.period}"
    return req.doc


def _stem(file: str) -> str:
    return file.rsplit(".", 1)[0]


def stable_alias(loaded: LoadedContent, req: RenderRequest) -> str | None:
    """``yearly-report.<fmt>``, a stable name for the newest period's report, or None."""
    if DOCUMENTS[req.doc].periodic and req.period == loaded.content.latest_period:
        return output_name(req.doc, req.fmt)
    return None


def output_names(loaded: LoadedContent, req: RenderRequest) -> list[str]:
    """The files one request is written to: its own name, and first the stable name of the
    newest yearly report (the same bytes twice)."""
    return [n for n in (stable_alias(loaded, req), f"{output_stem(req)}.{req.fmt}") if n]


# ------------------------------------------------------------------ the check engineer's API


def compliance_summary(loaded: LoadedContent) -> str:
    """The compliance check's one-line summary, printed after a publish."""
    from .check import summary_line

    return summary_line(loaded)


def blocking_reasons(loaded: LoadedContent, doc: str, period: str | None) -> tuple[str, ...]:
    """Failing "must" rules that keep ``doc`` a draft (``masa_docs.check.blocking_reasons``),
    worked out once per content (:mod:`masa_docs.analysis`)."""
    from .analysis import blocking_reasons as analysed

    return analysed(loaded, doc, period)


def status_lines(
    loaded: LoadedContent, docs: Sequence[str] | None = None, period: str | None = None
) -> list[str]:
    """One line per document (every document, or those named in ``docs``, whatever formats were
    published): final or draft, and why (``masa_docs.check.document_status_lines``)."""
    from .check import document_status_lines

    return document_status_lines(
        loaded, tuple(docs) if docs else None, period, blocking=lambda d, p: blocking_reasons(loaded, d, p)
    )


# ------------------------------------------------------------------ jobs (run in workers)


@dataclass(frozen=True)
class _Job:
    content_dir: str
    fingerprint: str
    request: RenderRequest
    report: dict[str, Any] | None = None  # its period's figures and charts, drawn in another worker


@dataclass(frozen=True)
class _ReportResult:
    report: dict[str, Any]
    masa_error: tuple[str, str | None] | None = None


def _shows_report(req: RenderRequest) -> bool:
    """Whether ``req`` renders a yearly report's figures and charts."""
    from .analysis import reports_needed

    return bool(reports_needed([req]))


def _report_job(content_dir: str, fingerprint: str, period: str | None, png: bool) -> _ReportResult:
    """Draw one period's charts (and work out its figures) in a worker."""
    from .analysis import report_for

    try:
        return _ReportResult(report_for(_loaded_in_worker(content_dir, fingerprint), period, png))
    except MasaError as exc:
        return _ReportResult({}, (exc.message, exc.hint))


@dataclass(frozen=True)
class _JobResult:
    doc: str
    fmt: str
    data: bytes | None = None
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    skipped: tuple[str, str | None] | None = None  # (reason, hint)
    # Library errors do not survive pickling with their details; carry them as data.
    masa_error: tuple[str, str | None] | None = None
    content_error: tuple[Diagnostic, ...] | None = None


_WORKER_CONTENT: dict[str, LoadedContent] = {}


def _loaded_in_worker(content_dir: str, fingerprint: str) -> LoadedContent:
    from .load import load_content

    loaded = _WORKER_CONTENT.get(content_dir)
    if loaded is None or loaded.fingerprint != fingerprint:
        loaded = load_content(content_dir)
        _WORKER_CONTENT[content_dir] = loaded
    if loaded.fingerprint != fingerprint:
        raise MasaError(
            "the content changed while publishing",
            "save your changes and run publish again",
        )
    return loaded


def _skip_reason(exc: BaseException, request: RenderRequest) -> tuple[str, str | None] | None:
    """(reason, hint) when ``exc`` means this output cannot be made here; None for real errors."""
    target = RENDERERS.get((request.doc, request.fmt), "")
    module = target.split(":")[0]
    if isinstance(exc, ModuleNotFoundError) and exc.name and module.startswith(exc.name):
        return (
            f"the renderer {module} is not installed",
            "this output needs a part of masa-docs that is not in this installation",
        )
    if isinstance(exc, AttributeError) and module and f"module '{module}'" in str(exc):
        return (f"the renderer {target} is not available", "update masa-docs")
    try:
        from .render.libreoffice import LibreOfficeMissing
    except ImportError:  # pragma: no cover - the module ships with masa-docs
        return None
    if isinstance(exc, LibreOfficeMissing):
        return ("LibreOffice was not found", str(exc))
    return None


def _run_job(job: _Job, loaded: LoadedContent | None = None) -> _JobResult:
    """Render one output. Runs in a worker process (or in-process for a single output)."""
    from .render import render

    req = job.request
    start = time.perf_counter()
    try:
        if loaded is None:
            loaded = _loaded_in_worker(job.content_dir, job.fingerprint)
        if job.report is not None:
            from .analysis import install_report

            install_report(loaded, req.period, job.report)
        out = render(loaded, req)
    except MasaError as exc:
        return _JobResult(req.doc, req.fmt, masa_error=(exc.message, exc.hint))
    except ContentError as exc:
        return _JobResult(req.doc, req.fmt, content_error=tuple(exc.diagnostics))
    except Exception as exc:
        reason = _skip_reason(exc, req)
        if reason is None:
            raise
        return _JobResult(req.doc, req.fmt, skipped=reason, seconds=time.perf_counter() - start)
    return _JobResult(
        req.doc,
        req.fmt,
        data=out.data,
        pages=out.pages,
        warnings=tuple(out.warnings),
        seconds=time.perf_counter() - start,
    )


def _raise_job_error(res: _JobResult) -> None:
    if res.masa_error is not None:
        message, hint = res.masa_error
        raise MasaError(f"{output_name(res.doc, res.fmt)}: {message}", hint)
    if res.content_error is not None:
        raise ContentError(list(res.content_error))


# ------------------------------------------------------------------ what an output is made from

#: Bump when the recipe below changes: every output is then rebuilt once.
INPUTS_RECIPE = 1


def _files_digest(folders: Sequence[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """sha256 over every file under ``folders`` (relative name and bytes), in a fixed order."""
    h = hashlib.sha256()
    for i, folder in enumerate(folders):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if suffixes is not None and path.suffix not in suffixes:
                continue
            if "__pycache__" in path.parts:
                continue
            h.update(f"{i}\0{path.relative_to(folder).as_posix()}\0".encode())
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


_DIGESTS: dict[tuple[str, ...], str] = {}


def _digest_cached(folders: Sequence[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """:func:`_files_digest`, once per process for the tool's own files; template folders are
    hashed again on every publish (a partnership edits its templates between two publishes)."""
    key = (*(str(f) for f in folders), *(suffixes or ()))
    if key not in _DIGESTS:
        _DIGESTS[key] = _files_digest(folders, suffixes)
    return _DIGESTS[key]


#: The libraries whose version changes what an output looks like (layout, charts, Word, PDF).
RENDERING_LIBRARIES = (
    "weasyprint",
    "matplotlib",
    "python-docx",
    "docxtpl",
    "pikepdf",
    "markdown-it-py",
    "jinja2",
)


def _library_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in RENDERING_LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=-")
    return ",".join(found)


def tool_digest() -> str:
    """The masa-docs version, a hash of its code and rule packs, and the versions of the
    rendering libraries: a new masa-docs (or an edit to it, in a checkout) or an upgraded
    WeasyPrint, matplotlib, python-docx … rebuilds every output. (LibreOffice's version is not
    in it: after upgrading it, publish --force.)"""
    code = _digest_cached([Path(__file__).resolve().parent], (".py", ".yaml", ".json"))
    return f"{__version__}:{code}:{_library_versions()}"


def _template_digest(templates: str | None, fmt: str, doc: str) -> str:
    """A hash of the template folders an output is made with (HTML pages and their PDFs: the
    HTML templates and stylesheet; the Word copies: those and the Word base; the agreement:
    the Word templates). The partnership's own folder first, then the shipped one."""
    from .resources import template_folders

    folders = template_folders(templates)
    if doc == "agreement":
        used: tuple[Path, ...] = folders.docx
    elif fmt == "docx":
        used = (*folders.html, *folders.docx)
    else:
        used = folders.html
    return _files_digest(used)


def output_inputs(
    loaded: LoadedContent, req: RenderRequest, meta: DocumentMeta, templates_digest: str, tool: str
) -> str:
    """sha256 of everything one output is made from: its document's content fingerprint (and,
    for an easy-read version, its plain-language words), the document's metadata (version, date,
    status and why, the signatures), its compliance appendix and "must" failures, the logos on
    its cover, the templates, masa-docs itself, and the format and variant asked for. Two
    publishes with the same inputs make the same bytes."""
    from .analysis import analysis_of

    spec = DOCUMENTS[req.doc]
    analysis = analysis_of(loaded)
    parts: list[str] = [
        f"masa-docs output inputs {INPUTS_RECIPE}",
        tool,
        templates_digest,
        repr((req.doc, req.fmt, req.period, req.area, req.blocking)),
        meta.fingerprint,
        repr(
            (
                meta.title,
                meta.version,
                meta.date,
                meta.language,
                meta.status,
                meta.draft_reasons,
                meta.signatures,
                meta.period,
                meta.awaiting,
                meta.signed_copy,
                meta.ended,
            )
        ),
    ]
    root = loaded.source.root
    if spec.source is not None:  # an easy-read version: its words
        words = root / "plain-language.yaml"
        parts.append(hashlib.sha256(words.read_bytes()).hexdigest() if words.is_file() else "-")
    if req.doc != "agreement":
        period = req.period if spec.periodic else None
        parts.append(repr(analysis.compliance_rows(loaded, req.doc, period)))
    # Every cover, the agreement's too (cover_band()), shows the colour and the logos: a logo
    # file replaced under the same name rebuilds every output.
    brand = analysis.cover_brand(loaded)
    parts.append(hashlib.sha256(repr(brand).encode()).hexdigest())
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def _unchanged(
    out_dir: Path, previous: dict[str, Any] | None, names: Sequence[str], inputs: str
) -> dict[str, Any] | None:
    """The recorded entry of an output whose files are all in ``out_dir`` as recorded and that
    was made from ``inputs``; None when it must be built."""
    recorded = previous["files"] if previous else {}
    entry = None
    for name in names:
        e = recorded.get(name)
        if not isinstance(e, dict) or e.get("inputs") != inputs or e.get("stale"):
            return None
        path = out_dir / name
        if path.is_symlink() or not path.is_file() or e.get("sha256") != _sha256_file(path):
            return None  # deleted or changed since: build it again
        entry = e
    return entry


# ------------------------------------------------------------------ planning


def _check_names(docs: Sequence[str] | None, formats: Sequence[str] | None) -> tuple[list[str], list[str]]:
    doc_list = list(docs) if docs else list(DOCUMENT_ORDER)
    for d in doc_list:
        if d not in DOCUMENTS:
            raise MasaError(
                f"there is no document named '{d}'",
                did_you_mean(d, DOCUMENTS) or f"documents: {', '.join(DOCUMENT_ORDER)}",
            )
    fmt_list = list(formats) if formats else list(FORMATS)
    for f in fmt_list:
        if f not in FORMATS:
            raise MasaError(
                f"there is no format named '{f}'",
                did_you_mean(f, FORMATS) or f"formats: {', '.join(FORMATS)}",
            )
    return doc_list, fmt_list


def plan(
    loaded: LoadedContent,
    docs: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    period: str | None = None,
    templates: Path | str | None = None,
) -> tuple[list[RenderRequest], dict[str, DocumentMeta]]:
    """The requests to render (every document × each of its formats, every period's yearly
    report newest first, and per-area threshold documents when asked for) and the meta of each
    output stem (``metas["yearly-report"]`` is the newest report).

    Raises MasaError for an unknown document, format or period before anything is rendered.
    """
    from .render.context import document_meta

    doc_list, fmt_list = _check_names(docs, formats)
    requests: list[RenderRequest] = []
    metas: dict[str, DocumentMeta] = {}  # by output stem (output_stem)
    c = loaded.content
    tpl = str(templates) if templates else None
    for d in DOCUMENT_ORDER:
        if d not in doc_list:
            continue
        spec = DOCUMENTS[d]
        # (period, area) variants: every period's report, newest first; the threshold document
        # and, when asked for, one per area.
        variants: list[tuple[str | None, str | None]] = [(None, None)]
        if spec.periodic:
            if not c.reports and period is None:
                continue  # no yearly report in the content yet: nothing to publish for it
            variants = [(p, None) for p in ([period] if period else reversed(c.report_periods))]
        elif d == "threshold" and c.threshold.per_area_documents:
            variants += [(None, fd.area) for fd in c.threshold.front_doors]
        variants = [(p, a) for p, a in variants if available(spec, c, p)]
        if not variants:
            if docs:  # asked for by name: say why there is nothing to build
                raise MasaError(
                    f"there are no plain-language words for {d}", "write them in plain-language.yaml"
                )
            continue  # an easy-read version without its plain-language words
        for p, area in variants:
            # An easy-read version is final exactly when the document it summarises is.
            blocking = blocking_reasons(loaded, spec.source or d, p)
            meta = document_meta(loaded, d, period=p, blocking=blocking, area=area)
            metas[output_stem(RenderRequest(d, "", meta.period, area=area))] = meta
            if spec.periodic and meta.period == c.latest_period:
                metas[d] = meta  # the stable name yearly-report.* is the newest report
            requests.extend(
                RenderRequest(d, f, meta.period, blocking, tpl, area=area)
                for f in spec.formats
                if f in fmt_list and (d, f) in RENDERERS
            )
    return requests, metas


def default_workers(jobs: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, jobs))


# Slowest first (longest documents' PDFs, then Word, then HTML), so the pool finishes together.
_COST = {"pdf": 0, "docx": 1, "html": 2}
_SIZE = {"arrangements": 0, "yearly-report": 1, "agreement": 2, "threshold": 3}


def render_all(
    content_dir: Path,
    loaded: LoadedContent,
    requests: Sequence[RenderRequest],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    of: int | None = None,
) -> tuple[list[tuple[RenderRequest, _JobResult]], int]:
    """Render every request; returns (request, result) pairs in request order and the pool size
    (0 when there is nothing to render). Progress events count ``of`` outputs (default: the
    requests), e.g. the whole build when some outputs are unchanged."""
    total = len(requests)
    if not requests:
        return [], 0
    n = workers or default_workers(total)
    shown = of or total
    jobs = [_Job(str(content_dir.resolve()), loaded.fingerprint, r) for r in requests]
    results: dict[int, _JobResult] = {}

    def report(i: int, res: _JobResult) -> None:
        results[i] = res
        if progress is None:
            return
        req = requests[i]
        if res.skipped is not None:
            reason, hint = res.skipped
            s = SkippedOutput(req.doc, req.fmt, f"{output_stem(req)}.{req.fmt}", reason, hint)
            progress(ProgressEvent("skipped", req.doc, req.fmt, shown, skipped=s))
        elif res.data is not None:
            o = _output(req, res)
            progress(ProgressEvent("done", req.doc, req.fmt, shown, output=o))

    order = sorted(
        range(total), key=lambda i: (_COST.get(requests[i].fmt, 3), _SIZE.get(requests[i].doc, 9), i)
    )
    from .analysis import analysis_of, install_report, report_for, reports_needed

    # The yearly reports' figures and charts not worked out yet (analyse(reports=False)).
    known = analysis_of(loaded).reports
    reports = {p: png for p, png in reports_needed(requests).items() if p not in known}
    pooled = n > 1 and not _small(requests)
    if pooled:
        # Forked workers inherit the content already loaded and analysed here, the renderers'
        # modules already imported and the templates already compiled, instead of each doing it.
        _WORKER_CONTENT[jobs[0].content_dir] = loaded
        _warm(requests)
    # Everything loaded, analysed and imported so far stays put while the renderers run: the
    # garbage collector no longer walks it (WeasyPrint makes and drops millions of objects), and
    # forked workers do not copy the pages it lives in by touching it.
    with _frozen_heap():
        if not pooled:
            n = 1
            for period, png in reports.items():
                report_for(loaded, period, png)
            for i in order:
                if progress:
                    progress(ProgressEvent("start", requests[i].doc, requests[i].fmt, shown))
                res = _run_job(jobs[i], loaded)
                _raise_job_error(res)
                report(i, res)
        else:
            import multiprocessing

            ctx = multiprocessing.get_context(
                "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            )
            with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                # The charts are drawn in the workers, first, while the other outputs are
                # rendered; an output that shows them starts when its period's are drawn.
                report_jobs: dict[Future[_ReportResult], str | None] = {
                    pool.submit(_report_job, jobs[0].content_dir, loaded.fingerprint, period, png): period
                    for period, png in reports.items()
                }
                futures: dict[Future[_JobResult], int] = {}
                waiting: dict[str | None, list[int]] = {period: [] for period in reports}

                def submit(i: int, drawn: dict[str, Any] | None = None) -> Future[_JobResult]:
                    if progress:
                        progress(ProgressEvent("start", requests[i].doc, requests[i].fmt, shown))
                    fut = pool.submit(_run_job, replace(jobs[i], report=drawn))
                    futures[fut] = i
                    return fut

                for i in order:
                    if _shows_report(requests[i]) and requests[i].period in waiting:
                        waiting[requests[i].period].append(i)
                    else:
                        submit(i)
                from concurrent.futures import FIRST_EXCEPTION, wait

                pending: set[Future[Any]] = {*report_jobs, *futures}
                try:
                    while pending:
                        done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                        for drawn_fut in (f for f in done if f in report_jobs):
                            drawn: _ReportResult = drawn_fut.result()  # re-raises an unexpected error
                            if drawn.masa_error is not None:
                                raise MasaError(*drawn.masa_error)
                            period = report_jobs[drawn_fut]
                            install_report(loaded, period, drawn.report)
                            pending |= {submit(i, drawn.report) for i in waiting.pop(period)}
                        for fut in sorted((f for f in done if f in futures), key=lambda f: futures[f]):
                            res = fut.result()  # re-raises a worker's unexpected error
                            _raise_job_error(res)
                            report(futures[fut], res)
                except BaseException:
                    for fut in pending:
                        fut.cancel()
                    raise
    return [(requests[i], results[i]) for i in range(total)], n


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """``gc.freeze()`` for the duration: the objects that exist now are left out of garbage
    collection (measured: about 7 % less CPU for a publish of the example)."""
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _small(requests: Sequence[RenderRequest]) -> bool:
    """Whether starting worker processes would cost more than it saves: one output, or two of
    which at most one is a PDF (the Word copies and pages take a fraction of a second)."""
    return len(requests) <= 1 or (len(requests) == 2 and sum(r.fmt == "pdf" for r in requests) <= 1)


def _warm(requests: Sequence[RenderRequest]) -> None:
    """Import the renderers the requests need and compile their templates, once, in the parent
    process (forked workers inherit both)."""
    import importlib

    modules = {RENDERERS[(r.doc, r.fmt)].split(":")[0] for r in requests if (r.doc, r.fmt) in RENDERERS}
    if "masa_docs.render.html_pdf" in modules or "masa_docs.render.agreement" in modules:
        modules |= {"weasyprint", "pikepdf", "masa_docs.render.pdf"}
    if "masa_docs.render.word_copy" in modules:
        modules |= {"docx"}
    if any(_shows_report(r) for r in requests):  # the charts, drawn in the workers
        modules |= {
            "masa_docs.reporting",
            "masa_docs.render.charts",
            "matplotlib.figure",
            "matplotlib.backends.backend_agg",
            "matplotlib.backends.backend_svg",
        }
    for module in sorted(modules):
        with contextlib.suppress(ImportError):  # a missing renderer is reported by its job
            importlib.import_module(module)
    if "masa_docs.render.charts" in modules:
        from .render.charts import chart_font

        chart_font()  # matplotlib's font list, read once
    from .render.html import HTML_DOCUMENTS, environment

    pages = {(r.doc, r.templates) for r in requests if r.doc in (*HTML_DOCUMENTS, *_EASY_READ)}
    for doc, templates in sorted(pages, key=str):
        if templates is None:
            folders = None
        else:
            from .resources import template_folders

            folders = template_folders(templates).html
        with contextlib.suppress(Exception):  # a template error is reported by its job
            environment(folders).get_template(f"{doc}.html")


def _output(req: RenderRequest, res: _JobResult, file: str | None = None) -> OutputResult:
    assert res.data is not None
    return OutputResult(
        doc=req.doc,
        fmt=req.fmt,
        file=file or f"{output_stem(req)}.{req.fmt}",
        size=len(res.data),
        sha256=hashlib.sha256(res.data).hexdigest(),
        pages=res.pages,
        seconds=res.seconds,
        warnings=res.warnings,
    )


# ------------------------------------------------------------------ writing


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _check_out_dir(out_dir: Path, content_dir: Path) -> None:
    """Refuse output folders that are not a folder of their own (home, cwd, the content)."""
    out = out_dir.resolve()
    content = content_dir.resolve()
    if out == Path(out.anchor) or out == Path.home().resolve() or out == Path.cwd().resolve():
        raise MasaError(f"refusing to publish into {out_dir}", "choose a folder of its own, e.g. build/")
    if out == content or out in content.parents or content in out.parents:
        raise MasaError(
            f"the output folder {out_dir} overlaps the content folder {content_dir}",
            "publish into a separate folder, e.g. build/",
        )
    if out.exists() and not out.is_dir():
        raise MasaError(f"{out_dir} exists and is not a folder", "remove it or choose another --out")


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The ``manifest.json`` of a previous publish into ``out_dir``, or None when there is none."""
    path = out_dir / MANIFEST
    if not path.exists():
        return None
    hint = (
        f"{MANIFEST} lists the files masa-docs made there; restore it, "
        "or publish into a new folder and move your own files across"
    )
    if path.is_symlink() or not path.is_file():
        raise MasaError(f"{path} is not a regular file", hint)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MasaError(f"{path} cannot be read: {exc}", hint) from None
    if (
        not isinstance(body, dict)
        or body.get("tool") != "masa-docs"
        or not isinstance(body.get("files"), dict)
    ):
        raise MasaError(f"{path} was not written by masa-docs publish", hint)
    return body


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` (created if need be) while publishing into it.

    The lock is ``flock`` on the folder itself, so nothing is left behind; a second publish
    into the same folder stops at once with a clear message instead of racing the first.
    """
    import fcntl

    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MasaError(
                f"another masa-docs publish or build is writing into {out_dir}",
                "wait for it to finish, then run this again",
            ) from None
        try:
            yield
        finally:
            if created:
                with contextlib.suppress(OSError):
                    out_dir.rmdir()  # only when empty: nothing was published
    finally:
        os.close(fd)


@contextlib.contextmanager
def private_tempdir() -> Iterator[Path]:
    """A temporary folder for everything the renderers (and their tools) create, removed at the
    end however the publish ends (an error, Ctrl-C): WeasyPrint's ``weasyprint-*`` font folders,
    LibreOffice profiles. Forked workers and child processes inherit it."""
    path = Path(tempfile.mkdtemp(prefix="masa-docs-"))
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(path)
    os.environ["TMPDIR"] = str(path)
    try:
        yield path
    finally:
        tempfile.tempdir = saved[0]
        if saved[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[1]
        shutil.rmtree(path, ignore_errors=True)


def _commit(out_dir: Path, writes: Sequence[tuple[str, bytes]], removals: Sequence[str]) -> None:
    """Put ``writes`` in place and delete ``removals``, all or nothing.

    New files are written to a hidden staging folder inside ``out_dir`` first, then renamed
    into place one by one (``manifest.json`` last); every file replaced or removed is kept in a
    hidden backup folder until the end, so that any failure puts the previous files back.
    """
    staging = Path(tempfile.mkdtemp(prefix=".masa-docs-new-", dir=out_dir))
    backup = Path(tempfile.mkdtemp(prefix=".masa-docs-old-", dir=out_dir))
    done: list[tuple[str, bool]] = []
    try:
        mode = 0o666 & ~_umask()
        for name, data in writes:
            (staging / name).parent.mkdir(parents=True, exist_ok=True)  # signed/<copy>
            _write_file(staging / name, data)
            os.chmod(staging / name, mode)
        steps = [(name, True) for name, _ in writes if name != MANIFEST]
        steps += [(name, False) for name in removals]
        steps += [(name, True) for name, _ in writes if name == MANIFEST]
        try:
            for name, write in steps:
                target = out_dir / name
                had = target.exists()
                target.parent.mkdir(exist_ok=True)
                (backup / name).parent.mkdir(parents=True, exist_ok=True)
                if had:
                    try:
                        os.link(target, backup / name)
                    except OSError:
                        shutil.copy2(target, backup / name)
                done.append((name, had))
                if write:
                    os.replace(staging / name, target)
                else:
                    target.unlink()
        except BaseException:
            for name, had in reversed(done):
                if had:
                    os.replace(backup / name, out_dir / name)
                else:
                    (out_dir / name).unlink(missing_ok=True)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


def _entry(o: OutputResult, meta: DocumentMeta | None, fingerprint: str) -> dict[str, Any]:
    title = meta.title if meta else None
    if meta is not None and _stem(o.file) == o.doc and DOCUMENTS[o.doc].periodic:
        title = f"Latest yearly report: {meta.title}"  # the stable name of the newest report
    return {
        "document": o.doc,
        "format": o.fmt,
        "period": meta.period if meta else None,
        "bytes": o.size,
        "sha256": o.sha256,
        "pages": o.pages,
        "title": title,
        "version": meta.version if meta else None,
        "date": meta.date.isoformat() if meta else None,
        "status": meta.status if meta else None,
        "content_fingerprint": fingerprint,
        "fingerprint": meta.fingerprint if meta else None,  # the document's own (document_fingerprint)
        "stale": False,
        # arrangements that ended: a historical record with no signature fields
        **({"historical": True} if meta is not None and meta.historical else {}),
    }


def manifest(
    loaded: LoadedContent,
    files: dict[str, dict[str, Any]],
    skipped: Sequence[SkippedOutput],
    period: str | None,
    index: tuple[str, bytes],
    periods: Sequence[str] = (),
    signed: Sequence[Any] = (),
    record: tuple[str, bytes] | None = None,
) -> bytes:
    """``manifest.json``: every file masa-docs made in the folder, with its sha256, the content
    fingerprint it was built from and whether it is stale (kept from an earlier publish
    because it could not be rebuilt, or built from other content); the current content
    fingerprint and the tool version.

    Only files listed here are ever replaced or removed by a later publish. No timestamps: the
    only dates are the documents' own dates, from the content.
    """
    listed = dict(files)
    for name, data in (index, *([record] if record else [])):
        listed[name] = {
            "document": None,
            "format": name.rsplit(".", 1)[-1],  # index.html; content.json (the facts)
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "pages": None,
            "content_fingerprint": loaded.fingerprint,
            "stale": False,
        }
    body = {
        "tool": "masa-docs",
        "tool_version": __version__,
        "content_fingerprint": loaded.fingerprint,
        "partnership": loaded.content.partnership.name,
        "yearly_report_period": period,
        "yearly_report_periods": list(periods),
        "files": listed,
        "skipped": [
            {"file": s.file, "document": s.doc, "format": s.fmt, "reason": s.reason, "hint": s.hint}
            for s in skipped
        ],
    }
    if signed:  # the signed copies (masa_docs.signing.copies.SignedCopy)
        body["signed_copies"] = {c.site_name: c.manifest_entry() for c in signed}
    return (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _file_order(item: tuple[str, dict[str, Any]]) -> tuple[Any, ...]:
    """Documents in their order; the newest yearly report's stable name first, then every period
    newest first; then the formats."""
    name, e = item
    doc, fmt = e.get("document"), e.get("format")
    d = DOCUMENT_ORDER.index(doc) if doc in DOCUMENT_ORDER else len(DOCUMENT_ORDER)
    f = FORMATS.index(fmt) if fmt in FORMATS else len(FORMATS)
    stem = _stem(name)
    newest_first = tuple(-ord(ch) for ch in str(e.get("period") or ""))
    return d, stem != doc, newest_first, stem, f, name


def index_page(
    loaded: LoadedContent,
    files: dict[str, dict[str, Any]],
    skipped: Sequence[SkippedOutput],
    templates: Path | str | None = None,
    signed: Sequence[Any] = (),
    record: bool = False,
) -> bytes:
    """``index.html``: a link to every output in the folder (as listed in the manifest), and
    to ``content.json`` when ``record``."""
    import datetime as dt

    from .render.context import format_date
    from .render.html import IndexEntry, SkippedEntry, render_index

    def title(doc: str) -> str:
        return DOCUMENTS[doc].title if doc in DOCUMENTS else doc

    entries = []
    for name, e in sorted(files.items(), key=_file_order):
        date = e.get("date")
        entries.append(
            IndexEntry(
                file=name,
                document=e.get("title") or title(e["document"]),
                format=FORMAT_LABELS.get(e["format"], e["format"]),
                short_format=str(e["format"]).upper(),
                size=human_size(int(e["bytes"])),
                pages=e.get("pages"),
                status=e.get("status") or "",
                version=e.get("version") or "",
                date=format_date(dt.date.fromisoformat(date)) if date else "",
                stale=e.get("stale_reason") or "",
                historical=bool(e.get("historical")),
            )
        )
    skipped_entries = [
        SkippedEntry(s.file, title(s.doc), FORMAT_LABELS.get(s.fmt, s.fmt), s.reason) for s in skipped
    ]
    from .resources import template_folders
    from .signing.copies import index_rows

    folders = template_folders(templates).html
    html = render_index(
        loaded,
        entries,
        skipped_entries,
        tool_version=__version__,
        templates=folders,
        signed=index_rows(signed),
        record=record,
    )
    return html.encode("utf-8")


@dataclass
class _Merge:
    """What a publish writes, keeps and removes in the output folder."""

    files: dict[str, dict[str, Any]]  # the new manifest's outputs
    writes: list[tuple[str, bytes]]  # outputs built now
    removals: list[str]  # outputs of an earlier publish that the content no longer has
    skipped: list[SkippedOutput]  # outputs that could not be made, with no earlier copy kept
    kept: list[str]  # outputs of an earlier publish left as they were
    stale: list[tuple[str, str]]  # (file, why) outputs kept although they are not up to date


def _previous_outputs(previous: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if previous is None:
        return {}
    fallback = previous.get("content_fingerprint")
    out: dict[str, dict[str, Any]] = {}
    for name, e in previous["files"].items():
        if name == INDEX or not isinstance(e, dict) or e.get("document") not in DOCUMENTS:
            continue
        if not isinstance(name, str) or "/" in name or name.startswith("."):
            continue  # never act on a path a hand-edited manifest points elsewhere
        out[name] = {"content_fingerprint": fallback, **e}
    return out


def _previous_signed(previous: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The signed copies an earlier publish put in the folder (``signed/<name>``)."""
    from .signing.copies import SITE_FOLDER

    recorded = (previous or {}).get("signed_copies") or {}
    return {
        n: e
        for n, e in recorded.items()
        if isinstance(n, str)
        and isinstance(e, dict)
        and n.startswith(f"{SITE_FOLDER}/")
        and n.count("/") == 1
        and not n.endswith("/")
        and ".." not in n
    }


def _preflight_signed(out_dir: Path, before: dict[str, dict[str, Any]], names: Sequence[str]) -> None:
    """Stop before writing when a signed copy would replace a file in the output folder that is
    not the copy an earlier publish put there (a file of the user's in its signed/ folder)."""
    for name in names:
        path = out_dir / name
        if not path.exists() and not path.is_symlink():
            continue
        entry = before.get(name)
        if (
            path.is_symlink()
            or not path.is_file()
            or entry is None
            or entry.get("sha256") != _sha256_file(path)
        ):
            raise MasaError(
                f"{path} is in the way: publish puts the signed copy of a document there, and this file "
                "is not the copy it published before",
                "keep signed PDFs in the signed/ folder beside the content (see masa-docs sign --help); "
                "move this file there or elsewhere, then publish again",
            )


def _preflight(
    out_dir: Path, previous: dict[str, Any] | None, names: Sequence[str], removable: Sequence[str]
) -> None:
    """Stop before rendering when publishing would overwrite or delete a file masa-docs did not
    make, or one changed since it made it (a PDF signed and saved over, a page edited by hand)."""
    recorded = previous["files"] if previous else {}
    for name in [*names, *removable]:
        path = out_dir / name
        if not path.exists() and not path.is_symlink():
            continue
        if name == MANIFEST and previous is not None:
            continue
        if path.is_symlink() or not path.is_file():
            raise MasaError(
                f"{path} is in the way: it is not a regular file masa-docs made",
                "move or rename it, then publish again",
            )
        entry = recorded.get(name)
        if not isinstance(entry, dict):
            raise MasaError(
                f"{path} was not made by masa-docs publish (it is not in {MANIFEST}), "
                "and publishing would overwrite it",
                "move or rename it (a signed copy into the signed/ folder beside the content, anything else "
                "into an archive/ subfolder), then publish again",
            )
        if entry.get("sha256") != _sha256_file(path):
            raise MasaError(
                f"{path} was changed after masa-docs made it (its sha256 differs from {MANIFEST})",
                "if it is a signed copy, move it into the signed/ folder beside the content (see the "
                "README's Signing section); if it is an edited copy, rename it or move it into an archive/ "
                "subfolder; if not, delete it; then publish again",
            )


def _merge(
    loaded: LoadedContent,
    out_dir: Path,
    previous: dict[str, Any] | None,
    selected: Callable[[dict[str, Any]], bool],
    pairs: Sequence[tuple[RenderRequest, _JobResult]],
    metas: dict[str, DocumentMeta],
    unchanged: Sequence[tuple[RenderRequest, OutputResult]] = (),
    inputs: dict[RenderRequest, str] | None = None,
) -> _Merge:
    before = {n: e for n, e in _previous_outputs(previous).items() if (out_dir / n).is_file()}
    m = _Merge(files={}, writes=[], removals=[], skipped=[], kept=[], stale=[])
    for name, e in before.items():
        if selected(e):
            continue  # rebuilt below, kept if it cannot be, removed if no longer made
        e = dict(e)
        if e.get("content_fingerprint") != loaded.fingerprint and not e.get("stale"):
            e["stale"] = True
            e["stale_reason"] = "built from earlier content"
        m.files[name] = e
        m.kept.append(name)
        if e.get("stale"):
            m.stale.append((name, str(e.get("stale_reason") or "not up to date")))
    if previous is not None:
        for s in previous.get("skipped") or []:
            if not isinstance(s, dict) or s.get("document") not in DOCUMENTS:
                continue
            if selected(s) or s.get("file") in m.files:
                continue
            m.skipped.append(
                SkippedOutput(s["document"], s["format"], s["file"], str(s.get("reason")), s.get("hint"))
            )
    made: set[str] = set()
    inputs = inputs or {}
    for req, kept in unchanged:  # the same inputs as the file in the folder: entry only, no write
        for name in output_names(loaded, req):
            made.add(name)
            m.files[name] = _entry(replace(kept, file=name), metas.get(_stem(name)), loaded.fingerprint)
            m.files[name]["inputs"] = inputs[req]
    for req, res in pairs:
        for name in output_names(loaded, req):
            made.add(name)
            if res.skipped is not None:
                reason, hint = res.skipped
                if name in before:
                    e = dict(before[name])
                    e["stale"] = True
                    e["stale_reason"] = f"not rebuilt: {reason}"
                    m.files[name] = e
                    m.kept.append(name)
                    m.stale.append((name, e["stale_reason"]))
                else:
                    m.skipped.append(SkippedOutput(req.doc, req.fmt, name, reason, hint))
                continue
            assert res.data is not None
            meta = metas.get(_stem(name))
            m.files[name] = _entry(_output(req, res, name), meta, loaded.fingerprint)
            if req in inputs:
                m.files[name]["inputs"] = inputs[req]
            m.writes.append((name, res.data))
    m.removals = [n for n, e in before.items() if selected(e) and n not in made]
    return m


def _selection(
    docs: Sequence[str] | None, formats: Sequence[str] | None, period: str | None
) -> Callable[[dict[str, Any]], bool]:
    """Whether an earlier output (a manifest entry) is one this publish makes again: its
    document and format are selected and, with --period, it is that period's report."""
    doc_set, fmt_set = set(docs or DOCUMENTS), set(formats or FORMATS)

    def selected(e: dict[str, Any]) -> bool:
        doc = e.get("document")
        if doc not in doc_set or e.get("format") not in fmt_set:
            return False
        if period is not None and doc in DOCUMENTS and DOCUMENTS[doc].periodic:
            return e.get("period") in (None, period)
        return True

    return selected


def publish(
    content_dir: Path | str,
    out_dir: Path | str,
    *,
    docs: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    period: str | None = None,
    a11y: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    templates: Path | str | None = None,
    signed_dir: Path | str | None = None,
    force: bool = False,
    record_content: bool = False,
    recall: bool = True,
) -> PublishResult:
    """Build the documents into ``out_dir``, touching only the files masa-docs made there.

    An output whose inputs (:func:`output_inputs`: its document's content, metadata and
    compliance appendix, the templates, masa-docs itself) are those recorded in the manifest
    for the file in the folder, and whose file is there with its recorded sha256, is not built
    again: it is "unchanged" (``PublishResult.unchanged``, a progress event). ``force`` builds
    every selected output all the same.

    When nothing publish reads (the content, signed and template folders, masa-docs) has
    changed since the last publish into ``out_dir`` with the same selection, and every file it
    made there is as it left it, the result is that publish's, recalled without loading the
    content (``PublishResult.up_to_date``; :mod:`masa_docs.up_to_date`). ``recall=False`` (or
    ``force``) always does the work.

    The outputs selected by ``docs`` and ``formats`` (default: all) are rebuilt; the other
    outputs listed in the folder's ``manifest.json`` are kept, and so is every file masa-docs
    did not make (a ``signed/`` folder, archives). An output that cannot be made on this
    machine keeps its previous file, marked stale in the manifest and the index. One merged
    manifest and index are written. ``templates`` is the partnership's own templates folder
    (or its ``docx/``): its files are used before the shipped ones.

    Signed copies are read from ``signed_dir`` (default: ``signed/`` beside the content),
    never written there, verified and published as ``signed/<name>`` in ``out_dir``
    (:mod:`masa_docs.signing.copies`).

    ``record_content`` also writes ``content.json``, every fact of the content
    (:mod:`masa_docs.content_record`), so the folder can be compared fact by fact later. It holds
    facts no document prints (e.g. a review not yet in any report), so it is asked for, never
    made by default; without it, a ``content.json`` an earlier publish made is removed.

    Raises :class:`ContentError` (invalid content) or :class:`MasaError` (bad option, a
    render failed, a file in the way, another publish running) and then leaves ``out_dir``
    exactly as it was.
    """
    from .up_to_date import sources_digest

    started = time.perf_counter()
    content_dir = Path(content_dir)
    out_dir = Path(out_dir)
    signed_path = Path(signed_dir) if signed_dir is not None else None
    # Everything this publish reads, hashed before it is read: when it is what the last
    # publish into out_dir was made from, and the folder is as that publish left it, there is
    # nothing to do (masa_docs.up_to_date).
    selection = (_sorted_or_none(docs), _sorted_or_none(formats), period, record_content)
    sources = sources_digest(content_dir, templates=templates, signed_dir=signed_path, selection=selection)
    if recall and not force and (out_dir / MANIFEST).is_file() and not (out_dir / MANIFEST).is_symlink():
        _check_out_dir(out_dir, content_dir)
        recalled = _recall(content_dir, out_dir, signed_path, sources, progress)
        if recalled is not None:
            if a11y:
                recalled.a11y = accessibility_problems(out_dir)
            recalled.seconds = time.perf_counter() - started
            return recalled
    from .content_record import CONTENT_RECORD, content_record
    from .load import load_content

    loaded = load_content(content_dir)  # ContentError: nothing written
    _check_out_dir(out_dir, content_dir)
    from .signing.copies import guard_signed_pdfs_in_build, signed_copies

    guard_signed_pdfs_in_build(out_dir, content_dir, signed_path)  # a signed PDF in build/ is kept
    if templates is not None:
        from .resources import user_template_dirs

        user_template_dirs(templates)  # MasaError now, before anything is rendered
    requests, metas = plan(loaded, docs, formats, period, templates)
    if not requests:
        chosen = list(docs or DOCUMENT_ORDER)
        made = "; ".join(f"{d}: {', '.join(DOCUMENTS[d].formats)}" for d in chosen if d in DOCUMENTS)
        raise MasaError(
            f"nothing to publish: no {' or '.join(formats or FORMATS)} output of {', '.join(chosen)}",
            f"formats made: {made}"
            + ("; the yearly report needs a report under reports/" if "yearly-report" in chosen else ""),
        )
    selected = _selection(docs, formats, period)
    with _locked(out_dir):
        previous = read_manifest(out_dir)
        names = [n for r in requests for n in output_names(loaded, r)] + [INDEX, MANIFEST]
        removable = [n for n, e in _previous_outputs(previous).items() if selected(e)]
        recorded_before = previous is not None and CONTENT_RECORD in previous["files"]
        # ours, from an earlier --record-content, and not asked for now: removed
        dropped = [CONTENT_RECORD] if recorded_before and not record_content else []
        names += [CONTENT_RECORD] if record_content else []
        removable += dropped
        _preflight(out_dir, previous, names, removable)
        from .analysis import analyse

        tool = tool_digest()
        digests: dict[tuple[str, str], str] = {}
        inputs: dict[RenderRequest, str] = {}
        to_build: list[RenderRequest] = []
        unchanged: list[tuple[RenderRequest, OutputResult]] = []
        for req in requests:
            kind = ("agreement" if req.doc == "agreement" else "", req.fmt)
            if kind not in digests:
                digests[kind] = _template_digest(req.templates, req.fmt, req.doc)
            meta = metas[output_stem(req)]
            inputs[req] = output_inputs(loaded, req, meta, digests[kind], tool)
            entry = None if force else _unchanged(out_dir, previous, output_names(loaded, req), inputs[req])
            if entry is None:
                to_build.append(req)
                continue
            kept = OutputResult(
                req.doc,
                req.fmt,
                f"{output_stem(req)}.{req.fmt}",
                int(entry["bytes"]),
                str(entry["sha256"]),
                entry.get("pages"),
                0.0,
            )
            unchanged.append((req, kept))
            if progress:
                progress(ProgressEvent("unchanged", req.doc, req.fmt, len(requests), output=kept))
        # Once, here, for what is built: the workers inherit it (the charts are drawn by the
        # workers, see render_all).
        analyse(loaded, to_build, reports=False)
        with private_tempdir():
            pairs, n = render_all(
                content_dir, loaded, to_build, workers=workers, progress=progress, of=len(requests)
            )
        merged = _merge(loaded, out_dir, previous, selected, pairs, metas, unchanged, inputs)
        # The signed copies (signed/ beside the content) of every document, verified and
        # published as signed/<name>; the copies an earlier publish made and that are gone now
        # are removed. Every document's, whatever --doc says, so none is lost from the site.
        _all_requests, all_metas = plan(loaded) if docs or formats or period else (requests, metas)
        copies = signed_copies(loaded, content_dir, all_metas, signed_path)
        signed_writes = [(c.site_name, c.data) for c in copies]
        before_signed = _previous_signed(previous)
        signed_removals = [n for n in before_signed if n not in {c.site_name for c in copies}]
        _preflight_signed(out_dir, before_signed, [*(n for n, _ in signed_writes), *signed_removals])
        # Every period whose report is in the folder, newest first; the newest is yearly-report.*.
        periods = sorted(
            {str(e["period"]) for e in merged.files.values() if e.get("period") and _periodic(e)},
            reverse=True,
        )
        report_period = periods[0] if periods else None
        index = index_page(
            loaded, merged.files, merged.skipped, templates, signed=copies, record=record_content
        )
        # The facts the folder was made from, so that it can be compared fact by fact later.
        record = (CONTENT_RECORD, content_record(loaded)) if record_content else None
        writes = [*merged.writes, *signed_writes, (INDEX, index), *([record] if record else [])]
        writes.append(
            (
                MANIFEST,
                manifest(
                    loaded,
                    merged.files,
                    merged.skipped,
                    report_period,
                    (INDEX, index),
                    periods,
                    copies,
                    record=record,
                ),
            )
        )
        _commit(out_dir, writes, [*merged.removals, *signed_removals, *dropped])
        # One line per output, in order, as a publish with nothing to do lists them.
        in_order = [
            _recorded_output(req, f"{output_stem(req)}.{req.fmt}", merged.files)
            for req in requests
            if f"{output_stem(req)}.{req.fmt}" in merged.files
        ]
        manifest_bytes = writes[-1][1]

    written = {name for name, _ in merged.writes}
    result = PublishResult(
        out_dir=out_dir,
        fingerprint=loaded.fingerprint,
        outputs=[
            _output(req, res, name)
            for req, res in pairs
            for name in output_names(loaded, req)
            if name in written
        ],
        skipped=[s for s in merged.skipped if any(s.doc == r.doc and s.fmt == r.fmt for r in requests)],
        workers=n,
        compliance=compliance_summary(loaded),
        kept=merged.kept,
        stale=merged.stale,
        removed=merged.removals,
        signed=copies,
        status=status_lines(loaded, docs, period),
        unchanged=[kept for _req, kept in unchanged],
    )
    from .up_to_date import remember

    remember(out_dir, sources, result, in_order, manifest_bytes)
    if a11y:
        result.a11y = accessibility_problems(out_dir)
    result.seconds = time.perf_counter() - started
    return result


def _sorted_or_none(names: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(sorted(set(names))) if names else None


def _recorded_output(req: RenderRequest, name: str, files: dict[str, dict[str, Any]]) -> OutputResult:
    e = files[name]
    return OutputResult(req.doc, req.fmt, name, int(e["bytes"]), str(e["sha256"]), e.get("pages"), 0.0)


def _recall(
    content_dir: Path,
    out_dir: Path,
    signed_path: Path | None,
    sources: str,
    progress: Progress | None,
) -> PublishResult | None:
    """The result of publishing again into ``out_dir`` when nothing it reads has changed since
    the last publish there (:mod:`masa_docs.up_to_date`), without loading the content; None
    when there is work to do."""
    from .signing.copies import guard_signed_pdfs_in_build
    from .up_to_date import RecordedSignedCopy, recall

    with _locked(out_dir):
        guard_signed_pdfs_in_build(out_dir, content_dir, signed_path)  # a signed PDF in build/ is kept
        record = recall(out_dir, sources)
    if record is None:
        return None
    try:
        unchanged = [
            OutputResult(str(d), str(f), str(name), int(size), str(sha), pages, 0.0)
            for d, f, name, size, sha, pages in record["outputs"]
        ]
        result = PublishResult(
            out_dir=out_dir,
            fingerprint=str(record["fingerprint"]),
            workers=0,
            compliance=str(record["compliance"]),
            kept=[str(k) for k in record["kept"]],
            signed=[RecordedSignedCopy(str(a), str(b), str(c)) for a, b, c in record["signed"]],
            status=[str(line) for line in record["status"]],
            unchanged=unchanged,
            up_to_date=True,
        )
    except (KeyError, TypeError, ValueError):
        return None  # a record from another version of masa-docs: do the work
    for o in unchanged:
        if progress:
            progress(ProgressEvent("unchanged", o.doc, o.fmt, len(unchanged), output=o))
    return result


def _periodic(e: dict[str, Any]) -> bool:
    doc = e.get("document")
    return doc in DOCUMENTS and DOCUMENTS[doc].periodic and not DOCUMENTS[doc].source


def accessibility_problems(out_dir: Path) -> list[Any]:
    """Accessibility checks of a build (``masa_docs.a11y.check_outputs``)."""
    from .a11y import check_outputs

    return list(check_outputs(out_dir))


def build_one(
    content_dir: Path | str,
    out_dir: Path | str,
    *,
    doc: str,
    fmt: str,
    period: str | None = None,
    templates: Path | str | None = None,
) -> OutputResult | SkippedOutput:
    """Render one output into ``out_dir`` and update its index and manifest; every other file is
    left as it is. When the output cannot be made here, an earlier copy is kept, marked stale."""
    spec = DOCUMENTS.get(doc)
    if spec is None:
        raise MasaError(
            f"there is no document named '{doc}'",
            did_you_mean(doc, DOCUMENTS) or f"documents: {', '.join(DOCUMENT_ORDER)}",
        )
    if fmt not in spec.formats or (doc, fmt) not in RENDERERS:
        raise MasaError(f"{spec.title} is not made as {fmt}", f"formats for {doc}: {', '.join(spec.formats)}")
    if period is not None and not spec.periodic:
        raise MasaError(f"--period applies to the yearly report only, not to '{doc}'")
    from .load import load_content

    loaded = load_content(content_dir)
    if spec.periodic:
        period = period or loaded.content.latest_period
    requests, _metas = plan(loaded, [doc], [fmt], period)
    requests = [r for r in requests if r.area is None]  # the document itself, not per-area copies
    if not requests:
        raise MasaError(f"there is nothing to build for {doc}", "add a yearly report under reports/")
    result = publish(
        content_dir,
        out_dir,
        docs=[doc],
        formats=[fmt],
        period=period,
        workers=1,
        templates=templates,
        force=True,  # asked for by name: build it
    )
    # The newest report keeps its stable name; an older period's is yearly-report-<period>.<fmt>.
    name = stable_alias(loaded, requests[0]) or f"{output_stem(requests[0])}.{fmt}"
    for o in result.outputs:
        if o.file == name:
            return o
    if result.skipped:
        return result.skipped[0]
    reason = next((why for file, why in result.stale if file == name), "not rebuilt")
    return SkippedOutput(doc, fmt, name, reason)


__all__ = [
    "OutputResult",
    "ProgressEvent",
    "PublishResult",
    "SkippedOutput",
    "accessibility_problems",
    "blocking_reasons",
    "build_one",
    "human_size",
    "manifest",
    "output_name",
    "output_stem",
    "plan",
    "private_tempdir",
    "publish",
    "read_manifest",
    "status_lines",
]
