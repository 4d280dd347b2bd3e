"""Round-trip editing of a content YAML file: change only the values that changed.

The editor sends the whole file's data as JSON (scalars as the text typed). :func:`updated_text`
converts each value to the YAML type its JSON Schema asks for (a date, an exact decimal, an
integer, text) and writes it into the file's round-trip tree only where it differs from what
the file holds, so comments, key order, quoting, block styles and indentation of everything
else are kept. The indentation is the one that reproduces the unchanged file exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, ScalarString

Schema = dict[str, Any]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_INTEGER = re.compile(r"^-?\d+$")
FOLD_WIDTH = 96


class EditError(ValueError):
    """The data sent does not fit the file (e.g. a list where the file has a mapping)."""


# ------------------------------------------------------------------ schema helpers


def resolve(schema: Schema, root: Schema) -> Schema:
    """Follow a local ``$ref`` (``#/$defs/Name``)."""
    seen = 0
    while "$ref" in schema and seen < 32:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        target = root.get("$defs", {}).get(name, {})
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def branches(schema: Schema, root: Schema) -> list[Schema]:
    """The non-null alternatives of a schema (itself when it has no ``anyOf`` or ``oneOf``)."""
    schema = resolve(schema, root)
    key = "anyOf" if "anyOf" in schema else "oneOf" if "oneOf" in schema else None
    if key is None:
        return [schema]
    out: list[Schema] = []
    for alt in schema[key]:
        alt = resolve(alt, root)
        if alt.get("type") == "null":
            continue
        merged = {**{k: v for k, v in schema.items() if k not in (key, "default")}, **alt}
        out.extend(branches(merged, root) if "anyOf" in alt or "oneOf" in alt else [merged])
    return out


def scalar_kind(schema: Schema, root: Schema) -> str:
    """date, money, decimal, integer, boolean, markdown, text, object, array or any."""
    alts = branches(schema, root)
    if any("x-money" in a for a in alts):
        return "money"
    types = {a.get("type") for a in alts}
    if any(a.get("format") == "date" for a in alts):
        return "date"
    if "object" in types:
        return "object"
    if "array" in types:
        return "array"
    if "number" in types:
        return "decimal"
    if "integer" in types:
        return "integer"
    if "boolean" in types:
        return "boolean"
    if any(a.get("contentMediaType") == "text/markdown" for a in alts):
        return "markdown"
    if "string" in types:
        return "text"
    return "any"


def _sub_object(schema: Schema, root: Schema) -> Schema:
    for alt in branches(schema, root):
        if alt.get("type") == "object":
            return alt
    return {}


def _sub_items(schema: Schema, root: Schema) -> Schema:
    for alt in branches(schema, root):
        if alt.get("type") == "array":
            return dict(alt.get("items", {}))
    return {}


def _property(schema: Schema, key: str, root: Schema) -> Schema:
    obj = _sub_object(schema, root)
    props = obj.get("properties", {})
    if key in props:
        return dict(props[key])
    for regex, sub in obj.get("patternProperties", {}).items():
        if re.search(regex, key):
            return dict(sub)
    extra = obj.get("additionalProperties")
    return dict(extra) if isinstance(extra, dict) else {}


# ------------------------------------------------------------------ JSON -> YAML values


def convert(value: Any, schema: Schema, root: Schema) -> Any:
    """A JSON value from the form as the YAML value its schema asks for.

    Text that does not fit (``2025-13-45`` for a date, ``12,5`` for money) stays text, so
    validation reports it with the same message as ``masa-docs validate``.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = convert(v, _property(schema, k, root), root)
        return out
    if isinstance(value, list):
        items = _sub_items(schema, root)
        return CommentedSeq([convert(v, items, root) for v in value])
    # A scalar typed into a field that also takes an object ('unknown: <reason>'): the scalar
    # alternatives decide (an integer stays an integer).
    scalar_alts = [a for a in branches(schema, root) if a.get("type") not in ("object", "array")]
    kind = scalar_kind({"anyOf": scalar_alts} if scalar_alts else schema, root)
    text = str(value) if not isinstance(value, str) else value
    if kind == "date" and _DATE.match(text.strip()):
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            return text
    if kind in ("money", "decimal") and _DECIMAL.match(text.strip()):
        try:
            return Decimal(text.strip())
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            return text
    if kind == "integer" and _INTEGER.match(text.strip()):
        return int(text.strip())
    if isinstance(value, int | Decimal) and kind in ("text", "markdown", "any"):
        return value  # a number typed where text is expected: let validation say so
    return text


def _plain(value: Any) -> Any:
    """A value as load.py sees it, for comparing with what the file holds."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, ScalarString):
        return str(value)
    return value


def _same(new: Any, old: Any) -> bool:
    a, b = _plain(new), _plain(old)
    if isinstance(a, Decimal) and isinstance(b, Decimal | int) and not isinstance(b, bool):
        return a == b
    if isinstance(b, Decimal) and isinstance(a, int) and not isinstance(a, bool):
        return a == b
    return type(a) is type(b) and a == b


def _styled(new: Any, old: Any) -> Any:
    """Keep the old scalar's style (folded, literal, quoted) for its new text."""
    if not isinstance(new, str):
        return new
    if isinstance(old, FoldedScalarString) and "\n" not in new:
        folded = FoldedScalarString(new)
        folded.fold_pos = _fold_positions(new)
        return folded
    if isinstance(old, ScalarString):
        return type(old)(new)
    if "\n" in new:
        return LiteralScalarString(new)
    return new


def _fold_positions(text: str) -> list[int]:
    positions, offset = [], 0
    for line in textwrap.wrap(text, FOLD_WIDTH, break_long_words=False, break_on_hyphens=False):
        offset += len(line)
        if offset < len(text) - 1 and text[offset] == " " and not text[offset + 1].isspace():
            positions.append(offset)
            offset += 1
    return positions


_IDENTITY_KEYS = ("id", "year", "period", "partner", "name", "title", "delegate", "line", "metric")


def _identity(value: Any) -> Any:
    """What names a list item: its id-like field, or a scalar's value (None: nothing)."""
    if isinstance(value, dict):
        for key in _IDENTITY_KEYS:
            v = value.get(key)
            if isinstance(v, str) and v:
                return (key, v)
        return None
    return None if isinstance(value, list) else _plain(value)


def _match_items(node: CommentedSeq, new: list[Any], schema: Schema, root: Schema) -> list[int | None]:
    """For each new item, the index of the old item it continues (None: a new item).

    Items are matched by identity (id, year, name... or a scalar's value) first, so a moved
    or removed item takes its own comments along; the others continue the old items left
    over, in order (an item whose id was edited stays where it was).
    """
    old_ids = [_identity(_plain_tree(item)) for item in node]
    new_ids = [_identity(_plain_tree(convert(value, schema, root))) for value in new]
    order: list[int | None] = [None] * len(new)
    used: set[int] = set()
    for i, ident in enumerate(new_ids):
        if ident is None:
            continue
        j = next((j for j, old in enumerate(old_ids) if j not in used and old == ident), None)
        if j is not None:
            order[i] = j
            used.add(j)
    leftovers = iter([j for j in range(len(node)) if j not in used])
    for i in range(len(new)):
        if order[i] is None:
            order[i] = next(leftovers, None)
    return order


def _plain_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_tree(v) for v in value]
    return _plain(value)


