"""Publishing again when nothing changed, without loading the content.

A publish that changed nothing still had to read and validate every content file (about a
second for the example) before it could find out that every output is "unchanged". This
module remembers, for each output folder, what the last successful publish into it was made
from and what it said, so that the next publish can answer at once when nothing it reads has
changed:

* the **sources digest**: sha256 over every file (name, kind, bytes) in the content folder,
  the signed-copies folder and the template folders, masa-docs itself
  (:func:`masa_docs.publish.tool_digest`: its code, rule packs and rendering libraries) and
  the selection (``--doc``, ``--format``, ``--period``, ``--record-content``);
* the ``manifest.json`` that publish wrote (its sha256): every file it lists must still be in
  the folder with its recorded sha256, so an output deleted or changed by hand is noticed;
* what the publish said: each output (in order), the compliance summary, each document's
  status line and the signed copies' status. These depend on today's date (deadlines, rules
  about time that has passed), so they are only reused on the same day.

The record lives outside the output folder, in the user's cache folder
(``$MASA_DOCS_CACHE``, else ``$XDG_CACHE_HOME/masa-docs``, else ``~/.cache/masa-docs``), one
small JSON file per output folder (records of folders that are gone are dropped): the
published folder stays exactly what publish made, with no dates in it. A missing,
unreadable or outdated record only means the full publish runs; ``publish --force`` never
uses it. Writing it is best effort (a read-only home is fine).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MasaError

if TYPE_CHECKING:
    from .publish import OutputResult, PublishResult

#: Bump when what is recorded changes: older records are then ignored.
RECIPE = 1


@dataclass(frozen=True)
class RecordedSignedCopy:
    """A signed copy as the last publish reported it (what ``publish`` prints of one)."""

    site_name: str
    source: str
    status: str


def record_path(out_dir: Path) -> Path:
    """The record of the last publish into ``out_dir`` (one per output folder)."""
    from .resources import cache_folder

    key = hashlib.sha256(str(out_dir.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_folder() / "publish" / f"{key[:32]}.json"


def _tree(h: Any, label: str, folder: Path) -> None:
    """Every entry under ``folder``: its name and kind, a symlink's target, a file's bytes."""
    h.update(f"\0{label}\0".encode())
    if not folder.is_dir():
        h.update(b"absent")
        return
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        rel_top = Path(top).relative_to(folder).as_posix()
        for name in sorted(dirs):
            if name == "__pycache__":
                continue
            path = os.path.join(top, name)
            kind = f"link:{os.readlink(path)}" if os.path.islink(path) else "dir"
            h.update(f"{rel_top}/{name}\0{kind}\0".encode("utf-8", "surrogateescape"))
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(files):
            path = os.path.join(top, name)
            h.update(f"{rel_top}/{name}\0".encode("utf-8", "surrogateescape"))
            if os.path.islink(path):
                h.update(f"link:{os.readlink(path)}\0".encode("utf-8", "surrogateescape"))
            try:
                with open(path, "rb") as fh:
                    h.update(fh.read())
            except OSError as exc:  # a dangling link, a file that cannot be read
                h.update(f"unreadable:{exc.errno}".encode())
            h.update(b"\0")


def sources_digest(
    content_dir: Path,
    *,
    templates: Path | str | None,
    signed_dir: Path | None,
    selection: Sequence[Any],
) -> str:
    """sha256 of everything a publish reads, and of what it was asked for."""
    from .publish import tool_digest
    from .resources import template_folders
    from .signing.core import signed_dir_for

    h = hashlib.sha256()
    h.update(f"masa-docs sources {RECIPE}\0{tool_digest()}\0{selection!r}".encode())
    _tree(h, "content", content_dir)
    _tree(h, "signed", signed_dir_for(content_dir, signed_dir))
    try:
        folders = template_folders(templates)
    except MasaError:  # not a templates folder: the full publish says so, in its usual order
        h.update(b"\0templates: not a templates folder")
        return h.hexdigest()
    for i, folder in enumerate((*folders.html, *folders.docx)):
        _tree(h, f"templates {i}", folder)
    return h.hexdigest()


def _sha256_file(path: Path) -> str | None:
    """The file's sha256, or None when it is not a regular file (gone, a symlink, a folder)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def _folder_intact(out_dir: Path, manifest: dict[str, Any]) -> bool:
    """Every file the manifest lists (outputs, index, signed copies) is there as recorded."""
    listed = dict(manifest.get("files") or {})
    listed.update(manifest.get("signed_copies") or {})
    for name, entry in listed.items():
        if not isinstance(entry, dict) or entry.get("stale"):
            return False
        if _sha256_file(out_dir / name) != entry.get("sha256"):
            return False
    return True


def remember(
    out_dir: Path,
    digest: str,
    result: PublishResult,
    outputs: Sequence[OutputResult],
    manifest_bytes: bytes,
) -> None:
    """Record a successful publish into ``out_dir``: ``outputs`` are its outputs in order (one
    per output, as a publish with nothing to do lists them). Best effort: a record that cannot
    be written only means the next publish does the full work."""
    if result.skipped or result.stale:
        return  # the next publish must try those again
    record = {
        "recipe": RECIPE,
        "out_dir": str(out_dir.resolve()),
        "sources": digest,
        "date": dt.date.today().isoformat(),
        "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
        "fingerprint": result.fingerprint,
        "outputs": [[o.doc, o.fmt, o.file, o.size, o.sha256, o.pages] for o in outputs],
        "kept": list(result.kept),
        "compliance": result.compliance,
        "status": list(result.status),
        "signed": [[c.site_name, str(c.source), c.status] for c in result.signed],
    }
    path = record_path(out_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Drop the records of output folders that are gone (e.g. temporary ones)."""
    try:
        for other in folder.glob("*.json"):
            try:
                out = json.loads(other.read_text(encoding="utf-8")).get("out_dir")
            except (OSError, ValueError, AttributeError):
                out = None
            if not isinstance(out, str) or not Path(out).is_dir():
                other.unlink(missing_ok=True)
    except OSError:
        pass


def recall(out_dir: Path, digest: str) -> dict[str, Any] | None:
    """The record of the last publish into ``out_dir`` when it was made from ``digest`` today
    and the folder is still exactly what it wrote; else None."""
    try:
        record = json.loads(record_path(out_dir).read_text(encoding="utf-8"))
        manifest_bytes = (out_dir / "manifest.json").read_bytes()
    except (OSError, ValueError):
        return None
    if (
        not isinstance(record, dict)
        or record.get("recipe") != RECIPE
        or record.get("sources") != digest
        or record.get("date") != dt.date.today().isoformat()
        or record.get("manifest_sha256") != hashlib.sha256(manifest_bytes).hexdigest()
    ):
        return None
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or manifest.get("skipped") or not _folder_intact(out_dir, manifest):
        return None
    return record


__all__ = ["RecordedSignedCopy", "recall", "record_path", "remember", "sources_digest"]
