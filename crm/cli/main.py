"""The ``crm`` command group and the commands for people, companies and the database."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crm import __version__
from crm.cli.context import db_option, get_db, hint_new_company, json_option, new_company_option
from crm.cli.output import (
    emit_json,
    emit_json_stream,
    literal,
    message,
    people_rows_text,
    person_item,
    table,
)

if TYPE_CHECKING:
    from crm.core.contacts.profile import PersonDetail

# Commands defined in feature modules, imported only when the command is used (or listed in
# --help): `crm who` need not pay for the references or vCard code. Each module registers its
# commands on `cli` when imported.
LAZY_COMMANDS: dict[str, tuple[str, ...]] = {
    "who": ("crm.cli.network",),
    "path": ("crm.cli.network",),
    "stale": ("crm.cli.network",),
    "refs": ("crm.cli.refs",),
    "referrals": ("crm.cli.refs",),
    "apps": ("crm.cli.refs",),
    "import": ("crm.cli.transfer",),
    "suggestions": ("crm.cli.suggestions",),
    "export": ("crm.cli.transfer",),
    "duplicates": ("crm.cli.editing",),
    "merge": ("crm.cli.editing",),
    "deleted": ("crm.cli.editing",),
    "undelete": ("crm.cli.editing",),
    "rm": ("crm.cli.editing",),
    "split": ("crm.cli.editing",),
    "edit": ("crm.cli.editing",),
    "end": ("crm.cli.editing",),
    "log": ("crm.cli.editing",),
    "sync": ("crm.cli.sync",),
    "todo": ("crm.cli.todo",),
    "agenda": ("crm.cli.agenda",),
    "intro": ("crm.cli.intro",),
    "prep": ("crm.cli.prep",),
}


class CrmGroup(click.Group):
    """The top-level group: eager core commands plus lazily imported feature commands."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            for module in LAZY_COMMANDS[cmd_name]:
                importlib.import_module(module)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a failure it did not expect is told by what went wrong.

        Translated here, while the database the command opened is still known, so that
        the line names it and a damaged SQLite file is checked (``crm.core.faults``).
        """
        from crm.core.errors import CrmError

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader stopped reading (`crm people | head -1`): done, exit 0 quietly
            # (click itself would make it exit 1).
            raise click.exceptions.Exit(_quiet_after_broken_pipe()) from None
        except (CrmError, click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as err:
            if os.environ.get("CRM_DEBUG"):
                raise
            from crm.core.faults import explain

            database = ctx.obj.get("database") if isinstance(ctx.obj, dict) else None
            raise explain(err, database) from err


@click.group(cls=CrmGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(__version__, prog_name="crm")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """crm: who you know, where they work, and who will vouch for you.

    Run without a command to open the terminal UI.
    """
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand is None:
        from crm.cli.tui_launch import launch_tui

        launch_tui(ctx)


# -- database -------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Schema management: upgrade, current revision, backup."""


@db.command("upgrade")
@db_option
def db_upgrade() -> None:
    """Upgrade the database schema to this crm's version (backing a SQLite file up first)."""
    database = get_db()
    if database.upgraded_from is None and database.backup_path is None:
        from crm.core.db import SCHEMA_HEAD, current_revision

        if current_revision(database) == SCHEMA_HEAD:
            message(f"crm: database is up to date (schema {SCHEMA_HEAD})")
            return
    message(f"crm: database upgraded to schema {database_revision(database)}")


def database_revision(database: object) -> str | None:
    from crm.core.db import Database, current_revision

    assert isinstance(database, Database)
    return current_revision(database)


