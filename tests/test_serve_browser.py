"""masa-docs serve in a real browser: Debian's Chromium driven by Playwright.

Each test serves its own copy of the example content on a free port of 127.0.0.1 and stops the
server afterwards. Waits are bounded (:data:`WAIT_MS`); the preview reloads itself by polling
once a second, so a change shows within a few seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import copy_content
from masa_docs.a11y.html_axe import AXE_TAGS, CHROMIUM_FLAGS, find_chromium, parse_violations
from masa_docs.serve import EditorApp, LiveServer

pytestmark = pytest.mark.client

WAIT_MS = 20_000


@pytest.fixture(autouse=True, scope="module")
def patient_expect() -> Iterator[None]:
    """Saving validates the whole folder and reloads the preview: seconds on a busy machine."""
    expect.set_options(timeout=WAIT_MS)
    try:
        yield
    finally:
        expect.set_options(timeout=5_000)  # Playwright's default


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    assert executable, "Chromium is needed: apt-get install chromium"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    root = copy_content(tmp_path / "content")
    live = LiveServer(EditorApp(root), host="127.0.0.1", port=0).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=server.url, locale="en-GB", viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
    finally:
        context.close()
    assert errors == [], "script errors in the page"


def field(page: Page, path: str) -> Any:
    return page.locator(f'[data-path="{path}"]')


def open_editor(page: Page, rel: str) -> None:
    page.goto(f"/edit/{rel}")
    expect(page.locator("#form")).to_be_visible()


def save(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()


def test_editing_a_partners_name_changes_the_preview(page: Page, server: LiveServer) -> None:
    preview = page.context.new_page()
    preview.goto("/preview/arrangements")
    expect(preview.locator("body")).to_contain_text("Northmere Borough Council")
    open_editor(page, "partners.yaml")
    field(page, "[0].name").fill("Northmere City Council")
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved partners.yaml")
    # The preview tab reloads by itself.
    expect(preview.locator("body")).to_contain_text("Northmere City Council")
    assert "name: Northmere City Council\n" in (server.app.root / "partners.yaml").read_text("utf-8")


def test_an_invalid_date_shows_the_located_error_and_nothing_is_written(
    page: Page, server: LiveServer
) -> None:
    path = server.app.root / "partners.yaml"
    before = path.read_bytes()
    line = next(
        n for n, text in enumerate(before.decode().splitlines(), 1) if "review_by: 2026-06-30" in text
    )
    open_editor(page, "partners.yaml")
    date = field(page, "[0].delegations[1].review_by")
    date.fill("2026-02-30")
    error = page.locator('[data-field="[0].delegations[1].review_by"] .field-error')
    expect(error).to_contain_text("date")
    expect(error).to_contain_text("write dates as YYYY-MM-DD")
    expect(date).to_have_attribute("aria-invalid", "true")
    described = (date.get_attribute("aria-describedby") or "").split()
    assert error.get_attribute("id") in described
    summary = page.locator("#problem-summary")
    expect(summary).to_contain_text(f"partners.yaml:{line}:")
    expect(summary).to_contain_text("[0].delegations[1].review_by")
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Nothing was written")
    assert path.read_bytes() == before
    # The error links to the field.
    summary.get_by_role("link").first.click()
    expect(date).to_be_focused()


def test_an_added_list_item_is_saved_and_the_yaml_keeps_its_comments(page: Page, server: LiveServer) -> None:
    path = server.app.root / "partners.yaml"
    before = path.read_text("utf-8")
    comments = [ln for ln in before.splitlines() if ln.lstrip().startswith("#")]
    assert comments, "the example has comments to keep"
    open_editor(page, "partners.yaml")
    scope = field(page, "[0].delegations[1].scope")
    scope.get_by_role("button", name="Add to scope").click()
    new_item = field(page, "[0].delegations[1].scope[4]")
    expect(new_item).to_be_focused()
    new_item.fill("Chair the education safeguarding group")
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved partners.yaml")
    after = path.read_text("utf-8")
    assert [ln for ln in after.splitlines() if ln.lstrip().startswith("#")] == comments
    added = [ln for ln in after.splitlines() if ln not in before.splitlines()]
    assert added == ["        - Chair the education safeguarding group"]
    assert len(after.splitlines()) == len(before.splitlines()) + 1


def test_reordering_and_removing_list_items(page: Page, server: LiveServer) -> None:
    open_editor(page, "partners.yaml")
    scope = field(page, "[0].delegations[1].scope")
    first = field(page, "[0].delegations[1].scope[0]").input_value()
    second = field(page, "[0].delegations[1].scope[1]").input_value()
    scope.get_by_role("button", name=re.compile(r"^Move down\W+Scope 1$")).click()
    expect(field(page, "[0].delegations[1].scope[0]")).to_have_value(second)
    expect(field(page, "[0].delegations[1].scope[1]")).to_have_value(first)
    scope.get_by_role("button", name=re.compile(r"^Remove\W+Scope 4$")).click()
    expect(field(page, "[0].delegations[1].scope[3]")).to_have_count(0)
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved partners.yaml")
    text = (server.app.root / "partners.yaml").read_text("utf-8")
    assert text.index(second) < text.index(first)


def test_two_tabs_editing_one_file_get_the_conflict_message(page: Page, server: LiveServer) -> None:
    path = server.app.root / "partners.yaml"
    other = page.context.new_page()
    open_editor(page, "partners.yaml")
    open_editor(other, "partners.yaml")
    field(other, "[1].name").fill("Eastvale District Council")
    save(other)
    expect(other.locator("#save-status")).to_contain_text("Saved partners.yaml")
    field(page, "[1].legal_name").fill("Eastvale District Council (legal)")
    save(page)
    conflict = page.get_by_role("alertdialog")
    expect(conflict).to_contain_text("partners.yaml was changed on disk since you opened it")
    expect(page.locator("#save-status")).to_contain_text("Not saved")
    text = path.read_text("utf-8")
    assert "Eastvale District Council\n" in text and "(legal)" not in text
    # Asked, the user chooses to keep their own version.
    conflict.get_by_role("button", name="Save my version over it").click()
    expect(page.locator("#save-status")).to_contain_text("Saved partners.yaml")
    assert "legal_name: Eastvale District Council (legal)" in path.read_text("utf-8")


def test_a_request_without_the_token_is_refused(page: Page, server: LiveServer) -> None:
    path = server.app.root / "partners.yaml"
    before = path.read_bytes()
    open_editor(page, "partners.yaml")
    script = """async ([token]) => {
        const opened = await (await fetch('/api/file?path=partners.yaml')).json();
        opened.data[0].name = 'Changed without asking';
        const body = JSON.stringify({path: 'partners.yaml', data: opened.data, hash: opened.hash});
        const headers = {'Content-Type': 'application/json'};
        if (token) headers['X-CSRF-Token'] = token;
        const res = await fetch('/api/save', {method: 'POST', headers, body});
        return [res.status, await res.text()];
    }"""
    status, answer = page.evaluate(script, [None])
    assert status == 403 and "token" in json.loads(answer)["error"]
    assert path.read_bytes() == before
    # The same request with the page's token is accepted: the token is what was missing.
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    status, _ = page.evaluate(script, [token])
    assert status == 200
    assert "name: Changed without asking" in path.read_text("utf-8")


def test_a_user_changes_a_partners_dsp_and_sees_the_arrangements_update(
    page: Page, server: LiveServer
) -> None:
    """The issue's "done when": a new DSP for Eastvale Council, entered through the form only."""
    preview = page.context.new_page()
    preview.goto("/preview/arrangements")
    expect(preview.locator("body")).to_contain_text("Gareth Lloyd-Hughes")
    open_editor(page, "partners.yaml")
    page.get_by_role("group", name="DSP").nth(1).get_by_label("Name").fill("Hannah Mercer")
    field(page, "[1].dsp.title").fill("Director of Children's Services")
    field(page, "[1].delegations[0].ended_on").fill("2025-09-30")
    field(page, "[1].delegations").get_by_role("button", name="Add a delegation").click()
    new = "[1].delegations[1]"
    for key, value in {
        "delegate": "Hannah Mercer",
        "instrument": "Constitution, Part 3, Section 5 (Officer Delegations), paragraph 5.14",
        "decided_by": "Chief Executive",
        "decided_on": "2025-09-15",
        "effective_from": "2025-10-01",
        "review_by": "2027-09-30",
        "limits": "May not commit council money beyond the agreed contribution.",
    }.items():
        field(page, f"{new}.{key}").fill(value)
    field(page, f"{new}.scope").get_by_role("button", name="Add to scope").click()
    field(page, f"{new}.scope[0]").fill("Represent the council at the Safeguarding Partnership Executive")
    expect(page.locator("#problem-summary")).to_be_hidden()
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved partners.yaml")
    expect(preview.locator("body")).to_contain_text("Hannah Mercer")
    expect(preview.locator("body")).to_contain_text("Director of Children's Services")


