"""What changed between two versions of a partnership's content or published documents.

:func:`compare` takes two :class:`~masa_docs.diff.sides.Side` objects and makes:

- the facts that changed (:mod:`masa_docs.diff.facts`), as text, Markdown and ``changes.html``;
- ``agreement-changes.docx``: the agreement with real Word tracked changes, and its PDF;
- ``<document>-changes.html`` and ``.pdf`` for the arrangements, threshold and yearly report,
  with ``<ins>``/``<del>`` marks.

Nothing is read from the clock: dates come from the content, so the outputs are deterministic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import MasaError
from .facts import Change, FactChanges, compare_content, compare_manifests
from .sides import Side, folder_side, revision_side

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..render.pdf import PdfMeta

HTML_DOCS: tuple[str, ...] = ("arrangements", "threshold", "yearly-report")
SUMMARY_FILE = "changes.html"
KIND_LABELS = {"added": "Added", "removed": "Removed", "changed": "Changed"}


@dataclass(frozen=True)
class DocumentChanges:
    doc: str
    title: str
    file: str
    insertions: int
    deletions: int
    pdf: str | None = None  # the PDF beside it, when one was made

    @property
    def summary(self) -> str:
        from .facts import plural

        if not self.insertions and not self.deletions:
            return "no change"
        return f"{plural(self.insertions, 'insertion')} and {plural(self.deletions, 'deletion')}"


@dataclass
class DiffResult:
    old: Side
    new: Side
    facts: FactChanges
    files: dict[str, bytes] = field(default_factory=dict)
    documents: list[DocumentChanges] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def write(self, out_dir: Path | str) -> list[Path]:
        """Write every output into ``out_dir`` (created if needed); returns the paths written."""
        out = Path(out_dir)
        check_out_dir(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in sorted(self.files.items()):
            path = out / name
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            written.append(path)
        return written


def check_out_dir(out: Path) -> None:
    """Refuse to write into a content folder: never lose a user's file."""
    if (out / "partnership.yaml").exists():
        raise MasaError(
            f"{out} is a content folder", "write the changes to another folder, e.g. --out changes"
        )


# ------------------------------------------------------------------ sides


def resolve_sides(
    old: Path | None,
    new: Path | None,
    *,
    rev_from: str | None,
    rev_to: str | None,
    content_dir: Path,
    workdir: Path,
) -> tuple[Side, Side]:
    """The two sides from the command's arguments: two folders, or git revisions of the
    content folder (``--to`` omitted means the folder as it is now)."""
    if rev_from is not None or rev_to is not None:
        if old is not None or new is not None:
            raise MasaError("give either two folders or --from/--to, not both")
        if rev_from is None:
            raise MasaError("--to needs --from", "e.g. masa-docs diff --from HEAD~1 --to HEAD")
        a = revision_side(content_dir, rev_from, workdir / "old")
        b = revision_side(content_dir, rev_to, workdir / "new") if rev_to else folder_side(content_dir)
        return a, b
    if old is None or new is None:
        raise MasaError(
            "give two folders to compare, or --from REV", "e.g. masa-docs diff old-content content"
        )
    return folder_side(old), folder_side(new)


# ------------------------------------------------------------------ the comparison


def _date_of(side: Side) -> dt.date | None:
    if side.model is not None:
        return side.model.agreement.dated
    entry = (side.manifest or {}).get("files", {}).get("agreement.docx", {})
    return dt.date.fromisoformat(entry["date"]) if entry.get("date") else None


def _partnership(side: Side) -> tuple[str, str, str]:
    """(name, short name, language)."""
    if side.model is not None:
        p = side.model.partnership
        return p.name, p.short_name, p.language
    name = str((side.manifest or {}).get("partnership") or "the partnership")
    return name, name, "en-GB"


def _period(side: Side, want: str | None) -> str | None:
    if side.model is None:
        return None
    periods = side.model.report_periods
    if not periods:
        return None
    return want if want in periods else periods[-1]


def _page(side: Side, doc: str, period: str | None) -> str | None:
    if side.published is not None:
        path = side.published / f"{doc}.html"
        if doc == "yearly-report" and period is not None:
            # every period's report is published as yearly-report-<period>.html
            path = next((p for p in (side.published / f"{doc}-{period}.html", path) if p.is_file()), path)
        return path.read_text(encoding="utf-8") if path.is_file() else None
    assert side.loaded is not None
    from ..render import RenderRequest
    from ..render.html import render_html

    if doc == "yearly-report" and period is None:
        return None
    return render_html(
        side.loaded, RenderRequest(doc, "html", period=period if doc == "yearly-report" else None)
    )


