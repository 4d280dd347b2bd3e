"""Difference analysis for tagged PDFs signed by several people, one revision each.

pyHanko checks every revision added after a signature against a whitelist
(:class:`pyhanko.sign.diff_analysis.StandardDiffPolicy`). An object that existed in the signed
revision and is written again later must be *explained* along every path by which the signed
revision reaches it. Filling a signature field rewrites the field's widget annotation (its
/V and /AP). In a tagged PDF (PDF/UA) that widget is reached three ways: the AcroForm's
/Fields, the page's /Annots, and the structure tree, where a /Form structure element holds an
object reference (OBJR) whose /Obj is the widget. pyHanko's form rules explain the first two;
nothing explains the third, so every earlier signature is reported as suspiciously modified
(``There are unexplained xrefs ... also used in .Root.StructTreeRoot...K[0].Obj``).

:class:`SignedWidgetStructureRule` explains exactly that third path and nothing else:

* only for an object that was a signature field's widget in the signed revision and is one in
  the new revision, whose field had no value (/V) before and has one now;
* only the paths into the structure tree (``/Root /StructTreeRoot /K ...``) that end in an
  OBJR's ``/Obj``;
* the object itself is **not** approved by this rule: pyHanko's own form rules must still
  accept the change of the field (value and appearance, nothing else), and the structure
  element holding the OBJR must not have changed. Any other change (a page's content, another
  annotation, the structure tree itself) is still reported.

:data:`DIFF_POLICY` is pyHanko's default policy with this one rule added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    StandardDiffPolicy,
)
from pyhanko.sign.diff_analysis.rules_api import AbsoluteContext

__all__ = ["DIFF_POLICY", "SignedWidgetStructureRule"]


def _sig_field_value_state(obj: Any) -> bool | None:
    """For a signature widget: whether its field has a value (/V); None if not a sig widget."""
    if not isinstance(obj, generic.DictionaryObject) or obj.get("/Subtype") != "/Widget":
        return None
    field = obj
    if "/FT" not in field and "/Parent" in field:  # a widget below its field
        field = field["/Parent"]
        if not isinstance(field, generic.DictionaryObject):
            return None
    if field.get("/FT") != "/Sig":
        return None
    return "/V" in field


def _structure_objr_paths(old: HistoricalResolver, ref: generic.Reference) -> Iterator[Any]:
    """Paths from the trailer to ``ref`` through the structure tree, ending at an OBJR's /Obj."""
    # The same reverse index the policy itself builds (pyHanko internal API, guarded).
    load = getattr(old, "_load_reverse_xref_cache", None)
    usages = getattr(old, "_get_usages_of_ref", None)
    if load is None or usages is None:  # pragma: no cover - pyHanko changed
        return
    load()
    for path in usages(ref):
        parts = list(path)
        if len(parts) < 4 or parts[:3] != ["/Root", "/StructTreeRoot", "/K"] or parts[-1] != "/Obj":
            continue
        # The dictionary holding /Obj must be an object reference (OBJR) in the structure tree.
        container: Any = old.trailer_view
        try:
            for part in parts[:-1]:
                container = container[part]
                if isinstance(container, generic.IndirectObject):
                    container = container.get_object()
        except (KeyError, IndexError, TypeError):  # pragma: no cover - path came from the file
            continue
        if isinstance(container, generic.DictionaryObject) and container.get("/Type") == "/OBJR":
            yield path


class SignedWidgetStructureRule(QualifiedWhitelistRule):
    """Explain the structure tree's reference (OBJR) to a signature widget filled in this revision.

    Yields path-level approvals (:class:`AbsoluteContext`) at form-filling level, so the widget
    counts as explained only when the form rules explain its other paths too.
    """

    def apply_qualified(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        xrefs = old.reader.xrefs
        for ref in new.explicit_refs_in_revision():
            if xrefs.get_historical_ref(ref, old.revision) is None:
                continue  # a new object: not this rule's business
            before = _sig_field_value_state(old(ref))
            after = _sig_field_value_state(new(ref))
            if before is not False or after is not True:
                continue  # not an empty signature widget being filled
            for path in _structure_objr_paths(old, ref):
                context = AbsoluteContext(path=path, pdf_handler=old)
                yield ModificationLevel.FORM_FILLING, ReferenceUpdate(ref, context_checked=context)


#: pyHanko's default difference policy plus :class:`SignedWidgetStructureRule`.
DIFF_POLICY = StandardDiffPolicy(
    global_rules=[*DEFAULT_DIFF_POLICY.global_rules, SignedWidgetStructureRule()],
    form_rule=DEFAULT_DIFF_POLICY.form_rule,
)
