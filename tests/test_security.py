"""Content is data, never code: hostile content comes out as text, never as markup or evaluated.

The example is copied and seeded with script tags, Jinja expressions, ``javascript:`` links
and raw HTML — in plain YAML values (names, an e-mail address, a URL) and in Markdown narrative —
then rendered; the templates run in Jinja's sandbox.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from ruamel.yaml import YAML

from masa_docs.example import example_dir
from masa_docs.load import load_content
from masa_docs.render import RenderRequest
from masa_docs.render.html import HTML_DOCUMENTS, environment, markdown_filter, render_html

SEVEN = "Sev {{ 7*7 }} en"
RAW = "Raw {% raw %} end"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'

NARRATIVE = f"""\
# Heading {SCRIPT}

Paragraph with {SEVEN} and {RAW} and {IMG}.

{SCRIPT}

<div onclick="alert(3)">raw block html</div>

[click me](javascript:alert(4)) and [also](JaVaScRiPt:alert(5)) and [tab](java\tscript:alert(6))
and <javascript:alert(7)> and ![pic](javascript:alert(8)) and [data](data:text/html,<b>x</b>)

[a safe link](https://example.org/page) and [mail](mailto:someone@example.org)
"""


def _edit(path: Path, change) -> None:
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(example_dir(), root)

    def partnership(d):
        d["name"] = f"Northmere {SCRIPT} {SEVEN}"
        d["website"] = 'https://example.org/"><script>alert(9)</script>'
        d["contact"]["email"] = 'x"onmouseover="alert(10)@example.org'
        d["summary"] = NARRATIVE

    def partners(d):
        d[0]["lsp"]["name"] = f"Jane {IMG} {SEVEN}"
        d[0]["legal_name"] = f"Council {RAW}"

    def governance(d):
        d["decision_making"] = NARRATIVE

    def threshold(d):
        d["emergency"] = f"Call 999 {SCRIPT} {SEVEN}"
        d["introduction"] = NARRATIVE

    _edit(root / "partnership.yaml", partnership)
    _edit(root / "partners.yaml", partners)
    _edit(root / "governance.yaml", governance)
    _edit(root / "threshold.yaml", threshold)
    for report in sorted((root / "reports").glob("*.yaml")):

        def yearly(d):
            d["summary"] = NARRATIVE
            d["education"] = f"Schools {SCRIPT} {SEVEN}"

        _edit(report, yearly)
    (root / "introduction.md").write_text(NARRATIVE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pages(hostile) -> dict[str, str]:
    loaded = load_content(hostile)
    out = {}
    for doc in HTML_DOCUMENTS:
        page = render_html(loaded, RenderRequest(doc, "html"))
        out[doc] = re.sub(r"<style>.*?</style>", "<style></style>", page, flags=re.S)
    return out


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_no_script_no_raw_html_no_event_handlers(pages, doc):
    page = pages[doc]
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "<div onclick" not in page
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, flags=re.I), "an event handler attribute"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_jinja_in_content_is_never_evaluated(pages, doc):
    page = htmllib.unescape(pages[doc])
    assert SEVEN in page
    assert "Sev 49 en" not in page
    assert RAW in page


@pytest.mark.parametrize("doc", HTML_DOCUMENTS)
def test_no_javascript_or_data_links(pages, doc):
    hrefs = [htmllib.unescape(h) for h in re.findall(r'\s(?:href|src)="([^"]*)"', pages[doc])]
    assert hrefs
    for href in hrefs:
        cleaned = "".join(ch for ch in href if ch > " ").lower()
        assert not cleaned.startswith(("javascript:", "data:", "vbscript:")), href
    assert "https://example.org/page" in hrefs  # safe links still work
    assert "mailto:someone@example.org" in hrefs


def test_attribute_values_stay_inside_their_quotes(pages):
    page = pages["arrangements"]
    assert 'href="mailto:x&#34;onmouseover=&#34;alert(10)@example.org"' in page
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;alert(9)&lt;/script&gt;"' in page


def test_markdown_filter_escapes_and_drops_unsafe_links():
    out = str(markdown_filter(NARRATIVE, 3))
    assert "<h3>Heading &lt;script&gt;alert(1)&lt;/script&gt;</h3>" in out
    assert 'href="javascript' not in out.lower()
    assert '<a href="https://example.org/page" rel="noopener noreferrer">a safe link</a>' in out


# ------------------------------------------------------------------ the sandbox


def test_the_environment_is_a_sandbox():
    assert isinstance(environment(), SandboxedEnvironment)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ x.__class__ }}",
        "{{ x.__init__.__globals__ }}",
        "{{ (1).__class__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ self.__init__.__globals__ }}",
        "{{ x.model_config.__class__ }}",
        "{{ [1].append(2) }}",
        "{{ d.update({'a': 1}) }}",
        "{{ x.__dict__ }}",
    ],
)
def test_unsafe_attribute_access_raises_security_error(source):
    from masa_docs.model.partnership import Area

    env = environment()
    with pytest.raises(SecurityError):
        env.from_string(source).render(x=Area(id="a", name="A"), d={})


def test_undefined_variables_are_errors():
    with pytest.raises(UndefinedError):
        environment().from_string("{{ nope }}").render()


def test_pdf_renderer_fetches_nothing_from_network_or_disk(tmp_path: Path) -> None:
    """An image in narrative content must not make the build reach a server or read a file:
    WeasyPrint may load only data: URLs. A loopback server counts the requests it gets."""
    import datetime as dt
    import http.server
    import threading

    from masa_docs.render.pdf import PdfMeta, html_to_pdf

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        html = (
            '<html lang="en-GB"><head><title>t</title></head><body><h1>t</h1>'
            f'<img alt="remote" src="http://127.0.0.1:{port}/tracker.png">'
            f'<img alt="local" src="{secret.as_uri()}">'
            f'<div style="background: url(http://127.0.0.1:{port}/bg.png)">x</div>'
            "</body></html>"
        )
        meta = PdfMeta(title="t", lang="en-GB", created=dt.datetime(2025, 1, 1), identity="t")
        rendered = html_to_pdf(html, meta=meta)
    finally:
        server.shutdown()
        server.server_close()
    assert rendered.page_count == 1
    assert hits == []


def test_markdown_images_never_become_img_elements() -> None:
    """Should an image reach a renderer, it prints its alt text: no reader's browser fetches it."""
    from masa_docs.markdown import to_html

    html = to_html("See ![the chart](https://tracker.example/p.png) and ![local](chart.png).")
    assert "<img" not in html
    assert "See the chart and local." in html
