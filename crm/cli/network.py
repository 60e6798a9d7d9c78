"""``crm who``, ``crm path`` and ``crm stale``: the network queries (crm.core.network)."""

from __future__ import annotations

from typing import Any

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message, table


def _span(p: dict[str, Any]) -> str:
    from crm.core.normalize import span_text

    return span_text(p["start"], p["end"], p["current"])


@cli.command("who")
@click.argument("company")
@db_option
@json_option
def who_cmd(company: str, as_json: bool) -> None:
    """Who I know at COMPANY: there now, there before, and whom I could reach there."""
    from crm.core.contacts.companies import match_company
    from crm.core.network import who_at

    database = get_db()
    with database.read() as s:
        match = match_company(s, company)
        message(f"crm: {literal(match.describe())}")
        answer = who_at(s, match.company).to_json()
    if as_json:
        emit_json(answer)
        return
    if not (answer["current"] or answer["former"] or answer["second_degree"]):
        message(f"crm: you know nobody at {literal(answer['company'])} yet, not even "
                "through someone")
        return
    if answer["current"]:
        click.echo(f"Now at {literal(answer['company'])}")
        table(["id", "name", "title", "connection", "strength"],
              [[p["id"], p["name"], p["title"] or "", p["connection"]["kind"] or "contact",
                p["strength"]] for p in answer["current"]])
    if answer["former"]:
        click.echo(f"\nFormerly at {literal(answer['company'])}")
        table(["id", "name", "was", "when", "now at"],
              [[p["id"], p["name"], p["positions_here"][0]["title"] or "",
                _span(p["positions_here"][0]), p["company"] or ""] for p in answer["former"]])
    if answer["second_degree"]:
        click.echo("\nThrough someone you know")
        table(["id", "name", "title", "via (best first)", "strength"],
              [[e["person"]["id"], e["person"]["name"], e["person"]["title"] or "",
                ", ".join(f"{v['name']} ({v['strength']})" for v in e["via"]), e["strength"]]
               for e in answer["second_degree"]])


@cli.command("path")
@click.argument("target")
@click.option("--max-hops", type=click.IntRange(1, 4), default=3, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@db_option
@json_option
def path_cmd(target: str, max_hops: int, limit: int, as_json: bool) -> None:
    """Intro paths from me to TARGET (a person, or a company: anyone there now), best first.

    A person is tried first: by id, by name or the start of a name. Then a company by its
    exact name (or alias or domain); then a person by parts of a name or a close spelling;
    then a company the same ways.
    """
    from crm.core.contacts.companies import CompanyMatch, exact_company, match_company
    from crm.core.contacts.people import resolve_person
    from crm.core.errors import NotFound
    from crm.core.models import Company, Person
    from crm.core.network import intro_paths

    database = get_db()
    with database.read() as s:
        goal: Person | Company
        person: Person | None = None
        match: CompanyMatch | None = None
        try:
            person = resolve_person(s, target, loose=False)
        except NotFound:
            # A company's exact name before the loose person steps, which scan every name
            # (and would take "Acme" for a person whose name merely contains it).
            match = exact_company(s, target)
            if match is None:
                try:
                    person = resolve_person(s, target)
                except NotFound:
                    match = match_company(s, target)
        if person is not None:
            goal, name = person, person.display_name
            message(f"crm: paths to {literal(name)} (#{person.id})")
        else:
            assert match is not None
            goal, name = match.company, match.company.name
            message(f"crm: paths to anyone now at {literal(match.describe())}")
        paths = intro_paths(s, goal, max_hops, limit=limit)
    data = {"target": name, "paths": [p.to_json() for p in paths]}
    if as_json:
        emit_json(data)
        return
    if not paths:
        message(f"crm: no path to {literal(name)} within {max_hops} hops")
        return
    for p in paths:
        chain = " -> ".join(f"{literal(s['name'])} [{s['kind'] or 'contact'} {s['strength']}]"
                            for s in p.to_json()["people"])  # type: ignore[attr-defined]
        click.echo(f"{p.hops} hop{'s' if p.hops > 1 else ''}, strength {p.strength}: "
                   f"me -> {chain}")


@cli.command("stale")
@click.option("--days", type=click.IntRange(min=0), default=90, show_default=True,
              help="Silent for at least this many days (for people with no keep-in-touch "
                   "interval of their own or of a tag).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N people.")
@db_option
@json_option
def stale_cmd(days: int, limit: int | None, as_json: bool) -> None:
    """People due for contact, most worth it first: never contacted, or silent past their
    keep-in-touch interval (`crm edit person P --every 2m --at-most 4m`, or a tag's), else
    N days. Overdue ones (past "at most") lead; then strength and how useful they are now
    (at a company you are applying to, a reference you may list soon)."""
    from crm.core.network import losing_touch

    database = get_db()
    with database.read() as s:
        found = losing_touch(s, days, limit=limit)
    if as_json:
        emit_json([f.to_json() for f in found])
        return
    if not found:
        message(f"crm: nobody is due for contact (default interval {days} days)")
        return
    table(["id", "name", "connection", "strength", "last contacted", "every", "why now"],
          [[f.person.id, f.person.name, f.tie.kind or "contact", f.tie.strength,
            (f"{f.last_contacted} ({f.days_since} days)" if f.last_contacted else "never")
            + (" OVERDUE" if f.overdue else ""),
            f"{f.every_days}d" + (f"/{f.at_most_days}d" if f.at_most_days else "")
            + ("" if f.interval_from == "default" else f" ({f.interval_from})"),
            "; ".join(f.useful)]
           for f in found], max_widths=[0, 28, 14, 0, 28, 24, 50])
