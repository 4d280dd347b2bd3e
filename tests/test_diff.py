"""masa-docs diff: two versions of the example, and what each output says changed.

The old version differs from the example (the new version) in four ways, as the issue asks:
Northmere's DSP was Martin Keeble before Priya Lakhani's delegation; Northmere's 2025-26
contribution (and so the total) was lower; a clause of the Word template was worded differently;
and the old voice narrative had a section ("Young inspectors") that the new one removed.
Every test checks that each change shows, and that nothing the two versions share is marked.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree, html
from pydantic import create_model

from conftest import copy_content, replace_once
from masa_docs.cli import main
from masa_docs.diff import Side, compare, compare_content, folder_side, summary_markdown, summary_text
from masa_docs.diff.facts import percent_change, plural
from masa_docs.diff.htmldiff import mark_changes
from masa_docs.load import LoadedContent, load_content
from masa_docs.model.partnership import Partnership
from masa_docs.render.agreement import templates_dir

OLD_CLAUSE = "No party is liable to any other party for indirect or consequential loss."
NEW_CLAUSE = "No party is liable to another for indirect or consequential loss."
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _old_partners(text: str) -> str:
    """Northmere's DSP was Martin Keeble, whose delegation had not ended; no later delegation."""
    text = replace_once(
        "    name: Priya Lakhani\n    title: Director of Children's Services\n",
        "    name: Martin Keeble\n    title: Interim Director of Children's Services\n",
    )(text)
    start = text.index("      ended_on: 2024-06-30\n")
    end = text.index("      reference: CEX/DEL/2024/03\n") + len("      reference: CEX/DEL/2024/03\n")
    return text[:start] + "      reference: CEX/DEL/2023/07\n" + text[end:]


OLD_EDITS: dict[str, Callable[[str], str]] = {
    "partners.yaml": _old_partners,
    "funding.yaml": lambda t: replace_once("    total: 544200.00\n", "    total: 536594.00\n")(
        replace_once("        amount: 177606.00\n", "        amount: 170000.00\n")(t)
    ),
    "voice.md": replace_once(
        "## Get involved\n",
        "## Young inspectors\n\nYoung inspectors visited three children's homes in 2024 and reported "
        "to the Executive.\n\n## Get involved\n",
    ),
}


def old_template(dest: Path) -> Path:
    """The Word template with one clause worded as it was in the old version."""
    import docx

    document = docx.Document(str(templates_dir() / "agreement.docx"))
    para = next(p for p in document.paragraphs if p.text.startswith(NEW_CLAUSE))
    assert len(para.runs) == 1
    para.runs[0].text = para.runs[0].text.replace(NEW_CLAUSE, OLD_CLAUSE)
    document.save(str(dest))
    return dest


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, example_root: Path) -> tuple[Side, Side]:
    tmp = tmp_path_factory.mktemp("diff")
    old_dir = copy_content(tmp / "old", OLD_EDITS)
    old = Side("version 1", loaded=load_content(old_dir), agreement_template=old_template(tmp / "old.docx"))
    new = Side("version 2", loaded=load_content(example_root))
    return old, new


@pytest.fixture(scope="module")
def result(versions: tuple[Side, Side]):  # type: ignore[no-untyped-def]
    return compare(*versions, pdf=False)


# ------------------------------------------------------------------ the facts


def test_old_version_is_the_example_with_four_changes(versions: tuple[Side, Side]) -> None:
    old, new = versions
    assert old.loaded is not None and new.loaded is not None
    o, n = old.loaded.content, new.loaded.content
    assert o.partners[0].dsp.name == "Martin Keeble" and n.partners[0].dsp.name == "Priya Lakhani"
    assert [d.delegate for d in o.partners[0].delegations] == ["Martin Keeble"]
    assert "Young inspectors" in o.narrative["voice"] and "Young inspectors" not in n.narrative["voice"]


