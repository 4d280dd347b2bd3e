"""The collaboration agreement: Word template → DOCX → LibreOffice → signature-ready PDF."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pikepdf
import pytest
from pypdf import PdfReader

from conftest import replace_once
from masa_docs.errors import MasaError
from masa_docs.load import LoadedContent, load_content
from masa_docs.render import RenderRequest, render
from masa_docs.render.agreement import (
    render_agreement_pdf,
    render_docx,
    render_template,
    signature_placements,
    signature_slots,
    templates_dir,
)
from masa_docs.render.context import document_meta, format_money
from masa_docs.render.docx_outline import docx_language, heading_levels, outline
from masa_docs.render.libreoffice import LibreOfficeMissing, find_soffice
from masa_docs.render.pdf import pdf_date, pdf_text_pages

REQUEST = RenderRequest("agreement", "docx")
CLAUSES = [
    "Definitions and interpretation",
    "Statutory basis and purpose",
    "Commencement, term and review",
    "Governance and scheme of delegation",
    "Functions of each party",
    "Funding",
    "Staffing and hosting",
    "Dispute resolution",
    "Liabilities and indemnities",
    "Insurance",
    "Information sharing",
    "Confidentiality and freedom of information",
    "Variation and exit",
    "General",
]
needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice not installed")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def agreement(example: LoadedContent) -> bytes:
    return render(example, REQUEST).data


@pytest.fixture(scope="module")
def lines(agreement: bytes) -> list[str]:
    return outline(agreement).splitlines()


def _tiny_template(tmp_path: Path, *paragraphs: str) -> Path:
    """A Word template made of the agreement's styles and the given paragraphs."""
    document = docx.Document(str(templates_dir() / "agreement.docx"))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "tiny.docx"
    document.save(str(path))
    return path


# ------------------------------------------------------------------ the DOCX


def test_outline_snapshot(agreement: bytes, example: LoadedContent, snapshot: object) -> None:
    fingerprint = document_meta(example, "agreement").fingerprint
    assert outline(agreement).replace(fingerprint, "<fingerprint>") == snapshot


def test_word_heading_styles_and_clause_numbering(agreement: bytes, lines: list[str]) -> None:
    levels = heading_levels(agreement)
    assert [t for level, t in levels if level == 1] == ["Parties", "Background", *CLAUSES, "Signatures"]
    assert levels[0][0] == 1 and all(b[0] <= a[0] + 1 for a, b in itertools.pairwise(levels))
    document = docx.Document(io.BytesIO(agreement))
    names = [p.style.name for p in document.paragraphs]
    # The cover: the partnership's name in its colour band, then the title, before any heading.
    assert names[:2] == ["Subtitle", "Title"] and "Heading 1" in names and "Heading 2" in names
    band = document.paragraphs[0]
    assert band.text == "Northmere and Eastvale Safeguarding Children Partnership"
    assert band._p.xpath("string(./w:pPr/w:shd/@w:fill)") == "1D4F91"  # the house blue: no colour given
    assert {str(r.font.color.rgb) for r in band.runs} == {"FFFFFF"}
    # Real Word numbering, tied to the styles: 1. / 1.1 / 1.1.1, and none on Parties etc.
    assert "P | Heading 1 | Parties" in lines
    assert "P | Heading 1 | L0 1. | Definitions and interpretation" in lines
    assert any(x.startswith("P | Clause | L1 1.1 | In this agreement") for x in lines)
    assert "P | Heading 1 | L0 14. | General" in lines
    assert any(x.startswith("P | Subclause | L2 9.3.1 | ") for x in lines)
    assert any(x.startswith("P | Recital | L0 (A) | ") for x in lines)
    assert any(
        x.startswith("P | Party | L0 (4) | **Chief Constable of Northmere Constabulary**") for x in lines
    )


