"""Covers a partnership would publish (issue 14 item 4): the partnership's colour and the
partners' logos, checked when the content loads and shown on the HTML, PDF and Word covers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from PIL import Image

from conftest import copy_content, insert_after
from masa_docs.brand import contrast_ratio
from masa_docs.errors import ContentError
from masa_docs.load import load_content
from masa_docs.render import RenderRequest, render
from masa_docs.render.context import document_meta, format_date

ANCHOR = "language: en-GB\n"


def _png(width: int = 240, height: int = 96, colour: str = "#1d4f91") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def _with(make_content: Callable[..., Path], tmp_path: Path, yaml: str, files: dict[str, bytes]) -> Path:
    edits: dict[str, object] = {"partnership.yaml": insert_after(ANCHOR, yaml)}
    edits.update(files)
    return make_content(tmp_path, edits=edits)


def _problems(root: Path) -> list[tuple[str, str, int | None]]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return [(d.field_path, d.message, d.line) for d in info.value.diagnostics]


def test_contrast_ratio_follows_wcag() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#1d4f91", "#ffffff"), 1) == 8.1
    assert contrast_ratio("#ffdd00", "#ffffff") < 1.5


def test_a_colour_too_light_for_white_text_is_an_error_at_its_line(
    make_content: Callable[..., Path], tmp_path: Path
) -> None:
    root = _with(make_content, tmp_path, "colour: '#7fb2e5'\n", {})
    ((path, message, line),) = _problems(root)
    assert path == "colour"
    assert "contrast of 2.2:1" in message and "4.5:1" in message
    text = (root / "partnership.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[line - 1].startswith("colour:")


def test_a_colour_must_be_hex(make_content: Callable[..., Path], tmp_path: Path) -> None:
    root = _with(make_content, tmp_path, "colour: navy\n", {})
    assert [p for p, _, _ in _problems(root)] == ["colour"]


@pytest.mark.parametrize(
    ("file", "data", "expected"),
    [
        ("../outside.png", None, "inside the content folder"),
        ("/etc/passwd", None, "inside the content folder"),
        ("logos/missing.png", None, "not found"),
        ("logos/text.png", b"not a picture at all", "PNG or JPEG"),
        ("logos/tiny.png", _png(8, 8), "between 32 and 4000 pixels"),
        ("logos/broken.png", _png()[:40], "cannot be read"),
    ],
)
def test_bad_logos_are_errors_at_their_file_field(
    make_content: Callable[..., Path], tmp_path: Path, file: str, data: bytes | None, expected: str
) -> None:
    files = {file: data} if data is not None else {}
    (tmp_path / "outside.png").write_bytes(_png())
    root = _with(make_content, tmp_path, f"logos:\n  - file: {file}\n    alt: Council\n", files)
    problems = _problems(root)
    assert [(p, expected in m) for p, m, _ in problems] == [("logos[0].file", True)], problems


def test_a_logo_needs_alt_text(make_content: Callable[..., Path], tmp_path: Path) -> None:
    root = _with(make_content, tmp_path, "logos:\n  - file: logos/a.png\n", {"logos/a.png": _png()})
    assert [p for p, _, _ in _problems(root)] == ["logos[0].alt"]


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("branded") / "content"
    yaml = (
        "colour: '#5a2d82'\n"
        "logos:\n"
        "  - file: logos/northmere.png\n    alt: Northmere Borough Council\n"
        "  - file: logos/police.jpg\n    alt: Northmere Constabulary\n"
    )
    jpeg = io.BytesIO()
    Image.new("RGB", (300, 120), "#002855").save(jpeg, format="JPEG")
    return copy_content(
        root,
        {
            "partnership.yaml": insert_after(ANCHOR, yaml),
            "logos/northmere.png": _png(),
            "logos/police.jpg": jpeg.getvalue(),
        },
    )


def test_the_html_cover_shows_the_colour_and_the_logos_as_data_urls(branded: Path) -> None:
    loaded = load_content(branded)
    html = render(loaded, RenderRequest("threshold", "html")).data.decode()
    cover = html[html.index('<header class="cover') : html.index("</header>")]
    assert 'style="background-color: #5a2d82' in cover
    assert cover.count("<img ") == 2
    assert 'src="data:image/png;base64,' in cover and 'src="data:image/jpeg;base64,' in cover
    assert 'alt="Northmere Borough Council"' in cover and 'alt="Northmere Constabulary"' in cover
    assert "http" not in cover.split("<img", 1)[1]  # nothing for WeasyPrint to fetch


def test_the_word_cover_has_the_logos_with_alt_text(branded: Path) -> None:
    loaded = load_content(branded)
    data = render(loaded, RenderRequest("threshold", "docx")).data
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'descr="Northmere Borough Council"' in body and 'descr="Northmere Constabulary"' in body


def test_the_word_copy_cover_band_is_in_the_colour_with_white_text(branded: Path) -> None:
    loaded = load_content(branded)
    data = render(loaded, RenderRequest("threshold", "docx")).data
    band = docx.Document(io.BytesIO(data)).paragraphs[0]
    assert band.text == loaded.content.partnership.name
    assert band._p.xpath("string(./w:pPr/w:shd/@w:fill)") == "5A2D82"
    assert {str(r.font.color.rgb) for r in band.runs} == {"FFFFFF"}


def test_the_agreement_cover_has_the_band_the_logos_and_the_facts(branded: Path) -> None:
    loaded = load_content(branded)
    data = render(loaded, RenderRequest("agreement", "docx")).data
    document = docx.Document(io.BytesIO(data))
    cover: list[str] = []
    for p in document.paragraphs:
        if p.paragraph_format.page_break_before:
            break
        cover.append(p.text)
    band = document.paragraphs[0]
    assert band.text == loaded.content.partnership.name
    assert band._p.xpath("string(./w:pPr/w:shd/@w:fill)") == "5A2D82"
    pictures = document.paragraphs[1]._p.xpath(".//wp:docPr/@descr")
    assert pictures == ["Northmere Borough Council", "Northmere Constabulary"]
    assert cover[2] == loaded.content.agreement.title
    assert any(t.startswith("Version: ") and ", dated " in t for t in cover)
    assert any(t.startswith("Status: ") for t in cover)
    assert "THIS AGREEMENT" in document.paragraphs[len(cover)].text  # the agreement starts overleaf


@pytest.mark.parametrize("doc", ["arrangements-summary", "yearly-report-easy-read"])
def test_the_easy_read_cover_has_the_band_the_logos_version_and_date(branded: Path, doc: str) -> None:
    loaded = load_content(branded)
    html = render(loaded, RenderRequest(doc, "html")).data.decode()
    cover = html[html.index('<header class="cover') : html.index("</header>")]
    assert 'class="cover-band" style="background-color: #5a2d82' in cover
    assert 'alt="Northmere Borough Council"' in cover and 'alt="Northmere Constabulary"' in cover
    meta = document_meta(loaded, doc)
    assert f"Dated {format_date(meta.date)}." in cover
    assert (f"For the year {meta.period}." if meta.spec.periodic else f"{meta.version}</span>.") in cover


def test_a_logo_is_part_of_the_fingerprint(branded: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(branded, copy)
    before = load_content(copy).fingerprint
    (copy / "logos" / "northmere.png").write_bytes(_png(colour="#00703c"))
    assert load_content(copy).fingerprint != before


def test_running_title_and_version_wording(example) -> None:  # type: ignore[no-untyped-def]
    threshold = document_meta(example, "threshold")
    assert threshold.running_title == "Continuum of Need"
    assert threshold.titled_version == f"{threshold.title}, version {threshold.version}"
    report = document_meta(example, "yearly-report")
    assert report.titled_version == report.title == f"Yearly report {report.period}"


def test_a_logo_replaced_under_the_same_name_rebuilds_every_output_the_agreement_too(
    make_content: Callable[..., Path], tmp_path: Path
) -> None:
    """The agreement's cover draws the logos too (cover_band()): its recorded inputs change when
    a logo file is replaced, although no YAML or Markdown file (its fingerprint) changed."""
    from masa_docs.publish import output_inputs, plan, tool_digest

    yaml = "logos:\n  - file: logos/a.png\n    alt: Council\n"
    root = _with(make_content, tmp_path, yaml, {"logos/a.png": _png()})

    def inputs() -> dict[tuple[str, str], str]:
        loaded = load_content(root)
        requests, metas = plan(loaded, ["agreement", "threshold"], ["docx"])
        from masa_docs.publish import output_stem

        return {
            (r.doc, r.fmt): output_inputs(loaded, r, metas[output_stem(r)], "t", tool_digest())
            for r in requests
        }

    before = inputs()
    (root / "logos" / "a.png").write_bytes(_png(colour="#8a1538"))
    after = inputs()
    assert set(before) == {("agreement", "docx"), ("threshold", "docx")}
    assert all(after[k] != before[k] for k in before)


def test_upgrading_a_rendering_library_rebuilds_everything() -> None:
    from importlib.metadata import version

    from masa_docs.publish import tool_digest

    digest = tool_digest()
    for name in ("weasyprint", "matplotlib", "python-docx", "pikepdf"):
        assert f"{name}={version(name)}" in digest