def test_facts_name_each_change_and_nothing_else(versions: tuple[Side, Side]) -> None:
    old, new = versions
    assert old.loaded and new.loaded
    facts = compare_content(old.loaded.content, new.loaded.content)
    texts = [c.text for c in facts.changes]
    assert texts[0] == (
        "Northmere Borough Council's delegated safeguarding partner (DSP) changed from Martin Keeble, "
        "Interim Director of Children's Services, to Priya Lakhani, Director of Children's Services; "
        "delegation decided on 17 June 2024 by Chief Executive, effective from 1 July 2024, review by "
        "30 June 2026."
    )
    assert (
        "2025-26: Northmere Borough Council's contribution changed from £170,000.00 to £177,606.00 "
        "(+£7,606.00, +4.5%); its share of the total is now 32.6% (was 31.7%)." in texts
    )
    assert "2025-26: the total changed from £536,594.00 to £544,200.00 (+£7,606.00, +1.4%)." in texts
    assert "voice.md: the section “Young inspectors” was removed." in texts
    # the delegation trail: the old delegation ended, a new one was added (generic path)
    assert any("Delegation (Martin Keeble) › Ended on: now 30 June 2024 (was not given)" in t for t in texts)
    assert any("added Delegation (Priya Lakhani)" in t for t in texts)
    assert {c.topic for c in facts.changes} == {"partners.yaml", "funding.yaml", "narrative (.md files)"}
    assert len(texts) == 6, texts


def test_same_content_has_no_change(example: LoadedContent) -> None:
    assert not compare_content(example.content, example.content)


def test_a_field_added_to_the_model_later_shows_through_the_generic_path(example: LoadedContent) -> None:
    extended = create_model("Extended", __base__=Partnership, motto=(str | None, None))
    old_p = extended(**example.content.partnership.model_dump())
    new_p = extended(**{**example.content.partnership.model_dump(), "motto": "Every child safe"})
    old = example.content.model_copy(update={"partnership": old_p})
    new = example.content.model_copy(update={"partnership": new_p})
    facts = compare_content(old, new)
    assert [c.text for c in facts.changes] == ["Partnership › Motto: now “Every child safe” (was not given)."]
    assert facts.changes[0].path == "partnership.motto"


def test_domain_wording_plurals_money_and_unknowns(example: LoadedContent) -> None:
    c = example.content
    stages = list(c.disputes.stages)
    stages[0] = stages[0].model_copy(update={"timescale_working_days": 1})
    new = c.model_copy(update={"disputes": c.disputes.model_copy(update={"stages": stages})})
    facts = compare_content(c, new)
    old_days = c.disputes.stages[0].timescale_working_days
    assert [x.text for x in facts.changes] == [
        f"Dispute stage {stages[0].name}: the timescale changed from {plural(old_days, 'working day')} "
        "to 1 working day."
    ]
    chair = c.partnership.chair.model_copy(update={"term_ends": None})
    gone = c.model_copy(
        update={"partnership": c.partnership.model_copy(update={"chair": chair, "edition": "wt2018"})}
    )
    texts = [x.text for x in compare_content(c, gone).changes]
    assert "The arrangements now follow Working Together 2018 (was Working Together 2023)." in texts
    if c.partnership.chair.term_ends is not None:
        assert any(t.startswith("Partnership › Chair › Term ends: now not given (was ") for t in texts)
    voice = c.narrative["voice"]
    narrative = {**c.narrative, "voice": voice.replace("Get involved", "Join us").replace("phone", "mobile")}
    texts = [x.text for x in compare_content(c, c.model_copy(update={"narrative": narrative})).changes]
    assert texts == [
        "voice.md: the section “Get involved” was removed.",
        "voice.md: the section “Join us” was added.",
        "voice.md: other text was reworded.",
    ]
    reworded = {**c.narrative, "voice": voice.replace("phone", "mobile")}
    texts = [x.text for x in compare_content(c, c.model_copy(update={"narrative": reworded})).changes]
    assert texts == ["Narrative › voice: reworded."]
    assert percent_change(Decimal("3"), Decimal("4")) == "+33.3%"
    assert percent_change(Decimal("0"), Decimal("4")) is None
    assert plural(1, "insertion") == "1 insertion" and plural(2, "insertion") == "2 insertions"


def test_summary_as_text_and_markdown(result) -> None:  # type: ignore[no-untyped-def]
    text = summary_text(result)
    assert text.startswith("What changed from version 1 (version 3.0) to version 2 (version 3.0)\n")
    assert "  - Changed: 2025-26: the total changed from £536,594.00" in text
    md = summary_markdown(result)
    assert "## funding.yaml" in md and "- **Changed:** 2025-26: the total changed" in md
    assert "[Multi-agency safeguarding arrangements](arrangements-changes.html)" in md


def test_changes_page(result) -> None:  # type: ignore[no-untyped-def]
    page = html.fromstring(result.files["changes.html"])
    items = [" ".join(li.text_content().split()) for li in page.iter("li")]
    assert any(
        i.startswith("Changed: Northmere Borough Council's delegated safeguarding partner") for i in items
    )
    assert page.get("lang") == "en-GB"
    assert [h.text_content() for h in page.iter("h1")] == ["What changed"]


