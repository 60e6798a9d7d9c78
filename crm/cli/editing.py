"""Commands that keep the network true: duplicates and merge, delete and undelete."""

from __future__ import annotations

import sys

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import (
    duplicate_item,
    emit_json,
    emit_json_stream,
    literal,
    message,
    one_line,
    table,
)
from crm.core.errors import CrmError


def confirm(question: str, yes: bool, doing: str = "deleting",
            done: str = "deleted") -> None:
    """Go on when ``--yes`` or the user says yes on a terminal; otherwise stop, exit 2."""
    if yes:
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise CrmError(f"not {doing} without --yes (no terminal to ask on)")
    if not click.confirm(question, default=False, err=True):
        raise CrmError(f"nothing {done}")


# -- duplicates and merge ------------------------------------------------------------------


@cli.command("duplicates")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N pairs.")
@click.option("--people-only", is_flag=True, help="Leave out duplicate companies.")
@db_option
@json_option
def duplicates_cmd(limit: int | None, people_only: bool, as_json: bool) -> None:
    """Likely duplicate people and companies, best first, with the evidence.

    Evidence: a shared email, phone or URL; the same name (accents and case aside), names
    that are nicknames or initials of one another; the same company. Merge a pair with
    `crm merge KEEP OTHER` (or `crm merge --company KEEP OTHER`).
    """
    from crm.core.bulk import gc_paused
    from crm.core.upkeep.duplicates import find_duplicates

    database = get_db()
    with database.read() as s:
        pairs = find_duplicates(s, limit=limit, companies=not people_only)
    if as_json:
        with gc_paused():  # (tens of thousands of pairs at 100k people)
            emit_json_stream([pairs], encode=duplicate_item)
        return
    if not pairs:
        message("crm: no likely duplicates")
        return
    table(["score", "kind", "keep", "other", "evidence"],
          [[p.score, p.kind, f"#{p.keep.id} {p.keep.name}", f"#{p.other.id} {p.other.name}",
            "; ".join(f"{e.kind}: {e.detail}" for e in p.evidence)] for p in pairs],
          max_widths=[0, 0, 30, 30, 60])


