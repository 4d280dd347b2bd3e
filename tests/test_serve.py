"""masa-docs serve without a browser: which files it opens, round-trip saves, validation, the
HTTP checks (token, Origin, Host) and the reference table.

The browser tests (Playwright in Debian's Chromium) are in test_serve_browser.py.
"""

from __future__ import annotations

import difflib
import http.client
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import copy_content
from masa_docs.cli import main
from masa_docs.errors import ContentError
from masa_docs.load import load_content, read_yaml
from masa_docs.schema import topic_schema
from masa_docs.serve import EditorApp, LiveServer
from masa_docs.serve.files import FileRefused, content_file, editable_files
from masa_docs.serve.refs import REFERENCES, SOURCES, choices
from masa_docs.serve.server import inject
from masa_docs.serve.yamledit import scalar_kind, updated_text


def form_data(path: Path) -> Any:
    """The data the editor's form starts from (as /api/file sends it)."""
    from masa_docs.serve.app import _json_ready

    got = read_yaml(path, path.name, (), [])
    assert got is not None
    return _json_ready(got[0])


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# ---------------------------------------------------------------------- which files


@pytest.mark.parametrize("rel", ["partners.yaml", "reports/2025-26.yaml", "governance.md", "introduction.md"])
def test_content_files_are_reachable(example_root: Path, rel: str) -> None:
    cf = content_file(example_root, rel)
    assert cf.path == (example_root / rel).resolve()
    assert cf.exists


@pytest.mark.parametrize(
    "rel",
    [
        "../pyproject.toml",
        "/etc/passwd",
        "reports/../partners.yaml",
        "reports/../../pyproject.toml",
        "./partners.yaml",
        "partners.yaml/",
        "notes.yaml",
        "rules.yaml",  # the compliance check's local rules are not a form
        "reports/2025.yaml",
        "reports/sub/2025-26.yaml",
        "Partners.yaml",
        "partners.yaml\0",
        "..\\partners.yaml",
        "",
    ],
)
def test_other_paths_are_refused(example_root: Path, rel: str) -> None:
    with pytest.raises(FileRefused):
        content_file(example_root, rel)


