"""Structural PDF/UA checks, written with pikepdf.

This is not a PDF/UA validator (veraPDF is not available here): it checks the structure a
tagged, accessible PDF must have and that our pipeline can break — structure tree, /MarkInfo,
/Lang, title, embedded fonts, tab order, tagged annotations (widgets in /Form, links in /Link,
each with /StructParent and an OBJR), widget accessible names, figure alternative text and table
header cells. ``check_pdf`` returns an empty list when the file passes.

Each :class:`PdfProblem` says what is wrong and where, e.g.
``page 3: annotation 2 (Widget sig-la-northmere) has no /TU (accessible name)``. Page numbers
are 1-based (as a person counts them); ``page`` is ``None`` for document-level problems.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: Every problem code ``check_pdf`` can report, with what it means.
CODES: dict[str, str] = {
    "unreadable": "the file cannot be opened as a PDF",
    "no-struct-tree": "the catalog has no /StructTreeRoot (the PDF is not tagged)",
    "empty-struct-tree": "the structure tree has no structure elements",
    "no-parent-tree": "the structure tree has no /ParentTree",
    "not-marked": "/MarkInfo /Marked is not true",
    "no-lang": "the catalog has no /Lang (document language)",
    "no-title": "no document title (/Title in the document information and dc:title in XMP)",
    "no-display-doc-title": "/ViewerPreferences /DisplayDocTitle is not true",
    "no-pdfua-id": "the XMP metadata has no pdfuaid:part (PDF/UA identification)",
    "font-not-embedded": "a font is used but not embedded",
    "tabs-not-structure": "a page with annotations has no /Tabs /S (tab order by structure)",
    "annot-no-struct-parent": "an annotation has no /StructParent",
    "annot-not-tagged": "no structure element refers to an annotation (OBJR)",
    "annot-parent-tree": "an annotation's /StructParent does not lead to its structure element",
    "annot-wrong-tag": "a widget is not in a /Form element, or a link not in a /Link element",
    "widget-no-tu": "a widget annotation has no /TU (accessible name)",
    "figure-no-alt": "a /Figure element has no /Alt (alternative text)",
    "table-no-th": "a /Table element has no /TH (header) cells",
}

_STANDARD_TYPES = frozenset(
    {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "P",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    }
)
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_UNCHECKED_ANNOTS = frozenset({"/Popup", "/PrinterMark"})


@dataclass(frozen=True)
class PdfProblem:
    code: str
    message: str
    page: int | None  # 1-based page number; None for the whole document


def _values(d: Any) -> list[Any]:
    """The values of a pikepdf Dictionary (``.values()`` exists only in newer pikepdf)."""
    return [d[k] for k in d.keys()]  # noqa: SIM118 - a pikepdf Dictionary, not a dict


def check_pdf(pdf: bytes) -> list[PdfProblem]:
    """Run every structural check on ``pdf``; an empty list means it passes."""
    import pikepdf

    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except (pikepdf.PdfError, ValueError) as exc:
        return [PdfProblem("unreadable", f"the file cannot be opened as a PDF: {exc}", None)]
    with doc:
        return _Checker(doc).run()


def signature_field_names(pdf: bytes) -> list[str]:
    """Fully qualified names of the signature (/FT /Sig) fields, in document order (pypdf)."""
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    return [name for name, value in fields.items() if value.get("/FT") == "/Sig"]


# --------------------------------------------------------------------------------------


@dataclass
class _Tagged:
    """What the structure tree says about one annotation."""

    element: Any
    element_type: str


@dataclass
class _Checker:
    doc: Any
    problems: list[PdfProblem] = field(default_factory=list)
    page_numbers: dict[tuple[int, int], int] = field(default_factory=dict)
    role_map: dict[str, str] = field(default_factory=dict)

    def add(self, code: str, message: str, page: int | None = None) -> None:
        where = f"page {page}: " if page is not None else ""
        self.problems.append(PdfProblem(code, where + message, page))

    def run(self) -> list[PdfProblem]:
        self.page_numbers = {p.obj.objgen: i for i, p in enumerate(self.doc.pages, start=1)}
        self._check_catalog()
        self._check_metadata()
        tagged = self._check_structure()
        self._check_fonts()
        self._check_annotations(tagged)
        return self.problems

    # ---- document level ------------------------------------------------------------

    def _check_catalog(self) -> None:
        import pikepdf

        root = self.doc.Root
        mark_info = root.get("/MarkInfo")
        if not (isinstance(mark_info, pikepdf.Dictionary) and _is_true(mark_info.get("/Marked"))):
            self.add(
                "not-marked",
                "/MarkInfo /Marked is not true: the catalog must declare "
                "the file tagged (set /MarkInfo << /Marked true >>)",
            )
        if not str(root.get("/Lang", "")).strip():
            self.add(
                "no-lang",
                "the catalog has no /Lang: set the document language "
                '(e.g. <html lang="en-GB"> or PdfMeta.lang)',
            )
        prefs = root.get("/ViewerPreferences")
        if not (isinstance(prefs, pikepdf.Dictionary) and _is_true(prefs.get("/DisplayDocTitle"))):
            self.add(
                "no-display-doc-title",
                "/ViewerPreferences /DisplayDocTitle is not true: "
                "viewers will show the file name instead of the title",
            )

    def _check_metadata(self) -> None:
        info_title = str(self.doc.docinfo.get("/Title", "")).strip()
        try:
            xmp = self.doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
            xmp_title = str(xmp.get("dc:title", "") or "").strip()
            pdfua_part = str(xmp.get("pdfuaid:part", "") or "").strip()
        except Exception:  # malformed XMP counts as missing
            xmp_title, pdfua_part = "", ""
        missing = [
            where
            for where, value in (
                ("/Title in the document information", info_title),
                ("dc:title in the XMP metadata", xmp_title),
            )
            if not value
        ]
        if missing:
            self.add(
                "no-title",
                "the document has no title ("
                + " and no ".join(missing)
                + "): set <title> in the HTML or PdfMeta.title",
            )
        if not pdfua_part:
            self.add(
                "no-pdfua-id",
                "the XMP metadata has no pdfuaid:part: the file does not "
                "say it conforms to PDF/UA (render with pdf_variant='pdf/ua-1')",
            )

    # ---- structure tree --------------------------------------------------------------

    def _check_structure(self) -> dict[tuple[int, int], list[_Tagged]]:
        """Check the tree; return, per annotation objgen, the elements that refer to it."""
        import pikepdf

        tagged: dict[tuple[int, int], list[_Tagged]] = {}
        struct_root = self.doc.Root.get("/StructTreeRoot")
        if not isinstance(struct_root, pikepdf.Dictionary):
            self.add(
                "no-struct-tree",
                "the PDF is not tagged (no /StructTreeRoot): render it with a tagged variant (pdf/ua-1)",
            )
            return tagged
        role_map = struct_root.get("/RoleMap")
        if isinstance(role_map, pikepdf.Dictionary):
            self.role_map = {str(k): str(v) for k, v in role_map.items()}
        if "/ParentTree" not in struct_root:
            self.add(
                "no-parent-tree",
                "the structure tree has no /ParentTree: marked content "
                "and annotations cannot be traced back to their structure elements",
            )

        count = 0
        for element, kids in _walk(struct_root):
            count += 1
            kind = self._type(element)
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR" and "/Obj" in kid:
                    tagged.setdefault(kid.Obj.objgen, []).append(_Tagged(element, kind))
            if kind == "Figure" and not (
                str(element.get("/Alt", "")).strip() or str(element.get("/ActualText", "")).strip()
            ):
                self.add(
                    "figure-no-alt",
                    f"{self._describe(element)} has no /Alt: give the image alternative text (alt attribute)",
                    self._page_of(element),
                )
            if kind == "Table" and not any(self._type(sub) == "TH" for sub, _ in _walk(element)):
                self.add(
                    "table-no-th",
                    f"{self._describe(element)} has no header cells (/TH): "
                    "mark the header row or column with <th>",
                    self._page_of(element),
                )
        if count == 0:
            self.add("empty-struct-tree", "the structure tree is empty: it has no structure elements")
        return tagged

    def _type(self, element: Any) -> str:
        name = str(element.get("/S", "")).lstrip("/")
        seen = set()
        while name not in _STANDARD_TYPES and name in self.role_map and name not in seen:
            seen.add(name)
            name = self.role_map[name].lstrip("/")
        return name

    def _describe(self, element: Any) -> str:
        name = str(element.get("/S", "")).lstrip("/")
        kind = self._type(element)
        shown = name if name == kind else f"{name} (role {kind})"
        objgen = element.objgen
        ref = f" (object {objgen[0]})" if objgen != (0, 0) else ""
        return f"structure element /{shown}{ref}"

    def _page_of(self, element: Any) -> int | None:
        page = element.get("/Pg")
        if page is None:
            return None
        return self.page_numbers.get(page.objgen)

    # ---- fonts -------------------------------------------------------------------------

    def _check_fonts(self) -> None:
        import pikepdf

        seen: set[tuple[int, int]] = set()
        reported: set[tuple[int, int] | str] = set()
        for number, page in enumerate(self.doc.pages, start=1):
            resources = [_inherited(page.obj, "/Resources")]
            for annot in _as_list(page.obj.get("/Annots")):
                if isinstance(annot, pikepdf.Dictionary):
                    resources.extend(_appearance_resources(annot))
            for res in resources:
                for res_name, font in _fonts_in(res, seen):
                    key: tuple[int, int] | str = font.objgen
                    if key == (0, 0):
                        key = f"{number}:{res_name}"
                    if key in reported or _font_embedded(font):
                        continue
                    reported.add(key)
                    base = str(font.get("/BaseFont", "?")).lstrip("/")
                    self.add(
                        "font-not-embedded",
                        f"font '{base}' (resource {res_name}) is not "
                        "embedded: use a font file the renderer can embed",
                        number,
                    )

    # ---- annotations ------------------------------------------------------------------

    def _check_annotations(self, tagged: dict[tuple[int, int], list[_Tagged]]) -> None:
        import pikepdf

        has_tree = "/StructTreeRoot" in self.doc.Root
        parent_tree = None
        if has_tree and "/ParentTree" in self.doc.Root.StructTreeRoot:
            parent_tree = pikepdf.NumberTree(self.doc.Root.StructTreeRoot.ParentTree)
        for number, page in enumerate(self.doc.pages, start=1):
            annots = [a for a in _as_list(page.obj.get("/Annots")) if isinstance(a, pikepdf.Dictionary)]
            if not annots:
                continue
            if page.obj.get("/Tabs") != "/S":
                self.add(
                    "tabs-not-structure",
                    "the page has annotations but no /Tabs /S: the tab order must follow the structure",
                    number,
                )
            for index, annot in enumerate(annots, start=1):
                subtype = str(annot.get("/Subtype", ""))
                if subtype in _UNCHECKED_ANNOTS:
                    continue
                label = f"annotation {index} ({_annot_label(annot)})"
                if subtype == "/Widget" and not _widget_tu(annot):
                    self.add(
                        "widget-no-tu",
                        f"{label} has no /TU (accessible name): give the field a tooltip",
                        number,
                    )
                if not has_tree:
                    continue  # already reported as no-struct-tree
                refs = tagged.get(annot.objgen, [])
                sp = annot.get("/StructParent")
                if sp is None:
                    self.add(
                        "annot-no-struct-parent",
                        f"{label} has no /StructParent: it cannot be found from the structure tree",
                        number,
                    )
                if not refs:
                    self.add(
                        "annot-not-tagged",
                        f"{label} is not in the structure tree: no structure element holds an OBJR to it",
                        number,
                    )
                    continue
                if sp is not None and parent_tree is not None:
                    # NumberTree.get() raises IndexError for a missing key (pikepdf 10).
                    target = parent_tree[int(sp)] if int(sp) in parent_tree else None  # noqa: SIM401
                    if target is None or not any(target.objgen == r.element.objgen for r in refs):
                        self.add(
                            "annot-parent-tree",
                            f"{label}: /StructParent {int(sp)} does "
                            "not lead to the structure element that holds it",
                            number,
                        )
                expected = {"/Widget": "Form", "/Link": "Link"}.get(subtype)
                if expected and not any(r.element_type == expected for r in refs):
                    found = ", ".join(sorted({"/" + r.element_type for r in refs}))
                    self.add(
                        "annot-wrong-tag",
                        f"{label} is in {found}, not in a /{expected} structure element",
                        number,
                    )


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _is_true(value: Any) -> bool:
    """True for the PDF boolean ``true`` (pikepdf gives a Python bool)."""
    return value is True or str(value).lower() == "true"


def _as_list(value: Any) -> list[Any]:
    import pikepdf

    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


def _walk(root: Any) -> Iterator[tuple[Any, list[Any]]]:
    """Yield ``(element, kids)`` for every structure element under ``root`` (each once)."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [root]
    first = True
    while stack:
        node = stack.pop()
        kids = _as_list(node.get("/K"))
        if not first:
            yield node, kids
        first = False
        for kid in reversed(kids):
            if not isinstance(kid, pikepdf.Dictionary):
                continue
            if kid.get("/Type") in ("/MCR", "/OBJR") or "/S" not in kid:
                continue
            key = kid.objgen
            if key != (0, 0):
                if key in seen:
                    continue
                seen.add(key)
            stack.append(kid)


