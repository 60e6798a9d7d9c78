"""``crm agenda``: to-dos, people due for contact, birthdays and interviews; iCalendar."""

from __future__ import annotations

from pathlib import Path

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, message, one_line


@cli.command("agenda")
@click.option("--days", type=click.IntRange(0, 366), default=7, show_default=True,
              help="How far ahead to look.")
@click.option("--ics", "ics", is_flag=True, help="Write an iCalendar file (with -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The .ics file to write (0600; an earlier one is replaced).")
@db_option
@json_option
def agenda_cmd(days: int, ics: bool, output: Path | None, as_json: bool) -> None:
    """What to do now: overdue and due to-dos, upcoming interviews (with who you know
    there), birthdays and the people due for contact. --ics -o FILE writes it for a phone's
    calendar; UIDs are stable, so importing it again updates the events."""
    from crm.core.agenda.today import build_agenda
    from crm.core.errors import InvalidInput

    if ics != (output is not None):
        raise InvalidInput("--ics needs -o FILE (and -o is only for --ics)")
    database = get_db()
    with database.read() as s:
        agenda = build_agenda(s, days=days)
    if ics:
        from crm.core.agenda.ics import to_ics
        from crm.core.files import write_file

        assert output is not None
        write_file(output, to_ics(agenda))
        if as_json:
            emit_json({"path": str(output), "events": len(agenda.items)})
        message(f"crm: wrote {one_line(output)} ({len(agenda.items)} events)")
        return
    if as_json:
        emit_json(agenda.to_json())
        return
    if not agenda.items:
        message(f"crm: nothing on the agenda for the next {days} days")
        return
    click.echo(f"Agenda for {agenda.today.isoformat()} (next {days} days)")
    for title, items in (("To do", agenda.todos), ("Interviews", agenda.interviews),
                         ("Birthdays", agenda.birthdays), ("Get in touch", agenda.contacts)):
        if not items:
            continue
        click.echo(f"\n{title}")
        whens = [i.when(agenda.today) for i in items]
        width = max(10, *map(len, whens))
        for i, when in zip(items, whens, strict=True):
            flag = "OVERDUE " if i.overdue else ""
            ident = f"#{i.todo_id} " if i.todo_id is not None else ""
            line = f"  {flag}{when:<{width}}  {ident}{one_line(i.title)}"
            if i.detail:
                line += f"  - {one_line(i.detail)}"
            click.echo(line)
            if i.people:
                click.echo(f"{' ' * (width + 4)}you know: {one_line(', '.join(i.people))}")
