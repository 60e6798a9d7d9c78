"""``crm import`` and ``crm export``: contacts in (vCard, CSV, LinkedIn) and out (vCard), and
the whole database as one JSON backup (``crm export json``, ``crm import json FILE``).

The backup is schema-independent (see ``crm.core.backup``): a file written by one crm can be
restored into an empty database by a later one. ``crm import`` restores one when its first
argument is the word ``json`` (and no file has that name) or when it is given a crm backup
file directly. vobject and the readers are imported inside the commands so that
``crm people`` and ``crm who`` never pay for them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_data, emit_json, literal, message, one_line
from crm.core.errors import CrmError

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from crm.core.importing import CardOutcome, ImportReport

BACKUP_WORD = "json"
# Below this many steps (two per card: read, write) a progress bar would only flicker.
PROGRESS_MIN_STEPS = 400


@cli.command("import")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option("--rejected", "list_rejected", is_flag=True,
              help="List the cards earlier imports rejected (kept so they can be fixed).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="With --rejected: write their raw text to FILE, to fix and import again.")
@click.option("--forget-rejected", is_flag=True,
              help="Drop the kept rejected cards (once fixed and imported).")
@db_option
@json_option
@click.pass_context
def import_cmd(ctx: click.Context, files: tuple[Path, ...], dry_run: bool, list_rejected: bool,
               output: Path | None, forget_rejected: bool, as_json: bool) -> None:
    """Import contacts: vCard files (iPhone, Android, Google, Outlook, CardDAV exports),
    Google Contacts CSV, Outlook CSV, and LinkedIn's data export (the zip, its folder, or
    CSVs from it). Each is told apart by its content.

    Exit status: 0 when every card was imported, 1 when some were rejected (the rest are
    imported; see `crm import --rejected`) or when a line of an imported card could not be
    read as written (a byte in no charset, a line that is no property: each is named).

    `crm import json FILE` (or a crm JSON backup given directly) restores a backup written
    by `crm export json` into an empty database.
    """
    backup = backup_in_arguments(files)
    if backup is not None:
        if dry_run or list_rejected or forget_rejected or output is not None:
            raise CrmError("a JSON backup restore takes no other option than --db and --json")
        restore_backup(backup, as_json)
        return
    if list_rejected or forget_rejected:
        if files:
            raise CrmError("--rejected and --forget-rejected take no FILE")
        _rejected(list_rejected, output, forget_rejected, as_json)
        return
    if output is not None:
        raise CrmError("-o/--output goes with --rejected")
    if not files:
        raise CrmError("give one or more vCard files to import (or --rejected)")
    from crm.sources.importer import import_any

    database = get_db()
    with _progress() as progress:
        # Every file is read before anything is written: a missing or unreadable file fails
        # the whole command with one line and leaves the database as it was.
        report = import_any(database, files, dry_run=dry_run, progress=progress)
    if as_json:
        emit_json(report.to_json())
    else:
        _print_report(report)
    if report.rejected or report.damaged:
        ctx.exit(1)


class _Bar:
    """A progress bar on stderr, started only once the import turns out to be large."""

    def __init__(self) -> None:
        self.bar: ProgressBar[int] | None = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_MIN_STEPS:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="importing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar()
    try:
        yield bar
    finally:
        bar.close()


def _print_report(report: ImportReport) -> None:
    head = "crm: dry run, nothing written; would import" if report.dry_run else "crm: imported"
    parts = [f"{report.created} created", f"{report.updated} updated",
             f"{report.merged} merged", f"{report.unchanged} unchanged",
             (f"{report.companies_created} "
              f"{'company' if report.companies_created == 1 else 'companies'} created"),
             f"{len(report.rejected)} rejected"]
    if report.skipped_deleted:
        parts.append(f"{report.skipped_deleted} skipped (you deleted them)")
    message(f"{head}: " + ", ".join(parts))
    for o in report.outcomes:
        if o.action == "skipped_deleted":
            message(f"crm: {literal(o.file)}:{o.line}: {one_line(o.name)} skipped: you deleted "
                    "them (crm undelete restores them)")
    if report.dry_run:
        for action in ("created", "updated", "merged"):
            for o in report.outcomes:
                if o.action == action:
                    how = f"  (into {_match_words(o)})" if o.inferred else ""
                    message(f"  {action:<8} {one_line(o.name)}{how}")
    else:
        for o in report.inferred_matches:
            message(f"crm: {literal(o.file)}:{o.line}: {one_line(o.name)} merged into "
                    f"{_match_words(o)} (not the same person? `crm show #{o.person_id}` "
                    "lists the card; `crm split` undoes it)")
    for s in report.suggestions:
        others = ", ".join(f"{one_line(n)} (#{i})" for i, n in s.candidates)
        message(f"crm: {literal(s.file)}:{s.line}: {one_line(s.name)} {s.evidence} "
                f"{others}; not merged (review them: crm duplicates, crm merge)")
    extras = report.extras
    if extras is not None:
        message(f"crm: {extras.interactions} interactions, {extras.my_positions} of my "
                f"positions, {extras.references} reference candidates, "
                f"{extras.applications} applications"
                + (" (I was created from Profile.csv)" if extras.me_created else ""))
        for j in extras.job_changes:
            old = " at ".join(x for x in (j.old_title, j.old_company) if x) or "no position"
            new = " at ".join(x for x in (j.new_title, j.new_company) if x) or "no position"
            message(f"crm: job change: {one_line(j.name)}: {one_line(old)} -> {one_line(new)} "
                    f"(as of {j.as_of.isoformat()})")
        for f in extras.skipped_files:
            message(f"crm: {literal(f)}: not a file crm takes; skipped")
    for r in report.rejected:
        message(f"crm: {literal(r.file)}:{r.line}: {one_line(r.message)}")
    for w in report.warnings:
        message(f"crm: {literal(w.file)}:{w.line}: {one_line(w.message)}")
    if report.rejected and not report.dry_run:
        message("crm: rejected cards are kept: `crm import --rejected -o FILE` writes them out "
                "to fix and import again")


def _match_words(o: CardOutcome) -> str:
    """"Marcus Webb (#1) by the same phone +1 415 555 0101"."""
    return (f"{one_line(o.person_name or '')} (#{o.person_id}) by the same {o.matched_by} "
            f"{one_line(o.evidence or '')}")


def _rejected(show: bool, output: Path | None, forget: bool, as_json: bool) -> None:
    from crm.core.importing import forget_rejected, list_rejected

    database = get_db()
    if forget:
        with database.write() as s:
            n = forget_rejected(s)
        message(f"crm: forgot {n} rejected cards")
        return
    with database.read() as s:
        rows = list_rejected(s)
    if output is not None:
        from crm.core.files import write_file

        write_file(output, "".join(r.raw if r.raw.endswith("\n") else r.raw + "\r\n"
                                   for r in rows))
        message(f"crm: wrote {len(rows)} rejected cards to {literal(output)}")
    if as_json:
        emit_json([r.to_json() for r in rows])
    elif output is None:
        if not rows:
            message("crm: no rejected cards")
        for r in rows:
            click.echo(f"#{r.id}  {literal(r.file)}:{r.line}: {one_line(r.message)}")


@cli.group("export")
def export_group() -> None:
    """Export data to files."""


@export_group.command("vcard")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (mode 0600); default: standard output.")
@click.option("--version", "version", type=click.Choice(["3.0", "4.0"]), default="3.0",
              show_default=True, help="vCard version.")
@db_option
def export_vcard(output: Path | None, version: str) -> None:
    """All people as vCards (UID, N and FN always; unknown imported properties kept)."""
    from crm.core.files import write_file
    from crm.vcard.writer import export_vcards

    database = get_db()
    text = export_vcards(database, version)
    count = text.count("BEGIN:VCARD\r\n")
    if output is None:
        emit_data(text, kind="vcard")
        return
    write_file(output, text)
    message(f"crm: exported {count} people to {literal(output)}")


# -- the JSON backup -------------------------------------------------------------------------


def backup_in_arguments(files: Sequence[Path]) -> Path | None:
    """The backup that ``crm import FILE...`` names, or None when the files are vCards."""
    if files and str(files[0]) == BACKUP_WORD and not files[0].exists():
        if len(files) != 2:
            raise CrmError("usage: crm import json FILE (one backup file)")
        return files[1]
    from crm.core.backup import is_backup_file

    for path in files:
        if is_backup_file(path):
            if len(files) > 1:
                raise CrmError(f"{path}: a crm JSON backup is restored on its own "
                               f"(crm import json {path})")
            return path
    return None


def restore_backup(path: Path, as_json: bool) -> None:
    """Restore the backup at ``path`` into the selected database, which must be empty."""
    from crm.core.backup import load_backup, restore_database

    data = load_backup(path)
    database = get_db()
    database.check_sound()
    try:
        with database.write() as s:
            counts = restore_database(s, data)
    except CrmError as err:
        raise CrmError(f"{path}: {err}") from None
    if as_json:
        emit_json({"restored": counts})
        return
    message(f"crm: restored {counts.get('person', 0)} people, "
            f"{counts.get('company', 0)} companies and {sum(counts.values())} rows in all "
            f"from {literal(path)}")


@export_group.command("json")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (mode 0600); default: standard output.")
@db_option
def export_json(output: Path | None) -> None:
    """The whole database as a JSON backup (restore with `crm import json FILE`)."""
    from crm.core.backup import export_backup

    database = get_db()
    data = export_backup(database)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    tables = data["tables"]
    assert isinstance(tables, dict)
    if output is None:
        emit_data(text, kind="json")
        return
    from crm.core.files import write_file

    write_file(output, text)
    message(f"crm: backed up {len(tables.get('person', []))} people "
            f"({sum(len(rows) for rows in tables.values())} rows) to {literal(output)}")
