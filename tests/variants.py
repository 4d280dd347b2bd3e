"""Compliant variants of the example partnership, built from it programmatically.

Each builder copies the example content to a folder and edits its YAML, so the variants follow
the example as it changes:

* :func:`single_authority`: one local authority area (Northmere), its council, the ICB and the
  police; everything about Eastvale removed.
* :func:`two_icbs`: Northmere and Eastvale each served by its own integrated care board.
* :func:`hollow`: every narrative field replaced by "See our website." (the hollow-content case).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from masa_docs.example import example_dir


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    return y


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml"))


def _load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as fh:
        _yaml().dump(data, fh)


def copy_example(dest: Path) -> Path:
    shutil.copytree(example_dir(), dest)
    return dest


# ---------------------------------------------------------------------------- single authority


REF_KEYS = ("partner", "host", "area", "owner", "lead", "metric")


def _prune(node: Any, gone: set[str], removed: set[str]) -> Any:
    """Drop list items that are, or refer to, a removed id; record ids of dropped items."""
    if isinstance(node, dict):
        for key in list(node):
            node[key] = _prune(node[key], gone, removed)
        return node
    if isinstance(node, list):
        keep = []
        for item in node:
            if isinstance(item, str) and item in gone:
                continue
            if isinstance(item, dict) and (
                str(item.get("id", "")) in gone or any(str(item.get(k, "")) in gone for k in REF_KEYS)
            ):
                if "id" in item:
                    removed.add(str(item["id"]))
                continue
            item = _prune(item, gone, removed)
            if isinstance(item, dict) and "areas" in item and not item["areas"]:
                if "id" in item:
                    removed.add(str(item["id"]))
                continue  # it served only the removed area
            keep.append(item)
        node[:] = keep
        return node
    return node


def _retotal(root: Path) -> None:
    path = root / "funding.yaml"
    data = _load(path)
    for year in data["years"]:
        old = Decimal(str(year["total"]))
        total = sum((Decimal(str(c["amount"])) for c in year["contributions"]), Decimal("0"))
        year["total"] = float(total)
        if total < old:  # a smaller partnership spends less: scale the lines down with the budget
            for line in year["expenditure"]:
                for key in ("planned", "actual"):
                    if key in line:
                        scaled = Decimal(str(line[key])) * total / old
                        line[key] = float(scaled.quantize(Decimal("0.01"), rounding="ROUND_DOWN"))
    _dump(path, data)


def single_authority(dest: Path) -> Path:
    """The example with only Northmere: one council, the ICB and the police."""
    root = copy_example(dest)
    gone = {"eastvale", "eastvale-council"}
    while True:
        removed: set[str] = set()
        for path in _files(root):
            data = _load(path)
            _prune(data, gone, removed)
            _dump(path, data)
        if removed <= gone:
            break
        gone |= removed
    _retotal(root)
    return root


# ---------------------------------------------------------------------------- two ICBs


def _twin(node: Any, old: str, new: str) -> Any:
    """Add ``new`` wherever ``old`` is listed as a partner (a list id or an item's partner)."""
    if isinstance(node, dict):
        for key in list(node):
            _twin(node[key], old, new)
    elif isinstance(node, list):
        extra = []
        for item in node:
            _twin(item, old, new)
            if item == old:
                extra.append(new)
            elif isinstance(item, dict) and item.get("partner") == old:
                twin = dict(item)
                twin["partner"] = new
                extra.append(twin)
        node.extend(extra)
    return node


def two_icbs(dest: Path) -> Path:
    """Northmere is served by one ICB and Eastvale by another."""
    root = copy_example(dest)
    partners_path = root / "partners.yaml"
    partners = _load(partners_path)
    icb = next(p for p in partners if p["kind"] == "icb")
    icb["areas"] = ["northmere"]
    second = _yaml().load(
        """
id: eastvale-icb
kind: icb
name: NHS Eastvale Integrated Care Board
legal_name: NHS Eastvale Integrated Care Board
address: Coast House, Harbour Street, Eastvale EV1 4TT
areas: [eastvale]
lsp:
  name: Morag Fenwick
  title: Interim Chief Exec
dsp:
  name: Tobias Grant
  title: Director of Nursing and Quality
delegations:
  - delegate: Tobias Grant
    scope: [Safeguarding partner functions for Eastvale]
    instrument: ICB scheme of reservation and delegation, section 6
    decided_by: ICB board
    decided_on: 2024-03-20
    effective_from: 2024-04-01
    review_by: 2027-03-31
    limits: >-
      The delegated partner may not agree a change to the ICB's financial contribution or to
      the arrangements without the chief executive's approval.
"""
    )
    partners.append(second)
    _dump(partners_path, partners)
    for path in _files(root):
        if path.name == "partners.yaml":
            continue
        data = _load(path)
        _twin(data, str(icb["id"]), "eastvale-icb")
        _dump(path, data)
    _retotal(root)
    return root


# ---------------------------------------------------------------------------- hollow content


HOLLOW_TEXT = "See our website."


def hollow(dest: Path) -> Path:
    """Every narrative (Markdown) field of the example says only "See our website."."""
    from masa_docs.load import load_content
    from masa_docs.model import TOPIC_FILES
    from masa_docs.substance import is_narrative_at

    root = copy_example(dest)
    content = load_content(root).content
    files = {v: k for k, v in TOPIC_FILES.items()}

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in list(items):
            here = (*loc, key)
            if isinstance(value, str) and is_narrative_at(content, here):
                node[key] = HOLLOW_TEXT
            else:
                walk(value, here)

    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("reports/"):
            prefix: tuple[Any, ...] = ("reports", path.stem)
        elif rel in files:
            prefix = (files[rel],)
        else:
            continue
        data = _load(path)
        walk(data, prefix)
        _dump(path, data)
    for md in root.glob("*.md"):
        md.write_text(HOLLOW_TEXT + "\n", encoding="utf-8")
    return root
