"""The agreement as a Word redline: real tracked changes (``w:ins``/``w:del``) made by comparing
the two generated agreements with the Docxodus engine of ``python-redlines``.

The engine is a self-contained binary shipped in the ``python-redlines-docxodus`` wheel; it is
unpacked once into a cache folder (``MASA_DOCS_CACHE`` or the user cache) and nothing is
downloaded. The revisions carry the author and date given here (from the content, never the
clock), and the package is rewritten with fixed zip times so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import MasaError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Redline:
    data: bytes
    insertions: int
    deletions: int


def cache_dir() -> Path:
    """A writable folder for the engine's binary."""
    from ..resources import cache_folder

    if os.environ.get("MASA_DOCS_CACHE"):
        return cache_folder() / "python-redlines"
    path = cache_folder() / "python-redlines"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        return path
    except OSError:
        return Path(tempfile.gettempdir()) / f"masa-docs-{os.getuid()}" / "python-redlines"


def count_revisions(docx: bytes) -> tuple[int, int]:
    """Numbers of ``w:ins`` and ``w:del`` elements in the main document part."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return len(re.findall(r"<w:ins\b", xml)), len(re.findall(r"<w:del\b", xml))


def redline(old: bytes, new: bytes, *, author: str, date: dt.date, title: str, language: str) -> Redline:
    """Compare two .docx files; the result is ``new`` with tracked changes from ``old``."""
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError:
        raise MasaError(
            "the Word comparison engine is not installed",
            "pip install 'python-redlines[docxodus]'",
        ) from None
    from ..render.docx_package import normalise_docx

    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    engine = DocxodusEngine(target_path=str(cache))
    stamp = f"{date.isoformat()}T00:00:00Z"
    try:
        data, _out, _err = engine.run_redline(author, old, new, date_time=stamp)
    except Exception as exc:  # the engine's own error, with its output
        raise MasaError(f"the Word comparison failed: {exc}") from None
    created = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    data = normalise_docx(data, title=title, author=author, created=created, language=language)
    ins, dels = count_revisions(data)
    return Redline(data, ins, dels)