def _rebuilt(
    node: CommentedSeq, new: list[Any], order: list[int | None], schema: Schema, root: Schema
) -> CommentedSeq:
    """The list in its new order, each kept item with its own node (and so its comments)."""
    out = CommentedSeq()
    item_comments = dict(node.ca.items)  # by old index
    node.copy_attributes(out)  # flow or block style, the list's own comments
    out.ca.items.clear()
    for i, (value, j) in enumerate(zip(new, order, strict=True)):
        if j is None:
            out.append(convert(value, schema, root))
            continue
        out.append(merge(node[j], value, schema, root))
        if j in item_comments:  # a comment on a scalar item
            out.ca.items[i] = item_comments[j]
    return out


def merge(node: Any, new: Any, schema: Schema, root: Schema) -> Any:
    """``new`` written into the round-trip ``node``; returns the node to keep in the parent."""
    if isinstance(node, CommentedMap) and isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            del node[key]
        for key, value in new.items():
            sub = _property(schema, key, root)
            if key in node:
                node[key] = merge(node[key], value, sub, root)
            else:
                node[key] = convert(value, sub, root)
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list):
        items = _sub_items(schema, root)
        order = _match_items(node, new, items, root)
        if any(j is not None and j != i for i, j in enumerate(order)):
            return _rebuilt(node, new, order, items, root)  # moved or removed items
        while len(node) > len(new):
            del node[len(node) - 1]
        for i, value in enumerate(new):
            if i < len(node):
                node[i] = merge(node[i], value, items, root)
            else:
                node.append(convert(value, items, root))
        return node
    converted = convert(new, schema, root)
    if _same(converted, node):
        return node
    return _styled(converted, node)


# ------------------------------------------------------------------ reading and writing text


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.representer.add_representer(Decimal, _represent_decimal)
    return y


_Dump = Callable[[Any], str]


def _dumper(mapping: int, sequence: int, offset: int, dedent: bool) -> _Dump:
    def dump(data: Any) -> str:
        buf = io.StringIO()
        _yaml(mapping, sequence, offset).dump(data, buf)
        out = buf.getvalue()
        if dedent:  # a top-level list written at column 0 with nested lists indented
            out = "".join(ln[2:] if ln.startswith("  ") else ln for ln in out.splitlines(True))
        return out

    return dump


_STYLES = ((2, 4, 2, False), (2, 4, 2, True), (2, 2, 0, False), (4, 4, 2, False), (4, 6, 4, False))


def _best_dumper(text: str) -> _Dump:
    """The indentation that writes the unchanged file back exactly (or closest)."""
    best: tuple[int, _Dump] | None = None
    for style in _STYLES:
        if style[3] and not text.lstrip().startswith("-") and "\n- " not in text:
            continue
        dump = _dumper(*style)
        try:
            out = dump(_yaml(*style[:3]).load(text))
        except Exception:  # pragma: no cover - the file parsed before
            continue
        if out == text:
            return dump
        differing = sum(1 for a, b in zip(out.splitlines(), text.splitlines(), strict=False) if a != b)
        score = differing + abs(len(out.splitlines()) - len(text.splitlines()))
        if best is None or score < best[0]:
            best = (score, dump)
    return best[1] if best else _dumper(2, 4, 2, False)


def updated_text(text: str, data: Any, schema: Schema) -> str:
    """The file's text with ``data`` written in, changing only what differs."""
    dump = _best_dumper(text)
    node = _yaml(2, 4, 2).load(text)
    if isinstance(node, CommentedMap) != isinstance(data, dict) or isinstance(
        node, CommentedSeq
    ) != isinstance(data, list):
        raise EditError("the data sent does not have the shape of the file")
    node = merge(node, data, schema, schema)
    return dump(node)
