"""The structural PDF/UA checker: a good file passes; each broken file fails on its own rule."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest

from masa_docs.pdfcheck import CODES, PdfProblem, check_pdf, signature_field_names
from masa_docs.render.pdf import PdfMeta, SignatureSlot, html_to_pdf

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "partnership.html"
META = PdfMeta(
    title="Northmere Safeguarding Children Partnership: arrangements",
    lang="en-GB",
    created=dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC),
    identity="sha256:0123abcd|arrangements",
)
SLOTS = (
    SignatureSlot("sig-a", "Signature of Jane Doe, Chief Executive, Northmere Council"),
    SignatureSlot("sig-b", "Signature of Sam Roe, Chief Constable, Northmere Police"),
)
BARE_HTML = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Bare</title><style>body{font-family:"Liberation Sans"}</style></head>
<body><h1>Bare</h1><p>No links, no fields.</p></body></html>"""


@pytest.fixture(scope="module")
def good() -> bytes:
    return html_to_pdf(FIXTURE.read_text(encoding="utf-8"), meta=META, signature_slots=SLOTS).data


@pytest.fixture(scope="module")
def bare() -> bytes:
    return html_to_pdf(BARE_HTML, meta=META).data


# --- helpers to break a good file ----------------------------------------------------


def _elements(doc: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    stack = [doc.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid
                stack.append(kid)


def _first(doc: pikepdf.Pdf, struct_type: str) -> pikepdf.Dictionary:
    return next(e for e in _elements(doc) if str(e.S) == struct_type)


def _widget(doc: pikepdf.Pdf, name: str = "sig-a") -> pikepdf.Dictionary:
    return next(a for p in doc.pages for a in p.obj.get("/Annots", []) if a.get("/T") == name)


def _link(doc: pikepdf.Pdf) -> pikepdf.Dictionary:
    return next(a for p in doc.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Link")


def _form_of(doc: pikepdf.Pdf, widget: pikepdf.Dictionary) -> pikepdf.Dictionary:
    return pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)[int(widget.StructParent)]


def _break(data: bytes, change: Callable[[pikepdf.Pdf], object]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as doc:
        change(doc)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _drop_font_file(doc: pikepdf.Pdf) -> None:
    fonts = doc.pages[0].Resources.Font
    font = fonts[next(iter(fonts.keys()))]  # .values() needs a newer pikepdf than the floor
    descriptor = font.DescendantFonts[0].FontDescriptor  # WeasyPrint writes Type0 fonts
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]


def _add_standard_font(doc: pikepdf.Pdf) -> None:
    doc.pages[0].Resources.Font.Helv = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )


def _drop_pdfua_id(doc: pikepdf.Pdf) -> None:
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        del xmp["pdfuaid:part"]


def _set(
    obj_getter: Callable[[pikepdf.Pdf], pikepdf.Dictionary], key: str, value: object
) -> Callable[[pikepdf.Pdf], None]:
    def change(doc: pikepdf.Pdf) -> None:
        obj_getter(doc)[key] = value

    return change


def _delete(
    obj_getter: Callable[[pikepdf.Pdf], pikepdf.Dictionary], key: str
) -> Callable[[pikepdf.Pdf], None]:
    def change(doc: pikepdf.Pdf) -> None:
        del obj_getter(doc)[key]

    return change


def _th_to_td(doc: pikepdf.Pdf) -> None:
    for element in _elements(doc):
        if element.S == "/TH":
            element.S = pikepdf.Name.TD


# (code, which base file, how to break it, the page the problem is on)
BREAKAGES: list[tuple[str, str, Callable[[pikepdf.Pdf], object], int | None]] = [
    ("no-struct-tree", "good", _delete(lambda d: d.Root, "/StructTreeRoot"), None),
    ("empty-struct-tree", "bare", _set(lambda d: d.Root.StructTreeRoot, "/K", pikepdf.Array()), None),
    ("no-parent-tree", "good", _delete(lambda d: d.Root.StructTreeRoot, "/ParentTree"), None),
    ("not-marked", "good", _set(lambda d: d.Root.MarkInfo, "/Marked", False), None),
    ("no-lang", "good", _delete(lambda d: d.Root, "/Lang"), None),
    ("no-title", "good", _delete(lambda d: d.docinfo, "/Title"), None),
    (
        "no-display-doc-title",
        "good",
        _set(lambda d: d.Root.ViewerPreferences, "/DisplayDocTitle", False),
        None,
    ),
    ("no-pdfua-id", "good", _drop_pdfua_id, None),
    ("font-not-embedded", "good", _drop_font_file, 1),
    ("font-not-embedded", "bare", _add_standard_font, 1),
    ("tabs-not-structure", "good", _delete(lambda d: d.pages[1].obj, "/Tabs"), 2),
    ("annot-no-struct-parent", "good", _delete(_widget, "/StructParent"), 2),
    ("annot-not-tagged", "good", _set(lambda d: _form_of(d, _widget(d)), "/K", pikepdf.Array()), 2),
    ("annot-parent-tree", "good", _set(_widget, "/StructParent", 999), 2),
    ("annot-wrong-tag", "good", _set(lambda d: _form_of(d, _widget(d)), "/S", pikepdf.Name.Div), 2),
    ("annot-wrong-tag", "good", _set(lambda d: _first(d, "/Link"), "/S", pikepdf.Name.Span), 1),
    ("widget-no-tu", "good", _delete(_widget, "/TU"), 2),
    ("figure-no-alt", "good", _delete(lambda d: _first(d, "/Figure"), "/Alt"), 1),
    ("table-no-th", "good", _th_to_td, 1),
]


def test_the_good_file_passes(good: bytes, bare: bytes) -> None:
    assert check_pdf(good) == []
    assert check_pdf(bare) == []


@pytest.mark.parametrize(
    ("code", "base", "change", "page"), BREAKAGES, ids=[f"{b[0]}-{i}" for i, b in enumerate(BREAKAGES)]
)
def test_each_rule_catches_its_breakage(
    code: str,
    base: str,
    change: Callable[[pikepdf.Pdf], object],
    page: int | None,
    good: bytes,
    bare: bytes,
) -> None:
    broken = _break(good if base == "good" else bare, change)
    problems = check_pdf(broken)
    assert [p.code for p in problems] == [code], problems
    assert problems[0].page == page
    if page is not None:
        assert problems[0].message.startswith(f"page {page}: ")


def test_every_code_is_exercised() -> None:
    assert {b[0] for b in BREAKAGES} | {"unreadable"} == set(CODES)


def test_unreadable_file() -> None:
    problems = check_pdf(b"this is not a PDF")
    assert [p.code for p in problems] == ["unreadable"]


def test_messages_say_what_and_where(good: bytes) -> None:
    broken = _break(good, _delete(_widget, "/TU"))
    assert check_pdf(broken) == [
        PdfProblem(
            "widget-no-tu",
            "page 2: annotation 1 (Widget sig-a) has no /TU (accessible name): give the field a tooltip",
            2,
        )
    ]
    broken = _break(good, _drop_font_file)
    (problem,) = check_pdf(broken)
    assert "Liberation" in problem.message and "not embedded" in problem.message


def test_raw_pyhanko_fields_are_flagged(bare: bytes) -> None:
    """What the stack notes measured: pyHanko's own widgets are not tagged."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(bare))
    append_signature_field(writer, SigFieldSpec("sig-raw", on_page=0, box=(50, 50, 250, 110)))
    out = io.BytesIO()
    writer.write(out)
    codes = [p.code for p in check_pdf(out.getvalue())]
    assert codes == ["widget-no-tu", "annot-no-struct-parent", "annot-not-tagged"]
    assert signature_field_names(out.getvalue()) == ["sig-raw"]


def test_signature_field_names(good: bytes, bare: bytes) -> None:
    assert signature_field_names(good) == ["sig-a", "sig-b"]
    assert signature_field_names(bare) == []