def _agreement(side: Side, notes: list[str]) -> bytes | None:
    if side.published is not None:
        path = side.published / "agreement.docx"
        return path.read_bytes() if path.is_file() else None
    assert side.loaded is not None
    from ..render import RenderRequest
    from ..render.agreement import render_docx

    request = RenderRequest("agreement", "docx")
    if side.agreement_template is not None:
        try:
            return render_docx(side.loaded, request, template=side.agreement_template).data
        except MasaError as exc:
            notes.append(
                f"The Word template of {side.label} could not be used ({exc.message}); "
                "its agreement was made with the current template."
            )
    return render_docx(side.loaded, request).data


def _legend(doc_title: str, old: Side, new: Side) -> str:
    from markupsafe import escape

    return (
        f"<p><strong>What changed.</strong> This copy of {escape(doc_title)} shows the changes from "
        f"{escape(old.label)} (version {escape(old.version)}) to {escape(new.label)} "
        f"(version {escape(new.version)}). Inserted text is underlined and announced as “inserted”; "
        f"deleted text is struck through and announced as “deleted”. "
        f'The facts that changed are listed in <a href="{SUMMARY_FILE}">What changed</a>.</p>'
    )


def compare_facts(old: Side, new: Side) -> FactChanges:
    """The facts that changed: from the content models (a published folder's is its
    ``content.json``), or, when a published folder has none, from the manifests."""
    if old.model is not None and new.model is not None:
        return compare_content(old.model, new.model)
    facts = compare_manifests(_manifest_of(old), _manifest_of(new))
    for side in (old, new):
        if side.record_problem:
            facts.notes.append(f"{side.record_problem}: only its manifest was compared.")
    return facts


def compare(
    old: Side,
    new: Side,
    *,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DiffResult:
    """Compare two sides and make every output in memory."""
    say = progress or (lambda _m: None)
    facts = compare_facts(old, new)
    result = DiffResult(old, new, facts)
    name, short, language = _partnership(new)
    date = _date_of(new) or _date_of(old)

    # The agreement as tracked changes.
    say("agreement-changes.docx")
    a, b = _agreement(old, facts.notes), _agreement(new, facts.notes)
    if a is None or b is None:
        result.skipped.append(("agreement-changes.docx", "one side has no agreement.docx"))
    elif date is None:
        result.skipped.append(("agreement-changes.docx", "the agreement's date is not known"))
    else:
        from .redline import redline

        red = redline(
            a,
            b,
            author=f"{short} (masa-docs)",
            date=date,
            title=f"Collaboration agreement: changes — {name}",
            language=language,
        )
        result.files["agreement-changes.docx"] = red.data
        result.documents.append(
            DocumentChanges(
                "agreement",
                "Collaboration agreement (Word, tracked changes)",
                "agreement-changes.docx",
                red.insertions,
                red.deletions,
            )
        )
        if pdf:
            _agreement_pdf(result, red.data, _pdf_meta("Collaboration agreement", name, language, date, new))

    # The HTML documents, marked up.
    from ..documents import DOCUMENTS
    from .htmldiff import mark_changes

    new_period = _period(new, None)
    for doc in HTML_DOCS:
        title = DOCUMENTS[doc].title
        old_html = _page(old, doc, _period(old, new_period))
        new_html = _page(new, doc, new_period)
        file = f"{doc}-changes.html"
        if old_html is None or new_html is None:
            result.skipped.append((file, f"one side has no {doc} page"))
            continue
        say(file)
        marked = mark_changes(
            old_html, new_html, legend=_legend(title, old, new), title=f"What changed: {title} — {name}"
        )
        result.files[file] = marked.html.encode("utf-8")
        result.documents.append(DocumentChanges(doc, title, file, marked.insertions, marked.deletions))
        if pdf and date is None:
            result.skipped.append((f"{doc}-changes.pdf", "no date is known for its metadata"))
        elif pdf and date is not None:
            say(f"{doc}-changes.pdf")
            result.files[f"{doc}-changes.pdf"] = html_pdf(
                marked.html, _pdf_meta(title, name, language, date, new)
            )

    result.documents = [
        dataclasses.replace(d, pdf=d.file.rsplit(".", 1)[0] + ".pdf")
        if d.file.rsplit(".", 1)[0] + ".pdf" in result.files
        else d
        for d in result.documents
    ]
    result.files[SUMMARY_FILE] = summary_html(result).encode("utf-8")
    result.files["changes.md"] = summary_markdown(result).encode("utf-8")
    return result


def _manifest_of(side: Side) -> dict[str, Any]:
    if side.manifest is not None:
        return side.manifest
    assert side.loaded is not None
    return {"content_fingerprint": side.loaded.fingerprint, "files": {}}


def _pdf_meta(title: str, name: str, language: str, date: dt.date, new: Side) -> PdfMeta:
    """PDF metadata from the content: the date is the new agreement's, never the clock's."""
    from ..render.pdf import PdfMeta

    identity = (
        new.loaded.fingerprint
        if new.loaded is not None
        else str((new.manifest or {}).get("content_fingerprint"))
    )
    return PdfMeta(
        title=f"What changed: {title} — {name}",
        lang=language,
        created=dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC),
        identity=f"{identity}:{title}:changes",
        author=name,
        subject=f"What changed in {title}",
    )