@db.command("current")
@db_option
@json_option
@click.pass_context
def db_current(ctx: click.Context, as_json: bool) -> None:
    """Show the database URL, its schema revision and the newest one this crm knows."""
    from crm.cli.context import _find_db_arg
    from crm.core.db import SCHEMA_HEAD, current_revision, open_database
    from crm.core.paths import database_url

    database = open_database(_find_db_arg(ctx), upgrade=False)
    try:
        rev = current_revision(database)
    finally:
        database.dispose()
    url = database_url(_find_db_arg(ctx))
    shown_url = url
    if "@" in url and ":" in url.split("://", 1)[1].split("@", 1)[0]:
        from sqlalchemy.engine import make_url

        shown_url = make_url(url).render_as_string(hide_password=True)
    if as_json:
        emit_json({"url": shown_url, "revision": rev, "head": SCHEMA_HEAD,
                   "up_to_date": rev == SCHEMA_HEAD})
        return
    click.echo(f"database: {shown_url}")
    click.echo(f"revision: {rev or '(empty)'}")
    click.echo(f"head:     {SCHEMA_HEAD}" + ("  (up to date)" if rev == SCHEMA_HEAD else
                                              "  (will upgrade on next use)"))


@db.command("backup")
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Backup file to write.")
def db_backup(output: str | None) -> None:
    """Copy the SQLite database to a timestamped 0600 file beside it (or to -o FILE)."""
    from pathlib import Path

    from crm.core.db import backup_sqlite
    from crm.core.errors import CrmError

    database = get_db()
    path = database.path
    if path is None:
        raise CrmError("crm db backup copies SQLite files; for PostgreSQL use pg_dump")
    dest = backup_sqlite(path, Path(output) if output else None)
    click.echo(str(dest))


@db.command("recover")
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="New database file to write (must not exist).")
@json_option
@click.pass_context
def db_recover(ctx: click.Context, output: Path, as_json: bool) -> None:
    """Copy what can be read of a damaged SQLite database into a new file.

    Every readable row is copied, table by table; rows that cannot be read, or that refer
    to rows that were lost, are counted per table. The damaged file is only read. Exit 1
    when some rows could not be copied.
    """
    from crm.cli.context import _find_db_arg
    from crm.core.errors import CrmError
    from crm.core.paths import database_url, sqlite_path
    from crm.core.recover import recover

    source = sqlite_path(database_url(_find_db_arg(ctx)))
    if source is None:
        raise CrmError("crm db recover salvages SQLite files; for PostgreSQL use pg_dump")
    done = recover(source, output)
    if as_json:
        emit_json(done.to_json())
    message(f"crm: recovered {done.copied.get('person', 0)} people and "
            f"{sum(done.copied.values())} rows in all into {literal(output)}")
    for name, count in sorted(done.skipped.items()):
        message(f"crm: {name}: {count} rows could not be read or copied")
    if done.cleared:
        message(f"crm: {done.cleared} references to lost rows were cleared (such as "
                "\"known via\" a person who was lost)")
    if done.skipped:
        ctx.exit(1)


# -- demo -----------------------------------------------------------------------------------


@cli.command()
@click.option("--people", "people_count", type=click.IntRange(min=2), default=None,
              help="Generate a network of N people instead (for scale tests).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed of the generated network (same seed, same network).")
@db_option
@json_option
def demo(people_count: int | None, seed: int, as_json: bool) -> None:
    """Load a realistic sample network (a few dozen people) into an empty database.

    With --people N, generate a network of N people with companies, positions over years,
    connections and interactions in realistic proportions.
    """
    database = get_db()
    if people_count is None:
        from crm.core.samples.demo import load_demo

        with database.write() as s:
            n = load_demo(s)
        if as_json:
            emit_json({"people": n, "me": "Jordan Lee"})
        message(f"crm: loaded the demo network: {n} people (you are Jordan Lee)")
        return
    import time

    from crm.core.samples.generate import generate_network

    began = time.perf_counter()
    with database.write() as s:
        made = generate_network(s, people_count, seed=seed)
    if as_json:
        emit_json(made.to_json())
    message(f"crm: generated {made.people} people, {made.companies} companies, "
            f"{made.positions} positions, {made.connections} connections, "
            f"{made.interactions} interactions in {time.perf_counter() - began:.1f} s "
            f"(you are {literal(made.me)})")


# -- people ---------------------------------------------------------------------------------


