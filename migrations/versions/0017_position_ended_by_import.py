"""which imported card's merge ended a position

position.ended_by_import_id: the import_record whose card's merge ended this position (its
ORG was a new current job, so the person's other current positions ended, their end left
unknown: crm.core.importing.merge.update_position). Splitting that card off
(crm.core.upkeep.split) makes exactly those positions current again; any later change to
the position's ``is_current`` or ``end`` clears it. Before this revision split guessed them
by time: positions ended with no end date in the ten minutes before the card was recorded,
which reopened a position the user had ended by hand around an import and missed one ended
early in a long import.

Positions ended before this revision are filled in once, here, by that old guess (the only
way to know them now), so that splitting a card imported before keeps working as it did:
a position not current, with no end date and last changed at most ten minutes before an
imported card of the same person was recorded is taken as ended by the first such card
(one that matched someone already there: a card that created its person ended nothing).
From now on the importer records the card itself.

``ix_position_ended_by_import``: only the positions that have one (few), for the foreign
key's ON DELETE SET NULL when an import record is deleted. Not declared on the model (a
``postgresql_where`` there would make every command load the PostgreSQL dialect); listed in
``crm.core.contacts.search.UNMODELLED_NAMES``.

Revision ID: 0017_position_ended_by_import
Revises: 0016_import_match
Create Date: 2026-12-07 03:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_position_ended_by_import"
down_revision: str | None = "0016_import_match"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_position_ended_by_import_id_import_record"
INDEX = "ix_position_ended_by_import"

# Plain ALTER TABLE ADD COLUMN on SQLite too (no batch copy: see 0009_truth; a copy of
# position would also drop its company-key triggers), the foreign key inline and named as
# the models' naming convention names it.
SQLITE_ADD = ("ALTER TABLE position ADD COLUMN ended_by_import_id INTEGER "
              "CONSTRAINT fk_position_ended_by_import_id_import_record "
              "REFERENCES import_record (id) ON DELETE SET NULL")
CREATE_INDEX = ("CREATE INDEX ix_position_ended_by_import ON position (ended_by_import_id) "
                "WHERE ended_by_import_id IS NOT NULL")

# The old guess of crm.core.upkeep.split (its _MERGE_WINDOW, ten minutes), once.
_CANDIDATES = """FROM import_record r
    WHERE r.person_id = position.person_id AND r.status = 'imported'
      AND (r.matched_by IS NULL OR r.matched_by NOT IN ('created', 'split'))"""
SQLITE_BACKFILL = f"""UPDATE position SET ended_by_import_id = (
    SELECT r.id {_CANDIDATES}
      AND julianday(r.imported_at) >= julianday(position.updated_at)
      AND julianday(r.imported_at) <= julianday(position.updated_at) + 10.0 / 1440
    ORDER BY r.imported_at, r.id LIMIT 1)
WHERE NOT is_current AND "end" IS NULL AND updated_at IS NOT NULL"""
POSTGRESQL_BACKFILL = f"""UPDATE position SET ended_by_import_id = (
    SELECT r.id {_CANDIDATES}
      AND r.imported_at >= position.updated_at
      AND r.imported_at <= position.updated_at + interval '10 minutes'
    ORDER BY r.imported_at, r.id LIMIT 1)
WHERE NOT is_current AND "end" IS NULL AND updated_at IS NOT NULL"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(SQLITE_ADD)
    else:
        op.add_column("position", sa.Column("ended_by_import_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "position", "import_record", ["ended_by_import_id"], ["id"],
                              ondelete="SET NULL")
    op.execute(SQLITE_BACKFILL if sqlite else POSTGRESQL_BACKFILL)
    op.execute(CREATE_INDEX)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_position_ended_by_import")
    if op.get_bind().dialect.name == "sqlite":
        # (SQLite >= 3.35 drops a column in place; alembic would copy the table)
        op.execute("ALTER TABLE position DROP COLUMN ended_by_import_id")
    else:
        op.drop_constraint(FK, "position", type_="foreignkey")
        op.drop_column("position", "ended_by_import_id")