def test_facts_come_from_the_content(agreement: bytes, example: LoadedContent, lines: list[str]) -> None:
    c = example.content
    text = "\n".join(lines)
    for p in c.partners:
        assert p.legal_name in text and p.address in text
        assert p.current_delegation.instrument in text
    year = c.funding.current
    for contribution in year.contributions:
        assert format_money(contribution.amount) in text
    assert f"| **Total** | **{format_money(year.total)}** |" in text
    for stage in c.disputes.stages:
        assert f"{stage.name} | " in text and f"{stage.timescale_working_days} working days" in text
    for cover in c.liabilities.insurance:
        assert cover.type in text
    for isa in c.information_sharing.agreements:
        assert isa.name in text
    assert c.agreement.reference in text and c.agreement.governing_law in text


def test_header_footer_language_and_properties(
    agreement: bytes, example: LoadedContent, lines: list[str]
) -> None:
    meta = document_meta(example, "agreement")
    header = next(x for x in lines if x.startswith("HEADER |"))
    assert meta.partnership in header and f"version {meta.version}" in header
    assert ("DRAFT" in header) is meta.draft
    footer = next(x for x in lines if x.startswith("FOOTER |"))
    assert "Page {PAGE} of {NUMPAGES}" in footer and example.content.agreement.reference in footer
    assert docx_language(agreement) == "en-GB"
    core = docx.Document(io.BytesIO(agreement)).core_properties
    assert core.title == meta.title and core.author == meta.partnership
    assert core.created is not None and core.created.date() == meta.date
    assert core.modified == core.created


def test_draft_shows_until_every_lsp_has_signed(
    agreement: bytes, example: LoadedContent, lines: list[str]
) -> None:
    meta = document_meta(example, "agreement")
    assert meta.draft  # the example awaits the Chief Constable
    assert any(x.startswith("P | Draft Note | DRAFT") and meta.draft_reasons[0] in x for x in lines)
    fingerprints = [x for x in lines if meta.fingerprint in x]
    assert len(fingerprints) == 2  # on the first page and on the signature page


def test_final_when_every_lsp_has_signed(make_content: Callable[..., Path], tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        edits={
            "signatures.yaml": replace_once(
                "  - partner: nev-icb\n    signed_on: 2026-03-19\n",
                "  - partner: nev-icb\n    signed_on: 2026-03-19\n"
                "  - partner: northmere-police\n    signed_on: 2026-03-23\n",
            )
        },
    )
    # Signatures count once recorded with the fingerprint of the version signed.
    fp = document_meta(load_content(root), "agreement").fingerprint
    text = (root / "signatures.yaml").read_text(encoding="utf-8")
    head, sep, rest = text.partition("agreement:\n")
    block, sep2, tail = rest.partition("yearly_report:")
    block = re.sub(r"(    signed_on: [0-9-]+\n)", rf"\1    fingerprint: {fp}\n", block)
    (root / "signatures.yaml").write_text(head + sep + block + sep2 + tail, encoding="utf-8")
    loaded = load_content(root)
    lines = outline(render_docx(loaded, REQUEST).data).splitlines()
    assert not any("DRAFT" in x for x in lines)
    status = "Signed by every lead safeguarding partner (the signed PDF is the final version)"
    assert f"P | Normal | **Status: **{status}" in lines
    assert "P | Normal | **THIS AGREEMENT** is dated 23 March 2026." in lines
    assert "T | row 6 | Date: | 23 March 2026" in lines


def test_signature_block_per_lsp(lines: list[str], example: LoadedContent) -> None:
    for p in example.content.partners:
        i = lines.index(f"T | row 1 (header) | **Signed for and on behalf of {p.legal_name}** (span 2)")
        assert lines[i + 1] == f"T | row 2 | Name: | {p.lsp.name}"
        assert lines[i + 2] == f"T | row 3 | Title: | {p.lsp.title}"
        assert lines[i + 4] == "T | row 5 | Signature: |"
        assert lines[i + 5].startswith("T | row 6 | Date: |")


def test_docx_is_deterministic(agreement: bytes, example: LoadedContent) -> None:
    # render_docx renders afresh (render() reuses the content's one rendering)
    assert render_docx(example, REQUEST).data == agreement


