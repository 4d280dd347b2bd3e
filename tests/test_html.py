"""The HTML pages: snapshots (the reviewable artefact), structure, landmarks and sign-off state.

The example partnership is rendered once per module. Snapshots leave out the inlined
stylesheet (it is a file of its own) so they show the document, not the CSS.
"""

from __future__ import annotations

import itertools
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from ruamel.yaml import YAML

from masa_docs.errors import MasaError
from masa_docs.example import example_dir
from masa_docs.load import document_fingerprint, load_content
from masa_docs.outline import outline
from masa_docs.render import RenderRequest
from masa_docs.render.html import HTML_DOCUMENTS, environment, render_document, render_html

# ------------------------------------------------------------------ helpers


class Page(HTMLParser):
    """A small DOM summary of a page: elements in order with attributes and text."""

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input", "col", "area", "base", "source", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], int]] = []  # (tag, attrs, depth)
        self.stack: list[tuple[str, int]] = []  # (tag, element index)
        self.text: dict[int, list[str]] = {}
        self.lang: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        index = len(self.elements)
        self.elements.append((tag, dict(attrs), len(self.stack)))
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag not in self.VOID:
            self.stack.append((tag, index))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, index in self.stack:
            self.text.setdefault(index, []).append(data)

    def find(self, tag: str, **attrs: str) -> list[int]:
        return [
            i
            for i, (t, a, _) in enumerate(self.elements)
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def attrs(self, index: int) -> dict[str, str | None]:
        return self.elements[index][1]

    def text_of(self, index: int) -> str:
        return " ".join("".join(self.text.get(index, [])).split())

    def children(self, index: int, tag: str | None = None) -> list[int]:
        depth = self.elements[index][2]
        out = []
        for j in range(index + 1, len(self.elements)):
            t, _, d = self.elements[j]
            if d <= depth:
                break
            if d == depth + 1 and (tag is None or t == tag):
                out.append(j)
        return out

    def descendants(self, index: int, tag: str | None = None) -> list[int]:
        depth = self.elements[index][2]
        out = []
        for j in range(index + 1, len(self.elements)):
            t, _, d = self.elements[j]
            if d <= depth:
                break
            if tag is None or t == tag:
                out.append(j)
        return out


def without_style(html: str) -> str:
    """The page without its stylesheet, and each chart as what it says (its name, description and
    labels) rather than matplotlib's path coordinates, which change between matplotlib releases;
    the charts themselves are tested in test_charts.py."""
    html = re.sub(r"<style>.*?</style>", "<style>/* templates/html/style.css */</style>", html, flags=re.S)
    return re.sub(r"<svg\b.*?</svg>", _chart_says, html, flags=re.S)


def _chart_says(match: re.Match[str]) -> str:
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(match.group())
    labels = " | ".join("".join(t.itertext()) for t in root.iter(f"{ns}text"))
    attrs = " ".join(f'{k}="{root.get(k)}"' for k in ("id", "role", "aria-labelledby"))
    return (
        f"<svg {attrs}>"
        f"<title>{root.findtext(f'{ns}title')}</title><desc>{root.findtext(f'{ns}desc')}</desc>"
        f"<!-- labels: {labels} --></svg>"
    )


def copy_example(dest: Path) -> Path:
    shutil.copytree(example_dir(), dest)
    return dest


def sign_everything(content: Path) -> None:
    """Record every LSP's signature on every document (and the latest yearly report)."""
    loaded = load_content(content)
    c = loaded.content
    day = "2025-06-30"

    def entries(doc: str, period: str | None = None) -> list[dict[str, str]]:
        fp = document_fingerprint(loaded, doc, period)
        return [{"partner": p.id, "signed_on": day, "fingerprint": fp} for p in c.partners]

    data: dict[str, object] = {d: entries(d) for d in ("arrangements", "agreement", "threshold")}
    if c.latest_period:
        data["yearly_report"] = {c.latest_period: entries("yearly-report", c.latest_period)}
    yaml = YAML()
    with open(content / "signatures.yaml", "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def loaded():
    return load_content(example_dir())


@pytest.fixture(scope="module")
def pages(loaded) -> dict[str, str]:
    return {doc: render_html(loaded, RenderRequest(doc, "html")) for doc in HTML_DOCUMENTS}


@pytest.fixture(scope="module")
def unsigned_pages(tmp_path_factory) -> dict[str, str]:
    content = copy_example(tmp_path_factory.mktemp("unsigned") / "content")
    (content / "signatures.yaml").unlink(missing_ok=True)
    unsigned = load_content(content)
    return {doc: render_html(unsigned, RenderRequest(doc, "html")) for doc in HTML_DOCUMENTS}


@pytest.fixture(scope="module")
def signed_pages(tmp_path_factory) -> dict[str, str]:
    content = copy_example(tmp_path_factory.mktemp("signed") / "content")
    sign_everything(content)
    signed = load_content(content)
    return {doc: render_html(signed, RenderRequest(doc, "html")) for doc in HTML_DOCUMENTS}


# ------------------------------------------------------------------ snapshots


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_html_snapshot(pages, doc, snapshot):
    assert without_style(pages[doc]) == snapshot


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_sections_are_the_documents_sections_in_order(pages, doc, loaded):
    page = Page(pages[doc])
    (main,) = page.find("main")
    ids = [page.attrs(i)["id"] for i in page.children(main, "section")]
    assert ids == [s.id for s in outline(loaded.content, doc).sections]


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_each_section_is_labelled_by_its_h2(pages, doc, loaded):
    page = Page(pages[doc])
    for section in outline(loaded.content, doc).sections:
        (i,) = page.find("section", id=section.id)
        label = page.attrs(i)["aria-labelledby"]
        first = page.descendants(i)[0]
        assert page.elements[first][0] == "h2"
        assert page.attrs(first)["id"] == label
        assert page.text_of(first) == section.title


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_table_of_contents_links_every_section(pages, doc, loaded):
    page = Page(pages[doc])
    (nav,) = page.find("nav")
    assert page.attrs(nav).get("aria-labelledby") or page.attrs(nav).get("aria-label")
    links = page.descendants(nav, "a")
    sections = outline(loaded.content, doc).sections
    assert [page.attrs(a)["href"] for a in links] == [f"#{s.id}" for s in sections]
    assert [page.text_of(a) for a in links] == [s.title for s in sections]


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_landmarks_language_and_skip_link(pages, doc, loaded):
    page = Page(pages[doc])
    assert page.lang == loaded.content.partnership.language
    assert len(page.find("main")) == 1
    assert len(page.find("header")) == 1
    assert len(page.find("footer")) == 1
    assert len(page.find("nav")) == 1
    first_link = page.find("a")[0]
    assert page.attrs(first_link)["href"] == "#main"
    assert page.attrs(page.find("main")[0])["id"] == "main"
    assert len(page.find("h1")) == 1
    assert page.text_of(page.find("title")[0]).endswith(loaded.content.partnership.name)


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_headings_never_skip_a_level(pages, doc):
    page = Page(pages[doc])
    levels = [int(t[1]) for t, _, _ in page.elements if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} is followed by h{after}"


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_tables_have_captions_and_scoped_headers(pages, doc):
    page = Page(pages[doc])
    tables = page.find("table")
    assert tables
    for t in tables:
        inside = page.descendants(t)
        assert page.elements[inside[0]][0] == "caption", "caption must be the first child"
        assert page.text_of(inside[0])
        headers = [i for i in inside if page.elements[i][0] == "th"]
        assert headers
        for th in headers:
            assert page.attrs(th).get("scope") in ("col", "row")


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_links_have_text_and_safe_targets_and_ids_are_unique(pages, doc):
    page = Page(pages[doc])
    for a in page.find("a"):
        href = page.attrs(a).get("href") or ""
        assert page.text_of(a), f"empty link to {href}"
        assert re.match(r"(https?:|mailto:|#|[a-z0-9-]+\.html$)", href), href
        if href.startswith("#"):
            assert page.find("section", id=href[1:]) or [
                i for i, (_, at, _) in enumerate(page.elements) if at.get("id") == href[1:]
            ], f"link to missing {href}"
    ids = [a["id"] for _, a, _ in page.elements if a.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_one_signature_box_per_lsp_and_the_fingerprint(pages, doc, loaded):
    page = Page(pages[doc])
    (signoff,) = page.find("section", id="sign-off")
    boxes = [
        i for i in page.descendants(signoff, "div") if "signature-box" in (page.attrs(i).get("class") or "")
    ]
    assert [page.attrs(b)["id"] for b in boxes] == [f"sig-{p.id}" for p in loaded.content.partners]
    text = page.text_of(signoff)
    for p in loaded.content.partners:
        assert p.lsp.name in text
        assert p.legal_name in text
    fingerprint = document_fingerprint(
        loaded, doc, loaded.content.latest_period if doc == "yearly-report" else None
    )
    assert fingerprint in text
    (header,) = page.find("header")
    assert fingerprint in page.text_of(header)


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_draft_until_everyone_signed_then_final(unsigned_pages, signed_pages, doc):
    unsigned, signed = Page(unsigned_pages[doc]), Page(signed_pages[doc])
    assert not unsigned.find("strong", class_="draft-flag")  # only signatures missing: for signature
    unsigned_signoff = unsigned.text_of(unsigned.find("section", id="sign-off")[0])
    # The copy for signature is what the LSPs sign: its words stay true once signed.
    assert "The date of the digital signature in this block" in unsigned_signoff
    assert "For signature." in unsigned_signoff and "Not yet signed" not in unsigned_signoff
    assert not signed.find("strong", class_="draft-flag")
    assert "DRAFT" not in without_style(signed_pages[doc])
    signoff = signed.text_of(signed.find("section", id="sign-off")[0])
    assert "Signed on 30 June 2025" in signoff
    assert "the final version is the signed copy" in signoff
    assert 'content="final"' in signed_pages[doc]


def test_threshold_matrix_is_a_real_table(pages, loaded):
    page = Page(pages["threshold"])
    (matrix,) = page.find("table", class_="matrix")
    t = loaded.content.threshold
    levels = sorted(t.levels, key=lambda lv: lv.number)
    cols = [page.text_of(i) for i in page.descendants(matrix, "th") if page.attrs(i).get("scope") == "col"]
    rows = [page.text_of(i) for i in page.descendants(matrix, "th") if page.attrs(i).get("scope") == "row"]
    assert cols == ["Domain"] + [f"Level {lv.number}: {lv.name}" for lv in levels]
    assert rows == [d.name for d in t.domains] + ["What to do"]


def test_arrangements_name_lsps_dsps_chair_and_agencies_with_reasons(pages, loaded):
    text = " ".join(Page(pages["arrangements"]).text_of(0).split())
    c = loaded.content
    for p in c.partners:
        assert p.lsp.name in text and p.dsp.name in text
    assert c.partnership.chair.name in text
    for agency in c.agencies.relevant_agencies:
        assert agency.name in text
    for area in c.partnership.areas:
        assert area.name in text


def test_unknown_period_is_a_masa_error_with_a_hint(loaded):
    latest = loaded.content.latest_period
    assert latest is not None
    typo = latest[:-1] + ("0" if latest[-1] != "0" else "1")
    with pytest.raises(MasaError) as info:
        render_document(loaded, RenderRequest("yearly-report", "html", period="1999-00"))
    assert "1999-00" in info.value.message
    assert info.value.hint
    with pytest.raises(MasaError) as info:
        render_document(loaded, RenderRequest("yearly-report", "html", period=typo))
    assert info.value.hint


def test_agreement_has_no_html_page(loaded):
    with pytest.raises(MasaError):
        render_html(loaded, RenderRequest("agreement", "html"))


def test_rendering_is_deterministic(loaded, pages):
    assert render_html(loaded, RenderRequest("threshold", "html")) == pages["threshold"]


def test_environment_is_sandboxed_strict_and_escaping():
    env = environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env.undefined is StrictUndefined
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert "markdown" in env.filters
