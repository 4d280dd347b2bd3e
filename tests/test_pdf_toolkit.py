"""The PDF toolkit: HTML → tagged PDF with empty, tagged, signable signature fields."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from masa_docs.pdfcheck import check_pdf, signature_field_names
from masa_docs.render import pdf as pdfmod
from masa_docs.render.pdf import (
    PdfMeta,
    RenderedPdf,
    SignatureSlot,
    add_signature_fields,
    finalise_pdf,
    html_to_pdf,
    pdf_date,
    pdf_text_pages,
)

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "partnership.html"
MM = 72 / 25.4

META = PdfMeta(
    title="Northmere Safeguarding Children Partnership: arrangements",
    lang="en-GB",
    created=dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC),
    identity="sha256:0123abcd|arrangements",
    author="Northmere Safeguarding Children Partnership",
    subject="Multi-agency safeguarding arrangements",
    keywords=("safeguarding", "Northmere"),
)
SLOTS = (
    SignatureSlot("sig-a", "Signature of Jane Doe, Chief Executive, Northmere Council"),
    SignatureSlot("sig-b", "Signature of Sam Roe, Chief Constable, Northmere Police"),
)


@pytest.fixture(scope="module")
def html() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rendered(html: str) -> RenderedPdf:
    return html_to_pdf(html, meta=META, signature_slots=SLOTS)


@pytest.fixture(scope="module")
def plain(html: str) -> bytes:
    """The same document without signature fields (stands in for a PDF made elsewhere)."""
    return html_to_pdf(html, meta=META).data


def _widgets(data: bytes) -> dict[str, tuple[int, pikepdf.Dictionary, pikepdf.Pdf]]:
    doc = pikepdf.open(io.BytesIO(data))
    found = {}
    for index, page in enumerate(doc.pages):
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/Widget":
                found[str(annot.T)] = (index, annot, doc)
    return found


def _rect(annot: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


# --- import cost ---------------------------------------------------------------------


def test_importing_the_module_does_not_import_weasyprint_or_pyhanko() -> None:
    code = (
        "import sys, masa_docs.render.pdf, masa_docs.pdfcheck\n"
        "heavy = [m for m in ('weasyprint', 'pyhanko', 'pikepdf', 'pypdf') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_making_fields_does_not_import_pyhanko() -> None:
    """The fields are made with pikepdf in the pass that tags them: pyHanko (0.4 s to import)
    is only for signing."""
    code = (
        "import sys, datetime as dt\n"
        "from masa_docs.render.pdf import PdfMeta, SignatureSlot, html_to_pdf\n"
        'page = \'<html lang="en"><title>t</title><body><div id="sig-a" '
        'style="width: 60mm; height: 20mm"></div></body></html>\'\n'
        "meta = PdfMeta('t', 'en', dt.datetime(2024, 1, 1), 'x')\n"
        "out = html_to_pdf(page, meta=meta, signature_slots=[SignatureSlot('sig-a', 'Signature')])\n"
        "assert 'pyhanko' not in sys.modules\n"
        "from masa_docs.pdfcheck import signature_field_names\n"
        "assert signature_field_names(out.data) == ['sig-a']\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- the rendered document ---------------------------------------------------------


def test_page_count_matches_the_file(rendered: RenderedPdf) -> None:
    assert rendered.page_count == 2  # the signatures section starts a new page
    assert len(PdfReader(io.BytesIO(rendered.data)).pages) == 2


def test_two_named_signature_fields(rendered: RenderedPdf) -> None:
    assert signature_field_names(rendered.data) == ["sig-a", "sig-b"]
    fields = PdfReader(io.BytesIO(rendered.data)).get_fields()
    assert fields is not None
    assert {name: f.get("/FT") for name, f in fields.items()} == {"sig-a": "/Sig", "sig-b": "/Sig"}
    assert all(f.get("/V") is None for f in fields.values())  # empty, ready to sign


def test_field_rects_are_the_css_boxes(rendered: RenderedPdf) -> None:
    widgets = _widgets(rendered.data)
    for name in ("sig-a", "sig-b"):
        page_index, annot, doc = widgets[name]
        assert page_index == 1
        x1, y1, x2, y2 = _rect(annot)
        # 70 mm × 20 mm plus a 1 px border, shrunk to whole points: within 2 pt.
        assert abs((x2 - x1) - 70 * MM) <= 2, (name, x2 - x1)
        assert abs((y2 - y1) - 20 * MM) <= 2, (name, y2 - y1)
        _, my1, mx2, my2 = (float(v) for v in doc.pages[page_index].mediabox)
        # Inside the page's 20 mm margins.
        assert x1 >= 20 * MM - 1 and x2 <= mx2 - 20 * MM and my1 < y1 and y2 <= my2 - 20 * MM
    a, b = _rect(widgets["sig-a"][1]), _rect(widgets["sig-b"][1])
    assert a[1] > b[3], "sig-a comes before (above) sig-b"


@pytest.mark.client
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_field_rect_contains_the_text_of_its_box(rendered: RenderedPdf) -> None:
    """Independent of the implementation: poppler says where the box's own text is."""
    bbox = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-bbox", "-", "-"],
        input=rendered.data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    page_h = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', bbox).group(1))
    word = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Boxmarker<', bbox
    )
    assert word, bbox
    wx1, wy1, wx2, wy2 = (float(v) for v in word.groups())
    widgets = _widgets(rendered.data)  # keep the pikepdf.Pdf alive while reading
    x1, y1, x2, y2 = _rect(widgets["sig-b"][1])
    assert x1 <= wx1 and wx2 <= x2
    assert y1 <= page_h - wy2 and page_h - wy1 <= y2
    a = _rect(widgets["sig-a"][1])
    assert not (a[0] <= wx1 and wx2 <= a[2] and a[1] <= page_h - wy2 <= a[3])


