"""The agenda as an iCalendar file (RFC 5545, written by the ``icalendar`` library), so a
phone's calendar reminds without any server.

Every item is an all-day event whose UID is its stable key (``todo:12@crm``): importing a
later export updates the events instead of adding copies (SEQUENCE and DTSTAMP grow with
the export time, so the later one wins).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm.core.agenda.today import Agenda, AgendaItem

PRODID = "-//crm//networking agenda//EN"
UID_DOMAIN = "crm.agenda"


def uid(item: AgendaItem) -> str:
    return f"{item.key.replace(':', '-')}@{UID_DOMAIN}"


def to_ics(agenda: Agenda, now: datetime | None = None) -> bytes:
    from icalendar import Alarm, Calendar, Event

    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    sequence = int(now.timestamp() // 60) - 29_000_000  # minutes: later exports win
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "crm agenda")
    for item in agenda.items:
        on = item.on if item.on is not None and item.on >= agenda.today else agenda.today
        event = Event()
        event.add("uid", uid(item))
        event.add("dtstamp", now)
        event.add("last-modified", now)
        event.add("sequence", max(sequence, 0))
        event.add("dtstart", on)
        event.add("dtend", on + timedelta(days=1))
        event.add("summary", item.title)
        lines = [item.detail] if item.detail else []
        if item.people:
            lines.append("You know: " + ", ".join(item.people))
        if item.overdue:
            lines.append("Overdue" + (f" since {item.on.isoformat()}" if item.on else ""))
        if lines:
            event.add("description", "\n".join(lines))
        event.add("categories", [item.kind])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.title)
        alarm.add("trigger", timedelta(hours=9))  # 9:00 on the day
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
