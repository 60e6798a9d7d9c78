"""Full-fidelity JSON backup of the whole database, independent of the schema revision.

Every table is written row by row with column names, so a backup taken by one revision can be
restored by a later one (new columns take their defaults). Binary values (photos) are base64.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, LargeBinary, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.core.errors import CrmError
from crm.core.limits import TooLong, check_row
from crm.core.models import Base

if TYPE_CHECKING:
    from crm.core.db import Database

FORMAT = "crm-backup"
FORMAT_VERSION = 1
# Rows inserted per statement on restore (a refused batch is retried row by row).
RESTORE_BATCH = 1000


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def dump_database(session: Session) -> dict[str, Any]:
    """Everything in the database as JSON-ready data."""
    from crm.core.db import SCHEMA_HEAD

    tables: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        rows = session.execute(select(table).order_by(*pk)).mappings()
        tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": SCHEMA_HEAD,
        "exported_at": datetime.now(UTC).isoformat(),
        "tables": tables,
    }


def export_backup(db: Database) -> dict[str, Any]:
    """``dump_database`` from one consistent snapshot, even while others write.

    A SQLite read transaction already is a snapshot; PostgreSQL needs REPEATABLE READ, or
    each table would be read at a different moment.
    """
    with db.read() as session:
        if not db.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return dump_database(session)


def is_backup(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        if not (isinstance(value, dict) and isinstance(value.get("$base64"), str)):
            raise ValueError("is not base64")
        return base64.b64decode(value["$base64"], validate=True)
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    python_type = _python_type(column)
    if python_type is bool:
        if not isinstance(value, bool | int):
            raise ValueError("is not true or false")
    elif python_type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("is not a whole number")
    elif python_type is str and not isinstance(value, str):
        raise ValueError("is not text")
    return value


def _python_type(column: Any) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _decode_row(table: Any, cols: dict[str, Any], row: object, number: int) -> dict[str, Any]:
    """One backup row as column values; anything wrong named by table, row and column."""
    if not isinstance(row, dict):
        raise CrmError(f"backup: {table.name} row {number} is not an object")
    extra = set(row) - set(cols)
    if extra:
        raise CrmError(f"backup: {table.name} row {number} has unknown columns "
                       f"({', '.join(sorted(extra))}); upgrade crm to restore it")
    out = {}
    for key, value in row.items():
        column = cols[key]
        try:
            out[key] = _decode(column, value)
        except (ValueError, TypeError) as err:
            # (the value itself is not quoted: it may be a contact's text)
            reason = str(err) if str(err).startswith("is not") else "cannot be read"
            raise CrmError(f"backup: {table.name} row {number} column {key} {reason} "
                           f"(expected {_expected(column)})") from None
        if out[key] is None and not column.nullable and column.default is None \
                and column.server_default is None and not column.primary_key:
            raise CrmError(f"backup: {table.name} row {number} column {key} is empty, and it "
                           "must have a value")
    try:
        check_row(table, out)
    except TooLong as err:
        raise CrmError(f"backup: {table.name} row {number} column {err.column} is too long: "
                       f"{err.length} characters, at most {err.limit}") from None
    return out


def _expected(column: Any) -> str:
    if isinstance(column.type, LargeBinary):
        return '{"$base64": ...}'
    if isinstance(column.type, DateTime):
        return "a date and time, YYYY-MM-DDTHH:MM:SS"
    if isinstance(column.type, Date):
        return "a date, YYYY-MM-DD"
    python_type = _python_type(column)
    return {bool: "true or false", int: "a whole number", str: "text"}.get(
        python_type, "a value") if python_type else "a value"


def restore_database(session: Session, data: dict[str, Any]) -> dict[str, int]:
    """Load a backup into an EMPTY database; returns rows restored per table."""
    if not is_backup(data):
        raise CrmError("not a crm JSON backup (no \"format\": \"crm-backup\")")
    if int(data.get("format_version", 0)) > FORMAT_VERSION:
        raise CrmError("this backup was written by a newer crm; upgrade crm to restore it")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise CrmError("backup has no tables")
    known = {t.name: t for t in Base.metadata.sorted_tables}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise CrmError(f"backup has tables this crm does not know ({', '.join(unknown)}); "
                       "upgrade crm to restore it")
    for table in Base.metadata.sorted_tables:
        if session.scalar(select(func.count()).select_from(table)):
            raise CrmError(f"restore needs an empty database, but {table.name} has rows")
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        rows = tables.get(table.name) or []
        if not isinstance(rows, list):
            raise CrmError(f"backup: {table.name} is not a list of rows")
        cols = {c.name: c for c in table.columns}
        decoded = [_decode_row(table, cols, row, i) for i, row in enumerate(rows, 1)]
        for start in range(0, len(decoded), RESTORE_BATCH):
            _insert_batch(session, table, decoded[start:start + RESTORE_BATCH], start)
        counts[table.name] = len(decoded)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Explicit ids were inserted: move each sequence past them.
        for table in Base.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement is not False and counts.get(table.name):
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                    f"(SELECT max(\"{pk[0].name}\") FROM \"{table.name}\"))"))
    return counts


def _insert_batch(session: Session, table: Any, rows: list[dict[str, Any]], start: int) -> None:
    """Insert ``rows``; a row the database refuses (a duplicate, a reference to a row that
    is not there) is found again one row at a time, so that the message can name it."""
    try:
        with session.begin_nested():
            session.execute(insert(table), rows)
        return
    except IntegrityError:
        pass
    for i, row in enumerate(rows, start + 1):
        try:
            with session.begin_nested():
                session.execute(insert(table), [row])
        except IntegrityError as err:
            raise CrmError(f"backup: {table.name} row {i} cannot be restored: "
                           f"{_integrity_reason(err)}") from None
    raise CrmError(f"backup: {table.name} rows {start + 1}-{start + len(rows)} cannot be "
                   "restored together (they refer to one another out of order)")


def _integrity_reason(err: IntegrityError) -> str:
    low = str(err.orig).lower()
    if "unique" in low or "duplicate" in low:
        return "it repeats a value that must be unique (an id, UID, tag or domain)"
    if "foreign key" in low:
        return "it refers to a row that is not in the backup"
    if "not null" in low or "null value" in low:
        return "a column that must have a value is empty"
    return "the database refused it"


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
    if not is_backup(data):
        raise CrmError(f"{path}: not a crm JSON backup (no \"format\": \"crm-backup\")")
    assert isinstance(data, dict)
    return data
