"""``crm export json`` and ``crm import json FILE``: the whole database as one JSON file.

The backup is schema-independent (see ``crm.core.backup``): a file written by one crm can be
restored into an empty database by a later one. ``crm import`` hands over to
``restore_backup`` when its first argument is the word ``json`` (and no file has that name)
or when it is given a crm backup file directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import click

from crm.cli.context import db_option, get_db
from crm.cli.output import emit_data, emit_json, literal, message
from crm.cli.vcard import export_group
from crm.core.errors import CrmError

BACKUP_WORD = "json"
# dump_database writes "format" first; a backup re-indented by hand still has it near the top.
_BACKUP_HEAD = re.compile(rb'^\s*\{.{0,2000}?"format"\s*:\s*"crm-backup"', re.DOTALL)


def is_backup_file(path: Path) -> bool:
    """Whether ``path`` is a crm JSON backup (judged by its first bytes; unreadable: no)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return _BACKUP_HEAD.match(head) is not None


def backup_in_arguments(files: Sequence[Path]) -> Path | None:
    """The backup that ``crm import FILE...`` names, or None when the files are vCards."""
    if files and str(files[0]) == BACKUP_WORD and not files[0].exists():
        if len(files) != 2:
            raise CrmError("usage: crm import json FILE (one backup file)")
        return files[1]
    for path in files:
        if is_backup_file(path):
            if len(files) > 1:
                raise CrmError(f"{path}: a crm JSON backup is restored on its own "
                               f"(crm import json {path})")
            return path
    return None


def load_backup(path: Path) -> dict[str, object]:
    """The parsed backup file; anything else is one clear CrmError naming the file."""
    if not path.exists():
        raise CrmError(f"{path}: no such file")
    if path.is_dir():
        raise CrmError(f"{path}: is a directory, not a crm JSON backup")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CrmError(f"{path}: cannot read: {err.strerror}") from None
    if not raw.strip():
        raise CrmError(f"{path}: file is empty")
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise CrmError(f"{path}: not a crm JSON backup (not UTF-8 text)") from None
    except json.JSONDecodeError as err:
        raise CrmError(f"{path}: not a crm JSON backup (invalid JSON at line {err.lineno} "
                       f"column {err.colno})") from None
    from crm.core.backup import is_backup

    if not is_backup(data):
        raise CrmError(f"{path}: not a crm JSON backup (no \"format\": \"crm-backup\")")
    assert isinstance(data, dict)
    return data


def restore_backup(path: Path, as_json: bool) -> None:
    """Restore the backup at ``path`` into the selected database, which must be empty."""
    from crm.core.backup import restore_database

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
