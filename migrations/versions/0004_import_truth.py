"""what imports learned, kept as such: when a position was known, how a domain was learned

position.known_on: the date an import learned of a position (the card's REV, else the day of
the import), so that an undated position holds as of then instead of "since ever"; positions
imported before this revision get the day they were created. company_domain.source: how crm
learned a domain (a work email), None when the user added it.

Revision ID: 0004_import_truth
Revises: 0003_merge_tombstones
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_import_truth"
down_revision: str | None = "0003_merge_tombstones"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.add_column(sa.Column("known_on", sa.String(length=10), nullable=True))
    with op.batch_alter_table("company_domain", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Text(), nullable=True))
    # Imported undated positions were learned when they were created.
    op.execute(
        "UPDATE position SET known_on = substr(CAST(created_at AS TEXT), 1, 10) "
        "WHERE start IS NULL AND source <> 'manual'")


def downgrade() -> None:
    with op.batch_alter_table("company_domain", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.drop_column("known_on")