def test_a_dispute_stage_timescale_can_be_not_known(page: Page, server: LiveServer) -> None:
    path = server.app.root / "disputes.yaml"
    open_editor(page, "disputes.yaml")
    stage = page.locator('[data-field="stages[1].timescale_working_days"]')
    days = field(page, "stages[1].timescale_working_days")
    expect(days).to_have_value("5")
    not_known = stage.get_by_role("checkbox", name=re.compile(r"^Not known\W+timescale working days\W*$"))
    reason = stage.get_by_label(re.compile(r"^Reason \(optional\)"))
    expect(not_known).not_to_be_checked()
    expect(reason).to_be_hidden()
    not_known.check()
    expect(days).to_be_disabled()
    reason.fill("not published")
    expect(page.locator("#problem-summary")).to_be_hidden()
    assert axe_violations(page) == []
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved disputes.yaml")
    assert "    timescale_working_days:\n      unknown: not published\n" in path.read_text("utf-8")
    # Opened again, the box is ticked with the reason; unticked, a number can be typed again.
    open_editor(page, "disputes.yaml")
    expect(not_known).to_be_checked()
    expect(reason).to_have_value("not published")
    expect(days).to_be_disabled()
    not_known.uncheck()
    expect(reason).to_be_hidden()
    days.fill("7")
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved disputes.yaml")
    text = path.read_text("utf-8")
    assert "    timescale_working_days: 7\n" in text and "unknown:" not in text


