"""Where does a given text sit in a PDF? (page index, bounding box in PDF points)

Used to place empty signature fields over each partner's "Signature:" line in the agreement
that LibreOffice produces. Words and their boxes come from poppler's
``pdftotext -bbox-layout`` (poppler-utils; pdfminer is not a dependency and pypdf gives
text positions but no glyph widths). Boxes are converted to PDF user space: origin at the
bottom-left of the page, ``(x0, y0, x1, y1)`` with ``x0 < x1`` and ``y0 < y1``, offset by the
page's CropBox, ready for a widget ``/Rect``.

A match never spans two lines. Within a line, words are joined by single spaces and the
needle's whitespace is normalised the same way; when a match starts or ends inside a word,
its box edge is interpolated by character count.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

__all__ = ["PopplerMissing", "Word", "find_text", "words"]

Box = tuple[float, float, float, float]
XHTML = "{http://www.w3.org/1999/xhtml}"
INSTALL_HINT = (
    "poppler's pdftotext is needed to locate text in a PDF. Install it with "
    "`sudo apt-get install poppler-utils` (Debian/Ubuntu), or run `make setup` as root."
)


class PopplerMissing(RuntimeError):
    """pdftotext is not installed."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Word:
    page: int  # zero-based
    line: int  # running line number on the page (reading order)
    text: str
    box: Box  # PDF user space, bottom-left origin


def _bbox_layout(pdf: bytes, timeout: float) -> etree._Element:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise PopplerMissing()
    with tempfile.TemporaryDirectory(prefix="masa-locate-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf)
        proc = subprocess.run(
            [exe, "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(
            f"pdftotext failed (exit code {proc.returncode}): {proc.stderr.decode(errors='replace').strip()}"
        )
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    return etree.fromstring(proc.stdout, parser)


def words(pdf: bytes, *, timeout: float = 60) -> list[Word]:
    """Every word of ``pdf`` with its page, line number and box in PDF user space."""
    import pikepdf

    root = _bbox_layout(pdf, timeout)
    with pikepdf.open(io.BytesIO(pdf)) as doc:  # the CropBoxes (inherited or the MediaBox)
        crops = [[float(v) for v in page.cropbox] for page in doc.pages]
    result: list[Word] = []
    for page_index, page in enumerate(root.iter(f"{XHTML}page")):
        crop = crops[page_index] if page_index < len(crops) else None
        left = crop[0] if crop is not None else 0.0
        top = crop[3] if crop is not None else float(page.get("height", "0"))
        for line_no, line in enumerate(page.iter(f"{XHTML}line")):
            for word in line.iter(f"{XHTML}word"):
                x_min, y_min = float(word.get("xMin", "0")), float(word.get("yMin", "0"))
                x_max, y_max = float(word.get("xMax", "0")), float(word.get("yMax", "0"))
                box = (left + x_min, top - y_max, left + x_max, top - y_min)
                result.append(Word(page_index, line_no, word.text or "", box))
    return result


def _normalise(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def find_text(
    pdf: bytes,
    needle: str,
    *,
    case_sensitive: bool = True,
    timeout: float = 60,
    all_words: Sequence[Word] | None = None,
) -> list[tuple[int, Box]]:
    """(zero-based page index, (x0, y0, x1, y1) in PDF points) of each occurrence of
    ``needle``, in reading order. Raises :class:`PopplerMissing` without pdftotext.

    ``all_words`` is :func:`words` of the same ``pdf`` when the caller has it already (the
    PDF is then not read again)."""
    target = _normalise(needle, case_sensitive)
    if not target:
        raise ValueError("find_text needs a non-empty needle")
    lines: dict[tuple[int, int], list[Word]] = {}
    for word in all_words if all_words is not None else words(pdf, timeout=timeout):
        lines.setdefault((word.page, word.line), []).append(word)
    found: list[tuple[int, Box]] = []
    for (page, _), line_words in lines.items():
        spans: list[tuple[int, int, Word]] = []
        text = ""
        for word in line_words:
            if text:
                text += " "
            piece = _normalise(word.text, case_sensitive)
            spans.append((len(text), len(text) + len(piece), word))
            text += piece
        start = text.find(target)
        while start != -1:
            end = start + len(target)
            found.append((page, _union(spans, start, end)))
            start = text.find(target, end)
    return found


def _union(spans: list[tuple[int, int, Word]], start: int, end: int) -> Box:
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for w_start, w_end, word in spans:
        if w_end <= start or w_start >= end:
            continue
        bx0, by0, bx1, by1 = word.box
        length = max(w_end - w_start, 1)
        width = bx1 - bx0
        left = bx0 + width * max(0, start - w_start) / length
        right = bx1 - width * max(0, w_end - end) / length
        x0, x1 = min(x0, left), max(x1, right)
        y0, y1 = min(y0, by0), max(y1, by1)
    return (x0, y0, x1, y1)
