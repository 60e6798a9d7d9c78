"""One person whole, as ``crm show`` and the person screen present it: ``PersonDetail``.

Both faces render the same frozen view; ``to_json()`` is ``crm show --json`` (its keys and
their order are the CLI contract, tests/cli/test_json_shapes.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from crm.core.addresses import parts_view
from crm.core.contacts.people import PersonSummary, summarize, summary_loader
from crm.core.contacts.provenance import CardSource, card_sources
from crm.core.jobhunt.referrals import REFERRAL_LOADER, ReferralView, referral_view
from crm.core.models import Interaction, Person, PersonRelation, Position, Reference, Referral
from crm.core.network import ConnectionView, derived_connections, explicit_connections, me_id
from crm.core.normalize import span_text


def _iso(d: date | datetime | None) -> str | None:
    return d.isoformat() if d else None


def _birthday(person: Person) -> str | None:
    if person.birthday_month is None or person.birthday_day is None:
        return str(person.birthday_year) if person.birthday_year else None
    md = f"{person.birthday_month:02d}-{person.birthday_day:02d}"
    return f"{person.birthday_year:04d}-{md}" if person.birthday_year else f"--{md}"


def _date(year: int | None, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"


@dataclass(frozen=True)
class ContactPointView:
    id: int
    kind: str
    label: str | None
    value: str
    preferred: bool
    address: dict[str, str] | None = None  # an address's parts by name (kind "address")
    address_label: str | None = None  # its LABEL, the address as the card wrote it whole

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "label": self.label,
                                "value": self.value, "preferred": self.preferred}
        if self.kind == "address":
            data.update({"address": self.address, "address_label": self.address_label})
        return data


@dataclass(frozen=True)
class DateView:
    """An anniversary or another labelled date (without its year: --MM-DD)."""

    id: int
    label: str | None
    date: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "date": self.date}


@dataclass(frozen=True)
class RelationView:
    """Someone a card names beside the person; ``person_id`` once crm knows who that is."""

    id: int
    name: str
    named: str
    label: str | None
    uid: str | None
    person_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "named": self.named, "label": self.label,
                "uid": self.uid, "person_id": self.person_id}


@dataclass(frozen=True)
class PositionView:
    id: int
    company: str
    company_id: int
    title: str | None
    department: str | None
    kind: str | None
    start: str | None
    end: str | None
    current: bool

    def span(self, to: str = " - ") -> str:
        return span_text(self.start, self.end, self.current, to=to)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "company": self.company, "company_id": self.company_id,
                "title": self.title, "department": self.department, "kind": self.kind,
                "start": self.start, "end": self.end, "current": self.current}


@dataclass(frozen=True)
class ReferenceUseBrief:
    used_on: date
    application_id: int | None
    company_id: int | None
    notified: bool

    def to_json(self) -> dict[str, Any]:
        return {"used_on": self.used_on.isoformat(), "application_id": self.application_id,
                "company_id": self.company_id, "notified": self.notified}


@dataclass(frozen=True)
class ReferenceBrief:
    """The person as a reference, as their page shows it."""

    status: str
    relationship: str | None
    speaks_to: str | None
    asked_on: date | None
    agreed_on: date | None
    strength: int
    uses: tuple[ReferenceUseBrief, ...]

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "relationship": self.relationship,
                "speaks_to": self.speaks_to, "asked_on": _iso(self.asked_on),
                "agreed_on": _iso(self.agreed_on), "strength": self.strength,
                "uses": [u.to_json() for u in self.uses]}


@dataclass(frozen=True)
class InteractionView:
    id: int
    date: date
    kind: str
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat(), "kind": self.kind,
                "summary": self.summary}


# The keys a referral has on a person's page (``crm referrals list`` shows them all).
@dataclass(frozen=True)
class KeepInTouchBrief:
    every_days: int | None
    at_most_days: int | None

    def to_json(self) -> dict[str, Any]:
        return {"every_days": self.every_days, "at_most_days": self.at_most_days}


PERSON_REFERRAL_KEYS = ("id", "referrer", "referred", "to_person", "to_company", "status",
                        "note")


@dataclass(frozen=True)
class PersonDetail:
    """Everything a person's page shows."""

    summary: PersonSummary
    given_name: str | None
    family_name: str | None
    nickname: str | None
    pronouns: str | None
    headline: str | None
    location: str | None
    birthday: str | None  # YYYY-MM-DD, --MM-DD or YYYY
    source: str | None
    has_photo: bool
    created_at: datetime | None
    updated_at: datetime | None
    role: str | None
    contact_points: tuple[ContactPointView, ...]
    dates: tuple[DateView, ...]
    relations: tuple[RelationView, ...]
    positions: tuple[PositionView, ...]  # current first, then the latest start first
    connections: tuple[ConnectionView, ...]  # recorded ones, then derived ones
    reference: ReferenceBrief | None
    referrals: tuple[ReferralView, ...]
    interactions: tuple[InteractionView, ...]  # newest first
    keep_in_touch: KeepInTouchBrief  # the person's own interval (not a tag's)
    # My positions at the companies this person worked at (none on my own page, or with no
    # "me"): the page's timeline shows where our times there overlapped. Not in to_json.
    mine_there: tuple[PositionView, ...] = ()
    # The cards imported into them, and how each was matched (crm.core.upkeep.split).
    sources: tuple[CardSource, ...] = ()

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def name(self) -> str:
        return self.summary.name

    @property
    def is_me(self) -> bool:
        return self.summary.is_me

    @property
    def title(self) -> str | None:
        return self.summary.title

    @property
    def company(self) -> str | None:
        return self.summary.company

    @property
    def known_via(self) -> str | None:
        return self.summary.known_via

    @property
    def tags(self) -> list[str]:
        return self.summary.tags

    @property
    def note(self) -> str | None:
        return self.summary.note

    @property
    def last_contacted(self) -> date | None:
        return self.interactions[0].date if self.interactions else None

    def to_json(self) -> dict[str, Any]:
        data = self.summary.to_json()
        data.update({
            "given_name": self.given_name,
            "family_name": self.family_name,
            "nickname": self.nickname,
            "pronouns": self.pronouns,
            "headline": self.headline,
            "location": self.location,
            "birthday": self.birthday,
            "source": self.source,
            "has_photo": self.has_photo,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "role": self.role,
            "contact_points": [cp.to_json() for cp in self.contact_points],
            "dates": [d.to_json() for d in self.dates],
            "relations": [r.to_json() for r in self.relations],
            "positions": [p.to_json() for p in self.positions],
            "connections": [c.to_json() for c in self.connections],
            "reference": self.reference.to_json() if self.reference else None,
            "referrals": [r.to_json(PERSON_REFERRAL_KEYS) for r in self.referrals],
            "interactions": [i.to_json() for i in self.interactions],
            "last_contacted": _iso(self.last_contacted),
            # Last: the keys before it keep their order (tests/cli/test_json_shapes.py).
            "keep_in_touch": self.keep_in_touch.to_json(),
            # Added after keep_in_touch: the keys before keep their order.
            "imported_cards": [c.to_json() for c in self.sources],
        })
        return data


