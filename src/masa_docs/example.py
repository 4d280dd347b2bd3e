"""The example partnership shipped with masa-docs, and ``init`` of a new content folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import MasaError


def example_dir() -> Path:
    """The example content folder (the repository's content/)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "content", here.parent / "data" / "example"):
        if (candidate / "partnership.yaml").is_file():
            return candidate
    raise MasaError("the example content was not found", "run masa-docs from a checkout of the repository")


#: A new partnership starts with no recorded signatures: nobody has signed its documents yet.
NOT_COPIED = frozenset({"signatures.yaml"})


def init_content(dest: Path, *, force: bool = False) -> list[Path]:
    """Copy the example partnership into ``dest`` (which must be empty or not exist).

    The example's recorded signatures (``signatures.yaml``) are not copied.
    """
    if dest.exists() and any(dest.iterdir()) and not force:
        raise MasaError(
            f"{dest} exists and is not empty", "choose a new folder, or pass --force to overwrite"
        )
    src = example_dir()
    copied = []
    for path in sorted(src.rglob("*")):
        if path.relative_to(src).as_posix() in NOT_COPIED:
            continue
        if path.is_file():
            target = dest / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied.append(target)
    return copied