def _parse_choices(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise CrmError(f"bad --take {v!r}: use FIELD=keep or FIELD=other")
        name, side = v.split("=", 1)
        out[name.strip().replace("-", "_")] = side.strip()
    return out


@cli.command("merge")
@click.argument("keep")
@click.argument("other")
@click.option("--company", "is_company", is_flag=True,
              help="KEEP and OTHER are companies (name, alias, domain or #id).")
@click.option("--take", "takes", multiple=True, metavar="FIELD=keep|other",
              help="Whose value a field both have gets (default: KEEP's); repeatable.")
@click.option("--dry-run", is_flag=True, help="Say what the merge would do; change nothing.")
@db_option
@json_option
def merge_cmd(keep: str, other: str, is_company: bool, takes: tuple[str, ...], dry_run: bool,
              as_json: bool) -> None:
    """Merge OTHER into KEEP: nothing is lost, OTHER's id keeps leading to KEEP.

    People: KEEP gets the union of contact points, positions, connections, interactions,
    reference and its uses, referrals, tags, notes and imported cards; a value of OTHER's
    it does not take is written into KEEP's note. Companies (--company): both names stay
    (one as an alias), domains are united, positions and applications move.
    """
    from crm.core.upkeep import company_merge, merge

    choices = _parse_choices(takes)
    database = get_db()
    ctx = database.read() if dry_run else database.write()
    with ctx as s:
        if is_company:
            from crm.core.contacts.companies import resolve_company

            a, b = resolve_company(s, keep).id, resolve_company(s, other).id
            run = (company_merge.plan_company_merge if dry_run
                   else company_merge.merge_companies)
        else:
            from crm.core.contacts.people import resolve_person

            a, b = resolve_person(s, keep).id, resolve_person(s, other).id
            run = merge.plan_merge if dry_run else merge.merge_people
        plan = run(s, a, b, choices)  # type: ignore[arg-type]
    if as_json:
        emit_json({**plan.to_json(), "dry_run": dry_run})
        return
    what = "would merge" if dry_run else "merged"
    message(f"crm: {what} #{plan.other_id} {literal(plan.other_name)} into "
            f"#{plan.keep_id} {literal(plan.keep_name)}")
    for f in plan.fields:
        if f.conflict or f.taken == "other":
            how = "chosen" if f.conflict else "filled in"
            message(f"  {f.field}: {one_line(f.value)} ({how}; was {one_line(f.keep or '-')} / "
                    f"{one_line(f.other or '-')})")
    if plan.moved:
        message("  moved: " + ", ".join(f"{n} {k}" for k, n in plan.moved))
    if plan.same:
        message("  already the same (folded together): "
                + ", ".join(f"{n} {k}" for k, n in plan.same))
    if plan.self_links:
        message(f"  {plan.self_links} link(s) between the two dropped (nobody links to "
                "themselves)")
    if plan.note_added:
        message(f"  added to the note: {one_line(plan.note_added)}")


# -- split an imported card off ------------------------------------------------------------


@cli.command("split")
@click.argument("person")
@click.argument("card")
@click.option("--dry-run", is_flag=True, help="Say what the split would do; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask.")
@db_option
@json_option
def split_cmd(person: str, card: str, dry_run: bool, yes: bool, as_json: bool) -> None:
    """Undo a match: imported CARD (its id, as `crm show PERSON` lists it) becomes a person
    of its own, and PERSON loses what only that card brought.

    Kept on both, and said so: the value the match was made on, what another of PERSON's
    cards has, and what crm cannot tell from your own edits. A later import of the same
    card does not merge it into PERSON again. Asks on a terminal; --yes in scripts.
    """
    from crm.core.contacts.people import resolve_person
    from crm.core.upkeep.split import split_card
    from crm.sources.records import read_record, read_touches

    rid = record_id(card, "card")
    database = get_db()
    with database.read() as s:
        pid = resolve_person(s, person).id
        plan = split_card(s, pid, rid, read_record, dry_run=True, touches=read_touches)
    if not dry_run:
        confirm(f"Split card #{rid} ({one_line(plan.new_name)}) off "
                f"{one_line(plan.person_name)} (#{plan.person_id})"
                + (f", taking {', '.join(plan.removed)}" if plan.removed else "") + "?",
                yes, doing="splitting", done="split")
        with database.write() as s:
            plan = split_card(s, pid, rid, read_record, touches=read_touches)
    if as_json:
        emit_json({**plan.to_json(), "dry_run": dry_run})
        return
    new = f" (#{plan.new_person_id})" if plan.new_person_id is not None else ""
    message(f"crm: {'would split' if dry_run else 'split'} card #{rid} "
            f"{literal(plan.card.file)}:{plan.card.line} off {literal(plan.person_name)} "
            f"(#{plan.person_id}): {literal(plan.new_name)}{new} is a person of their own")
    for what in plan.removed:
        message(f"  taken off {one_line(plan.person_name)}: {one_line(what)}")
    for what in plan.kept:
        message(f"  kept on both: {one_line(what)}")
    for what in plan.restored:
        message(f"  current again for {one_line(plan.person_name)} (the card's merge had "
                f"ended it): {one_line(what)}")


# -- delete and undelete -------------------------------------------------------------------


@cli.command("deleted")
@db_option
@json_option
def deleted_cmd(as_json: bool) -> None:
    """People you deleted: an import skips them; `crm undelete` brings one back."""
    from crm.core.upkeep.tombstones import list_tombstones

    database = get_db()
    with database.read() as s:
        stones = list_tombstones(s)
    if as_json:
        emit_json([t.to_json() for t in stones])
        return
    if not stones:
        message("crm: nobody deleted")
        return
    table(["id", "name", "deleted", "matched by"],
          [[f"#{t.person_id}", t.name, t.deleted_at.strftime("%Y-%m-%d %H:%M"),
            ", ".join(v for k, v in t.keys if k != "card")] for t in stones],
          max_widths=[0, 30, 0, 60])


@cli.command("undelete")
@click.argument("person")
@db_option
@json_option
def undelete_cmd(person: str, as_json: bool) -> None:
    """Restore a deleted PERSON (#ID they had, or their name) with all that went with them."""
    from crm.core.upkeep.tombstones import resolve_tombstone, undelete

    database = get_db()
    with database.write() as s:
        back = undelete(s, resolve_tombstone(s, person))
    if as_json:
        emit_json(back.to_json())
        return
    message(f"crm: restored {literal(back.name)} (#{back.person_id})")
    for what in back.not_restored:
        message(f"  not restored: {literal(what)}")


@cli.group("rm")
def rm() -> None:
    """Delete a record: asks on a terminal; --yes in scripts (without it, exit 2)."""


@rm.command("person")
@click.argument("person")
@click.option("--yes", is_flag=True, help="Do not ask.")
@db_option
@json_option
def rm_person(person: str, yes: bool, as_json: bool) -> None:
    """Delete PERSON and everything that goes with them (a tombstone stays: an import skips
    them, `crm undelete` restores them)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.upkeep.editing import delete_person
    from crm.core.upkeep.tombstones import deletion_impact

    database = get_db()
    with database.read() as s:
        impact = deletion_impact(s, resolve_person(s, person).id)
    goes = impact.items()
    confirm(f"Delete {one_line(impact.name)} (#{impact.person_id})"
            + (f" and {', '.join(goes)}" if goes else "") + "?", yes)
    with database.write() as s:
        delete_person(s, impact.person_id)
    if as_json:
        emit_json({"deleted": impact.to_json()})
        return
    message(f"crm: deleted {literal(impact.name)} (#{impact.person_id})"
            + (f" and {', '.join(goes)}" if goes else "")
            + "; an import will skip them (crm undelete restores them)")


# -- correcting every record ---------------------------------------------------------------


def record_id(text: str, what: str) -> int:
    """``12`` or ``#12``: the id of a record (``crm show PERSON --json`` lists them)."""
    value = text.strip().lstrip("#")
    if not value.isdigit():
        raise CrmError(f"bad {what} id {text!r}: use the number from `crm show PERSON --json`")
    return int(value)


def _said(kind: str, what: str, as_json: bool, data: dict[str, object]) -> None:
    if as_json:
        emit_json(data)
    else:
        message(f"crm: {kind} {literal(what)}")


@cli.group("edit")
def edit() -> None:
    """Correct a record: `crm edit KIND ID --field value` (an empty value clears a field)."""


@edit.command("person")
@click.argument("person")
@click.option("--name", "display_name", help="The name shown everywhere.")
@click.option("--given", "given_name", help="Given (first) name.")
@click.option("--family", "family_name", help="Family (last) name.")
@click.option("--nickname")
@click.option("--pronouns")
@click.option("--headline")
@click.option("--location")
@click.option("--birthday", help="YYYY-MM-DD, --MM-DD (no year) or YYYY.")
@click.option("--tags", help="Comma-separated: the tags the person has after the edit.")
@click.option("--note")
@click.option("--me/--not-me", "me", default=None, help="Mark or unmark this person as you.")
@click.option("--via", metavar="PERSON", help="I know this person only through PERSON.")
@click.option("--no-via", is_flag=True, help="Forget whom I know this person through.")
@click.option("--every", "every", metavar="INTERVAL",
              help="Keep in touch every INTERVAL: 10d, 3w, 2m, 1y ('' clears).")
@click.option("--at-most", "at_most", metavar="INTERVAL",
              help="Never let the silence go past INTERVAL ('' clears).")
@db_option
@json_option
def edit_person(person: str, me: bool | None, via: str | None, no_via: bool,
                every: str | None, at_most: str | None, as_json: bool,
                **fields: str | None) -> None:
    """Correct PERSON's names, headline, birthday, tags, note; mark or unmark me; --via;
    how often to keep in touch (--every, --at-most)."""
    from crm.core.contacts.people import resolve_person, summarize, summary_loader
    from crm.core.models import Person
    from crm.core.upkeep.editing import update_person
    from crm.core.upkeep.records import set_me_and_via

    changes = {k: v for k, v in fields.items() if v is not None}
    database = get_db()
    with database.write() as s:
        who = resolve_person(s, person)
        via_person = resolve_person(s, via) if via else None
        if changes:
            update_person(s, who.id, changes)
        if me is not None or via_person is not None or no_via:
            set_me_and_via(s, who.id, me=me, via=via_person, clear_via=no_via)
        keep = None
        if every is not None or at_most is not None:
            from crm.core.agenda.intervals import set_person_interval

            keep = set_person_interval(s, s.get(Person, who.id) or who, every=every,
                                       at_most=at_most)
        s.expire_all()
        from sqlalchemy import select

        summary = summarize(s.scalars(select(Person).where(Person.id == who.id)
                                      .options(*summary_loader())).one())
    data = summary.to_json()
    if keep is not None:
        data["keep_in_touch"] = keep.to_json()
    _said("updated", f"{summary.name} (#{summary.id})", as_json, data)


@edit.command("tag")
@click.argument("tag")
@click.option("--every", "every", metavar="INTERVAL",
              help="Keep in touch with everyone tagged so every INTERVAL ('' clears).")
@click.option("--at-most", "at_most", metavar="INTERVAL",
              help="Never let their silence go past INTERVAL ('' clears).")
@db_option
@json_option
def edit_tag(tag: str, every: str | None, at_most: str | None, as_json: bool) -> None:
    """How often to keep in touch with everyone tagged TAG (a person's own interval wins)."""
    from crm.core.agenda.intervals import describe_days, find_tag, set_tag_interval

    database = get_db()
    with database.write() as s:
        keep = set_tag_interval(s, find_tag(s, tag), every=every, at_most=at_most)
    how = ", ".join(f"{label} {describe_days(d)}" for label, d in
                    (("every", keep.every_days), ("at most", keep.at_most_days)) if d)
    _said("updated tag", f"{keep.name}: keep in touch {how or '(default)'}", as_json,
          keep.to_json())


def _position_json(pos: object) -> dict[str, object]:
    from crm.core.models import Position

    assert isinstance(pos, Position)
    return {"id": pos.id, "person_id": pos.person_id, "company": pos.company.name,
            "title": pos.title, "department": pos.department, "kind": pos.kind,
            "start": pos.start, "end": pos.end, "current": pos.is_current}


@edit.command("position")
@click.argument("position_id")
@click.option("--title")
@click.option("--team", "department", help="Department or team.")
@click.option("--kind", help="full-time, intern, part-time, contract, volunteer, student...")
@click.option("--start", help="YYYY, YYYY-MM or YYYY-MM-DD ('' clears it).")
@click.option("--end", help="YYYY, YYYY-MM or YYYY-MM-DD: the position is past ('' makes it "
              "current again).")
@click.option("--current/--not-current", "current", default=None)
@click.option("--company", help="Move it to COMPANY (name, alias, domain or #id you have).")
@click.option("--note")
@db_option
@json_option
def edit_position(position_id: str, company: str | None, as_json: bool,
                  **fields: str | bool | None) -> None:
    """Correct a position's title, team, kind, dates or company."""
    from crm.core.contacts.companies import resolve_company
    from crm.core.upkeep.records import update_position

    database = get_db()
    with database.write() as s:
        at = resolve_company(s, company) if company else None
        pos = update_position(s, record_id(position_id, "position"), company=at,
                              **fields)  # type: ignore[arg-type]
        data = _position_json(pos)
    _said("updated position", f"#{data['id']} {data['title'] or ''} at {data['company']}",
          as_json, data)


@cli.group("end")
def end() -> None:
    """End something that was current: `crm end position ID [--on DATE]`."""


@end.command("position")
@click.argument("position_id")
@click.option("--on", "on", help="When it ended: YYYY, YYYY-MM or YYYY-MM-DD (default: today).")
@db_option
@json_option
def end_position_cmd(position_id: str, on: str | None, as_json: bool) -> None:
    """The position is over (today, or --on DATE); history keeps it."""
    from crm.core.upkeep.records import end_position

    database = get_db()
    with database.write() as s:
        data = _position_json(end_position(s, record_id(position_id, "position"), on))
    _said("ended position", f"#{data['id']} at {data['company']} on {data['end']}", as_json,
          data)


@edit.command("connection")
@click.argument("connection_id")
@click.option("--kind")
@click.option("--strength", type=click.IntRange(1, 5))
@click.option("--note")
@click.option("--since", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--how-met", "how_met")
@db_option
@json_option
def edit_connection(connection_id: str, as_json: bool, **fields: object) -> None:
    """Correct a connection's kind, strength, note, since or how you met."""
    from crm.core.upkeep.records import update_connection

    database = get_db()
    with database.write() as s:
        c = update_connection(s, record_id(connection_id, "connection"),
                              **fields)  # type: ignore[arg-type]
        data = {"id": c.id, "person": c.person.display_name, "other": c.other.display_name,
                "kind": c.kind, "strength": c.strength, "note": c.note, "since": c.since}
    _said("updated connection", f"#{data['id']} {data['person']} -> {data['other']} "
          f"({data['kind']}, strength {data['strength']})", as_json, data)


@edit.command("interaction")
@click.argument("interaction_id")
@click.option("--kind")
@click.option("--on", "on", help="YYYY-MM-DD.")
@click.option("--text", "summary", help="What happened.")
@db_option
@json_option
def edit_interaction(interaction_id: str, as_json: bool, **fields: str | None) -> None:
    """Correct an interaction's kind, date or text."""
    from crm.core.upkeep.records import update_interaction

    database = get_db()
    with database.write() as s:
        i = update_interaction(s, record_id(interaction_id, "interaction"), **fields)
        data = {"id": i.id, "person_id": i.person_id, "kind": i.kind,
                "date": i.occurred_on.isoformat(), "summary": i.summary}
    _said("updated interaction", f"#{data['id']} {data['kind']} on {data['date']}", as_json,
          data)


@edit.command("application")
@click.argument("application_id")
@click.option("--company", help="COMPANY (name, alias, domain or #id you have).")
@click.option("--role")
@click.option("--stage")
@click.option("--applied", "applied_on", help="YYYY-MM-DD ('' clears it).")
@click.option("--interview", "interview_on", help="YYYY-MM-DD ('' clears it).")
@click.option("--closed", "closed_on", help="YYYY-MM-DD ('' clears it).")
@click.option("--url")
@click.option("--note")
@db_option
@json_option
def edit_application(application_id: str, company: str | None, as_json: bool,
                     **fields: str | None) -> None:
    """Correct an application's company, role, stage or dates."""
    from crm.core.contacts.companies import resolve_company
    from crm.core.jobhunt.applications import application_detail
    from crm.core.upkeep.records import update_application_fields

    database = get_db()
    with database.write() as s:
        at = resolve_company(s, company) if company else None
        app = update_application_fields(s, record_id(application_id, "application"),
                                        company=at, **fields)
        data = application_detail(s, app).to_json()
    _said("updated application", f"#{data['id']} {data['role']} at {data['company']}",
          as_json, data)


@edit.command("referral")
@click.argument("referral_id")
@click.option("--status")
@click.option("--note")
@click.option("--asked", "asked_on", help="YYYY-MM-DD.")
@db_option
@json_option
def edit_referral(referral_id: str, as_json: bool, **fields: str | None) -> None:
    """Correct a referral's status, note or the day it was asked."""
    from crm.core.jobhunt.referrals import referral_view
    from crm.core.upkeep.records import update_referral

    database = get_db()
    with database.write() as s:
        data = referral_view(update_referral(s, record_id(referral_id, "referral"),
                                    **fields)).to_json()  # type: ignore[arg-type]
    _said("updated referral", f"#{data['id']} by {data['referrer']} ({data['status']})",
          as_json, data)


@edit.command("reference")
@click.argument("person")
@click.option("--status", help="not-asked, asked, agreed or declined.")
@click.option("--relationship")
@click.option("--speaks-to", "speaks_to")
@click.option("--since", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--preferred-contact", "preferred_contact")
@click.option("--strength", type=click.IntRange(1, 5))
@db_option
@json_option
def edit_reference(person: str, as_json: bool, **fields: object) -> None:
    """Correct PERSON's reference entry (the same fields as `crm refs add`)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.jobhunt.references import _view, set_reference

    database = get_db()
    with database.write() as s:
        ref = set_reference(s, resolve_person(s, person), **fields)  # type: ignore[arg-type]
        data = _view(ref).to_json()
    _said("updated reference", f"{data.get('name') or person} ({data.get('status')})",
          as_json, data)


@edit.command("contact")
@click.argument("contact_id")
@click.option("--value", help="The email, phone, URL... as it should read.")
@click.option("--label", help="work, home, cell...")
@click.option("--kind", help="email, phone, url, social, address or other.")
@click.option("--preferred/--not-preferred", "preferred", default=None)
@db_option
@json_option
def edit_contact(contact_id: str, as_json: bool, **fields: object) -> None:
    """Correct a contact point in place (its id is in `crm show PERSON --json`)."""
    from crm.core.upkeep.records import update_contact

    database = get_db()
    with database.write() as s:
        cp = update_contact(s, record_id(contact_id, "contact point"),
                            **fields)  # type: ignore[arg-type]
        data = {"id": cp.id, "person_id": cp.person_id, "kind": cp.kind, "value": cp.value,
                "label": cp.label, "preferred": cp.preferred}
    _said("updated", f"{data['kind']} {data['value']}", as_json, data)


@edit.command("company")
@click.argument("company")
@click.option("--name", help="Rename the company.")
@click.option("--industry")
@click.option("--website")
@click.option("--location")
@click.option("--note")
@db_option
@json_option
def edit_company(company: str, as_json: bool, **fields: str | None) -> None:
    """Rename a company or correct its industry, website, location, note."""
    from crm.core.contacts.companies import company_summary, resolve_company
    from crm.core.upkeep.editing import update_company

    changes = {k: v for k, v in fields.items() if v is not None}
    database = get_db()
    with database.write() as s:
        c = resolve_company(s, company)
        update_company(s, c.id, changes)
        data = company_summary(s, c.id).to_json()
    _said("updated company", f"#{data['id']} {data['name']}", as_json, data)


# -- deleting every record -----------------------------------------------------------------


def _rm(kind: str, describe: object, run: object, yes: bool, as_json: bool) -> None:
    """Ask (or need --yes), then delete in one write; ``describe``/``run`` take a session."""
    database = get_db()
    with database.read() as s:
        what = describe(s)  # type: ignore[operator]
    confirm(f"Delete {kind} {one_line(what)}?", yes)
    with database.write() as s:
        gone = run(s)  # type: ignore[operator]
    if as_json:
        emit_json({"deleted": kind, "what": gone})
    else:
        message(f"crm: deleted {kind} {literal(gone)}")


def _rm_command(kind: str, model_name: str, runner: str, help_text: str) -> None:
    @rm.command(kind, help=help_text)
    @click.argument("record")
    @click.option("--yes", is_flag=True, help="Do not ask.")
    @db_option
    @json_option
    def command(record: str, yes: bool, as_json: bool) -> None:
        from crm.core import models
        from crm.core.upkeep import records

        rid = record_id(record, kind)
        model = getattr(models, model_name)

        def describe(s: object) -> str:
            from sqlalchemy.orm import Session

            assert isinstance(s, Session)
            row = s.get(model, rid)
            if row is None:
                raise CrmError(f"no {kind} with id {rid}")
            return f"#{rid}"

        _rm(kind, describe, lambda s: getattr(records, runner)(s, rid), yes, as_json)


for _kind, _model, _runner, _help in (
        ("position", "Position", "delete_position", "Delete a position (by its id)."),
        ("connection", "Connection", "delete_connection", "Unlink two people (connection id)."),
        ("interaction", "Interaction", "delete_interaction", "Delete an interaction (by id)."),
        ("application", "Application", "delete_application",
         "Delete an application; its referrals and reference uses stay, without it."),
        ("referral", "Referral", "delete_referral", "Delete a referral (by its id)."),
        ("contact", "ContactPoint", "delete_contact", "Remove a contact point (by its id).")):
    _rm_command(_kind, _model, _runner, _help)


@rm.command("reference")
@click.argument("person")
@click.option("--yes", is_flag=True, help="Do not ask.")
@db_option
@json_option
def rm_reference(person: str, yes: bool, as_json: bool) -> None:
    """PERSON is no longer a reference (the log of its uses goes too)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.upkeep.records import delete_reference

    _rm("reference", lambda s: resolve_person(s, person).display_name,
        lambda s: delete_reference(s, resolve_person(s, person)), yes, as_json)


@rm.command("company")
@click.argument("company")
@click.option("--yes", is_flag=True, help="Do not ask.")
@db_option
@json_option
def rm_company(company: str, yes: bool, as_json: bool) -> None:
    """Delete a company no position or application uses (else says what uses it)."""
    from crm.core.contacts.companies import resolve_company
    from crm.core.upkeep.records import CompanyInUse, company_use, delete_company

    def describe(s: object) -> str:
        c = resolve_company(s, company)  # type: ignore[arg-type]
        use = company_use(s, c.id)  # type: ignore[arg-type]
        if use.used:
            raise CompanyInUse(c.name, use)
        return f"#{c.id} {c.name}"

    _rm("company", describe, lambda s: delete_company(s, resolve_company(s, company).id), yes,
        as_json)


# -- the interaction log -------------------------------------------------------------------


@cli.command("log")
@click.argument("person")
@click.argument("text")
@click.option("--kind", default="note", show_default=True,
              help="call, coffee, email, message, meeting, met, event, note or other.")
@click.option("--on", "on", help="YYYY-MM-DD (default: today).")
@db_option
@json_option
def log_cmd(person: str, text: str, kind: str, on: str | None, as_json: bool) -> None:
    """Log what happened with PERSON ("last contacted" follows from the log)."""
    from datetime import date

    from crm.core.contacts.people import resolve_person
    from crm.core.upkeep.editing import add_interaction

    database = get_db()
    with database.write() as s:
        who = resolve_person(s, person)
        entry = add_interaction(s, who.id, kind, on or date.today(), text)
        data = {"id": entry.id, "person_id": who.id, "person": who.display_name,
                "kind": entry.kind, "date": entry.occurred_on.isoformat(),
                "summary": entry.summary}
    _said("logged", f"{data['kind']} with {data['person']} on {data['date']} "
          f"(#{data['id']})", as_json, data)
