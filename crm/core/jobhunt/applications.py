"""Job applications: company, role, stage, dates, and what is attached to them.

Also home of ``resolve_target``, which turns a ``--for X`` argument into an application or a
company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.core.contacts.companies import company_for_record, resolve_company
from crm.core.errors import Ambiguous, InvalidInput, NoTarget, NotFound
from crm.core.jobhunt.referrals import ReferralView, referral_view
from crm.core.models import Application, Company, Reference, ReferenceUse, Referral
from crm.core.normalize import fold, words
from crm.core.vocabulary import APPLICATION_STAGES, CLOSED_STAGES

_APP_ID = re.compile(r"^(?:#|app:|application:)\s*(\d+)$", re.IGNORECASE)
_SEPARATORS = (":", " / ", " - ", " — ", ",")


def target_label(target: Company | Application | None) -> str:
    """How an application or company is named to the user."""
    if target is None:
        return ""
    if isinstance(target, Application):
        return f"{target.role} at {target.company.name}"
    return target.name


def parse_day(value: str | None, what: str = "date") -> date | None:
    """A full date ``YYYY-MM-DD`` typed by the user (None for empty)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"bad {what} {value!r}: use YYYY-MM-DD") from None


# The keys a referral has under an application (``crm referrals list`` shows them all).
APPLICATION_REFERRAL_KEYS = ("id", "referrer", "referred", "to_person", "status")


@dataclass(frozen=True)
class ReferenceGiven:
    """A reference given for an application."""

    use_id: int
    name: str
    used_on: date
    notified: bool

    def to_json(self) -> dict[str, Any]:
        return {"use_id": self.use_id, "name": self.name, "used_on": self.used_on.isoformat(),
                "notified": self.notified}


@dataclass(frozen=True)
class ApplicationView:
    id: int
    company_id: int
    company: str
    role: str
    stage: str
    applied_on: date | None
    interview_on: date | None
    closed_on: date | None
    url: str | None
    note: str | None
    referrals: tuple[ReferralView, ...] = ()
    references: tuple[ReferenceGiven, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "company_id": self.company_id,
            "company": self.company,
            "role": self.role,
            "stage": self.stage,
            "applied_on": self.applied_on.isoformat() if self.applied_on else None,
            "interview_on": self.interview_on.isoformat() if self.interview_on else None,
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "url": self.url,
            "note": self.note,
            "referrals": [r.to_json(APPLICATION_REFERRAL_KEYS) for r in self.referrals],
            "references": [r.to_json() for r in self.references],
        }


def _check_stage(stage: str) -> str:
    if stage not in APPLICATION_STAGES:
        raise InvalidInput(f"bad stage {stage!r}: use one of {', '.join(APPLICATION_STAGES)}")
    return stage


def add_application(
    session: Session,
    company: Company | str,
    role: str,
    *,
    stage: str = "applied",
    applied_on: date | None = None,
    interview_on: date | None = None,
    url: str | None = None,
    note: str | None = None,
) -> Application:
    """Record an application; a company given by a name nobody knows yet is created.

    As for positions, text a user typed goes through ``company_for_record`` first.
    """
    role = role.strip()
    if not role:
        raise InvalidInput("an application needs a role")
    _check_stage(stage)
    if isinstance(company, str):
        company = company_for_record(session, company, new_company=True).company
    app = Application(company=company, role=role, stage=stage, applied_on=applied_on,
                      interview_on=interview_on, url=url or None, note=note or None)
    session.add(app)
    session.flush()
    return app


@dataclass(frozen=True)
class ApplicationAdded:
    application: Application
    company_created: bool  # the text named no company: one was made


def add_application_at(
    session: Session,
    company_text: str,
    role: str,
    *,
    new_company: bool = False,
    stage: str = "applied",
    applied_on: date | None = None,
    interview_on: date | None = None,
    url: str | None = None,
    note: str | None = None,
) -> ApplicationAdded:
    """An application at the company a user typed, found as for ``add_position_at``."""
    at = company_for_record(session, company_text, new_company=new_company)
    app = add_application(session, at.company, role, stage=stage, applied_on=applied_on,
                          interview_on=interview_on, url=url, note=note)
    return ApplicationAdded(app, at.created)


