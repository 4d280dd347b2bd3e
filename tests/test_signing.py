"""Signing and verifying: several LSPs sign one after another and every signature stays valid.

The PDFs are published from a copy of the example without recorded signatures, the
certificates come from a test CA made here (tests/signing_ca.py), and poppler's pdfsig gives
a second opinion on each signed file.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from masa_docs.cli import main
from masa_docs.errors import MasaError
from masa_docs.example import example_dir
from masa_docs.load import LoadedContent, document_fingerprint, load_content
from masa_docs.pdfcheck import check_pdf
from masa_docs.publish import publish
from masa_docs.signing import load_signer, pdf_identity, sign_pdf, verify_pdf
from signing_ca import Issued, TestCA, TimestampServer

pytestmark = [pytest.mark.slow, pytest.mark.client]

DOCS = ("arrangements", "threshold", "yearly-report", "agreement")


def _copy_example(dest: Path) -> Path:
    shutil.copytree(example_dir(), dest)
    (dest / "signatures.yaml").unlink()
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A partnership folder: content/ without signatures, build/ with the four PDFs."""
    root = tmp_path_factory.mktemp("partnership")
    content = _copy_example(root / "content")
    publish(content, root / "build", formats=["pdf"])
    return root


@pytest.fixture(scope="module")
def loaded(site: Path) -> LoadedContent:
    return load_content(site / "content")


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def lsp_certs(ca: TestCA, loaded: LoadedContent) -> dict[str, Issued]:
    return {p.id: ca.issue(p.lsp.name) for p in loaded.content.partners}


def _sign_in_order(
    src: Path, out: Path, loaded: LoadedContent, certs: dict[str, Issued], order: list[str]
) -> Path:
    current = src
    for partner in order:
        issued = certs[partner]
        key = load_signer(key=issued.key_pem, cert=issued.cert_pem)
        sign_pdf(current, out, loaded=loaded, partner=partner, key=key)
        current = out
    return out


def _pdfsig(path: Path) -> list[str]:
    """pdfsig's verdict for each signature, in order."""
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=120, check=False)
    return re.findall(r"Signature Validation: (.+)", result.stdout)


def _pdf_name(site: Path, doc: str) -> Path:
    return site / "build" / f"{doc}.pdf"


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("count", [3, 4])
def test_every_signature_stays_valid_with_several_signers(site, loaded, ca, lsp_certs, tmp_path, doc, count):
    partners = [p.id for p in loaded.content.partners]
    order = list(reversed(partners))[:count] if count == 4 else [partners[2], partners[0], partners[3]]
    out = _sign_in_order(_pdf_name(site, doc), tmp_path / f"{doc}.pdf", loaded, lsp_certs, order)

    result = verify_pdf(out, loaded=loaded, ca=[ca.cert_pem])
    assert [s.partner for s in result.signatures] == order
    for i, check in enumerate(result.signatures):
        assert check.valid, check.problems
        assert check.intact and check.signer_ok and check.trusted
        last = i == len(order) - 1
        assert check.changes_after == ("nothing" if last else "form filling and signing only")
    assert result.fingerprint_ok and result.valid
    assert result.complete == (count == 4)
    assert len(result.unsigned_fields) == len(partners) - count
    # poppler agrees, and the signed file is still a tagged PDF/UA file with embedded fonts.
    assert _pdfsig(out) == ["Signature is Valid."] * count
    assert check_pdf(out.read_bytes()) == []


def test_without_the_extra_rule_pyhanko_rejects_the_earlier_signature(site, loaded, lsp_certs, tmp_path):
    """What the narrow rule is for: the structure tree's reference to the filled widget."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, SuspiciousModification
    from pyhanko.sign.validation import validate_pdf_signature

    out = _sign_in_order(
        _pdf_name(site, "threshold"), tmp_path / "t.pdf", loaded, lsp_certs, ["northmere-council", "nev-icb"]
    )
    first = PdfFileReader(io.BytesIO(out.read_bytes())).embedded_signatures[0]
    from pyhanko_certvalidator import ValidationContext

    vc = ValidationContext(trust_roots=[], allow_fetching=False)
    status = validate_pdf_signature(first, vc, diff_policy=DEFAULT_DIFF_POLICY)
    assert isinstance(status.diff_result, SuspiciousModification)
    assert "StructTreeRoot" in str(status.diff_result)


def _append_revision(src: Path, dest: Path, change) -> Path:
    """An incremental update made with pyHanko's writer, changing what ``change`` changes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(src.read_bytes()))
    change(writer)
    buf = io.BytesIO()
    writer.write(buf)
    dest.write_bytes(buf.getvalue())
    return dest


