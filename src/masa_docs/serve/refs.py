"""References between content files, offered in the editor as choices (selects).

:data:`REFERENCES` lists the fields whose value is the id of something defined elsewhere: the
same references :func:`masa_docs.model.content.cross_check` resolves. The paths use ``[*]`` for
every list item and ``{*}`` for every dictionary key; a test checks each one against the schema,
so a renamed field cannot leave a stale entry. The choices are read from the files as they are
on disk, so they are offered even while another file is invalid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..load import read_yaml
from ..model import REPORTS_DIR

# kind -> (file, path to the list, id key, label key)
SOURCES: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "area": ("partnership.yaml", ("areas",), "id", "name"),
    "partner": ("partners.yaml", (), "id", "name"),
    "agency": ("agencies.yaml", ("relevant_agencies",), "id", "name"),
    "group": ("governance.yaml", ("groups",), "id", "name"),
    "metric": ("data.yaml", ("metrics",), "id", "name"),
    "review": ("reviews.yaml", ("reviews",), "id", "title"),
    "funding year": ("funding.yaml", ("years",), "year", "year"),
}
PARTY = ("partner", "agency")

# file (or "report" for reports/*.yaml) -> {field path pattern: kinds of id accepted}
REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "partners.yaml": {"[*].areas[*]": ("area",)},
    "governance.yaml": {"groups[*].reports_to": ("group",)},
    "agencies.yaml": {"relevant_agencies[*].areas[*]": ("area",)},
    "data.yaml": {"metrics[*].owner": PARTY},
    "training.yaml": {"audits[*].lead": PARTY},
    "funding.yaml": {"hosting_body": ("partner",), "years[*].contributions[*].partner": PARTY},
    "reviews.yaml": {"reviews[*].area": ("area",), "reviews[*].recommendations[*].owner": PARTY},
    "threshold.yaml": {"contacts[*].areas[*]": ("area",)},
    "liabilities.yaml": {
        "shared_teams[*].host": ("partner",),
        "shared_teams[*].staff_from[*]": PARTY,
        "insurance[*].partner": ("partner",),
    },
    "information-sharing.yaml": {"agreements[*].parties[*]": PARTY, "contacts[*].partner": PARTY},
    "agreement.yaml": {"functions[*].partner": ("partner",)},
    "signatures.yaml": {
        "arrangements[*].partner": ("partner",),
        "agreement[*].partner": ("partner",),
        "threshold[*].partner": ("partner",),
        "yearly_report{*}[*].partner": ("partner",),
    },
    "report": {
        "foreword.signed_by[*]": ("partner",),
        "metrics[*].metric": ("metric",),
        "reviews[*]": ("review",),
        "funding_year": ("funding year",),
    },
}


def references_for(rel: str) -> dict[str, tuple[str, ...]]:
    key = "report" if rel.startswith(REPORTS_DIR + "/") else rel
    return REFERENCES.get(key, {})


def _items(data: Any, path: tuple[str, ...]) -> list[Any]:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data if isinstance(data, list) else []


def choices(root: Path, kinds: set[str]) -> dict[str, list[dict[str, str]]]:
    """``{kind: [{"id": ..., "label": ...}]}`` for each kind, read from the files on disk."""
    out: dict[str, list[dict[str, str]]] = {}
    for kind in sorted(kinds):
        file, path, id_key, label_key = SOURCES[kind]
        got = read_yaml(root / file, file, (), []) if (root / file).is_file() else None
        rows = []
        for item in _items(got[0], path) if got else []:
            if isinstance(item, dict) and isinstance(item.get(id_key), str):
                label = item.get(label_key)
                rows.append({"id": item[id_key], "label": str(label) if label else item[id_key]})
        out[kind] = rows
    return out
