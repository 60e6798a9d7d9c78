"""what imports learned, kept as such: how a domain was learned; undated positions dated

company_domain.source: how crm learned a domain (a work email of one of its people), None
when the user or a company card gave it. Positions imported before this revision with no
start get ``known_on`` = the day they were created, so that they hold as of then instead of
"since ever" for derived co-workers.

Revision ID: 0005_import_truth
Revises: 0004_suggestions
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_import_truth"
down_revision: str | None = "0004_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company_domain", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE position SET known_on = CAST(created_at AS DATE) "
                   "WHERE known_on IS NULL AND start IS NULL AND source <> 'manual'")
    else:
        op.execute("UPDATE position SET known_on = substr(created_at, 1, 10) "
                   "WHERE known_on IS NULL AND start IS NULL AND source <> 'manual'")


def downgrade() -> None:
    with op.batch_alter_table("company_domain", schema=None) as batch_op:
        batch_op.drop_column("source")