def test_a_page_changed_after_signing_is_reported(site, loaded, lsp_certs, ca, tmp_path):
    from pyhanko.pdf_utils import generic

    signed = _sign_in_order(
        _pdf_name(site, "threshold"),
        tmp_path / "t.pdf",
        loaded,
        lsp_certs,
        ["northmere-council", "eastvale-council"],
    )

    def new_page_content(writer) -> None:
        page_ref = writer.root["/Pages"]["/Kids"][0]
        page = page_ref.get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (Void) Tj ET")
        page["/Contents"] = writer.add_object(stream)
        writer.update_container(page)

    tampered = _append_revision(signed, tmp_path / "tampered.pdf", new_page_content)
    result = verify_pdf(tampered, loaded=loaded, ca=[ca.cert_pem])
    assert not result.valid
    for check in result.signatures:
        assert check.intact  # the signed bytes themselves are untouched...
        assert not check.changes_allowed and not check.valid  # ...but what came after is not allowed
        assert any("changed after signing" in p for p in check.problems)
    runner = CliRunner()
    res = runner.invoke(main, ["verify", str(tampered), "--content", str(site / "content")])
    assert res.exit_code == 1, res.output
    assert "INVALID" in res.output


def test_changed_signed_bytes_are_reported(site, loaded, lsp_certs, tmp_path):
    signed = _sign_in_order(_pdf_name(site, "threshold"), tmp_path / "t.pdf", loaded, lsp_certs, ["nev-icb"])
    data = bytearray(signed.read_bytes())
    at = data.index(b"Continuum of Need") if b"Continuum of Need" in data else data.index(b"/Title")
    data[at] ^= 0x20  # one letter's case, inside the signed byte range
    tampered = tmp_path / "bytes.pdf"
    tampered.write_bytes(bytes(data))
    result = verify_pdf(tampered, loaded=loaded)
    (check,) = result.signatures
    assert not check.intact and not check.valid
    assert _pdfsig(tampered) != ["Signature is Valid."]


def test_trust_needs_the_ca_bundle(site, loaded, lsp_certs, tmp_path):
    signed = _sign_in_order(_pdf_name(site, "threshold"), tmp_path / "t.pdf", loaded, lsp_certs, ["nev-icb"])
    untrusted = verify_pdf(signed, loaded=loaded)
    assert untrusted.signatures[0].trusted is None and untrusted.valid  # "untrusted", not invalid
    other = TestCA(tmp_path / "other-ca", "Another CA")
    wrong = verify_pdf(signed, loaded=loaded, ca=[other.cert_pem])
    assert wrong.signatures[0].trusted is False and not wrong.valid


def test_sign_refuses_wrong_signer_filled_field_unknown_partner_and_stale_pdf(
    site, loaded, ca, lsp_certs, tmp_path
):
    src = _pdf_name(site, "threshold")
    stranger = ca.issue("Mallory Stranger")
    with pytest.raises(MasaError, match="is for Rachel Osei"):
        sign_pdf(
            src,
            tmp_path / "a.pdf",
            loaded=loaded,
            partner="eastvale-council",
            key=load_signer(key=stranger.key_pem, cert=stranger.cert_pem),
        )
    assert not (tmp_path / "a.pdf").exists()
    signed = _sign_in_order(src, tmp_path / "b.pdf", loaded, lsp_certs, ["eastvale-council"])
    with pytest.raises(MasaError, match="already signed"):
        _sign_in_order(signed, signed, loaded, lsp_certs, ["eastvale-council"])
    rachel = lsp_certs["eastvale-council"]
    with pytest.raises(MasaError, match="no partner 'eastvale'"):
        key = load_signer(key=rachel.key_pem, cert=rachel.cert_pem)
        sign_pdf(signed, signed, loaded=loaded, partner="eastvale", key=key)
    with pytest.raises(MasaError, match="exists already"):
        _sign_in_order(src, signed, loaded, lsp_certs, ["nev-icb"])
    # The content changes after publishing: the PDF no longer matches it.
    content = _copy_example(tmp_path / "content")
    with open(content / "threshold.md", "a", encoding="utf-8") as fh:
        fh.write("\nOne more sentence.\n")
    changed = load_content(content)
    with pytest.raises(MasaError, match="content changed after this PDF was made"):
        _sign_in_order(src, tmp_path / "c.pdf", changed, lsp_certs, ["nev-icb"])


