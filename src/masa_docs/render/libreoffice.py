"""Headless DOCX → PDF conversion with LibreOffice (tagged, PDF/A-2b + PDF/UA-1).

Each call runs ``soffice --headless --convert-to 'pdf:writer_pdf_Export:{json}'`` in its own
temporary directory with its own user profile (``-env:UserInstallation=file:///…``), so
conversions can run in parallel without fighting over a profile lock. A conversion of a
few pages takes about 1.1–1.3 s (most of it LibreOffice starting up).

The export options (:data:`PDF_EXPORT_OPTIONS`) were checked on LibreOffice 7.4 by reading
the produced PDF:

* ``SelectPdfVersion`` = 2 → XMP ``pdfaid:part=2``/``conformance=B`` (PDF/A-2b) and an sRGB
  OutputIntent (1 gives PDF/A-1 with conformance A, 3 gives PDF/A-3b, 0 plain PDF 1.6);
* ``PDFUACompliance`` → XMP ``pdfuaid:part=1``;
* ``UseTaggedPDF`` → ``/MarkInfo /Marked true`` and a ``/StructTreeRoot``. (PDF/A-2 and
  PDF/UA each force tagging on in 7.4 anyway; the flag keeps it on if they are changed.)
* ``ExportBookmarks`` → ``/Outlines`` built from the headings (off → no outline);
* ``DisplayPDFDocumentTitle`` → ``/ViewerPreferences /DisplayDocTitle true`` and ``/Title``
  from the .docx core properties — only when the document *has* a title;
* ``ExportFormFields`` is meant to turn form controls into AcroForm fields; not observed:
  a Word legacy FORMTEXT field gives no ``/AcroForm`` in 7.4 with it on or off. Signature
  fields are therefore added to the PDF afterwards (:mod:`masa_docs.render.pdf_locate`
  finds where).

``/Lang`` comes from the document's *default* language (``w:lang`` in ``styles.xml``
docDefaults), not from the core properties: see :func:`masa_docs.render.docx_package.normalise_docx`.
LibreOffice PDFs are not byte-reproducible (/CreationDate, XMP dates, /ID change each run).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ..executables import find_executable

__all__ = [
    "PDF_EXPORT_OPTIONS",
    "LibreOfficeError",
    "LibreOfficeMissing",
    "docx_to_pdf",
    "find_soffice",
    "last_conversion_seconds",
]

INSTALL_HINT = (
    "LibreOffice is needed to turn Word documents into PDF. Install it with "
    "`sudo apt-get install libreoffice-writer-nogui` (Debian/Ubuntu), or run `make setup` "
    "as root; set MASA_SOFFICE to the soffice executable if it is installed elsewhere."
)

PDF_EXPORT_OPTIONS: dict[str, dict[str, str]] = {
    "SelectPdfVersion": {"type": "long", "value": "2"},  # PDF/A-2b
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "ExportFormFields": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    "ExportNotes": {"type": "boolean", "value": "false"},
}

_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

_last_seconds: float | None = None


class LibreOfficeMissing(RuntimeError):
    """soffice could not be found."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


class LibreOfficeError(RuntimeError):
    """A conversion failed or timed out; ``returncode``/``stderr`` say why."""

    def __init__(
        self, message: str, *, returncode: int | None = None, stdout: str = "", stderr: str = ""
    ) -> None:
        details = [message]
        if returncode is not None:
            details.append(f"exit code {returncode}")
        if stderr.strip():
            details.append(f"stderr: {stderr.strip()[-2000:]}")
        if stdout.strip():
            details.append(f"stdout: {stdout.strip()[-2000:]}")
        super().__init__("; ".join(details))
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def find_soffice() -> str | None:
    """Path of the soffice executable: $MASA_SOFFICE, then PATH, then usual install places."""
    return find_executable("MASA_SOFFICE", ("soffice", "libreoffice"), _CANDIDATES)


def last_conversion_seconds() -> float | None:
    """Wall-clock seconds the most recent successful :func:`docx_to_pdf` took."""
    return _last_seconds


def filter_string(options: dict[str, dict[str, str]] | None = None) -> str:
    """The ``--convert-to`` argument: ``pdf:writer_pdf_Export:{json}``."""
    payload = json.dumps(options or PDF_EXPORT_OPTIONS, separators=(",", ":"))
    return f"pdf:writer_pdf_Export:{payload}"


def _kill_group(proc: subprocess.Popen[Any]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def docx_to_pdf(
    data: bytes,
    *,
    timeout: float = 120,
    options: dict[str, dict[str, str]] | None = None,
) -> bytes:
    """Convert a .docx (bytes) to PDF bytes with headless LibreOffice.

    ``options`` replaces :data:`PDF_EXPORT_OPTIONS`. Raises :class:`LibreOfficeMissing` when
    soffice is not installed, :class:`LibreOfficeError` when the conversion fails, writes
    no PDF, or exceeds ``timeout`` seconds (the whole process group is then killed), and
    ``ValueError`` when ``data`` is not a zip package.
    """
    global _last_seconds
    if not data.startswith(b"PK\x03\x04"):
        # LibreOffice would happily import anything else as plain text and "succeed".
        raise ValueError("docx_to_pdf expects the bytes of a .docx (zip) file")
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeMissing()
    with tempfile.TemporaryDirectory(prefix="masa-lo-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        outdir = work / "out"
        outdir.mkdir()
        profile = work / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            filter_string(options),
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work)}  # nothing may touch the user's real profile
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=work,
            env=env,
            start_new_session=True,  # own process group, so a timeout kills soffice.bin too
        )
        try:
            out_b, err_b = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out_b, err_b = proc.communicate()
            raise LibreOfficeError(
                f"LibreOffice did not finish converting within {timeout:g} s",
                stdout=out_b.decode(errors="replace"),
                stderr=err_b.decode(errors="replace"),
            ) from None
        stdout, stderr = out_b.decode(errors="replace"), err_b.decode(errors="replace")
        result = outdir / "document.pdf"
        if proc.returncode != 0:
            raise LibreOfficeError(
                "LibreOffice failed to convert the document",
                returncode=proc.returncode,
                stdout=stdout,
                stderr=stderr,
            )
        if not result.is_file() or result.stat().st_size == 0:
            # soffice exits 0 even when it cannot load the input ("Error: source file could
            # not be loaded"); the missing output is the only reliable signal.
            raise LibreOfficeError(
                "LibreOffice produced no PDF",
                returncode=proc.returncode,
                stdout=stdout,
                stderr=stderr,
            )
        pdf = result.read_bytes()
        _last_seconds = time.perf_counter() - started
        return pdf
