"""the pref flag of a card's dated events and named relations

person_date.preferred / person_relation.preferred: a card's TYPE=pref (3.0) or PREF=1 (4.0)
on an X-ABDATE / ANNIVERSARY or an X-ABRELATEDNAMES / RELATED line, kept so that an export
writes it back. Rows stored before this revision were imported without it: false.

Revision ID: 0012_import_pref
Revises: 0011_pg_scale
Create Date: 2026-12-06 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_import_pref"
down_revision: str | None = "0011_pg_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("person_date", "person_relation")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both backends (no batch copy: see 0009_truth).
    for table in _TABLES:
        op.add_column(table, sa.Column("preferred", sa.Boolean(),
                                       server_default=sa.text("false"), nullable=False))


def downgrade() -> None:
    for table in _TABLES:
        if op.get_bind().dialect.name == "sqlite":
            # (SQLite >= 3.35 drops a column in place; alembic would copy the table)
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "preferred"')
        else:
            op.drop_column(table, "preferred")