def test_cli_signs_with_pkcs12_asking_for_the_passphrase(site, lsp_certs, tmp_path):
    p12 = lsp_certs["northmere-police"].pkcs12(tmp_path / "police.p12", b"correct horse")
    out = tmp_path / "signed" / "threshold.pdf"
    args = ["sign", str(_pdf_name(site, "threshold")), "--partner", "northmere-police", "--pkcs12", str(p12)]
    args += ["--out", str(out), "--content", str(site / "content")]
    runner = CliRunner()
    wrong = runner.invoke(main, args, input="wrong\n")
    assert wrong.exit_code == 2 and not out.exists()
    res = runner.invoke(main, args, input="correct horse\n")
    assert res.exit_code == 0, res.output
    assert "correct horse" not in res.output
    assert "PAdES B-B" in res.output
    assert _pdfsig(out) == ["Signature is Valid."]


def test_the_fingerprint_is_in_the_info_and_the_xmp_metadata(site, loaded):
    for doc in DOCS:
        ident = pdf_identity(_pdf_name(site, doc).read_bytes())
        period = loaded.content.latest_period if doc == "yearly-report" else None
        assert ident.doc == doc and ident.period == period
        assert ident.fingerprint == ident.xmp_fingerprint == document_fingerprint(loaded, doc, period)
        assert len(ident.fingerprint) == 64


def test_publish_sign_verify_record_publish_gives_a_final_signed_tagged_pdf(site, lsp_certs, ca, tmp_path):
    """The issue's "done when": four signers, verify --record, publish again."""
    root = tmp_path / "office"
    content = _copy_example(root / "content")
    (content / "signatures.yaml").write_text(
        "# Kept by the partnership's business unit: do not edit by hand.\nthreshold: []\n", encoding="utf-8"
    )
    runner = CliRunner()

    def run(*args: str, code: int = 0, stdin: str | None = None) -> str:
        res = runner.invoke(main, list(args), input=stdin, catch_exceptions=False)
        assert res.exit_code == code, res.output
        return res.output

    run("publish", "--content", str(content), "--out", str(root / "build"), "--doc", "threshold")
    unsigned = root / "build" / "threshold.pdf"
    signed = root / "signed" / "threshold.pdf"
    for i, partner in enumerate(["northmere-police", "nev-icb", "northmere-council", "eastvale-council"]):
        issued = lsp_certs[partner]
        src = unsigned if i == 0 else signed
        keys = ["--key", str(issued.key_pem), "--cert", str(issued.cert_pem)]
        run("sign", str(src), "--partner", partner, *keys, "--content", str(content))
    assert signed.is_file()
    out = run("verify", str(signed), "--ca", str(ca.cert_pem), "--record", "--content", str(content))
    assert "signed by every LSP: final" in out
    text = (content / "signatures.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Kept by the partnership's business unit")  # comments kept
    loaded = load_content(content)
    recorded = loaded.content.signatures.threshold
    assert {s.partner for s in recorded} == {p.id for p in loaded.content.partners}
    fp = document_fingerprint(loaded, "threshold")
    assert all(s.fingerprint == fp and s.sha256 and s.signed_at for s in recorded)

    second = run("publish", "--content", str(content), "--out", str(root / "build"), "--doc", "threshold")
    # Publishing again with nothing changed recalls that answer (masa_docs.up_to_date), the
    # signed copy's line included.
    again = run("publish", "--content", str(content), "--out", str(root / "build"), "--doc", "threshold")
    copy_line = (
        f"Signed copy signed/threshold.pdf (from {signed}): final: signed by every lead safeguarding partner"
    )
    assert copy_line in second and copy_line in again and "is up to date" in again
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    copy = manifest["signed_copies"]["signed/threshold.pdf"]
    assert copy["final"] and copy["valid"] and copy["fingerprint_matches_content"]
    assert [s["partner"] for s in copy["signed_by"]] == [
        "northmere-police",
        "nev-icb",
        "northmere-council",
        "eastvale-council",
    ]
    published = root / "build" / "signed" / "threshold.pdf"
    assert published.read_bytes() == signed.read_bytes()
    index = (root / "build" / "index.html").read_text(encoding="utf-8")
    assert (
        'href="signed/threshold.pdf"' in index and "Final: signed by every lead safeguarding partner" in index
    )
    # The final copy: every signature valid, poppler agrees, still tagged PDF/UA.
    final = verify_pdf(published, loaded=loaded, ca=[ca.cert_pem])
    assert final.complete and all(s.valid for s in final.signatures)
    assert _pdfsig(published) == ["Signature is Valid."] * 4
    assert check_pdf(published.read_bytes()) == []
    # The regenerated unsigned PDF points to the signed copy instead of claiming to be final.
    from masa_docs.render.pdf import pdf_text_pages

    pages = " ".join(" ".join(pdf_text_pages((root / "build" / "threshold.pdf").read_bytes())).split())
    assert "the final version is the signed copy, signed/threshold.pdf" in pages
    assert "DRAFT" not in pages
    # Editing the threshold afterwards: validate warns with file:line, the document is a draft again.
    with open(content / "threshold.md", "a", encoding="utf-8") as fh:
        fh.write("\nA later change.\n")
    res = runner.invoke(main, ["validate", "--content", str(content)])
    assert res.exit_code == 0
    assert re.search(r"signatures\.yaml:\d+:\d+: warning: threshold\[0\]\.fingerprint: Threshold", res.output)
    assert "threshold.md" in res.output


