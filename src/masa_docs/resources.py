"""Files masa-docs reads besides the content: its templates and the example partnership.

Installed from a wheel or sdist they are package data (``masa_docs/_shipped/``, read with
:mod:`importlib.resources`); in a checkout of the repository they are its top-level
``templates/`` and ``content/`` folders.

A partnership may own its templates: :func:`template_folders` puts the folder it passes
(``--templates DIR`` or ``templates`` in ``masa-docs.toml``) in front of the shipped one, so
any file it has (``docx/agreement.docx``, ``html/style.css``, a logo) wins and everything
else comes from masa-docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from .errors import MasaError

SHIPPED_PACKAGE = "masa_docs._shipped"
Shipped = Literal["templates", "content"]
_MARKERS = {"templates": Path("html") / "base.html", "content": Path("partnership.yaml")}


def shipped(name: Shipped) -> Path:
    """The shipped ``templates`` or ``content`` (example) folder."""
    try:
        root = resources.files(SHIPPED_PACKAGE) / name
        if root.is_dir() and isinstance(root, Path) and (root / _MARKERS[name]).is_file():
            return root
    except ModuleNotFoundError:  # pragma: no cover - the package always has _shipped
        pass
    checkout = Path(__file__).resolve().parents[2] / name  # src/masa_docs/ -> the repository
    if (checkout / _MARKERS[name]).is_file():
        return checkout
    raise MasaError(
        f"this installation of masa-docs has no {name} folder",
        "reinstall masa-docs (e.g. 'pipx reinstall masa-docs'), or run it from a checkout of the repository",
    )


@dataclass(frozen=True)
class TemplateFolders:
    """Where templates are looked up, the partnership's own folder first."""

    html: tuple[Path, ...]
    docx: tuple[Path, ...]
    user: Path | None = None  # the partnership's templates folder, as given

    def docx_file(self, name: str) -> Path:
        return next((d / name for d in self.docx if (d / name).is_file()), self.docx[-1] / name)

    def html_file(self, name: str) -> Path:
        return next((d / name for d in self.html if (d / name).is_file()), self.html[-1] / name)


def user_template_dirs(folder: Path | str) -> tuple[Path | None, Path | None]:
    """(html folder, docx folder) of a partnership's templates folder.

    Accepts the templates folder itself (with ``docx/`` and optionally ``html/``) or its
    ``docx/`` folder, as a lawyer might pass it. Raises MasaError when it holds neither.
    """
    root = Path(folder)
    if not root.is_dir():
        raise MasaError(
            f"the templates folder {root} does not exist",
            "pass the folder holding docx/agreement.docx; 'masa-docs init DIR --with-templates' creates one",
        )
    html = root / "html" if (root / "html").is_dir() else None
    docx = root / "docx" if (root / "docx").is_dir() else None
    if docx is None and any(root.glob("*.docx")):
        docx = root  # the docx/ folder itself
    if html is None and docx is None:
        raise MasaError(
            f"{root} holds no templates: no docx/ or html/ folder and no Word (*.docx) file",
            "pass the templates folder (with docx/agreement.docx) or its docx/ folder; "
            "'masa-docs init DIR --with-templates' copies the shipped ones to start from",
        )
    return html, docx


def template_folders(user: Path | str | None = None) -> TemplateFolders:
    """The lookup order for templates: ``user`` (if given) before the shipped templates."""
    base = shipped("templates")
    if user is None:
        return TemplateFolders((base / "html",), (base / "docx",))
    html, docx = user_template_dirs(user)
    return TemplateFolders(
        tuple(p for p in (html, base / "html") if p is not None),
        tuple(p for p in (docx, base / "docx") if p is not None),
        Path(user),
    )


def cache_folder() -> Path:
    """The user's cache folder for masa-docs: ``$MASA_DOCS_CACHE``, else the platform's
    (``$XDG_CACHE_HOME/masa-docs``, else ``~/.cache/masa-docs`` on Linux). Anything in it can
    be deleted: it is made again when needed."""
    import os

    own = os.environ.get("MASA_DOCS_CACHE")
    if own:
        return Path(own)
    import platformdirs

    return Path(platformdirs.user_cache_dir("masa-docs"))