def test_widgets_are_tagged_inside_their_boxes(rendered: RenderedPdf) -> None:
    doc = pikepdf.open(io.BytesIO(rendered.data))
    struct_root = doc.Root.StructTreeRoot
    parent_tree = pikepdf.NumberTree(struct_root.ParentTree)
    for slot in SLOTS:
        page_index = _widgets(rendered.data)[slot.field_name][0]
        page = doc.pages[page_index].obj
        widget = next(a for a in page.Annots if a.get("/T") == slot.field_name)
        assert str(widget.TU) == slot.tooltip
        assert page.Tabs == "/S"
        form = parent_tree[int(widget.StructParent)]
        assert form.S == "/Form"
        assert [k.Type for k in form.K] == ["/OBJR"]
        assert form.K[0].Obj.objgen == widget.objgen
        # The /Form element sits in the element of the slot's HTML box, a /Div in the tree.
        assert form.P.S == "/Div"
        assert any(k.objgen == form.objgen for k in form.P.K if isinstance(k, pikepdf.Dictionary))
        node, depth = form.P, 0
        while node.get("/Type") != "/StructTreeRoot" and depth < 20:
            node, depth = node.P, depth + 1
        assert node.objgen == struct_root.objgen
    assert int(struct_root.ParentTreeNextKey) == max(parent_tree.keys()) + 1
    assert doc.Root.MarkInfo.Marked is True


def test_no_marker_links_are_left(rendered: RenderedPdf) -> None:
    assert b"masa-sig:" not in pikepdf.open(io.BytesIO(rendered.data)).Root.StructTreeRoot.unparse(
        resolved=True
    )
    for page in pikepdf.open(io.BytesIO(rendered.data)).pages:
        for annot in page.obj.get("/Annots", []):
            assert not str(annot.get("/A", {}).get("/URI", "")).startswith("masa-sig:")


def test_rendered_pdf_passes_the_checker(rendered: RenderedPdf) -> None:
    assert check_pdf(rendered.data) == []


def test_single_clean_revision(rendered: RenderedPdf) -> None:
    assert rendered.data.count(b"%%EOF") == 1
    assert rendered.data.startswith(b"%PDF-1.7")


# --- determinism and metadata --------------------------------------------------------


def test_render_is_byte_identical(html: str, rendered: RenderedPdf) -> None:
    again = html_to_pdf(html, meta=META, signature_slots=SLOTS)
    assert again.data == rendered.data


def test_metadata_comes_from_meta_not_the_clock(rendered: RenderedPdf) -> None:
    doc = pikepdf.open(io.BytesIO(rendered.data))
    info = doc.docinfo
    assert str(info.Title) == META.title
    assert str(info.Author) == META.author
    assert str(info.CreationDate) == str(info.ModDate) == "D:20240301093000+00'00'"
    assert str(doc.Root.Lang) == "en-GB"
    assert doc.Root.ViewerPreferences.DisplayDocTitle is True
    assert bytes(doc.trailer.ID[0]) == hashlib.sha256(META.identity.encode()).digest()[:16]
    xmp = doc.open_metadata()
    assert xmp["dc:title"] == META.title
    assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2024-03-01T09:30:00+00:00"
    assert xmp["pdfuaid:part"] == "1"
    today = dt.datetime.now(dt.UTC)
    xmp_text = doc.Root.Metadata.read_bytes().decode()
    for stamp in (f"{today:%Y-%m-%d}", f"{today:%Y%m%d}"):
        assert stamp not in xmp_text
        assert all(stamp not in str(info[k]) for k in info.keys())  # noqa: SIM118 - pikepdf 9 has no .values()


