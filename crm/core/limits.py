"""The longest value each text column holds, checked before any write, on every backend.

PostgreSQL refuses a value longer than its ``varchar(n)``; SQLite stores it anyway. So that
one database never accepts what the other refuses (and a SQLite backup restores into
PostgreSQL), crm checks every ``String(n)`` value itself before it is written: a longer
value is refused with one line that names what is too long, never cut. Derived values
count too (a name's folded key can be longer than the name: "ß" folds to "ss").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import String, Table, event
from sqlalchemy.orm import Mapper, Session, UOWTransaction, object_mapper
from sqlalchemy.orm.attributes import instance_state

from crm.core.errors import InvalidInput

# What a column is called in a message, in the user's words (default: "table column").
_WORDS = {
    ("person", "display_name"): "name",
    ("person", "sort_key"): "name (folded for sorting)",
    ("person", "given_name"): "given name",
    ("person", "family_name"): "family name",
    ("person", "additional_names"): "additional names",
    ("person", "name_prefix"): "name prefix",
    ("person", "name_suffix"): "name suffix",
    ("person", "uid"): "UID",
    ("person", "source"): "source (the imported file's path)",
    ("person", "photo_type"): "photo type",
    ("contact_point", "normalized"): "email, phone or URL (normalized)",
    ("contact_point", "label"): "label of an email, phone or URL",
    ("tag", "name"): "tag",
    ("company", "name"): "company name",
    ("company", "name_key"): "company name (folded for matching)",
    ("company_alias", "alias"): "company alias",
    ("company_alias", "alias_key"): "company alias (folded for matching)",
    ("company_domain", "domain"): "email domain",
    ("position", "title"): "title",
    ("position", "department"): "department",
    ("position", "kind"): "kind of position",
    ("connection", "kind"): "kind of connection",
    ("connection", "context_event"): "event",
    ("application", "role"): "role",
    ("application", "url"): "application URL",
    ("reference", "preferred_contact"): "preferred contact",
}


class TooLong(InvalidInput):
    """A value longer than its column holds (on any backend)."""

    def __init__(self, table: str, column: str, length: int, limit: int) -> None:
        self.table, self.column, self.length, self.limit = table, column, length, limit
        super().__init__(f"{describe(table, column)} is too long: {length} characters, at "
                         f"most {limit}")


def describe(table: str, column: str) -> str:
    return _WORDS.get((table, column), f"{table} {column.replace('_', ' ')}")


@cache
def limits(table: Table) -> tuple[tuple[str, int], ...]:
    """(column name, longest value) of each limited text column of ``table``."""
    return tuple((c.name, int(c.type.length)) for c in table.columns
                 if isinstance(c.type, String) and c.type.length)


def limit_of(table: Table, column: str) -> int:
    return dict(limits(table))[column]


def check_row(table: Table, row: Mapping[str, Any]) -> None:
    """Raise ``TooLong`` for the first value of ``row`` that ``table`` cannot hold."""
    for name, limit in limits(table):
        value = row.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise TooLong(table.name, name, len(value), limit)


def check_rows(table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        check_row(table, row)


@cache
def _mapped_limits(mapper: Mapper[Any]) -> tuple[tuple[str, str, int], ...]:
    """(attribute, column, longest) of each limited text column a mapped class writes."""
    table = mapper.local_table
    assert isinstance(table, Table)
    by_column = dict(limits(table))
    out = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if column.table is table and column.name in by_column:
            out.append((attr.key, column.name, by_column[column.name]))
    return tuple(out)


def _check_before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for obj in session.new:
        _check_object(obj, None)
    for obj in session.dirty:
        # Only what changed: a value stored before these checks existed does not block an
        # unrelated edit of the same row.
        _check_object(obj, instance_state(obj).committed_state)


def _check_object(obj: object, changed: Mapping[str, Any] | None) -> None:
    mapper = object_mapper(obj)
    values = obj.__dict__
    for attr, column, limit in _mapped_limits(mapper):
        if changed is not None and attr not in changed:
            continue
        value = values.get(attr)
        if isinstance(value, str) and len(value) > limit:
            raise TooLong(mapper.local_table.name, column, len(value), limit)  # type: ignore[attr-defined]


def install() -> None:
    """Check every session's writes (idempotent)."""
    if not event.contains(Session, "before_flush", _check_before_flush):
        event.listen(Session, "before_flush", _check_before_flush)