# ------------------------------------------------------------------ marked-up HTML


def _marks(page: html.HtmlElement, tag: str) -> list[str]:
    out = []
    for el in page.iter(tag):
        el = __import__("copy").deepcopy(el)
        for label in el.find_class("diff-sr"):
            label.drop_tree()
        out.append(" ".join(el.text_content().split()))
    return out


def _words(page: html.HtmlElement, keep: str) -> list[str]:
    """The words of the main content with every change accepted (keep="ins") or rejected."""
    import copy

    main = copy.deepcopy(page.find(".//body"))
    for el in main.find_class("diff-legend") + main.find_class("diff-sr") + main.find_class("diff-note"):
        el.drop_tree()
    for el in list(main.iter("ins" if keep == "del" else "del")):
        el.drop_tree()
    return _words_of(main)


def _words_of(main: html.HtmlElement) -> list[str]:
    """Words outside charts (a chart is a picture; its figures are in the table beside it)."""
    for svg in list(main.iter("svg")):
        svg.drop_tree()
    return re.findall(r"\w+", " ".join(main.itertext()))


def _page_words(source: str) -> list[str]:
    return _words_of(html.fromstring(source).find(".//body"))


@pytest.mark.parametrize("doc", ["arrangements", "threshold", "yearly-report"])
def test_marked_page_accepts_to_new_and_rejects_to_old(result, versions, doc: str) -> None:  # type: ignore[no-untyped-def]
    """Taking every insertion gives the new page's words exactly, and taking every deletion the
    old page's: so every change is marked, and only changes are."""
    from masa_docs.diff import _page

    old, new = versions
    page = html.fromstring(result.files[f"{doc}-changes.html"])
    assert _words(page, "ins") == _page_words(_page(new, doc, "2025-26"))
    assert _words(page, "del") == _page_words(_page(old, doc, "2025-26"))


def test_marked_arrangements_show_each_change(result) -> None:  # type: ignore[no-untyped-def]
    page = html.fromstring(result.files["arrangements-changes.html"])
    ins, dels = _marks(page, "ins"), _marks(page, "del")
    assert "Priya Lakhani" not in dels and "Lakhani" in " ".join(ins)
    assert "Martin Keeble" in dels or "Martin" in dels
    assert "177,606" in ins and "170,000" in dels
    assert "Young inspectors" in dels
    assert any(d.startswith("Young inspectors visited three children's homes") for d in dels)
    # words both versions share are not marked
    assert not any("Northmere Borough Council" in m for m in ins + dels)
    assert page.find(".//title").text.startswith("What changed: Multi-agency safeguarding arrangements")
    labels = [el.text for el in page.find_class("diff-sr")]
    assert set(labels) == {"inserted: ", "deleted: "}
    ids = [el.get("id") for el in page.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids))


def test_threshold_marks_only_the_fingerprint(result, versions) -> None:  # type: ignore[no-untyped-def]
    old, new = versions
    page = html.fromstring(result.files["threshold-changes.html"])
    # the cover, the sign-off page and the footer print the fingerprint
    from masa_docs.load import document_fingerprint

    # each document prints its own fingerprint (over the files it is made from)
    assert _marks(page, "ins") == [document_fingerprint(new.loaded, "threshold")] * 3
    assert _marks(page, "del") == [document_fingerprint(old.loaded, "threshold")] * 3


def test_html_diff_word_level_and_blocks() -> None:
    old = "<html><body><main><p>Alpha beta gamma.</p><ul><li>One</li><li>Two</li></ul><p>Same</p></main>"
    new = "<html><body><main><p>Alpha delta gamma.</p><ul><li>One</li></ul><p>Same</p><p>Added</p></main>"
    marked = mark_changes(old, new, legend="<p>Legend</p>", title="t")
    page = html.fromstring(marked.html)
    assert _marks(page, "ins") == ["delta", "Added"]
    assert _marks(page, "del") == ["beta", "Two"]
    assert [li.text_content() for li in page.iter("li")] == ["One", "deleted: Two"]
    assert (marked.insertions, marked.deletions) == (2, 2)


def test_outputs_are_deterministic(versions) -> None:  # type: ignore[no-untyped-def]
    a = compare(*versions, pdf=False)
    b = compare(*versions, pdf=False)
    assert a.files.keys() == b.files.keys()
    for name in a.files:
        assert a.files[name] == b.files[name], name


# ------------------------------------------------------------------ the Word redline


