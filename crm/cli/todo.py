"""``crm todo``: follow-ups on a person or an application, typed or proposed by crm."""

from __future__ import annotations

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message, table


def _todo_id(text: str) -> int:
    """``12`` or ``#12``, as `crm todo list` shows them."""
    from crm.core.errors import InvalidInput

    value = text.strip().lstrip("#")
    if not value.isdigit():
        raise InvalidInput(f"bad to-do id {text!r}: use the number from `crm todo list`")
    return int(value)


def resolve_about(session: object, text: str) -> tuple[object | None, object | None]:
    """TARGET of a to-do: ``app:3`` or "Company Role" is an application, anything else a
    person (id, name); returns (person, application)."""
    from sqlalchemy.orm import Session

    from crm.core.contacts.people import resolve_person
    from crm.core.errors import InvalidInput, NotFound
    from crm.core.jobhunt.applications import resolve_target
    from crm.core.models import Application

    assert isinstance(session, Session)
    if text.strip().lower().startswith("app:"):
        return None, resolve_target(session, text)
    try:
        return resolve_person(session, text), None
    except NotFound:
        try:
            target = resolve_target(session, text)
        except NotFound:
            raise NotFound(f"no person or application matches {text!r}") from None
        if not isinstance(target, Application):
            raise InvalidInput(f"{text!r} is a company: name a person or one of its "
                               f"applications (app:ID, or 'Company Role')") from None
        return None, target


@cli.group("todo")
def todo() -> None:
    """Follow-ups: dated to-dos on a person or an application (some proposed by crm)."""


def _print(views: list[object]) -> None:
    from crm.core.agenda.todos import ORIGIN_LABELS, TodoView

    rows = []
    for v in views:
        assert isinstance(v, TodoView)
        when = v.due_on.isoformat() if v.due_on else ""
        if v.snoozed_until:
            when += f" (snoozed to {v.snoozed_until.isoformat()})"
        rows.append([f"#{v.id}", when, v.status if v.status != "open" else "",
                     v.about, v.text, ORIGIN_LABELS.get(v.origin or "", "")])
    table(["id", "due", "status", "about", "to do", "from"], rows,
          max_widths=[0, 36, 9, 30, 60, 36])


@todo.command("add")
@click.argument("about", metavar="PERSON-or-APPLICATION")
@click.argument("text")
@click.option("--due", metavar="DATE", help="YYYY-MM-DD, today, tomorrow, 3d or 2w.")
@db_option
@json_option
def todo_add(about: str, text: str, due: str | None, as_json: bool) -> None:
    """A to-do about PERSON (id or name) or an APPLICATION (app:ID or 'Company Role')."""
    from crm.core.agenda.todos import add_todo, parse_due
    from crm.core.models import Application, Person

    due_on = parse_due(due, what="--due date") if due else None
    database = get_db()
    with database.write() as s:
        person, app = resolve_about(s, about)
        v = add_todo(s, text, person=person if isinstance(person, Person) else None,
                     application=app if isinstance(app, Application) else None, due_on=due_on)
    if as_json:
        emit_json(v.to_json())
    else:
        message(f"crm: to-do #{v.id} about {literal(v.about)}"
                + (f", due {v.due_on.isoformat()}" if v.due_on else ""))


@todo.command("list")
@click.option("--all", "include_closed", is_flag=True, help="Done and dismissed ones too.")
@db_option
@json_option
def todo_list(include_closed: bool, as_json: bool) -> None:
    """Open to-dos, soonest first; crm's proposals are marked as such."""
    from crm.core.agenda.todos import list_todos

    database = get_db()
    with database.read() as s:
        views = list_todos(s, include_closed=include_closed)
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    if not views:
        message("crm: nothing to do (crm todo add PERSON TEXT --due DATE)")
        return
    _print(list(views))


@todo.command("done")
@click.argument("todo_id", metavar="ID")
@db_option
@json_option
def todo_done(todo_id: str, as_json: bool) -> None:
    """Mark to-do ID done (telling a reference also marks them as told)."""
    from crm.core.agenda.todos import complete_todo

    database = get_db()
    with database.write() as s:
        v = complete_todo(s, _todo_id(todo_id))
    if as_json:
        emit_json(v.to_json())
    else:
        message(f"crm: done: #{v.id} {literal(v.text)}")


@todo.command("snooze")
@click.argument("todo_id", metavar="ID")
@click.option("--until", metavar="DATE", help="YYYY-MM-DD, tomorrow, 3d or 2w.")
@click.option("--days", type=click.IntRange(min=1), help="For N days.")
@db_option
@json_option
def todo_snooze(todo_id: str, until: str | None, days: int | None, as_json: bool) -> None:
    """Put to-do ID off until DATE (or for N days)."""
    from datetime import date, timedelta

    from crm.core.agenda.todos import parse_due, snooze_todo
    from crm.core.errors import InvalidInput

    if (until is None) == (days is None):
        raise InvalidInput("give --until DATE or --days N")
    day = parse_due(until, what="--until date") if until else date.today() + timedelta(
        days=days or 1)
    database = get_db()
    with database.write() as s:
        v = snooze_todo(s, _todo_id(todo_id), day)
    if as_json:
        emit_json(v.to_json())
    else:
        message(f"crm: snoozed #{v.id} until {day.isoformat()}")


@todo.command("rm")
@click.argument("todo_id", metavar="ID")
@db_option
@json_option
def todo_rm(todo_id: str, as_json: bool) -> None:
    """Delete to-do ID; one crm proposed is dismissed (never proposed again)."""
    from crm.core.agenda.todos import remove_todo

    database = get_db()
    with database.write() as s:
        v, dismissed = remove_todo(s, _todo_id(todo_id))
    if as_json:
        emit_json({**v.to_json(), "dismissed": dismissed, "deleted": not dismissed})
    else:
        message(f"crm: {'dismissed' if dismissed else 'deleted'} #{v.id} {literal(v.text)}")