def _position(p: Position) -> PositionView:
    return PositionView(id=p.id, company=p.company.name, company_id=p.company_id,
                        title=p.title, department=p.department, kind=p.kind, start=p.start,
                        end=p.end, current=p.is_current)


def _reference(ref: Reference | None) -> ReferenceBrief | None:
    if ref is None:
        return None
    return ReferenceBrief(
        status=ref.status, relationship=ref.relationship_text, speaks_to=ref.speaks_to,
        asked_on=ref.asked_on, agreed_on=ref.agreed_on, strength=ref.strength,
        uses=tuple(ReferenceUseBrief(u.used_on, u.application_id, u.company_id, u.notified)
                   for u in ref.uses))


def person_detail(session: Session, person_id: int, *, brief: bool = False) -> PersonDetail:
    """What the person's page shows. ``brief``: what the card beside the people list shows,
    read for every move of its cursor: the person, their contact points, positions,
    reference and interactions; their connections (co-workers are derived from every
    overlapping position: the costly part), referrals, my positions at their companies and
    imported cards are not read (left empty)."""
    person = session.scalars(
        select(Person).where(Person.id == person_id).options(
            *summary_loader(),
            selectinload(Person.interactions),
            selectinload(Person.dates),
            selectinload(Person.relations).selectinload(PersonRelation.other),
            selectinload(Person.reference).selectinload(Reference.uses),
        )
    ).one()
    # Current first, then most recent start first.
    positions = sorted(person.positions, key=lambda p: (p.start or ""), reverse=True)
    positions = sorted(positions, key=lambda p: not p.is_current)
    interactions: list[Interaction] = sorted(person.interactions,
                                             key=lambda i: i.occurred_on, reverse=True)
    detail = PersonDetail(
        summary=summarize(person),
        given_name=person.given_name,
        family_name=person.family_name,
        nickname=person.nickname,
        pronouns=person.pronouns,
        headline=person.headline,
        location=person.location,
        birthday=_birthday(person),
        source=person.source,
        has_photo=person.photo_type is not None,
        created_at=person.created_at,
        updated_at=person.updated_at,
        role=person.role,
        contact_points=tuple(
            ContactPointView(cp.id, cp.kind, cp.label, cp.value, cp.preferred,
                             *((parts_view(cp.address_parts), cp.address_label)
                               if cp.kind == "address" else (None, None)))
            for cp in person.contact_points),
        dates=tuple(DateView(d.id, d.label, _date(d.year, d.month, d.day)) for d in person.dates),
        relations=tuple(RelationView(r.id, r.other.display_name if r.other else r.name, r.name,
                                     r.label, r.uid, r.other_id) for r in person.relations),
        positions=tuple(_position(p) for p in positions),
        connections=(),
        reference=_reference(person.reference),
        referrals=(),
        interactions=tuple(InteractionView(i.id, i.occurred_on, i.kind, i.summary)
                           for i in interactions),
        keep_in_touch=KeepInTouchBrief(person.keep_every_days, person.keep_at_most_days),
    )
    if brief:
        return detail
    referrals = session.scalars(
        select(Referral).where(or_(Referral.referrer_id == person.id,
                                   Referral.referred_id == person.id,
                                   Referral.to_person_id == person.id))
        .options(*REFERRAL_LOADER).order_by(Referral.id)
    )
    mine_there: tuple[PositionView, ...] = ()
    me = me_id(session)
    companies = {p.company_id for p in person.positions}
    if me is not None and me != person.id and companies:
        mine_there = tuple(_position(p) for p in session.scalars(
            select(Position).where(Position.person_id == me,
                                   Position.company_id.in_(companies))
            .options(selectinload(Position.company)).order_by(Position.id)))
    return replace(
        detail,
        connections=(*explicit_connections(session, person.id),
                     *derived_connections(session, person.id)),
        referrals=tuple(referral_view(r) for r in referrals),
        mine_there=mine_there,
        sources=card_sources(session, person.id, person.display_name),
    )
