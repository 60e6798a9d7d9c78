"""References: who vouches for me, where I gave them, and whom to list for an application.

The reference list *document* is built from these in ``crm.core.jobhunt.reference_list``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.core.contacts.people import current_position, get_me
from crm.core.errors import (
    InvalidInput,
    NotAReference,
    NotFound,
)
from crm.core.jobhunt.applications import target_label
from crm.core.models import (
    Application,
    Company,
    Interaction,
    Person,
    Position,
    Reference,
    ReferenceUse,
)
from crm.core.network import derived_connections, explicit_connections
from crm.core.normalize import fold, parse_partial_date
from crm.core.upkeep.editing import get_person
from crm.core.vocabulary import (
    REFERENCE_STATUS_RANK,
    REFERENCE_STATUSES,
    SUPERVISOR_KINDS,
    WORKED_WITH_KINDS,
)

RECENT_USE_DAYS = 180


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# -- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceUseView:
    id: int
    used_on: date
    application_id: int | None
    application: str | None  # the role
    company_id: int | None
    company: str | None
    notified: bool
    notified_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "used_on": self.used_on.isoformat(),
            "application_id": self.application_id,
            "application": self.application,
            "company_id": self.company_id,
            "company": self.company,
            "notified": self.notified,
            "notified_on": _iso(self.notified_on),
        }


@dataclass(frozen=True)
class ReferenceView:
    id: int
    person_id: int
    name: str
    status: str
    relationship: str | None
    speaks_to: str | None
    since: str | None
    asked_on: date | None
    agreed_on: date | None
    declined_on: date | None
    preferred_contact: str | None
    strength: int
    title: str | None
    company: str | None
    uses: list[ReferenceUseView] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "person_id": self.person_id,
            "name": self.name,
            "status": self.status,
            "relationship": self.relationship,
            "speaks_to": self.speaks_to,
            "since": self.since,
            "asked_on": _iso(self.asked_on),
            "agreed_on": _iso(self.agreed_on),
            "declined_on": _iso(self.declined_on),
            "preferred_contact": self.preferred_contact,
            "strength": self.strength,
            "title": self.title,
            "company": self.company,
            "uses": [u.to_json() for u in self.uses],
        }


def _use_view(u: ReferenceUse) -> ReferenceUseView:
    company = u.company or (u.application.company if u.application else None)
    return ReferenceUseView(
        id=u.id, used_on=u.used_on, application_id=u.application_id,
        application=u.application.role if u.application else None,
        company_id=company.id if company else None, company=company.name if company else None,
        notified=u.notified, notified_on=u.notified_on,
    )


def _view(ref: Reference) -> ReferenceView:
    pos = current_position(ref.person)
    return ReferenceView(
        id=ref.id, person_id=ref.person_id, name=ref.person.display_name, status=ref.status,
        relationship=ref.relationship_text, speaks_to=ref.speaks_to, since=ref.since,
        asked_on=ref.asked_on, agreed_on=ref.agreed_on, declined_on=ref.declined_on,
        preferred_contact=ref.preferred_contact, strength=ref.strength,
        title=pos.title if pos else None, company=pos.company.name if pos else None,
        uses=[_use_view(u) for u in ref.uses],
    )


def reference_loader() -> list[Any]:
    return [
        selectinload(Reference.person).selectinload(Person.positions)
        .selectinload(Position.company),
        selectinload(Reference.person).selectinload(Person.contact_points),
        selectinload(Reference.uses).selectinload(ReferenceUse.application)
        .selectinload(Application.company),
        selectinload(Reference.uses).selectinload(ReferenceUse.company),
    ]


# -- making and listing references ----------------------------------------------------------


def set_reference(
    session: Session,
    person: Person,
    *,
    status: str | None = None,
    relationship: str | None = None,
    speaks_to: str | None = None,
    since: str | None = None,
    preferred_contact: str | None = None,
    strength: int | None = None,
    today: date | None = None,
) -> Reference:
    """Make ``person`` a reference, or update one; a status change records its date."""
    today = today or date.today()
    if status is not None and status not in REFERENCE_STATUSES:
        raise InvalidInput(f"bad reference status {status!r}: use one of "
                           f"{', '.join(REFERENCE_STATUSES)}")
    if strength is not None and not 1 <= strength <= 5:
        raise InvalidInput(f"bad strength {strength}: use 1-5")
    if person.is_me:
        raise InvalidInput("you cannot be your own reference")
    ref = session.scalar(select(Reference).where(Reference.person_id == person.id))
    if ref is None:
        ref = Reference(person_id=person.id, status="not-asked", strength=3)
        session.add(ref)
    if status is not None and status != ref.status:
        ref.status = status
        # Agreeing or declining implies having been asked, even if that was never recorded.
        if status in ("asked", "agreed", "declined") and ref.asked_on is None:
            ref.asked_on = today
        if status == "asked":
            ref.asked_on = today
        elif status == "agreed":
            ref.agreed_on, ref.declined_on = today, None
        elif status == "declined":
            ref.declined_on, ref.agreed_on = today, None
    if relationship is not None:
        ref.relationship_text = relationship.strip() or None
    if speaks_to is not None:
        ref.speaks_to = speaks_to.strip() or None
    if since is not None:
        ref.since = parse_partial_date(since) if since.strip() else None
    if preferred_contact is not None:
        ref.preferred_contact = preferred_contact.strip() or None
    if strength is not None:
        ref.strength = strength
    session.flush()
    return ref


def save_reference(session: Session, person_id: int, *, status: str, relationship: str = "",
                   speaks_to: str = "") -> ReferenceView:
    """Make the person with ``person_id`` a reference, or change one's status, relationship
    and what they can speak to (each as given: empty clears it), as the reference form does."""
    ref = set_reference(session, get_person(session, person_id), status=status,
                        relationship=relationship, speaks_to=speaks_to)
    return _view(ref)


def list_references(session: Session) -> list[ReferenceView]:
    """Every reference: agreed first, then asked, not asked, declined; by name within."""
    refs = session.scalars(select(Reference).options(*reference_loader()))
    views = [_view(r) for r in refs]
    return sorted(views, key=lambda v: (REFERENCE_STATUS_RANK.get(v.status, 9), fold(v.name), v.id))


def reference_of(session: Session, person: Person) -> Reference:
    ref = session.scalar(select(Reference).where(Reference.person_id == person.id))
    if ref is None:
        raise NotAReference(person.id, person.display_name)
    return ref


def mark_notified(
    session: Session,
    target: int | Person,
    about: Application | Company | None = None,
    *,
    today: date | None = None,
) -> list[ReferenceUseView]:
    """Mark uses as notified: one use by id, or a person's (for one application/company).

    Returns the uses that changed; marking what is already marked changes nothing.
    """
    today = today or date.today()
    stmt = select(ReferenceUse).options(selectinload(ReferenceUse.application)
                                        .selectinload(Application.company),
                                        selectinload(ReferenceUse.company))
    if isinstance(target, int):
        uses = list(session.scalars(stmt.where(ReferenceUse.id == target)))
        if not uses:
            raise NotFound(f"no reference use with id {target}")
    else:
        ref = reference_of(session, target)
        stmt = stmt.where(ReferenceUse.reference_id == ref.id)
        if isinstance(about, Application):
            stmt = stmt.where(ReferenceUse.application_id == about.id)
        elif isinstance(about, Company):
            stmt = stmt.where(ReferenceUse.company_id == about.id)
        uses = list(session.scalars(stmt.order_by(ReferenceUse.used_on, ReferenceUse.id)))
        if not uses:
            where = f" for {target_label(about)}" if about is not None else ""
            raise NotFound(f"{target.display_name} was never given as a reference{where}")
    changed = []
    for u in uses:
        if not u.notified:
            u.notified, u.notified_on = True, today
            changed.append(u)
    session.flush()
    return [_use_view(u) for u in changed]


# -- candidates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A reference ranked for one application or company, with the reasons for its rank."""

    person_id: int
    name: str
    status: str
    strength: int
    score: int
    reasons: list[str]
    title: str | None
    company: str | None
    last_contacted: date | None
    recent_uses: int

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "status": self.status,
            "strength": self.strength,
            "score": self.score,
            "reasons": self.reasons,
            "title": self.title,
            "company": self.company,
            "last_contacted": _iso(self.last_contacted),
            "recent_uses": self.recent_uses,
        }