def test_docx_and_pdf_share_one_rendering(
    make_content: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """analyse() renders the agreement's .docx once when both outputs are asked for; both
    renderers use it; a changed template file is rendered again."""
    from masa_docs.analysis import analyse, analysis_of
    from masa_docs.render import agreement as agreement_module

    calls: list[Path | None] = []
    real = agreement_module.render_docx

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("template"))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(agreement_module, "render_docx", counted)
    templates = tmp_path / "templates"
    (templates / "docx").mkdir(parents=True)
    shutil.copy(templates_dir() / "agreement.docx", templates / "docx" / "agreement.docx")
    loaded = load_content(make_content(tmp_path / "content"))
    docx_request = RenderRequest("agreement", "docx", templates=str(templates))
    pdf_request = RenderRequest("agreement", "pdf", templates=str(templates))
    analyse(loaded, [docx_request, pdf_request])
    assert len(calls) == 1
    (kept,) = analysis_of(loaded).agreement.values()
    data = render(loaded, docx_request).data
    assert data == kept.data and len(calls) == 1
    assert render_docx(loaded, docx_request).data == data  # the same bytes as a fresh rendering

    other = load_content(make_content(tmp_path / "other"))
    analyse(other, [docx_request])
    assert len(calls) == 1 and not analysis_of(other).agreement  # one output: nothing to share

    # The partnership's lawyers edit the template: the next rendering uses the new file.
    source = (templates / "docx" / "agreement.docx").read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as z,
        zipfile.ZipFile(templates / "docx" / "agreement.docx", "w") as out,
    ):
        for item in z.infolist():
            body = z.read(item)
            if item.filename == "word/document.xml":
                body = body.replace(b"Signature:", b"Signed:", 1)
            out.writestr(item, body)
    assert b"Signed:" not in data
    changed = render(loaded, docx_request).data
    assert len(calls) == 2
    with zipfile.ZipFile(io.BytesIO(changed)) as z:
        assert b"Signed:" in z.read("word/document.xml")


def test_content_is_text_never_markup_or_template(make_content: Callable[..., Path], tmp_path: Path) -> None:
    nasty = "Fish & Chips <b>bold</b> \\\"quoted\\\" 'single' {{ 7*7 }} {% if true %}yes{% endif %} {_{ x }_}"
    root = make_content(
        tmp_path,
        edits={
            "agreement.yaml": replace_once("reference: NESCP/CA/2026/01", f'reference: "{nasty}"'),
            "partners.yaml": replace_once(
                "  legal_name: Eastvale Council\n", "  legal_name: Eastvale & <Vale> Council {{ 6*6 }}\n"
            ),
        },
    )
    loaded = load_content(root)
    expected = loaded.content.agreement.reference
    data = render_docx(loaded, REQUEST).data
    document = docx.Document(io.BytesIO(data))  # the file still opens
    footer = next(x for x in outline(data).splitlines() if x.startswith("FOOTER |"))
    assert f"Ref. {expected}" in footer  # headers and footers are escaped too
    text = "\n".join(p.text for p in document.paragraphs)
    text = text.replace(document_meta(loaded, "agreement").fingerprint, "<fingerprint>")  # hex digits
    tables = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert f"Reference: {expected}" in text
    assert "Eastvale & <Vale> Council {{ 6*6 }}" in text + tables
    no_fingerprint = re.sub(r"[0-9a-f]{8,}", "", text)  # the content fingerprint may contain "49"
    assert "49" not in no_fingerprint and "36" not in tables


