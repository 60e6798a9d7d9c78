"""Commands that keep the network true: duplicates and merge, delete and undelete."""

from __future__ import annotations

import sys

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message, one_line, table
from crm.core.errors import CrmError


def confirm(question: str, yes: bool) -> None:
    """Go on when ``--yes`` or the user says yes on a terminal; otherwise stop, exit 2."""
    if yes:
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise CrmError("not deleting without --yes (no terminal to ask on)")
    if not click.confirm(question, default=False, err=True):
        raise CrmError("nothing deleted")


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
    from crm.core.duplicates import find_duplicates

    database = get_db()
    with database.read() as s:
        pairs = find_duplicates(s, limit=limit, companies=not people_only)
    if as_json:
        emit_json([p.to_json() for p in pairs])
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
    from crm.core import merge

    choices = _parse_choices(takes)
    database = get_db()
    ctx = database.read() if dry_run else database.write()
    with ctx as s:
        if is_company:
            from crm.core.companies import resolve_company

            a, b = resolve_company(s, keep).id, resolve_company(s, other).id
            run = merge.plan_company_merge if dry_run else merge.merge_companies
        else:
            from crm.core.people import resolve_person

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


# -- delete and undelete -------------------------------------------------------------------


@cli.command("deleted")
@db_option
@json_option
def deleted_cmd(as_json: bool) -> None:
    """People you deleted: an import skips them; `crm undelete` brings one back."""
    from crm.core.tombstones import list_tombstones

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
    from crm.core.tombstones import resolve_tombstone, undelete

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
    from crm.core.editing import delete_person
    from crm.core.people import resolve_person
    from crm.core.tombstones import deletion_impact

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
