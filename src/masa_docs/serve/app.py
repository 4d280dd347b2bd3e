"""What the editor can do, independent of HTTP: read a file for the form, validate, save.

Every method takes a path relative to the content folder and goes through
:func:`masa_docs.serve.files.content_file`, so nothing outside the content folder is ever read
or written.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MasaError
from ..load import read_yaml
from ..schema import topic_schema
from .files import ContentFile, FileRefused, atomic_write, content_file, editable_files
from .preview import Preview
from .refs import choices, references_for
from .validation import Located, display_name, validate_candidate
from .yamledit import EditError, updated_text

log = logging.getLogger(__name__)


class NotFound(FileRefused):
    """The content file does not exist."""


@dataclass(frozen=True)
class SaveResult:
    status: int  # 200 saved or unchanged, 409 changed on disk, 422 invalid
    body: dict[str, Any]


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_ready(value: Any) -> Any:
    """Plain YAML data (Decimals, dates as text) as JSON for the form: numbers as written."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    return str(value)


def _utf8(cf: ContentFile, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MasaError(
            f"{cf.rel} is not UTF-8 text (line {line}), so the form cannot open it",
            "open it in a text editor and save it as UTF-8",
        ) from None


@dataclass
class EditorApp:
    root: Path
    templates: Path | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    preview: Preview = field(init=False)
    _save_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.preview = Preview(self.root, self.templates)

    # ---- files

    def file(self, rel: str) -> ContentFile:
        cf = content_file(self.root, rel)
        if not cf.exists:
            raise NotFound(f"{rel} does not exist")
        return cf

    def files(self) -> list[ContentFile]:
        return editable_files(self.root)

    def problems_for(self, rel: str, problems: list[Located]) -> list[Located]:
        return [p for p in problems if p.rel == rel]

    def file_payload(self, rel: str) -> dict[str, Any]:
        """Everything the form needs: schema, data, the file's hash, choices for references."""
        cf = self.file(rel)
        raw = cf.path.read_bytes()
        text = _utf8(cf, raw)
        body: dict[str, Any] = {
            "path": cf.rel,
            "title": cf.title,
            "kind": cf.kind,
            "hash": _hash(raw),
            "display": display_name(self.root, cf.rel),
            "problems": [p.as_dict() for p in validate_candidate(self.root, cf.rel, text)],
        }
        if cf.kind == "markdown" or cf.schema is None:
            body["text"] = text
            return body
        diags: list[Any] = []
        got = read_yaml(cf.path, cf.rel, (), diags)
        body["schema"] = topic_schema(cf.schema)
        refs = references_for(cf.rel)
        body["references"] = {pattern: list(kinds) for pattern, kinds in refs.items()}
        body["choices"] = choices(self.root, {k for kinds in refs.values() for k in kinds})
        if got is None:  # not YAML the form can show: offer the text, with the problem
            body["text"] = text
            body["data"] = None
        else:
            body["data"] = _json_ready(got[0])
        return body

    # ---- validation and saving

    def candidate(self, cf: ContentFile, payload: dict[str, Any], base_text: str) -> str:
        """The file's new text from the form's ``data`` (YAML) or ``text`` (Markdown, raw)."""
        if "text" in payload and isinstance(payload["text"], str):
            return payload["text"]
        if cf.schema is None or "data" not in payload:
            raise EditError("nothing to save: send 'data' or 'text'")
        return updated_text(base_text, payload["data"], topic_schema(cf.schema))

    def validate(self, rel: str, payload: dict[str, Any]) -> list[Located]:
        cf = self.file(rel)
        text = _utf8(cf, cf.path.read_bytes())
        return validate_candidate(self.root, cf.rel, self.candidate(cf, payload, text))

    def save(self, rel: str, payload: dict[str, Any]) -> SaveResult:
        """Write the form if the file is unchanged since it was opened and the result is valid.

        ``payload["hash"]`` is the sha256 the file had when the form was opened; a different
        hash on disk is a conflict (409) unless ``payload["force"]`` is true. A candidate with
        problems in this file is never written (422).
        """
        cf = self.file(rel)
        with self._save_lock:
            raw = cf.path.read_bytes()
            on_disk = _hash(raw)
            if on_disk != payload.get("hash") and not payload.get("force"):
                return SaveResult(
                    409,
                    {
                        "saved": False,
                        "conflict": True,
                        "hash": on_disk,
                        "message": f"{cf.rel} was changed on disk since you opened it "
                        "(in another tab or another program).",
                    },
                )
            text = _utf8(cf, raw)
            new_text = self.candidate(cf, payload, text)
            problems = validate_candidate(self.root, cf.rel, new_text)
            own = [p for p in problems if p.rel == cf.rel and p.diagnostic.severity == "error"]
            if own:
                return SaveResult(
                    422,
                    {
                        "saved": False,
                        "message": f"Not saved: {len(own)} problem{'s' if len(own) != 1 else ''} "
                        f"in {cf.rel}. Nothing was written.",
                        "problems": [p.as_dict() for p in problems],
                    },
                )
            if new_text == text:
                return SaveResult(200, {"saved": False, "unchanged": True, "hash": on_disk, "problems": []})
            atomic_write(cf.path, new_text)
            log.info("saved %s", cf.rel)
        self.preview.rebuild()
        return SaveResult(
            200,
            {
                "saved": True,
                "hash": _hash(new_text.encode("utf-8")),
                "message": f"Saved {cf.rel}.",
                "problems": [p.as_dict() for p in problems],
            },
        )

    def check_token(self, token: str | None) -> bool:
        return token is not None and secrets.compare_digest(token.encode(), self.token.encode())
