"""Sign one LSP's field, verify every signature, record the result. See :mod:`masa_docs.signing`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, MasaError

if TYPE_CHECKING:
    from ..load import LoadedContent
    from ..model.partners import Partner

log = logging.getLogger(__name__)

#: Where signed copies live by default: a folder beside the content folder.
DEFAULT_SIGNED_DIR = "signed"
FIELD_PREFIX = "sig-"
_DOC_KEYWORD = re.compile(r"masa-docs document ([a-z-]+)(?: (\d{4}-\d{2}))?")
_FP_KEYWORD = re.compile(r"fingerprint ([0-9a-f]{64})\b")


# ------------------------------------------------------------------ which document a PDF is


@dataclass(frozen=True)
class PdfIdentity:
    """What a published PDF says about itself (document keywords in Info and XMP)."""

    doc: str | None
    period: str | None
    fingerprint: str | None
    xmp_fingerprint: str | None


def pdf_identity(data: bytes) -> PdfIdentity:
    """Read the document name, period and fingerprint that masa-docs put in a PDF.

    They are keywords of the first revision's document information and XMP metadata
    (``masa-docs document threshold``, ``fingerprint <64 hex>``).
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = str(pdf.docinfo.get("/Keywords", ""))
        with pdf.open_metadata() as xmp:
            xmp_text = " ".join(str(xmp.get(k, "")) for k in ("pdf:Keywords", "dc:subject"))
    doc_match = _DOC_KEYWORD.search(info) or _DOC_KEYWORD.search(xmp_text)
    fp_info = _FP_KEYWORD.search(info)
    fp_xmp = _FP_KEYWORD.search(xmp_text)
    return PdfIdentity(
        doc=doc_match.group(1) if doc_match else None,
        period=doc_match.group(2) if doc_match else None,
        fingerprint=fp_info.group(1) if fp_info else (fp_xmp.group(1) if fp_xmp else None),
        xmp_fingerprint=fp_xmp.group(1) if fp_xmp else None,
    )


def signed_copy_name(doc: str, period: str | None = None) -> str:
    """File name of a document's signed copy: ``threshold.pdf``, ``yearly-report-2025-26.pdf``."""
    return f"{doc}-{period}.pdf" if period else f"{doc}.pdf"


def signed_dir_for(content_dir: Path, signed_dir: Path | None = None) -> Path:
    """The signed-copies folder: ``signed_dir`` if given, else ``signed/`` beside the content."""
    if signed_dir is not None:
        return signed_dir
    return content_dir.resolve().parent / DEFAULT_SIGNED_DIR


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _partner_for_field(loaded: LoadedContent, field_name: str) -> Partner | None:
    if not field_name.startswith(FIELD_PREFIX):
        return None
    pid = field_name[len(FIELD_PREFIX) :]
    return next((p for p in loaded.content.partners if p.id == pid), None)


def _expected_signatory(loaded: LoadedContent, doc: str, period: str | None, partner: Partner) -> str:
    for s in loaded.content.signatures_for(doc, period):
        if s.partner == partner.id and s.signatory:
            return s.signatory
    return partner.lsp.name


def _cert_names(cert: Any) -> tuple[str, list[str]]:
    """(common name, e-mail addresses) of an asn1crypto certificate."""
    subject = cert.subject.native
    cn = str(subject.get("common_name", "") or "")
    emails = [str(subject["email_address"])] if subject.get("email_address") else []
    try:
        san = cert.subject_alt_name_value
        if san is not None:
            emails += [str(n.native) for n in san if n.name == "rfc822_name"]
    except (ValueError, KeyError):  # pragma: no cover - malformed extension
        pass
    return cn, emails


def _signer_matches(cert: Any, name: str, email: str | None) -> bool:
    """The certificate names the LSP: its common name is the LSP's name, or it has their e-mail."""
    cn, emails = _cert_names(cert)
    if cn and _norm(cn) == _norm(name):
        return True
    return bool(email) and any(e.casefold() == (email or "").casefold() for e in emails)


