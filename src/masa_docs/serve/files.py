"""Which files the editor may read and write: content files only, never anything else.

A request names a file by its path relative to the content folder (``partners.yaml``,
``reports/2025-26.yaml``, ``governance.md``). :func:`content_file` accepts only the names a
content folder can hold (the topic files, ``reports/<period>.yaml`` and the narrative Markdown
files), refuses absolute paths, ``..``, backslashes and symbolic links, and checks that the
resolved path is still inside the content folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import MasaError
from ..load import PERIOD_FILE
from ..model import NARRATIVE_NAMES, REPORTS_DIR, TOPIC_FILES
from ..schema import REPORT_SCHEMA

_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(yaml|md)$")


class FileRefused(MasaError):
    """The path is not an editable content file (HTTP 404, never a hint of what exists)."""


@dataclass(frozen=True)
class ContentFile:
    rel: str  # posix path relative to the content folder
    path: Path  # absolute path
    kind: str  # "yaml" or "markdown"
    schema: str | None  # name for masa_docs.schema.topic_schema (yaml only)
    title: str  # what the editor calls it

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def _schema_for(rel: str) -> str | None:
    if rel.startswith(REPORTS_DIR + "/"):
        return REPORT_SCHEMA
    return rel[: -len(".yaml")] if rel in TOPIC_FILES.values() else None


def _title(rel: str) -> str:
    if rel.startswith(REPORTS_DIR + "/"):
        return f"Yearly report {rel.split('/', 1)[1][:-5]}"
    stem, ext = rel.rsplit(".", 1)
    words = stem.replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:] + (" (narrative)" if ext == "md" else "")


def is_allowed_name(rel: str) -> bool:
    """True for a path a content folder may hold (before looking at the disk)."""
    parts = rel.split("/")
    if len(parts) == 1:
        name = parts[0]
        return name in TOPIC_FILES.values() or (name.endswith(".md") and name[:-3] in NARRATIVE_NAMES)
    if len(parts) == 2 and parts[0] == REPORTS_DIR:
        name = parts[1]
        return name.endswith(".yaml") and PERIOD_FILE.match(name[:-5]) is not None
    return False


def content_file(root: Path, rel: str) -> ContentFile:
    """The content file ``rel`` names, or :class:`FileRefused`.

    The file need not exist (a narrative file may be created), but every existing component of
    its path must be a real folder or file inside ``root``, not a symbolic link.
    """
    if not rel or "\\" in rel or "\0" in rel or rel.startswith("/") or rel != rel.strip():
        raise FileRefused(f"not a content file: {rel!r}")
    parts = rel.split("/")
    if any(p in ("", ".", "..") or (not _SAFE_NAME.match(p) and p != REPORTS_DIR) for p in parts):
        raise FileRefused(f"not a content file: {rel!r}")
    if not is_allowed_name(rel):
        raise FileRefused(f"not a content file: {rel!r}")
    root_real = Path(os.path.realpath(root))
    path = root_real.joinpath(*parts)
    probe = root_real
    for part in parts:
        probe = probe / part
        if probe.is_symlink():
            raise FileRefused(f"{rel} is a symbolic link; the editor opens only real files")
    real = Path(os.path.realpath(path))
    if real.parent != root_real and real.parent.parent != root_real:
        raise FileRefused(f"not a content file: {rel!r}")
    if not str(real).startswith(str(root_real) + os.sep):
        raise FileRefused(f"not a content file: {rel!r}")
    kind = "markdown" if rel.endswith(".md") else "yaml"
    return ContentFile(rel, real, kind, _schema_for(rel) if kind == "yaml" else None, _title(rel))


def editable_files(root: Path) -> list[ContentFile]:
    """Every content file present that the editor offers: topic files, reports, narrative."""
    out: list[ContentFile] = []
    for name in TOPIC_FILES.values():
        if (root / name).is_file():
            try:
                out.append(content_file(root, name))
            except FileRefused:
                continue
    reports = root / REPORTS_DIR
    if reports.is_dir() and not reports.is_symlink():
        for path in sorted(reports.iterdir()):
            rel = f"{REPORTS_DIR}/{path.name}"
            if path.is_file() and is_allowed_name(rel):
                try:
                    out.append(content_file(root, rel))
                except FileRefused:
                    continue
    for stem in NARRATIVE_NAMES:
        rel = f"{stem}.md"
        try:
            found = content_file(root, rel)
        except FileRefused:
            continue
        if found.exists:
            out.append(found)
    return out


def file_hash(path: Path) -> str | None:
    """sha256 of a file's bytes (None when it does not exist): what 'changed on disk' compares."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old or the new file, never half.

    A temporary file in the same folder is written, flushed to disk and renamed over the
    original; the original's permissions are kept.
    """
    data = text.encode("utf-8")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
