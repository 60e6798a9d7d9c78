"""SQLite: the company-key triggers of 0008 write a person row only when the key changes

0008's triggers on position rewrote the person row (and its entry in
ix_person_company_order) for every position inserted, updated or deleted, changed or not.
An import writes the key with the person already; a later export in which every card has a
new title closes one current position and opens another at the same company per person:
two rewrites of every person that changed no key (~0.9 s CPU of 10k changed cards, on
top of the one write the merge itself needs). Now, as 0011 did for PostgreSQL:

- a position that is not current (before or after the change) cannot be anyone's company
  key: the trigger does not fire (its WHEN);
- the key is written only where it differs (``IS NOT``: NULL-safe).

The keys mean the same as in 0008; only the writes that changed nothing are gone. The
trigger on company (a renamed company) and those on interaction are left as they were.
PostgreSQL: nothing (0011).

Revision ID: 0015_sqlite_key_writes
Revises: 0014_name_index
Create Date: 2026-12-07 00:15:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import op

revision: str = "0015_sqlite_key_writes"
down_revision: str | None = "0014_name_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same expression as 0008 (copied: a migration never changes once released).
COMPANY_KEY = """(SELECT c.name_key FROM position p JOIN company c ON c.id = p.company_id
    WHERE p.person_id = {pid} AND p.is_current
    ORDER BY coalesce(p.start, '') DESC, p.id DESC LIMIT 1)"""
NEW_KEY = COMPANY_KEY.format(pid="new.person_id")
OLD_KEY = COMPANY_KEY.format(pid="old.person_id")
ANY_KEY = COMPANY_KEY.format(pid="person.id")
TRIGGERS = ["person_company_key_ai", "person_company_key_ad", "person_company_key_au"]

SQLITE_UP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "CREATE TRIGGER person_company_key_ai AFTER INSERT ON position WHEN new.is_current "
    f"BEGIN UPDATE person SET company_key = {NEW_KEY} "
    f"WHERE id = new.person_id AND company_key IS NOT {NEW_KEY}; END",
    "CREATE TRIGGER person_company_key_ad AFTER DELETE ON position WHEN old.is_current "
    f"BEGIN UPDATE person SET company_key = {OLD_KEY} "
    f"WHERE id = old.person_id AND company_key IS NOT {OLD_KEY}; END",
    "CREATE TRIGGER person_company_key_au "
    "AFTER UPDATE OF person_id, company_id, is_current, start ON position "
    "WHEN old.is_current OR new.is_current "
    f"BEGIN UPDATE person SET company_key = {ANY_KEY} "
    f"WHERE id IN (old.person_id, new.person_id) AND company_key IS NOT {ANY_KEY}; END",
]


def _scale_0008() -> Any:
    """Migration 0008, whose triggers a downgrade puts back."""
    path = Path(__file__).with_name("0008_scale.py")
    spec = importlib.util.spec_from_file_location("crm_migration_0008_scale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for sql in SQLITE_UP:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in _scale_0008().SQLITE_TRIGGERS:
        if sql.split()[2] in TRIGGERS:  # CREATE TRIGGER <name> ...
            op.execute(sql)
