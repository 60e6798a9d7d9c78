"""Referral links: who referred or introduced me (or someone) to whom, or to which job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from crm.core.errors import InvalidInput, NotFound
from crm.core.models import Application, Company, Person, Referral
from crm.core.vocabulary import REFERRAL_STATUSES


@dataclass(frozen=True)
class ReferralView:
    id: int
    referrer_id: int
    referrer: str
    referred_id: int | None  # None: me
    referred: str
    to_person: str | None
    to_company: str | None
    application_id: int | None
    application: str | None  # the role
    status: str
    asked_on: date | None
    status_on: date | None
    note: str | None

    @property
    def target(self) -> str:
        """Whom or where to: the company (or the application's), else the person."""
        return self.to_company or self.to_person or ""

    def to_json(self, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
        """All of it (``crm referrals list --json``), or only ``keys``, in their order (a
        person's page and an application show fewer)."""
        data = {
            "id": self.id,
            "referrer_id": self.referrer_id,
            "referrer": self.referrer,
            "referred_id": self.referred_id,
            "referred": self.referred,
            "to_person": self.to_person,
            "to_company": self.to_company,
            "application_id": self.application_id,
            "application": self.application,
            "status": self.status,
            "asked_on": self.asked_on.isoformat() if self.asked_on else None,
            "status_on": self.status_on.isoformat() if self.status_on else None,
            "note": self.note,
        }
        return data if keys is None else {key: data[key] for key in keys}


def _check_status(status: str) -> str:
    if status not in REFERRAL_STATUSES:
        raise InvalidInput(f"bad referral status {status!r}: use one of "
                           f"{', '.join(REFERRAL_STATUSES)}")
    return status


def add_referral(
    session: Session,
    referrer: Person,
    *,
    referred: Person | None = None,
    to_person: Person | None = None,
    to: Company | Application | None = None,
    status: str = "asked",
    asked_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Referral:
    """Record that ``referrer`` referred or introduced ``referred`` (None or me: me).

    The target is a person (``to_person``), a company or an application (``to``); an
    application's company is filled in too.
    """
    today = today or date.today()
    _check_status(status)
    if referred is not None and referred.is_me:
        referred = None
    if to_person is None and to is None:
        raise InvalidInput("a referral needs a target: a person, a company or an application")
    if referred is not None and referred.id == referrer.id:
        raise InvalidInput("a person cannot refer themselves")
    application = to if isinstance(to, Application) else None
    company = to.company if isinstance(to, Application) else to
    referral = Referral(referrer_id=referrer.id, referred_id=referred.id if referred else None,
                        to_person_id=to_person.id if to_person else None,
                        to_company_id=company.id if company else None,
                        application_id=application.id if application else None,
                        status=status, asked_on=asked_on or today, status_on=today,
                        note=note or None)
    session.add(referral)
    session.flush()
    return referral


def set_referral_status(session: Session, referral_id: int, status: str, *,
                        note: str | None = None, today: date | None = None) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound(f"no referral with id {referral_id}")
    if status != referral.status:
        referral.status = _check_status(status)
        referral.status_on = today or date.today()
    if note is not None:
        referral.note = note or None
    session.flush()
    return referral


def list_referrals(session: Session, *, about: Company | Application | Person | None = None
                   ) -> list[ReferralView]:
    """Referral links, newest first; ``about`` narrows to a company, application or person."""
    stmt = select(Referral).options(*REFERRAL_LOADER)
    if isinstance(about, Application):
        stmt = stmt.where(Referral.application_id == about.id)
    elif isinstance(about, Company):
        stmt = stmt.where(Referral.to_company_id == about.id)
    elif isinstance(about, Person):
        stmt = stmt.where(or_(Referral.referrer_id == about.id, Referral.referred_id == about.id,
                              Referral.to_person_id == about.id))
    rows = session.scalars(stmt.order_by(Referral.id.desc()))
    return [referral_view(r) for r in rows]


# What referral_view reads, loaded up front.
REFERRAL_LOADER = (
    selectinload(Referral.referrer), selectinload(Referral.referred),
    selectinload(Referral.to_person), selectinload(Referral.to_company),
    selectinload(Referral.application).selectinload(Application.company))


def referral_view(r: Referral) -> ReferralView:
    """The one way a referral becomes a view (lists, a person's page, an application)."""
    company = r.to_company or (r.application.company if r.application else None)
    return ReferralView(
        id=r.id, referrer_id=r.referrer_id, referrer=r.referrer.display_name,
        referred_id=r.referred_id, referred=r.referred.display_name if r.referred else "me",
        to_person=r.to_person.display_name if r.to_person else None,
        to_company=company.name if company else None, application_id=r.application_id,
        application=r.application.role if r.application else None, status=r.status,
        asked_on=r.asked_on, status_on=r.status_on, note=r.note,
    )
