"""The four documents masa-docs makes, their formats and their sections.

Section ids are shared vocabulary: HTML templates use them as element ids, the compliance
check maps each rule to the section that meets it, and the Word copies keep them as bookmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Content


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
    # A version for children and families of another document (its name): made from
    # plain-language.yaml, with that document's version, date and draft or final status.
    source: str | None = None

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

# The easy-read versions. Headings are questions readers ask. They have no sign-off page: the
# lead safeguarding partners sign the documents they summarise, and these say which document
# that is and carry its status (see the README, "Versions for children and families").
YEARLY_REPORT_EASY_READ = DocumentSpec(
    "yearly-report-easy-read",
    "Our year",  # "Our year 2025-26" on the page
    ("html", "pdf", "docx"),
    _s(
        ("what-we-are", "Who are we?"),
        ("you-said-we-did", "What did you tell us, and what did we do?"),
        ("highlights", "What went well this year?"),
        ("next-year", "What happens next year?"),
        ("get-help", "How can I get help?"),
        ("have-your-say", "How can I have my say?"),
        ("words", "What do these words mean?"),
        ("full-version", "Where can I read the full report?"),
    ),
    periodic=True,
    signed=False,
    source="yearly-report",
)

ARRANGEMENTS_SUMMARY = DocumentSpec(
    "arrangements-summary",
    "Keeping children safe: a short guide",
    ("html", "pdf", "docx"),
    _s(
        ("what-we-are", "Who are we?"),
        ("who-keeps-children-safe", "Who keeps children safe here?"),
        ("worried", "What should I do if I am worried about a child?"),
        ("get-help", "How can I get help?"),
        ("complain", "How can I complain or disagree?"),
        ("words", "What do these words mean?"),
        ("full-version", "Where can I read the full version?"),
    ),
    signed=False,
    source="arrangements",
)

EASY_READ: tuple[DocumentSpec, ...] = (YEARLY_REPORT_EASY_READ, ARRANGEMENTS_SUMMARY)

DOCUMENTS: dict[str, DocumentSpec] = {
    d.name: d for d in (ARRANGEMENTS, AGREEMENT, THRESHOLD, YEARLY_REPORT, *EASY_READ)
}
FORMATS = ("html", "pdf", "docx")

#: Order in which documents are listed (publish's index, manifest and summary; status lines).
DOCUMENT_ORDER: tuple[str, ...] = (
    "arrangements",
    "threshold",
    "yearly-report",
    "agreement",
    "arrangements-summary",
    "yearly-report-easy-read",
)


def document(name: str) -> DocumentSpec:
    return DOCUMENTS[name]


def available(spec: DocumentSpec, content: Content, period: str | None = None) -> bool:
    """Whether the content has what ``spec`` is made from. The easy-read versions need
    plain-language.yaml (and, for the yearly report, that period's words); nothing is guessed."""
    if spec.source is None:
        return True
    words = content.plain_language
    if words is None:
        return False
    if spec.periodic:
        return (period or content.latest_period) in words.yearly_reports
    return True