def test_a_signed_pdf_left_in_build_stops_publish(site, lsp_certs, tmp_path):
    root = tmp_path / "p"
    content = _copy_example(root / "content")
    build = root / "build"
    publish(content, build, docs=["threshold"], formats=["pdf"])
    loaded = load_content(content)
    _sign_in_order(build / "threshold.pdf", build / "threshold.pdf", loaded, lsp_certs, ["nev-icb"])
    before = (build / "threshold.pdf").read_bytes()
    with pytest.raises(MasaError, match="has been signed since it was published"):
        publish(content, build, docs=["threshold"], formats=["pdf"])
    assert (build / "threshold.pdf").read_bytes() == before


def _readme_signing_commands() -> list[list[str]]:
    """The masa-docs commands of the README's Signing section, as argument lists."""
    import shlex

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Signing\n", 1)[1].split("\n## ", 1)[0]
    joined = section.replace("\\\n", " ")
    return [
        shlex.split(line.strip())[1:] for line in joined.splitlines() if line.startswith("    masa-docs ")
    ]


def test_the_readme_signing_steps_work_as_written(lsp_certs, ca, tmp_path, monkeypatch):
    commands = _readme_signing_commands()
    assert [c[0] for c in commands] == ["sign", "sign", "verify"]
    office = tmp_path / "office"
    _copy_example(office / "content")
    monkeypatch.chdir(office)
    publish("content", "build", docs=["threshold"], formats=["pdf"])
    # The files the README names: Andrew Whitcombe's PEM files, Rachel Osei's PKCS#12 file,
    # the office's trusted CA certificates.
    andrew = lsp_certs["northmere-council"]
    shutil.copyfile(andrew.key_pem, "andrew-whitcombe.key.pem")
    shutil.copyfile(andrew.cert_pem, "andrew-whitcombe.cert.pem")
    lsp_certs["eastvale-council"].pkcs12(office / "rachel-osei.p12", b"s3cret")
    shutil.copyfile(ca.cert_pem, "our-trusted-cas.pem")
    runner = CliRunner()
    outputs = []
    for args in commands:
        res = runner.invoke(main, args, input="s3cret\n", catch_exceptions=False)
        outputs.append(res.output)
        assert res.exit_code == 0, res.output
    assert "sig-northmere-council" in outputs[-1] and "sig-eastvale-council" in outputs[-1]
    assert "valid" in outputs[-1] and "INVALID" not in outputs[-1]
    recorded = load_content("content").content.signatures.threshold
    assert [s.partner for s in recorded] == ["northmere-council", "eastvale-council"]
    # The other two LSPs sign the same way; publish then shows the final signed copy.
    for partner in ("nev-icb", "northmere-police"):
        issued = lsp_certs[partner]
        args = ["sign", "signed/threshold.pdf", "--partner", partner, "--key", str(issued.key_pem)]
        assert runner.invoke(main, [*args, "--cert", str(issued.cert_pem)]).exit_code == 0
    res = runner.invoke(main, ["verify", "signed/threshold.pdf", "--ca", "our-trusted-cas.pem", "--record"])
    assert res.exit_code == 0 and "signed by every LSP: final" in res.output
    res = runner.invoke(main, ["publish", "--content", "content", "--out", "build", "--doc", "threshold"])
    assert res.exit_code == 0, res.output
    assert "Signed copy signed/threshold.pdf" in res.output and "final" in res.output
    assert (office / "build" / "signed" / "threshold.pdf").is_file()