def _inherited(page: Any, key: str) -> Any:
    node = page
    for _ in range(64):
        if node is None:
            return None
        if key in node:
            return node.get(key)
        node = node.get("/Parent")
    return None


def _appearance_resources(annot: Any) -> list[Any]:
    import pikepdf

    out: list[Any] = []
    ap = annot.get("/AP")
    if not isinstance(ap, pikepdf.Dictionary):
        return out
    for state in _values(ap):
        streams = (
            [state]
            if isinstance(state, pikepdf.Stream)
            else (_values(state) if isinstance(state, pikepdf.Dictionary) else [])
        )
        for stream in streams:
            if isinstance(stream, pikepdf.Stream) and "/Resources" in stream:
                out.append(stream.Resources)
    return out


def _fonts_in(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    """``(resource name, font dict)`` for fonts in ``resources`` and nested form XObjects."""
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return
    if resources.objgen != (0, 0):
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for name, font in fonts.items():
            if isinstance(font, pikepdf.Dictionary):
                yield str(name), font
                if font.get("/Subtype") == "/Type3":
                    yield from _fonts_in(font.get("/Resources"), seen)
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in _values(xobjects):
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                key = xobject.objgen
                if key != (0, 0) and key in seen:
                    continue
                if key != (0, 0):
                    seen.add(key)
                yield from _fonts_in(xobject.get("/Resources"), seen)


def _font_embedded(font: Any) -> bool:
    import pikepdf

    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # glyphs are content streams inside the font
    if subtype == "/Type0":
        descendants = _as_list(font.get("/DescendantFonts"))
        return bool(descendants) and all(
            isinstance(d, pikepdf.Dictionary) and _font_embedded(d) for d in descendants
        )
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(key in descriptor for key in _FONT_FILES)


def _field_name(annot: Any) -> str:
    parts = []
    node = annot
    for _ in range(32):
        if node is None:
            break
        if "/T" in node:
            parts.append(str(node.T))
        node = node.get("/Parent")
    return ".".join(reversed(parts))


def _widget_tu(annot: Any) -> bool:
    node = annot
    for _ in range(32):
        if node is None:
            return False
        if str(node.get("/TU", "")).strip():
            return True
        node = node.get("/Parent")
    return False


def _annot_label(annot: Any) -> str:
    import pikepdf

    subtype = str(annot.get("/Subtype", "?")).lstrip("/")
    detail = ""
    if subtype == "Widget":
        detail = _field_name(annot)
    elif subtype == "Link":
        action = annot.get("/A")
        if isinstance(action, pikepdf.Dictionary) and "/URI" in action:
            detail = str(action.URI)
        elif "/Dest" in annot:
            detail = f"to {annot.Dest}" if isinstance(annot.Dest, pikepdf.String) else ""
    if len(detail) > 60:
        detail = detail[:57] + "..."
    return f"{subtype} {detail}".strip()
