"""What one record holds now, as the text a form that corrects it starts from.

A face asks for ``record_now(session, kind, id)`` before it shows an edit form or a delete
confirmation: the values are read fresh (not from a page read earlier), every one as the
text the matching ``crm.core.upkeep.records.update_*`` takes back, and ``label`` names the record
in the user's words ("Software Engineer at Stripe", "coffee on 2026-09-12").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from crm.core.errors import InvalidInput, NotFound
from crm.core.models import (
    Application,
    Company,
    Connection,
    ContactPoint,
    Interaction,
    Person,
    Position,
    Reference,
    Referral,
)
from crm.core.network.ties import inverse

RECORD_KINDS = ("position", "connection", "interaction", "referral", "contact",
                "application", "reference", "company")


@dataclass(frozen=True)
class RecordNow:
    """One record's editable fields (name -> text, "" when empty) and what it is called.

    ``owner`` is the person it belongs to (a company's or an application's is None);
    ``reversed`` is True for a connection stored from the other person's side (its ``kind``
    is then given as seen from ``owner``, and a face stores ``inverse`` of what is picked).
    """

    kind: str
    id: int
    label: str
    values: tuple[tuple[str, str], ...]
    owner: int | None = None
    reversed: bool = False

    def get(self, name: str) -> str:
        return dict(self.values).get(name, "")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "label": self.label,
                "values": dict(self.values), "owner": self.owner}


def _t(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _get(session: Session, model: Any, record_id: int, what: str) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"no {what} with id {record_id}")
    return record


def _position(session: Session, pid: int, seen_from: int | None) -> RecordNow:
    p: Position = _get(session, Position, pid, "position")
    return RecordNow("position", p.id, f"{p.title or 'a position'} at {p.company.name}", (
        ("company", p.company.name), ("company_id", str(p.company_id)),
        ("title", _t(p.title)), ("department", _t(p.department)), ("kind", _t(p.kind)),
        ("start", _t(p.start)), ("end", _t(p.end)), ("current", _t(p.is_current)),
        ("note", _t(p.note))), owner=p.person_id)


def _connection(session: Session, cid: int, seen_from: int | None) -> RecordNow:
    c: Connection = _get(session, Connection, cid, "connection")
    flipped = seen_from is not None and c.other_id == seen_from and c.person_id != seen_from
    other = c.person if flipped else c.other
    me = c.other if flipped else c.person
    kind = inverse(c.kind) if flipped else c.kind
    return RecordNow("connection", c.id, f"{me.display_name} and {other.display_name} ({kind})",
                     (("kind", kind), ("stored_kind", c.kind), ("strength", str(c.strength)),
                      ("note", _t(c.note)), ("since", _t(c.since)),
                      ("how_met", _t(c.how_met)), ("other", other.display_name)),
                     owner=me.id, reversed=flipped)


def _interaction(session: Session, iid: int, seen_from: int | None) -> RecordNow:
    i: Interaction = _get(session, Interaction, iid, "interaction")
    return RecordNow("interaction", i.id, f"{i.kind} on {i.occurred_on.isoformat()}",
                     (("kind", i.kind), ("on", i.occurred_on.isoformat()),
                      ("summary", i.summary)), owner=i.person_id)


def _referral(session: Session, rid: int, seen_from: int | None) -> RecordNow:
    r: Referral = _get(session, Referral, rid, "referral")
    to = r.to_company.name if r.to_company else (r.to_person.display_name if r.to_person
                                                 else "")
    label = f"referral by {r.referrer.display_name}" + (f" to {to}" if to else "")
    return RecordNow("referral", r.id, f"{label} ({r.status})",
                     (("status", r.status), ("note", _t(r.note)),
                      ("asked_on", _t(r.asked_on))), owner=r.referrer_id)


def _contact(session: Session, cid: int, seen_from: int | None) -> RecordNow:
    cp: ContactPoint = _get(session, ContactPoint, cid, "contact point")
    return RecordNow("contact", cp.id, f"{cp.kind} {cp.value}",
                     (("kind", cp.kind), ("value", cp.value), ("label", _t(cp.label)),
                      ("preferred", _t(cp.preferred))), owner=cp.person_id)


def _application(session: Session, aid: int, seen_from: int | None) -> RecordNow:
    a: Application = _get(session, Application, aid, "application")
    return RecordNow("application", a.id, f"{a.role} at {a.company.name}", (
        ("company", a.company.name), ("company_id", str(a.company_id)), ("role", a.role),
        ("stage", a.stage), ("applied_on", _t(a.applied_on)),
        ("interview_on", _t(a.interview_on)), ("closed_on", _t(a.closed_on)),
        ("url", _t(a.url)), ("note", _t(a.note))))


def _reference(session: Session, person_id: int, seen_from: int | None) -> RecordNow:
    """A reference is found by its person (``id`` is the person's); a person who is not
    one yet gives the values a new reference starts with."""
    person: Person = _get(session, Person, person_id, "person")
    ref: Reference | None = person.reference
    if ref is None:
        return RecordNow("reference", person.id, f"{person.display_name} (not a reference)",
                         (("status", "not-asked"), ("strength", "3")), owner=person.id)
    return RecordNow("reference", person.id, f"{person.display_name}'s reference entry", (
        ("status", ref.status), ("relationship", _t(ref.relationship_text)),
        ("speaks_to", _t(ref.speaks_to)), ("strength", str(ref.strength)),
        ("since", _t(ref.since)), ("preferred_contact", _t(ref.preferred_contact)),
        ("uses", str(len(ref.uses)))), owner=person.id)


def _company(session: Session, cid: int, seen_from: int | None) -> RecordNow:
    from crm.core.upkeep.records import company_use

    c: Company = _get(session, Company, cid, "company")
    use = company_use(session, cid)
    return RecordNow("company", c.id, c.name, (
        ("name", c.name), ("used_by", use.describe() if use.used else "")))


_READERS: dict[str, Callable[[Session, int, int | None], RecordNow]] = {
    "position": _position, "connection": _connection, "interaction": _interaction,
    "referral": _referral, "contact": _contact, "application": _application,
    "reference": _reference, "company": _company,
}


def record_now(session: Session, kind: str, record_id: int,
               seen_from: int | None = None) -> RecordNow:
    """The record of ``kind`` with ``record_id`` as it is now (``seen_from``: the person
    whose page shows it, for a connection's direction)."""
    reader = _READERS.get(kind)
    if reader is None:
        raise InvalidInput(f"bad record kind {kind!r}: use one of {', '.join(RECORD_KINDS)}")
    return reader(session, record_id, seen_from)
