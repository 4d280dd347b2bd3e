"""The one Markdown parser (masa_docs.markdown), with hand-written inputs and expected outputs.

Fast and exact, so that a changed rule (a scheme let through, a heading demoted past h6, an image
located on the wrong line) fails here; ``make mutation MODULE=src/masa_docs/markdown.py`` runs
these.
"""

from __future__ import annotations

import pytest

from masa_docs.markdown import SAFE_SCHEMES, images, is_safe_link, parse, to_html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a",
        "https://example.org/a",
        "HTTPS://EXAMPLE.ORG/",  # schemes are case-insensitive
        "mailto:safeguarding@example.org",
        "tel:+441234567890",
        "/reports/2025.html",
        "reports/2025.html",
        "#priorities",
        "?page=2",
        " https://example.org ",  # surrounding spaces are dropped, as browsers do
    ],
)
def test_safe_links(url: str) -> None:
    assert is_safe_link(url) is True


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",  # a tab inside the scheme
        "java\nscript:alert(1)",
        "java\x00script:alert(1)",
        "java\x7fscript:alert(1)",  # DEL is dropped too
        "java script:alert(1)",  # a space too: read as javascript:, to be safe
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org/",
        "//evil.example/path",  # protocol-relative: another host
        "\t//evil.example",
        "",
        "   ",
        "\x00\x01",
    ],
)
def test_unsafe_links(url: str) -> None:
    assert is_safe_link(url) is False


def test_the_safe_schemes_are_exactly_four() -> None:
    assert frozenset({"http", "https", "mailto", "tel"}) == SAFE_SCHEMES


def test_links_in_html() -> None:
    text = "[a](https://example.org) [b](http://example.org) [c](mailto:x@example.org) [d](/r) [e](#s)"
    assert to_html(text) == (
        '<p><a href="https://example.org" rel="noopener noreferrer">a</a> '
        '<a href="http://example.org" rel="noopener noreferrer">b</a> '
        '<a href="mailto:x@example.org">c</a> <a href="/r">d</a> <a href="#s">e</a></p>\n'
    )


@pytest.mark.parametrize(
    "url", ["//evil.example", "javascript:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd"]
)
def test_unsafe_links_are_not_links_in_html(url: str) -> None:
    out = to_html(f"[click]({url})")
    assert out == f"<p>[click]({url})</p>\n"
    assert "<a" not in out


def test_raw_html_is_text() -> None:
    assert to_html("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    assert to_html("a <b onclick=x>b</b>") == "<p>a &lt;b onclick=x&gt;b&lt;/b&gt;</p>\n"


def test_no_linkify_and_no_typographer() -> None:
    # a bare address stays text; quotes and dashes stay as typed
    assert to_html('www.example.org "q" -- (c) ...') == "<p>www.example.org &quot;q&quot; -- (c) ...</p>\n"


def test_tables_and_strikethrough_are_on() -> None:
    assert to_html("|a|b|\n|-|-|\n|1|2|\n") == (
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n"
    )
    assert to_html("~~gone~~") == "<p><s>gone</s></p>\n"


def test_headings_keep_their_level_without_an_offset() -> None:
    assert to_html("# One\n\n## Two\n\n###### Six") == "<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n"


def test_headings_are_demoted_by_the_offset() -> None:
    assert to_html("# One\n\n## Two\n\n### Three", heading_offset=2) == (
        "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n"
    )


def test_demoted_headings_never_pass_h6() -> None:
    assert to_html("# One\n\n#### Four\n\n###### Six", heading_offset=3) == (
        "<h4>One</h4>\n<h6>Four</h6>\n<h6>Six</h6>\n"
    )
    assert to_html("## Two", heading_offset=9) == "<h6>Two</h6>\n"


def test_images_become_their_alt_text() -> None:
    assert to_html("Before ![the *logo*](logo.png) after") == "<p>Before the logo after</p>\n"
    assert to_html("![a](x.png) and ![b](y.png)") == "<p>a and b</p>\n"


def test_images_are_located_by_line_and_column() -> None:
    text = "x ![a](one.png) ![b](two.png)\n\n  ![c](three.png)\n"
    assert images(text) == [(1, 3, "one.png"), (1, 17, "two.png"), (3, 3, "three.png")]


def test_images_in_a_paragraph_over_several_lines() -> None:
    text = "Intro\n\nfirst line\nsecond ![a](a.png) and\nthird ![b](b.png) ![c](c.png)\n"
    assert images(text) == [(4, 8, "a.png"), (5, 7, "b.png"), (5, 19, "c.png")]


def test_images_in_list_items_and_table_cells() -> None:
    text = "- item\n- ![one](1.png)\n\n|h|\n|-|\n|![two](2.png)|\n"
    assert images(text) == [(2, 3, "1.png"), (6, 2, "2.png")]


def test_images_at_the_start_of_a_line() -> None:
    assert images("![a](a.png) ![b](b.png)") == [(1, 1, "a.png"), (1, 13, "b.png")]
    assert images("text\n![a](a.png)\n![b](b.png)") == [(2, 1, "a.png"), (3, 1, "b.png")]


def test_image_lines_are_counted_as_the_parser_counts_them() -> None:
    # U+2028 and a form feed do not end a line; \r\n and \r do
    assert images("a\u2028b\x0cc\n\nd ![x](x.png)") == [(3, 3, "x.png")]
    assert images("a\r\n\r\n![x](x.png)\r![y](y.png)") == [(3, 1, "x.png"), (4, 1, "y.png")]


def test_an_image_without_a_source() -> None:
    assert images("![alt]()") == [(1, 1, "")]


def test_no_images() -> None:
    assert images("") == []
    assert images("plain text [link](https://example.org)") == []
    assert images("an exclamation! [and a link](x.html)") == []
    # "![" that is not an image (escaped) is not one
    assert images("\\![not](x.png)") == []


def test_parse_gives_the_tokens_of_the_shared_parser() -> None:
    assert [t.type for t in parse("# H\n\ntext")] == [
        "heading_open",
        "inline",
        "heading_close",
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]
