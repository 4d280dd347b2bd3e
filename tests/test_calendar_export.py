"""Deadlines as calendar events: the ICS parses (icalendar) and holds every deadline check lists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from icalendar import Calendar

from conftest import copy_content, replace_once
from masa_docs.calendar_export import deadline_list, to_ics
from masa_docs.check import run_check
from masa_docs.cli import main
from masa_docs.load import load_content

TODAY = dt.date(2026, 4, 1)


def events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_ics_holds_every_deadline_check_lists(example, example_root: Path) -> None:  # type: ignore[no-untyped-def]
    listed = run_check(example, today=TODAY).deadlines
    assert len(listed) > 10
    result = CliRunner().invoke(
        main, ["deadlines", "--content", str(example_root), "--format", "ics", "--today", TODAY.isoformat()]
    )
    assert result.exit_code == 0, result.output
    cal = Calendar.from_ical(result.stdout_bytes)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//masa-docs//")
    evs = cal.walk("VEVENT")
    assert len(evs) == len(listed)
    by_summary = {str(ev["SUMMARY"]): ev for ev in evs}
    assert len({str(ev["UID"]) for ev in evs}) == len(evs)
    for d in listed:
        ev = by_summary[d.what]
        assert str(ev["UID"]) == f"{d.id}@nescp.masa-docs"
        assert ev.decoded("DTSTART") == d.due and ev.decoded("DTEND") == d.due + dt.timedelta(days=1)
        [alarm] = ev.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == dt.timedelta(days=-30)
        assert d.note in str(ev["DESCRIPTION"])
    kinds = {d.id.rsplit("-", 1)[0] for d in listed}
    for expected in ("yearly-report", "arrangements", "agreement", "threshold", "scrutineer", "chair"):
        assert any(k.startswith(expected) for k in kinds), expected
    assert any(d.id.startswith("delegation-review-") for d in listed)


def test_ics_is_deterministic_and_stamped_from_the_content(example) -> None:  # type: ignore[no-untyped-def]
    a = to_ics(example, deadline_list(example, TODAY))
    b = to_ics(example, deadline_list(example, TODAY + dt.timedelta(days=3)))
    assert a == b  # the same deadlines: the same bytes, whatever day it is run
    for ev in events(a).values():
        # the latest publication date in the content (the 2025-26 report), never the clock
        assert ev.decoded("DTSTAMP") == dt.datetime(2026, 9, 25, tzinfo=dt.UTC)  # type: ignore[attr-defined]


def test_uids_stay_when_a_date_moves(tmp_path: Path, example) -> None:  # type: ignore[no-untyped-def]
    root = copy_content(
        tmp_path / "content",
        {"threshold.yaml": replace_once("review_date: 2027-03-31", "review_date: 2027-06-30")},
    )
    moved = load_content(root)
    before = events(to_ics(example, deadline_list(example, TODAY)))
    after = events(to_ics(moved, deadline_list(moved, TODAY)))
    assert before.keys() == after.keys()
    uid = "threshold-review@nescp.masa-docs"
    assert before[uid].decoded("DTSTART") == dt.date(2027, 3, 31)  # type: ignore[attr-defined]
    assert after[uid].decoded("DTSTART") == dt.date(2027, 6, 30)  # type: ignore[attr-defined]


def test_text_and_json(example, example_root: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    where = ["--content", str(example_root)]
    listed = run_check(example, today=TODAY).deadlines
    text = runner.invoke(main, ["deadlines", *where, "--today", TODAY.isoformat()])
    assert text.exit_code == 0
    assert text.output.splitlines()[0].split() == ["due", "when", "state", "what"]
    assert text.output.endswith(f"{len(listed)} deadlines.\n")
    assert "2027-03-31  in 364 days     ok     Review of the threshold document" in text.output
    data = json.loads(
        runner.invoke(main, ["deadlines", *where, "--format", "json", "--today", "2026-04-01"]).output
    )
    assert [d["id"] for d in data["deadlines"]] == [d.id for d in listed]
    assert data["deadlines"][0]["uid"].endswith("@nescp.masa-docs")


def test_out_file(tmp_path: Path, example_root: Path) -> None:
    out = tmp_path / "masa.ics"
    args = ["deadlines", "--content", str(example_root), "--format", "ics", "--today", "2026-04-01"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0 and result.output == ""
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_local_target_from_rules_yaml_is_an_event(tmp_path: Path) -> None:
    root = copy_content(
        tmp_path / "content",
        {"rules.yaml": "deadlines:\n  yearly_report_months_after_period_end: 6\n"},
    )
    loaded = load_content(root)
    listed = run_check(loaded, today=TODAY).deadlines
    assert "yearly-report-local-target" in [d.id for d in listed]
    evs = events(to_ics(loaded, deadline_list(loaded, TODAY)))
    assert sorted(evs) == sorted(f"{d.id}@nescp.masa-docs" for d in listed)
    local = evs["yearly-report-local-target@nescp.masa-docs"]
    assert local.decoded("DTSTART") == dt.date(2027, 9, 30)  # type: ignore[attr-defined]
    assert "Set in: rules.yaml:2:42" in str(local["DESCRIPTION"])  # type: ignore[index]


def test_help_of_the_new_commands_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from masa_docs.cli import main\n"
        "helps = [['--help'], ['data', 'import', '--help'], ['deadlines', '--help'], ['init', '--help']]\n"
        "for args in helps:\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ['openpyxl', 'icalendar', 'docx', 'ruamel', 'pydantic']\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="
