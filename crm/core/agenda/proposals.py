"""To-dos crm proposes itself from what happens, each once (``Todo.origin_key``).

Called by the services where the event happens: a reference export (tell each reference),
an interview date set on an application (a thank-you note the day after), an intro or
referral asked for (chase it after a week). Only models are imported here, so that those
services can call it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from crm.core.models import Application, Referral, Todo

CHASE_AFTER_DAYS = 7


def propose(session: Session, origin: str, key: str, text: str, *, due_on: date | None,
            person_id: int | None = None, application_id: int | None = None,
            reference_use_id: int | None = None, referral_id: int | None = None) -> Todo | None:
    """Add an automatic to-do unless this one was proposed before (done, dismissed or not)."""
    full_key = f"{origin}:{key}"
    if session.scalar(select(Todo.id).where(Todo.origin_key == full_key)) is not None:
        return None
    todo = Todo(text=text[:2000], due_on=due_on, person_id=person_id,
                application_id=application_id, status="open", origin=origin,
                origin_key=full_key, reference_use_id=reference_use_id, referral_id=referral_id)
    session.add(todo)
    session.flush()
    return todo


def propose_thank_you(session: Session, app: Application) -> None:
    """The day after the interview, a thank-you note; a moved interview moves it."""
    if app.interview_on is None:
        return
    key = f"app:{app.id}:{app.interview_on.isoformat()}"
    # An open thank-you for another date of this application is obsolete.
    session.execute(delete(Todo).where(
        Todo.application_id == app.id, Todo.origin == "thank-you", Todo.status == "open",
        Todo.origin_key != f"thank-you:{key}"))
    company = app.company.name if app.company is not None else "the company"
    propose(session, "thank-you", key,
            f"Send a thank-you note after the {app.role} interview at {company}",
            due_on=app.interview_on + timedelta(days=1), application_id=app.id)


def propose_chase(session: Session, referral: Referral, what: str) -> None:
    """An intro or referral asked for: chase it after a week if nothing happened."""
    if referral.status != "asked":
        return
    asked = referral.asked_on or date.today()
    propose(session, "chase-intro", f"referral:{referral.id}", f"Chase {what}",
            due_on=asked + timedelta(days=CHASE_AFTER_DAYS), person_id=referral.referrer_id,
            application_id=referral.application_id, referral_id=referral.id)


def settle(session: Session, *, use_ids: Iterable[int] = (), referral_id: int | None = None,
           today: date | None = None) -> None:
    """What a proposal asked for happened (the reference was told, the referral moved on):
    its open to-do is done."""
    today = today or date.today()
    cond: ColumnElement[bool] | None = None
    ids = list(use_ids)
    if ids:
        cond = Todo.reference_use_id.in_(ids)
    elif referral_id is not None:
        cond = Todo.referral_id == referral_id
    if cond is None:
        return
    session.execute(update(Todo).where(cond, Todo.status == "open")
                    .values(status="done", done_on=today))
