"""Headless LibreOffice DOCX → PDF, and locating text in the PDF it makes."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pikepdf
import pytest
from pypdf import PdfReader

from masa_docs.render import libreoffice
from masa_docs.render.libreoffice import (
    LibreOfficeError,
    LibreOfficeMissing,
    docx_to_pdf,
    filter_string,
    find_soffice,
)
from masa_docs.render.pdf_locate import PopplerMissing, find_text

FIXTURES = Path(__file__).parent / "fixtures" / "docx"


def _load_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docx_fixtures", FIXTURES / "docx_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fx = _load_fixtures()

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice not installed")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler-utils")


@pytest.fixture(scope="module")
def converted() -> tuple[bytes, float]:
    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    data = fx.build_document()
    started = time.perf_counter()
    pdf = docx_to_pdf(data)
    return pdf, time.perf_counter() - started


def _pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# --------------------------------------------------------------------------- no soffice needed


def test_missing_soffice_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(LibreOfficeMissing) as err:
        docx_to_pdf(fx.build_document())
    message = str(err.value)
    assert "sudo apt-get install libreoffice-writer-nogui" in message
    assert "make setup" in message


def test_find_soffice_honours_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MASA_SOFFICE", str(fake))
    assert find_soffice() == str(fake)
    monkeypatch.setenv("MASA_SOFFICE", str(tmp_path / "absent"))
    assert find_soffice() is None


def test_filter_string_is_json() -> None:
    arg = filter_string()
    assert arg.startswith("pdf:writer_pdf_Export:{")
    assert '"SelectPdfVersion":{"type":"long","value":"2"}' in arg
    assert '"PDFUACompliance":{"type":"boolean","value":"true"}' in arg


def test_non_docx_input_is_refused() -> None:
    with pytest.raises(ValueError, match="zip"):
        docx_to_pdf(b"plain text that LibreOffice would happily convert")


def test_failing_soffice_reports_exit_code_and_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 81\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MASA_SOFFICE", str(fake))
    with pytest.raises(LibreOfficeError) as err:
        docx_to_pdf(fx.build_document())
    assert err.value.returncode == 81
    assert "exit code 81" in str(err.value) and "could not be loaded" in str(err.value)


def test_soffice_without_output_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")  # what soffice does when it cannot load a file
    fake.chmod(0o755)
    monkeypatch.setenv("MASA_SOFFICE", str(fake))
    with pytest.raises(LibreOfficeError, match="produced no PDF"):
        docx_to_pdf(fx.build_document())


def test_timeout_kills_the_process_group(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\n{sys.executable} -c 'import time; time.sleep(30)' &\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MASA_SOFFICE", str(fake))
    started = time.perf_counter()
    with pytest.raises(LibreOfficeError, match=r"within 0\.5 s"):
        docx_to_pdf(fx.build_document(), timeout=0.5)
    assert time.perf_counter() - started < 10  # the grandchild did not keep pipes open


# --------------------------------------------------------------------------- real LibreOffice


@pytest.mark.client
@needs_soffice
@needs_poppler
def test_conversion_keeps_the_text(converted: tuple[bytes, float]) -> None:
    pdf, seconds = converted
    print(f"LibreOffice DOCX→PDF took {seconds:.2f} s")  # visible with -s
    layout = _pdftotext(pdf, "-layout")
    text = " ".join(_pdftotext(pdf).split())  # reading order, whitespace collapsed
    assert "Exampleshire Safeguarding Children Partnership & <friends>" in text
    assert "{{ 7*7 }}" in text and '<script>alert("x")</script>' in text
    assert "{_{ raw }_}" in text
    assert "Exampleshire Constabulary (Chief officer of police)" in text
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 2
    assert all(f"Page {n} of {pages}" in layout for n in range(1, pages + 1))
    # numbering restarts: the second ordered list starts again at 1, the third at 7
    assert "1. Second list, first item" in text
    assert "7. Starts at seven" in text
    assert "4. Second list" not in text
    # pypdf reads it too; the signature table is on the last page
    assert "Signatures" in (reader.pages[-1].extract_text() or "")


@pytest.mark.client
@needs_soffice
def test_pdf_is_tagged_pdfa_and_pdfua(converted: tuple[bytes, float]) -> None:
    pdf, _ = converted
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root
        assert str(root.Lang) == "en-GB"  # from the docDefaults normalise_docx wrote
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert "/Outlines" in root  # bookmarks from the headings
        assert "/OutputIntents" in root
        assert str(doc.docinfo["/Title"]) == "Exampleshire arrangements"
        uris = [
            str(annot.A.URI)
            for page in doc.pages
            for annot in page.obj.get("/Annots", [])
            if annot.Subtype == "/Link" and "/A" in annot
        ]
        assert sorted(uris) == [
            "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2",
            "mailto:lscp@example.org?subject=Arrangements&cc=a@example.org",
        ]
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        assert meta.get("pdfuaid:part") == "1"


@pytest.mark.client
@needs_soffice
def test_parallel_conversions_do_not_collide() -> None:
    data = fx.build_document()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: docx_to_pdf(data), range(2)))
    assert all(r.startswith(b"%PDF-") for r in results)


@pytest.mark.client
@needs_soffice
@needs_poppler
def test_find_text_locates_each_signature_line(converted: tuple[bytes, float]) -> None:
    pdf, _ = converted
    reader = PdfReader(io.BytesIO(pdf))
    on_page = [i for i, p in enumerate(reader.pages) if "Signature:" in (p.extract_text() or "")]
    assert on_page == [len(reader.pages) - 1]  # the layout puts the table on the last page
    last = on_page[0]
    hits = find_text(pdf, "Signature:")
    assert [page for page, _ in hits] == [last] * 3  # right page, one hit per partner
    width = float(reader.pages[last].mediabox.width)
    tops = []
    for _, (x0, y0, x1, y1) in hits:
        assert x0 < x1 and y0 < y1
        assert width / 2 - 5 < x0 < width  # the right-hand column of the table
        assert 8 < y1 - y0 < 20  # one line of ~11 pt text
        tops.append(y1)
    assert tops == sorted(tops, reverse=True)  # one per row, top to bottom
    assert len(set(round(t) for t in tops)) == 3
    # the boxes agree with where pypdf says the text is drawn (baseline inside the box)
    origins: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip() == "Signature:":
            origins.append((cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5]))

    reader.pages[last].extract_text(visitor_text=visit)
    assert len(origins) == 3
    for (x, y), (_, (x0, y0, _x1, y1)) in zip(origins, hits, strict=True):
        assert abs(x - x0) < 1.0 and y0 < y < y1


@pytest.mark.client
@needs_soffice
@needs_poppler
def test_find_text_multiword_partial_and_absent(converted: tuple[bytes, float]) -> None:
    pdf, _ = converted
    last = len(PdfReader(io.BytesIO(pdf)).pages) - 1
    (page, (x0, _, x1, _)), *rest = find_text(pdf, "Exampleshire   Constabulary")
    assert page == last and not rest and x1 - x0 > 50
    whole = find_text(pdf, "Constabulary")[0][1]
    part = find_text(pdf, "stabul")[0][1]
    assert whole[0] < part[0] < part[2] < whole[2]
    assert find_text(pdf, "not in the document") == []
    assert find_text(pdf, "signature:", case_sensitive=False)[0][0] == last
    assert find_text(pdf, "signature:") == []


def test_find_text_without_poppler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(PopplerMissing, match="poppler-utils"):
        find_text(b"%PDF-1.4", "x")
