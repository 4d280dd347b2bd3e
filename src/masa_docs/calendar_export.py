"""The deadlines ``check`` lists, as a text table, JSON, or calendar events (iCalendar, RFC 5545).

Each deadline becomes an all-day event on its due date with a reminder 30 days before. Its UID
is made from the deadline's id and the partnership's name, so importing the file again updates
the events instead of adding copies. Nothing comes from the clock: DTSTAMP is the latest
publication date in the content, so the same content always gives the same bytes. ("Today" only
decides which deadlines are past or near in the table, as in ``check``, and whether the reminder
to send the last yearly report to the national bodies is still listed.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .deadlines import Deadline
    from .load import LoadedContent

REMINDER_DAYS = 30
CONFIDENCE = {
    "verified": "from the content's own dates",
    "partial": "citation partly confirmed",
    "unverified": "UNVERIFIED citation: check it",
    "local": "a local target (content/rules.yaml)",
}


def deadline_list(loaded: LoadedContent, today: dt.date) -> list[Deadline]:
    """Exactly the deadlines ``masa-docs check`` lists for this content on ``today``."""
    from .check import rules_for
    from .deadlines import deadlines

    _rules, local = rules_for(loaded)
    return deadlines(loaded, today, local)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "partnership"


def uid(loaded: LoadedContent, d: Deadline) -> str:
    """Stable across runs and edits of the dates: the deadline's id at the partnership."""
    return f"{d.id}@{_slug(loaded.content.partnership.short_name)}.masa-docs"


def stamp(loaded: LoadedContent) -> dt.datetime:
    """DTSTAMP from the content: the latest publication date it records, at midnight UTC."""
    c = loaded.content
    dates = [c.partnership.published_on, *(r.published_on for r in c.reports.values())]
    return dt.datetime.combine(max(dates), dt.time(0), tzinfo=dt.UTC)


def _where(loaded: LoadedContent, d: Deadline) -> str | None:
    """'reviews.yaml:124:14 reviews[1]...', relative to the content folder (not the cwd)."""
    if d.where is None:
        return None
    from pathlib import Path

    name = d.where.file
    try:
        name = Path(name).resolve().relative_to(loaded.source.root.resolve()).as_posix()
    except (ValueError, OSError):
        name = Path(name).name
    at = f"{name}:{d.where.line}:{d.where.column or 1}" if d.where.line else name
    return f"{at} {d.where.field}".strip()


def _description(loaded: LoadedContent, d: Deadline) -> str:
    lines = [d.note, f"How sure: {CONFIDENCE.get(d.confidence, d.confidence)}."]
    where = _where(loaded, d)
    if where is not None:
        lines.append(f"Set in: {where}")
    lines.append("From masa-docs deadlines; change the date in the content, not here.")
    return "\n".join(lines)


def to_ics(loaded: LoadedContent, items: list[Deadline]) -> bytes:
    """An iCalendar file with one all-day event (and a 30-day reminder) per deadline."""
    from icalendar import Alarm, Calendar, Event

    c = loaded.content
    cal = Calendar()
    cal.add("prodid", "-//masa-docs//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{c.partnership.short_name}: safeguarding partnership deadlines")
    when = stamp(loaded)
    seen: dict[str, int] = {}
    for d in items:
        ev = Event()
        ident = uid(loaded, d)
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] > 1:  # two deadlines with one id: keep both events apart
            ident = ident.replace("@", f"-{seen[ident]}@", 1)
        ev.add("uid", ident)
        ev.add("dtstamp", when)
        ev.add("dtstart", d.due)
        ev.add("dtend", d.due + dt.timedelta(days=1))
        ev.add("summary", d.what)
        ev.add("description", _description(loaded, d))
        ev.add("categories", ["Safeguarding partnership"])
        ev.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"In {REMINDER_DAYS} days: {d.what}")
        alarm.add("trigger", dt.timedelta(days=-REMINDER_DAYS))
        ev.add_component(alarm)
        cal.add_component(ev)
    return bytes(cal.to_ical())


def to_json(loaded: LoadedContent, items: list[Deadline]) -> str:
    rows: list[dict[str, Any]] = [{**d.as_dict(), "uid": uid(loaded, d)} for d in items]
    return json.dumps({"deadlines": rows}, indent=2, ensure_ascii=False) + "\n"


def to_text(items: list[Deadline]) -> str:
    """A table: due date, when (relative to today), state, what; then the count."""
    if not items:
        return "No deadlines in the content.\n"
    lines = [f"{'due':<10}  {'when':<14}  {'state':<5}  what"]
    for d in items:
        lines.append(f"{d.due.isoformat():<10}  {d.describe():<14}  {d.state:<5}  {d.what}")
    n = len(items)
    lines.append(f"{n} deadline{'s' if n != 1 else ''}.")
    return "\n".join(lines) + "\n"