def _document_check(loaded: LoadedContent, ident: PdfIdentity, where: str) -> tuple[str, str | None, str]:
    """(doc, period, current fingerprint) for a PDF; MasaError if it is not one of ours."""
    from ..documents import DOCUMENTS
    from ..load import document_fingerprint

    if ident.doc is None or ident.doc not in DOCUMENTS:
        raise MasaError(
            f"{where}: this PDF does not say which masa-docs document it is",
            "sign and verify PDFs made by 'masa-docs publish'",
        )
    if DOCUMENTS[ident.doc].periodic and (ident.period is None or ident.period not in loaded.content.reports):
        raise MasaError(f"{where}: the yearly report period {ident.period!r} is not in the content")
    return ident.doc, ident.period, document_fingerprint(loaded, ident.doc, ident.period)


# ------------------------------------------------------------------ keys


@dataclass(frozen=True)
class SignerKey:
    """A signing key with its certificate (pyHanko ``SimpleSigner``)."""

    signer: Any  # pyhanko.sign.signers.SimpleSigner

    @property
    def certificate(self) -> Any:
        return self.signer.signing_cert


def load_signer(
    *,
    key: Path | None = None,
    cert: Path | None = None,
    pkcs12: Path | None = None,
    passphrase: bytes | None = None,
    chain: Sequence[Path] = (),
) -> SignerKey:
    """Load a key and certificate from PEM/DER files or from a PKCS#12 file.

    ``passphrase`` unlocks the PKCS#12 file or an encrypted PEM key. Raises MasaError with a
    hint when the files cannot be read or do not belong together.
    """
    from pyhanko.sign import signers

    chain_files = [str(p) for p in chain] or None
    for path in (key, cert, pkcs12, *chain):
        if path is not None and not Path(path).is_file():
            raise MasaError(f"{path} not found")
    try:
        if pkcs12 is not None:
            signer = signers.SimpleSigner.load_pkcs12(
                str(pkcs12), ca_chain_files=chain_files, passphrase=passphrase
            )
        elif key is not None and cert is not None:
            signer = signers.SimpleSigner.load(
                str(key), str(cert), ca_chain_files=chain_files, key_passphrase=passphrase
            )
        else:
            raise MasaError("give a key and a certificate (--key and --cert) or a PKCS#12 file (--pkcs12)")
    except MasaError:
        raise
    except Exception as exc:  # pyHanko and cryptography raise many kinds
        raise MasaError(
            f"the key or certificate could not be loaded: {exc}", "check the files and passphrase"
        ) from None
    if signer is None:  # pyHanko logs and returns None on a wrong passphrase or a bad file
        raise MasaError(
            "the key or certificate could not be loaded",
            "check the files, and the passphrase of a PKCS#12 file or encrypted key",
        )
    return SignerKey(signer)


# ------------------------------------------------------------------ signing


@dataclass(frozen=True)
class SignResult:
    out: Path
    doc: str
    period: str | None
    partner: str
    field_name: str
    signer: str
    timestamped: bool


