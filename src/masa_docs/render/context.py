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

if TYPE_CHECKING:
    from ..load import LoadedContent
    from ..model import Content

# ------------------------------------------------------------------ formatting


def format_money(value: Decimal | int | None, *, pence: bool | None = None) -> str:
    """£1,234 for whole pounds, £1,234.50 otherwise (or always with pence=True)."""
    if value is None:
        return "—"
    d = Decimal(value)
    show_pence = pence if pence is not None else d != d.to_integral_value()
    sign = "-" if d < 0 else ""
    d = abs(d)
    if show_pence:
        return f"{sign}£{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return f"{sign}£{d.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,.0f}"


def format_date(value: dt.date | None) -> str:
    """GOV.UK style: 1 April 2025."""
    if value is None:
        return "—"
    return f"{value.day} {value:%B %Y}"


def format_percent(part: Decimal | int, whole: Decimal | int, places: int = 1) -> str:
    """Share of ``whole`` as a percentage with ``places`` decimals (exact arithmetic)."""
    if not whole:
        return "—"
    q = Decimal(1).scaleb(-places)
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(q, rounding=ROUND_HALF_UP)
    return f"{pct}%"


def format_number(value: Decimal | int | float | None, places: int | None = None) -> str:
    if value is None:
        return "—"
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


FILTERS = {
    "money": format_money,
    "date": format_date,
    "percent": format_percent,
    "number": format_number,
    "humanise": humanise,
    "capitalize_first": capitalize_first,
}

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

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


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


def signature_field_name(partner_id: str) -> str:
    return f"sig-{partner_id}"


def signature_blocks(content: Content, key: str, period: str | None = None) -> tuple[SignatureBlock, ...]:
    signed = {s.partner: s for s in content.signatures_for(key, period)}
    blocks = []
    for p in content.partners:
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
            )
        )
    return tuple(blocks)


def document_meta(
    loaded: LoadedContent, name: str, *, period: str | None = None, blocking: tuple[str, ...] = ()
) -> DocumentMeta:
    """Metadata for one document. ``blocking`` lists reasons (e.g. failing 'must' rules) that
    keep it a draft even when every LSP has signed."""
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
    elif name == "agreement":
        a = c.agreement
        title, version, date = a.title, a.version, a.dated
    else:
        p = c.partnership
        title, version, date = spec.title, p.version, p.published_on
    sigs = signature_blocks(c, spec.name, period)
    reasons = []
    unsigned = [b.organisation for b in sigs if not b.signed]
    if unsigned:
        reasons.append("awaiting signature by " + ", ".join(unsigned))
    stale = [
        s
        for s in c.signatures_for(spec.name, period)
        if s.fingerprint and not loaded.fingerprint.startswith(s.fingerprint)
    ]
    if stale:
        reasons.append("the content changed after it was signed (fingerprint differs)")
    reasons.extend(blocking)
    return DocumentMeta(
        spec=spec,
        title=title,
        partnership=c.partnership.name,
        version=version,
        date=date,
        language=c.partnership.language,
        fingerprint=loaded.fingerprint,
        status="draft" if reasons else "final",
        draft_reasons=tuple(reasons),
        signatures=sigs,
        period=period,
    )


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
    }
    if meta.period:
        ctx["report"] = c.reports[meta.period]
        prev = c.previous_period(meta.period)
        ctx["previous_report"] = c.reports[prev] if prev else None
    return ctx
