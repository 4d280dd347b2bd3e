"""Word (.docx) accessibility checks, and LibreOffice as a real client.

Checks (each problem's ``check`` in brackets):

* the document language is set — ``w:lang`` in the styles' docDefaults or ``dc:language`` in
  the core properties (``docx:language``) — and it has a title (``docx:title``);
* it uses real Word heading styles (``docx:headings``), the first heading is Heading 1
  (``docx:heading-start``), levels never skip (Heading 2 → Heading 4: ``docx:heading-order``)
  and no heading is empty (``docx:empty-heading``); the Title style is not a heading level;
* the first row of every table is a header row, repeated on each page (``w:tblHeader``)
  (``docx:table-header``);
* no table column is narrower than its longest word, or the word is broken letter by letter
  ("S h o u l d"): widths from the table grid, words measured with the font's metrics
  (:func:`masa_docs.render.docx_tables.narrow_columns`) (``docx:table-width``);
* every image (``wp:docPr``, in the body, headers, footers and notes) has alternative text
  (``descr``) unless Word marks it decorative (``docx:image-alt``);
* LibreOffice opens the file and converts it to PDF without error (``libreoffice:convert``).

Heading levels and the language come from :mod:`masa_docs.render.docx_outline`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from masa_docs.a11y.problem import A11yProblem
from masa_docs.errors import MasaError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
_PART_TYPES = ("header", "footer", "footnotes", "endnotes")
_OFF = ("0", "false", "off", "none")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class _Docx:
    """The XML parts of a .docx that the checks read."""

    def __init__(self, data: bytes) -> None:
        from lxml import etree

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.files = {i.filename: z.read(i.filename) for i in z.infolist() if not i.is_dir()}
        self._etree = etree
        root_rels = self._rels("")
        self.main = next((t for t, typ in root_rels if typ == OFFICE_DOC), None)
        if self.main is None or self.main not in self.files:
            raise ValueError("not a Word document: the package has no main document part")
        self.core = next((t for t, typ in root_rels if typ == CORE), None)

    def xml(self, name: str | None):  # type: ignore[no-untyped-def]
        if not name or name not in self.files:
            return None
        return self._etree.fromstring(self.files[name])

    def _rels(self, part: str) -> list[tuple[str, str]]:
        from masa_docs.render.docx_package import part_relationships

        return part_relationships(self.files, part)

    def story_parts(self) -> Iterator[str]:
        """The main document, then its headers, footers and notes."""
        assert self.main is not None
        yield self.main
        for target, typ in self._rels(self.main):
            if typ.rsplit("/", 1)[-1] in _PART_TYPES and target in self.files:
                yield target

    def title(self) -> str:
        root = self.xml(self.core)
        if root is None:
            return ""
        el = root.find(f"{{{DC}}}title")
        return (el.text or "").strip() if el is not None else ""


def _text(element) -> str:  # type: ignore[no-untyped-def]
    return "".join(t.text or "" for t in element.iter(_w("t"))).strip()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def structure_problems(data: bytes, name: str) -> list[A11yProblem]:
    """Language, title, headings, table header rows and image alt text of a .docx."""
    from lxml import etree

    from masa_docs.render.docx_outline import docx_language, heading_levels

    try:
        doc = _Docx(data)
        body = doc.xml(doc.main)
        levels = heading_levels(data)
        language = docx_language(data)
    except (zipfile.BadZipFile, ValueError, KeyError, etree.XMLSyntaxError) as exc:
        return [A11yProblem(name, "docx:unreadable", f"the file is not a readable Word document: {exc}")]
    problems: list[A11yProblem] = []

    def add(check: str, message: str, where: str = "document") -> None:
        problems.append(A11yProblem(name, check, message, where))

    if not (language or "").strip():
        add(
            "docx:language",
            "the document language is not set: set w:lang in the styles' document defaults "
            "(and dc:language in the core properties), e.g. en-GB",
        )
    if not doc.title():
        add("docx:title", "the document has no title in its properties (dc:title)")

    if not levels:
        add("docx:headings", "the document uses no Word heading styles (Heading 1, Heading 2, …)")
    previous = 0
    for index, (level, text) in enumerate(levels, start=1):
        where = f"heading {index} (Heading {level}) '{_short(text)}'"
        if not text.strip():
            add(
                "docx:empty-heading", "a heading has no text: screen readers announce an empty heading", where
            )
        if index == 1 and level != 1:
            add("docx:heading-start", f"the first heading is Heading {level}: start with Heading 1", where)
        elif previous and level > previous + 1:
            add(
                "docx:heading-order",
                f"Heading {level} follows Heading {previous}: heading levels must not skip a level",
                where,
            )
        previous = level

    for index, tbl in enumerate(body.iter(_w("tbl")) if body is not None else [], start=1):
        first_row = tbl.find(_w("tr"))
        if first_row is None:
            continue
        flag = first_row.find(f"{_w('trPr')}/{_w('tblHeader')}")
        if flag is None or flag.get(_w("val"), "true").lower() in _OFF:
            first_cell = first_row.find(_w("tc"))
            cell = _short(_text(first_cell)) if first_cell is not None else ""
            add(
                "docx:table-header",
                "the first row is not marked as a header row (w:tblHeader, Word's "
                "'Repeat as header row'): screen readers cannot tell the column headers",
                f"table {index} (first cell '{cell}')",
            )

    if body is not None and doc.main is not None:
        from masa_docs.render.docx_tables import narrow_columns

        rels = doc._rels(doc.main)
        styles = next((t for t, typ in rels if typ.endswith("/styles")), None)
        numbering = next((t for t, typ in rels if typ.endswith("/numbering")), None)
        for narrow in narrow_columns(body, doc.xml(styles), numbering_root=doc.xml(numbering)):
            add(
                "docx:table-width",
                f"column {narrow.column} is {narrow.width_pt:.0f} pt wide but its longest word "
                f"'{_short(narrow.word)}' needs {narrow.word_pt:.0f} pt: it breaks inside the word; "
                "widen the column or let the table fit its content",
                f"table {narrow.table}",
            )

    image = 0
    for part in doc.story_parts():
        root = doc.xml(part)
        if root is None:
            continue
        for pr in root.iter(f"{{{WP}}}docPr"):
            image += 1
            if (pr.get("descr") or "").strip() or _decorative(pr):
                continue
            label = pr.get("name") or pr.get("id") or "?"
            add(
                "docx:image-alt",
                "the image has no alternative text (descr): describe it, or mark it decorative",
                f"image {image} '{label}' in {part}",
            )
    return problems


def _decorative(doc_pr) -> bool:  # type: ignore[no-untyped-def]
    for el in doc_pr.iter(f"{{{DECORATIVE}}}decorative"):
        if el.get("val", "0").lower() in ("1", "true", "on"):
            return True
    return False


def conversion_problems(data: bytes, name: str) -> list[A11yProblem]:
    """LibreOffice must open the .docx and convert it to a PDF with pages."""
    from masa_docs.render.libreoffice import LibreOfficeError, LibreOfficeMissing, docx_to_pdf

    try:
        pdf = docx_to_pdf(data)
    except LibreOfficeMissing as exc:
        raise MasaError(
            "LibreOffice is not installed: the Word accessibility check needs it", str(exc)
        ) from exc
    except (LibreOfficeError, ValueError) as exc:
        return [A11yProblem(name, "libreoffice:convert", f"LibreOffice could not convert the file: {exc}")]
    from masa_docs.a11y.pdf import page_count

    try:
        pages = page_count(pdf)
    except Exception as exc:
        return [A11yProblem(name, "libreoffice:convert", f"LibreOffice wrote a PDF pypdf cannot read: {exc}")]
    if pages == 0:
        return [
            A11yProblem(name, "libreoffice:convert", "LibreOffice converted the file to a PDF with no pages")
        ]
    return []


def check_docx_bytes(data: bytes, name: str, *, convert: bool = True) -> list[A11yProblem]:
    """Every Word check on ``data``; [] when it passes."""
    problems = structure_problems(data, name)
    if convert and not any(p.check == "docx:unreadable" for p in problems):
        problems.extend(conversion_problems(data, name))
    return problems


def check_docx_file(path: Path, name: str | None = None, *, convert: bool = True) -> list[A11yProblem]:
    return check_docx_bytes(Path(path).read_bytes(), name or Path(path).name, convert=convert)
