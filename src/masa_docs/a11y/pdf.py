"""PDF accessibility checks: structure (pdfcheck), real readers (poppler, pypdf), second opinion.

For every PDF the gate runs

* :func:`masa_docs.pdfcheck.check_pdf` — the structural PDF/UA checks written with pikepdf
  (structure tree, marked content, /Lang, displayed title, embedded fonts, tab order, figure
  alternative text, table header cells, tagged annotations and signature fields);
* poppler's ``pdftoppm``, which must render every page without an error (at a low resolution,
  into a temporary folder), and ``pdftotext``, which must give text for every page, with each
  bookmarked heading found on its page in order (the reading order a reader gets);
* pypdf, which must list the signature fields of a document the partners sign;
* where the ``page-validation`` package is installed, ``page`` — an independent PDF/UA-1
  validator written in Rust, not on pikepdf — as a second opinion (profile ``ua1``). It is not
  veraPDF, and nothing here claims veraPDF validation.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masa_docs.a11y.problem import A11yProblem
from masa_docs.errors import MasaError

logger = logging.getLogger(__name__)

POPPLER_HINT = "Install poppler with `sudo apt-get install poppler-utils` (or run `make setup` as root)."

#: Resolution of the throw-away page images: enough for poppler to draw everything.
RENDER_DPI = 20
_TIMEOUT = 120


@dataclass
class PdfReport:
    """What the readers saw in one PDF (for logs and tests)."""

    pages: int = 0
    rendered: int = 0
    text_pages: list[str] = field(default_factory=list)
    signature_fields: list[str] = field(default_factory=list)
    headings: list[tuple[str, int]] = field(default_factory=list)  # (bookmark title, 1-based page)
    second_opinion: str | None = None  # e.g. "page-validation 0.11.0", None when not run


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise MasaError(
            f"{name} (poppler) is not installed: the PDF accessibility check needs it", POPPLER_HINT
        )
    return found


def _run(cmd: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, capture_output=True, timeout=_TIMEOUT, check=False, stdin=subprocess.DEVNULL)


def _poppler_errors(stderr: bytes) -> list[str]:
    """Lines in which poppler reports an error (warnings are not counted)."""
    lines = stderr.decode("utf-8", "replace").splitlines()
    return [line.strip() for line in lines if "error" in line.lower()]


# ---- poppler ------------------------------------------------------------------------------


def render_pages(pdf: bytes, *, dpi: int = RENDER_DPI) -> tuple[int, list[str]]:
    """Render every page with ``pdftoppm``; return (pages rendered, error lines)."""
    exe = _tool("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="masa-a11y-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        proc = _run([exe, "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")])
        rendered = len(list(Path(tmp).glob("page*.png")))
    errors = _poppler_errors(proc.stderr)
    if proc.returncode != 0:
        errors.insert(0, f"pdftoppm exited with code {proc.returncode}")
    return rendered, errors


def text_pages(pdf: bytes) -> tuple[list[str], list[str]]:
    """Text of each page from ``pdftotext`` (reading-order mode, UTF-8); (pages, error lines)."""
    exe = _tool("pdftotext")
    with tempfile.TemporaryDirectory(prefix="masa-a11y-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        proc = _run([exe, "-enc", "UTF-8", str(source), "-"])
    errors = _poppler_errors(proc.stderr)
    if proc.returncode != 0:
        errors.insert(0, f"pdftotext exited with code {proc.returncode}")
    text = proc.stdout.decode("utf-8", "replace")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    return pages, errors


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    # pdftotext joins a hyphenated word broken at the end of a line and drops its hyphen
    # ("Labinjo-Hughes" reads "LabinjoHughes"), so hyphens are left out of the comparison.
    return " ".join(text.split()).replace("- ", "").replace("-", "").casefold()


# ---- pypdf ---------------------------------------------------------------------------------


def bookmarks(pdf: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of each bookmark (outline item) in document order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int]] = []

    def walk(items: Sequence[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a bookmark without a page destination is not a heading
                continue
            if page is not None and page >= 0:
                found.append((str(item.title), page + 1))

    walk(reader.outline)
    return found


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# ---- second opinion --------------------------------------------------------------------------


def second_opinion_available() -> str | None:
    """``"page-validation <version>"`` when the independent PDF/UA checker is installed."""
    try:
        import page  # page-validation's module
        from page import validate_pdf_bytes  # noqa: F401
    except ImportError:
        return None
    return f"page-validation {getattr(page, '__version__', '?')}"


def second_opinion(pdf: bytes, name: str) -> list[A11yProblem]:
    """PDF/UA-1 failures found by ``page`` (page-validation); [] when it passes."""
    import page

    try:
        report = page.validate_pdf_bytes(pdf, profile="ua1")
    except page.PageError as exc:
        return [A11yProblem(name, "pdfua-page:error", f"page-validation could not check the file: {exc}")]
    problems: list[A11yProblem] = []
    places = _ObjectPlaces(pdf) if any(f.object_id is not None for f in report.failures) else None
    try:
        for failure in report.failures:
            obj = failure.object_id
            where = "document"
            if obj is not None and places is not None:
                where = places.describe(obj.object_number, obj.generation)
            problems.append(A11yProblem(name, f"pdfua-page:{failure.rule_id}", str(failure.message), where))
    finally:
        if places is not None:
            places.close()
    return problems


class _ObjectPlaces:
    """Says where a PDF object is: ``page 3, object 377 (/L)``."""

    def __init__(self, pdf: bytes) -> None:
        import pikepdf

        self._doc = pikepdf.open(io.BytesIO(pdf))
        self._pages = {p.obj.objgen: i for i, p in enumerate(self._doc.pages, start=1)}

    def close(self) -> None:
        self._doc.close()

    def describe(self, number: int, generation: int) -> str:
        import pikepdf

        label = f"object {number}"
        try:
            obj = self._doc.get_object(number, generation)
        except (pikepdf.PdfError, ValueError):
            return label
        if not isinstance(obj, pikepdf.Dictionary):
            return label
        kind = obj.get("/S") or obj.get("/Subtype") or obj.get("/Type")
        if kind is not None:
            label += f" ({kind})"
        if obj.objgen in self._pages:
            return f"page {self._pages[obj.objgen]}, {label}"
        page = obj.get("/Pg") or obj.get("/P")
        if isinstance(page, pikepdf.Dictionary) and page.objgen in self._pages:
            return f"page {self._pages[page.objgen]}, {label}"
        return label


# ---- the whole PDF check ---------------------------------------------------------------------


def check_pdf_bytes(
    pdf: bytes,
    name: str,
    *,
    expect_signature_fields: bool | Sequence[str] = False,
    use_second_opinion: bool = True,
    report: PdfReport | None = None,
) -> list[A11yProblem]:
    """Every PDF check on ``pdf`` (called ``name`` in the problems); [] when it passes.

    ``expect_signature_fields``: True → pypdf must list at least one signature field; a list
    of names → pypdf must list exactly those (in any order).
    """
    from masa_docs.pdfcheck import check_pdf, signature_field_names

    report = report if report is not None else PdfReport()
    problems: list[A11yProblem] = []

    structural = check_pdf(pdf)
    for p in structural:
        where = f"page {p.page}" if p.page is not None else "document"
        problems.append(A11yProblem(name, f"pdfua:{p.code}", p.message, where))
    if any(p.code == "unreadable" for p in structural):
        return problems

    report.pages = page_count(pdf)

    rendered, errors = render_pages(pdf)
    report.rendered = rendered
    for line in errors:
        problems.append(A11yProblem(name, "poppler:render", f"pdftoppm: {line}"))
    if rendered != report.pages:
        problems.append(
            A11yProblem(name, "poppler:render", f"pdftoppm rendered {rendered} of {report.pages} pages")
        )

    pages, errors = text_pages(pdf)
    report.text_pages = pages
    for line in errors:
        problems.append(A11yProblem(name, "poppler:text", f"pdftotext: {line}"))
    if len(pages) != report.pages:
        problems.append(
            A11yProblem(name, "poppler:text", f"pdftotext gave text for {len(pages)} of {report.pages} pages")
        )
    for number, text in enumerate(pages, start=1):
        if not text.strip():
            problems.append(
                A11yProblem(
                    name,
                    "poppler:no-text",
                    "pdftotext finds no text on this page: it is blank or its text is an image",
                    f"page {number}",
                )
            )
    problems.extend(_reading_order(pdf, pages, name, report))

    fields = signature_field_names(pdf)
    report.signature_fields = fields
    if expect_signature_fields is True and not fields:
        problems.append(
            A11yProblem(
                name,
                "pypdf:signature-fields",
                "pypdf lists no signature field: the partners cannot sign this PDF",
            )
        )
    elif isinstance(expect_signature_fields, Sequence) and not isinstance(expect_signature_fields, bool):
        expected, got = sorted(expect_signature_fields), sorted(fields)
        if expected != got:
            problems.append(
                A11yProblem(
                    name,
                    "pypdf:signature-fields",
                    f"pypdf lists signature fields {got}, expected {expected}",
                )
            )

    if use_second_opinion:
        label = second_opinion_available()
        report.second_opinion = label
        if label is not None:
            problems.extend(second_opinion(pdf, name))
        else:
            logger.info("%s: no second-opinion PDF/UA checker installed (pip install page-validation)", name)
    return problems


def _reading_order(pdf: bytes, pages: list[str], name: str, report: PdfReport) -> list[A11yProblem]:
    """Each bookmarked heading must be in pdftotext's text of its page, after the one before it."""
    problems: list[A11yProblem] = []
    report.headings = bookmarks(pdf)
    normalised = [_norm(t) for t in pages]
    position: dict[int, int] = {}
    for title, number in report.headings:
        needle = _norm(title)
        if not needle or number > len(normalised):
            continue
        text = normalised[number - 1]
        start = position.get(number, 0)
        found = text.find(needle, start)
        if found >= 0:
            position[number] = found + len(needle)
            continue
        earlier = text.find(needle)
        message = (
            f"the heading '{title}' comes before the heading bookmarked above it in the text "
            "pdftotext reads from this page: the reading order differs from the document order"
            if earlier >= 0
            else f"the heading '{title}' (bookmarked to this page) is not in the text pdftotext reads from it"
        )
        problems.append(A11yProblem(name, "poppler:reading-order", message, f"page {number}"))
    return problems


def check_pdf_file(path: Path, name: str | None = None, **kwargs: Any) -> list[A11yProblem]:
    return check_pdf_bytes(Path(path).read_bytes(), name or Path(path).name, **kwargs)