def _ago(days: int) -> str:
    if days < 1:
        return "today"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def target_company(target: Company | Application) -> Company:
    return target.company if isinstance(target, Application) else target


def reference_candidates(session: Session, target: Company | Application,
                         today: date | None = None) -> list[Candidate]:
    """References worth listing for ``target``, best first, each with its reasons.

    Agreed references always come first, then those asked, then those not asked yet;
    declined ones are left out. Within a status the score adds up: strength (x10), having
    supervised or worked with me, knowing the company (now or before) or its industry, a
    recent contact, and a penalty for each use in the last six months.
    """
    today = today or date.today()
    company = target_company(target)
    industry = fold(company.industry or "").strip()
    refs = list(session.scalars(
        select(Reference).where(Reference.status != "declined").options(*reference_loader())))
    if not refs:
        return []
    ids = {r.person_id for r in refs}
    me = get_me(session)
    explicit: dict[int, list[str]] = {}
    derived: dict[int, str] = {}
    if me is not None:
        for c in explicit_connections(session, me.id):
            if c.person_id in ids:
                explicit.setdefault(c.person_id, []).append(c.kind)
        for d in derived_connections(session, me.id, today):
            if d.person_id in ids:
                derived[d.person_id] = f"{d.kind} at {d.company}"
    last_contact = dict(session.execute(
        select(Interaction.person_id, Interaction.occurred_on)
        .where(Interaction.person_id.in_(ids))
        .order_by(Interaction.occurred_on)).all())
    recent_since = today - timedelta(days=RECENT_USE_DAYS)

    out = []
    for ref in refs:
        person = ref.person
        reasons = [ref.status if ref.status != "not-asked" else "not asked yet",
                   f"strength {ref.strength}"]
        score = ref.strength * 10
        kinds = explicit.get(person.id, [])
        boss = [k for k in kinds if k in SUPERVISOR_KINDS]
        peer = [k for k in kinds if k in WORKED_WITH_KINDS]
        if boss:
            score += 20
            reasons.append(f"your {boss[0]}")
        elif peer or person.id in derived:
            score += 12
            reasons.append(f"worked with you ({peer[0] if peer else derived[person.id]})")
        at_company = [p for p in person.positions if p.company_id == company.id]
        if any(p.is_current for p in at_company):
            score += 15
            reasons.append(f"works at {company.name} now")
        elif at_company:
            score += 10
            reasons.append(f"worked at {company.name}")
        elif industry and any(fold(p.company.industry or "").strip() == industry
                              for p in person.positions):
            score += 5
            reasons.append(f"knows the industry ({company.industry})")
        last = last_contact.get(person.id)
        if last is not None:
            days = (today - last).days
            if days <= 90:
                score += 10
            elif days <= 365:
                score += 5
            reasons.append(f"last contact {_ago(days)}")
        else:
            reasons.append("no contact recorded")
        recent = [u for u in ref.uses if u.used_on >= recent_since]
        if recent:
            score -= 8 * len(recent)
            reasons.append(f"used {len(recent)} time{'s' if len(recent) != 1 else ''} "
                           f"in the last 6 months")
        if isinstance(target, Application) and any(u.application_id == target.id
                                                   for u in ref.uses):
            reasons.append("already given for this application")
        pos = current_position(person)
        out.append(Candidate(
            person_id=person.id, name=person.display_name, status=ref.status,
            strength=ref.strength, score=score, reasons=reasons,
            title=pos.title if pos else None, company=pos.company.name if pos else None,
            last_contacted=last, recent_uses=len(recent)))
    return sorted(out, key=lambda c: (REFERENCE_STATUS_RANK.get(c.status, 9), -c.score,
                                      fold(c.name)))
