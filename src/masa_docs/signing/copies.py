"""Signed copies: kept in their own folder, checked and published beside the unsigned builds.

The signed copies live in ``signed/`` beside the content folder (or a folder given with
``--signed``), named like ``threshold.pdf`` and ``yearly-report-2025-26.pdf``. ``publish``
never writes there: it reads each document's signed copy, verifies it against the content
(:func:`masa_docs.signing.verify_pdf`) and publishes it as ``signed/<name>`` in the site,
with who has signed it in the index and the manifest. A copy is called final only when it
carries every LSP's valid signature and was made from the current content.

:func:`guard_signed_pdfs_in_build` stops ``publish`` from replacing a build folder in which
someone has put a signed PDF (it would be lost): they are told to move it to the signed folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MasaError
from .core import signed_copy_name, signed_dir_for, verify_pdf

if TYPE_CHECKING:
    from ..load import LoadedContent
    from ..render.context import DocumentMeta
    from .core import FileVerification

SITE_FOLDER = "signed"


@dataclass(frozen=True)
class SignedCopy:
    """One document's signed copy as found in the signed folder and checked."""

    doc: str
    period: str | None
    title: str
    source: Path
    site_name: str  # where it goes in the published site, e.g. signed/threshold.pdf
    data: bytes
    verification: FileVerification

    @property
    def signed_by(self) -> list[str]:
        """'Name (partner id)' of each valid signature, in signing order."""
        return [f"{s.signer} ({s.partner})" for s in self.verification.signatures if s.valid and s.partner]

    @property
    def final(self) -> bool:
        return self.verification.complete

    @property
    def status(self) -> str:
        v = self.verification
        if v.complete:
            return "final: signed by every lead safeguarding partner"
        if not v.valid:
            return "not valid: " + "; ".join(v.problems + [p for s in v.signatures for p in s.problems])
        waiting = ", ".join(v.unsigned_fields)
        return f"awaiting signatures ({waiting})" if waiting else "not final"

    def manifest_entry(self) -> dict[str, Any]:
        v = self.verification
        return {
            "document": self.doc,
            "period": self.period,
            "sha256": v.sha256,
            "bytes": len(self.data),
            "fingerprint": v.fingerprint,
            "fingerprint_matches_content": v.fingerprint_ok,
            "valid": v.valid,
            "final": self.final,
            "signed_by": [
                {
                    "partner": s.partner,
                    "signer": s.signer,
                    "field": s.field_name,
                    "valid": s.valid,
                }
                for s in v.signatures
            ],
            "awaiting": list(v.unsigned_fields),
        }


def signed_copies(
    loaded: LoadedContent,
    content_dir: Path,
    metas: Mapping[str, DocumentMeta],
    signed_dir: Path | None = None,
) -> list[SignedCopy]:
    """The signed copy of each document in ``metas`` that exists in the signed folder, verified."""
    folder = signed_dir_for(content_dir, signed_dir)
    out: list[SignedCopy] = []
    if not folder.is_dir():
        return out
    seen: set[str] = set()
    for name, meta in metas.items():
        if not meta.spec.signed or meta.historical:
            continue
        # metas are keyed by output stem ("yearly-report-2025-26", "threshold-eastvale"), and
        # "yearly-report" is the newest report again: one signed copy per document and period.
        stem = meta.spec.name if meta.period else name
        file_name = signed_copy_name(stem, meta.period)
        if file_name in seen:
            continue
        seen.add(file_name)
        path = folder / file_name
        if not path.is_file():
            continue
        out.append(
            SignedCopy(
                doc=meta.spec.name,
                period=meta.period,
                title=meta.title,
                source=path,
                site_name=f"{SITE_FOLDER}/{file_name}",
                data=path.read_bytes(),
                verification=verify_pdf(path, loaded=loaded),
            )
        )
    return out


def index_rows(copies: Sequence[SignedCopy]) -> list[dict[str, Any]]:
    """Rows for the index's table of signed copies."""
    return [
        {
            "file": c.site_name,
            "document": c.title,
            "signed_by": ", ".join(s.split(" (")[0] for s in c.signed_by) or "nobody yet",
            "status": c.status,
            "final": c.final,
        }
        for c in copies
    ]


def guard_signed_pdfs_in_build(out_dir: Path, content_dir: Path, signed_dir: Path | None = None) -> None:
    """Refuse to replace ``out_dir`` when a PDF in it was signed after it was published.

    A PDF whose sha256 differs from the one in the build's manifest and that carries a
    signature would be lost when publish replaces the folder.
    """
    manifest = out_dir / "manifest.json"
    if not out_dir.is_dir() or not manifest.is_file():
        return
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        return
    import hashlib

    for pdf in sorted(out_dir.glob("*.pdf")):
        recorded = files.get(pdf.name, {}).get("sha256")
        data = pdf.read_bytes()
        if recorded == hashlib.sha256(data).hexdigest() or b"/ByteRange" not in data:
            continue
        folder = signed_dir_for(content_dir, signed_dir)
        raise MasaError(
            f"{pdf} has been signed since it was published; publish would replace it",
            f"keep signed copies in {folder}: move it there (e.g. mv {pdf} {folder / pdf.name}), "
            "then publish again",
        )
