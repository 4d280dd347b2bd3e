"""PDF toolkit: HTML → tagged PDF (PDF/UA-1), empty signature fields, deterministic finishing.

Pipeline for :func:`html_to_pdf`::

    WeasyPrint (pdf/ua-1, tagged)  →  pikepdf, in one open and one save: one empty /Sig field
      per slot, tag the widgets, set metadata, rewrite as one clean revision

* WeasyPrint and pikepdf are imported inside the functions, so importing this module is cheap
  (the CLI must start fast). pyHanko is not needed to make the fields (it signs them:
  :mod:`masa_docs.signing`); the fields are the ones its ``append_signature_field`` makes.
* Nothing here reads the clock: every date comes from :attr:`PdfMeta.created`, the first /ID
  element from :attr:`PdfMeta.identity` and the second from a hash of the content (qpdf's
  ``deterministic_id``). The same input therefore gives the same bytes, for a given set of
  library and font versions.
* A signature widget is tagged: each one gets a /TU (accessible name), a /Form
  structure element holding an OBJR to the widget, a /StructParent entry in the ParentTree,
  and its page gets ``/Tabs /S``. With HTML input the /Form element is put inside the
  structure element of the HTML box that holds the slot (WeasyPrint is asked to put a
  temporary link annotation on that box, which it tags in place; the link is then swapped for
  the /Form element). For PDFs made elsewhere (:func:`add_signature_fields`) it goes at the
  end of the document element.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import logging
import math
import shutil
import subprocess
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pikepdf

logger = logging.getLogger(__name__)

#: The WeasyPrint variant used for every PDF: tagged, /Lang, DisplayDocTitle, embedded fonts.
PDF_VARIANT = "pdf/ua-1"

#: CSS px → PDF pt.
ALLOWED_FETCH_PROTOCOLS = ("data",)  # what WeasyPrint may load while rendering
PX_TO_PT = 0.75

# URI scheme of the temporary link annotations that mark where a slot's box is tagged.
_MARKER_SCHEME = "masa-sig:"


@dataclass(frozen=True)
class SignatureSlot:
    """One empty signature field to create.

    ``field_name`` is the PDF field name and also the HTML ``id`` of the box that holds the
    field (e.g. ``"sig-la-northmere"``); ``tooltip`` is its accessible name (/TU).
    """

    field_name: str
    tooltip: str


@dataclass(frozen=True)
class PdfMeta:
    """Document metadata, all taken from the content (never from the clock).

    ``created`` is used for CreationDate, ModDate and the XMP dates (a naive datetime is read
    as UTC). ``identity`` is a stable string (content fingerprint + document name) from which
    the permanent /ID element and the XMP DocumentID are derived.
    """

    title: str
    lang: str
    created: _dt.datetime
    identity: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int


Rect = tuple[float, float, float, float]
Placement = tuple[SignatureSlot, int, Rect]


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def html_to_pdf(
    html: str,
    *,
    meta: PdfMeta,
    base_url: str | None = None,
    signature_slots: Sequence[SignatureSlot] = (),
) -> RenderedPdf:
    """Render ``html`` to a tagged PDF/UA-1 file, with one empty signature field per slot.

    Each slot's field is placed inside the rendered box of the HTML element whose ``id`` is
    the slot's ``field_name`` (the box should have a CSS width and height). Raises
    :class:`ValueError` when a slot has no visible element in the HTML, when its box has no
    area, or when slot names are invalid or repeated.

    Content is data: the renderer fetches nothing from the network or the disk. Only
    ``data:`` URLs are loaded (fonts come from the system by name), so an image link in
    narrative Markdown cannot make a build reach out to a server.
    """
    slots = _validated_slots(signature_slots)

    import weasyprint  # lazy: ~0.5 s
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=ALLOWED_FETCH_PROTOCOLS)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    placements = _mark_slot_boxes(document, slots)
    raw = document.write_pdf(pdf_variant=PDF_VARIANT)
    page_count = len(document.pages)
    data = _with_fields(raw, placements, meta) if placements else finalise_pdf(raw, meta)
    return RenderedPdf(data=data, page_count=page_count)


def add_signature_fields(
    pdf: bytes,
    placements: Sequence[tuple[SignatureSlot, int, tuple[float, float, float, float]]],
    *,
    meta: PdfMeta,
    prepare: Callable[[pikepdf.Pdf], object] | None = None,
) -> bytes:
    """Add one empty, tagged signature field per placement to a PDF made elsewhere.

    A placement is ``(slot, zero-based page index, (x1, y1, x2, y2) in PDF points)``. The
    /Form structure elements go at the end of the document element (the PDF carries no link
    between its structure and the place on the page). The result is finalised as by
    :func:`finalise_pdf`. ``prepare`` is called with the opened ``pikepdf.Pdf`` first (e.g.
    to remove a producer's run stamps in the same pass).
    """
    _validated_slots([slot for slot, _, _ in placements])
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:  # one open, checks and fields alike
        if prepare is not None:
            prepare(doc)
        page_total = len(doc.pages)
        existing = set(_field_names(doc))
        checked: list[Placement] = []
        for slot, page_index, rect in placements:
            if not 0 <= page_index < page_total:
                raise ValueError(
                    f"signature slot {slot.field_name!r}: page index {page_index} is out of range "
                    f"(the PDF has {page_total} pages)"
                )
            if slot.field_name in existing:
                raise ValueError(
                    f"signature slot {slot.field_name!r}: the PDF already has a field with this name"
                )
            checked.append((slot, page_index, _normalised_rect(slot, rect)))
        if checked:
            _add_tagged_fields(doc, checked)
        _apply_meta(doc, meta)
        return _save(doc, meta)


def finalise_pdf(pdf: bytes, meta: PdfMeta) -> bytes:
    """Rewrite ``pdf`` as one deterministic revision with metadata from ``meta``.

    Sets /Title, /Author, /Subject, /Keywords, /CreationDate and /ModDate (from
    ``meta.created``) in the document information and in XMP (plus XMP DocumentID and
    InstanceID derived from ``meta.identity``), /Lang, ViewerPreferences /DisplayDocTitle
    true, and /ID (first element from ``meta.identity``, second a hash of the content). When
    the file is tagged it also sets /MarkInfo /Marked true and ``/Tabs /S`` on every page with
    annotations (LibreOffice leaves /Tabs out). Works on files with incremental updates.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _apply_meta(doc, meta)
        return _save(doc, meta)


def pdf_text_pages(pdf: bytes) -> list[str]:
    """The text of each page: ``pdftotext -layout`` when installed, pypdf otherwise."""
    exe = shutil.which("pdftotext")
    if exe:
        result = subprocess.run(
            [exe, "-layout", "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=120,
        )
        pages = result.stdout.decode("utf-8", errors="replace").split("\f")
        if pages and pages[-1] == "":
            pages.pop()
        return pages
    logger.debug("pdftotext not found; extracting text with pypdf")
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


# --------------------------------------------------------------------------------------
# Slots and their boxes
# --------------------------------------------------------------------------------------


def _validated_slots(slots: Sequence[SignatureSlot]) -> list[SignatureSlot]:
    seen: set[str] = set()
    for slot in slots:
        name = slot.field_name
        if not name or any(ch in name for ch in ".\x00") or name != name.strip():
            raise ValueError(
                f"signature slot {name!r}: a field name must be non-empty, without dots "
                "(dots make hierarchical PDF field names) or surrounding spaces"
            )
        if not slot.tooltip.strip():
            raise ValueError(f"signature slot {name!r}: the tooltip (accessible name) is empty")
        if name in seen:
            raise ValueError(f"signature slot {name!r} is given more than once")
        seen.add(name)
    return list(slots)


def _normalised_rect(slot: SignatureSlot, rect: Rect) -> Rect:
    x1, y1, x2, y2 = (float(v) for v in rect)
    llx, urx = min(x1, x2), max(x1, x2)
    lly, ury = min(y1, y2), max(y1, y2)
    # Whole points (as pyHanko's fields have); shrink inwards so the field stays inside the box.
    llx, lly, urx, ury = math.ceil(llx), math.ceil(lly), math.floor(urx), math.floor(ury)
    if urx - llx < 1 or ury - lly < 1:
        raise ValueError(
            f"signature slot {slot.field_name!r}: its box has no area ({rect!r}); give the "
            "element a CSS width and height"
        )
    return (llx, lly, urx, ury)


def _mark_slot_boxes(document: Any, slots: Sequence[SignatureSlot]) -> list[Placement]:
    """Find each slot's box in the rendered document; mark it for tagging; return placements.

    ``Page.anchors`` gives each element id's border box in CSS px (top-left origin). The box
    itself also gets a temporary external link (``masa-sig:<name>``) appended to
    ``Page.links``: WeasyPrint then puts an OBJR for that link inside the structure element
    of the box, which tells the post-step where the /Form element belongs.
    """
    placements: list[Placement] = []
    for slot in slots:
        name = slot.field_name
        pages = [i for i, page in enumerate(document.pages) if name in page.anchors]
        if not pages:
            raise ValueError(
                f"signature slot {name!r}: the HTML has no visible element with "
                f'id="{name}" to hold the signature field'
            )
        if len(pages) > 1:
            logger.warning(
                "signature slot %r: its box is split over pages %s; the field goes on page %d "
                "(add `break-inside: avoid` to the box)",
                name,
                [i + 1 for i in pages],
                pages[0] + 1,
            )
        page_index = pages[0]
        page = document.pages[page_index]
        box = _find_box(page, name)
        anchor = page.anchors[name]
        if len(anchor) >= 4:
            x1, y1, x2, y2 = anchor[:4]
        elif box is not None:  # older WeasyPrint: anchors are (x, y) only
            x, y, w, h = box.hit_area()
            x1, y1, x2, y2 = x, y, x + w, y + h
        else:  # pragma: no cover - depends on WeasyPrint internals
            raise ValueError(f"signature slot {name!r}: cannot find the size of its box")
        height = page.height
        rect_pt = (x1 * PX_TO_PT, (height - y2) * PX_TO_PT, x2 * PX_TO_PT, (height - y1) * PX_TO_PT)
        placements.append((slot, page_index, _normalised_rect(slot, rect_pt)))
        if box is not None:
            page.links.append(("external", _MARKER_SCHEME + name, (x1, y1, x2, y2), box))
        else:  # pragma: no cover - depends on WeasyPrint internals
            logger.warning(
                "signature slot %r: layout box not found; its /Form structure "
                "element goes under the document element",
                name,
            )
    return placements


def _find_box(page: Any, name: str) -> Any:
    """The first layout box on ``page`` whose element has ``id == name`` (None if unknown)."""
    try:
        page_box = page._page_box  # WeasyPrint internal; guarded
        for box in page_box.descendants():
            if box.style["anchor"] == name:
                return box
    except (AttributeError, KeyError, TypeError):  # pragma: no cover - internals changed
        return None
    return None  # pragma: no cover - anchors said it is on this page


# --------------------------------------------------------------------------------------
# Fields: made and tagged with pikepdf
# --------------------------------------------------------------------------------------


def _with_fields(pdf: bytes, placements: Sequence[Placement], meta: PdfMeta) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _add_tagged_fields(doc, placements)
        _apply_meta(doc, meta)
        return _save(doc, meta)


def _add_tagged_fields(doc: pikepdf.Pdf, placements: Sequence[Placement]) -> None:
    """The fields, tagged where their marker links were (see :func:`_mark_slot_boxes`)."""
    _append_fields(doc, placements)
    markers = _collect_markers(doc)
    _tag_fields(doc, placements, markers)
    _remove_markers(doc)


#: Annotation flags of an empty signature widget: Print (4) and Locked (128), as pyHanko sets.
_WIDGET_FLAGS = 132


def _append_fields(doc: pikepdf.Pdf, placements: Sequence[Placement]) -> None:
    """Add one empty /Sig field per placement, in the open ``doc`` (no second parse or save).

    The objects are those pyHanko's ``append_signature_field`` makes (the fields were made
    with it until the pipeline was cut to one pikepdf pass): a field merged with its widget
    (/FT /Sig, /T, /Rect, /F Print+Locked, /P), an empty appearance stream of the box's size,
    the widget appended to the page's /Annots, the field to /AcroForm /Fields, and
    /SigFlags 1 (signatures exist; not append-only). pyHanko signs such fields in place.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    root = doc.Root
    acroform = root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        root.AcroForm = doc.make_indirect(Dictionary(Fields=Array()))
        acroform = root.AcroForm
    fields = acroform.get("/Fields")
    if not isinstance(fields, pikepdf.Array):
        acroform.Fields = Array()
        fields = acroform.Fields
    taken = set(_fields_by_name(doc))
    for slot, page_index, (x1, y1, x2, y2) in placements:
        if slot.field_name in taken:
            raise ValueError(
                f"signature slot {slot.field_name!r}: the PDF already has a field with this name"
            )
        taken.add(slot.field_name)
        llx, lly, urx, ury = int(x1), int(y1), int(x2), int(y2)
        page = doc.pages[page_index].obj
        appearance = pikepdf.Stream(doc, b"")
        appearance.stream_dict = Dictionary(
            Type=Name.XObject,
            Subtype=Name.Form,
            BBox=Array([0, abs(ury - lly), abs(urx - llx), 0]),
            Resources=Dictionary(),
        )
        field = doc.make_indirect(
            Dictionary(
                FT=Name.Sig,
                T=String(slot.field_name),
                Type=Name.Annot,
                Subtype=Name.Widget,
                F=_WIDGET_FLAGS,
                Rect=Array([llx, lly, urx, ury]),
                P=page,
                TU=String(slot.tooltip),
                AP=Dictionary(N=doc.make_indirect(appearance)),
            )
        )
        annots = page.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            annots.append(field)
        else:
            page.Annots = Array([field])
        fields.append(field)
    if "/SigFlags" not in acroform:
        acroform.SigFlags = 1


@dataclass
class _Marker:
    page_index: int
    annot: Any  # pikepdf.Dictionary
    struct_parent: int | None


def _collect_markers(doc: pikepdf.Pdf) -> dict[str, _Marker]:
    markers: dict[str, _Marker] = {}
    for page_index, page in enumerate(doc.pages):
        for annot in page.obj.get("/Annots", []):
            name = _marker_name(annot)
            if name is not None and name not in markers:
                sp = annot.get("/StructParent")
                markers[name] = _Marker(page_index, annot, None if sp is None else int(sp))
    return markers


def _marker_name(annot: Any) -> str | None:
    import pikepdf

    if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != "/Link":
        return None
    action = annot.get("/A")
    if not isinstance(action, pikepdf.Dictionary):
        return None
    uri = action.get("/URI")
    if uri is None:
        return None
    text = str(uri)
    return text[len(_MARKER_SCHEME) :] if text.startswith(_MARKER_SCHEME) else None


def _fields_by_name(doc: pikepdf.Pdf) -> dict[str, Any]:
    result: dict[str, Any] = {}
    acroform = doc.Root.get("/AcroForm")
    if acroform is None:
        return result
    for field in acroform.get("/Fields", []):
        if "/T" in field:
            result.setdefault(str(field.T), field)
    return result


def _field_names(doc: pikepdf.Pdf) -> list[str]:
    return list(_fields_by_name(doc))


def _tag_fields(doc: pikepdf.Pdf, placements: Sequence[Placement], markers: dict[str, _Marker]) -> None:
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    fields = _fields_by_name(doc)
    struct_root = doc.Root.get("/StructTreeRoot")
    if struct_root is None:
        logger.warning("the PDF has no structure tree: signature fields cannot be tagged")
    parent_tree = _parent_tree(doc, struct_root) if struct_root is not None else None

    for slot, page_index, _rect in placements:
        field = fields[slot.field_name]
        widgets = list(field.Kids) if "/Kids" in field else [field]
        page = doc.pages[page_index].obj
        page.Tabs = Name.S
        field.TU = String(slot.tooltip)
        if struct_root is None or parent_tree is None:
            continue
        for widget in widgets:
            widget.TU = String(slot.tooltip)
            widget_page = widget.get("/P", page)
            objr = Dictionary(Type=Name.OBJR, Obj=widget, Pg=widget_page)
            form = doc.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Form, Pg=widget_page, K=Array([objr]))
            )
            marker = markers.get(slot.field_name)
            if marker is not None and _swap_marker_for_form(parent_tree, marker, form, widget):
                continue
            parent = _document_element(doc, struct_root)
            form.P = parent
            kids = parent.get("/K")
            if kids is None:
                parent.K = Array([form])
            elif isinstance(kids, pikepdf.Array):
                kids.append(form)
            else:
                parent.K = Array([kids, form])
            number = _next_parent_tree_key(struct_root, parent_tree)
            parent_tree[number] = form
            widget.StructParent = number
            struct_root.ParentTreeNextKey = number + 1
    if struct_root is not None and parent_tree is not None:
        keys = list(parent_tree.keys())
        struct_root.ParentTreeNextKey = (max(keys) + 1) if keys else 0


def _swap_marker_for_form(parent_tree: Any, marker: _Marker, form: Any, widget: Any) -> bool:
    """Put ``form`` where WeasyPrint tagged the marker link; False if that cannot be done."""
    import pikepdf

    if marker.struct_parent is None or marker.struct_parent not in parent_tree:
        return False
    element = parent_tree[marker.struct_parent]
    kids = element.get("/K")
    if not isinstance(kids, pikepdf.Array):
        kids = pikepdf.Array([kids]) if kids is not None else pikepdf.Array()
    for i, kid in enumerate(kids):
        if _is_objr_to(kid, marker.annot):
            kids[i] = form
            element.K = kids
            form.P = element
            parent_tree[marker.struct_parent] = form
            widget.StructParent = marker.struct_parent
            marker.struct_parent = None  # used up
            return True
    return False


def _is_objr_to(kid: Any, annot: Any) -> bool:
    import pikepdf

    return (
        isinstance(kid, pikepdf.Dictionary)
        and kid.get("/Type") == "/OBJR"
        and "/Obj" in kid
        and kid.Obj.objgen == annot.objgen
    )


def _remove_markers(doc: pikepdf.Pdf) -> None:
    """Drop the temporary marker links (and any structure references left to them)."""
    import pikepdf

    struct_root = doc.Root.get("/StructTreeRoot")
    parent_tree = None
    if struct_root is not None and "/ParentTree" in struct_root:
        parent_tree = pikepdf.NumberTree(struct_root.ParentTree)
    for page in doc.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        keep = pikepdf.Array()
        for annot in annots:
            if _marker_name(annot) is None:
                keep.append(annot)
                continue
            sp = annot.get("/StructParent")
            if parent_tree is not None and sp is not None and int(sp) in parent_tree:
                # Only a marker that was not swapped for a /Form element is still referenced.
                element = parent_tree[int(sp)]
                kids = element.get("/K")
                if isinstance(kids, pikepdf.Array) and any(_is_objr_to(k, annot) for k in kids):
                    element.K = pikepdf.Array(k for k in kids if not _is_objr_to(k, annot))
                    del parent_tree[int(sp)]
                elif _is_objr_to(kids, annot):
                    element.K = pikepdf.Array()
                    del parent_tree[int(sp)]
        if len(keep):
            page.obj.Annots = keep
        else:
            del page.obj["/Annots"]


def _parent_tree(doc: pikepdf.Pdf, struct_root: Any) -> Any:
    import pikepdf

    if "/ParentTree" not in struct_root:
        struct_root.ParentTree = doc.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))
    return pikepdf.NumberTree(struct_root.ParentTree)


def _next_parent_tree_key(struct_root: Any, parent_tree: Any) -> int:
    keys = list(parent_tree.keys())
    candidate = (max(keys) + 1) if keys else 0
    next_key = struct_root.get("/ParentTreeNextKey")
    if next_key is not None:
        candidate = max(candidate, int(next_key))
    return candidate


def _document_element(doc: pikepdf.Pdf, struct_root: Any) -> Any:
    """The /Document structure element (created under the root if there is none)."""
    import pikepdf

    kids = struct_root.get("/K")
    candidates: list[Any] = []
    if isinstance(kids, pikepdf.Array):
        candidates = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
    elif isinstance(kids, pikepdf.Dictionary):
        candidates = [kids]
    role_map = struct_root.get("/RoleMap", pikepdf.Dictionary())
    for kid in candidates:
        s = kid.get("/S")
        if s == "/Document" or role_map.get(str(s)) == "/Document":
            return kid
    if candidates:
        return candidates[0]
    element = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=struct_root, K=pikepdf.Array()
        )
    )
    struct_root.K = pikepdf.Array([element])
    return element


# --------------------------------------------------------------------------------------
# Metadata and saving
# --------------------------------------------------------------------------------------


def _aware(value: _dt.datetime | _dt.date) -> _dt.datetime:
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime.combine(value, _dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value.replace(microsecond=0)


def pdf_date(value: _dt.datetime | _dt.date) -> str:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` (a naive datetime is read as UTC)."""
    value = _aware(value)
    offset = value.utcoffset() or _dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"D:{value:%Y%m%d%H%M%S}{sign}{hours:02d}'{mins:02d}'"


def _xmp_date(value: _dt.datetime | _dt.date) -> str:
    return _aware(value).isoformat(timespec="seconds")


def _file_id(identity: str) -> bytes:
    return hashlib.sha256(identity.encode("utf-8")).digest()[:16]


def _apply_meta(doc: pikepdf.Pdf, meta: PdfMeta) -> None:
    import pikepdf
    from pikepdf import Name, String

    created = pdf_date(meta.created)
    info = doc.docinfo
    info.Title = String(meta.title)
    for key, value in (
        ("/Author", meta.author),
        ("/Subject", meta.subject),
        ("/Keywords", ", ".join(meta.keywords)),
    ):
        if value:
            info[key] = String(value)
        elif key in info:
            del info[key]
    info.CreationDate = String(created)
    info.ModDate = String(created)

    root = doc.Root
    root.Lang = String(meta.lang)
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary):
        prefs = pikepdf.Dictionary()
        root.ViewerPreferences = prefs
    prefs.DisplayDocTitle = True
    if "/StructTreeRoot" in root:
        mark_info = root.get("/MarkInfo")
        if not isinstance(mark_info, pikepdf.Dictionary):
            mark_info = pikepdf.Dictionary()
            root.MarkInfo = mark_info
        mark_info.Marked = True
        # Recent viewers honour /Tabs /S only per page: set it wherever there are annotations.
        for page in doc.pages:
            if "/Annots" in page.obj:
                page.obj.Tabs = Name.S

    xmp_created = _xmp_date(meta.created)
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, "masa-docs:" + meta.identity)
    instance_id = uuid.uuid5(document_id, xmp_created)
    producer = str(info.get("/Producer", ""))
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:title"] = meta.title
        xmp["dc:language"] = [meta.lang]
        _set_or_drop(xmp, "dc:creator", [meta.author] if meta.author else None)
        _set_or_drop(xmp, "dc:description", meta.subject or None)
        _set_or_drop(xmp, "pdf:Keywords", ", ".join(meta.keywords) or None)
        _set_or_drop(xmp, "dc:subject", list(meta.keywords) or None)
        if producer:
            xmp["pdf:Producer"] = producer
        xmp["xmp:CreateDate"] = xmp_created
        xmp["xmp:ModifyDate"] = xmp_created
        xmp["xmp:MetadataDate"] = xmp_created
        xmp["xmpMM:DocumentID"] = f"uuid:{document_id}"
        xmp["xmpMM:InstanceID"] = f"uuid:{instance_id}"


def _set_or_drop(xmp: Any, key: str, value: Any) -> None:
    if value:
        xmp[key] = value
    elif key in xmp:
        del xmp[key]


def _save(doc: pikepdf.Pdf, meta: PdfMeta) -> bytes:
    import pikepdf

    first = pikepdf.String(_file_id(meta.identity))
    # qpdf keeps the first /ID element and, with deterministic_id, hashes the content for
    # the second: stable bytes, and the second element still changes when content does.
    doc.trailer.ID = pikepdf.Array([first, first])
    out = io.BytesIO()
    doc.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=True,
    )
    return out.getvalue()
