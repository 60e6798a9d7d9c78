"""PostgreSQL: the sort-key triggers of 0008 write a person row only when its key changes

On PostgreSQL every UPDATE writes a new version of the row, and one that changes an indexed
column (company_key, last_contacted) also adds an entry to each of person's indexes, the
full-text one included (its tsvector computed again). 0008's triggers updated the person
for every position and interaction written, changed or not: an import of 10k cards wrote
every person twice. Now:

- a position that is not current (now, or before the change) cannot be anyone's company
  key: it leaves the person alone;
- the key is computed once and written only when it differs;
- an interaction added moves last_contacted only when it is later (the latest date is the
  greatest of the old one and the new one).

SQLite (whose UPDATE of an unchanged value is cheap) keeps 0008's triggers. The keys mean
the same as in 0008; only the writes that changed nothing are gone.

Revision ID: 0011_pg_scale
Revises: 0010_sync_ctag
Create Date: 2026-12-06 20:50:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import op

revision: str = "0011_pg_scale"
down_revision: str | None = "0010_sync_ctag"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same expressions as 0008 (copied: a migration never changes once released).
COMPANY_KEY = """(SELECT c.name_key FROM position p JOIN company c ON c.id = p.company_id
    WHERE p.person_id = {pid} AND p.is_current
    ORDER BY coalesce(p.start, '') DESC, p.id DESC LIMIT 1)"""
LAST_CONTACTED = "(SELECT max(i.occurred_on) FROM interaction i WHERE i.person_id = {pid})"

PG_UP = [
    f"""CREATE OR REPLACE FUNCTION crm_position_company_key() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        k text;
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.is_current THEN
            k := {COMPANY_KEY.format(pid='OLD.person_id')};
            UPDATE person SET company_key = k
            WHERE id = OLD.person_id AND company_key IS DISTINCT FROM k;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.is_current THEN
            k := {COMPANY_KEY.format(pid='NEW.person_id')};
            UPDATE person SET company_key = k
            WHERE id = NEW.person_id AND company_key IS DISTINCT FROM k;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION crm_interaction_last_contacted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        d date;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE person SET last_contacted = NEW.occurred_on
            WHERE id = NEW.person_id AND NEW.occurred_on IS NOT NULL
              AND (last_contacted IS NULL OR last_contacted < NEW.occurred_on);
            RETURN NULL;
        END IF;
        d := {LAST_CONTACTED.format(pid='OLD.person_id')};
        UPDATE person SET last_contacted = d
        WHERE id = OLD.person_id AND last_contacted IS DISTINCT FROM d;
        IF TG_OP = 'UPDATE' THEN
            d := {LAST_CONTACTED.format(pid='NEW.person_id')};
            UPDATE person SET last_contacted = d
            WHERE id = NEW.person_id AND last_contacted IS DISTINCT FROM d;
        END IF;
        RETURN NULL;
    END $$""",
]


def _scale_0008() -> Any:
    """Migration 0008, whose trigger functions a downgrade puts back."""
    path = Path(__file__).with_name("0008_scale.py")
    spec = importlib.util.spec_from_file_location("crm_migration_0008_scale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in PG_UP:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in _scale_0008().PG_UP:
        if sql.lstrip().startswith("CREATE FUNCTION"):
            op.execute(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
