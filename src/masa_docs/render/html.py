"""HTML renderer: content -> one accessible, self-contained HTML page per document.

Templates live in ``templates/html/`` and run in Jinja's sandbox with autoescape on and
``StrictUndefined``: content is data, so ``{{ 7*7 }}`` or ``<script>`` in a YAML value prints as
text, and narrative Markdown goes through :mod:`masa_docs.markdown` only (raw HTML off, links
limited to http, https and mailto). The same HTML is the web page and the PDF's source.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .. import markdown as md
from .. import wording
from ..documents import DOCUMENTS
from ..errors import MasaError, did_you_mean
from . import EASY_READ_NAMES, RenderedOutput, RenderRequest
from .context import FILTERS, TESTS, DocumentMeta, document_meta, template_context

if TYPE_CHECKING:
    from ..load import LoadedContent

log = logging.getLogger(__name__)

#: Documents with an HTML page (and so a WeasyPrint PDF).
HTML_DOCUMENTS: tuple[str, ...] = ("arrangements", "threshold", "yearly-report")
STYLESHEET = "style.css"


def templates_dir() -> Path:
    """The folder of the shipped HTML templates (``templates/html`` in the repository)."""
    from ..resources import shipped

    return shipped("templates") / "html"


def _folders(templates: Path | Sequence[Path] | None) -> tuple[Path, ...]:
    if templates is None:
        return (templates_dir(),)
    if isinstance(templates, Path | str):
        return (Path(templates),)
    return tuple(templates)


# ------------------------------------------------------------------ filters


def markdown_filter(text: str | None, level: int = 3, title: str | None = None) -> Markup:
    """Narrative Markdown as safe HTML; its highest heading becomes ``<h{level}>``.

    Headings are shifted as a group, so ``# A`` / ``## B`` under a section's ``<h2>`` become
    ``<h3>`` / ``<h4>`` and the outline never skips a level. A first heading that repeats
    ``title`` (the section's own heading) is left out.
    """
    if not text:
        return Markup("")
    text = str(text)
    if title:
        first, _, rest = text.lstrip().partition("\n")
        if re.fullmatch(r"#{1,6}\s+" + re.escape(title.strip()) + r"\s*#*\s*", first, flags=re.I):
            text = rest
    levels = [int(t.tag[1:]) for t in md.parse(text) if t.type == "heading_open"]
    offset = level - min(levels) if levels else 0
    # to_html escapes everything that is not Markdown (html=False) and drops unsafe links.
    return Markup(md.to_html(text, heading_offset=offset).strip())


def is_safe_url(url: object) -> bool:
    return isinstance(url, str) and md.is_safe_link(url)


and_join = wording.and_join  # kept importable from here; the one definition is in masa_docs.wording


@pass_context
def area_name(ctx: Context, area_id: str) -> str:
    """Name of an area by id (``partnership.yaml``)."""
    return str(ctx["content"].areas_by_id[area_id].name)


@pass_context
def party_name(ctx: Context, ident: str) -> str:
    """Name of a partner or relevant agency by id."""
    return str(ctx["content"].party_name(ident))


@lru_cache(maxsize=4)
def _environment(folders: tuple[str, ...]) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(list(folders), encoding="utf-8"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    env.filters["markdown"] = markdown_filter
    env.filters["safe_url"] = is_safe_url
    env.tests["safe_url"] = is_safe_url
    env.filters["area_name"] = area_name
    env.filters["party_name"] = party_name
    return env


def environment(templates_dir_: Path | Sequence[Path] | None = None) -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja environment of the HTML templates (cached per folder list; a
    template is looked up in each folder in turn, the partnership's own first).

    Autoescape on, undefined variables are errors, FILTERS from :mod:`.context` plus
    ``markdown`` (Markup from :func:`masa_docs.markdown.to_html`) and ``safe_url``.
    """
    return _environment(tuple(str(f.resolve()) for f in _folders(templates_dir_)))


@lru_cache(maxsize=4)
def _stylesheet(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def stylesheet(templates_dir_: Path | Sequence[Path] | None = None) -> Markup:
    """The stylesheet, inlined into every page so build/ needs no other file (the first
    folder that has one: a partnership's own style.css wins)."""
    folders = _folders(templates_dir_)
    folder = next((f for f in folders if (f / STYLESHEET).is_file()), folders[-1])
    css = _stylesheet(str(folder / STYLESHEET))
    if "</" in css:  # never let the stylesheet close its <style> element
        raise MasaError(f"{folder / STYLESHEET} must not contain '</'")
    return Markup(css)  # our own file, not content


# ------------------------------------------------------------------ compliance (check engineer's API)


def compliance_rows(loaded: LoadedContent, doc: str, period: str | None) -> list[Any]:
    """Rows of the compliance matrix for ``doc`` (``masa_docs.check.compliance_matrix``), from
    the content's analysis (worked out once per publish, :mod:`masa_docs.analysis`)."""
    from ..analysis import compliance_rows as analysed_rows

    return analysed_rows(loaded, doc, period)


# ------------------------------------------------------------------ rendering


@dataclass(frozen=True)
class RenderedHtml:
    html: str
    meta: DocumentMeta


def check_document(doc: str, period: str | None, loaded: LoadedContent) -> None:
    """Raise MasaError for a document without an HTML page or an unknown period."""
    pages = (*HTML_DOCUMENTS, *EASY_READ_NAMES)
    if doc not in pages:
        hint = did_you_mean(doc, pages) or f"documents with an HTML page: {', '.join(pages)}"
        raise MasaError(f"'{doc}' has no HTML page", hint)
    if period is not None and not DOCUMENTS[doc].periodic:
        raise MasaError(f"--period applies to the yearly report only, not to '{doc}'")


def render_document(
    loaded: LoadedContent,
    request: RenderRequest,
    *,
    templates: Path | Sequence[Path] | None = None,
    extra: dict[str, Any] | None = None,
) -> RenderedHtml:
    """Render one document's HTML and return it with the metadata it was made from."""
    check_document(request.doc, request.period, loaded)
    meta = document_meta(
        loaded, request.doc, period=request.period, blocking=request.blocking, area=request.area
    )
    if templates is None and request.templates is not None:
        from ..resources import template_folders

        templates = template_folders(request.templates).html
    folder = _folders(templates)
    ctx = template_context(loaded, meta)
    from ..analysis import cover_brand
    from ..model.schedule import schedule
    from ..outline import outline

    doc_outline = outline(loaded.content, request.doc, area=request.area)
    ctx.update(
        brand=cover_brand(loaded),  # the cover's colour and logos
        toc=list(doc_outline.sections),
        outline=doc_outline,
        area=loaded.content.areas_by_id[request.area] if request.area else None,
        compliance=compliance_rows(loaded, request.doc, meta.period),
        stylesheet=stylesheet(folder),
        schedule=schedule(),
    )
    if meta.spec.source is not None:  # an easy-read version: the plain-language words
        from ..readability import easy_read_context

        ctx.update(easy_read_context(loaded, meta))
    elif meta.spec.periodic:  # the yearly report: figures and charts for its period
        from ..analysis import report_context

        ctx.update(report_context(loaded, meta.period))
    if extra:
        ctx.update(extra)
    template = environment(folder).get_template(f"{request.doc}.html")
    return RenderedHtml(template.render(ctx), meta)


def render_html(loaded: LoadedContent, request: RenderRequest) -> str:
    """The document's HTML page as text."""
    return render_document(loaded, request).html


def render_html_output(loaded: LoadedContent, request: RenderRequest) -> RenderedOutput:
    """Renderer entry point for (document, "html")."""
    return RenderedOutput(render_html(loaded, request).encode("utf-8"))


# ------------------------------------------------------------------ the build index


@dataclass(frozen=True)
class IndexEntry:
    file: str  # name in build/
    document: str  # document title
    format: str  # e.g. "Web page (HTML)"
    short_format: str  # e.g. "HTML", used in the link text
    size: str  # human size, e.g. "412 KB"
    pages: int | None = None
    status: str = ""  # "draft" / "final"
    version: str = ""
    date: str = ""  # the document's date, from the content
    stale: str = ""  # why the file is not up to date (kept from an earlier publish), or ""
    historical: bool = False  # a document of arrangements that have ended


@dataclass(frozen=True)
class SkippedEntry:
    file: str
    document: str
    format: str
    reason: str


def render_index(
    loaded: LoadedContent,
    entries: Sequence[IndexEntry],
    skipped: Sequence[SkippedEntry] = (),
    *,
    tool_version: str,
    templates: Path | Sequence[Path] | None = None,
    signed: Sequence[dict[str, Any]] = (),
    record: bool = False,
) -> str:
    """``index.html`` of a build: an accessible list of every output with format and size
    (and a link to ``content.json`` when ``record``)."""
    folder = _folders(templates)
    c = loaded.content
    ctx = {
        "content": c,
        "partnership": c.partnership,
        "partners": c.partners,
        "entries": list(entries),
        "skipped": list(skipped),
        "signed": list(signed),  # signed copies (masa_docs.signing.copies.index_rows)
        "fingerprint": loaded.fingerprint,
        "tool_version": tool_version,
        "stylesheet": stylesheet(folder),
        "content_record": record,
    }
    return environment(folder).get_template("index.html").render(ctx)


__all__ = [
    "HTML_DOCUMENTS",
    "IndexEntry",
    "RenderedHtml",
    "SkippedEntry",
    "compliance_rows",
    "environment",
    "markdown_filter",
    "render_document",
    "render_html",
    "render_html_output",
    "render_index",
    "stylesheet",
    "templates_dir",
]
