"""A contact as the fields sync compares, and the three-way merge of those fields.

A card (parsed from its raw vCard) and a person (as crm holds them) are both reduced to the
same ``Fields``: scalar fields (names, nickname, company, title, note, birthday, photo) and
sets (emails, phones, URLs, social profiles, addresses, other contact values, tags). Sync
merges crm's fields and the other side's against the base (the last synced card):

- a field only one side changed takes that side's value;
- a set takes the additions of both sides and the removals of either;
- a scalar both sides changed to different values is a *conflict*: **crm wins**, and the
  other side's value is written into the person's note (``sync conflict …``), so it is never
  silently lost (the other side's whole card is kept in the import history too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crm.core.cards import Card
from crm.core.contacts.people import (
    add_contact_point,
    current_position,
    refresh_search_text,
    set_tags,
)
from crm.core.contacts.positions import add_position, end_position
from crm.core.errors import InvalidInput
from crm.core.models import Person

SCALARS = ("display_name", "given_name", "family_name", "additional_names", "name_prefix",
           "name_suffix", "nickname", "org", "title", "note", "birthday", "photo")
SETS = ("email", "phone", "url", "social", "address", "other", "categories")
# What a user calls each field in a conflict note.
LABELS = {"display_name": "name", "given_name": "given name", "family_name": "family name",
          "additional_names": "middle name", "name_prefix": "name prefix",
          "name_suffix": "name suffix", "org": "company", "birthday": "birthday",
          "photo": "photo"}

Value = str | None | frozenset[str]
Fields = dict[str, Value]


def _birthday(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None and month is None and day is None:
        return None
    return f"{year if year is not None else '?'}-{month or '?'}-{day or '?'}"


def _photo(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def card_fields(card: Card) -> Fields:
    fields: Fields = {
        "display_name": _text(card.display_name),
        "given_name": _text(card.given_name), "family_name": _text(card.family_name),
        "additional_names": _text(card.additional_names),
        "name_prefix": _text(card.name_prefix), "name_suffix": _text(card.name_suffix),
        "nickname": _text(card.nickname), "org": _text(card.org), "title": _text(card.title),
        "note": _text(card.note),
        "birthday": _birthday(card.birthday_year, card.birthday_month, card.birthday_day),
        "photo": _photo(card.photo),
        "categories": frozenset(c.strip() for c in card.categories if c.strip()),
    }
    for kind in SETS[:-1]:
        fields[kind] = frozenset(c.value.strip() for c in card.contacts
                                 if c.kind == kind and c.value.strip())
    return fields


def person_fields(person: Person) -> Fields:
    pos = current_position(person)
    fields: Fields = {
        "display_name": _text(person.display_name),
        "given_name": _text(person.given_name), "family_name": _text(person.family_name),
        "additional_names": _text(person.additional_names),
        "name_prefix": _text(person.name_prefix), "name_suffix": _text(person.name_suffix),
        "nickname": _text(person.nickname),
        "org": _text(pos.company.name) if pos is not None else None,
        "title": _text(pos.title) if pos is not None else _text(person.headline),
        "note": _text(person.note),
        "birthday": _birthday(person.birthday_year, person.birthday_month,
                              person.birthday_day),
        "photo": _photo(person.photo) if person.photo_type else None,
        "categories": frozenset(t.name for t in person.tags),
    }
    for kind in SETS[:-1]:
        fields[kind] = frozenset(cp.value.strip() for cp in person.contact_points
                                 if cp.kind == kind)
    return fields


def fields_hash(fields: Fields) -> str:
    """A stable digest of ``fields``: crm's side changed when it differs from the last."""
    plain = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in fields.items()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed to different values: crm's is kept, theirs is noted."""

    field: str
    kept: str | None  # crm's value
    other: str | None  # the other side's value, written into the note


def merge3(base: Fields, ours: Fields, theirs: Fields) -> tuple[Fields, list[Conflict]]:
    """Merge crm's fields (``ours``) and the other side's (``theirs``) against ``base``."""
    result: Fields = {}
    conflicts: list[Conflict] = []
    for key in SCALARS:
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o == t or t == b:
            result[key] = o
        elif o == b:
            result[key] = t
        else:
            result[key] = o
            conflicts.append(Conflict(key, _shown(o), _shown(t)))
    for key in SETS:
        b_set = _as_set(base.get(key))
        o_set, t_set = _as_set(ours.get(key)), _as_set(theirs.get(key))
        result[key] = frozenset((o_set & t_set) | (o_set - b_set) | (t_set - b_set))
    return result, conflicts


def _as_set(value: Value) -> frozenset[str]:
    return value if isinstance(value, frozenset) else frozenset()


