"""The agenda (core and `crm agenda`) and its iCalendar export, parsed back with icalendar."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from crm.core.agenda.today import build_agenda
from crm.core.agenda.todos import add_todo, snooze_todo
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Application
from crm.core.network import link

TODAY = date.today()  # the CLI looks from today
BIRTHDAY = TODAY + timedelta(days=3)


def _build(db: Database) -> dict[str, int]:
    with db.write() as s:
        me = create_person(s, "Jordan Me", me=True)
        priya = create_person(s, "Priya Natarajan")
        priya.birthday_month, priya.birthday_day = BIRTHDAY.month, BIRTHDAY.day
        leap = create_person(s, "Lea Leap")
        leap.birthday_year, leap.birthday_month, leap.birthday_day = 2000, 2, 29
        marcus = create_person(s, "Marcus Webb")
        add_position(s, marcus, "Stripe", title="Software Engineer", start="2024")
        link(s, me, marcus, "co-worker", strength=4)
        app = Application(company=marcus.positions[0].company, role="SWE II",
                          stage="interviewing", interview_on=TODAY + timedelta(days=4))
        s.add(app)
        s.add(Application(company=marcus.positions[0].company, role="Old",
                          stage="rejected", interview_on=TODAY + timedelta(days=2)))
        s.flush()
        ids = {"priya": priya.id, "marcus": marcus.id, "app": app.id}
        ids["late"] = add_todo(s, "Send the deck", person=priya,
                               due_on=TODAY - timedelta(days=2)).id
        ids["soon"] = add_todo(s, "Prepare questions", application=app,
                               due_on=TODAY + timedelta(days=2)).id
        ids["later"] = add_todo(s, "Follow up", person=marcus,
                                due_on=TODAY + timedelta(days=20)).id
        ids["snoozed"] = add_todo(s, "Coffee?", person=marcus, due_on=TODAY).id
        snooze_todo(s, ids["snoozed"], TODAY + timedelta(days=10), today=TODAY)
        return ids


def test_the_agenda_gathers_todos_interviews_birthdays_and_contacts(db: Database) -> None:
    ids = _build(db)
    with db.read() as s:
        week = build_agenda(s, TODAY, 7)
        month = build_agenda(s, TODAY, 30)
    assert [(i.todo_id, i.overdue) for i in week.todos] == [(ids["late"], True),
                                                           (ids["soon"], False)]
    assert [i.todo_id for i in month.todos] == [ids["late"], ids["soon"], ids["snoozed"],
                                                ids["later"]]
    # The closed application's interview is not on it; the open one is, with who I know.
    assert [(i.title, i.on) for i in week.interviews] == [
        ("Interview: SWE II at Stripe", TODAY + timedelta(days=4))]
    assert week.interviews[0].people == ["Marcus Webb (Software Engineer)"]
    assert [(i.title, i.on) for i in week.birthdays] == [
        ("Priya Natarajan's birthday", BIRTHDAY)]
    # Priya and Lea were never contacted; Marcus, a stronger tie, comes first.
    assert week.contacts[0].person_id == ids["marcus"]
    assert "at Stripe, where you are applying" in week.contacts[0].detail
    assert {i.key for i in week.items} >= {f"todo:{ids['late']}",
                                           f"birthday:{ids['priya']}:{BIRTHDAY.year}",
                                           f"contact:{ids['marcus']}"}


def test_a_29_february_birthday_falls_on_the_28th_in_a_common_year(db: Database) -> None:
    _build(db)
    with db.read() as s:
        agenda = build_agenda(s, date(2027, 2, 25), 7)
    assert [(i.title, i.on, i.detail) for i in agenda.birthdays] == [
        ("Lea Leap's birthday", date(2027, 2, 28), "turns 27")]


def test_crm_agenda_json_and_text(db: Database, crm: Any) -> None:
    _build(db)
    data = crm("agenda", "--days", "30", "--json").json()
    assert set(data) == {"today", "days", "todos", "interviews", "birthdays", "contacts"}
    assert data["days"] == 30 and all(t["kind"] == "todo" for t in data["todos"])
    text = crm("agenda", "--days", "30")
    assert text.exit_code == 0 and "Get in touch" in text.stdout
    assert crm("agenda", "--days", "400").exit_code == 2


def test_people_due_for_contact_read_since_when(db: Database, crm: Any) -> None:
    """A contact that fell due in the past was listed under its bare date, like an event
    to come; it is due now, since that date. Never contacted: "now"."""
    _build(db)
    talked = (date.today() - timedelta(days=100)).isoformat()
    assert crm("log", "Marcus Webb", "coffee", "--kind", "coffee", "--on", talked).exit_code == 0
    lines = crm("agenda").stdout.splitlines()
    due = (date.today() + timedelta(days=-100 + 90)).isoformat()
    contacts = lines[lines.index("Get in touch") + 1:]
    assert contacts[0].startswith(f"  since {due}  Get in touch with Marcus Webb  - last "
                                  f"contact {talked} (100 days)")
    assert any(line.startswith("  now               Get in touch with Priya Natarajan  - "
                               "never contacted") for line in contacts)


def _events(path: Path) -> dict[str, Any]:
    cal = Calendar.from_ical(path.read_bytes())
    events = cal.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "one event per item"
    return dict(zip(uids, events, strict=True))


def test_ics_export_parses_back_with_stable_uids(db: Database, crm: Any,
                                                 tmp_path: Path) -> None:
    ids = _build(db)
    out = tmp_path / "agenda.ics"
    r = crm("agenda", "--days", "400", "--ics", "-o", str(out))
    assert r.exit_code == 2  # a bad --days writes nothing
    assert not out.exists()
    r = crm("agenda", "--days", "30", "--ics", "-o", str(out), "--json")
    assert r.exit_code == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = _events(out)
    assert r.json()["events"] == len(first)
    todo = first[f"todo-{ids['later']}@crm.agenda"]
    assert str(todo["SUMMARY"]) == "Follow up"
    assert todo.decoded("DTSTART") == TODAY + timedelta(days=20)
    # An overdue to-do is on today's page of the calendar, said overdue.
    late = first[f"todo-{ids['late']}@crm.agenda"]
    assert late.decoded("DTSTART") == TODAY and "Overdue" in str(late["DESCRIPTION"])
    birthday = first[f"birthday-{ids['priya']}-{BIRTHDAY.year}@crm.agenda"]
    assert birthday.decoded("DTSTART") == BIRTHDAY
    assert any(str(e["SUMMARY"]).startswith("Interview: SWE II") for e in first.values())
    # Re-exported after a change: the same UIDs (no duplicates), the changed event updated.
    assert crm("todo", "done", str(ids["later"])).exit_code == 0
    assert crm("todo", "snooze", str(ids["soon"]), "--until", "2027-01-02").exit_code == 0
    assert crm("agenda", "--days", "60", "--ics", "-o", str(out)).exit_code == 0
    second = _events(out)
    assert f"todo-{ids['later']}@crm.agenda" not in second
    # Everything of the first export still on the agenda keeps its UID.
    assert set(first) - {f"todo-{ids['later']}@crm.agenda"} <= set(second)
    moved = second[f"todo-{ids['soon']}@crm.agenda"]
    assert moved.decoded("DTSTART") == date(2027, 1, 2)
    assert int(moved["SEQUENCE"]) >= int(first[f"todo-{ids['soon']}@crm.agenda"]["SEQUENCE"])


def test_ics_needs_o_and_o_needs_ics(crm: Any, tmp_path: Path) -> None:
    assert crm("agenda", "--ics").exit_code == 2
    assert crm("agenda", "-o", str(tmp_path / "x.ics")).exit_code == 2
    assert not (tmp_path / "x.ics").exists()


@pytest.mark.parametrize("name", ["[b]Bold[/b]", "Evil\x1b[2J"])
def test_agenda_text_is_literal(crm: Any, name: str) -> None:
    crm("add", "person", "Jordan Me", "--me")
    crm("add", "person", name)
    out = crm("agenda").stdout
    assert "\x1b" not in out
    assert "[b]Bold[/b]" in out or "\\x1b[2J" in out


def test_an_empty_database_has_an_empty_agenda(crm: Any) -> None:
    r = crm("agenda")
    assert r.exit_code == 0 and "nothing on the agenda" in r.stderr
