"""A line of the people list, as plain data: read through SQLAlchemy page by page
(``crm.core.contacts.listing``), or straight from the file for the TUI's first screen
(``crm.core.contacts.first_page``), which must not wait for SQLAlchemy to load."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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


def person_rows(ids: list[int], names: Mapping[int, tuple[str, Any]],
                current: Iterable[Sequence[Any]],
                last: Mapping[int, str | None]) -> list[PersonRow]:
    """The rows of ``ids``, in that order, from what the page's queries read: each person's
    name and "me" flag, their current positions ``(person, start, position id, company,
    title)`` and the ISO date they were last contacted. Of two current positions the one
    that started last (then the later one) is shown. A person missing from ``names`` (deleted
    between two queries) is left out."""
    shown: dict[int, tuple[str, int, str, str | None]] = {}
    for pid, start, pos_id, company, title in current:
        candidate = (start or "", pos_id, company, title)
        if pid not in shown or candidate[:2] > shown[pid][:2]:
            shown[pid] = candidate
    rows = []
    for pid in ids:
        if pid not in names:
            continue
        name, me = names[pid]
        pos = shown.get(pid)
        rows.append(PersonRow(id=pid, name=name, company=pos[2] if pos else None,
                              title=pos[3] if pos else None, last_contacted=last.get(pid),
                              is_me=bool(me)))
    return rows