def _fields(data: bytes) -> dict[str, bool]:
    """Signature field name -> already signed."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return {name: value is not None for name, value, _ in enumerate_sig_fields(reader)}


def sign_pdf(
    pdf: Path,
    out: Path,
    *,
    loaded: LoadedContent,
    partner: str,
    key: SignerKey,
    timestamp_url: str | None = None,
    allow_other_signer: bool = False,
) -> SignResult:
    """Sign ``partner``'s field of ``pdf`` and write the result to ``out`` (incremental update).

    Refuses (MasaError, nothing written): an ``out`` that exists and is another file than
    ``pdf`` (a signed copy is signed in place, never replaced), a PDF that is not a masa-docs
    document, a document whose fingerprint no longer matches the content, an unknown partner
    or a PDF without that partner's field, a field that is already signed, a partner already
    recorded in signatures.yaml as having signed this version, and a certificate that does
    not name the partner's LSP (unless ``allow_other_signer``, for someone signing on the LSP's behalf,
    whose name must then be recorded as ``signatory`` in signatures.yaml).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers, timestamps
    from pyhanko.sign.fields import SigSeedSubFilter

    data = Path(pdf).read_bytes()
    if Path(out).exists() and not Path(out).resolve().samefile(Path(pdf).resolve()):
        raise MasaError(
            f"{out} exists already and may carry other signatures; it is not replaced",
            f"sign that file instead: masa-docs sign {out} ...",
        )
    ident = pdf_identity(data)
    doc, period, current = _document_check(loaded, ident, str(pdf))
    if ident.fingerprint != current:
        raise MasaError(
            f"{pdf}: the content changed after this PDF was made (its fingerprint is "
            f"{(ident.fingerprint or 'missing')[:16]}…, the content's is {current[:16]}…)",
            "publish again and sign the new PDF",
        )
    partners = {p.id: p for p in loaded.content.partners}
    if partner not in partners:
        from ..errors import did_you_mean

        raise MasaError(
            f"there is no partner '{partner}'",
            did_you_mean(partner, partners) or f"partners: {', '.join(partners)}",
        )
    recorded = [s for s in loaded.content.signatures_for(doc, period) if s.partner == partner]
    if any(s.fingerprint == current for s in recorded):
        raise MasaError(
            f"{partner} has already signed this version of the document (see signatures.yaml)",
            "each LSP signs once; the signed copy is in the signed folder",
        )
    field_name = FIELD_PREFIX + partner
    fields = _fields(data)
    if field_name not in fields:
        raise MasaError(
            f"{pdf} has no signature field {field_name}",
            f"fields: {', '.join(fields) or 'none'}",
        )
    if fields[field_name]:
        raise MasaError(f"{pdf}: the field {field_name} is already signed", "each LSP signs once")
    p = partners[partner]
    expected = _expected_signatory(loaded, doc, period, p)
    cert = key.certificate
    cn, _ = _cert_names(cert)
    if not allow_other_signer and not _signer_matches(cert, expected, p.lsp.email):
        raise MasaError(
            f"the certificate is {cn or 'unnamed'}'s, but {field_name} is for {expected}, "
            f"{p.lsp.title}, {p.legal_name}",
            "sign the field of the partner named in the certificate (--partner)",
        )
    timestamper = timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=cn or expected,
        reason=f"Sign-off by the lead safeguarding partner of {p.legal_name}",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    pdf_signer = signers.PdfSigner(
        meta, signer=key.signer, timestamper=timestamper, stamp_style=_stamp_style()
    )
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" noise
    try:
        buf = pdf_signer.sign_pdf(writer)
    except Exception as exc:
        raise MasaError(
            f"signing failed: {exc}", "check the key, the certificate and the timestamp server"
        ) from None
    _write_atomic(Path(out), buf.getvalue())
    return SignResult(Path(out), doc, period, partner, field_name, cn, timestamper is not None)


#: The font of the signature's visible stamp: embedded (subset), as PDF/UA requires.
STAMP_FONTS = ("Liberation Sans", "DejaVu Sans")


def _font_file() -> str | None:
    import shutil
    import subprocess

    exe = shutil.which("fc-match")
    for family in STAMP_FONTS:
        if exe:
            found = subprocess.run(
                [exe, "-f", "%{file}", family], capture_output=True, text=True, timeout=30, check=False
            ).stdout.strip()
            if found.lower().endswith((".ttf", ".otf")) and family.split()[0].lower() in found.lower():
                return found
    return None


def _font_file_1000() -> str | None:
    """The stamp font rescaled to 1000 units per em, in the temporary folder (made once).

    pyHanko writes the glyph widths (/W) in the font's own units, which PDF reads as
    thousandths of an em: a 2048-unit font such as Liberation Sans comes out with the letters
    twice as far apart. Rescaling the font to 1000 units (fontTools) keeps them in place.
    """
    font = _font_file()
    if font is None:
        return None
    from fontTools.ttLib import TTFont

    source = Path(font)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"masa-docs-stamp-{digest}.ttf"
    if target.is_file():
        return str(target)
    tt = TTFont(str(source))
    if tt["head"].unitsPerEm != 1000:
        from fontTools.ttLib.scaleUpem import scale_upem

        scale_upem(tt, 1000)
    buf = io.BytesIO()
    tt.save(buf)
    _write_atomic(target, buf.getvalue())
    return str(target)


