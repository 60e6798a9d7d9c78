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
    Person,
    Position,
    Reference,
    ReferenceUse,
)
from crm.core.network import (
    DERIVED_STRENGTH,
    UNLINKED_STRENGTH,
    derived_connections,
    explicit_connections,
    last_contacted,
)
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
    if changed:
        from crm.core.agenda.proposals import settle

        settle(session, use_ids=[u.id for u in changed], today=today)
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


def use_target(u: ReferenceUse) -> tuple[str, int | None]:
    """What a use was for: an application, else a company; one use per reference each."""
    return ("app", u.application_id) if u.application_id is not None else (
        "company", u.company_id)


def this_target(target: Company | Application) -> tuple[str, int | None]:
    return ("app", target.id) if isinstance(target, Application) else ("company", target.id)


ASK_FIRST_LIMIT = 5
# "ask first" people (not references yet) come after every reference.
CANDIDATE_RANK = {**REFERENCE_STATUS_RANK, "ask-first": len(REFERENCE_STATUS_RANK)}


def reference_candidates(session: Session, target: Company | Application,
                         today: date | None = None) -> list[Candidate]:
    """References worth listing for ``target``, best first, each with its reasons.

    Agreed references always come first, then those asked, then those not asked yet;
    declined ones are left out. Within a status the score adds up: strength (x10), having
    supervised or worked with me, knowing the company (now or before) or its industry, a
    recent contact, and a penalty for each job (application, or company) they were given
    for in the last six months, this one aside: listing them again for the same job is no
    new use. Last come a few people who are not references yet but should be asked
    (status ``ask-first``): they worked with me or are (were) at the company.
    """
    today = today or date.today()
    company = target_company(target)
    industry = fold(company.industry or "").strip()
    refs = list(session.scalars(
        select(Reference).where(Reference.status != "declined").options(*reference_loader())))
    ids = {r.person_id for r in refs}
    me = get_me(session)
    explicit: dict[int, list[str]] = {}
    strength_of: dict[int, int] = {}
    derived: dict[int, str] = {}
    if me is not None:
        for c in explicit_connections(session, me.id):
            explicit.setdefault(c.person_id, []).append(c.kind)
            strength_of[c.person_id] = max(strength_of.get(c.person_id, 0), c.strength)
        for d in derived_connections(session, me.id, today):
            derived.setdefault(d.person_id, f"{d.kind} at {d.company}")
    # Not references yet, worth asking: worked with me, or I know them and they are (were)
    # at the company.
    all_refs = set(session.scalars(select(Reference.person_id)))
    at_company: dict[int, bool] = {}
    for pid, current in session.execute(select(Position.person_id, Position.is_current)
                                        .where(Position.company_id == company.id)):
        at_company[pid] = at_company.get(pid, False) or bool(current)
    via = {pid for pid, in session.execute(
        select(Person.id).where(Person.id.in_(list(at_company)),
                                Person.known_via_id.is_not(None)))} if at_company else set()
    ask_pool = ({pid for pid, kinds in explicit.items()
                 if any(k in SUPERVISOR_KINDS or k in WORKED_WITH_KINDS for k in kinds)}
                | set(derived) | {pid for pid in at_company if pid not in via or pid in explicit})
    ask_pool -= all_refs
    ask_pool.discard(me.id if me is not None else -1)
    last_contact = last_contacted(session, ids | ask_pool)
    recent_since = today - timedelta(days=RECENT_USE_DAYS)
    this = this_target(target)

    def relevance(person: Person, tie_strength: int, reasons: list[str]) -> int:
        score = tie_strength * 10
        kinds = explicit.get(person.id, [])
        boss = [k for k in kinds if k in SUPERVISOR_KINDS]
        peer = [k for k in kinds if k in WORKED_WITH_KINDS]
        if boss:
            score += 20
            reasons.append(f"your {boss[0]}")
        elif peer or person.id in derived:
            score += 12
            reasons.append(f"worked with you ({peer[0] if peer else derived[person.id]})")
        here = [p for p in person.positions if p.company_id == company.id]
        if any(p.is_current for p in here):
            score += 15
            reasons.append(f"works at {company.name} now")
        elif here:
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
        return score

    out = []
    for ref in refs:
        person = ref.person
        reasons = [ref.status if ref.status != "not-asked" else "not asked yet",
                   f"strength {ref.strength}"]
        score = relevance(person, ref.strength, reasons)
        jobs = {use_target(u) for u in ref.uses if u.used_on >= recent_since} - {this}
        if jobs:
            score -= 8 * len(jobs)
            reasons.append(f"used for {len(jobs)} other job{'s' if len(jobs) != 1 else ''} "
                           f"in the last 6 months")
        if any(use_target(u) == this for u in ref.uses):
            reasons.append("already given for this "
                           + ("application" if isinstance(target, Application) else "company"))
        pos = current_position(person)
        out.append(Candidate(
            person_id=person.id, name=person.display_name, status=ref.status,
            strength=ref.strength, score=score, reasons=reasons,
            title=pos.title if pos else None, company=pos.company.name if pos else None,
            last_contacted=last_contact.get(person.id), recent_uses=len(jobs)))
    asks = []
    if ask_pool:
        people = session.scalars(select(Person).where(Person.id.in_(list(ask_pool))).options(
            selectinload(Person.positions).selectinload(Position.company)))
        for person in people:
            tie = strength_of.get(person.id) or (DERIVED_STRENGTH if person.id in derived
                                                 else UNLINKED_STRENGTH)
            reasons = ["ask first: not a reference yet", f"tie strength {tie}"]
            score = relevance(person, tie, reasons)
            pos = current_position(person)
            asks.append(Candidate(
                person_id=person.id, name=person.display_name, status="ask-first",
                strength=tie, score=score, reasons=reasons,
                title=pos.title if pos else None, company=pos.company.name if pos else None,
                last_contacted=last_contact.get(person.id), recent_uses=0))
    asks.sort(key=lambda c: (-c.score, fold(c.name), c.person_id))
    out.sort(key=lambda c: (CANDIDATE_RANK.get(c.status, 9), -c.score, fold(c.name)))
    return out + asks[:ASK_FIRST_LIMIT]
