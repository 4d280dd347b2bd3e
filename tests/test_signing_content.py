"""Per-document fingerprints, recorded signatures and the sign-off wording (no PDF rendering)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from masa_docs.cli import main
from masa_docs.errors import ContentError
from masa_docs.example import example_dir, init_content
from masa_docs.load import document_fingerprint, load_content
from masa_docs.render.context import document_meta
from masa_docs.signing import stale_signature_diagnostics


def _copy(tmp_path: Path, name: str = "content") -> Path:
    dest = tmp_path / name
    shutil.copytree(example_dir(), dest)
    return dest


def _fingerprints(root: Path) -> dict[str, str]:
    loaded = load_content(root)
    latest = loaded.content.latest_period
    return {
        doc: document_fingerprint(loaded, doc, latest if doc == "yearly-report" else None)
        for doc in ("arrangements", "agreement", "threshold", "yearly-report")
    }


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def test_each_document_has_its_own_full_length_fingerprint(tmp_path):
    fps = _fingerprints(_copy(tmp_path))
    assert len(set(fps.values())) == 4
    assert all(len(fp) == 64 and int(fp, 16) >= 0 for fp in fps.values())


@pytest.mark.parametrize(
    ("file", "changed"),
    [
        ("reports/2025-26.yaml", {"yearly-report"}),
        ("threshold.md", {"threshold", "arrangements"}),
        ("agreement.yaml", {"agreement"}),
        ("partners.yaml", {"arrangements", "agreement", "threshold", "yearly-report"}),
        ("signatures.yaml", set()),
    ],
)
def test_editing_one_file_unsettles_only_the_documents_made_from_it(tmp_path, file, changed):
    root = _copy(tmp_path)
    before = _fingerprints(root)
    _append(root / file, "\n# an edit\n" if file.endswith(".yaml") else "\nAn edit.\n")
    after = _fingerprints(root)
    assert {doc for doc in before if before[doc] != after[doc]} == changed


def test_a_previous_report_counts_for_the_next_one_it_is_compared_with(tmp_path):
    root = _copy(tmp_path)
    loaded = load_content(root)
    older, newer = loaded.content.report_periods[-2:]
    before = (
        document_fingerprint(loaded, "yearly-report", older),
        document_fingerprint(loaded, "yearly-report", newer),
    )
    _append(root / "reports" / f"{older}.yaml", "\n# an edit\n")
    loaded = load_content(root)
    after = (
        document_fingerprint(loaded, "yearly-report", older),
        document_fingerprint(loaded, "yearly-report", newer),
    )
    assert before[0] != after[0] and before[1] != after[1]


@pytest.mark.parametrize("bad", ["deadbeef", "fc0cd73507c0a2c3", "X" * 64])
def test_only_full_length_fingerprints_are_accepted(tmp_path, bad):
    root = _copy(tmp_path)
    text = (root / "signatures.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    signed_on: 2025-03-10\n", f"    signed_on: 2025-03-10\n    fingerprint: {bad}\n", 1
    )
    (root / "signatures.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_content(root)
    (diag,) = exc.value.diagnostics
    assert diag.file.endswith("signatures.yaml") and diag.line == 9
    assert diag.field_path == "arrangements[0].fingerprint"


def _record(root: Path, doc_key: str, fp: str, partners: list[str] | None = None) -> None:
    loaded = load_content(root)
    ids = partners or [p.id for p in loaded.content.partners]
    lines = [f"{doc_key}:"]
    for pid in ids:
        lines += [f"  - partner: {pid}", "    signed_on: 2026-03-09", f"    fingerprint: {fp}"]
    (root / "signatures.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_stale_signature_is_reported_with_its_place_and_document(tmp_path):
    root = _copy(tmp_path)
    fp = _fingerprints(root)["agreement"]
    _record(root, "agreement", fp)
    loaded = load_content(root)
    assert stale_signature_diagnostics(loaded) == []
    assert document_meta(loaded, "agreement").status == "final"
    _append(root / "reports" / "2025-26.yaml", "\n# the foreword changed\n")
    assert stale_signature_diagnostics(load_content(root)) == []  # the agreement is not made from it
    _append(root / "disputes.yaml", "\n# a change\n")
    loaded = load_content(root)
    diags = stale_signature_diagnostics(loaded)
    assert len(diags) == 4
    assert [(d.line, d.field_path, d.severity) for d in diags[:1]] == [
        (4, "agreement[0].fingerprint", "warning")
    ]
    assert "Collaboration agreement" in diags[0].message and "disputes.yaml" in (diags[0].hint or "")
    meta = document_meta(loaded, "agreement")
    assert meta.draft and any("changed after it was signed" in r for r in meta.draft_reasons)
    res = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert res.exit_code == 0
    assert "signatures.yaml:4:18: warning: agreement[0].fingerprint" in res.output


def test_a_signature_without_a_fingerprint_does_not_make_a_document_final(tmp_path):
    root = _copy(tmp_path)
    lines = ["threshold:"] + [
        f"  - partner: {p.id}\n    signed_on: 2026-03-09" for p in load_content(root).content.partners
    ]
    (root / "signatures.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = document_meta(load_content(root), "threshold")
    assert meta.draft and meta.watermarked
    assert any("without the fingerprint" in r for r in meta.draft_reasons)


def test_unsigned_document_is_for_signature_and_undated_then_signed_and_dated(tmp_path):
    root = _copy(tmp_path)
    (root / "signatures.yaml").unlink()
    meta = document_meta(load_content(root), "agreement")
    assert meta.for_signature and not meta.watermarked
    assert meta.dated == "________" and meta.signed_copy is None
    loaded = load_content(root)
    fp = document_fingerprint(loaded, "agreement")
    text = "agreement:\n" + "".join(
        f"  - partner: {p.id}\n    signed_on: 2026-03-{9 + i:02d}\n    fingerprint: {fp}\n"
        for i, p in enumerate(loaded.content.partners)
    )
    (root / "signatures.yaml").write_text(text, encoding="utf-8")
    meta = document_meta(load_content(root), "agreement")
    assert meta.status == "final" and meta.dated == "12 March 2026"  # the last signature
    assert meta.signed_copy == "signed/agreement.pdf"


def test_init_starts_without_recorded_signatures(tmp_path):
    dest = tmp_path / "new"
    init_content(dest)
    assert not (dest / "signatures.yaml").exists()
    loaded = load_content(dest)
    for doc in ("arrangements", "agreement", "threshold"):
        meta = document_meta(loaded, doc)
        assert meta.for_signature and all(not s.signed for s in meta.signatures)


@pytest.mark.parametrize(
    ("count", "pages"),
    [(1, [1]), (3, [3]), (4, [2, 2]), (5, [3, 2]), (6, [3, 3]), (7, [3, 2, 2]), (10, [3, 3, 2, 2])],
)
def test_signature_blocks_are_spread_so_none_is_alone(count, pages):
    from masa_docs.render.context import signature_page_starts

    starts = sorted(signature_page_starts(count))
    bounds = [0, *starts, count]
    assert [b - a for a, b in itertools.pairwise(bounds)] == pages


def test_sign_refuses_a_partner_already_recorded_for_this_version(tmp_path):
    from masa_docs.errors import MasaError
    from masa_docs.signing import sign_pdf

    root = _copy(tmp_path)
    fp = _fingerprints(root)["threshold"]
    _record(root, "threshold", fp, ["nev-icb"])
    loaded = load_content(root)
    # Refused before the fields or the key are looked at: a PDF that names the document is enough.
    pdf = tmp_path / "threshold.pdf"
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    doc.docinfo["/Keywords"] = f"masa-docs document threshold, fingerprint {fp}"
    with doc.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["pdf:Keywords"] = f"masa-docs document threshold, fingerprint {fp}"
    doc.save(pdf)
    with pytest.raises(MasaError, match="nev-icb has already signed this version"):
        sign_pdf(pdf, tmp_path / "out.pdf", loaded=loaded, partner="nev-icb", key=None)  # type: ignore[arg-type]
