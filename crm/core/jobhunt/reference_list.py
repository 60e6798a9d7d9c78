"""The reference list document as plain data (``ReferenceList``), and the uses it records.

Turning it into md, txt, csv, json, pdf or html is ``crm.export``'s job, which sits above
core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.contacts.people import get_me, summarize
from crm.core.errors import CrmError, NoMe, NoReferencesToList, NotAReference
from crm.core.jobhunt.applications import target_label
from crm.core.jobhunt.references import reference_candidates, reference_loader, target_company
from crm.core.models import Application, Company, Person, Reference, ReferenceUse
from crm.core.normalize import fold
from crm.core.vocabulary import REFERENCE_STATUS_RANK


@dataclass(frozen=True)
class ReferenceEntry:
    """One reference as the document shows them."""

    person_id: int
    name: str
    title: str | None
    company: str | None
    relationship: str | None
    since: str | None
    speaks_to: str | None
    phone: str | None
    email: str | None
    preferred_contact: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "company": self.company,
            "relationship": self.relationship,
            "since": self.since,
            "speaks_to": self.speaks_to,
            "phone": self.phone,
            "email": self.email,
            "preferred_contact": self.preferred_contact,
        }


@dataclass(frozen=True)
class ReferenceList:
    """Everything a reference list document shows; ``crm.export`` renders it."""

    name: str  # mine
    contact_line: str  # "email · phone · location"
    target: str  # "Software Engineer II at Stripe, Inc." or "Stripe, Inc."
    company: str
    role: str | None
    prepared_on: date
    entries: list[ReferenceEntry]
    headline: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "contact": self.contact_line,
            "headline": self.headline,
            "for": self.target,
            "company": self.company,
            "role": self.role,
            "prepared_on": self.prepared_on.isoformat(),
            "references": [e.to_json() for e in self.entries],
        }


@dataclass(frozen=True)
class NotifyItem:
    """One line of the checklist printed after an export: tell this person."""

    use_id: int
    person_id: int
    name: str
    contact: str | None

    def to_json(self) -> dict[str, Any]:
        return {"use_id": self.use_id, "person_id": self.person_id, "name": self.name,
                "contact": self.contact}


def _me_contact_line(me: Person) -> str:
    s = summarize(me)
    parts = [*s.emails[:1], *s.phones[:1], *(s.urls[:1]), *([me.location] if me.location else [])]
    return " · ".join(parts)


def choose_references(session: Session, *, include: Sequence[Person] | None = None,
                      include_all: bool = False) -> list[Reference]:
    """The references a document lists: agreed ones, or those named, or all but declined."""
    if include:
        chosen = []
        for person in include:
            ref = session.scalars(select(Reference).where(Reference.person_id == person.id)
                                  .options(*reference_loader())).first()
            if ref is None:
                raise NotAReference(person.id, person.display_name)
            if ref.status == "declined":
                raise CrmError(f"{person.display_name} declined to be a reference")
            if ref not in chosen:
                chosen.append(ref)
        return chosen
    stmt = select(Reference).options(*reference_loader())
    stmt = stmt.where(Reference.status != "declined") if include_all else stmt.where(
        Reference.status == "agreed")
    refs = list(session.scalars(stmt))
    if not refs:
        raise NoReferencesToList(include_all)
    # Strongest first, the way a reader expects the list ordered.
    return sorted(refs, key=lambda r: (REFERENCE_STATUS_RANK.get(r.status, 9), -r.strength,
                                       fold(r.person.display_name)))


def _entry(ref: Reference) -> ReferenceEntry:
    s = summarize(ref.person)
    return ReferenceEntry(
        person_id=ref.person_id, name=ref.person.display_name, title=s.title, company=s.company,
        relationship=ref.relationship_text, since=ref.since, speaks_to=ref.speaks_to,
        phone=s.phones[0] if s.phones else None, email=s.emails[0] if s.emails else None,
        preferred_contact=ref.preferred_contact,
    )


def build_reference_list(
    session: Session,
    target: Company | Application,
    *,
    include: Sequence[Person] | None = None,
    include_all: bool = False,
    today: date | None = None,
) -> tuple[ReferenceList, list[Reference]]:
    """The document's data for ``target`` and the references it lists (nothing recorded)."""
    today = today or date.today()
    me = get_me(session)
    if me is None:
        raise NoMe("reference-list")
    refs = choose_references(session, include=include, include_all=include_all)
    if not include:
        # The best references for this job first; names given with --include keep their order.
        rank = {c.person_id: i for i, c in enumerate(reference_candidates(session, target,
                                                                          today))}
        refs.sort(key=lambda r: rank.get(r.person_id, len(rank)))
    company = target_company(target)
    data = ReferenceList(
        name=me.display_name, contact_line=_me_contact_line(me), headline=me.headline,
        target=target_label(target), company=company.name,
        role=target.role if isinstance(target, Application) else None, prepared_on=today,
        entries=[_entry(r) for r in refs],
    )
    return data, refs


def record_uses(session: Session, refs: Sequence[Reference], target: Company | Application,
                *, today: date | None = None) -> list[NotifyItem]:
    """Log that ``refs`` were given for ``target``; returns whom to notify."""
    today = today or date.today()
    company = target_company(target)
    application = target if isinstance(target, Application) else None
    uses = []
    for ref in refs:
        use = ReferenceUse(reference_id=ref.id, application_id=application.id if application
                           else None, company_id=company.id, used_on=today, notified=False)
        session.add(use)
        uses.append((ref, use))
    session.flush()
    items = []
    for ref, use in uses:
        s = summarize(ref.person)
        contact = ref.preferred_contact or (s.emails[0] if s.emails else None) or (
            s.phones[0] if s.phones else None)
        items.append(NotifyItem(use_id=use.id, person_id=ref.person_id,
                                name=ref.person.display_name, contact=contact))
    return items
