"""Commands to sign and verify the published PDFs: sign, verify."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ._common import EXIT_FAILED, content_option, handle_errors

signed_option = click.option(
    "--signed",
    "signed_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The folder of signed copies (default: signed/ beside the content folder).",
)


@click.command()
@click.argument("pdf", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--partner", required=True, help="The partner whose field to sign, e.g. northmere-council.")
@click.option("--key", type=click.Path(path_type=Path, dir_okay=False), help="Private key (PEM or DER).")
@click.option("--cert", type=click.Path(path_type=Path, dir_okay=False), help="Certificate (PEM or DER).")
@click.option(
    "--pkcs12",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Key and certificate in one PKCS#12 (.p12/.pfx) file; its passphrase is asked for.",
)
@click.option(
    "--chain",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Intermediate CA certificate to embed (repeatable).",
)
@click.option("--timestamp-url", help="RFC 3161 timestamp server: signs as PAdES B-T instead of B-B.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the signed PDF (default: the signed-copies folder, same file name).",
)
@click.option(
    "--on-behalf",
    is_flag=True,
    help="Allow a certificate that does not name the LSP (record the signatory in signatures.yaml).",
)
@signed_option
@content_option
@handle_errors
def sign(
    pdf: Path,
    partner: str,
    key: Path | None,
    cert: Path | None,
    pkcs12: Path | None,
    chain: tuple[Path, ...],
    timestamp_url: str | None,
    out: Path | None,
    on_behalf: bool,
    signed_dir: Path | None,
    content_dir: Path,
) -> None:
    """Sign one lead safeguarding partner's field in a published PDF.

    PDF is a file made by 'masa-docs publish' (or a signed copy that other LSPs have signed
    already). The signature is PAdES (B-B, or B-T with --timestamp-url), added as an
    incremental update, so earlier signatures stay valid. The passphrase of a PKCS#12 file or
    an encrypted key is asked for, never taken from the command line.

    Refuses a field that is signed already, a certificate that is not the LSP's, and a PDF
    whose content fingerprint no longer matches the content.
    """
    from ..load import load_content
    from ..signing import load_signer, sign_pdf, signed_copy_name, signed_dir_for

    loaded = load_content(content_dir)
    passphrase: bytes | None = None
    if pkcs12 is not None or (key is not None and _encrypted(key)):
        passphrase = click.prompt("Passphrase", hide_input=True, default="", show_default=False).encode()
    signer = load_signer(key=key, cert=cert, pkcs12=pkcs12, passphrase=passphrase or None, chain=chain)
    if out is None:
        from ..signing import pdf_identity

        ident = pdf_identity(pdf.read_bytes())
        folder = signed_dir_for(content_dir, signed_dir)
        out = folder / signed_copy_name(ident.doc or pdf.stem, ident.period)
    result = sign_pdf(
        pdf,
        out,
        loaded=loaded,
        partner=partner,
        key=signer,
        timestamp_url=timestamp_url,
        allow_other_signer=on_behalf,
    )
    level = "PAdES B-T (timestamped)" if result.timestamped else "PAdES B-B"
    click.echo(f"Signed {result.field_name} as {result.signer} ({level}): wrote {result.out}")
    click.echo(f"Next: masa-docs verify {result.out} --content {content_dir}")


def _encrypted(key: Path) -> bool:
    try:
        head = key.read_bytes()[:200]
    except OSError:
        return False
    return b"ENCRYPTED" in head


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option(
    "--ca",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Trusted CA certificates (PEM bundle or DER, repeatable). Without it: 'untrusted'.",
)
@click.option("--record", is_flag=True, help="Write the valid signatures into signatures.yaml.")
@content_option
@handle_errors
def verify(files: tuple[Path, ...], ca: tuple[Path, ...], record: bool, content_dir: Path) -> None:
    """Check every signature in signed PDFs against the content.

    For each signature: is it intact, what does it cover and what changed after it (only form
    filling and later signatures are allowed), is the certificate the LSP's named in the
    content, and is it trusted (--ca). Also whether the PDF was made from the current content
    (its fingerprint). Works for PDFs signed with masa-docs sign or another tool.

    Exit code 0 when every signature is valid, 1 when one is not, 2 for invalid content.
    """
    from ..load import load_content
    from ..signing import record_signatures, verify_pdf

    loaded = load_content(content_dir)
    results = [verify_pdf(f, loaded=loaded, ca=ca) for f in files]
    header = (
        f"{'field':<28} {'signer':<24} {'signed (UTC)':<17} {'intact':<6} {'after it':<30} {'LSP':<4} trust"
    )
    for res in results:
        name = res.doc or "?"
        if res.period:
            name += f" {res.period}"
        click.secho(f"{res.path}: {name}", bold=True)
        fp = "matches the content" if res.fingerprint_ok else "does NOT match the content"
        click.echo(f"  fingerprint {(res.fingerprint or 'none')[:16]}… {fp}")
        if res.signatures:
            click.echo("  " + header)
        for s in res.signatures:
            when = s.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if s.signed_at else "?"
            trust = "untrusted" if s.trusted is None else ("trusted" if s.trusted else "NOT TRUSTED")
            if s.timestamped:
                trust += ", timestamped"
            line = (
                f"  {s.field_name:<28} {s.signer[:24]:<24} {when:<17} {'yes' if s.intact else 'NO':<6} "
                f"{s.changes_after[:30]:<30} {'yes' if s.signer_ok else 'NO':<4} {trust}"
            )
            click.secho(line, fg=None if s.valid else "red")
            for p in s.problems:
                click.secho(f"    - {p}", fg="red")
        for p in res.problems:
            click.secho(f"  - {p}", fg="red")
        if res.unsigned_fields:
            click.echo(f"  not yet signed: {', '.join(res.unsigned_fields)}")
        verdict = "valid" if res.valid else "INVALID"
        if res.complete:
            verdict += ", signed by every LSP: final"
        click.secho(f"  {verdict}", fg="green" if res.valid else "red")
    if record:
        valid = [r for r in results if r.valid]
        lines = record_signatures(content_dir, valid)
        for line in lines:
            click.echo(f"recorded {line}")
        click.echo(
            f"Recorded {len(lines)} signature{'s' if len(lines) != 1 else ''} in "
            f"{content_dir / 'signatures.yaml'}."
        )
    if not all(r.valid for r in results):
        sys.exit(EXIT_FAILED)


COMMANDS: list[click.Command] = [sign, verify]
