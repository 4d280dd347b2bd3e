"""Signing and verifying the published PDFs, and keeping the signed copies.

* :func:`sign_pdf` signs one lead safeguarding partner's (LSP's) empty field in a published PDF
  with pyHanko: PAdES baseline B-B, or B-T when a timestamp server is given, as one
  incremental update, so the LSPs can sign one after another in any order.
* :func:`verify_pdf` checks every signature in a PDF (made by ``masa-docs sign`` or by another
  tool): integrity, what it covers (pyHanko's difference analysis with the one extra rule in
  :mod:`masa_docs.signing.diff`), the signer's certificate against the LSP named in the
  content, trust against a CA bundle, and the document fingerprint in the PDF against the
  current content. :func:`record_signatures` writes the result into ``signatures.yaml``,
  keeping its comments.
* :mod:`masa_docs.signing.copies` finds the signed copies (``signed/`` beside the content
  folder by default) for ``publish``.

pyHanko and cryptography are imported inside the functions, so importing this package is cheap.
"""

from .core import (
    DEFAULT_SIGNED_DIR,
    FileVerification,
    PdfIdentity,
    SignatureCheck,
    SignerKey,
    SignResult,
    load_signer,
    pdf_identity,
    record_signatures,
    sign_pdf,
    signed_copy_name,
    signed_dir_for,
    stale_signature_diagnostics,
    verify_pdf,
)

__all__ = [
    "DEFAULT_SIGNED_DIR",
    "FileVerification",
    "PdfIdentity",
    "SignResult",
    "SignatureCheck",
    "SignerKey",
    "load_signer",
    "pdf_identity",
    "record_signatures",
    "sign_pdf",
    "signed_copy_name",
    "signed_dir_for",
    "stale_signature_diagnostics",
    "verify_pdf",
]
