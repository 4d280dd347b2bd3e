"""Publish: every document in every format into ``build/``, atomically, in parallel.

:func:`publish` validates the content (nothing is written when it is invalid), renders every
(document, format) pair in a process pool sized to the machine, writes the files,
``index.html`` and ``manifest.json`` into a temporary folder beside the output folder, and
only then swaps that folder in. A failed build therefore leaves the previous ``build/``
complete and untouched. An output whose renderer or tool is missing (a renderer module not
installed, LibreOffice not found) is reported as skipped with a hint, and everything else is
still built.

:func:`build_one` renders a single output and replaces just that file.

The library does not print: progress goes to the ``progress`` callback (the CLI prints it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .documents import DOCUMENTS, FORMATS
from .errors import ContentError, Diagnostic, MasaError, did_you_mean
from .render import RENDERERS, RenderRequest

if TYPE_CHECKING:
    from .load import LoadedContent
    from .render.context import DocumentMeta

log = logging.getLogger(__name__)

#: Order in which documents are listed (index, manifest, summary).
DOCUMENT_ORDER: tuple[str, ...] = ("arrangements", "threshold", "yearly-report", "agreement")
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
    kind: Literal["start", "done", "skipped"]
    doc: str
    fmt: str
    total: int  # number of outputs in this build
    output: OutputResult | None = None
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
    signed: list[Any] = field(default_factory=list)  # SignedCopy list (masa_docs.signing.copies)


Progress = Callable[[ProgressEvent], None]


def output_name(doc: str, fmt: str) -> str:
    return f"{doc}.{fmt}"


# ------------------------------------------------------------------ the check engineer's API


def compliance_summary(loaded: LoadedContent) -> str:
    """The compliance check's one-line summary, printed after a publish."""
    from .check import summary_line

    return summary_line(loaded)


def blocking_reasons(loaded: LoadedContent, doc: str, period: str | None) -> tuple[str, ...]:
    """Failing "must" rules that keep ``doc`` a draft (``masa_docs.check.blocking_reasons``)."""
    from .check import blocking_reasons as check_blocking

    return tuple(check_blocking(loaded, doc, period=period))


# ------------------------------------------------------------------ jobs (run in workers)


@dataclass(frozen=True)
class _Job:
    content_dir: str
    fingerprint: str
    request: RenderRequest


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
) -> tuple[list[RenderRequest], dict[str, DocumentMeta]]:
    """The requests to render (every document × each of its formats) and each document's meta.

    Raises MasaError for an unknown document, format or period before anything is rendered.
    """
    from .render.context import document_meta

    doc_list, fmt_list = _check_names(docs, formats)
    requests: list[RenderRequest] = []
    metas: dict[str, DocumentMeta] = {}
    for d in DOCUMENT_ORDER:
        if d not in doc_list:
            continue
        spec = DOCUMENTS[d]
        p = period if spec.periodic else None
        if spec.periodic and not loaded.content.reports and period is None:
            continue  # no yearly report in the content yet: nothing to publish for it
        blocking = blocking_reasons(loaded, d, p or (loaded.content.latest_period if spec.periodic else None))
        meta = document_meta(loaded, d, period=p, blocking=blocking)
        metas[d] = meta
        for f in spec.formats:
            if f in fmt_list and (d, f) in RENDERERS:
                requests.append(RenderRequest(d, f, meta.period, blocking))
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
) -> tuple[list[tuple[RenderRequest, _JobResult]], int]:
    """Render every request; returns (request, result) pairs in request order and the pool size."""
    total = len(requests)
    n = workers or default_workers(total)
    jobs = [_Job(str(content_dir.resolve()), loaded.fingerprint, r) for r in requests]
    results: dict[int, _JobResult] = {}

    def report(i: int, res: _JobResult) -> None:
        results[i] = res
        if progress is None:
            return
        req = requests[i]
        if res.skipped is not None:
            reason, hint = res.skipped
            s = SkippedOutput(req.doc, req.fmt, output_name(req.doc, req.fmt), reason, hint)
            progress(ProgressEvent("skipped", req.doc, req.fmt, total, skipped=s))
        elif res.data is not None:
            o = _output(req, res)
            progress(ProgressEvent("done", req.doc, req.fmt, total, output=o))

    order = sorted(
        range(total), key=lambda i: (_COST.get(requests[i].fmt, 3), _SIZE.get(requests[i].doc, 9), i)
    )
    if n <= 1 or total <= 1:
        for i in order:
            if progress:
                progress(ProgressEvent("start", requests[i].doc, requests[i].fmt, total))
            res = _run_job(jobs[i], loaded)
            _raise_job_error(res)
            report(i, res)
    else:
        import multiprocessing

        # Forked workers inherit the content already loaded here instead of reading it again.
        _WORKER_CONTENT[jobs[0].content_dir] = loaded
        ctx = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            futures: dict[Future[_JobResult], int] = {}
            for i in order:
                if progress:
                    progress(ProgressEvent("start", requests[i].doc, requests[i].fmt, total))
                futures[pool.submit(_run_job, jobs[i])] = i
            from concurrent.futures import FIRST_EXCEPTION, wait

            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                    for fut in sorted(done, key=lambda f: futures[f]):
                        res = fut.result()  # re-raises a worker's unexpected error
                        _raise_job_error(res)
                        report(futures[fut], res)
            except BaseException:
                for fut in pending:
                    fut.cancel()
                raise
    return [(requests[i], results[i]) for i in range(total)], n