def _stamp_style() -> Any:
    """pyHanko's stamp (signer's name and time) set in an embedded font, when one is found.

    pyHanko's default stamp uses the standard Courier font, which is not embedded: a PDF/UA
    checker then rejects the signed file.
    """
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = _font_file_1000()
    if font is None:
        log.warning(
            "no Liberation Sans or DejaVu Sans font found: the signature stamp's font is not embedded"
        )
        return None
    return TextStampStyle(
        stamp_text="Digitally signed by %(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font, font_size=9)),
    )


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ verifying


@dataclass
class SignatureCheck:
    """One signature in a PDF, as checked by :func:`verify_pdf`."""

    field_name: str
    partner: str | None
    signer: str  # the certificate's common name
    expected_signer: str | None  # the LSP named in the content for this field
    signed_at: dt.datetime | None
    intact: bool  # the signed bytes are unchanged and the signature is cryptographically sound
    coverage: str  # what the signature covers, in words
    changes_after: str  # what changed after it, in words
    changes_allowed: bool  # only form filling and signing after it
    signer_ok: bool
    trusted: bool | None  # None: no CA bundle given
    timestamped: bool
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.intact and self.changes_allowed and self.signer_ok and self.trusted is not False


@dataclass
class FileVerification:
    path: Path
    sha256: str
    doc: str | None
    period: str | None
    fingerprint: str | None  # in the PDF
    xmp_fingerprint: str | None
    current_fingerprint: str | None  # of the content now
    signatures: list[SignatureCheck]
    problems: list[str] = field(default_factory=list)
    unsigned_fields: list[str] = field(default_factory=list)

    @property
    def fingerprint_ok(self) -> bool:
        return self.fingerprint is not None and self.fingerprint == self.current_fingerprint

    @property
    def valid(self) -> bool:
        """Every signature valid and the PDF made from the current content."""
        return not self.problems and all(s.valid for s in self.signatures)

    @property
    def complete(self) -> bool:
        """Valid, and every LSP's field carries a signature: the final, signed copy."""
        return self.valid and bool(self.signatures) and not self.unsigned_fields


_COVERAGE = {
    "ENTIRE_FILE": "the whole file",
    "ENTIRE_REVISION": "the whole document as it was signed",
    "CONTIGUOUS_BLOCK_FROM_START": "only part of the file",
    "UNCLEAR": "an unclear part of the file",
}
_LEVEL = {
    "NONE": "nothing",
    "LTA_UPDATES": "validation data only",
    "FORM_FILLING": "form filling and signing only",
    "ANNOTATIONS": "annotations",
    "OTHER": "other changes",
}


def _load_ca(ca: Sequence[Path]) -> list[Any]:
    from pyhanko.keys import load_certs_from_pemder

    try:
        return list(load_certs_from_pemder([str(p) for p in ca]))
    except (OSError, ValueError) as exc:
        raise MasaError(f"the CA bundle could not be read: {exc}", "give PEM or DER certificates") from None


