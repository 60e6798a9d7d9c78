"""how each imported card was matched to its person, and on what evidence

import_record.matched_by: "created" (the card made the person), "uid", "profile",
"email", "phone" (the card was matched to someone already there by that value) or
"same card" (a sync card linked to its person before). import_record.match_evidence: the
value that matched (the UID, URL, address or number as the card wrote it).
import_record.card_name: the name on the card (its FN), shown beside the person's. Cards
recorded
before this revision were imported without it: NULL, shown as not recorded.

Revision ID: 0016_import_match
Revises: 0015_sqlite_key_writes
Create Date: 2026-12-06 23:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_import_match"
down_revision: str | None = "0015_sqlite_key_writes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("matched_by", "match_evidence", "card_name")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both backends (no batch copy: see 0009_truth).
    op.add_column("import_record", sa.Column("matched_by", sa.String(20), nullable=True))
    op.add_column("import_record", sa.Column("match_evidence", sa.Text(), nullable=True))
    op.add_column("import_record", sa.Column("card_name", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in _COLUMNS:
        if op.get_bind().dialect.name == "sqlite":
            # (SQLite >= 3.35 drops a column in place; alembic would copy the table)
            op.execute(f'ALTER TABLE "import_record" DROP COLUMN "{column}"')
        else:
            op.drop_column("import_record", column)
