"""Changing one value in a YAML file leaves every other byte as it was."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from masa_docs.yaml_edit import RoundTripFile, new_map, write_atomic


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\nvalues:\n  - {label: Q1, value: 688}  # why\n  - {label: Q2, value: 19.80}\n",
        "---\nvalues:\n    - {label: Q1, value: 688}\n    - {label: Q2, value: 19.80}\n",
        "\ufeffvalues:\r\n  - label: Q1\r\n    value: 688\r\n  - label: Q2\r\n    value: 19.80\r\n",
    ],
    ids=["comments-flow", "explicit-start-indent-4", "bom-crlf-block"],
)
def test_one_value_changes_and_nothing_else(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(text.encode("utf-8"))
    rt = RoundTripFile(path)
    assert rt.exact and rt.dump() == text
    rt.doc["values"][0]["value"] = Decimal("701")
    rt.doc["values"].append(new_map(rt.doc["values"][0], {"label": "Q3", "value": Decimal("20.50")}))
    write_atomic(path, rt.dump())
    after = path.read_bytes().decode("utf-8")
    assert after.replace("701", "688", 1).startswith(text)
    added = after[len(text) :]
    assert "Q3" in added and "20.50" in added and added.count("\n") in (1, 2)
    assert ("\r\n" in added) == ("\r\n" in text)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
