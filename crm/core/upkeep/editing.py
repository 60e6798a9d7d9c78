"""Changing one person: fields, contact points, interactions, deletion.

Every function validates all of its input before changing anything, so a refused edit
leaves the person exactly as it was (callers run it inside one ``db.write()``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.contacts.companies import refresh_people_at
from crm.core.contacts.people import (
    add_contact_point,
    refresh_search_text,
    set_tags,
    summary_loader,
)
from crm.core.errors import InvalidInput, NotFound
from crm.core.models import Company, ContactPoint, Interaction, Person
from crm.core.normalize import company_key
from crm.core.vocabulary import CONTACT_KINDS, INTERACTION_KINDS

# Text fields a user edits directly; None or "" clears them (except the name).
TEXT_FIELDS = ("display_name", "given_name", "family_name", "nickname", "pronouns", "headline",
               "location", "note")
EDITABLE_FIELDS = (*TEXT_FIELDS, "birthday", "tags")

_BIRTHDAY = re.compile(r"^(?:(\d{4})|--)-?(\d{2})-?(\d{2})$|^(\d{4})$")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/]+\.[^\s/]+(?:/\S*)?$", re.IGNORECASE)


def get_person(session: Session, person_id: int) -> Person:
    person = session.scalars(select(Person).where(Person.id == person_id)
                             .options(*summary_loader())).one_or_none()
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


def parse_birthday(value: str) -> tuple[int | None, int | None, int | None]:
    """``YYYY-MM-DD``, ``--MM-DD`` (no year) or ``YYYY`` -> (year, month, day)."""
    text = value.strip()
    m = _BIRTHDAY.match(text)
    if not m:
        raise InvalidInput(f"bad birthday {value!r}: use YYYY-MM-DD, --MM-DD or YYYY")
    if m.group(4):
        return int(m.group(4)), None, None
    year = int(m.group(1)) if m.group(1) else None
    month, day = int(m.group(2)), int(m.group(3))
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a valid birthday
    except ValueError as err:
        raise InvalidInput(f"bad birthday {value!r}: {err}") from None
    return year, month, day


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"bad date {value!r}: use YYYY-MM-DD") from None


def update_person(session: Session, person_id: int, changes: Mapping[str, str | None]) -> Person:
    """Apply ``changes`` (field -> new text) to a person, all or nothing."""
    person = get_person(session, person_id)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}")
    clean: dict[str, str | None] = {}
    for name, value in changes.items():
        text = value.strip() if value is not None else ""
        clean[name] = text or None
    if "display_name" in clean and not clean["display_name"]:
        raise InvalidInput("a person needs a name")
    birthday = None
    if clean.get("birthday"):
        birthday = parse_birthday(str(clean["birthday"]))
    # Everything is valid: now change the person.
    for name in TEXT_FIELDS:
        if name in clean:
            # Notes keep the user's own line breaks and spacing; only blank means empty.
            value = changes[name] if name == "note" and clean[name] else clean[name]
            setattr(person, name, value)
    if "birthday" in clean:
        person.birthday_year, person.birthday_month, person.birthday_day = (
            birthday or (None, None, None))
    if "tags" in clean:
        wanted = [t.strip() for t in (clean["tags"] or "").split(",") if t.strip()]
        person.tags[:] = [t for t in person.tags if t.name in wanted]
        set_tags(session, person, wanted)
    session.flush()
    refresh_search_text(person)
    session.flush()
    return person


def add_contact(session: Session, person_id: int, kind: str, value: str,
                label: str | None = None) -> ContactPoint:
    """Add an email, phone, URL, social profile, address or other contact point."""
    person = get_person(session, person_id)
    if kind not in CONTACT_KINDS:
        raise InvalidInput(f"bad contact kind {kind!r}: use one of {', '.join(CONTACT_KINDS)}")
    if not value.strip():
        raise InvalidInput(f"the {kind} is empty")
    if kind == "url" and not _URL.match(value.strip()):
        raise InvalidInput(f"bad URL {value!r}")
    cp = add_contact_point(person, kind, value, (label or "").strip() or None)
    if cp is None:
        raise InvalidInput(f"{person.display_name} already has {kind} {value.strip()!r}")
    session.flush()
    refresh_search_text(person)
    session.flush()
    return cp


def remove_contact(session: Session, person_id: int, contact_id: int) -> None:
    person = get_person(session, person_id)
    found = [cp for cp in person.contact_points if cp.id == contact_id]
    if not found:
        raise NotFound(f"{person.display_name} has no contact point #{contact_id}")
    person.contact_points.remove(found[0])
    session.flush()
    refresh_search_text(person)
    session.flush()


def add_interaction(session: Session, person_id: int, kind: str, occurred_on: str | date,
                    summary: str) -> Interaction:
    """Log a dated call, coffee, email, meeting, note… ("last contacted" derives from these)."""
    person = get_person(session, person_id)
    if kind not in INTERACTION_KINDS:
        raise InvalidInput(f"bad interaction kind {kind!r}: use one of "
                           f"{', '.join(INTERACTION_KINDS)}")
    when = occurred_on if isinstance(occurred_on, date) else parse_day(occurred_on)
    if not summary.strip():
        raise InvalidInput("say what happened (the summary is empty)")
    entry = Interaction(person=person, kind=kind, occurred_on=when, summary=summary.strip())
    session.add(entry)
    session.flush()
    return entry


def delete_person(session: Session, person_id: int) -> str:
    """Delete a person and everything that belongs to them; returns their name.

    A tombstone stays (crm.core.upkeep.tombstones): an import of the same cards skips them, and
    they can be restored.
    """
    from crm.core.upkeep.tombstones import bury

    person = get_person(session, person_id)
    name = person.display_name
    bury(session, person.id)
    return name


COMPANY_FIELDS = ("name", "industry", "website", "location", "note")


def update_company(session: Session, company_id: int,
                   changes: Mapping[str, str | None]) -> Company:
    """Apply ``changes`` (field -> new text) to a company, all or nothing."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"no company with id {company_id}")
    unknown = set(changes) - set(COMPANY_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}")
    clean = {k: (v or "").strip() or None for k, v in changes.items()}
    if "name" in clean:
        if not clean["name"]:
            raise InvalidInput("a company needs a name")
        key = company_key(clean["name"])
        if not key:
            raise InvalidInput(f"bad company name {clean['name']!r}")
    if clean.get("website") and not _URL.match(str(clean["website"])):
        raise InvalidInput(f"bad URL {clean['website']!r}")
    for name, value in clean.items():
        if name == "note" and value:
            value = changes[name]  # a note keeps its own line breaks and spacing
        setattr(company, name, value)
    if "name" in clean:
        company.name_key = company_key(str(clean["name"]))
        # People are found by the names of the companies they were at: search the new one.
        refresh_people_at(session, company)
    session.flush()
    return company
