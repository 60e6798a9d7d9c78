"""suggestions awaiting review (inferred ties, same-name people); when a position was known

Revision ID: 0004_suggestions
Revises: 0003_merge_tombstones
Create Date: 2026-12-01 15:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_suggestions"
down_revision: str | None = "0003_merge_tombstones"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("connection_kind", sa.String(length=30), nullable=True),
        sa.Column("since", sa.String(length=10), nullable=True),
        sa.Column("context_company_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status in ('open','accepted','dismissed')",
                           name=op.f("ck_suggestion_status")),
        sa.CheckConstraint("person_id <> other_id", name=op.f("ck_suggestion_not_self")),
        sa.ForeignKeyConstraint(["context_company_id"], ["company.id"],
                                name=op.f("fk_suggestion_context_company_id_company"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["other_id"], ["person.id"],
                                name=op.f("fk_suggestion_other_id_person"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_suggestion_person_id_person"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
        sa.UniqueConstraint("kind", "person_id", "other_id", "connection_kind",
                            name="uq_suggestion_pair"),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index("ix_suggestion_status", ["status", "id"], unique=False)
        batch_op.create_index("ix_suggestion_other", ["other_id"], unique=False)
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.add_column(sa.Column("known_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.drop_column("known_on")
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestion_other")
        batch_op.drop_index("ix_suggestion_status")
    op.drop_table("suggestion")
