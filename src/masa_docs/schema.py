"""JSON Schemas of the content files, for editor completion (YAML language server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter

from .model import TOPIC_FILES, Content
from .model.report import YearlyReport

REPORT_SCHEMA = "report"


def schema_names() -> list[str]:
    """Names accepted by :func:`topic_schema`: topic file stems plus 'report'."""
    return [name[:-5] for name in TOPIC_FILES.values()] + [REPORT_SCHEMA]


def topic_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one content file (e.g. 'partners' or 'report' for reports/*.yaml)."""
    if name == REPORT_SCHEMA:
        annotation: Any = YearlyReport
        filename = "reports/<period>.yaml"
    else:
        topic = next((t for t, f in TOPIC_FILES.items() if f[:-5] == name), None)
        if topic is None:
            raise KeyError(name)
        fld = Content.model_fields[topic]
        annotation = Annotated[fld.annotation, *fld.metadata] if fld.metadata else fld.annotation
        filename = TOPIC_FILES[topic]
    schema = TypeAdapter(annotation).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", f"masa-docs {filename}")
    schema["description"] = f"Content file {filename} of a masa-docs partnership folder."
    return schema


def write_schemas(out_dir: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every content file into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_names():
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(topic_schema(name), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
