"""``crm suggestions``: what crm inferred (ties from dates, same-name people), to review."""

from __future__ import annotations

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, message, one_line, table


@cli.command("suggestions")
@click.option("--accept", "accept", type=int, metavar="ID",
              help="Accept suggestion ID: the inferred connection is recorded.")
@click.option("--dismiss", "dismiss", type=int, metavar="ID",
              help="Dismiss suggestion ID (it is not suggested again).")
@click.option("--all", "show_all", is_flag=True, help="Also list accepted and dismissed ones.")
@db_option
@json_option
def suggestions_cmd(accept: int | None, dismiss: int | None, show_all: bool,
                    as_json: bool) -> None:
    """Inferred ties awaiting review, each with its evidence: co-workers, fellow interns and
    classmates from the dates of positions, and people with the same name from an import."""
    from crm.core.errors import CrmError
    from crm.core.network.suggestions import accept_suggestion, dismiss_suggestion, list_suggestions

    if accept is not None and dismiss is not None:
        raise CrmError("give --accept or --dismiss, not both")
    database = get_db()
    if accept is not None or dismiss is not None:
        with database.write() as s:
            view = (accept_suggestion(s, accept) if accept is not None
                    else dismiss_suggestion(s, dismiss or 0))
        if as_json:
            emit_json(view.to_json())
        else:
            message(f"crm: suggestion #{view.id} {view.status}: {one_line(view.other)}"
                    + (f" is {one_line(view.person)}'s {view.connection_kind}"
                       if view.connection_kind else ""))
        return
    with database.read() as s:
        views = list_suggestions(s, None if show_all else "open")
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    if not views:
        message("crm: no suggestions to review")
        return
    table(["id", "status", "suggests", "evidence"],
          [[v.id, v.status,
            (f"{v.other} is {v.person}'s {v.connection_kind}" if v.kind == "connection"
             else f"{v.person} and {v.other} may be one person"), v.evidence]
           for v in views])