def agreement_pdf(docx: bytes, meta: PdfMeta) -> bytes:
    """The redline as PDF through LibreOffice, which prints the tracked changes as marked up;
    made deterministic as the published agreement is."""
    from ..render.agreement import stabilise_libreoffice_pdf
    from ..render.libreoffice import docx_to_pdf
    from ..render.pdf import finalise_pdf

    return finalise_pdf(stabilise_libreoffice_pdf(docx_to_pdf(docx), meta.created), meta)


def _agreement_pdf(result: DiffResult, docx: bytes, meta: PdfMeta) -> None:
    from ..render.libreoffice import LibreOfficeError, LibreOfficeMissing

    try:
        result.files["agreement-changes.pdf"] = agreement_pdf(docx, meta)
    except LibreOfficeMissing as exc:
        result.skipped.append(("agreement-changes.pdf", str(exc)))
    except LibreOfficeError as exc:
        result.skipped.append(("agreement-changes.pdf", f"LibreOffice failed: {exc}"))


def html_pdf(html: str, meta: PdfMeta) -> bytes:
    """A marked-up page as a tagged PDF, through the documents' own renderer."""
    import logging

    from ..render.html_pdf import _NOISE
    from ..render.pdf import html_to_pdf

    weasy_log = logging.getLogger("weasyprint")
    if _NOISE not in weasy_log.filters:
        weasy_log.addFilter(_NOISE)
    return html_to_pdf(html, meta=meta).data


# ------------------------------------------------------------------ the summary


def summary_text(result: DiffResult) -> str:
    lines = [
        f"What changed from {result.old.label} (version {result.old.version}) "
        f"to {result.new.label} (version {result.new.version})",
        "",
    ]
    if not result.facts.changes:
        lines.append("No fact changed.")
    for topic, changes in result.facts.by_topic():
        lines.append(f"{topic}:")
        lines.extend(f"  - {KIND_LABELS[c.kind]}: {c.text}" for c in changes)
    lines.extend(f"Note: {n}" for n in result.facts.notes)
    if result.documents:
        lines.append("")
        lines.extend(f"{d.file}: {d.summary}" for d in result.documents)
    lines.extend(f"{f}: not made ({why})" for f, why in result.skipped)
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def summary_markdown(result: DiffResult) -> str:
    out = [
        f"# What changed: {_md(result.old.label)} to {_md(result.new.label)}",
        "",
        f"From version {_md(result.old.version)} to version {_md(result.new.version)}.",
        "",
    ]
    if not result.facts.changes:
        out += ["No fact changed.", ""]
    for topic, changes in result.facts.by_topic():
        out += [f"## {_md(topic)}", ""]
        out += [f"- **{KIND_LABELS[c.kind]}:** {_md(c.text)}" for c in changes]
        out.append("")
    out += [f"_{_md(n)}_" for n in result.facts.notes]
    if result.documents:
        out += ["## The documents, marked up", ""]
        out += [f"- [{_md(d.title)}]({d.file}): {d.summary}" for d in result.documents]
    return "\n".join(out).rstrip() + "\n"


def summary_html(result: DiffResult) -> str:
    from ..render.html import environment, stylesheet

    name, _short, language = _partnership(result.new)
    ctx = {
        "language": language,
        "partnership_name": name,
        "old_label": result.old.label,
        "new_label": result.new.label,
        "old_version": result.old.version,
        "new_version": result.new.version,
        "groups": result.facts.by_topic(),
        "notes": result.facts.notes,
        "documents": result.documents,
        "kind_labels": KIND_LABELS,
        "tool_version": __version__,
        "stylesheet": stylesheet(),
    }
    return environment().get_template(SUMMARY_FILE).render(ctx)


def facts_json(result: DiffResult) -> str:
    body = {
        "old": {"label": result.old.label, "version": result.old.version},
        "new": {"label": result.new.label, "version": result.new.version},
        "changes": [
            {"topic": c.topic, "kind": c.kind, "path": c.path, "text": c.text} for c in result.facts.changes
        ],
        "notes": result.facts.notes,
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def temp_workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="masa-docs-diff-")


__all__ = [
    "Change",
    "DiffResult",
    "DocumentChanges",
    "FactChanges",
    "Side",
    "check_out_dir",
    "compare",
    "compare_content",
    "compare_facts",
    "folder_side",
    "resolve_sides",
    "revision_side",
    "summary_html",
    "summary_markdown",
    "summary_text",
]
