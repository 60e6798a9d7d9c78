"""Correcting and removing every kind of record: positions, connections, interactions,
applications, referrals, references, contact points and companies.

Each ``update_*`` validates all of its input before changing anything, so a refused edit
leaves the record as it was (callers run it inside one ``db.write()``); a field left out
(``None``) is not touched, an empty text clears it. Each ``delete_*`` returns a short
description of what went, for the face to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
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
    ReferenceUse,
    Referral,
)
from crm.core.normalize import parse_partial_date
from crm.core.vocabulary import CONNECTION_KINDS, CONTACT_KINDS, INTERACTION_KINDS, POSITION_KINDS


def _get(session: Session, model: Any, record_id: int, what: str) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"no {what} with id {record_id}")
    return record


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _refresh(session: Session, person_id: int) -> None:
    from crm.core.contacts.people import refresh_search_text, summary_loader

    session.flush()
    person = session.scalars(select(Person).where(Person.id == person_id)
                             .options(*summary_loader())).one()
    refresh_search_text(person)
    session.flush()


def _day(value: str | None, what: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"bad {what} {value!r}: use YYYY-MM-DD") from None


# -- positions -----------------------------------------------------------------------------


def update_position(session: Session, position_id: int, *, title: str | None = None,
                    department: str | None = None, kind: str | None = None,
                    start: str | None = None, end: str | None = None,
                    current: bool | None = None, company: Company | None = None,
                    note: str | None = None) -> Position:
    """Correct a position; an end date makes it past unless ``current`` says otherwise,
    clearing the end (``end=""``) makes it current again."""
    pos: Position = _get(session, Position, position_id, "position")
    if kind is not None and kind.strip() and kind.strip() not in POSITION_KINDS:
        raise InvalidInput(f"bad position kind {kind!r}: use one of {', '.join(POSITION_KINDS)}")
    new_start = pos.start if start is None else (parse_partial_date(start) if start.strip()
                                                 else None)
    new_end = pos.end if end is None else (parse_partial_date(end) if end.strip() else None)
    if new_start and new_end and new_end < new_start[: len(new_end)]:
        raise InvalidInput(f"position ends ({new_end}) before it starts ({new_start})")
    if title is not None:
        pos.title = _text(title)
    if department is not None:
        pos.department = _text(department)
    if kind is not None:
        pos.kind = _text(kind)
    pos.start, pos.end = new_start, new_end
    if current is not None:
        pos.is_current = current
    elif end is not None:
        pos.is_current = new_end is None
    if company is not None:
        pos.company_id = company.id
    if note is not None:
        pos.note = note if note.strip() else None
    _refresh(session, pos.person_id)
    return pos


def end_position(session: Session, position_id: int, on: str | None = None,
                 today: date | None = None) -> Position:
    """The position is over: on ``on`` (YYYY, YYYY-MM or YYYY-MM-DD), else today."""
    pos: Position = _get(session, Position, position_id, "position")
    when = on if on else (today or date.today()).isoformat()
    return update_position(session, pos.id, end=when, current=False)


def delete_position(session: Session, position_id: int) -> str:
    pos: Position = _get(session, Position, position_id, "position")
    person_id = pos.person_id
    what = f"{pos.title or 'position'} at {pos.company.name}"
    session.execute(update(Connection).where(Connection.context_position_id == pos.id)
                    .values(context_position_id=None))
    session.delete(pos)
    _refresh(session, person_id)
    return what


# -- connections ---------------------------------------------------------------------------


def update_connection(session: Session, connection_id: int, *, kind: str | None = None,
                      strength: int | None = None, note: str | None = None,
                      since: str | None = None, how_met: str | None = None) -> Connection:
    conn: Connection = _get(session, Connection, connection_id, "connection")
    if kind is not None:
        if kind not in CONNECTION_KINDS:
            raise InvalidInput(f"bad connection kind {kind!r}: use one of "
                               f"{', '.join(CONNECTION_KINDS)}")
        clash = session.scalar(select(Connection.id).where(
            Connection.person_id == conn.person_id, Connection.other_id == conn.other_id,
            Connection.kind == kind, Connection.id != conn.id))
        if clash is not None:
            raise InvalidInput(f"they already have a {kind} link (#{clash})")
    if strength is not None and not 1 <= strength <= 5:
        raise InvalidInput(f"bad strength {strength}: use 1-5")
    since_v = (parse_partial_date(since) if since and since.strip() else None)
    if kind is not None:
        conn.kind = kind
    if strength is not None:
        conn.strength = strength
    if note is not None:
        conn.note = note if note.strip() else None
    if since is not None:
        conn.since = since_v
    if how_met is not None:
        conn.how_met = how_met if how_met.strip() else None
    session.flush()
    return conn


def delete_connection(session: Session, connection_id: int) -> str:
    conn: Connection = _get(session, Connection, connection_id, "connection")
    what = f"{conn.person.display_name} - {conn.other.display_name} ({conn.kind})"
    session.delete(conn)
    session.flush()
    return what


# -- interactions --------------------------------------------------------------------------


def update_interaction(session: Session, interaction_id: int, *, kind: str | None = None,
                       on: str | None = None, summary: str | None = None) -> Interaction:
    entry: Interaction = _get(session, Interaction, interaction_id, "interaction")
    if kind is not None and kind not in INTERACTION_KINDS:
        raise InvalidInput(f"bad interaction kind {kind!r}: use one of "
                           f"{', '.join(INTERACTION_KINDS)}")
    when = _day(on, "date") if on is not None else None
    if on is not None and when is None:
        raise InvalidInput("an interaction needs a date")
    if summary is not None and not summary.strip():
        raise InvalidInput("say what happened (the summary is empty)")
    if kind is not None:
        entry.kind = kind
    if when is not None:
        entry.occurred_on = when
    if summary is not None:
        entry.summary = summary.strip()
    session.flush()
    return entry


def delete_interaction(session: Session, interaction_id: int) -> str:
    entry: Interaction = _get(session, Interaction, interaction_id, "interaction")
    what = f"{entry.kind} on {entry.occurred_on.isoformat()}"
    session.delete(entry)
    session.flush()
    return what


# -- applications --------------------------------------------------------------------------


def update_application_fields(session: Session, application_id: int, *,
                              company: Company | None = None, role: str | None = None,
                              stage: str | None = None, applied_on: str | None = None,
                              interview_on: str | None = None, closed_on: str | None = None,
                              url: str | None = None, note: str | None = None) -> Application:
    """Correct an application: company, role, stage and dates (an empty date clears it)."""
    from crm.core.jobhunt.applications import _check_stage

    app: Application = _get(session, Application, application_id, "application")
    if role is not None and not role.strip():
        raise InvalidInput("an application needs a role")
    if stage is not None:
        _check_stage(stage)
    dates = {name: _day(value, name.replace("_", " ")) for name, value in
             (("applied_on", applied_on), ("interview_on", interview_on),
              ("closed_on", closed_on)) if value is not None}
    if company is not None:
        app.company_id = company.id
        # Its referrals were to the old company through this application: follow it.
        session.execute(update(Referral).where(Referral.application_id == app.id)
                        .values(to_company_id=company.id))
    if role is not None:
        app.role = role.strip()
    if stage is not None:
        app.stage = stage
    for name, value in dates.items():
        setattr(app, name, value)
    if url is not None:
        app.url = _text(url)
    if note is not None:
        app.note = note if note.strip() else None
    session.flush()
    return app


def delete_application(session: Session, application_id: int) -> str:
    """Delete an application; its referrals and reference uses stay, without it."""
    app: Application = _get(session, Application, application_id, "application")
    what = f"{app.role} at {app.company.name}"
    session.execute(update(Referral).where(Referral.application_id == app.id)
                    .values(application_id=None))
    session.execute(update(ReferenceUse).where(ReferenceUse.application_id == app.id)
                    .values(application_id=None, company_id=app.company_id))
    session.delete(app)
    session.flush()
    return what


# -- referrals -----------------------------------------------------------------------------


def update_referral(session: Session, referral_id: int, *, status: str | None = None,
                    note: str | None = None, asked_on: str | None = None,
                    today: date | None = None) -> Referral:
    from crm.core.jobhunt.referrals import set_referral_status

    referral: Referral = _get(session, Referral, referral_id, "referral")
    asked = _day(asked_on, "date") if asked_on is not None else None
    if status is not None:
        set_referral_status(session, referral.id, status, today=today)
    if note is not None:
        referral.note = note if note.strip() else None
    if asked_on is not None:
        referral.asked_on = asked
    session.flush()
    return referral


def delete_referral(session: Session, referral_id: int) -> str:
    referral: Referral = _get(session, Referral, referral_id, "referral")
    what = f"referral by {referral.referrer.display_name} ({referral.status})"
    session.delete(referral)
    session.flush()
    return what


# -- references ----------------------------------------------------------------------------


def delete_reference(session: Session, person: Person) -> str:
    """``person`` is no longer a reference; the log of its uses goes with it."""
    ref = session.scalar(select(Reference).where(Reference.person_id == person.id))
    if ref is None:
        raise NotFound(f"{person.display_name} is not a reference")
    uses = len(ref.uses)
    session.delete(ref)
    session.flush()
    return f"{person.display_name}'s reference entry" + (f" and {uses} use(s)" if uses else "")


# -- contact points ------------------------------------------------------------------------


def update_contact(session: Session, contact_id: int, *, value: str | None = None,
                   label: str | None = None, kind: str | None = None,
                   preferred: bool | None = None) -> ContactPoint:
    """Correct a contact point in place (its value, label, kind or preferred mark)."""
    from crm.core.contacts.people import contact_normalized
    from crm.core.normalize import is_email
    from crm.core.upkeep.editing import _URL

    cp: ContactPoint = _get(session, ContactPoint, contact_id, "contact point")
    new_kind = kind if kind is not None else cp.kind
    if new_kind not in CONTACT_KINDS:
        raise InvalidInput(f"bad contact kind {new_kind!r}: use one of {', '.join(CONTACT_KINDS)}")
    new_value = cp.value if value is None else value.strip()
    if not new_value:
        raise InvalidInput(f"the {new_kind} is empty (remove the contact point instead)")
    if new_kind == "email" and not is_email(new_value):
        raise InvalidInput(f"bad email address {new_value!r}")
    if new_kind == "phone" and not any(ch.isdigit() for ch in new_value):
        raise InvalidInput(f"bad phone number {new_value!r}")
    if new_kind == "url" and not _URL.match(new_value):
        raise InvalidInput(f"bad URL {new_value!r}")
    norm = contact_normalized(new_kind, new_value)
    twin = session.scalar(select(ContactPoint.id).where(
        ContactPoint.person_id == cp.person_id, ContactPoint.kind == new_kind,
        ContactPoint.normalized == norm, ContactPoint.id != cp.id))
    if twin is not None:
        raise InvalidInput(f"they already have {new_kind} {new_value!r}")
    cp.kind, cp.value, cp.normalized = new_kind, new_value, norm
    if label is not None:
        cp.label = _text(label)
    if preferred is not None:
        cp.preferred = preferred
    _refresh(session, cp.person_id)
    return cp


def delete_contact(session: Session, contact_id: int) -> str:
    cp: ContactPoint = _get(session, ContactPoint, contact_id, "contact point")
    person_id, what = cp.person_id, f"{cp.kind} {cp.value}"
    session.delete(cp)
    _refresh(session, person_id)
    return what


# -- companies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyUse:
    """What still uses a company (it can be deleted only when nothing does)."""

    positions: int
    applications: int

    @property
    def used(self) -> bool:
        return bool(self.positions or self.applications)

    def describe(self) -> str:
        parts = []
        if self.positions:
            parts.append(f"{self.positions} position{'s' if self.positions != 1 else ''}")
        if self.applications:
            parts.append(f"{self.applications} application"
                         f"{'s' if self.applications != 1 else ''}")
        return " and ".join(parts)


class CompanyInUse(InvalidInput):
    """A company that positions or applications still name cannot be deleted."""

    def __init__(self, name: str, use: CompanyUse) -> None:
        self.use = use
        super().__init__(f"{name} is still used by {use.describe()}: move or delete them "
                         "first, or merge the company into another")


def company_use(session: Session, company_id: int) -> CompanyUse:
    return CompanyUse(
        positions=int(session.scalar(select(func.count(Position.id))
                                     .where(Position.company_id == company_id)) or 0),
        applications=int(session.scalar(select(func.count(Application.id))
                                        .where(Application.company_id == company_id)) or 0))


def delete_company(session: Session, company_id: int) -> str:
    company: Company = _get(session, Company, company_id, "company")
    use = company_use(session, company_id)
    if use.used:
        raise CompanyInUse(company.name, use)
    name = company.name
    session.delete(company)
    session.flush()
    return name


def person_of(session: Session, model: Any, record_id: int) -> int | None:
    """The person a position, interaction or contact point belongs to."""
    return session.scalar(select(model.person_id).where(model.id == record_id))



def set_me_and_via(session: Session, person_id: int, *, me: bool | None = None,
                   via: Person | None = None, clear_via: bool = False) -> Person:
    """Mark or unmark a person as me; record (or forget) whom I know them through."""
    from crm.core.contacts.people import set_me

    person: Person = _get(session, Person, person_id, "person")
    if via is not None and via.id == person.id:
        raise InvalidInput("a person cannot be known through themselves")
    if me is True:
        set_me(session, person)
    elif me is False:
        person.is_me = False
    if via is not None:
        person.known_via_id = via.id
    elif clear_via:
        person.known_via_id = None
    session.flush()
    return person
