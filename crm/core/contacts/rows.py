"""A line of the people list, as plain data: read through SQLAlchemy page by page
(``crm.core.contacts.listing``), or straight from the file for the TUI's first screen
(``crm.core.contacts.first_page``), which must not wait for SQLAlchemy to load."""

from __future__ import annotations

from dataclasses import dataclass

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
