"""``crm sync vdir DIR`` and ``crm sync carddav URL --user U``: two-way sync.

The loop is ``crm.sync.engine``; the other side is a ``crm.sync`` store. A password is taken
from the system keyring (``keyring``, when installed), else ``CRM_CARDDAV_PASSWORD``, else
asked for on a terminal; it is never stored or printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message, one_line
from crm.core.errors import CrmError

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from crm.sync.engine import SyncReport
    from crm.sync.store import Store


@cli.group("sync")
def sync_group() -> None:
    """Two-way sync with a vdir (khard, vdirsyncer) or a CardDAV server (a phone's)."""


def _common(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--dry-run", is_flag=True,
                     help="List every create, update, delete and conflict both ways; "
                          "write nothing.")(f)
    f = click.option("--apply-deletions", is_flag=True,
                     help="Delete in crm the people whose card was deleted on the other "
                          "side (otherwise listed as proposals only).")(f)
    f = click.option("--apply", "apply_ids", multiple=True, metavar="ID",
                     help="Apply the deletion proposal of this person (#ID or ID; "
                          "repeatable): delete them in crm.")(f)
    f = click.option("--refuse-deletions", is_flag=True,
                     help="Refuse every deletion proposal: keep those people in crm and "
                          "write their cards there again.")(f)
    f = click.option("--refuse", "refuse_ids", multiple=True, metavar="ID",
                     help="Refuse the deletion proposal of this person (#ID or ID; "
                          "repeatable): keep them and write their card there again, so it "
                          "is not proposed again.")(f)
    return json_option(db_option(f))


class Deletions:
    """What to do with the deletion proposals, as the options say."""

    def __init__(self, apply_all: bool, apply_ids: tuple[str, ...], refuse_all: bool,
                 refuse_ids: tuple[str, ...]) -> None:
        self.apply_ids = _person_ids(apply_ids, "--apply")
        self.refuse_ids = _person_ids(refuse_ids, "--refuse")
        both = self.apply_ids & self.refuse_ids
        if both:
            raise CrmError(f"#{min(both)}: both --apply and --refuse; choose one")
        if (apply_all and (refuse_all or self.refuse_ids)) or (refuse_all and self.apply_ids):
            raise CrmError("--apply-deletions and --refuse-deletions (or --refuse with "
                           "--apply-deletions, --apply with --refuse-deletions) contradict "
                           "each other; choose one")
        self.apply: bool | frozenset[int] = apply_all or self.apply_ids
        self.refuse: bool | frozenset[int] = refuse_all or self.refuse_ids

    def named(self) -> frozenset[int]:
        return self.apply_ids | self.refuse_ids


def _person_ids(values: tuple[str, ...], option: str) -> frozenset[int]:
    out = set()
    for value in values:
        digits = value.strip().removeprefix("#")
        if not digits.isdigit():
            raise CrmError(f"{option} {one_line(value)}: not a person's id (#ID or ID, as "
                           "the deletion proposals list them)")
        out.add(int(digits))
    return frozenset(out)


@sync_group.command("vdir")
@click.argument("folder", type=click.Path(path_type=Path))
@_common
@click.pass_context
def sync_vdir(ctx: click.Context, folder: Path, dry_run: bool, apply_deletions: bool,
              apply_ids: tuple[str, ...], refuse_deletions: bool, refuse_ids: tuple[str, ...],
              as_json: bool) -> None:
    """Sync with a vdir FOLDER: one UID.vcf per person, as khard and vdirsyncer keep it.

    People changed in crm rewrite their file; files added or changed by khard, vdirsyncer or
    a phone are imported (matched as `crm import` does) and merged field by field; a file
    deleted there is a deletion proposal: applied with --apply-deletions or --apply ID,
    refused with --refuse-deletions or --refuse ID (the file is written again).
    """
    from crm.sync.vdir import VdirStore

    deletions = Deletions(apply_deletions, apply_ids, refuse_deletions, refuse_ids)
    _run(ctx, VdirStore(folder), None, dry_run, deletions, as_json)


@sync_group.command("carddav")
@click.argument("url")
@click.option("--user", "username", required=True, help="The CardDAV user name.")
@_common
@click.pass_context
def sync_carddav(ctx: click.Context, url: str, username: str, dry_run: bool,
                 apply_deletions: bool, apply_ids: tuple[str, ...], refuse_deletions: bool,
                 refuse_ids: tuple[str, ...], as_json: bool) -> None:
    """Sync with the CardDAV address book at URL (Radicale, Nextcloud, Fastmail, iCloud…).

    The password comes from the system keyring (service URL or "crm", user USER), else
    CRM_CARDDAV_PASSWORD, else a prompt on a terminal; it is never stored or printed. The
    first sync with an address book backs up a SQLite database first. A card deleted
    there is a deletion proposal, applied or refused as with a vdir.
    """
    from crm.sync.carddav import CardDavStore

    deletions = Deletions(apply_deletions, apply_ids, refuse_deletions, refuse_ids)
    password = carddav_password(username, url)
    _run(ctx, CardDavStore(url, username, password), username, dry_run, deletions, as_json)


def _run(ctx: click.Context, store: Store, username: str | None, dry_run: bool,
         deletions: Deletions, as_json: bool) -> None:
    from crm.sync.engine import sync

    database = get_db()
    bar = _Bar() if sys.stderr.isatty() else None
    try:
        report = sync(database, store, username=username, dry_run=dry_run,
                      apply_deletions=deletions.apply, refuse_deletions=deletions.refuse,
                      progress=bar)
    finally:
        if bar is not None:
            bar.close()
        store.close()
    chosen = {a.person_id for a in report.actions
              if a.side == "crm" and a.action in ("deleted", "kept")}
    unknown = sorted(deletions.named() - chosen)
    if as_json:
        emit_json(report.to_json())
    else:
        _print(report)
    for pid in unknown:
        message(f"crm: #{pid}: no deletion proposal is about them; nothing applied or "
                "refused for them")
    if unknown or report.failed or (report.imported is not None
                         and (report.imported.rejected or report.imported.damaged)):
        ctx.exit(1)


class _Bar:
    """One progress bar per phase (listing, fetching, importing, comparing, writing)."""

    MIN = 200

    def __init__(self) -> None:
        self.bar: ProgressBar[int] | None = None
        self.phase = ""
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase, self.done = phase, 0
            if total >= self.MIN:
                self.bar = click.progressbar(length=total, label=phase, file=sys.stderr)
                self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _print(report: SyncReport) -> None:
    data = report.to_json()
    head = "crm: dry run, nothing written; would sync" if report.dry_run else "crm: synced"
    where = f"{report.kind} {literal(report.location)}"
    crm_side = ", ".join(f"{n} {a}" for a, n in data["crm"].items())
    remote = ", ".join(f"{n} {a}" for a, n in data["remote"].items())
    message(f"{head} with {where}: crm: {crm_side}; there: {remote}; "
            f"{report.unchanged} unchanged, {len(report.conflicts)} conflicts, "
            f"{len(report.deletion_proposals)} deletion proposals")
    if report.backup:
        message(f"crm: backed up the database first: {literal(report.backup)}")
    if report.dry_run or len(report.actions) <= 50:
        for a in report.actions:
            if a.action == "unchanged-etag":
                continue
            side = "in crm " if a.side == "crm" else "there  "
            message(f"  {side} {a.action:<8} {one_line(a.person) or '-'} "
                    f"({one_line(a.name)})")
    for c in report.conflicts:
        message(f"crm: conflict: {one_line(c.person)} ({one_line(c.name)}): {c.field}: kept "
                f"{one_line(c.kept or '(empty)')}; theirs {one_line(c.other or '(empty)')} "
                "is in the note")
    for p in report.deletion_proposals:
        message(f"crm: deleted there: {one_line(p.person)} (#{p.person_id}, "
                f"{one_line(p.name)}); still in crm: sync again with --apply "
                f"{p.person_id} to delete them, or --refuse {p.person_id} to keep them "
                "and write their card there again")
    if report.deletions_withheld:
        message(f"crm: {report.deletions_withheld}")
    for name, why in report.failed:
        message(f"crm: {one_line(name)}: {one_line(why)}")
    imp = report.imported
    if imp is not None:
        for r in imp.rejected:
            message(f"crm: {literal(r.file)}:{r.line}: rejected: {one_line(r.message)}")


def carddav_password(user: str, url: str) -> str:
    """The keyring's password for ``user`` at ``url``, else CRM_CARDDAV_PASSWORD, else one
    typed on a terminal; never stored or printed."""
    from crm.sync.targets import keyring_password

    found = keyring_password(user, url)
    if found:
        return found
    env = os.environ.get("CRM_CARDDAV_PASSWORD")
    if env:
        return env
    if sys.stdin.isatty():
        return str(click.prompt(f"CardDAV password for {user}", hide_input=True,
                                err=True))
    raise CrmError("no CardDAV password: store it in the keyring (keyring set URL USER), "
                   "set CRM_CARDDAV_PASSWORD, or run on a terminal to be asked")