def test_identity_sets_the_first_id_element(html: str, rendered: RenderedPdf) -> None:
    other = html_to_pdf(
        html, meta=PdfMeta(META.title, META.lang, META.created, "other"), signature_slots=SLOTS
    )
    ids = [pikepdf.open(io.BytesIO(d)).trailer.ID for d in (rendered.data, other.data)]
    assert bytes(ids[0][0]) != bytes(ids[1][0])


def test_pdf_date_formats() -> None:
    assert pdf_date(dt.datetime(2024, 3, 1, 9, 30)) == "D:20240301093000+00'00'"
    bst = dt.timezone(dt.timedelta(hours=1))
    assert pdf_date(dt.datetime(2024, 7, 1, 9, 30, tzinfo=bst)) == "D:20240701093000+01'00'"


def test_finalise_is_stable_whatever_the_input_dates_and_id(plain: bytes) -> None:
    """Like LibreOffice output: every run has a new /ID and new dates."""
    variants = []
    for n in range(2):
        doc = pikepdf.open(io.BytesIO(plain))
        doc.trailer.ID = pikepdf.Array([pikepdf.String(bytes([n]) * 16)] * 2)
        doc.docinfo.ModDate = f"D:2099010{n + 1}000000Z"
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["xmp:ModifyDate"] = f"2099-01-0{n + 1}T00:00:00Z"
        buf = io.BytesIO()
        doc.save(buf)
        variants.append(finalise_pdf(buf.getvalue(), META))
    assert variants[0] == variants[1]
    assert check_pdf(variants[0]) == []


# --- slot errors -------------------------------------------------------------------


def test_a_slot_missing_from_the_html_is_an_error(html: str) -> None:
    with pytest.raises(ValueError, match="sig-missing"):
        html_to_pdf(html, meta=META, signature_slots=[*SLOTS, SignatureSlot("sig-missing", "Signature")])


@pytest.mark.parametrize(
    ("slots", "match"),
    [
        ([SLOTS[0], SLOTS[0]], "more than once"),
        ([SignatureSlot("sig.a", "x")], "without dots"),
        ([SignatureSlot("sig-a", "  ")], "tooltip"),
    ],
)
def test_invalid_slots_are_errors(html: str, slots: list[SignatureSlot], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        html_to_pdf(html, meta=META, signature_slots=slots)


def test_a_box_without_size_is_an_error() -> None:
    page = '<html lang="en-GB"><title>t</title><body><p>x</p><span id="sig-z"></span></body></html>'
    with pytest.raises(ValueError, match=r"sig-z.*no area"):
        html_to_pdf(page, meta=META, signature_slots=[SignatureSlot("sig-z", "Signature")])


# --- PDFs made elsewhere -----------------------------------------------------------


def test_add_signature_fields_to_an_existing_pdf(plain: bytes) -> None:
    slot = SignatureSlot("sig-lo", "Signature of the independent scrutineer")
    rect = (100.0, 100.0, 300.5, 160.2)
    out = add_signature_fields(plain, [(slot, 1, rect)], meta=META)
    assert signature_field_names(out) == ["sig-lo"]
    page_index, widget, doc = _widgets(out)["sig-lo"]
    assert page_index == 1
    x1, y1, x2, y2 = _rect(widget)
    assert rect[0] <= x1 < x2 <= rect[2] and rect[1] <= y1 < y2 <= rect[3]
    form = pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)[int(widget.StructParent)]
    assert form.S == "/Form" and form.P.S == "/Document"
    assert check_pdf(out) == []
    assert add_signature_fields(plain, [(slot, 1, rect)], meta=META) == out


def test_add_signature_fields_rejects_a_bad_page_or_a_taken_name(plain: bytes, rendered: RenderedPdf) -> None:
    slot = SignatureSlot("sig-lo", "Signature")
    with pytest.raises(ValueError, match="page index 5"):
        add_signature_fields(plain, [(slot, 5, (0, 0, 100, 50))], meta=META)
    with pytest.raises(ValueError, match="already has a field"):
        add_signature_fields(rendered.data, [(SLOTS[0], 0, (0, 0, 100, 50))], meta=META)