def update_application(
    session: Session,
    app: Application,
    *,
    stage: str | None = None,
    applied_on: date | None = None,
    interview_on: date | None = None,
    closed_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Application:
    """Move an application along; reaching a final stage records the closing date."""
    if stage is not None:
        app.stage = _check_stage(stage)
        if stage in CLOSED_STAGES and app.closed_on is None:
            app.closed_on = closed_on or today or date.today()
    if applied_on is not None:
        app.applied_on = applied_on
    if interview_on is not None:
        app.interview_on = interview_on
    if closed_on is not None:
        app.closed_on = closed_on
    if note is not None:
        app.note = note or None
    session.flush()
    return app


def _loader() -> list[Any]:
    return [
        selectinload(Application.company),
        selectinload(Application.referrals).selectinload(Referral.referrer),
        selectinload(Application.referrals).selectinload(Referral.referred),
        selectinload(Application.referrals).selectinload(Referral.to_person),
        selectinload(Application.referrals).selectinload(Referral.to_company),
        selectinload(Application.reference_uses).selectinload(ReferenceUse.reference)
        .selectinload(Reference.person),
    ]


def _view(app: Application) -> ApplicationView:
    return ApplicationView(
        id=app.id, company_id=app.company_id, company=app.company.name, role=app.role,
        stage=app.stage, applied_on=app.applied_on, interview_on=app.interview_on,
        closed_on=app.closed_on, url=app.url, note=app.note,
        referrals=tuple(referral_view(r) for r in sorted(app.referrals, key=lambda r: r.id)),
        references=tuple(
            ReferenceGiven(u.id, u.reference.person.display_name, u.used_on, u.notified)
            for u in sorted(app.reference_uses, key=lambda u: (u.used_on, u.id))),
    )


def list_applications(session: Session, *, company: Company | None = None,
                      stage: str | None = None) -> list[ApplicationView]:
    """Applications, the most recent first (planned ones, with no date, on top)."""
    stmt = select(Application).options(*_loader())
    if company is not None:
        stmt = stmt.where(Application.company_id == company.id)
    if stage is not None:
        stmt = stmt.where(Application.stage == _check_stage(stage))
    apps = list(session.scalars(stmt))
    apps.sort(key=lambda a: a.id, reverse=True)
    apps.sort(key=lambda a: (a.applied_on is not None, a.applied_on or date.min), reverse=True)
    apps.sort(key=lambda a: a.applied_on is not None)
    return [_view(a) for a in apps]


def application_detail(session: Session, app: Application) -> ApplicationView:
    loaded = session.scalars(select(Application).where(Application.id == app.id)
                             .options(*_loader())).one()
    return _view(loaded)


def get_application(session: Session, app_id: int) -> Application:
    app = session.get(Application, app_id)
    if app is None:
        raise NotFound(f"no application with id {app_id}")
    return app


def _match_role(apps: list[Application], role_query: str) -> list[Application]:
    key = fold(role_query).strip()
    exact = [a for a in apps if fold(a.role).strip() == key]
    if exact:
        return exact
    qwords = words(role_query)
    return [a for a in apps
            if qwords and all(any(w.startswith(q) for w in words(a.role)) for q in qwords)]


def resolve_target(session: Session, text: str) -> Company | Application:
    """What ``--for X`` means: an application (``#3``, ``app:3``, "Company Role") or a company.

    A text that names a company alone is the company; otherwise it is split into a company
    part and a role part (at ``:``, `` / ``, `` - `` or between words) to find one of that
    company's applications.
    """
    query = text.strip()
    if not query:
        raise NoTarget()
    m = _APP_ID.match(query)
    if m:
        return get_application(session, int(m.group(1)))
    if query.lower().startswith("company:"):
        rest = query.split(":", 1)[1].strip()
        return resolve_company(session, "#" + rest if rest.isdigit() else rest)
    try:
        return resolve_company(session, query)
    except Ambiguous:
        raise
    except NotFound as not_found:
        splits: list[tuple[str, str]] = []
        for sep in _SEPARATORS:
            if sep in query:
                left, right = query.split(sep, 1)
                splits.append((left.strip(), right.strip()))
        parts = query.split()
        splits += [(" ".join(parts[:i]), " ".join(parts[i:])) for i in range(len(parts) - 1,
                                                                               0, -1)]
        for company_text, role_text in splits:
            if not company_text or not role_text:
                continue
            try:
                company = resolve_company(session, company_text)
            except (NotFound, Ambiguous):
                continue
            apps = list(session.scalars(select(Application)
                                        .where(Application.company_id == company.id)))
            found = _match_role(apps, role_text)
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise Ambiguous("application", query,
                                [f"#{a.id} {target_label(a)}" for a in found]) from None
        # A role alone ("Backend Engineer") when only one application has it.
        by_role = _match_role(list(session.scalars(select(Application))), query)
        if len(by_role) == 1:
            return by_role[0]
        if len(by_role) > 1:
            raise Ambiguous("application", query,
                            [f"#{a.id} {target_label(a)}" for a in by_role]) from None
        _, _, hint = str(not_found).partition("; ")
        raise NotFound(f"no company or application matches {query!r}"
                       + (f"; {hint}" if hint else "")) from None
