"""``crm intro``: draft a forwardable intro request along the best path, and record the ask."""

from __future__ import annotations

from pathlib import Path

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message


@cli.command("intro")
@click.argument("target")
@click.option("--via", metavar="PERSON", help="Ask this person (the first on the path).")
@click.option("--why", metavar="TEXT", help="Why you want to meet them, for the note.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the note to FILE (0600) instead of printing it.")
@click.option("--dry-run", is_flag=True, help="Draft it; record nothing.")
@db_option
@json_option
def intro_cmd(target: str, via: str | None, why: str | None, output: Path | None,
              dry_run: bool, as_json: bool) -> None:
    """Draft an intro request to TARGET (a person, or anyone now at a company) along the
    best warm path, addressed to the first person on it; records a referral "asked" and a
    to-do to chase it a week later. The template is templates/intro.txt in the data
    directory (edit it freely)."""
    from crm.core.agenda.intro import draft_intro, record_intro
    from crm.core.contacts.companies import match_company
    from crm.core.contacts.people import resolve_person
    from crm.core.errors import NotFound
    from crm.core.files import write_file
    from crm.core.models import Company, Person

    database = get_db()
    with (database.read() if dry_run else database.write()) as s:
        goal: Person | Company
        try:
            goal = resolve_person(s, target)
        except NotFound:
            goal = match_company(s, target).company
        draft = draft_intro(s, goal, via=resolve_person(s, via) if via else None, why=why)
        if output is not None:
            write_file(output, draft.text)
        if not dry_run:
            draft = record_intro(s, draft, goal)
    if as_json:
        emit_json(draft.to_json())
    elif output is None:
        # Line by line: the note's line breaks stay, anything else from data is escaped.
        click.echo("\n".join(literal(x) for x in draft.text.split("\n")), nl=False)
    message(f"crm: intro request to {literal(draft.target)} via {literal(draft.via)}"
            + (f" written to {literal(output)}" if output else "")
            + ("" if dry_run else f"; recorded as referral #{draft.referral_id} (asked), "
               "with a to-do to chase it in a week")
            + f" (template: {literal(draft.template)})")
