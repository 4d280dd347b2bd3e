"""The four documents masa-docs makes, their formats and their sections.

Section ids are shared vocabulary: HTML templates use them as element ids, the compliance
check maps each rule to the section that meets it, and the Word copies keep them as bookmarks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class DocumentSpec:
    name: str  # file stem in build/, e.g. "yearly-report"
    title: str
    formats: tuple[str, ...]
    sections: tuple[Section, ...]
    periodic: bool = False  # one per reporting period (the yearly report)
    signed: bool = True  # ends with a sign-off page for the LSPs

    @property
    def signature_key(self) -> str:
        """Key of this document in signatures.yaml."""
        return self.name.replace("-", "_")

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"{self.name} has no section '{section_id}'")


def _s(*pairs: tuple[str, str]) -> tuple[Section, ...]:
    return tuple(Section(i, t) for i, t in pairs)


ARRANGEMENTS = DocumentSpec(
    "arrangements",
    "Multi-agency safeguarding arrangements",
    ("html", "pdf", "docx"),
    _s(
        ("foreword", "Foreword"),
        ("introduction", "About these arrangements"),
        ("vision", "Our vision, values and priorities"),
        ("partners", "The safeguarding partners"),
        ("area", "The area we cover"),
        ("local-context", "Local context"),
        ("leadership", "Leadership and accountability"),
        ("governance", "How we work together"),
        ("board-links", "Links with other boards and partnerships"),
        ("shared-arrangements", "Arrangements shared with other partnerships"),
        ("relevant-agencies", "Relevant agencies"),
        ("education", "Education and childcare settings"),
        ("youth-custody-residential", "Youth custody and residential settings"),
        ("threshold", "Threshold: local criteria for action"),
        ("data", "Use of data and intelligence"),
        ("training-audit", "Multi-agency training and audit"),
        ("reviews", "Rapid reviews and local child safeguarding practice reviews"),
        ("child-death-review", "Child death review"),
        ("lado", "Allegations against people who work with children (LADO)"),
        ("scrutiny", "Independent scrutiny"),
        ("voice", "The voice of children and families"),
        ("funding", "Funding"),
        ("disputes", "Resolving professional disagreements"),
        ("information-sharing", "Information sharing"),
        ("yearly-report", "The yearly report"),
        ("appendix-delegation", "Appendix A: Delegation audit trail"),
        ("appendix-compliance", "Appendix B: How these arrangements meet Working Together"),
        ("sign-off", "Sign-off by the lead safeguarding partners"),
    ),
)

THRESHOLD = DocumentSpec(
    "threshold",
    "Threshold document: levels of need",
    ("html", "pdf", "docx"),
    _s(
        ("emergency", "If a child is in immediate danger"),
        ("introduction", "About this document"),
        ("principles", "Principles"),
        ("levels", "Levels of need at a glance"),
        ("indicators", "Indicators by level and domain"),
        ("framework", "Our approach"),
        ("front-doors", "Front doors"),
        ("early-help", "Early help"),
        ("referral-criteria", "Criteria for statutory services"),
        ("procedures", "Specific procedures"),
        ("get-help", "How to get help"),
        ("sign-off", "Sign-off by the lead safeguarding partners"),
    ),
)

YEARLY_REPORT = DocumentSpec(
    "yearly-report",
    "Yearly report",
    ("html", "pdf", "docx"),
    _s(
        ("foreword", "Foreword"),
        ("summary", "Summary"),
        ("priorities", "Progress against our priorities"),
        ("little-progress", "Where progress was limited, and why"),
        ("data", "What the data tells us"),
        ("reviews", "Learning from reviews"),
        ("national-reviews", "National reviews"),
        ("scrutiny", "Independent scrutiny"),
        ("voice", "What children and families told us"),
        ("education", "The contribution of education settings"),
        ("training", "Multi-agency training"),
        ("funding", "Funding"),
        ("next-priorities", "Our priorities for next year"),
        ("appendix-compliance", "Appendix: How this report meets Working Together"),
        ("sign-off", "Sign-off by the lead safeguarding partners"),
    ),
    periodic=True,
)

AGREEMENT = DocumentSpec(
    "agreement",
    "Collaboration agreement",
    ("docx", "pdf"),
    (),
)

DOCUMENTS: dict[str, DocumentSpec] = {d.name: d for d in (ARRANGEMENTS, AGREEMENT, THRESHOLD, YEARLY_REPORT)}
FORMATS = ("html", "pdf", "docx")


def document(name: str) -> DocumentSpec:
    return DOCUMENTS[name]
