"""The one configured Markdown parser: narrative content is data, never markup.

Raw HTML is off (``html=False``), so ``<script>`` in content comes out as text; tables and
strikethrough are on; links are limited to :data:`SAFE_SCHEMES` (plus relative links and
fragments); ``tel:`` is allowed so a phone number works on a phone. Images are not part of
content: ``validate`` refuses them (:func:`images`), and should one reach a renderer it prints
its alt text, never an ``<img>`` a reader's browser would fetch. Both the HTML renderer and the
Word bridge consume the same tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def is_safe_link(url: str) -> bool:
    """True for http(s)/mailto/tel links, site-relative paths and fragments; False otherwise.

    Control characters and whitespace are removed before the scheme is read, as browsers do,
    so ``java\\tscript:`` is caught too.
    """
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f").strip()
    if not cleaned:
        return False
    scheme = urlsplit(cleaned).scheme.lower()
    if scheme:
        return scheme in SAFE_SCHEMES
    # No scheme: a relative reference. Reject protocol-relative "//host" links.
    return not cleaned.startswith("//")


def _validate_link(url: str) -> bool:
    return is_safe_link(url)


@lru_cache(maxsize=1)
def make_markdown() -> MarkdownIt:
    """Return the shared parser (CommonMark + tables + strikethrough, raw HTML off)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def parse(text: str) -> list[Token]:
    """Tokens of ``text`` for a renderer (HTML or Word)."""
    return make_markdown().parse(text)


def images(text: str) -> list[tuple[int, int, str]]:
    """Every Markdown image in ``text``: (1-based line, 1-based column, source)."""
    if "![" not in text:
        return []
    # Lines as the parser counts them (tok.map): only \n, \r\n and \r end one; splitlines()
    # would also split at U+2028, form feeds and the like and put images on the wrong line.
    lines = re.split(r"\r\n?|\n", text)
    found: list[tuple[int, int, str]] = []
    for tok in make_markdown().parse(text):
        if tok.type != "inline" or not tok.children:
            continue
        first = tok.map[0] if tok.map else 0
        last = tok.map[1] if tok.map else len(lines)
        start = 0
        for child in tok.children:
            if child.type != "image":
                continue
            src = str(child.attrGet("src") or "")
            line, col = first + 1, 1
            for n in range(first, min(last, len(lines))):  # the "![" of this image, in order
                at = lines[n].find("![", start if n == first else 0)
                if at >= 0:
                    line, col = n + 1, at + 1
                    first, start = n, at + 2
                    break
            found.append((line, col, src))
    return found


def _images_as_text(tokens: list[Token]) -> None:
    """Replace image tokens by their alt text (defence in depth: validate refuses images)."""
    for tok in tokens:
        if tok.type == "inline" and tok.children:
            for i, child in enumerate(tok.children):
                if child.type == "image":
                    alt = "".join(c.content for c in child.children or [] if c.type == "text")
                    tok.children[i] = Token("text", "", 0, content=alt)


def to_html(text: str, *, heading_offset: int = 0) -> str:
    """Render Markdown to safe HTML. ``heading_offset`` demotes headings (``#`` -> ``h{1+offset}``)
    so narrative nests under the document's own section headings."""
    md = make_markdown()
    tokens = md.parse(text)
    _images_as_text(tokens)
    if heading_offset:
        for tok in tokens:
            if tok.type in ("heading_open", "heading_close"):
                level = min(6, int(tok.tag[1:]) + heading_offset)
                tok.tag = f"h{level}"
    for tok in tokens:
        if tok.type == "inline" and tok.children:
            for child in tok.children:
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    if href.startswith(("http://", "https://")):
                        child.attrSet("rel", "noopener noreferrer")
    return md.renderer.render(tokens, md.options, {})