def test_a_list_that_is_not_known_is_put_aside_and_comes_back(page: Page, server: LiveServer) -> None:
    path = server.app.root / "reports" / "2025-26.yaml"
    open_editor(page, "reports/2025-26.yaml")
    reviews = field(page, "reviews")
    first = field(page, "reviews[0]").input_value()
    second = field(page, "reviews[1]").input_value()
    not_known = reviews.get_by_role("checkbox", name=re.compile(r"^Not known\W+reviews\W*$"))
    not_known.check()
    expect(field(page, "reviews[0]")).to_have_count(0)
    expect(not_known).to_be_focused()
    reviews.get_by_label(re.compile(r"^Reason \(optional\)")).fill("not published")
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved reports/2025-26.yaml")
    assert "\nreviews:\n  unknown: not published\n" in path.read_text("utf-8")
    not_known.uncheck()
    expect(field(page, "reviews[0]")).to_have_value(first)
    save(page)
    expect(page.locator("#save-status")).to_contain_text("Saved reports/2025-26.yaml")
    # The list is written back whole, in the file's block style (it was a flow list before).
    assert f"\nreviews:\n  - {first}\n  - {second}\nreview_actions:" in path.read_text("utf-8")


def axe_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]}
    result = Axe().run(page, options=options)
    return [f"{v.rule}: {n.target} {n.html}" for v in parse_violations(result.response) for n in v.nodes]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/edit/partners.yaml",
        "/edit/funding.yaml",
        "/edit/disputes.yaml",
        "/edit/reports/2025-26.yaml",
        "/edit/voice.md",
        "/check",
    ],
)
def test_the_editor_pages_pass_axe(page: Page, url: str) -> None:
    page.goto(url)
    if url.startswith("/edit/"):
        expect(page.locator("#form")).to_be_visible()
    assert axe_violations(page) == []


def test_an_editor_with_errors_and_a_preview_with_problems_pass_axe(page: Page, server: LiveServer) -> None:
    open_editor(page, "partners.yaml")
    field(page, "[0].delegations[1].review_by").fill("2026-02-30")
    expect(page.locator(".field-error")).to_have_count(1)
    assert axe_violations(page) == []
    partners = server.app.root / "partners.yaml"
    partners.write_text(partners.read_text("utf-8").replace("kind: police", "kind: polce"), "utf-8")
    page.goto("/preview/threshold")
    expect(page.locator(".serve-status")).to_contain_text("1 problem in the content")
    assert axe_violations(page) == []
