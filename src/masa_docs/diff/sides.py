"""The two sides of a comparison: a content folder, a git revision of one, or a published folder.

A git revision is read with ``git archive`` into a temporary folder: the user's work tree and
index are never touched. The Word template of the agreement is taken from the same revision
when the repository has one there, so a clause reworded in the template shows in the redline.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ContentError, MasaError
from ..load import LoadedContent, load_content
from ..model.content import Content

MANIFEST = "manifest.json"
AGREEMENT_TEMPLATE = "templates/docx/agreement.docx"


@dataclass
class Side:
    label: str  # how the side is named in the outputs, e.g. "content at HEAD~1"
    loaded: LoadedContent | None = None  # a content folder (or a revision of one)
    published: Path | None = None  # a published output folder
    manifest: dict[str, Any] | None = None
    agreement_template: Path | None = None  # a Word template from the same revision
    recorded: Content | None = None  # a published folder's content.json, when it has one
    record_problem: str | None = None  # why a published folder's content.json could not be used

    @property
    def model(self) -> Content | None:
        """The content model: the folder's, or the one a published folder recorded."""
        return self.loaded.content if self.loaded is not None else self.recorded

    @property
    def version(self) -> str:
        if self.model is not None:
            return self.model.partnership.version
        files = (self.manifest or {}).get("files", {})
        for entry in files.values():
            if entry.get("document") == "arrangements" and entry.get("version"):
                return str(entry["version"])
        return "not known"


def is_published(folder: Path) -> bool:
    path = folder / MANIFEST
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("tool") == "masa-docs"
    except (ValueError, OSError):
        return False


def folder_side(folder: Path, label: str | None = None) -> Side:
    """A content folder or a published output folder (one with masa-docs' manifest.json)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MasaError(
            f"{folder} is not a folder", "give a content folder, a published folder, or --from/--to REV"
        )
    if is_published(folder):
        from ..content_record import read_content_record

        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        record = read_content_record(folder)
        return Side(
            label or f"published {folder}",
            published=folder,
            manifest=manifest,
            recorded=record.content if record else None,
            record_problem=record.problem if record else None,
        )
    return Side(label or str(folder), loaded=load_content(folder))


def _git(repo: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise MasaError("git is not installed", "install git, or compare two folders instead") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MasaError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return proc.stdout


def revision_side(content_dir: Path, rev: str, workdir: Path) -> Side:
    """The content folder as it was at git revision ``rev``, extracted under ``workdir``."""
    content_dir = Path(content_dir).resolve()
    if not content_dir.is_dir():
        raise MasaError(f"content folder {content_dir} not found", "pass --content DIR inside a git checkout")
    try:
        top = Path(_git(content_dir, "rev-parse", "--show-toplevel").decode().strip())
    except MasaError:
        raise MasaError(
            f"{content_dir} is not inside a git repository", "compare two folders instead of --from/--to"
        ) from None
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except MasaError:
        raise MasaError(
            f"git revision '{rev}' not found", "give a commit, tag or branch, e.g. HEAD~1 or v3.0"
        ) from None
    prefix = content_dir.relative_to(top.resolve()).as_posix()
    target = workdir / commit[:12]
    target.mkdir(parents=True, exist_ok=True)
    try:
        data = _git(top, "archive", "--format=tar", commit, "--", prefix)
    except MasaError:
        raise MasaError(
            f"{prefix}/ does not exist at revision '{rev}'", "pick a revision that has the content folder"
        ) from None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    template: Path | None = None
    listed = _git(top, "ls-tree", "--name-only", commit, "--", AGREEMENT_TEMPLATE).decode().strip()
    if listed:
        template = target / "agreement-template.docx"
        template.write_bytes(_git(top, "show", f"{commit}:{AGREEMENT_TEMPLATE}"))
    try:
        loaded = load_content(target / prefix)
    except ContentError as exc:  # point at the file as it is named in the repository, at rev
        root = str(target / prefix)
        exc.diagnostics = [
            dataclasses.replace(d, file=f"{rev}:{prefix}{d.file[len(root) :]}")
            if d.file.startswith(root)
            else d
            for d in exc.diagnostics
        ]
        raise
    return Side(f"{prefix}/ at {rev} ({commit[:12]})", loaded=loaded, agreement_template=template)