@cli.command()
@click.argument("query", required=False)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N people.")
@db_option
@json_option
def people(query: str | None, limit: int | None, as_json: bool) -> None:
    """List people, or search names, companies, titles, tags, notes, emails and phones."""
    from crm.core.contacts.everyone import can_stream, iter_everyone

    database = get_db()
    if as_json:
        # Streamed: each batch is read, written and dropped before the next one.
        with database.read() as s:
            if limit is None and _everyone(query) and can_stream(s):
                # Everyone: four ordered queries merged as they are read.
                emit_json_stream(iter_everyone(s), batch_text=people_rows_text)
                return
            from crm.core.contacts.people import iter_people

            emit_json_stream(iter_people(s, query, limit=limit), encode=person_item)
        return
    from crm.core.contacts.people import search_people

    with database.read() as s:
        found = search_people(s, query, limit=limit)
    if not found:
        message("crm: nobody matches" if query else "crm: no people yet (try crm import or "
                "crm demo)")
        return
    table(["id", "name", "company", "title", "email"],
          [[p.id, p.name + (" (me)" if p.is_me else ""), p.company or "", p.title or "",
            p.emails[0] if p.emails else ""] for p in found],
          max_widths=[0, 30, 28, 32, 36])


def _everyone(query: str | None) -> bool:
    """Whether ``query`` lists everyone (no words to search for)."""
    if not query:
        return True
    from crm.core.normalize import words

    return not words(query)


@cli.command()
@click.argument("person")
@db_option
@json_option
def show(person: str, as_json: bool) -> None:
    """Show one person whole: contact points, positions, connections, references, notes."""
    from crm.core.contacts.people import resolve_person
    from crm.core.contacts.profile import person_detail

    database = get_db()
    with database.read() as s:
        detail = person_detail(s, resolve_person(s, person).id)
    if as_json:
        emit_json(detail.to_json())
        return
    _print_person(detail)


def _print_person(d: PersonDetail) -> None:
    def line(label: str, value: object) -> None:
        if value:
            click.echo(f"{label:<12}{literal(value)}")

    click.echo(literal(d.name) + ("  (me)" if d.is_me else ""))
    line("headline", d.headline)
    if d.title or d.company:
        line("now", " at ".join(str(x) for x in (d.title, d.company) if x))
    line("known via", d.known_via)
    line("role", d.role)
    line("birthday", d.birthday)
    keep = d.keep_in_touch
    if keep.every_days or keep.at_most_days:
        line("keep touch", ", ".join(f"{k} {v} days" for k, v in (
            ("every", keep.every_days), ("at most", keep.at_most_days)) if v))
    for date in d.dates:
        line(date.label or "date", date.date)
    line("location", d.location)
    line("tags", ", ".join(d.tags))
    for cp in d.contact_points:
        line(cp.kind, cp.value + (f"  ({cp.label})" if cp.label else ""))
        if cp.address_label:
            for text_line in str(cp.address_label).splitlines():
                click.echo(" " * 14 + literal(text_line))
    for rel in d.relations:
        known = f"  (#{rel.person_id})" if rel.person_id else ""
        line(rel.label or "related", f"{rel.name}{known}")
    if d.note:
        click.echo("note")
        for text_line in str(d.note).splitlines():
            click.echo("  " + literal(text_line))
    if d.positions:
        click.echo("positions")
        for p in d.positions:
            span = p.span()
            kind = f" [{p.kind}]" if p.kind else ""
            team = f", {literal(p.department)}" if p.department else ""
            click.echo(f"  {span:<20} {literal(p.title or '')}{team} at "
                       f"{literal(p.company)}{kind}")
    if d.connections:
        click.echo("connections")
        for c in d.connections:
            extra = ""
            if c.derived:
                how = "maybe, from undated positions" if c.maybe else "derived"
                extra = f" ({how}: {literal(c.company)} {c.when('..')})"
            click.echo(f"  {literal(c.person)}: {c.kind}, strength {c.strength}{extra}")
    ref = d.reference
    if ref:
        click.echo(f"reference   {ref.status}"
                   + (f" - {literal(ref.relationship)}" if ref.relationship else ""))
    for r in d.referrals:
        click.echo(f"referral    {literal(r.referrer)} -> {literal(r.referred)} "
                   f"to {literal(r.target)} [{r.status}]")
    if d.interactions:
        click.echo("interactions")
        for i in d.interactions:
            click.echo(f"  {i.date.isoformat()}  {i.kind:<8} {literal(i.summary)}")
    if d.sources:
        click.echo("imported cards")
        for src in d.sources:
            name = ("(name not recorded)" if src.card_name is None
                    else literal(src.card_name))
            click.echo(f"  #{src.id:<5} {literal(src.file)}:{src.line}  {name}: "
                       f"{literal(src.how())}")
            if src.other_name:
                click.echo(f"         another name than {literal(d.name)}'s: not the same "
                           f"person? `crm split #{d.id} {src.id}` makes them their own")