def _output(req: RenderRequest, res: _JobResult) -> OutputResult:
    assert res.data is not None
    return OutputResult(
        doc=req.doc,
        fmt=req.fmt,
        file=output_name(req.doc, req.fmt),
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
    """Refuse output folders whose replacement would destroy something that is not a build."""
    out = out_dir.resolve()
    content = content_dir.resolve()
    if out == Path(out.anchor) or out == Path.home().resolve() or out == Path.cwd().resolve():
        raise MasaError(f"refusing to publish into {out_dir}", "choose a folder of its own, e.g. build/")
    if out == content or out in content.parents or content in out.parents:
        raise MasaError(
            f"the output folder {out_dir} overlaps the content folder {content_dir}",
            "publish into a separate folder, e.g. build/",
        )
    if out.exists():
        if not out.is_dir():
            raise MasaError(f"{out_dir} exists and is not a folder", "remove it or choose another --out")
        if any(out.iterdir()) and not (out / MANIFEST).is_file():
            raise MasaError(
                f"{out_dir} is not empty and was not made by masa-docs publish (it has no {MANIFEST})",
                "publish replaces the whole folder: choose an empty or new folder, or empty it first",
            )


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap_in(new: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``new`` (both on the same file system)."""
    if not out_dir.exists():
        os.rename(new, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rmdir(old)
    os.rename(out_dir, old)
    try:
        os.rename(new, out_dir)
    except BaseException:
        os.rename(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def manifest(
    loaded: LoadedContent,
    outputs: Sequence[OutputResult],
    skipped: Sequence[SkippedOutput],
    metas: dict[str, DocumentMeta],
    index: tuple[str, bytes],
    signed: Sequence[Any] = (),
) -> bytes:
    """``manifest.json``: sha256 of every output, the content fingerprint, the tool version.

    No timestamps: the only dates are the documents' own dates, from the content.
    """
    files: dict[str, Any] = {}
    for o in outputs:
        meta = metas.get(o.doc)
        files[o.file] = {
            "document": o.doc,
            "format": o.fmt,
            "bytes": o.size,
            "sha256": o.sha256,
            "pages": o.pages,
            "title": meta.title if meta else None,
            "version": meta.version if meta else None,
            "date": meta.date.isoformat() if meta else None,
            "status": meta.status if meta else None,
        }
    name, data = index
    files[name] = {
        "document": None,
        "format": "html",
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": None,
    }
    period = next((m.period for m in metas.values() if m.period), None)
    body = {
        "tool": "masa-docs",
        "tool_version": __version__,
        "content_fingerprint": loaded.fingerprint,
        "partnership": loaded.content.partnership.name,
        "yearly_report_period": period,
        "files": files,
        "skipped": [
            {"file": s.file, "document": s.doc, "format": s.fmt, "reason": s.reason, "hint": s.hint}
            for s in skipped
        ],
    }
    for o in outputs:  # each document's own fingerprint (masa_docs.load.document_fingerprint)
        if o.doc in metas:
            files[o.file]["fingerprint"] = metas[o.doc].fingerprint
    if signed:  # the signed copies (masa_docs.signing.copies.SignedCopy)
        body["signed_copies"] = {c.site_name: c.manifest_entry() for c in signed}
    return (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def index_page(
    loaded: LoadedContent,
    outputs: Sequence[OutputResult],
    skipped: Sequence[SkippedOutput],
    metas: dict[str, DocumentMeta],
    signed: Sequence[Any] = (),
) -> bytes:
    from .render.context import format_date
    from .render.html import IndexEntry, SkippedEntry, render_index

    def title(doc: str) -> str:
        meta = metas.get(doc)
        return meta.title if meta else DOCUMENTS[doc].title

    entries = [
        IndexEntry(
            file=o.file,
            document=title(o.doc),
            format=FORMAT_LABELS.get(o.fmt, o.fmt),
            short_format=o.fmt.upper(),
            size=human_size(o.size),
            pages=o.pages,
            status=metas[o.doc].status if o.doc in metas else "",
            version=metas[o.doc].version if o.doc in metas else "",
            date=format_date(metas[o.doc].date) if o.doc in metas else "",
        )
        for o in outputs
    ]
    skipped_entries = [
        SkippedEntry(s.file, title(s.doc), FORMAT_LABELS.get(s.fmt, s.fmt), s.reason) for s in skipped
    ]
    from .signing.copies import index_rows

    html = render_index(loaded, entries, skipped_entries, tool_version=__version__, signed=index_rows(signed))
    return html.encode("utf-8")


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
    signed_dir: Path | str | None = None,
) -> PublishResult:
    """Build every document in every format into ``out_dir`` (replacing it atomically).

    Signed copies are read from ``signed_dir`` (default: ``signed/`` beside the content),
    never written there, verified and published as ``signed/<name>`` in ``out_dir``
    (:mod:`masa_docs.signing.copies`).

    Raises :class:`ContentError` (invalid content) or :class:`MasaError` (bad option, a
    render failed) and then leaves ``out_dir`` exactly as it was.
    """
    from .load import load_content

    started = time.perf_counter()
    content_dir = Path(content_dir)
    out_dir = Path(out_dir)
    loaded = load_content(content_dir)  # ContentError: nothing written
    _check_out_dir(out_dir, content_dir)
    from .signing.copies import guard_signed_pdfs_in_build, signed_copies

    signed_path = Path(signed_dir) if signed_dir is not None else None
    guard_signed_pdfs_in_build(out_dir, content_dir, signed_path)  # a signed PDF in build/ is kept
    requests, metas = plan(loaded, docs, formats, period)
    pairs, n = render_all(content_dir, loaded, requests, workers=workers, progress=progress)
    copies = signed_copies(loaded, content_dir, metas, signed_path)

    outputs: list[OutputResult] = []
    skipped: list[SkippedOutput] = []
    files: list[tuple[str, bytes]] = []
    for req, res in pairs:
        name = output_name(req.doc, req.fmt)
        if res.skipped is not None:
            skipped.append(SkippedOutput(req.doc, req.fmt, name, res.skipped[0], res.skipped[1]))
            continue
        assert res.data is not None
        outputs.append(_output(req, res))
        files.append((name, res.data))
    index = index_page(loaded, outputs, skipped, metas, signed=copies)
    files.append((INDEX, index))
    files.append((MANIFEST, manifest(loaded, outputs, skipped, metas, (INDEX, index), signed=copies)))
    files.extend((c.site_name, c.data) for c in copies)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for name, data in files:
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)  # signed/<copy>
            _write_file(tmp / name, data)
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    result = PublishResult(
        out_dir=out_dir,
        fingerprint=loaded.fingerprint,
        outputs=outputs,
        skipped=skipped,
        workers=n,
        compliance=compliance_summary(loaded),
        signed=copies,
    )
    if a11y:
        result.a11y = accessibility_problems(out_dir)
    result.seconds = time.perf_counter() - started
    return result


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
) -> OutputResult | SkippedOutput:
    """Render one output and replace just that file in ``out_dir`` (atomically)."""
    from .load import load_content

    content_dir = Path(content_dir)
    out_dir = Path(out_dir)
    loaded = load_content(content_dir)
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
    requests, _metas = plan(loaded, [doc], [fmt], period)
    if not requests:
        raise MasaError(f"there is nothing to build for {doc}", "add a yearly report under reports/")
    (req,) = requests
    res = _run_job(_Job(str(content_dir.resolve()), loaded.fingerprint, req), loaded)
    _raise_job_error(res)
    name = output_name(doc, fmt)
    if res.skipped is not None:
        return SkippedOutput(doc, fmt, name, res.skipped[0], res.skipped[1])
    assert res.data is not None
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(res.data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out_dir / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return _output(req, res)


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
    "plan",
    "publish",
]
