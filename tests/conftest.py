"""Shared fixtures: the example partnership, and tmp copies of it with one file patched.

Most content tests start from the shipped example (``content/``), copy it to a temporary
folder and change one thing, so each test shows exactly which change causes which problem::

    def test_unknown_key(make_content, tmp_path):
        root = make_content(tmp_path, edits={
            "partners.yaml": replace_once("  kind: police\n", "  kind: police\n  colour: blue\n"),
        })
        with pytest.raises(ContentError) as info:
            load_content(root)

An edit is keyed by the path relative to the content folder (``"reports/2025-26.yaml"``) and
is one of:

* a callable ``str -> str``: patch the file's text (``replace_once`` builds a safe one);
* ``str``: the file's new text; ``bytes``: its new raw bytes (for encoding tests);
* ``None``: delete the file.

Loading parses every file again (about 0.2 s, nearly all of it YAML parsing). Tests that load
many patched copies can use the ``yaml_parse_cache`` fixture, which re-parses only files
whose bytes it has not seen before.

Positions in assertions are best computed from the patched text with :func:`position_of`
rather than written as numbers, so that tests keep working when the example is edited.

The plain helpers are importable: ``from conftest import copy_content, replace_once,
insert_after, yaml_edit, position_of, diagnostics_of``.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import masa_docs.load as load_module
from masa_docs.errors import ContentError, Diagnostic
from masa_docs.example import example_dir
from masa_docs.load import LoadedContent, SourceFile, load_content

Edit = Callable[[str], str] | str | bytes | None


# ---------------------------------------------------------------------------- helpers


def copy_content(dest: Path, edits: Mapping[str, Edit] | None = None, *, src: Path | None = None) -> Path:
    """Copy the example content (or ``src``) to ``dest`` and apply ``edits``; returns ``dest``.

    ``dest`` must not exist yet. Raises ``FileNotFoundError`` when an edit names a file that is
    neither in the copy nor created by the edit (a ``str`` or ``bytes`` edit may create one).
    """
    shutil.copytree(src or example_dir(), dest)
    for rel, edit in (edits or {}).items():
        path = dest / rel
        if edit is None:
            path.unlink()
        elif isinstance(edit, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(edit)
        elif isinstance(edit, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit, encoding="utf-8")
        else:
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def make_content_in(
    tmp_path: Path, edits: Mapping[str, Edit] | None = None, *, name: str = "content"
) -> Path:
    """``copy_content(tmp_path / name, edits)``: the form the ``make_content`` fixture hands out."""
    return copy_content(tmp_path / name, edits)


def replace_once(old: str, new: str) -> Callable[[str], str]:
    """An edit replacing the one occurrence of ``old``; fails loudly if it is absent or repeated,
    so a test never silently stops testing anything when the example changes."""

    def edit(text: str) -> str:
        count = text.count(old)
        assert count == 1, f"expected exactly one {old!r} in the file, found {count}"
        return text.replace(old, new)

    return edit


def insert_after(anchor: str, addition: str) -> Callable[[str], str]:
    """An edit inserting ``addition`` right after the one occurrence of ``anchor``."""
    return replace_once(anchor, anchor + addition)


def yaml_edit(change: Callable[[Any], None]) -> Callable[[str], str]:
    """An edit that loads the YAML (round-trip, comments kept), calls ``change(data)`` to
    mutate it in place, and writes it back. Positions move, so prefer text edits when a test
    checks a line number."""

    def edit(text: str) -> str:
        import io

        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096
        data = yaml.load(text)
        change(data)
        out = io.StringIO()
        yaml.dump(data, out)
        return out.getvalue()

    return edit


def position_of(text: str, needle: str, *, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the one occurrence of ``needle`` in ``text``, plus ``offset``
    characters (e.g. the length of ``"key: "`` to point at the value)."""
    count = text.count(needle)
    assert count == 1, f"expected exactly one {needle!r}, found {count}"
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def diagnostics_of(root: Path) -> list[Diagnostic]:
    """Load ``root`` expecting failure; the diagnostics it reported."""
    with pytest.raises(ContentError) as info:
        load_content(root)
    return info.value.diagnostics


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def example_root() -> Path:
    """The shipped example content folder (read-only: copy it before changing anything)."""
    return example_dir()


@pytest.fixture(scope="session")
def example(example_root: Path) -> LoadedContent:
    """The example content, loaded once per session. Models are frozen; do not mutate."""
    return load_content(example_root)


@pytest.fixture
def make_content() -> Callable[..., Path]:
    """Factory: ``make_content(tmp_path, edits={...}, name="content")`` -> a patched copy.

    See the module docstring for the kinds of edit.
    """
    return make_content_in


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """An unchanged copy of the example at ``tmp_path / "content"`` to change by hand."""
    return copy_content(tmp_path / "content")


# Parsed files by (bytes, topic prefix): data, value positions, key positions. Only clean parses
# are kept, so every problem is still found by the real parser.
_PARSED: dict[tuple[bytes, tuple[Any, ...]], tuple[Any, dict[Any, Any], dict[Any, Any]]] = {}


@pytest.fixture
def yaml_parse_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``load_content`` reuse the parse of any file whose exact bytes were parsed before
    in this session (e.g. the unchanged files of a patched copy). A changed file, and any file
    that had a problem, goes through the real ``read_yaml``. Opt in with
    ``pytestmark = pytest.mark.usefixtures("yaml_parse_cache")``.
    """
    real = load_module.read_yaml

    def read_yaml(path: Path, display: str, prefix: tuple[Any, ...], diags: list[Diagnostic]) -> Any:
        key = (path.read_bytes(), tuple(prefix))
        hit = _PARSED.get(key)
        if hit is not None:
            data, values, keys = hit
            return copy.deepcopy(data), SourceFile(path, display, dict(values), dict(keys))
        before = len(diags)
        got = real(path, display, prefix, diags)
        if got is not None and len(diags) == before:
            data, src = got
            _PARSED[key] = (copy.deepcopy(data), dict(src.values), dict(src.keys))
        return got

    monkeypatch.setattr(load_module, "read_yaml", read_yaml)
    yield


# ---------------------------------------------------------------------------- CI strictness
# Locally, a test that needs LibreOffice, poppler or the second-opinion PDF checker is skipped
# when the tool is missing. In CI (CI=true) the Makefile installs them all, so such a skip means
# a broken install: report it as a failure instead of going green.
_MISSING_TOOL = ("not installed", "no poppler", "LibreOffice")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("CI") or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if any(marker in reason for marker in _MISSING_TOOL):
        report.outcome = "failed"
        report.longrepr = f"CI=true but a required tool is missing: {reason}"


# ---------------------------------------------------------------------------- the publish record
# publish remembers each output folder's last publish in the user's cache folder
# (masa_docs.up_to_date). Tests keep theirs in a folder of their own, never in ~/.cache.
@pytest.fixture(autouse=True, scope="session")
def _publish_records(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = os.environ.get("MASA_DOCS_CACHE")
    os.environ["MASA_DOCS_CACHE"] = str(tmp_path_factory.mktemp("masa-docs-cache"))
    yield
    if saved is None:
        os.environ.pop("MASA_DOCS_CACHE", None)
    else:
        os.environ["MASA_DOCS_CACHE"] = saved