def test_markdown_narrative_becomes_clauses_lists_and_links(
    make_content: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_content(
        tmp_path,
        edits={
            "agreement.yaml": replace_once(
                "variation: >-\n  This agreement may be varied only in writing",
                "variation: |\n"
                "  First **bold** [link](https://example.org/x) and [bad](javascript:alert(1)).\n\n"
                "  1. one\n  2. two\n\n  Then.\n\n  1. again\n\n"
                "  This agreement may be varied only in writing",
            )
        },
    )
    data = render_docx(load_content(root), REQUEST).data
    lines = outline(data).splitlines()
    i = next(n for n, x in enumerate(lines) if "[link](https://example.org/x)" in x)
    assert lines[i].startswith("P | Clause | L1 13.1 | First **bold** [link](https://example.org/x) and ")
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    assert "https://example.org/x" in rels and "javascript" not in rels  # unsafe links stay text
    assert lines[i + 1 : i + 5] == [
        "P | List Number | L0 1. | one",
        "P | List Number | L0 2. | two",
        "P | Clause | L1 13.2 | Then.",
        "P | List Number | L0 1. | again",
    ]


def test_templates_run_sandboxed_with_strict_undefined(example: LoadedContent, tmp_path: Path) -> None:
    meta = document_meta(example, "agreement")
    with pytest.raises(MasaError, match="sandbox"):
        render_template(example, meta, _tiny_template(tmp_path, "{{ content.__class__.__mro__ }}"))
    with pytest.raises(MasaError, match="sandbox"):
        render_template(example, meta, _tiny_template(tmp_path, "{{ partners.append(1) }}"))
    with pytest.raises(MasaError, match="titel") as info:
        render_template(example, meta, _tiny_template(tmp_path, "{{ content.agreement.titel }}"))
    assert "lint-templates" in str(info.value.hint)
    with pytest.raises(MasaError, match="no paragraph style 'Clauze'"):
        render_template(
            example, meta, _tiny_template(tmp_path, "{{p md(content.agreement.exit, 'Clauze') }}")
        )
    ok = render_template(example, meta, _tiny_template(tmp_path, "{{ content.agreement.title|upper }}"))
    assert example.content.agreement.title.upper() in outline(ok)


# ------------------------------------------------------------------ the signature-ready PDF


@pytest.fixture(scope="module")
def agreement_pdf(example: LoadedContent) -> bytes:
    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    return render(example, RenderRequest("agreement", "pdf")).data


@pytest.mark.client
@pytest.mark.slow
def test_pdf_has_one_named_signature_field_per_lsp(agreement_pdf: bytes, example: LoadedContent) -> None:
    from masa_docs.pdfcheck import check_pdf

    meta = document_meta(example, "agreement")
    reader = PdfReader(io.BytesIO(agreement_pdf))
    fields = reader.get_fields() or {}
    sigs = {name: f for name, f in fields.items() if f.get("/FT") == "/Sig"}
    assert list(sigs) == [s.field_name for s in meta.signatures]
    assert [f.get("/TU") for f in sigs.values()] == [s.tooltip for s in meta.signatures]
    assert all(f.get("/V") is None for f in sigs.values())  # empty, ready to sign
    texts = pdf_text_pages(agreement_pdf)
    for n, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                assert "Signature:" in texts[n]  # on the signature page, beside its label
    assert check_pdf(agreement_pdf) == []


@pytest.mark.client
@pytest.mark.slow
def test_signature_fields_sit_beside_their_labels(agreement_pdf: bytes, example: LoadedContent) -> None:
    from masa_docs.render.pdf_locate import find_text

    labels = find_text(agreement_pdf, "Signature:")
    reader = PdfReader(io.BytesIO(agreement_pdf))
    boxes = []
    for n, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                boxes.append((n, [float(v) for v in annot["/Rect"]]))
    assert len(boxes) == len(labels) == len(example.content.partners)
    for (page, (x0, y0, x1, y1)), (label_page, (_, ly0, lx1, _)) in zip(boxes, labels, strict=True):
        assert page == label_page
        assert x0 > lx1 and x1 - x0 > 150  # to the right of the label, wide enough to sign in
        assert y0 < ly0 < y1 and y1 - y0 > 30  # level with the label, tall enough


@pytest.mark.client
@pytest.mark.slow
def test_pdf_text_survives_conversion(agreement_pdf: bytes, example: LoadedContent) -> None:
    text = " ".join(" ".join(pdf_text_pages(agreement_pdf)).split())
    for p in example.content.partners:
        assert p.legal_name in text
    for contribution in example.content.funding.current.contributions:
        assert format_money(contribution.amount) in text
    for title in CLAUSES:
        assert title.upper() in text  # Heading 1 is in capitals
    assert "Page 1 of" in text and document_meta(example, "agreement").fingerprint[:32] in text


@pytest.mark.client
@pytest.mark.slow
def test_pdf_is_tagged_archival_with_dates_and_id_from_the_content(
    agreement_pdf: bytes, example: LoadedContent
) -> None:
    meta = document_meta(example, "agreement")
    with pikepdf.open(io.BytesIO(agreement_pdf)) as pdf:
        assert pdf.docinfo["/CreationDate"] == pdf_date(meta.created)
        assert pdf.docinfo["/ModDate"] == pdf_date(meta.created)
        assert str(pdf.docinfo["/Title"]) == meta.title
        identity = f"{meta.fingerprint}:agreement:{meta.version}"
        assert bytes(pdf.trailer.ID[0]) == hashlib.sha256(identity.encode()).digest()[:16]
        assert str(pdf.Root.Lang) == "en-GB"
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert "/DocChecksum" not in pdf.trailer
        xmp = str(pdf.Root.Metadata.read_bytes(), "utf-8")
    assert re.search(r"pdfaid:part[^0-9]*2", xmp) and re.search(r"pdfuaid:part[^0-9]*1", xmp)
    assert "2026-03-02T00:00:00" in xmp


@pytest.mark.client
@pytest.mark.slow
def test_pdf_is_byte_identical_across_conversions(agreement_pdf: bytes, example: LoadedContent) -> None:
    # LibreOffice stamps each run (dates, /ID, the ICC profile's header, /DocChecksum); all of
    # that is rewritten from the content, so two conversions give the same bytes.
    assert render_agreement_pdf(example, RenderRequest("agreement", "pdf")).data == agreement_pdf


@needs_soffice
@needs_poppler
@pytest.mark.client
@pytest.mark.slow
def test_signature_labels_must_match_the_signatories(agreement_pdf: bytes, example: LoadedContent) -> None:
    slots = signature_slots(document_meta(example, "agreement"))
    with pytest.raises(MasaError, match="'Signature:' labels"):
        signature_placements(agreement_pdf, slots[:-1])


def test_pdf_without_libreoffice_says_how_to_install_it(
    example: LoadedContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("masa_docs.render.libreoffice.find_soffice", lambda: None)
    with pytest.raises(LibreOfficeMissing, match="libreoffice-writer-nogui"):
        render_agreement_pdf(example, RenderRequest("agreement", "pdf"))


@needs_soffice
@needs_poppler
@pytest.mark.client
@pytest.mark.slow
def test_signature_words_in_the_content_do_not_move_the_fields(
    make_content: Callable[..., Path], tmp_path: Path
) -> None:
    """'Signature: ______' and 'Date:' typed in a clause are text, not the signature block."""
    from masa_docs.render.pdf_locate import find_text

    root = make_content(
        tmp_path,
        edits={
            "agreement.yaml": replace_once(
                "exit: >-\n",
                "exit: >-\n  Signature: ______________ Date: ________ (for the record of notice).\n",
            )
        },
    )
    loaded = load_content(root)
    pdf = render(loaded, RenderRequest("agreement", "pdf")).data
    labels = find_text(pdf, "Signature:")
    assert len(labels) == len(loaded.content.partners) + 1  # the clause's words are in the PDF
    reader = PdfReader(io.BytesIO(pdf))
    boxes = [
        (n, [float(v) for v in a.get_object()["/Rect"]])
        for n, page in enumerate(reader.pages)
        for a in page.get("/Annots") or []
        if a.get_object().get("/FT") == "/Sig"
    ]
    assert len(boxes) == len(loaded.content.partners)
    for (page, (x0, y0, _x1, y1)), (label_page, (_, ly0, lx1, _)) in zip(boxes, labels[1:], strict=True):
        assert page == label_page
        assert x0 > lx1 and y0 < ly0 < y1