def test_the_fields_are_the_ones_pyhanko_makes(plain: bytes) -> None:
    """The field objects are those of pyHanko's ``append_signature_field`` (which made them
    before): same keys and values, the widget in the page's /Annots, /SigFlags 1. Only the
    tagging (/TU, /StructParent) is ours on top."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    slot = SignatureSlot("sig-lo", "Signature of the independent scrutineer")
    ours = add_signature_fields(plain, [(slot, 1, (100, 100, 300, 160))], meta=META)
    writer = IncrementalPdfFileWriter(io.BytesIO(plain))
    append_signature_field(writer, SigFieldSpec("sig-lo", on_page=1, box=(100, 100, 300, 160)))
    buf = io.BytesIO()
    writer.write(buf)

    def plain_value(value: object) -> object:
        return value.unparse() if isinstance(value, pikepdf.Object) else value

    def field(data: bytes) -> tuple[dict[str, object], dict[str, object], bytes, int, bool]:
        doc = pikepdf.open(io.BytesIO(data))
        (made,) = list(doc.Root.AcroForm.Fields)
        keys = {
            k: plain_value(made[k])
            for k in made.keys()  # noqa: SIM118 - pikepdf objects
            if k not in ("/AP", "/P", "/TU", "/StructParent")
        }
        appearance = made.AP.N
        stream_keys = {
            k: plain_value(appearance[k])
            for k in appearance.keys()  # noqa: SIM118 - pikepdf objects
            if k not in ("/Length", "/Filter", "/DecodeParms")  # how it is stored
        }
        page = doc.pages[1].obj
        placed = made.P.objgen == page.objgen and any(a.objgen == made.objgen for a in page.Annots)
        return keys, stream_keys, appearance.read_bytes(), int(doc.Root.AcroForm.SigFlags), placed

    theirs = field(buf.getvalue())
    mine = field(ours)
    assert mine == theirs
    assert mine[4] is True and mine[0]["/FT"] == b"/Sig" and mine[0]["/F"] == 132


def test_fields_in_an_untagged_pdf_are_added_but_the_checker_says_so() -> None:
    doc = pikepdf.new()
    doc.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    doc.save(buf)
    out = add_signature_fields(buf.getvalue(), [(SLOTS[0], 0, (50, 50, 250, 110))], meta=META)
    assert signature_field_names(out) == ["sig-a"]
    codes = {p.code for p in check_pdf(out)}
    assert "no-struct-tree" in codes and "widget-no-tu" not in codes


LO_HTML = """<html lang="en-GB"><head><meta charset="utf-8"><title>Agreement</title></head>
<body><h1>Agreement</h1><p>See <a href="https://www.example.org/">the website</a>.</p>
<table><tr><th>Partner</th><th>Lead</th></tr><tr><td>Council</td><td>Jane Doe</td></tr></table>
</body></html>"""
LO_EXPORT = (
    'pdf:writer_pdf_Export:{"PDFUACompliance":{"type":"boolean","value":"true"},'
    '"SelectPdfVersion":{"type":"long","value":"3"}}'
)


@pytest.mark.client
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_fields_on_a_libreoffice_pdf_are_tagged_and_stable(tmp_path: Path) -> None:
    """A real LibreOffice PDF/UA export (new /ID and dates on every run) gets fields."""
    source = tmp_path / "agreement.html"
    source.write_text(LO_HTML, encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--infilter=HTML (StarWriter)",
            "--convert-to",
            LO_EXPORT,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    made = (tmp_path / "agreement.pdf").read_bytes()
    slot = SignatureSlot("sig-lo", "Signature of Jane Doe, Chief Executive, Northmere Council")
    placement = [(slot, 0, (72.0, 100.0, 272.0, 160.0))]
    out = add_signature_fields(made, placement, meta=META)
    assert signature_field_names(out) == ["sig-lo"]
    assert check_pdf(out) == []  # includes /Tabs /S, which LibreOffice leaves out
    assert add_signature_fields(made, placement, meta=META) == out


# --- text ------------------------------------------------------------------------------


def test_pdf_text_pages(rendered: RenderedPdf) -> None:
    pages = pdf_text_pages(rendered.data)
    assert len(pages) == 2
    assert "Safeguarding arrangements" in pages[0] and "Signatures" not in pages[0]
    assert "Signatures" in pages[1] and "Boxmarker" in pages[1]


def test_pdf_text_pages_without_poppler(rendered: RenderedPdf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None)
    pages = pdf_text_pages(rendered.data)
    assert len(pages) == 2
    assert "Safeguarding arrangements" in pages[0]
    assert "Signatures" in pages[1]


# --- signing -----------------------------------------------------------------------


def test_a_field_can_really_be_signed_and_validates(rendered: RenderedPdf, tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jane Doe (test)")])
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    signer = signers.SimpleSigner.load(str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"))
    writer = IncrementalPdfFileWriter(io.BytesIO(rendered.data))
    signed = signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name="sig-a"), signer=signer
    ).getvalue()

    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert [s.field_name for s in embedded] == ["sig-a"]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(tmp_path / "cert.pem"))])
    status = validate_pdf_signature(embedded[0], context)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    # The other field stays empty and signable; the structure is untouched by signing.
    assert signature_field_names(signed) == ["sig-a", "sig-b"]
    assert {p.code for p in check_pdf(signed)} <= {"font-not-embedded"}