def verify_pdf(path: Path, *, loaded: LoadedContent, ca: Sequence[Path] = ()) -> FileVerification:
    """Check every signature in ``path`` against the content (see :mod:`masa_docs.signing`).

    Without ``ca`` nothing is trusted and ``trusted`` is None ("untrusted"); that alone does
    not make a signature invalid. With ``ca``, a certificate that does not chain to it does.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from .diff import DIFF_POLICY

    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    problems: list[str] = []
    ident = pdf_identity(data)
    doc = period = current = None
    try:
        doc, period, current = _document_check(loaded, ident, str(path))
    except MasaError as exc:
        problems.append(exc.message.split(": ", 1)[-1])
    if current is not None:
        if ident.fingerprint is None:
            problems.append("the PDF carries no document fingerprint")
        elif ident.fingerprint != current:
            problems.append(
                f"made from other content: fingerprint {ident.fingerprint[:16]}… in the PDF, "
                f"{current[:16]}… now"
            )
        if ident.xmp_fingerprint is not None and ident.xmp_fingerprint != ident.fingerprint:
            problems.append("the fingerprints in the document information and the XMP metadata differ")
    roots = _load_ca(ca) if ca else []
    vc = ValidationContext(trust_roots=roots, allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    unsigned = [name for name, value, _ in enumerate_sig_fields(reader) if value is None]
    checks: list[SignatureCheck] = []
    quiet = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    saved_levels = [lg.level for lg in quiet]
    for lg in quiet:
        lg.setLevel(logging.CRITICAL)  # pyHanko logs tracebacks for untrusted chains
    try:
        for emb in reader.embedded_signatures:
            status = validate_pdf_signature(emb, vc, diff_policy=DIFF_POLICY)
            cert = status.signing_cert
            cn, _ = _cert_names(cert)
            partner = _partner_for_field(loaded, emb.field_name)
            sig_problems: list[str] = []
            expected = None
            if partner is None:
                signer_ok = False
                sig_problems.append(f"the field {emb.field_name} is not a partner's signature field")
            else:
                expected = _expected_signatory(loaded, doc or "", period, partner)
                signer_ok = _signer_matches(cert, expected, partner.lsp.email)
                if not signer_ok:
                    sig_problems.append(f"signed by {cn or 'an unnamed certificate'}, not by {expected}")
            intact = bool(status.intact and status.valid)
            if not status.intact:
                sig_problems.append("the signed content was changed (the digest does not match)")
            elif not status.valid:
                sig_problems.append("the signature does not verify with its certificate")
            diff = status.diff_result
            coverage_name = status.coverage.name if status.coverage is not None else "UNCLEAR"
            coverage = _COVERAGE.get(coverage_name, coverage_name.lower())
            if isinstance(diff, SuspiciousModification):
                allowed = False
                changes = "changes that are not form filling or signing"
                sig_problems.append(f"changed after signing: {str(diff).splitlines()[0]}")
            else:
                level = status.modification_level or ModificationLevel.NONE
                allowed = level <= ModificationLevel.FORM_FILLING and coverage_name in (
                    "ENTIRE_FILE",
                    "ENTIRE_REVISION",
                )
                changes = _LEVEL.get(level.name, level.name.lower())
                if not allowed:
                    sig_problems.append(f"changed after signing: {changes}; it covers {coverage}")
            trusted: bool | None = None
            if roots:
                trusted = bool(status.trusted)
                if not trusted:
                    sig_problems.append("the certificate does not chain to the given CA bundle")
            when = (
                status.timestamp_validity.timestamp
                if status.timestamp_validity
                else status.signer_reported_dt
            )
            checks.append(
                SignatureCheck(
                    field_name=emb.field_name,
                    partner=partner.id if partner else None,
                    signer=cn,
                    expected_signer=expected,
                    signed_at=when,
                    intact=intact,
                    coverage=coverage,
                    changes_after=changes,
                    changes_allowed=allowed,
                    signer_ok=signer_ok,
                    trusted=trusted,
                    timestamped=status.timestamp_validity is not None,
                    problems=sig_problems,
                )
            )
    finally:
        for lg, saved in zip(quiet, saved_levels, strict=True):
            lg.setLevel(saved)
    if not checks:
        problems.append("the PDF has no signatures")
    return FileVerification(
        path=Path(path),
        sha256=sha,
        doc=doc,
        period=period,
        fingerprint=ident.fingerprint,
        xmp_fingerprint=ident.xmp_fingerprint,
        current_fingerprint=current,
        signatures=checks,
        problems=problems,
        unsigned_fields=unsigned,
    )


# ------------------------------------------------------------------ recording

_HEADER = (
    "Sign-off record: which lead safeguarding partner signed which document, and when.\n"
    "Written by 'masa-docs verify --record' from the signed PDFs; kept out of every fingerprint.\n"
)


def record_signatures(content_dir: Path, results: Sequence[FileVerification]) -> list[str]:
    """Write each valid signature of ``results`` into ``content_dir/signatures.yaml``.

    Comments and the order of existing entries are kept (ruamel.yaml round trip); a partner's
    existing entry for that document is updated in place. Only valid signatures of PDFs made
    from the current content are recorded. Returns one line per recorded signature.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    target = Path(content_dir) / "signatures.yaml"
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # a fingerprint stays on one line
    if target.is_file():
        data = yaml.load(target.read_text(encoding="utf-8")) or CommentedMap()
    else:
        data = CommentedMap()
        data.yaml_set_start_comment(_HEADER)
    lines: list[str] = []
    for res in results:
        if res.doc is None or not res.fingerprint_ok:
            continue
        key = res.doc.replace("-", "_")
        if res.period:
            per_period = data.setdefault(key, CommentedMap())
            entries = per_period.setdefault(res.period, CommentedSeq())
        else:
            entries = data.setdefault(key, CommentedSeq())
        if isinstance(entries, CommentedSeq) and not entries:
            entries.fa.set_block_style()  # "threshold: []" becomes a block list
        try:
            rel = os.path.relpath(res.path.resolve(), Path(content_dir).resolve())
        except ValueError:  # pragma: no cover - another drive on Windows
            rel = str(res.path)
        for check in res.signatures:
            if not check.valid or check.partner is None or check.signed_at is None:
                continue
            when = check.signed_at.astimezone(dt.UTC).replace(microsecond=0)
            entry = next((e for e in entries if e.get("partner") == check.partner), None)
            if entry is None:
                entry = CommentedMap()
                entries.append(entry)
            entry["partner"] = check.partner
            entry["signed_on"] = when.date()
            entry["signed_at"] = when.isoformat()
            entry["fingerprint"] = res.fingerprint
            entry["file"] = Path(rel).as_posix()
            entry["sha256"] = res.sha256
            lines.append(
                f"{res.doc}{' ' + res.period if res.period else ''}: {check.partner} ({check.signer})"
            )
    buf = io.StringIO()
    yaml.dump(data, buf)
    _write_atomic(target, buf.getvalue().encode("utf-8"))
    return lines


