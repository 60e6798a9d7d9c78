"""Full-fidelity JSON backup of the whole database, independent of the schema revision.

Every table is written row by row with column names, so a backup taken by one revision can be
restored by a later one (new columns take their defaults). Binary values (photos) are base64.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, LargeBinary, func, insert, select, text
from sqlalchemy.orm import Session

from crm.core.errors import CrmError
from crm.core.models import Base

if TYPE_CHECKING:
    from crm.core.db import Database

FORMAT = "crm-backup"
FORMAT_VERSION = 1


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
        if not (isinstance(value, dict) and "$base64" in value):
            raise CrmError(f"backup: column {column.table.name}.{column.name} is not base64")
        return base64.b64decode(value["$base64"])
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


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
        cols = {c.name: c for c in table.columns}
        decoded = []
        for i, row in enumerate(rows, 1):
            extra = set(row) - set(cols)
            if extra:
                raise CrmError(f"backup: {table.name} row {i} has unknown columns "
                               f"({', '.join(sorted(extra))}); upgrade crm to restore it")
            decoded.append({k: _decode(cols[k], v) for k, v in row.items()})
        if decoded:
            session.execute(insert(table), decoded)
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
