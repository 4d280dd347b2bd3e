"""The project configuration: ``masa-docs.toml`` or ``[tool.masa-docs]`` in ``pyproject.toml``.

A partnership keeps its content, its own templates and a small config file together::

    # masa-docs.toml
    content = "content"        # the content folder
    output = "build"           # where publish and build write
    templates = "templates"    # the partnership's templates (docx/agreement.docx, html/style.css)
    edition = "wt2023"         # the Working Together edition check uses

Paths are relative to the file. Options on the command line win over the file. The file is
looked up in the current folder only (``masa-docs.toml`` first, then ``pyproject.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import MasaError, did_you_mean

CONFIG_FILE = "masa-docs.toml"
PYPROJECT = "pyproject.toml"
PATH_KEYS = ("content", "output", "templates")
KEYS = (*PATH_KEYS, "edition")


@dataclass(frozen=True)
class Config:
    file: Path
    content: Path | None = None
    output: Path | None = None
    templates: Path | None = None
    edition: str | None = None


def find_config(folder: Path | str = ".") -> Config | None:
    """The configuration in ``folder`` (None when it has none). Raises MasaError when the file
    is not valid TOML or has an unknown key or a value of the wrong type."""
    folder = Path(folder)
    own = folder / CONFIG_FILE
    if own.is_file():
        return _parse(own, _load(own), CONFIG_FILE)
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        try:
            tool = _load(pyproject).get("tool")
        except MasaError:
            return None  # another project's file that does not parse: not ours to judge
        table = tool.get("masa-docs") if isinstance(tool, dict) else None
        if table is not None:
            return _parse(pyproject, table, f"{PYPROJECT} [tool.masa-docs]")
    return None


def _load(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MasaError(f"{path}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise MasaError(f"{path}: not valid TOML: {exc}", "see the README, section 'Configuration'") from None


def _parse(path: Path, table: object, label: str) -> Config:
    if not isinstance(table, dict):
        raise MasaError(f"{path}: {label} must be a table of settings")
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise MasaError(
                f"{path}: unknown setting '{key}'",
                did_you_mean(key, KEYS) or f"settings: {', '.join(KEYS)}",
            )
        if not isinstance(value, str) or not value.strip():
            raise MasaError(f'{path}: {key} must be text, e.g. {key} = "{_EXAMPLES[key]}"')
        values[key] = (path.parent / value) if key in PATH_KEYS else value
    return Config(file=path, **values)  # type: ignore[arg-type]


_EXAMPLES = {"content": "content", "output": "build", "templates": "templates", "edition": "wt2023"}
