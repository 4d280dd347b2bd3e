"""The example partnership shipped with masa-docs, and ``init`` of a new content folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import MasaError


def example_dir() -> Path:
    """The example content folder (the repository's content/, shipped inside the package)."""
    from .resources import shipped

    return shipped("content")


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


#: The templates a partnership owns after ``init --with-templates``: the agreement the lawyers
#: edit and the stylesheet of the web pages and PDFs. The other templates stay masa-docs's own,
#: so they keep up with new versions.
OWNED_TEMPLATES = ("docx/agreement.docx", "html/style.css")
CONFIG_TEXT = """\
# masa-docs settings for this partnership (options on the command line win).
content = "content"
output = "build"
templates = "templates"
"""


def init_partnership(dest: Path, *, force: bool = False) -> list[Path]:
    """A partnership folder: ``content/`` (the example), ``templates/`` (the agreement template
    and stylesheet to own) and ``masa-docs.toml`` naming them. Run masa-docs inside it."""
    from .config import CONFIG_FILE
    from .resources import shipped

    if dest.exists() and any(dest.iterdir()) and not force:
        raise MasaError(
            f"{dest} exists and is not empty", "choose a new folder, or pass --force to overwrite"
        )
    copied = init_content(dest / "content", force=force)
    templates = shipped("templates")
    for rel in OWNED_TEMPLATES:
        target = dest / "templates" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(templates / rel, target)
        copied.append(target)
    (dest / CONFIG_FILE).write_text(CONFIG_TEXT, encoding="utf-8")
    copied.append(dest / CONFIG_FILE)
    return copied
