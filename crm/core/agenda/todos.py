"""Follow-ups: dated to-dos on a person or an application, typed or proposed by crm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.core.errors import InvalidInput, NotFound
from crm.core.models import Application, Person, Todo

ORIGIN_LABELS = {"thank-you": "proposed: after an interview",
                 "notify-reference": "proposed: after a reference export",
                 "chase-intro": "proposed: an intro asked a week ago"}
_RELATIVE = re.compile(r"^\+?(\d{1,4})\s*([dw])$")


def parse_due(text: str, today: date | None = None, what: str = "date") -> date:
    """``YYYY-MM-DD``, ``today``, ``tomorrow``, ``3d`` or ``2w`` (from today)."""
    today = today or date.today()
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    m = _RELATIVE.match(value)
    if m:
        return today + timedelta(days=int(m.group(1)) * (7 if m.group(2) == "w" else 1))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"bad {what} {text!r}: use YYYY-MM-DD, today, tomorrow, 3d or "
                           "2w") from None


@dataclass(frozen=True)
class TodoView:
    id: int
    text: str
    due_on: date | None
    snoozed_until: date | None
    status: str
    done_on: date | None
    origin: str | None
    person_id: int | None
    person: str | None
    application_id: int | None
    application: str | None  # "Role at Company"

    @property
    def automatic(self) -> bool:
        return self.origin is not None

    @property
    def when(self) -> date | None:
        """When it comes up: the snooze's end, else the due date."""
        return self.snoozed_until or self.due_on

    @property
    def about(self) -> str:
        return self.person or self.application or ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text,
                "due_on": self.due_on.isoformat() if self.due_on else None,
                "snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None,
                "status": self.status,
                "done_on": self.done_on.isoformat() if self.done_on else None,
                "automatic": self.automatic, "origin": self.origin,
                "person_id": self.person_id, "person": self.person,
                "application_id": self.application_id, "application": self.application}


def _label(app: Application | None) -> str | None:
    return f"{app.role} at {app.company.name}" if app is not None else None


def view(todo: Todo) -> TodoView:
    return TodoView(
        id=todo.id, text=todo.text, due_on=todo.due_on, snoozed_until=todo.snoozed_until,
        status=todo.status, done_on=todo.done_on, origin=todo.origin,
        person_id=todo.person_id, person=todo.person.display_name if todo.person else None,
        application_id=todo.application_id, application=_label(todo.application))


def _loaded() -> Any:
    return select(Todo).options(selectinload(Todo.person),
                                selectinload(Todo.application)
                                .selectinload(Application.company))


def get_todo(session: Session, todo_id: int) -> Todo:
    todo = session.scalars(_loaded().where(Todo.id == todo_id)).one_or_none()
    if todo is None:
        raise NotFound(f"no to-do with id {todo_id}")
    return todo


def add_todo(session: Session, text: str, *, person: Person | None = None,
             application: Application | None = None, due_on: date | None = None) -> TodoView:
    """A to-do of mine about ``person`` or ``application``."""
    text = text.strip()
    if not text:
        raise InvalidInput("a to-do needs some text")
    if person is None and application is None:
        raise InvalidInput("a to-do is about a person or an application")
    todo = Todo(text=text, due_on=due_on, person_id=person.id if person else None,
                application_id=application.id if application else None, status="open")
    session.add(todo)
    session.flush()
    return view(get_todo(session, todo.id))


def list_todos(session: Session, *, include_closed: bool = False,
               person_id: int | None = None) -> list[TodoView]:
    """Open to-dos (``include_closed``: done and dismissed too), soonest first; undated
    ones last."""
    stmt = _loaded()
    if not include_closed:
        stmt = stmt.where(Todo.status == "open")
    if person_id is not None:
        stmt = stmt.where(Todo.person_id == person_id)
    views = [view(t) for t in session.scalars(stmt)]
    return sorted(views, key=lambda v: (v.status != "open", v.when is None,
                                        v.when or date.max, v.id))


def complete_todo(session: Session, todo_id: int, today: date | None = None) -> TodoView:
    """Done. Telling a reference marks that use of them as notified too."""
    today = today or date.today()
    todo = get_todo(session, todo_id)
    if todo.status != "open":
        raise InvalidInput(f"to-do #{todo_id} is already {todo.status}")
    todo.status, todo.done_on = "done", today
    if todo.reference_use_id is not None:
        from crm.core.jobhunt.references import mark_notified

        mark_notified(session, todo.reference_use_id, today=today)
    session.flush()
    return view(todo)


def snooze_todo(session: Session, todo_id: int, until: date,
                today: date | None = None) -> TodoView:
    """Out of the agenda until ``until`` (the due date stays what it was)."""
    today = today or date.today()
    if until <= today:
        raise InvalidInput(f"snooze until a day after today ({today.isoformat()})")
    todo = get_todo(session, todo_id)
    if todo.status != "open":
        raise InvalidInput(f"to-do #{todo_id} is {todo.status}; only open ones snooze")
    todo.snoozed_until = until
    session.flush()
    return view(todo)


def remove_todo(session: Session, todo_id: int) -> tuple[TodoView, bool]:
    """Delete a to-do of mine; dismiss one crm proposed (kept, so it is never proposed
    again). Returns the to-do and whether it was dismissed rather than deleted."""
    todo = get_todo(session, todo_id)
    shown = view(todo)
    if todo.origin is not None:
        todo.status = "dismissed"
        session.flush()
        return view(todo), True
    session.delete(todo)
    session.flush()
    return shown, False
