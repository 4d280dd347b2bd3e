"""The content model: pydantic models per topic, and :class:`Content`, the whole partnership."""

from .content import NARRATIVE_NAMES, OPTIONAL_TOPICS, REPORTS_DIR, TOPIC_FILES, Content, Problem, cross_check

__all__ = [
    "NARRATIVE_NAMES",
    "OPTIONAL_TOPICS",
    "REPORTS_DIR",
    "TOPIC_FILES",
    "Content",
    "Problem",
    "cross_check",
]