def test_a_symbolic_link_out_of_the_folder_is_refused(content_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: x\n", encoding="utf-8")
    (content_copy / "partners.yaml").unlink()
    (content_copy / "partners.yaml").symlink_to(secret)
    with pytest.raises(FileRefused, match="symbolic link"):
        content_file(content_copy, "partners.yaml")
    assert "partners.yaml" not in [f.rel for f in editable_files(content_copy)]


def test_a_symlinked_reports_folder_is_refused(content_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (content_copy / "reports").rename(elsewhere)
    (content_copy / "reports").symlink_to(elsewhere)
    with pytest.raises(FileRefused):
        content_file(content_copy, "reports/2025-26.yaml")


def test_the_editor_lists_every_content_file(example_root: Path) -> None:
    rels = [f.rel for f in editable_files(example_root)]
    assert "partners.yaml" in rels and "reports/2024-25.yaml" in rels and "voice.md" in rels
    assert all((example_root / rel).is_file() for rel in rels)


# ---------------------------------------------------------------------- round trip


def test_saving_unchanged_data_gives_back_every_example_file_byte_for_byte(example_root: Path) -> None:
    for cf in editable_files(example_root):
        if cf.kind != "yaml":
            continue
        text = cf.path.read_text(encoding="utf-8")
        assert updated_text(text, form_data(cf.path), topic_schema(cf.schema or "")) == text, cf.rel


def test_a_changed_value_changes_one_line_and_keeps_the_comments(example_root: Path) -> None:
    path = example_root / "partners.yaml"
    text = path.read_text(encoding="utf-8")
    data = form_data(path)
    data[1]["dsp"]["name"] = "Jordan Ellis"
    data[0]["delegations"][1]["review_by"] = "2026-09-30"
    out = updated_text(text, data, topic_schema("partners"))
    assert changed_lines(text, out) == [
        "-      review_by: 2026-06-30",
        "+      review_by: 2026-09-30",
        "-    name: " + form_data(path)[1]["dsp"]["name"],
        "+    name: Jordan Ellis",
    ]
    assert out.startswith("# The four statutory safeguarding partners")


def test_an_added_list_item_is_written_in_the_files_style(example_root: Path) -> None:
    path = example_root / "partners.yaml"
    text = path.read_text(encoding="utf-8")
    data = form_data(path)
    data[0]["delegations"][1]["scope"].append("Chair the education safeguarding group")
    out = updated_text(text, data, topic_schema("partners"))
    assert changed_lines(text, out) == ["+        - Chair the education safeguarding group"]


def test_money_stays_exact_and_a_bad_amount_stays_text(example_root: Path) -> None:
    path = example_root / "funding.yaml"
    text = path.read_text(encoding="utf-8")
    data = form_data(path)
    before = data["years"][0]["contributions"][0]["amount"]
    data["years"][0]["contributions"][0]["amount"] = "171600.50"
    data["years"][0]["contributions"][1]["amount"] = "12,5"
    out = updated_text(text, data, topic_schema("funding"))
    assert changed_lines(text, out) == [
        f"-        amount: {before}",
        "+        amount: 171600.50",
        "-        amount: " + form_data(path)["years"][0]["contributions"][1]["amount"],
        "+        amount: 12,5",
    ]


def test_markdown_and_money_are_marked_in_the_schema() -> None:
    schema = topic_schema("funding")
    contribution = schema["$defs"]["Contribution"]["properties"]
    assert scalar_kind(contribution["amount"], schema) == "money"
    assert scalar_kind(schema["properties"]["payment_terms"], schema) == "markdown"
    assert scalar_kind(schema["$defs"]["FundingYear"]["properties"]["start"], schema) == "date"


def test_a_value_switched_to_not_known_and_back_round_trips(content_copy: Path) -> None:
    """The form sends {"unknown": reason} (or {"unknown": true}) for a ticked "Not known"."""
    path = content_copy / "disputes.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "timescale_working_days: 5\n", "timescale_working_days: 5  # agreed in 2024\n"
    )
    path.write_text(text, encoding="utf-8")
    data = form_data(path)
    assert data["stages"][1]["timescale_working_days"] == "5"
    data["stages"][1]["timescale_working_days"] = {"unknown": "not published"}
    data["stages"][2]["timescale_working_days"] = {"unknown": True}
    unknown = updated_text(text, data, topic_schema("disputes"))
    assert changed_lines(text, unknown) == [
        "-    timescale_working_days: 5  # agreed in 2024",
        "+    timescale_working_days:    # agreed in 2024",
        "+      unknown: not published",
        "-    timescale_working_days: 10",
        "+    timescale_working_days:",
        "+      unknown: true",
    ]
    path.write_text(unknown, encoding="utf-8")
    stages = load_content(content_copy).content.disputes.stages
    assert [str(s.timescale_working_days) for s in stages[1:3]] == [
        "not known (not published)",
        "not known",
    ]
    # Opened again, the form shows the values as not known; untick and retype the numbers.
    again = form_data(path)
    assert again["stages"][1]["timescale_working_days"] == {"unknown": "not published"}
    assert again["stages"][2]["timescale_working_days"] == {"unknown": True}
    again["stages"][1]["timescale_working_days"] = "5"
    again["stages"][2]["timescale_working_days"] = "10"
    assert updated_text(unknown, again, topic_schema("disputes")) == text


def test_not_known_money_converts_to_the_models_values(content_copy: Path) -> None:
    path = content_copy / "funding.yaml"
    text = path.read_text(encoding="utf-8")
    data = form_data(path)
    before, second = (c["amount"] for c in data["years"][0]["contributions"][:2])
    data["years"][0]["contributions"][0]["amount"] = {"unknown": "not yet agreed"}
    out = updated_text(text, data, topic_schema("funding"))
    assert changed_lines(text, out) == [
        f"-        amount: {before}",
        "+        amount:",
        "+          unknown: not yet agreed",
    ]
    # The reason stays text even when it looks like a number or a date; true stays true.
    data["years"][0]["contributions"][0]["amount"] = {"unknown": "2025-04-01"}
    data["years"][0]["contributions"][1]["amount"] = {"unknown": True}
    read = read_yaml_text(updated_text(text, data, topic_schema("funding")))
    contributions = read["years"][0]["contributions"]
    assert contributions[0]["amount"] == {"unknown": "2025-04-01"}
    assert contributions[1]["amount"] == {"unknown": True}
    # And back: the amount is an exact decimal again, not text.
    data["years"][0]["contributions"][0]["amount"] = "171600.50"
    data["years"][0]["contributions"][1]["amount"] = second
    back = updated_text(out, data, topic_schema("funding"))
    assert "        amount: 171600.50\n" in back
    assert changed_lines(text, back) == [f"-        amount: {before}", "+        amount: 171600.50"]


def test_a_list_switched_to_not_known_and_back(content_copy: Path) -> None:
    path = content_copy / "reports" / "2025-26.yaml"
    text = path.read_text(encoding="utf-8")
    data = form_data(path)
    reviews = data["reviews"]
    data["reviews"] = {"unknown": "not published"}
    out = updated_text(text, data, topic_schema("report"))
    assert changed_lines(text, out) == [
        "-reviews: [rr-child-j, lcspr-siblings-m]",
        "+reviews:",
        "+  unknown: not published",
    ]
    path.write_text(out, encoding="utf-8")
    assert str(load_content(content_copy).content.reports["2025-26"].reviews) == "not known (not published)"
    data["reviews"] = reviews
    back = updated_text(out, data, topic_schema("report"))
    assert read_yaml_text(back) == read_yaml_text(text)


def read_yaml_text(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


# ---------------------------------------------------------------------- validate and save


def test_validation_gives_the_messages_of_validate(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    data = form_data(content_copy / "partners.yaml")
    data[0]["delegations"][0]["decided_on"] = "2023-02-30"
    problems = app.validate("partners.yaml", {"data": data})
    # The same edit made by hand, checked by load_content (what 'masa-docs validate' runs).
    (content_copy / "partners.yaml").write_text(
        updated_text(
            (content_copy / "partners.yaml").read_text(encoding="utf-8"), data, topic_schema("partners")
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    assert [p.diagnostic for p in problems] == info.value.diagnostics
    assert [p.rel for p in problems] == ["partners.yaml"]
    assert problems[0].diagnostic.field_path == "[0].delegations[0].decided_on"
    assert problems[0].diagnostic.hint == "write dates as YYYY-MM-DD, e.g. 2025-04-01"


def test_an_invalid_form_is_never_written(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    path = content_copy / "partners.yaml"
    before = path.read_bytes()
    opened = app.file_payload("partners.yaml")
    data = opened["data"]
    data[0]["delegations"][0]["decided_on"] = "2023-02-30"
    result = app.save("partners.yaml", {"data": data, "hash": opened["hash"]})
    assert result.status == 422
    assert "Nothing was written" in result.body["message"]
    assert path.read_bytes() == before


def test_a_file_changed_on_disk_is_a_conflict(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    path = content_copy / "partners.yaml"
    opened = app.file_payload("partners.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("Andrew Whitcombe", "Andrea Whitcombe"), "utf-8")
    changed = path.read_bytes()
    data = opened["data"]
    data[1]["name"] = "Eastvale District Council"
    result = app.save("partners.yaml", {"data": data, "hash": opened["hash"]})
    assert result.status == 409 and result.body["conflict"]
    assert path.read_bytes() == changed
    # Asked, the user may keep their version: values from the form, comments from the disk.
    forced = app.save("partners.yaml", {"data": data, "hash": opened["hash"], "force": True})
    assert forced.status == 200 and forced.body["saved"]
    text = path.read_text(encoding="utf-8")
    assert "name: Eastvale District Council" in text and "Andrew Whitcombe" in text


def test_saving_updates_the_preview(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    app.preview.rebuild()
    assert "Priya Lakhani" in (app.preview.page("arrangements").html or "")
    generation = app.preview.generation
    opened = app.file_payload("partners.yaml")
    data = opened["data"]
    data[0]["dsp"]["name"] = "Samira Haddad"
    data[0]["delegations"][1]["delegate"] = "Samira Haddad"  # the current delegation names the DSP
    result = app.save("partners.yaml", {"data": data, "hash": opened["hash"]})
    assert result.status == 200, result.body
    assert app.preview.generation > generation
    assert "Samira Haddad" in (app.preview.page("arrangements").html or "")


def test_the_last_good_preview_stays_while_the_content_is_invalid(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    app.preview.rebuild()
    good = app.preview.page("threshold").html
    path = content_copy / "partners.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: police", "kind: polce"), "utf-8")
    app.preview.rebuild()
    assert not app.preview.valid
    assert app.preview.page("threshold").html == good
    [problem] = app.preview.problems
    assert problem.rel == "partners.yaml" and problem.diagnostic.field_path.endswith(".kind")
    assert app.preview.check() is None


def test_narrative_is_saved_as_text(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    opened = app.file_payload("voice.md")
    result = app.save(
        "voice.md", {"text": opened["text"] + "\nOne more paragraph.\n", "hash": opened["hash"]}
    )
    assert result.status == 200 and result.body["saved"]
    assert (content_copy / "voice.md").read_text(encoding="utf-8").endswith("One more paragraph.\n")


# ---------------------------------------------------------------------- references


def _schema_has(schema: dict[str, Any], pattern: str) -> bool:
    """Does the field path pattern (``a[*].b{*}``) lead to a property of the schema?"""
    import re

    from masa_docs.serve.yamledit import branches

    nodes = [schema]
    for token in re.findall(r"\[\*\]|\{\*\}|[^.[\]{}]+", pattern):
        nxt = []
        for node in nodes:
            for alt in branches(node, schema):
                if token == "[*]" and alt.get("type") == "array":
                    nxt.append(alt.get("items", {}))
                elif token == "{*}":
                    nxt.extend(alt.get("patternProperties", {}).values())
                elif token in alt.get("properties", {}):
                    nxt.append(alt["properties"][token])
        if not nxt:
            return False
        nodes = nxt
    return True


@pytest.mark.parametrize("file", sorted(REFERENCES))
def test_every_reference_names_a_field_of_the_schema(file: str) -> None:
    schema = topic_schema(file.removesuffix(".yaml"))
    for pattern, kinds in REFERENCES[file].items():
        assert _schema_has(schema, pattern), f"{file}: {pattern}"
        assert set(kinds) <= set(SOURCES)


def test_reference_choices_come_from_the_content(example_root: Path) -> None:
    got = choices(example_root, {"area", "partner"})
    assert {c["id"] for c in got["area"]} == {"northmere", "eastvale"}
    assert {"id": "northmere-council", "label": "Northmere Borough Council"} in got["partner"]


# ---------------------------------------------------------------------- HTTP


@pytest.fixture
def server(content_copy: Path) -> Iterator[LiveServer]:
    live = LiveServer(EditorApp(content_copy), port=0).start(watch=False)
    try:
        yield live
    finally:
        live.stop()


def request(
    server: LiveServer, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    try:
        conn.request(method, path, body=data, headers=all_headers)
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def save_body(server: LiveServer, name: str) -> dict[str, Any]:
    opened = server.app.file_payload("partners.yaml")
    opened["data"][0]["name"] = name
    return {"path": "partners.yaml", "data": opened["data"], "hash": opened["hash"]}


def test_a_save_without_the_token_is_refused(server: LiveServer) -> None:
    path = server.app.root / "partners.yaml"
    before = path.read_bytes()
    body = save_body(server, "Northmere Council")
    status, _, answer = request(server, "POST", "/api/save", body)
    assert status == 403 and b"token" in answer
    status, _, _ = request(server, "POST", "/api/save", body, {"X-CSRF-Token": "wrong"})
    assert status == 403
    assert path.read_bytes() == before
    status, _, answer = request(server, "POST", "/api/save", body, {"X-CSRF-Token": server.app.token})
    assert status == 200, answer
    assert "name: Northmere Council\n" in path.read_text(encoding="utf-8")


def test_other_origins_and_hosts_are_refused(server: LiveServer) -> None:
    path = server.app.root / "partners.yaml"
    before = path.read_bytes()
    token = {"X-CSRF-Token": server.app.token}
    body = save_body(server, "Evil Council")
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Host": f"evil.example:{server.port}"},
    ):
        status, _, _ = request(server, "POST", "/api/save", body, {**token, **headers})
        assert status == 403, headers
    assert path.read_bytes() == before
    # A page fetched under a foreign Host name (DNS rebinding) does not carry the token.
    status, _, page = request(server, "GET", "/", headers={"Host": f"evil.example:{server.port}"})
    assert status == 403 and server.app.token.encode() not in page


def test_only_json_is_accepted(server: LiveServer) -> None:
    status, _, _ = request(
        server,
        "POST",
        "/api/save",
        None,
        {"X-CSRF-Token": server.app.token, "Content-Type": "text/plain", "Content-Length": "0"},
    )
    assert status == 415


def test_pages_have_a_strict_content_security_policy(server: LiveServer) -> None:
    for path in ("/", "/edit/partners.yaml", "/preview/threshold", "/check"):
        status, headers, page = request(server, "GET", path)
        assert status == 200, path
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert b"<script>" not in page  # scripts come from /static only


@pytest.mark.parametrize(
    "path",
    [
        "/edit/../pyproject.toml",
        "/edit/%2e%2e/pyproject.toml",
        "/api/file?path=..%2Fpyproject.toml",
        "/api/file?path=%2Fetc%2Fpasswd",
        "/static/../app.py",
        "/static/editor.py",
        "/preview/agreement",
    ],
)
def test_nothing_outside_is_served(server: LiveServer, path: str) -> None:
    status, _, _ = request(server, "GET", path)
    assert status == 404


def test_the_preview_shows_the_problems_with_links_to_the_fields(server: LiveServer) -> None:
    path = server.app.root / "partners.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: police", "kind: polce"), "utf-8")
    server.app.preview.rebuild()
    status, _, page = request(server, "GET", "/preview/arrangements")
    text = page.decode()
    assert status == 200
    assert "1 problem in the content" in text
    assert 'href="/edit/partners.yaml?field=%5B3%5D.kind"' in text
    assert "Multi-agency safeguarding arrangements" in text  # the last good preview


def test_the_serve_bar_follows_the_documents_skip_link() -> None:
    page = (
        '<html><head></head><body class="doc">\n<a class="skip-link" href="#main">Skip</a>\n'
        "<main></main></body></html>"
    )
    out = inject(page, "<div>BAR</div>", 3)
    assert out.index("Skip") < out.index("BAR") < out.index("<main>")
    assert 'data-generation="3"' in out and "/static/serve.css" in out


def test_serve_is_a_command() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--no-open" in result.output and "--host" in result.output


def test_serve_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--content", str(tmp_path / "nope"), "--no-open"])
    assert result.exit_code == 2
    assert "content folder not found" in result.output


def test_the_watcher_reloads_the_preview_when_a_file_changes(tmp_path: Path) -> None:
    import time

    root = copy_content(tmp_path / "content")
    live = LiveServer(EditorApp(root), port=0).start()
    try:
        generation = live.app.preview.generation
        time.sleep(0.5)  # let the watcher start
        voice = root / "voice.md"
        voice.write_text(voice.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
        deadline = time.monotonic() + 15
        while live.app.preview.generation == generation and time.monotonic() < deadline:
            time.sleep(0.1)
        assert live.app.preview.generation > generation
    finally:
        live.stop()
    assert os.path.exists(root / "voice.md")


def test_the_preview_follows_a_template_change(tmp_path: Path) -> None:
    import shutil
    import time

    from masa_docs.render.html import templates_dir

    root = copy_content(tmp_path / "content")
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    live = LiveServer(EditorApp(root, templates=templates), port=0).start()
    try:
        assert "Edited in the template" not in (live.app.preview.page("threshold").html or "")
        generation = live.app.preview.generation
        time.sleep(0.5)  # let the watcher start
        page = templates / "threshold.html"
        text = page.read_text(encoding="utf-8")
        marked = "{% block sections %}<p>Edited in the template</p>"
        page.write_text(text.replace("{% block sections %}", marked, 1), encoding="utf-8")
        deadline = time.monotonic() + 15
        while live.app.preview.generation == generation and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Edited in the template" in (live.app.preview.page("threshold").html or "")
    finally:
        live.stop()


def test_earlier_yearly_reports_can_be_previewed(server: LiveServer) -> None:
    status, _, page = request(server, "GET", "/preview/yearly-report?period=2024-25")
    assert status == 200 and b"Reporting year 2024-25" in page
    status, _, _ = request(server, "GET", "/preview/yearly-report?period=1999-00")
    assert status == 404
    status, _, index = request(server, "GET", "/")
    assert b'href="/preview/yearly-report?period=2024-25"' in index


def test_narrative_previews_use_the_documents_safe_markdown(server: LiveServer) -> None:
    text = "# Title\n\n<script>alert(1)</script> [click](javascript:alert(1)) [ok](https://example.org)"
    status, _, answer = request(
        server, "POST", "/api/markdown", {"text": text}, {"X-CSRF-Token": server.app.token}
    )
    assert status == 200
    html = json.loads(answer)["html"]
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert 'href="https://example.org"' in html


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.4", False)],
)
def test_only_the_loopback_interface_counts_as_local(host: str, loopback: bool) -> None:
    from masa_docs.serve.server import is_loopback

    assert is_loopback(host) is loopback


def test_a_file_that_is_not_yaml_is_offered_as_text(content_copy: Path) -> None:
    app = EditorApp(content_copy)
    path = content_copy / "scrutiny.yaml"
    good = path.read_text(encoding="utf-8")
    broken = good.replace("\n", "\n\t", 1)  # a tab where YAML wants spaces
    path.write_text(broken, encoding="utf-8")
    opened = app.file_payload("scrutiny.yaml")
    assert opened["data"] is None and opened["text"] == broken
    assert any("invalid YAML" in p["message"] for p in opened["problems"])
    refused = app.save("scrutiny.yaml", {"text": broken + "\n", "hash": opened["hash"]})
    assert refused.status == 422 and path.read_text(encoding="utf-8") == broken
    fixed = app.save("scrutiny.yaml", {"text": good, "hash": opened["hash"]})
    assert fixed.status == 200 and path.read_text(encoding="utf-8") == good


def test_the_serve_command_starts_and_stops(content_copy: Path) -> None:
    import select
    import signal
    import subprocess
    import sys
    import urllib.request

    command = [sys.executable, "-c", "from masa_docs.cli import main; main()", "serve"]
    options = ["--content", str(content_copy), "--port", "0", "--no-open", "--host", "0.0.0.0"]
    proc = subprocess.Popen(
        [*command, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)  # bounded: the server prints its URL
        assert ready, "masa-docs serve printed nothing in 60 s"
        line = proc.stdout.readline()
        match = re.search(r"at (http://\S+) ", line)
        assert match, line
        with urllib.request.urlopen(match.group(1), timeout=20) as res:
            assert res.status == 200 and b"Edit the content" in res.read()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0
        assert "warning: listening on 0.0.0.0" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_a_moved_or_removed_list_item_takes_its_own_comment_along() -> None:
    schema = {
        "type": "object",
        "properties": {
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "chair": {"type": "string"}},
                },
            },
            "areas": {"type": "array", "items": {"type": "string"}},
        },
    }
    text = (
        "groups:\n"
        "  - id: executive  # meets monthly\n"
        "    chair: Rachel Osei\n"
        "  - id: education  # new in 2025\n"
        "    chair: Sam Patel\n"
        "areas:\n"
        "  - northmere  # the larger area\n"
        "  - eastvale\n"
        "areas_flow: [a, b]\n"
    )
    data = {
        "groups": [{"id": "education", "chair": "Sam Patel"}, {"id": "executive", "chair": "Rachel Osei"}],
        "areas": ["eastvale", "northmere"],
        "areas_flow": ["a", "b"],
    }
    out = updated_text(text, data, schema)
    assert (
        "  - id: education  # new in 2025\n    chair: Sam Patel\n  - id: executive  # meets monthly\n" in out
    )
    assert "  - eastvale\n  - northmere  # the larger area\n" in out
    data["groups"] = data["groups"][1:]
    out = updated_text(text, data, schema)
    assert "new in 2025" not in out and "  - id: executive  # meets monthly\n" in out


def test_a_file_that_is_not_utf8_is_not_opened(server: LiveServer) -> None:
    path = server.app.root / "voice.md"
    path.write_bytes(b"# Voice\n\nCaf\xe9\n")
    status, _, answer = request(server, "GET", "/api/file?path=voice.md")
    assert status == 422
    assert "not UTF-8 text (line 3)" in json.loads(answer)["error"]
    assert path.read_bytes() == b"# Voice\n\nCaf\xe9\n"
