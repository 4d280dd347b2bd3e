"""The signature-ready PDFs: text per page (snapshot), signature fields, bookmarks, metadata, tags,
page furniture, and the DRAFT mark until every lead safeguarding partner has signed."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from ruamel.yaml import YAML

from masa_docs.example import example_dir
from masa_docs.load import document_fingerprint, load_content
from masa_docs.outline import outline
from masa_docs.pdfcheck import check_pdf
from masa_docs.render import RenderRequest, render
from masa_docs.render.context import document_meta
from masa_docs.render.html import HTML_DOCUMENTS
from masa_docs.render.pdf import pdf_text_pages

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded():
    return load_content(example_dir())


@pytest.fixture(scope="module")
def pdfs(loaded) -> dict[str, tuple[bytes, int | None]]:
    out = {}
    for doc in HTML_DOCUMENTS:
        res = render(loaded, RenderRequest(doc, "pdf"))
        out[doc] = (res.data, res.pages)
    return out


@pytest.fixture(scope="module")
def texts(pdfs) -> dict[str, list[str]]:
    return {doc: pdf_text_pages(data) for doc, (data, _) in pdfs.items()}


def _threshold_variant(folder: Path, signed: bool) -> tuple[bytes, list[str]]:
    content = folder / "content"
    shutil.copytree(example_dir(), content)
    loaded = load_content(content)
    fp = document_fingerprint(loaded, "threshold")
    entries = [
        {"partner": p.id, "signed_on": "2025-06-30", "fingerprint": fp} for p in loaded.content.partners
    ]
    with open(content / "signatures.yaml", "w", encoding="utf-8") as fh:
        YAML().dump({"threshold": entries if signed else []}, fh)
    data = render(load_content(content), RenderRequest("threshold", "pdf")).data
    return data, pdf_text_pages(data)


@pytest.fixture(scope="module")
def signed_threshold(tmp_path_factory) -> tuple[bytes, list[str]]:
    """The threshold document after every LSP has recorded a signature."""
    return _threshold_variant(tmp_path_factory.mktemp("signed"), signed=True)


@pytest.fixture(scope="module")
def unsigned_threshold(tmp_path_factory) -> tuple[bytes, list[str]]:
    """The threshold document before any LSP has signed."""
    return _threshold_variant(tmp_path_factory.mktemp("unsigned"), signed=False)


def _normalise(page: str) -> str:
    """Trailing spaces and blank lines off (where a chart's labels leave blank lines depends on
    the matplotlib release); dot leaders of the table of contents shortened to " ... "."""
    lines = (re.sub(r" ?\.{4,} ?", " ... ", line).rstrip() for line in page.splitlines())
    return "\n".join(line for line in lines if line)


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_pdf_text_per_page_snapshot(texts, doc, snapshot):
    assert [_normalise(p) for p in texts[doc]] == snapshot


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_one_empty_signature_field_per_lsp(pdfs, loaded, doc):
    data, _ = pdfs[doc]
    meta = document_meta(loaded, doc)
    reader = PdfReader(io.BytesIO(data))
    fields = reader.get_fields() or {}
    expected = {s.field_name: s.tooltip for s in meta.signatures}
    assert set(fields) == set(expected) == {f"sig-{p.id}" for p in loaded.content.partners}
    for name, field in fields.items():
        assert field.get("/FT") == "/Sig"
        assert field.get("/TU") == expected[name]
        assert field.get("/V") is None  # empty: ready to sign
    # Every field sits on the sign-off page, the last one(s).
    signoff_pages = {
        i
        for i, page in enumerate(reader.pages)
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/FT") == "/Sig" or annot.get_object().get("/Parent")
    }
    assert signoff_pages and min(signoff_pages) >= len(reader.pages) - 2


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_metadata_tags_and_structure_checks(pdfs, loaded, doc):
    data, pages = pdfs[doc]
    meta = document_meta(loaded, doc)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.docinfo["/Title"]) == meta.full_title
        assert str(pdf.Root.Lang) == loaded.content.partnership.language
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:" + meta.date.strftime("%Y%m%d"))
        assert len(pdf.pages) == pages
    assert check_pdf(data) == []


def _outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)

    walk(reader.outline)
    return out


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_bookmarks_list_every_section(pdfs, doc, loaded):
    titles = _outline_titles(PdfReader(io.BytesIO(pdfs[doc][0])))
    sections = [s.title for s in outline(loaded.content, doc).sections]
    positions = [titles.index(t) for t in sections]
    assert positions == sorted(positions)


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_page_furniture_and_draft_mark_on_every_page(texts, loaded, doc):
    pages = texts[doc]
    meta = document_meta(loaded, doc)
    total = len(pages)
    for n, page in enumerate(pages, start=1):
        if meta.watermarked:
            assert "DRAFT" in page, f"page {n} has no DRAFT mark"
        else:
            assert "DRAFT" not in page, f"page {n} of a document for signature or signed says DRAFT"
        if n > 1:  # the cover has no running header or page number
            assert f"Page {n} of {total}" in page
            version = "" if meta.spec.periodic else f" v{meta.version}"
            assert f"{meta.partnership} — {meta.running_title}{version}" in " ".join(page.split())
    flat = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - the fingerprint may wrap
    assert meta.fingerprint in flat(pages[0])
    assert meta.fingerprint in flat(pages[-1]) or meta.fingerprint in flat(pages[-2])


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_table_of_contents_page_numbers_point_at_the_sections(texts, doc, loaded):
    pages = texts[doc]
    toc = pages[1]
    for section in outline(loaded.content, doc).sections:
        m = re.search(re.escape(section.title) + r"[ .]*?(\d+)\s*$", toc, flags=re.M)
        assert m, f"{section.title} is not in the table of contents"
        number = int(m.group(1))
        body = " ".join(pages[number - 1].split())
        assert section.title in body, f"{section.title} is not on page {number}"


def test_unsigned_document_is_for_signature_without_draft_mark(unsigned_threshold, loaded):
    """Only signatures are missing: the copy the LSPs sign, which is final once all have signed."""
    data, pages = unsigned_threshold
    assert not any("DRAFT" in p for p in pages)
    assert "For signature" in pages[0]
    assert "The date of the digital signature" in "\n".join(pages[-2:])
    fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    assert set(fields) == {f"sig-{p.id}" for p in loaded.content.partners}


def test_signed_document_points_to_the_signed_copy_without_draft_mark(signed_threshold, loaded):
    data, pages = signed_threshold
    assert not any("DRAFT" in p for p in pages)
    assert "Signed by every lead safeguarding partner" in " ".join(pages[0].split())
    assert "the final version is the signed copy, signed/threshold.pdf" in " ".join(
        "\n".join(pages[-2:]).split()
    )
    assert "Signed on 30 June 2025" in "\n".join(pages[-2:])
    # The fields are still there, empty, for the digital signatures.
    fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    assert set(fields) == {f"sig-{p.id}" for p in loaded.content.partners}


def test_same_content_same_pdf_bytes(loaded, pdfs):
    again = render(loaded, RenderRequest("arrangements", "pdf")).data
    assert again == pdfs["arrangements"][0]


def test_pdf_path_is_lazy():
    """Importing the PDF renderer module does not import WeasyPrint."""
    import subprocess
    import sys

    code = (
        "import sys, masa_docs.render.html_pdf, masa_docs.render.html, masa_docs.publish;"
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