def test_a_timestamp_server_makes_it_pades_b_t(site, loaded, lsp_certs, ca, tmp_path):
    issued = lsp_certs["nev-icb"]
    out = tmp_path / "t.pdf"
    with TimestampServer(ca) as tsa:
        res = CliRunner().invoke(
            main,
            ["sign", str(_pdf_name(site, "threshold")), "--partner", "nev-icb", "--key", str(issued.key_pem),
             "--cert", str(issued.cert_pem), "--timestamp-url", tsa.url, "--out", str(out),
             "--content", str(site / "content")],
        )  # fmt: skip
        assert res.exit_code == 0, res.output
        assert tsa.requests >= 1  # pyHanko may ask once more to size the signature
    assert "PAdES B-T (timestamped)" in res.output
    (check,) = verify_pdf(out, loaded=loaded, ca=[ca.cert_pem]).signatures
    assert check.valid and check.timestamped


@pytest.mark.parametrize("doc", DOCS)
def test_signature_blocks_are_never_alone_on_a_page(site, loaded, doc):
    from masa_docs.render.pdf import pdf_text_pages

    pages = pdf_text_pages(_pdf_name(site, doc).read_bytes())
    label = "Signature:" if doc == "agreement" else "Signature of "
    counts = [page.count(label) for page in pages]
    assert sum(counts) == len(loaded.content.partners)
    assert all(c == 0 or c >= 2 for c in counts), counts


def _artifact_watermarks(page) -> int:
    """Form XObjects drawn inside /Artifact marked content on ``page`` that fill outlines and
    show no text (the DRAFT watermark: letters as paths, so text extraction never sees it)."""
    import pikepdf

    found = 0
    artifact = 0
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name in ("BMC", "BDC"):
            artifact = artifact + 1 if (artifact or str(operands[0]) == "/Artifact") else 0
        elif name == "EMC" and artifact:
            artifact -= 1
        elif name == "Do" and artifact:
            xobject = page.Resources.XObject[str(operands[0])]
            ops = _form_operators(xobject)
            if xobject.get("/Subtype") == "/Form" and {"f", "f*"} & ops and not {"Tj", "TJ"} & ops:
                found += 1
    return found


def _form_operators(xobject) -> set[str]:
    import pikepdf

    ops = {str(op) for _, op in pikepdf.parse_content_stream(xobject)}
    for inner in xobject.get("/Resources", {}).get("/XObject", {}).values():
        if inner.get("/Subtype") == "/Form":
            ops |= _form_operators(inner)
    return ops


def test_draft_watermark_is_an_artifact_on_every_page(tmp_path):
    import pikepdf

    from masa_docs.render import RenderRequest, render
    from masa_docs.render.context import document_meta

    content = tmp_path / "content"
    shutil.copytree(example_dir(), content)  # signatures recorded without fingerprints: a draft
    loaded = load_content(content)
    assert document_meta(loaded, "threshold").watermarked
    data = render(loaded, RenderRequest("threshold", "pdf")).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert all(_artifact_watermarks(page) == 1 for page in pdf.pages)
    assert check_pdf(data) == []


def test_no_watermark_on_the_copy_for_signature(site):
    import pikepdf

    with pikepdf.open(_pdf_name(site, "threshold")) as pdf:
        assert all(_artifact_watermarks(page) == 0 for page in pdf.pages)


def test_a_pdf_signed_in_another_tool_is_verified_the_same_way(site, loaded, lsp_certs, ca, tmp_path):
    """Signed with pyHanko directly (its own stamp, no masa-docs checks), like an office's tool."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    data = _pdf_name(site, "threshold").read_bytes()
    for partner in ("eastvale-council", "northmere-police"):
        issued = lsp_certs[partner]
        signer = signers.SimpleSigner.load(str(issued.key_pem), str(issued.cert_pem))
        meta = signers.PdfSignatureMetadata(field_name=f"sig-{partner}")
        data = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer).getvalue()
    out = tmp_path / "other-tool.pdf"
    out.write_bytes(data)
    result = verify_pdf(out, loaded=loaded, ca=[ca.cert_pem])
    assert [s.partner for s in result.signatures] == ["eastvale-council", "northmere-police"]
    assert result.valid and all(s.valid for s in result.signatures)
    # A signature in the right field by the wrong person is not valid.
    stranger = ca.issue("Mallory Stranger")
    signer = signers.SimpleSigner.load(str(stranger.key_pem), str(stranger.cert_pem))
    meta = signers.PdfSignatureMetadata(field_name="sig-nev-icb")
    wrong = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer).getvalue()
    (tmp_path / "wrong.pdf").write_bytes(wrong)
    result = verify_pdf(tmp_path / "wrong.pdf", loaded=loaded, ca=[ca.cert_pem])
    assert not result.valid
    assert result.signatures[-1].problems == ["signed by Mallory Stranger, not by Jonathan Rees"]
