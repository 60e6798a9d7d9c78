"""Salvage a damaged SQLite database into a new file (``crm db recover -o NEW``).

crm copies every readable row, table by table, into a freshly made database: a table that
cannot be scanned whole is read row by row around the damage, and a row that cannot be
read, or that refers to a row that was lost, is counted as skipped. The damaged file is only
read, never changed, and the new file appears whole or not at all (``crm.core.files``).

Not SQLite's own ``.recover`` (of the ``sqlite3`` program): it is not always installed, and
the one Debian 12 ships (3.40.1) fails with "SQL logic error" on every database, even a
sound one-table file. Python's sqlite3 module does not offer the recovery API.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from crm.core.errors import CrmError
from crm.core.files import replacing

# Past the last row read by a scan, how many row ids are tried one by one for rows the
# damage hid (when the table's largest row id cannot be read either).
_PROBE_PAST = 10_000


@dataclass(frozen=True)
class Recovery:
    """What ``recover`` wrote: rows copied per table, and rows it could not copy."""

    path: Path
    copied: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)  # rows unreadable or refused
    cleared: int = 0  # optional references to lost rows, emptied ("known via" a lost person)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "copied": self.copied, "skipped": self.skipped,
                "cleared_references": self.cleared}


def recover(source: Path, dest: Path) -> Recovery:
    """Copy what can be read of the SQLite file ``source`` into a new database at ``dest``."""
    if not source.is_file():
        raise CrmError(f"{source}: no such database file")
    if dest.exists():
        raise CrmError(f"{dest}: already exists; recover into a new file")
    with replacing(dest) as tmp:
        try:
            copied, skipped, cleared = _row_by_row(source, tmp)
        except (sqlite3.Error, DBAPIError) as err:
            # Unreadable rows are counted in there: what escapes is the new file failing
            # (a full disk, a file-size limit), told as any failed write is.
            from crm.core.db import _backup_failure

            cause = err.orig if isinstance(err, DBAPIError) else err
            if not isinstance(cause, sqlite3.Error):
                raise
            raise _backup_failure(dest, cause) from None
    return Recovery(dest, copied, skipped, cleared)


def _row_by_row(source: Path, tmp: Path) -> tuple[dict[str, int], dict[str, int], int]:
    """Rows copied and skipped per table, and references to lost rows that were cleared."""
    from crm.core.db import open_database
    from crm.core.models import Base

    open_database(str(tmp)).dispose()  # the schema at this crm's head, made by the migrations
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    out = sqlite3.connect(tmp, isolation_level=None)
    copied: dict[str, int] = {}
    skipped: dict[str, int] = {}
    try:
        # References are checked once every table is in (a row may name a later one).
        out.execute("PRAGMA foreign_keys=OFF")
        out.execute("BEGIN")
        for table in Base.metadata.sorted_tables:
            have = {r[1] for r in _readable(src, f'PRAGMA table_info("{table.name}")')}
            columns = [c.name for c in table.columns if c.name in have]
            if not columns:
                skipped[table.name] = 0
                continue
            rows, unreadable = _read_table(src, table.name, columns)
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            insert = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
            refused = 0
            for row in rows:
                try:
                    out.execute("SAVEPOINT row")
                    out.execute(insert, row)
                    out.execute("RELEASE row")
                except sqlite3.DatabaseError:  # a value the new schema refuses
                    out.execute("ROLLBACK TO row")
                    out.execute("RELEASE row")
                    refused += 1
            copied[table.name] = len(rows) - refused
            if unreadable or refused:
                skipped[table.name] = unreadable + refused
        cleared = _drop_dangling(out, copied, skipped)
        out.execute("COMMIT")
    finally:
        src.close()
        out.close()
    return copied, skipped, cleared


def _drop_dangling(out: sqlite3.Connection, copied: dict[str, int],
                   skipped: dict[str, int]) -> int:
    """Rows that refer to a lost row: an optional reference ("known via") is cleared, a
    row that cannot be without it (a lost person's email) is dropped; until none is left."""
    cleared = 0
    while True:
        dangling = out.execute("PRAGMA foreign_key_check").fetchall()
        if not dangling:
            return cleared
        for table, rowid, _parent, fkid in dangling:
            keys = {r[0]: r for r in out.execute(f'PRAGMA foreign_key_list("{table}")')}
            column, on_delete = keys[fkid][3], keys[fkid][6]
            if on_delete == "SET NULL":
                out.execute(f'UPDATE "{table}" SET "{column}" = NULL WHERE rowid = ?', (rowid,))
                cleared += 1
                continue
            if out.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,)).rowcount:
                copied[table] -= 1
                skipped[table] = skipped.get(table, 0) + 1


def _read_table(src: sqlite3.Connection, table: str,
                columns: list[str]) -> tuple[list[tuple[Any, ...]], int]:
    """The rows of ``table`` that can be read, and how many row ids could not be read."""
    names = ", ".join(f'"{c}"' for c in columns)
    rows: list[tuple[Any, ...]] = []
    last = 0
    try:
        for row in src.execute(f'SELECT rowid, {names} FROM "{table}" ORDER BY rowid'):
            rows.append(row[1:])
            last = row[0]
        return rows, 0
    except sqlite3.DatabaseError:
        pass  # the scan stopped at the damage: go on around it, one row id at a time
    top = _readable(src, f'SELECT max(rowid) FROM "{table}"')
    high = top[0][0] if top and top[0][0] is not None else last + _PROBE_PAST
    unreadable = 0
    for rowid in range(last + 1, high + 1):
        try:
            found = src.execute(f'SELECT {names} FROM "{table}" WHERE rowid = ?',
                                (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            unreadable += 1
            continue
        if found is not None:
            rows.append(found)
    return rows, unreadable


def _readable(src: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    try:
        return src.execute(sql).fetchall()
    except sqlite3.DatabaseError:
        return []
