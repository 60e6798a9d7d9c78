"""One person whole, as ``crm show`` and the person screen present it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from crm.core.contacts.people import summarize, summary_loader
from crm.core.models import Interaction, Person, Reference, Referral
from crm.core.network import derived_connections, explicit_connections


def _birthday(person: Person) -> str | None:
    if person.birthday_month is None or person.birthday_day is None:
        return str(person.birthday_year) if person.birthday_year else None
    md = f"{person.birthday_month:02d}-{person.birthday_day:02d}"
    return f"{person.birthday_year:04d}-{md}" if person.birthday_year else f"--{md}"


def person_detail(session: Session, person_id: int) -> dict[str, Any]:
    person = session.scalars(
        select(Person).where(Person.id == person_id).options(
            *summary_loader(),
            selectinload(Person.interactions),
            selectinload(Person.reference).selectinload(Reference.uses),
        )
    ).one()
    data = summarize(person).to_json()
    data.update({
        "given_name": person.given_name,
        "family_name": person.family_name,
        "nickname": person.nickname,
        "pronouns": person.pronouns,
        "headline": person.headline,
        "location": person.location,
        "birthday": _birthday(person),
        "source": person.source,
        "has_photo": person.photo_type is not None,
        "created_at": person.created_at.isoformat() if person.created_at else None,
        "updated_at": person.updated_at.isoformat() if person.updated_at else None,
        "contact_points": [
            {"id": cp.id, "kind": cp.kind, "label": cp.label, "value": cp.value,
             "preferred": cp.preferred}
            for cp in person.contact_points
        ],
    })
    # Current first, then most recent start first.
    positions = sorted(person.positions, key=lambda p: (p.start or ""), reverse=True)
    positions = sorted(positions, key=lambda p: not p.is_current)
    data["positions"] = [
        {"id": p.id, "company": p.company.name, "company_id": p.company_id, "title": p.title,
         "department": p.department, "kind": p.kind, "start": p.start, "end": p.end,
         "current": p.is_current}
        for p in positions
    ]
    explicit = explicit_connections(session, person.id)
    derived = derived_connections(session, person.id)
    data["connections"] = [c.to_json() for c in explicit] + [c.to_json() for c in derived]
    ref = person.reference
    data["reference"] = None if ref is None else {
        "status": ref.status,
        "relationship": ref.relationship_text,
        "speaks_to": ref.speaks_to,
        "asked_on": ref.asked_on.isoformat() if ref.asked_on else None,
        "agreed_on": ref.agreed_on.isoformat() if ref.agreed_on else None,
        "strength": ref.strength,
        "uses": [
            {"used_on": u.used_on.isoformat(), "application_id": u.application_id,
             "company_id": u.company_id, "notified": u.notified}
            for u in ref.uses
        ],
    }
    referrals = session.scalars(
        select(Referral).where(or_(Referral.referrer_id == person.id,
                                   Referral.referred_id == person.id,
                                   Referral.to_person_id == person.id))
        .options(selectinload(Referral.referrer), selectinload(Referral.referred),
                 selectinload(Referral.to_person), selectinload(Referral.to_company))
        .order_by(Referral.id)
    )
    data["referrals"] = [
        {"id": r.id, "referrer": r.referrer.display_name,
         "referred": r.referred.display_name if r.referred else "me",
         "to_person": r.to_person.display_name if r.to_person else None,
         "to_company": r.to_company.name if r.to_company else None,
         "status": r.status, "note": r.note}
        for r in referrals
    ]
    interactions: list[Interaction] = sorted(person.interactions,
                                             key=lambda i: i.occurred_on, reverse=True)
    data["interactions"] = [
        {"id": i.id, "date": i.occurred_on.isoformat(), "kind": i.kind, "summary": i.summary}
        for i in interactions
    ]
    data["last_contacted"] = interactions[0].occurred_on.isoformat() if interactions else None
    return data