def _revisions(docx: bytes) -> tuple[list[etree._Element], list[etree._Element]]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return list(root.iter(f"{W}ins")), list(root.iter(f"{W}del"))


def _texts(elements: list[etree._Element], tag: str) -> str:
    return " | ".join("".join(t.text or "" for t in el.iter(f"{W}{tag}")) for el in elements)


def test_agreement_redline_has_real_tracked_changes(result) -> None:  # type: ignore[no-untyped-def]
    import docx

    data = result.files["agreement-changes.docx"]
    ins, dels = _revisions(data)
    assert ins and dels
    assert {el.get(f"{W}author") for el in ins + dels} == {"NESCP (masa-docs)"}
    assert {el.get(f"{W}date") for el in ins + dels} == {"2026-03-02T00:00:00Z"}
    inserted, deleted = _texts(ins, "t"), _texts(dels, "delText")
    assert "£177,606" in inserted and "£170,000" in deleted  # the contribution
    assert "Priya Lakhani" in inserted or "Lakhani" in inserted  # the new DSP
    assert "Keeble" in deleted
    assert "another" in inserted and "any other party" in deleted  # the template's clause
    document = docx.Document(io.BytesIO(data))  # Word-readable package
    assert any(p.text.startswith("No party is liable") for p in document.paragraphs)


def test_agreement_redline_marks_nothing_unchanged(result) -> None:  # type: ignore[no-untyped-def]
    ins, dels = _revisions(result.files["agreement-changes.docx"])
    changed = _texts(ins, "t") + " | " + _texts(dels, "delText")
    for shared in ("Collaboration Agreement", "Children Act 2004", "Eastvale Council", "Chief Executive"):
        assert shared not in changed


