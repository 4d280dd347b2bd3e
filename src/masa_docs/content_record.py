"""``content.json``: the facts a published folder was made from.

``publish`` writes it beside the documents: the validated content model as JSON (the same facts
the documents print, without the YAML's comments or layout), with the content fingerprint and
the masa-docs version. It makes a published folder comparable fact by fact
(``masa-docs diff OLD-BUILD NEW-BUILD``) and gives the partnership's facts as open data.

Deterministic: keys sorted, no timestamps, the same content gives the same bytes.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .load import LoadedContent
from .model.content import Content

CONTENT_RECORD = "content.json"
RECORD_FORMAT = 1


def content_record(loaded: LoadedContent) -> bytes:
    """The bytes of ``content.json`` for ``loaded``."""
    with warnings.catch_warnings():
        # A fact recorded as not known sits where the annotation says a number: pydantic warns
        # while dumping it, and dumps it exactly (``{"unknown": "..."}``), as read.
        warnings.simplefilter("ignore", UserWarning)
        facts = loaded.content.model_dump(mode="json")
    body = {
        "tool": "masa-docs",
        "format": RECORD_FORMAT,
        "tool_version": __version__,
        "content_fingerprint": loaded.fingerprint,
        "content": facts,
    }
    return (json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class ReadRecord:
    """A published folder's ``content.json``: the model, or why it could not be read."""

    content: Content | None
    fingerprint: str | None
    problem: str | None = None


def read_content_record(folder: Path) -> ReadRecord | None:
    """The content model recorded in ``folder/content.json``; None when the folder has none
    (published before masa-docs wrote it). A record this version cannot read (another format,
    a model that changed since) gives a ``problem`` instead of raising: the caller falls back to
    what the manifest says."""
    path = Path(folder) / CONTENT_RECORD
    if not path.is_file():
        return None
    try:
        body: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return ReadRecord(None, None, f"{path} could not be read ({exc})")
    if not isinstance(body, dict) or body.get("tool") != "masa-docs" or "content" not in body:
        return ReadRecord(None, None, f"{path} was not written by masa-docs publish")
    fingerprint = body.get("content_fingerprint")
    if body.get("format") != RECORD_FORMAT:
        found = body.get("format")
        return ReadRecord(
            None, fingerprint, f"{path} has format {found!r}; this masa-docs reads {RECORD_FORMAT}"
        )
    from pydantic import ValidationError

    try:
        content = Content.model_validate(body["content"])
    except ValidationError as exc:
        made_by = body.get("tool_version", "another version")
        return ReadRecord(
            None,
            fingerprint,
            f"{path} (made by masa-docs {made_by}) does not fit this version's content model "
            f"({exc.error_count()} problems)",
        )
    return ReadRecord(content, fingerprint if isinstance(fingerprint, str) else None)
