"""The agenda: what to do today and in the next days, in one view for the CLI, the TUI's
Today screen and the iCalendar export.

Sections: to-dos overdue and due (typed or proposed), people due for contact
(``crm.core.network.stale``), birthdays, and upcoming interviews with who I know there.
Every item has a stable ``key`` (``todo:12``, ``birthday:5:2026``…): the iCalendar UIDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, selectinload

from crm.core.agenda.todos import ORIGIN_LABELS, TodoView, view
from crm.core.errors import InvalidInput
from crm.core.models import Application, Person, Todo
from crm.core.network.stale import losing_touch
from crm.core.vocabulary import CLOSED_STAGES

CONTACTS_SHOWN = 10
KNOWN_AT_INTERVIEW = 5


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # todo | contact | birthday | interview
    key: str  # stable: the iCalendar UID's first part
    on: date | None  # when it is due / happens (None: an undated to-do, never contacted)
    title: str
    detail: str = ""
    overdue: bool = False
    automatic: bool = False  # proposed by crm
    person_id: int | None = None
    application_id: int | None = None
    todo_id: int | None = None
    company_id: int | None = None  # an application's company (what "open" shows)
    people: list[str] = field(default_factory=list)  # at an interview: who I know there

    def when(self, today: date) -> str:
        """When, in words: "today", the date, "since DATE" for a contact that fell due
        before today (it is due now: the date is when), "now" for one never contacted,
        "" for an undated to-do."""
        if self.on is None:
            return "now" if self.kind == "contact" else ""
        if self.on == today:
            return "today"
        if self.kind == "contact" and self.on < today:
            return f"since {self.on.isoformat()}"
        return self.on.isoformat()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key,
                "on": self.on.isoformat() if self.on else None, "title": self.title,
                "detail": self.detail, "overdue": self.overdue, "automatic": self.automatic,
                "person_id": self.person_id, "application_id": self.application_id,
                "todo_id": self.todo_id, "company_id": self.company_id,
                "people": self.people}


@dataclass(frozen=True)
class Agenda:
    today: date
    days: int
    todos: list[AgendaItem]  # overdue first, then due in the window, then undated
    contacts: list[AgendaItem]
    birthdays: list[AgendaItem]
    interviews: list[AgendaItem]

    @property
    def items(self) -> list[AgendaItem]:
        return [*self.todos, *self.interviews, *self.birthdays, *self.contacts]

    def to_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "days": self.days,
                "todos": [i.to_json() for i in self.todos],
                "interviews": [i.to_json() for i in self.interviews],
                "birthdays": [i.to_json() for i in self.birthdays],
                "contacts": [i.to_json() for i in self.contacts]}


def _todo_item(v: TodoView, today: date, company_id: int | None = None) -> AgendaItem:
    detail = v.about
    if v.automatic:
        detail = f"{detail} ({ORIGIN_LABELS.get(v.origin or '', 'proposed')})".strip()
    return AgendaItem(kind="todo", key=f"todo:{v.id}", on=v.when, title=v.text, detail=detail,
                      overdue=v.when is not None and v.when < today, automatic=v.automatic,
                      person_id=v.person_id, application_id=v.application_id, todo_id=v.id,
                      company_id=company_id)


def _todos(session: Session, today: date, end: date) -> list[AgendaItem]:
    when = Todo.snoozed_until
    stmt = (select(Todo).where(Todo.status == "open", or_(
        and_(when.is_not(None), when <= end),
        and_(when.is_(None), or_(Todo.due_on.is_(None), Todo.due_on <= end))))
        .options(selectinload(Todo.person),
                 selectinload(Todo.application).selectinload(Application.company)))
    items = [_todo_item(view(t), today, t.application.company_id if t.application else None)
             for t in session.scalars(stmt)]
    return sorted(items, key=lambda i: (i.on is None, i.on or date.max, i.todo_id or 0))


def _next_birthday(month: int, day: int, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:  # 29 February in a common year: the 28th
            d = date(year, month, day - 1)
        if d >= today:
            return d
    raise AssertionError("unreachable")


def _birthdays(session: Session, today: date, end: date) -> list[AgendaItem]:
    pairs: dict[int, set[int]] = {}
    d = today
    while d <= end:
        pairs.setdefault(d.month, set()).add(d.day)
        if d.month == 2 and d.day == 28:
            pairs[2].add(29)
        d += timedelta(days=1)
    if not pairs:
        return []
    cond = or_(*(and_(Person.birthday_month == m, Person.birthday_day.in_(sorted(days)))
                 for m, days in pairs.items()))
    out = []
    for pid, name, year, month, day in session.execute(
            select(Person.id, Person.display_name, Person.birthday_year, Person.birthday_month,
                   Person.birthday_day).where(cond, Person.is_me == false())):
        if month is None or day is None:
            continue
        on = _next_birthday(month, day, today)
        if on > end:
            continue
        age = f"turns {on.year - year}" if year else ""
        out.append(AgendaItem(kind="birthday", key=f"birthday:{pid}:{on.year}", on=on,
                              title=f"{name}'s birthday", detail=age, person_id=pid))
    return sorted(out, key=lambda i: (i.on, i.title))


def _interviews(session: Session, today: date, end: date) -> list[AgendaItem]:
    from crm.core.network.who import who_at

    apps = session.scalars(select(Application).where(
        Application.interview_on >= today, Application.interview_on <= end,
        Application.stage.not_in(CLOSED_STAGES)).options(selectinload(Application.company)))
    out = []
    for app in apps:
        assert app.interview_on is not None
        known = who_at(session, app.company, today)
        people = [f"{s.person.name}" + (f" ({s.person.title})" if s.person.title else "")
                  for s in known.current[:KNOWN_AT_INTERVIEW]]
        if not people and known.second_degree:
            people = [f"{e.person.name}, through {e.via[0].person.name}"
                      for e in known.second_degree[:KNOWN_AT_INTERVIEW] if e.via]
        detail = (f"you know {len(known.current)} there now" if known.current else
                  "nobody there yet" + (f"; {len(known.second_degree)} through someone"
                                        if known.second_degree else ""))
        out.append(AgendaItem(
            kind="interview", key=f"interview:{app.id}:{app.interview_on.isoformat()}",
            on=app.interview_on, title=f"Interview: {app.role} at {app.company.name}",
            detail=detail, application_id=app.id, company_id=app.company_id, people=people))
    return sorted(out, key=lambda i: (i.on, i.title))


def _contacts(session: Session, today: date, limit: int) -> list[AgendaItem]:
    out = []
    for c in losing_touch(session, 90, today, limit=limit):
        silence = (f"last contact {c.last_contacted.isoformat()} ({c.days_since} days)"
                   if c.last_contacted else "never contacted")
        why = "; ".join(c.useful)
        out.append(AgendaItem(
            kind="contact", key=f"contact:{c.person.id}", on=c.due_on,
            title=f"Get in touch with {c.person.name}",
            detail=silence + (f"; {why}" if why else ""), overdue=c.overdue,
            person_id=c.person.id))
    return out


def build_agenda(session: Session, today: date | None = None, days: int = 7, *,
                 contacts: int = CONTACTS_SHOWN) -> Agenda:
    """The agenda from ``today`` to ``days`` days ahead."""
    if not 0 <= days <= 366:
        raise InvalidInput("--days must be between 0 and 366")
    today = today or date.today()
    end = today + timedelta(days=days)
    return Agenda(today=today, days=days, todos=_todos(session, today, end),
                  contacts=_contacts(session, today, contacts),
                  birthdays=_birthdays(session, today, end),
                  interviews=_interviews(session, today, end))
