"""Model -> what every template sees: formatting helpers and each document's metadata.

Shared by the HTML templates and the Word templates, so a partner's name, an amount or a
date reads the same in all four documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from .. import __version__
from ..documents import DocumentSpec, document
from ..model.base import NotKnown
from ..model.partnership import Successor
from ..stated import stated_facts
from ..wording import FILTERS as WORDING_FILTERS
from ..wording import and_join

if TYPE_CHECKING:
    from ..load import LoadedContent
    from ..model import Content

# ------------------------------------------------------------------ formatting


def _unknown_text(value: object) -> str | None:
    """'Not known (not published)' for a :class:`~masa_docs.model.base.NotKnown`, else None."""

    if isinstance(value, NotKnown):
        return value.text[:1].upper() + value.text[1:]
    return None


def format_money(value: Decimal | int | NotKnown | None, *, pence: bool | None = None) -> str:
    """£1,234 for whole pounds, £1,234.50 otherwise (or always with pence=True); an unknown
    amount is 'Not known (reason)', never £0. Negative zero prints as £0."""
    if value is None:
        return "—"
    if (unknown := _unknown_text(value)) is not None:
        return unknown
    assert not isinstance(value, NotKnown)
    d = Decimal(value)
    show_pence = pence if pence is not None else d != d.to_integral_value()
    q = Decimal("0.01") if show_pence else Decimal("1")
    rounded = abs(d).quantize(q, rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 and rounded != 0 else ""  # never "£-0" or "-£0"
    if show_pence:
        return f"{sign}£{rounded:,.2f}"
    return f"{sign}£{rounded:,.0f}"


def format_date(value: dt.date | None) -> str:
    """GOV.UK style: 1 April 2025."""
    if value is None:
        return "—"
    return f"{value.day} {value:%B %Y}"


def format_percent(part: Decimal | int | NotKnown, whole: Decimal | int | NotKnown, places: int = 1) -> str:
    """Share of ``whole`` as a percentage with ``places`` decimals (exact arithmetic)."""
    if _unknown_text(part) is not None or _unknown_text(whole) is not None:
        return "Not known"
    if not whole:
        return "—"
    assert not isinstance(part, NotKnown) and not isinstance(whole, NotKnown)
    q = Decimal(1).scaleb(-places)
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(q, rounding=ROUND_HALF_UP)
    return f"{pct}%"


def format_number(value: Decimal | int | float | NotKnown | None, places: int | None = None) -> str:
    if value is None:
        return "—"
    if (unknown := _unknown_text(value)) is not None:
        return unknown
    assert not isinstance(value, NotKnown)
    d = Decimal(str(value))
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{d:,f}"
    if "." in text and places is None:
        text = text.rstrip("0").rstrip(".")
    return text


def humanise(value: str) -> str:
    """'on_track' -> 'On track'."""
    return value.replace("_", " ").replace("-", " ").capitalize()


def capitalize_first(value: str) -> str:
    """Upper-case the first letter only: 'better than England' -> 'Better than England'
    (Jinja's capitalize would also lower-case 'England')."""
    return value[:1].upper() + value[1:]


FILTERS: dict[str, Any] = {
    "money": format_money,
    "date": format_date,
    "percent": format_percent,
    "number": format_number,
    "humanise": humanise,
    "capitalize_first": capitalize_first,
    **WORDING_FILTERS,
}


def is_unknown_test(value: object) -> bool:
    """Jinja test: ``{% if x is unknown %}``."""

    return isinstance(value, NotKnown)


#: Jinja tests for every template.
TESTS: dict[str, Any] = {"unknown": is_unknown_test}

# ------------------------------------------------------------------ document metadata


@dataclass(frozen=True)
class SignatureBlock:
    partner_id: str
    organisation: str
    name: str
    title: str
    signed_on: dt.date | None
    field_name: str  # PDF signature field name, and the HTML id of its box
    tooltip: str  # accessible name of the field
    #: Start a new page before this block (Word layout): see :func:`signature_page_starts`.
    page_break_before: bool = False

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


#: Signature blocks that fit on one page of the agreement together with the sign-off text.
BLOCKS_PER_PAGE = 3


def signature_page_starts(count: int, per_page: int = BLOCKS_PER_PAGE) -> set[int]:
    """Indexes of the blocks that start a new page, so that no block is alone on a page.

    The blocks are spread evenly over as few pages as hold them (4 → 2 + 2, 5 → 3 + 2,
    7 → 3 + 2 + 2); up to ``per_page`` blocks stay together on the first page.
    """
    pages = max(1, -(-count // per_page))
    starts: set[int] = set()
    index = 0
    for page in range(pages):
        size = count // pages + (1 if page < count % pages else 0)
        if page:
            starts.add(index)
        index += size
    return starts


@dataclass(frozen=True)
class EndedNotice:
    """Arrangements that have ended, and what replaced them."""

    ended_on: dt.date
    successors: tuple[Successor, ...]
    reason: str | None = None  # Markdown: why they ended

    @property
    def sentence(self) -> str:
        """'These arrangements ended on 31 March 2025 and were replaced by A (from 1 April 2025),
        B and C.' (plain text; the templates link each successor)."""
        head = f"These arrangements ended on {format_date(self.ended_on)}"
        if not self.successors:
            return head + "."
        names = [
            s.name + (f" (from {format_date(s.starts_on)})" if s.starts_on else "") for s in self.successors
        ]
        return f"{head} and were replaced by {and_join(names)}."


def ended_notice(content: Content) -> EndedNotice | None:
    p = content.partnership
    if not p.ended or p.ends_on is None:
        return None
    return EndedNotice(p.ends_on, tuple(p.all_successors), p.ended_because)


@dataclass(frozen=True)
class Replaces:
    """The signed version a document replaces, as its sign-off page names it."""

    fingerprint: str
    version: str | None = None
    signed_on: dt.date | None = None
    url: str | None = None
    changes_url: str | None = None


def replaced_version(content: Content, name: str, period: str | None = None) -> Replaces | None:
    """The signed version that document ``name`` replaces, when the content records it: the
    arrangements' ``partnership.yaml supersedes`` (with a fingerprint), the agreement's and the
    threshold document's ``supersedes``, a yearly report's ``reports/<period>.yaml supersedes``."""
    if name == "arrangements":
        p = content.partnership.supersedes
        if p is None or not p.fingerprint:
            return None
        return Replaces(p.fingerprint, p.version, None, p.url, p.changes_url)
    prev = None
    if name == "agreement":
        prev = content.agreement.supersedes
    elif name == "threshold":
        prev = content.threshold.supersedes
    elif name == "yearly-report" and period in content.reports:
        prev = content.reports[period].supersedes
    if prev is None:
        return None
    return Replaces(prev.fingerprint, prev.version, prev.signed_on, prev.url, prev.changes_url)


@dataclass(frozen=True)
class DocumentMeta:
    spec: DocumentSpec
    title: str
    partnership: str
    version: str
    date: dt.date
    language: str
    fingerprint: str
    status: Literal["draft", "final"]
    draft_reasons: tuple[str, ...]
    signatures: tuple[SignatureBlock, ...]
    period: str | None = None
    tool_version: str = __version__
    extra: dict[str, Any] = field(default_factory=dict)
    ended: EndedNotice | None = None  # the arrangements have ended: a historical record
    replaces: Replaces | None = None  # the signed version this one replaces, when recorded

    @property
    def replaces_text(self) -> str:
        """The sign-off's sentence about the signed version this one replaces, in plain text
        (for the Word agreement; the HTML templates link it): '' when none is recorded."""
        prev = self.replaces
        if prev is None:
            return ""
        noun = "report" if self.spec.periodic else "version"
        earlier = "issue" if self.spec.periodic else "version"
        which = f"version {prev.version}" if prev.version else f"the earlier {earlier}"
        when = f" on {format_date(prev.signed_on)}" if prev.signed_on else ""
        text = (
            f"This {noun} replaces {which}, signed{when} as the content with fingerprint {prev.fingerprint}."
        )
        if prev.url:
            text += f" It is published at {prev.url}."
        if prev.changes_url:
            since = f"version {prev.version}" if prev.version else "then"
            text += f" What changed since {since}: {prev.changes_url}."
        return text

    @property
    def historical(self) -> bool:
        """A record of arrangements that have ended: past tense, no review dates, deadlines or
        signature requests, never a draft."""
        return self.ended is not None

    #: Organisations whose LSP has not signed yet (their names, in partner order).
    awaiting: tuple[str, ...] = ()
    #: Where the signed copy is published (relative to the site), once every LSP has signed.
    signed_copy: str | None = None
    #: The partnership's short name (partnership.yaml ``short_name``), for running heads.
    partnership_short: str = ""

    @property
    def running_partnership(self) -> str:
        """The partnership's name for a Word running head, "{name} | {title}, version V | DRAFT":
        the short name when the full name would push the head onto a second line
        (:data:`WORD_HEAD_CHARS`). The agreement's head names its kind ("Collaboration
        agreement"); the other documents their :attr:`running_title`."""
        title = self.spec.title if self.spec.name == "agreement" else self.running_title
        rest = len(title) + (0 if self.spec.periodic else len(f", version {self.version}")) + len(" | DRAFT")
        if len(self.partnership) + len(" | ") + rest > WORD_HEAD_CHARS and self.partnership_short:
            return self.partnership_short
        return self.partnership

    @property
    def for_signature(self) -> bool:
        """A draft only because signatures are missing: the copy the LSPs sign (no DRAFT mark)."""
        return self.draft and bool(self.awaiting) and len(self.draft_reasons) == 1

    @property
    def watermarked(self) -> bool:
        """A draft for another reason than missing signatures: DRAFT on every page."""
        return self.draft and not self.for_signature

    @property
    def signed_date(self) -> dt.date | None:
        """The date of the last signature, once every LSP has signed this version."""
        dates = [s.signed_on for s in self.signatures if s.signed_on is not None]
        if self.draft or not dates or len(dates) != len(self.signatures):
            return None
        return max(dates)

    @property
    def dated(self) -> str:
        """The date of the last signature ('9 March 2026'), or a blank line until then."""
        return format_date(self.signed_date) if self.signed_date else "________"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:16]

    @property
    def draft(self) -> bool:
        return self.status == "draft"

    @property
    def full_title(self) -> str:
        """The title with the partnership's name, unless the title already carries it."""
        if self.partnership in self.title:
            return self.title
        return f"{self.title} — {self.partnership}"

    @property
    def titled_version(self) -> str:
        """ "Threshold document, version 3.0"; a yearly report's title already names its
        period, which is its version: "Yearly report 2025-26"."""
        if self.spec.periodic or self.version in self.title:
            return self.title
        return f"{self.title}, version {self.version}"

    @property
    def running_title(self) -> str:
        """The title for the PDF's running head, short enough for one line beside the
        partnership's name: the part before a colon, then cut at a word with an ellipsis."""
        title = self.title.split(":", 1)[0].strip() or self.title
        room = max(24, RUNNING_HEAD_CHARS - len(self.partnership))
        if len(title) > room:
            title = title[: room - 1].rsplit(" ", 1)[0].rstrip(",;—– ") + "…"
        return title

    @property
    def created(self) -> dt.datetime:
        """The document date as a timestamp for file metadata (midnight UTC)."""
        return dt.datetime(self.date.year, self.date.month, self.date.day, tzinfo=dt.UTC)


# Characters of partnership name plus title that fit on one line of the running head (8.5 pt
# Liberation Sans across an A4 page's 174 mm, with the version and room for DRAFT).
RUNNING_HEAD_CHARS = 100
# Characters of a Word copy's or the agreement's running head that fit on one line (the
# "Header" style, 9 pt Liberation Sans across the text width; measured with LibreOffice: 108
# fit, 114 wrap).
WORD_HEAD_CHARS = 104


def signature_field_name(partner_id: str) -> str:
    return f"sig-{partner_id}"


def signature_blocks(content: Content, key: str, period: str | None = None) -> tuple[SignatureBlock, ...]:
    signed = {s.partner: s for s in content.signatures_for(key, period)}
    blocks = []
    starts = signature_page_starts(len(content.partners))
    for i, p in enumerate(content.partners):
        s = signed.get(p.id)
        name = (s.signatory if s and s.signatory else None) or p.lsp.name
        blocks.append(
            SignatureBlock(
                partner_id=p.id,
                organisation=p.legal_name,
                name=name,
                title=p.lsp.title,
                signed_on=s.signed_on if s else None,
                field_name=signature_field_name(p.id),
                tooltip=f"Signature of {name}, {p.lsp.title}, {p.legal_name}",
                page_break_before=i in starts,
            )
        )
    return tuple(blocks)


def document_meta(
    loaded: LoadedContent,
    name: str,
    *,
    period: str | None = None,
    blocking: tuple[str, ...] = (),
    area: str | None = None,
) -> DocumentMeta:
    """Metadata for one document. ``blocking`` lists reasons (e.g. failing 'must' rules) that
    keep it a draft even when every LSP has signed. ``area``: a per-area threshold document."""
    c = loaded.content
    spec = document(name)
    if spec.source is not None:
        return _easy_read_meta(loaded, spec, period, blocking)
    if spec.periodic:
        period = period or c.latest_period
        if period is None or period not in c.reports:
            from ..errors import MasaError, did_you_mean

            raise MasaError(
                f"there is no yearly report for period '{period}'",
                did_you_mean(str(period), c.reports)
                or f"periods in the content: {', '.join(c.report_periods) or 'none'}",
            )
        rep = c.reports[period]
        title, version, date = f"Yearly report {period}", period, rep.published_on
    elif name == "threshold":
        t = c.threshold
        title, version, date = t.title, t.version, t.published_on
        if area is not None:
            if area not in c.areas_by_id:
                from ..errors import MasaError, did_you_mean

                raise MasaError(
                    f"there is no area '{area}'", did_you_mean(area, c.areas_by_id) or "see partnership.yaml"
                )
            title = f"{t.title} ({c.areas_by_id[area].name})"
    elif name == "agreement":
        a = c.agreement
        title, version, date = a.title, a.version, a.dated
    else:
        p = c.partnership
        title, version, date = spec.title, p.version, p.published_on
    ended = ended_notice(c)
    from ..load import document_fingerprint

    fingerprint = document_fingerprint(loaded, spec.name, period)
    sigs = signature_blocks(c, spec.name, period)
    reasons = []
    unsigned = [b.organisation for b in sigs if not b.signed]
    if ended is not None:
        # A historical record asks nobody to sign: no signature fields, never a draft.
        sigs, unsigned, blocking = (), [], ()
    if unsigned:
        reasons.append("awaiting signature by " + and_join(unsigned))
    names = {p.id: p.legal_name for p in c.partners}
    # A historical record is never a draft: recorded signatures no longer matter.
    recorded = [] if ended is not None else c.signatures_for(spec.name, period)
    stale = [
        names.get(s.partner, s.partner) for s in recorded if s.fingerprint and s.fingerprint != fingerprint
    ]
    if stale:
        reasons.append(
            "the content changed after it was signed by " + and_join(stale) + " (the fingerprint differs)"
        )
    unmatched = [names.get(s.partner, s.partner) for s in recorded if not s.fingerprint]
    if unmatched:
        reasons.append(
            "the signature of " + and_join(unmatched) + " is recorded without the fingerprint of the "
            "version signed (record it with masa-docs verify --record)"
        )
    reasons.extend(blocking)
    return DocumentMeta(
        spec=spec,
        title=title,
        partnership=c.partnership.name,
        partnership_short=c.partnership.short_name,
        version=version,
        date=date,
        language=c.partnership.language,
        fingerprint=fingerprint,
        status="draft" if reasons else "final",
        draft_reasons=tuple(reasons),
        signatures=sigs,
        period=period,
        extra={"area": area} if area else {},
        ended=ended,
        replaces=replaced_version(c, spec.name, period),
        awaiting=tuple(unsigned),
        signed_copy=None
        if reasons
        else signed_copy_path(f"{spec.name}-{area}" if area else spec.name, period),
    )


def signed_copy_path(doc: str, period: str | None = None) -> str:
    """Where publish puts a document's signed copy in the site: ``signed/threshold.pdf``."""
    return f"signed/{doc}-{period}.pdf" if period else f"signed/{doc}.pdf"


def _easy_read_meta(
    loaded: LoadedContent, spec: DocumentSpec, period: str | None, blocking: tuple[str, ...]
) -> DocumentMeta:
    """An easy-read version: the version, date and status of the document it summarises.

    It has no signatures of its own (the lead safeguarding partners sign the full document), so
    it is final exactly when that document is, and a draft for the same reasons."""
    import dataclasses

    from ..documents import available
    from ..errors import MasaError

    source = document_meta(loaded, str(spec.source), period=period, blocking=blocking)
    if not available(spec, loaded.content, source.period):
        where = f"yearly_reports: '{source.period}'" if spec.periodic else "the file"
        raise MasaError(
            f"there are no plain-language words for {spec.name}",
            f"write them in plain-language.yaml ({where}); see the README",
        )
    title = f"{spec.title} {source.period}" if spec.periodic else spec.title  # "Our year 2025-26"
    return dataclasses.replace(source, spec=spec, title=title, signatures=())


def template_context(loaded: LoadedContent, meta: DocumentMeta) -> dict[str, Any]:
    """The variables every template gets: ``content`` (the model), ``doc`` (metadata),
    ``partnership`` (shortcut) and ``report`` (the period's report, yearly report only)."""
    c = loaded.content
    ctx: dict[str, Any] = {
        "content": c,
        "doc": meta,
        "partnership": c.partnership,
        "partners": c.partners,
        "stated": stated_facts(c),  # the typed facts the compliance check decides on, as sentences
    }
    if meta.period:
        ctx["report"] = c.reports[meta.period]
        prev = c.previous_period(meta.period)
        ctx["previous_report"] = c.reports[prev] if prev else None
    return ctx
