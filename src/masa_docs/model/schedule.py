"""The schedule of relevant agencies (SI 2018/789, Schedule; reg 18), shipped as reference data.

Paragraphs 1-14 were read in the primary text; the other categories are carried with the
confidence the reference gives them, so no unverified category is presented as settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from ruamel.yaml import YAML

Confidence = Literal["verified", "medium", "low"]


@dataclass(frozen=True)
class ScheduleCategory:
    key: str
    para: int | None
    sector: str
    label: str
    confidence: Confidence

    @property
    def verified(self) -> bool:
        return self.confidence == "verified"


@lru_cache(maxsize=1)
def schedule() -> dict[str, ScheduleCategory]:
    text = (
        resources.files("masa_docs.data")
        .joinpath("relevant_agency_schedule.yaml")
        .read_text(encoding="utf-8")
    )
    raw = YAML(typ="safe").load(text)
    out: dict[str, ScheduleCategory] = {}
    for item in raw["categories"]:
        out[item["key"]] = ScheduleCategory(
            key=item["key"],
            para=item.get("para"),
            sector=item["sector"],
            label=item["label"],
            confidence=item["confidence"],
        )
    return out
