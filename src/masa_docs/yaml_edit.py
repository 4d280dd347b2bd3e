"""Change values in a content YAML file without disturbing anything else in it.

The file is read with ruamel.yaml's round-trip mode, so comments, key order, flow style
(``{label: Q1, value: 688}``) and block scalars survive; the indentation is detected by trying
the common layouts until one reproduces the file exactly. The new text is written atomically
(a temporary file in the same folder, then a rename), so a failure never leaves half a file.
"""

from __future__ import annotations

import io
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

# (mapping, sequence, offset): the layouts people and ruamel commonly write.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (2, 4, 4), (4, 6, 4), (4, 4, 0))


class _Representer(RoundTripRepresenter):
    """Writes Decimals as plain YAML numbers with exactly their digits (never via float)."""


def _represent_decimal(rep: RoundTripRepresenter, value: Decimal) -> Any:
    _sign, _digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent >= 0:
        return rep.represent_int(int(value))
    return rep.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Representer.add_representer(Decimal, _represent_decimal)


def _yaml(layout: tuple[int, int, int]) -> YAML:
    y = YAML(typ="rt")
    y.Representer = _Representer
    y.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    y.width = 4096  # never re-wrap a line
    y.preserve_quotes = True
    return y


class RoundTripFile:
    """A YAML file loaded for editing: ``doc`` is the CommentedMap to change, then ``dump()``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        raw = path.read_bytes().decode("utf-8")
        self.bom = "\ufeff" if raw.startswith("\ufeff") else ""
        raw = raw.removeprefix("\ufeff")
        self.newline = "\r\n" if "\r\n" in raw else "\n"  # written back as the file had them
        self.text = raw.replace("\r\n", "\n")
        self.exact = False
        first: tuple[YAML, Any] | None = None
        for layout in _LAYOUTS:
            y = _yaml(layout)
            y.explicit_start = self.text.startswith("---")
            doc = y.load(self.text)
            if first is None:
                first = (y, doc)
            if self._dump(y, doc) == self.text:
                self.yaml, self.doc, self.exact = y, doc, True
                break
        else:
            assert first is not None
            self.yaml, self.doc = first

    @staticmethod
    def _dump(y: YAML, doc: Any) -> str:
        buf = io.StringIO()
        y.dump(doc, buf)
        return buf.getvalue()

    def dump(self) -> str:
        return self.bom + self._dump(self.yaml, self.doc).replace("\n", self.newline)


def new_map(like: Any, items: dict[str, Any]) -> CommentedMap:
    """A mapping to add next to ``like`` (a sibling), in the same flow or block style."""
    out = CommentedMap(items)
    if isinstance(like, CommentedMap) and like.fa.flow_style():
        out.fa.set_flow_style()
    return out


def new_seq(items: list[Any]) -> CommentedSeq:
    return CommentedSeq(items)


def as_decimal(node: Any) -> Decimal | None:
    """A YAML number node as an exact Decimal (ruamel keeps the digits as written)."""
    if node is None or isinstance(node, bool):
        return None
    if isinstance(node, int):
        return Decimal(node)
    if isinstance(node, float):
        return Decimal(str(node))
    try:
        return Decimal(str(node))
    except ArithmeticError:
        return None


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once, keeping its permissions."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
