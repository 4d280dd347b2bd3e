"""Validate a content folder as it would be with one file changed: the messages of 'validate'.

The folder's content files are copied to a temporary folder, the one file is replaced by its
candidate text, and :func:`masa_docs.load.load_content` runs on the copy, so the editor shows
exactly the diagnostics (file:line:column, field path, message, hint) that ``masa-docs
validate`` would print after saving. File names in the diagnostics are mapped back to the
content folder's.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import ContentError, Diagnostic
from ..load import content_files, load_content


@dataclass(frozen=True)
class Located:
    """A diagnostic with the content-relative file it belongs to (for links to the editor)."""

    diagnostic: Diagnostic
    rel: str | None  # e.g. "partners.yaml"; None when it is about the folder

    def as_dict(self) -> dict[str, Any]:
        d = self.diagnostic
        return {
            "file": d.file,
            "rel": self.rel,
            "line": d.line,
            "column": d.column,
            "field": d.field_path,
            "message": d.message,
            "hint": d.hint,
            "severity": d.severity,
            "location": d.location(),
            "text": d.format(),
        }


def display_name(root: Path, rel: str) -> str:
    """How load.py names a file of ``root`` (relative to the working folder when inside it)."""
    path = root / rel
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def relative_to_root(root: Path, file: str) -> str | None:
    """The content-relative path of a diagnostic's file, or None."""
    path = Path(file)
    if not path.is_absolute():
        path = Path.cwd() / path
    try:
        rel = Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(root)))
    except ValueError:
        return None
    return rel.as_posix() if rel.parts else None


def locate(root: Path, diags: list[Diagnostic]) -> list[Located]:
    return [Located(d, relative_to_root(root, d.file)) for d in diags]


def validate_candidate(root: Path, rel: str, text: str) -> list[Located]:
    """Every problem the folder would have with ``rel`` holding ``text`` ([] when valid)."""
    with tempfile.TemporaryDirectory(prefix="masa-serve-") as tmp:
        copy = Path(tmp) / "content"
        copy.mkdir()
        for path in content_files(root):
            if path.is_symlink():
                continue
            dest = copy / path.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        try:
            load_content(copy)
        except ContentError as exc:
            out = []
            for d in exc.diagnostics:
                file_rel = relative_to_root(copy, d.file)
                if file_rel is not None:
                    d = replace(d, file=display_name(root, file_rel))
                elif Path(d.file) == copy:
                    d = replace(d, file=str(root))
                out.append(Located(d, file_rel))
            return out
    return []
