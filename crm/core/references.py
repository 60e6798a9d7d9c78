"""References: who vouches for me, where I gave them, and whom to list for an application.

The reference list *document* is built here as plain data (``ReferenceList``); turning it into
md, txt, csv, json, pdf or html is ``crm.export``'s job, which sits above core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.core.applications import target_label
from crm.core.editing import get_person
from crm.core.errors import CrmError, InvalidInput, NotFound
from crm.core.models import (
    REFERENCE_STATUSES,
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
from crm.core.people import current_position, get_me, summarize

# Connection kinds that mean "we worked (or studied) together closely": a reference who
# supervised or taught me carries more weight than a friend.
SUPERVISOR_KINDS = ("manager", "professor", "mentor")
WORKED_WITH_KINDS = ("co-worker", "fellow-intern", "report", "mentee", "classmate")
RECENT_USE_DAYS = 180
STATUS_ORDER = {"agreed": 0, "asked": 1, "not-asked": 2, "declined": 3}


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


def _reference_loader() -> list[Any]:
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
    refs = session.scalars(select(Reference).options(*_reference_loader()))
    views = [_view(r) for r in refs]
    return sorted(views, key=lambda v: (STATUS_ORDER.get(v.status, 9), fold(v.name), v.id))


def reference_of(session: Session, person: Person) -> Reference:
    ref = session.scalar(select(Reference).where(Reference.person_id == person.id))
    if ref is None:
        raise NotFound(f"{person.display_name} is not a reference (add them with "
                       f"crm refs add {person.display_name!r})")
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


def _target_company(target: Company | Application) -> Company:
    return target.company if isinstance(target, Application) else target


def _use_target(u: ReferenceUse) -> tuple[str, int | None]:
    """What a use was for: an application, else a company; one use per reference each."""
    return ("app", u.application_id) if u.application_id is not None else (
        "company", u.company_id)


def _this_target(target: Company | Application) -> tuple[str, int | None]:
    return ("app", target.id) if isinstance(target, Application) else ("company", target.id)


ASK_FIRST_LIMIT = 5
STATUS_ORDER["ask-first"] = 4


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
    company = _target_company(target)
    industry = fold(company.industry or "").strip()
    refs = list(session.scalars(
        select(Reference).where(Reference.status != "declined").options(*_reference_loader())))
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
    this = _this_target(target)

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
        jobs = {_use_target(u) for u in ref.uses if u.used_on >= recent_since} - {this}
        if jobs:
            score -= 8 * len(jobs)
            reasons.append(f"used for {len(jobs)} other job{'s' if len(jobs) != 1 else ''} "
                           f"in the last 6 months")
        if any(_use_target(u) == this for u in ref.uses):
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
    out.sort(key=lambda c: (STATUS_ORDER.get(c.status, 9), -c.score, fold(c.name)))
    return out + asks[:ASK_FIRST_LIMIT]


# -- the reference list document ------------------------------------------------------------


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
    notified: bool = False  # told already (the list was given for this job before)

    def to_json(self) -> dict[str, Any]:
        return {"use_id": self.use_id, "person_id": self.person_id, "name": self.name,
                "contact": self.contact, "notified": self.notified}


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
                                  .options(*_reference_loader())).first()
            if ref is None:
                raise NotFound(f"{person.display_name} is not a reference (add them with "
                               f"crm refs add)")
            if ref.status == "declined":
                raise CrmError(f"{person.display_name} declined to be a reference")
            if ref not in chosen:
                chosen.append(ref)
        return chosen
    stmt = select(Reference).options(*_reference_loader())
    stmt = stmt.where(Reference.status != "declined") if include_all else stmt.where(
        Reference.status == "agreed")
    refs = list(session.scalars(stmt))
    if not refs:
        raise CrmError("no references have agreed yet (record consent with crm refs add "
                       "PERSON --status agreed, or choose people with --include)"
                       if not include_all else "no references yet (crm refs add PERSON)")
    # Strongest first, the way a reader expects the list ordered.
    return sorted(refs, key=lambda r: (STATUS_ORDER.get(r.status, 9), -r.strength,
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
        raise CrmError("nobody is marked as you, so the list has no header: mark yourself with "
                       "crm add person 'Your Name' --me --email ... --phone ...")
    refs = choose_references(session, include=include, include_all=include_all)
    if not include:
        # The best references for this job first; names given with --include keep their order.
        rank = {c.person_id: i for i, c in enumerate(reference_candidates(session, target,
                                                                          today))}
        refs.sort(key=lambda r: rank.get(r.person_id, len(rank)))
    company = _target_company(target)
    data = ReferenceList(
        name=me.display_name, contact_line=_me_contact_line(me), headline=me.headline,
        target=target_label(target), company=company.name,
        role=target.role if isinstance(target, Application) else None, prepared_on=today,
        entries=[_entry(r) for r in refs],
    )
    return data, refs


def record_uses(session: Session, refs: Sequence[Reference], target: Company | Application,
                *, today: date | None = None) -> list[NotifyItem]:
    """Log that ``refs`` were given for ``target``; returns whom to notify.

    A use is once per reference per application (or per company, for a list made for a
    company): exporting the same list again records nothing new, and the checklist says
    who was told already.
    """
    today = today or date.today()
    company = _target_company(target)
    application = target if isinstance(target, Application) else None
    this = _this_target(target)
    uses, new = [], []
    for ref in refs:
        use = next((u for u in ref.uses if _use_target(u) == this), None) if ref.uses else None
        if use is None:
            use = ReferenceUse(reference_id=ref.id, application_id=application.id
                               if application else None, company_id=company.id, used_on=today,
                               notified=False)
            session.add(use)
            new.append(use)
        uses.append((ref, use))
    session.flush()
    from crm.core.agenda.proposals import propose

    for ref, use in uses:
        if use in new:
            # The notify checklist becomes to-dos (done when they are marked as told).
            propose(session, "notify-reference", f"use:{use.id}",
                    f"Tell {ref.person.display_name} you gave their name for "
                    f"{target_label(target)}", due_on=today, person_id=ref.person_id,
                    application_id=application.id if application else None,
                    reference_use_id=use.id)
    items = []
    for ref, use in uses:
        s = summarize(ref.person)
        contact = ref.preferred_contact or (s.emails[0] if s.emails else None) or (
            s.phones[0] if s.phones else None)
        items.append(NotifyItem(use_id=use.id, person_id=ref.person_id,
                                name=ref.person.display_name, contact=contact,
                                notified=use.notified))
    return items
