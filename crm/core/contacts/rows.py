"""A line of the people list, as plain data: read through SQLAlchemy page by page
(``crm.core.contacts.listing``), or straight from the file for the TUI's first screen
(``crm.core.contacts.first_page``), which must not wait for SQLAlchemy to load."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

PEOPLE_SORTS = ("name", "company", "last-contacted")


@dataclass(frozen=True)
class PersonRow:
    """One line of the people list."""

    id: int
    name: str
    company: str | None
    title: str | None
    last_contacted: str | None  # ISO date of the latest interaction
    is_me: bool = False


# A statement and its parameters run by the database driver: its rows.
Query = Callable[[str, Sequence[Any]], Iterable[Sequence[Any]]]

# The rows of a page of ids in two statements per dialect, one parameter each (the ids as
# JSON for SQLite, an array for PostgreSQL): the same SQL for any page, so the driver's
# statement cache keeps it prepared. ``person.last_contacted`` is the latest interaction's
# date (kept by migration 0008's triggers).
ROWS_SQL = {
    "sqlite": {
        "names": "SELECT id, display_name, is_me, last_contacted FROM person "
                 "WHERE id IN (SELECT value FROM json_each(?))",
        "positions": "SELECT position.person_id, position.start, position.id, company.name, "
                     "position.title FROM position "
                     "JOIN company ON company.id = position.company_id "
                     "WHERE position.person_id IN (SELECT value FROM json_each(?)) "
                     "AND position.is_current IS 1",
    },
    "postgresql": {
        "names": "SELECT id, display_name, is_me, last_contacted FROM person "
                 "WHERE id = ANY(%s)",
        "positions": "SELECT position.person_id, position.start, position.id, company.name, "
                     "position.title FROM position "
                     "JOIN company ON company.id = position.company_id "
                     "WHERE position.person_id = ANY(%s) AND position.is_current IS true",
    },
}


def read_person_rows(query: Query, dialect: str, ids: list[int]) -> list[PersonRow]:
    """The rows of ``ids``, in that order, read through ``query`` (a driver's cursor, with
    or without SQLAlchemy around it) in ``dialect`` ("sqlite" or "postgresql"). Of two
    current positions the one that started last (then the later one) is shown; a person
    missing (deleted between two statements) is left out."""
    if not ids:
        return []
    sql = ROWS_SQL[dialect]
    wanted = (json.dumps(ids) if dialect == "sqlite" else list(ids),)
    people = {pid: (name, me, when) for pid, name, me, when in query(sql["names"], wanted)}
    shown: dict[int, tuple[str, int, str, str | None]] = {}
    for pid, start, pos_id, company, title in query(sql["positions"], wanted):
        candidate = (start or "", pos_id, company, title)
        if pid not in shown or candidate[:2] > shown[pid][:2]:
            shown[pid] = candidate
    rows = []
    for pid in ids:
        if pid not in people:
            continue
        name, me, when = people[pid]
        pos = shown.get(pid)
        rows.append(PersonRow(id=pid, name=name, company=pos[2] if pos else None,
                              title=pos[3] if pos else None, last_contacted=iso_date(when),
                              is_me=bool(me)))
    return rows


def iso_date(value: Any) -> str | None:
    """A date column as the people list shows it (SQLite keeps ISO text; PostgreSQL's
    driver gives a date)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(value).isoformat()