# -- companies ------------------------------------------------------------------------------


@cli.command()
@click.argument("query", required=False)
@db_option
@json_option
def companies(query: str | None, as_json: bool) -> None:
    """List companies, or search them by name, alias or email domain."""
    from crm.core.contacts.companies import list_companies

    database = get_db()
    with database.read() as s:
        found = list_companies(s, query)
    if as_json:
        emit_json([c.to_json() for c in found])
        return
    if not found:
        message("crm: no company matches" if query else "crm: no companies yet")
        return
    table(["id", "name", "aliases", "domains", "now", "before"],
          [[c.id, c.name, ", ".join(c.aliases), ", ".join(c.domains), c.people_current,
            c.people_former] for c in found], max_widths=[0, 32, 30, 30, 0, 0])


# -- add ------------------------------------------------------------------------------------


@cli.group()
def add() -> None:
    """Add a person or a position."""


@add.command("person")
@click.argument("name")
@click.option("--email", "emails", multiple=True, help="Email address (repeatable).")
@click.option("--phone", "phones", multiple=True, help="Phone number (repeatable).")
@click.option("--me", is_flag=True, help="This person is me, the user.")
@click.option("--via", metavar="PERSON", help="I know this person only through PERSON.")
@click.option("--tag", "tags", multiple=True, help="Tag (repeatable).")
@click.option("--note", help="Free-text note.")
@db_option
@json_option
def add_person(name: str, emails: tuple[str, ...], phones: tuple[str, ...], me: bool,
               via: str | None, tags: tuple[str, ...], note: str | None, as_json: bool) -> None:
    """Add a person."""
    from crm.core.contacts.people import create_person, resolve_person, summarize

    database = get_db()
    with database.write() as s:
        via_person = resolve_person(s, via) if via else None
        person = create_person(s, name, emails=emails, phones=phones, me=me, via=via_person,
                               tags=tags, note=note)
        summary = summarize(person)
    if as_json:
        emit_json(summary.to_json())
    else:
        message(f"crm: added {literal(summary.name)} (#{summary.id})")


@add.command("position")
@click.argument("person")
@click.argument("company")
@click.option("--title", help="Job title.")
@click.option("--kind", help="full-time, intern, part-time, contract, volunteer, student...")
@click.option("--department", help="Department or team.")
@click.option("--start", help="Start date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--end", help="End date; no end means current.")
@new_company_option
@db_option
@json_option
def add_position_cmd(person: str, company: str, title: str | None, kind: str | None,
                     department: str | None, start: str | None, end: str | None,
                     new_company: bool, as_json: bool) -> None:
    """Add a position (employment history) for PERSON at COMPANY.

    COMPANY is a name, alias, email domain or #id of a company you have; a name like none
    of them creates the company, and a name close to one (a typo?) is refused with the
    close ones listed, unless --new-company.
    """
    from crm.core.contacts.people import resolve_person
    from crm.core.contacts.positions import add_position_at

    database = get_db()
    with database.write() as s, hint_new_company():
        who = resolve_person(s, person)
        added = add_position_at(s, who, company, new_company=new_company, title=title,
                                kind=kind, department=department, start=start, end=end)
        pos = added.position
        result = {"id": pos.id, "person": who.display_name, "company": pos.company.name,
                  "title": pos.title, "kind": pos.kind, "start": pos.start, "end": pos.end,
                  "current": pos.is_current, "company_created": added.company_created}
    if as_json:
        emit_json(result)
    else:
        created = " (new company)" if result["company_created"] else ""
        message(f"crm: {literal(result['person'])} - {literal(result['title'] or 'position')} "
                f"at {literal(result['company'])}{created}")


