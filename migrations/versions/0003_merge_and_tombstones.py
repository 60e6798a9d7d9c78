"""merged people and companies keep their ids (aliases); deleted people leave tombstones

Revision ID: 0003_merge_tombstones
Revises: 0002_network_search
Create Date: 2026-12-01 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_merge_tombstones"
down_revision: str | None = "0002_network_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_alias",
        sa.Column("old_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=300), nullable=True),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_person_alias_person_id_person"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("old_id", name=op.f("pk_person_alias")),
    )
    with op.batch_alter_table("person_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_alias_person_id"), ["person_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_person_alias_uid"), ["uid"], unique=False)

    op.create_table(
        "company_merged",
        sa.Column("old_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"],
                                name=op.f("fk_company_merged_company_id_company"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("old_id", name=op.f("pk_company_merged")),
    )
    with op.batch_alter_table("company_merged", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_merged_company_id"), ["company_id"],
                              unique=False)

    op.create_table(
        "tombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstone")),
    )
    op.create_table(
        "tombstone_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tombstone_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["tombstone_id"], ["tombstone.id"],
                                name=op.f("fk_tombstone_key_tombstone_id_tombstone"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstone_key")),
    )
    with op.batch_alter_table("tombstone_key", schema=None) as batch_op:
        batch_op.create_index("ix_tombstone_key_kind_value", ["kind", "value"], unique=False)
        batch_op.create_index(batch_op.f("ix_tombstone_key_tombstone_id"), ["tombstone_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tombstone_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tombstone_key_tombstone_id"))
        batch_op.drop_index("ix_tombstone_key_kind_value")
    op.drop_table("tombstone_key")
    op.drop_table("tombstone")
    with op.batch_alter_table("company_merged", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_merged_company_id"))
    op.drop_table("company_merged")
    with op.batch_alter_table("person_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_alias_uid"))
        batch_op.drop_index(batch_op.f("ix_person_alias_person_id"))
    op.drop_table("person_alias")