def _shown(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def conflict_note(conflicts: list[Conflict], where: str, today: date) -> str:
    lines = [f"sync conflict {today.isoformat()} with {where} (crm's value kept); "
             f"there it was:"]
    for c in conflicts:
        if c.field == "photo":
            lines.append("- photo: a different photo (kept in the import history)")
        else:
            lines.append(f"- {LABELS.get(c.field, c.field)}: {c.other or '(empty)'}")
    return "\n".join(lines)


def apply_fields(session: Session, person: Person, want: Fields, card: Card,
                 source: str) -> bool:
    """Make ``person`` hold ``want`` (taken from ``card`` where a value is the card's);
    True when anything changed. A value crm cannot hold (a bad email) is left out."""
    have = person_fields(person)
    changed = False
    for key in ("given_name", "family_name", "additional_names", "name_prefix",
                "name_suffix", "nickname", "note"):
        if want[key] != have[key]:
            setattr(person, key, want[key])
            changed = True
    if want["display_name"] != have["display_name"] and want["display_name"]:
        person.display_name = str(want["display_name"])
        changed = True
    if want["birthday"] != have["birthday"]:
        person.birthday_year = card.birthday_year if want["birthday"] else None
        person.birthday_month = card.birthday_month if want["birthday"] else None
        person.birthday_day = card.birthday_day if want["birthday"] else None
        changed = True
    if want["photo"] != have["photo"]:
        person.photo = card.photo if want["photo"] else None
        person.photo_type = card.photo_type if want["photo"] else None
        changed = True
    if (want["org"], want["title"]) != (have["org"], have["title"]):
        _apply_job(session, person, want, source)
        changed = True
    for kind in SETS[:-1]:
        w, h = _as_set(want[kind]), _as_set(have[kind])
        if w == h:
            continue
        changed = True
        for cp in [cp for cp in person.contact_points if cp.kind == kind and cp.value not in w]:
            person.contact_points.remove(cp)
        labels = {c.value.strip(): c for c in card.contacts if c.kind == kind}
        for value in sorted(w - h):
            got = labels.get(value)
            try:
                add_contact_point(person, kind, value, got.label if got else None,
                                  got.preferred if got else False)
            except InvalidInput:
                continue
    w_tags, h_tags = _as_set(want["categories"]), _as_set(have["categories"])
    if w_tags != h_tags:
        changed = True
        for tag in [t for t in person.tags if t.name not in w_tags]:
            person.tags.remove(tag)
        set_tags(session, person, sorted(w_tags - h_tags))
    if changed:
        session.flush()
        refresh_search_text(person)
    return changed


def _apply_job(session: Session, person: Person, want: Mapping[str, Value],
               source: str) -> None:
    """A new company or title closes the current position and opens a new one (history is
    kept); no company leaves the title as the headline."""
    org, title = _shown(want["org"]), _shown(want["title"])
    current = current_position(person)
    if org is None:
        if current is not None:
            end_position(current, None)
        person.headline = title
        return
    if current is not None:
        end_position(current, None)
    add_position(session, person, org, title=title, current=True, source=source)


def people_fields(session: Session, ids: list[int]) -> dict[int, Fields]:
    """``person_fields`` of many people by plain queries (no ORM objects): what a sync with
    nothing to do costs is this, for everyone."""
    from sqlalchemy import select

    from crm.core.models import Company, ContactPoint, PersonTag, Position, Tag

    out: dict[int, Fields] = {}
    rows = session.execute(select(
        Person.id, Person.display_name, Person.given_name, Person.family_name,
        Person.additional_names, Person.name_prefix, Person.name_suffix, Person.nickname,
        Person.headline, Person.note, Person.birthday_year, Person.birthday_month,
        Person.birthday_day, Person.photo_type).where(Person.id.in_(ids)))
    headline: dict[int, str | None] = {}
    has_photo: list[int] = []
    for (pid, fn, given, family, additional, prefix, suffix, nick, head, note, y, m, d,
         photo_type) in rows:
        out[pid] = {
            "display_name": _text(fn), "given_name": _text(given),
            "family_name": _text(family), "additional_names": _text(additional),
            "name_prefix": _text(prefix), "name_suffix": _text(suffix),
            "nickname": _text(nick), "org": None, "title": _text(head), "note": _text(note),
            "birthday": _birthday(y, m, d), "photo": None, "categories": frozenset(),
        }
        headline[pid] = _text(head)
        if photo_type:
            has_photo.append(pid)
    if has_photo:
        for pid, data in session.execute(select(Person.id, Person.photo)
                                         .where(Person.id.in_(has_photo))):
            out[pid]["photo"] = _photo(data)
    best: dict[int, tuple[tuple[str, int], str, str | None]] = {}
    for pid, pos_id, start, company, title in session.execute(
            select(Position.person_id, Position.id, Position.start, Company.name,
                   Position.title)
            .join(Company, Company.id == Position.company_id)
            .where(Position.person_id.in_(ids), Position.is_current.is_(True))):
        key = (start or "", pos_id)
        if pid not in best or key > best[pid][0]:
            best[pid] = (key, company, title)
    for pid, (_key, company, title) in best.items():
        out[pid]["org"], out[pid]["title"] = _text(company), _text(title)
    sets: dict[int, dict[str, set[str]]] = {pid: {} for pid in out}
    for pid, kind, value in session.execute(
            select(ContactPoint.person_id, ContactPoint.kind, ContactPoint.value)
            .where(ContactPoint.person_id.in_(ids))):
        sets[pid].setdefault(kind, set()).add(value.strip())
    for pid, name in session.execute(
            select(PersonTag.person_id, Tag.name).join(Tag, Tag.id == PersonTag.tag_id)
            .where(PersonTag.person_id.in_(ids))):
        sets[pid].setdefault("categories", set()).add(name)
    for pid, fields in out.items():
        for kind in SETS:
            fields[kind] = frozenset(sets[pid].get(kind, ()))
    return out