@pytest.mark.slow
@pytest.mark.client
def test_redline_and_marked_pages_as_pdf(versions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from masa_docs.render.libreoffice import find_soffice

    if find_soffice() is None:
        pytest.fail("LibreOffice is needed for the agreement's PDF (make setup installs it)")
    full = compare(*versions, pdf=True)
    for name in ("agreement-changes.pdf", "arrangements-changes.pdf", "threshold-changes.pdf"):
        path = tmp_path / name
        path.write_bytes(full.files[name])
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert text.strip(), name
        if name.startswith(("agreement", "arrangements")):
            squeezed = "".join(text.split())  # a table cell may wrap a figure across lines
            assert "177,606" in squeezed and "170,000" in squeezed, name
    arr = subprocess.run(
        ["pdftotext", str(tmp_path / "arrangements-changes.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Young inspectors" in arr


@pytest.mark.client
def test_changes_pages_pass_axe(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from masa_docs.a11y.html_axe import AxeChecker
    from masa_docs.errors import MasaError

    try:
        checker = AxeChecker().start()
    except MasaError as exc:
        pytest.fail(f"{exc.message}. {exc.hint}")
    try:
        for name in (
            "changes.html",
            "arrangements-changes.html",
            "threshold-changes.html",
            "yearly-report-changes.html",
        ):
            path = tmp_path / name
            path.write_bytes(result.files[name])
            found = checker.check_file(path)
            assert found.violations == [], (name, found.problems(name))
    finally:
        checker.close()


# ------------------------------------------------------------------ the command


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


def test_cli_diff_between_git_revisions(
    tmp_path: Path, example_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    copy_content(repo / "content", OLD_EDITS)
    (repo / "templates" / "docx").mkdir(parents=True)
    old_template(repo / "templates" / "docx" / "agreement.docx")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "version 1")
    shutil.rmtree(repo / "content")
    shutil.copytree(example_root, repo / "content")
    shutil.copy(templates_dir() / "agreement.docx", repo / "templates" / "docx" / "agreement.docx")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "version 2")
    (repo / "content" / "voice.md").write_text("an edit in the work tree\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    out = CliRunner().invoke(
        main, ["diff", "--from", "HEAD~1", "--to", "HEAD", "--out", "changes", "--no-pdf"]
    )
    assert out.exit_code == 0, out.output
    assert (
        "Changed: Northmere Borough Council's delegated safeguarding partner (DSP) changed from Martin Keeble"
        in out.stdout
    )
    assert "content/ at HEAD~1" in out.stdout
    _ins, dels = _revisions((repo / "changes" / "agreement-changes.docx").read_bytes())
    assert "any other party" in _texts(dels, "delText")  # the template at each revision
    assert sorted(p.name for p in (repo / "changes").iterdir()) == [
        "agreement-changes.docx",
        "arrangements-changes.html",
        "changes.html",
        "changes.md",
        "threshold-changes.html",
        "yearly-report-changes.html",
    ]
    # the user's work tree is untouched
    assert (repo / "content" / "voice.md").read_text(encoding="utf-8") == "an edit in the work tree\n"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert status.splitlines() == [" M content/voice.md", "?? changes/"]


def test_cli_diff_errors_are_for_people(
    tmp_path: Path, example_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(example_root, repo / "content")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    monkeypatch.chdir(repo)
    out = CliRunner().invoke(main, ["diff", "--from", "v9.9"])
    assert out.exit_code == 2
    assert "error: git revision 'v9.9' not found" in out.output and "Traceback" not in out.output
    out = CliRunner().invoke(main, ["diff", "content", "content", "--out", "content", "--no-pdf"])
    assert out.exit_code == 2 and "error: content is a content folder" in out.output
    out = CliRunner().invoke(main, ["diff", "content"])
    assert out.exit_code == 2 and "give two folders to compare, or --from REV" in out.output
    bad = copy_content(
        tmp_path / "bad",
        {"partners.yaml": replace_once("  kind: police\n", "  kind: police\n  colour: blue\n")},
    )
    out = CliRunner().invoke(main, ["diff", str(bad), "content"])
    assert out.exit_code == 2 and "unknown key 'colour'" in out.output


def test_diff_help_is_fast_to_import() -> None:
    code = (
        "import sys, masa_docs.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('masa_docs.diff', 'python_redlines'))))"
    )
    done = subprocess.run(
        [__import__("sys").executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_folder_side_reads_a_published_folder(tmp_path: Path) -> None:
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "manifest.json").write_text(
        '{"tool": "masa-docs", "content_fingerprint": "abc", "files": {"arrangements.html": '
        '{"document": "arrangements", "version": "3.0", "date": "2025-04-01", "status": "draft"}}}',
        encoding="utf-8",
    )
    side = folder_side(folder)
    assert side.published == folder and side.loaded is None and side.version == "3.0"
    assert side.model is None and side.record_problem is None  # published before content.json


def test_a_published_folder_whose_content_json_does_not_fit_falls_back_to_its_manifest(
    tmp_path: Path,
) -> None:
    from masa_docs.diff import compare_facts

    sides = []
    for name, version in (("old", "2.0"), ("new", "3.0")):
        folder = tmp_path / name
        folder.mkdir()
        entry = {"document": "arrangements", "version": version, "date": "2025-04-01", "status": "draft"}
        body = {"tool": "masa-docs", "content_fingerprint": name * 8, "files": {"arrangements.html": entry}}
        (folder / "manifest.json").write_text(json.dumps(body), encoding="utf-8")
        (folder / "content.json").write_text(
            '{"tool": "masa-docs", "format": 1, "tool_version": "0.1", "content": {"partnership": {}}}',
            encoding="utf-8",
        )
        sides.append(folder_side(folder))
    assert sides[1].model is None
    assert "does not fit this version's content model" in str(sides[1].record_problem)
    facts = compare_facts(*sides)
    assert any("version" in c.text and "3.0" in c.text for c in facts.changes)
    assert any("content.json (made by masa-docs 0.1) does not fit" in n for n in facts.notes)


def test_content_json_is_written_only_when_asked_and_removed_when_no_longer_asked(
    tmp_path: Path, example_root: Path
) -> None:
    """content.json holds facts no document prints (e.g. a review in no report yet): never by
    default; an earlier one of ours goes when it is no longer asked for; a user's is kept."""
    out = tmp_path / "build"
    run = CliRunner().invoke(
        main,
        ["publish", "--content", str(example_root), "--out", str(out), "--doc", "threshold",
         "--format", "html", "--record-content", "--quiet"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "content.json" in manifest["files"]
    assert 'href="content.json"' in (out / "index.html").read_text(encoding="utf-8")
    record = json.loads((out / "content.json").read_text(encoding="utf-8"))
    assert record["content"]["partnership"]["name"] == load_content(example_root).content.partnership.name

    from masa_docs.publish import publish

    publish(example_root, out, docs=["threshold"], formats=["html"], workers=1)
    assert not (out / "content.json").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "content.json" not in manifest["files"]
    assert "content.json" not in (out / "index.html").read_text(encoding="utf-8")
    # A content.json of the user's (not in the manifest) is never replaced or removed.
    (out / "content.json").write_text("mine", encoding="utf-8")
    publish(example_root, out, docs=["threshold"], formats=["html"], workers=1)
    assert (out / "content.json").read_text(encoding="utf-8") == "mine"


def test_content_json_round_trips_every_example(example_root: Path, tmp_path: Path) -> None:
    """What publish records is exactly the content model, unknown facts included."""
    from masa_docs.content_record import content_record, read_content_record

    repo = Path(__file__).resolve().parents[1]
    examples = sorted(p for p in (repo / "examples").iterdir() if (p / "partnership.yaml").is_file())
    roots = [example_root, *examples]
    assert len(roots) > 1
    for root in roots:
        loaded = load_content(root)
        data = content_record(loaded)
        assert data == content_record(load_content(root))  # deterministic
        (tmp_path / "content.json").write_bytes(data)
        record = read_content_record(tmp_path)
        assert record is not None and record.problem is None, root
        assert record.content == loaded.content, root
        assert record.fingerprint == loaded.fingerprint


@pytest.mark.slow
def test_diff_between_two_published_folders(tmp_path: Path, example_root: Path) -> None:
    from masa_docs.publish import publish

    old_dir = copy_content(tmp_path / "old", OLD_EDITS)
    publish(old_dir, tmp_path / "old-build", formats=["html", "docx"], workers=1, record_content=True)
    publish(example_root, tmp_path / "new-build", formats=["html", "docx"], workers=1, record_content=True)
    out = CliRunner().invoke(
        main, ["diff", str(tmp_path / "old-build"), str(tmp_path / "new-build"), "--out", str(tmp_path / "c")]
    )
    assert out.exit_code == 0, out.output
    # Each published folder recorded the facts it was made from (content.json): the summary is
    # the same fact-level one as between the two content folders, not just the manifests'.
    assert (
        "Northmere Borough Council's delegated safeguarding partner (DSP) changed from Martin Keeble"
        in out.stdout
    )
    assert "£170,000.00" in out.stdout and "£177,606.00" in out.stdout
    assert "only what its manifest records" not in out.stdout
    page = html.fromstring((tmp_path / "c" / "arrangements-changes.html").read_bytes())
    assert "Young inspectors" in _marks(page, "del")
    _ins, dels = _revisions((tmp_path / "c" / "agreement-changes.docx").read_bytes())
    assert "£170,000" in _texts(dels, "delText")


def test_sign_off_says_which_signed_version_it_replaces(tmp_path: Path) -> None:
    from masa_docs.render import RenderRequest
    from masa_docs.render.html import render_html

    root = copy_content(
        tmp_path / "content",
        {
            "partnership.yaml": replace_once(
                "  url: https://safeguarding.northmere.gov.uk/arrangements/2022\n",
                "  url: https://safeguarding.northmere.gov.uk/arrangements/2022\n"
                "  fingerprint: 0123abcd\n"
                "  changes_url: https://safeguarding.northmere.gov.uk/arrangements/changes.html\n",
            )
        },
    )
    loaded = load_content(root)
    page = html.fromstring(render_html(loaded, RenderRequest("arrangements", "html")))
    note = page.find_class("signoff-replaces")
    assert len(note) == 1 and note[0].getparent().get("id") == "sign-off"
    assert " ".join(note[0].text_content().split()) == (
        "This version replaces version 2.2, signed as the content with fingerprint 0123abcd. "
        "It is published at https://safeguarding.northmere.gov.uk/arrangements/2022. "
        "What changed since version 2.2."
    )
    assert (
        note[0].findall(".//a")[-1].get("href")
        == "https://safeguarding.northmere.gov.uk/arrangements/changes.html"
    )
    threshold = html.fromstring(render_html(loaded, RenderRequest("threshold", "html")))
    assert not threshold.find_class("signoff-replaces")


OLD_FINGERPRINT = "ab" * 32


def test_threshold_and_yearly_report_sign_offs_name_the_signed_version_they_replace(tmp_path: Path) -> None:
    from masa_docs.render import RenderRequest
    from masa_docs.render.html import render_html

    root = copy_content(
        tmp_path / "content",
        {
            "threshold.yaml": replace_once(
                'version: "3.0"\n',
                'version: "3.0"\n'
                "supersedes:\n"
                '  version: "2.1"\n'
                f"  fingerprint: {OLD_FINGERPRINT}\n"
                "  signed_on: 2023-03-01\n"
                "  changes_url: https://example.org/threshold-changes.html\n",
            ),
            "reports/2025-26.yaml": replace_once(
                "published_on: 2026-09-25\n",
                f"published_on: 2026-09-25\nsupersedes:\n  fingerprint: {OLD_FINGERPRINT}\n",
            ),
        },
    )
    loaded = load_content(root)

    def note(doc: str, period: str | None = None) -> str:
        page = html.fromstring(render_html(loaded, RenderRequest(doc, "html", period=period)))
        found = page.find_class("signoff-replaces")
        assert len(found) == 1 and found[0].getparent().get("id") == "sign-off"
        return " ".join(found[0].text_content().split())

    assert note("threshold") == (
        f"This version replaces version 2.1, signed on 1 March 2023 as the content with fingerprint "
        f"{OLD_FINGERPRINT}. What changed since version 2.1."
    )
    assert note("yearly-report", "2025-26") == (
        f"This report replaces the earlier issue, signed as the content with fingerprint {OLD_FINGERPRINT}."
    )
    # Only the period that records it: last year's report replaces nothing.
    page = html.fromstring(render_html(loaded, RenderRequest("yearly-report", "html", period="2024-25")))
    assert not page.find_class("signoff-replaces")


def test_the_agreement_sign_off_names_the_signed_version_it_replaces(
    tmp_path: Path, example_root: Path
) -> None:
    import docx

    from masa_docs.render import RenderRequest
    from masa_docs.render.agreement import render_docx

    def paragraphs(root: Path) -> list[str]:
        data = render_docx(load_content(root), RenderRequest("agreement", "docx")).data
        return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]

    root = copy_content(
        tmp_path / "content",
        {
            "agreement.yaml": replace_once(
                'version: "2.0"\n',
                'version: "2.0"\nsupersedes:\n  version: "1.0"\n'
                f"  fingerprint: {OLD_FINGERPRINT}\n  signed_on: 2019-06-24\n",
            )
        },
    )
    text = paragraphs(root)
    sentence = (
        f"This version replaces version 1.0, signed on 24 June 2019 as the content with fingerprint "
        f"{OLD_FINGERPRINT}."
    )
    assert text.count(sentence) == 1
    assert text.index(sentence) > text.index("Signatures")  # on the sign-off page
    before = paragraphs(example_root)
    assert not any("replaces version" in t and "fingerprint" in t for t in before)
    assert len(text) == len(before) + 1  # no empty paragraph when nothing is recorded


def test_a_replaced_version_needs_the_whole_fingerprint(tmp_path: Path) -> None:
    root = copy_content(
        tmp_path / "content",
        {
            "agreement.yaml": replace_once(
                'version: "2.0"\n', 'version: "2.0"\nsupersedes:\n  version: "1.0"\n  fingerprint: 0123abcd\n'
            )
        },
    )
    result = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 2
    assert "agreement.yaml:" in result.output and "supersedes.fingerprint" in result.output


def test_invalid_content_at_a_revision_names_the_revision(
    tmp_path: Path, example_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    copy_content(
        repo / "content",
        {"partners.yaml": replace_once("  kind: police\n", "  kind: police\n  colour: blue\n")},
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "bad")
    shutil.rmtree(repo / "content")
    shutil.copytree(example_root, repo / "content")
    monkeypatch.chdir(repo)
    out = CliRunner().invoke(main, ["diff", "--from", "HEAD"])
    assert out.exit_code == 2
    assert re.search(r"^HEAD:content/partners\.yaml:\d+:\d+: .*unknown key 'colour'", out.output, re.M), (
        out.output
    )


def test_key_facts_are_worded_for_people(example: LoadedContent) -> None:
    c = example.content
    police = c.partners_of_kind("police")[0]
    joined = police.model_copy(update={"id": "eastvale-police", "name": "Eastvale Police"})
    groups = [
        g.model_copy(update={"chair": "Sam Ortiz"}) if i == 0 else g
        for i, g in enumerate(c.governance.groups)
    ]
    scrutineer = c.scrutiny.scrutineer.model_copy(update={"name": "Jo Bell"})
    new = c.model_copy(
        update={
            "partners": [*c.partners, joined],
            "governance": c.governance.model_copy(update={"groups": groups}),
            "scrutiny": c.scrutiny.model_copy(update={"scrutineer": scrutineer}),
            "threshold": c.threshold.model_copy(update={"levels": c.threshold.levels[:-1]}),
            "information_sharing": c.information_sharing.model_copy(
                update={"agreements": c.information_sharing.agreements[1:]}
            ),
        }
    )
    facts = compare_content(c, new)
    texts = [x.text for x in facts.changes]
    last = c.threshold.levels[-1]
    assert texts == [
        f"Eastvale Police joined as a statutory partner (chief officer of police); LSP {police.lsp.name}, "
        f"{police.lsp.title}; DSP {police.dsp.name}, {police.dsp.title}.",
        f"{c.governance.groups[0].name}: the chair changed from {c.governance.groups[0].chair} to Sam Ortiz.",
        f"The independent scrutineer changed from {c.scrutiny.scrutineer.name} to Jo Bell "
        f"(term {scrutineer.term_start.day} {scrutineer.term_start:%B %Y} to "
        f"{scrutineer.term_end.day} {scrutineer.term_end:%B %Y}).",
        f"Threshold level removed: {last.number}, {last.name}.",
        f"Information-sharing agreement removed: {c.information_sharing.agreements[0].name}.",
    ]
    assert {x.kind for x in facts.changes} == {"changed", "removed", "added"}
    left = compare_content(new, c)
    assert "Eastvale Police is no longer a statutory partner (chief officer of police)." in [
        x.text for x in left.changes
    ]


@pytest.mark.slow
@pytest.mark.client
def test_pdfs_are_deterministic(result) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from masa_docs.diff import _pdf_meta, agreement_pdf, html_pdf

    new = result.new
    meta = _pdf_meta("Threshold", "NESCP", "en-GB", dt.date(2026, 3, 2), new)
    page = result.files["threshold-changes.html"].decode("utf-8")
    assert html_pdf(page, meta) == html_pdf(page, meta)
    docx = result.files["agreement-changes.docx"]
    first = agreement_pdf(docx, meta)
    assert first == agreement_pdf(docx, meta)
    assert b"/CreationDate (D:20260302" in first or b"2026-03-02" in first


def test_cli_prints_facts_as_json_without_out(tmp_path: Path, example_root: Path) -> None:
    import json

    old_dir = copy_content(tmp_path / "old", OLD_EDITS)
    out = CliRunner().invoke(main, ["diff", str(old_dir), str(example_root), "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    paths = [c["path"] for c in body["changes"]]
    assert "funding.years[2025-26].contributions[northmere-council].amount" in paths
    assert "narrative[voice]" in paths
    assert not list(tmp_path.glob("*changes*"))  # nothing written without --out


def _docx_words(data: bytes, keep: str) -> list[str]:
    """Words of the main document with tracked changes accepted (keep="ins") or rejected."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    drop = f"{W}del" if keep == "ins" else f"{W}ins"
    words: list[str] = []
    for el in root.iter(f"{W}t", f"{W}delText"):
        if any(a.tag == drop for a in el.iterancestors()):
            continue
        words.extend(re.findall(r"\w+", el.text or ""))
    return words


def test_agreement_redline_accepts_to_new_and_rejects_to_old(result, versions) -> None:  # type: ignore[no-untyped-def]
    """Accepting every tracked change gives the new agreement's words, rejecting them the old's:
    every change is tracked and nothing else is."""
    from masa_docs.diff import _agreement

    old, new = versions
    red = result.files["agreement-changes.docx"]
    assert _docx_words(red, "ins") == _docx_words(_agreement(new, []), "ins")
    assert _docx_words(red, "del") == _docx_words(_agreement(old, []), "ins")


def test_a_domain_rule_the_model_outgrew_falls_back_to_the_generic_walk(example: LoadedContent) -> None:
    """If a field a domain rule reads changes shape (here: threshold levels lose their number),
    the change is still reported, by the generic walk, and the other domain rules still speak."""
    c = example.content
    bare = create_model("BareLevel", id=(str, ...), name=(str, ...))
    levels = [bare(id=lv.id, name=lv.name) for lv in c.threshold.levels]
    levels[0] = bare(id=levels[0].id, name="Everyone")
    old = c.model_copy(update={"threshold": c.threshold.model_copy(update={"levels": levels[:1]})})
    scrutineer = c.scrutiny.scrutineer.model_copy(update={"name": "Jo Bell"})
    new = c.model_copy(
        update={
            "threshold": c.threshold.model_copy(update={"levels": [bare(id=levels[0].id, name="All")]}),
            "scrutiny": c.scrutiny.model_copy(update={"scrutineer": scrutineer}),
        }
    )
    texts = [x.text for x in compare_content(old, new).changes]
    assert texts[0].startswith(
        f"The independent scrutineer changed from {c.scrutiny.scrutineer.name} to Jo Bell"
    )
    assert texts[1:] == ["Threshold › Levels › All › Name: changed from “Everyone” to “All”."]