# ------------------------------------------------------------------ stale records


def stale_signature_diagnostics(loaded: LoadedContent) -> list[Diagnostic]:
    """A warning (file:line) for each recorded signature whose fingerprint no longer matches.

    The signature is of an older version of the document: it no longer signs what would be
    published now, and the document is a draft again until it is signed anew.
    """
    from ..documents import DOCUMENTS
    from ..load import document_fingerprint, document_sources

    out: list[Diagnostic] = []
    c = loaded.content
    jobs: list[tuple[str, str | None, tuple[str | int, ...]]] = []
    period: str | None
    for name, spec in DOCUMENTS.items():
        if not spec.signed:
            continue
        if spec.periodic:
            for period in c.signatures.yearly_report:
                jobs.append((name, period, ("signatures", "yearly_report", period)))
        else:
            jobs.append((name, None, ("signatures", spec.signature_key)))
    for name, period, loc in jobs:
        recorded = c.signatures_for(name, period)
        if not recorded or (period is not None and period not in c.reports):
            continue
        current = document_fingerprint(loaded, name, period)
        label = DOCUMENTS[name].title + (f" {period}" if period else "")
        for i, sig in enumerate(recorded):
            if sig.fingerprint is None or sig.fingerprint == current:
                continue
            out.append(
                loaded.source.diagnostic(
                    (*loc, i, "fingerprint"),
                    f"{label}: {sig.partner} signed the version with fingerprint {sig.fingerprint[:16]}…, "
                    f"but the content it is made from has changed (now {current[:16]}…)",
                    hint="it is made from "
                    + ", ".join(document_sources(loaded, name, period))
                    + ": undo the change, or publish again and ask the LSPs to sign the new PDF",
                    severity="warning",
                    code="stale-signature",
                )
            )
    return out