# -- link -----------------------------------------------------------------------------------


@cli.command("link")
@click.argument("person")
@click.argument("other")
@click.option("--kind", required=True, help="co-worker, fellow-intern, manager, mentor, "
              "classmate, recruiter, friend, introduced-by...")
@click.option("--strength", type=click.IntRange(1, 5), help="How strong, 1-5.")
@click.option("--note", help="How you know each other.")
@db_option
@json_option
def link_cmd(person: str, other: str, kind: str, strength: int | None, note: str | None,
             as_json: bool) -> None:
    """Record a connection: OTHER is PERSON's KIND (e.g. `crm link me Priya --kind mentor`)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.network import link

    database = get_db()
    with database.write() as s:
        a, b = resolve_person(s, person), resolve_person(s, other)
        conn = link(s, a, b, kind, strength=strength, note=note)
        result = {"id": conn.id, "person": a.display_name, "other": b.display_name,
                  "kind": conn.kind, "strength": conn.strength}
    if as_json:
        emit_json(result)
    else:
        message(f"crm: linked {literal(result['person'])} -> {literal(result['other'])} "
                f"({result['kind']}, strength {result['strength']})")


# -- entry point ----------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr (and a JSON object under --json).

    Exit codes (``crm.core.errors``): 0 done, 1 done in part, 2 bad input or usage,
    3 an unexpected failure; 130 interrupted.
    """
    from crm.cli.library_log import install
    from crm.core.errors import EXIT_BAD_INPUT, CrmError

    install()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            # Without standalone mode click returns (not raises) the code given to ctx.exit(n).
            code = cli.main(args=args, prog_name="crm", standalone_mode=False)
        except click.exceptions.Abort:
            message("crm: aborted")
            return 130
        except click.ClickException as err:
            err.show()
            _json_error(args, err.format_message(), "usage", EXIT_BAD_INPUT)
            return EXIT_BAD_INPUT if err.exit_code == 2 else err.exit_code
        except click.exceptions.Exit as err:
            return err.exit_code
        except KeyboardInterrupt:
            message("crm: interrupted")
            return 130
        except BrokenPipeError:
            return _quiet_after_broken_pipe()
        except CrmError as err:
            return _report(args, err)
        except Exception as err:  # never a traceback for the user; CRM_DEBUG=1 shows it
            if os.environ.get("CRM_DEBUG"):
                raise
            from crm.core.faults import explain

            return _report(args, explain(err))
        return code if isinstance(code, int) else 0
    except BrokenPipeError:  # the reader went away while we reported (`| head -1`)
        return _quiet_after_broken_pipe()


def _report(args: list[str], err: object) -> int:
    from crm.cli.wording import say
    from crm.core.errors import CrmError, DatabaseDamaged

    assert isinstance(err, CrmError)
    text = say(err)
    if isinstance(err, DatabaseDamaged) and err.path is not None:
        text += f"; `crm db recover --db {err.path} -o NEW` copies what can be read"
    message(f"crm: {literal(text)}" + (" (set CRM_DEBUG=1 for details)"
                                      if text.startswith("unexpected error") else ""))
    _json_error(args, text, err.kind, err.exit_code)
    return err.exit_code


def _json_error(args: list[str], text: str, kind: str, code: int) -> None:
    """Under --json, stdout says what failed too: {"error": {"message", "kind", "exit_code"}}."""
    options = args[: args.index("--")] if "--" in args else args
    if "--json" in options:
        emit_json({"error": {"message": text, "kind": kind, "exit_code": code}})


def _quiet_after_broken_pipe() -> int:
    """The reader of our stdout stopped reading: that is done, not a failure (exit 0).

    stdout is pointed at /dev/null so that Python's final flush does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(run())
