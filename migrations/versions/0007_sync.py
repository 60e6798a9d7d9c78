"""two-way sync: the targets crm syncs with and each card's last synced state

sync_target: a vdir folder or a CardDAV address book (with its user name, never a
password), when it was last synced and that sync's report. sync_card: one card of a target:
its file name or href, ETag, the content hash and raw text of the last synced version (the
merge base), the hash of crm's fields then, and whom it is about.

Revision ID: 0007_sync
Revises: 0009_truth
Create Date: 2026-12-06 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sync"
down_revision: str | None = "0009_truth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=1000), nullable=False),
        sa.Column("username", sa.String(length=300), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_report", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_target")),
        sa.UniqueConstraint("kind", "location", name="uq_sync_target_kind_location"),
    )
    op.create_table(
        "sync_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("crm_hash", sa.String(length=64), nullable=False),
        sa.Column("base", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["sync_target.id"],
                                name=op.f("fk_sync_card_target_id_sync_target"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_sync_card_person_id_person"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_card")),
        sa.UniqueConstraint("target_id", "name", name="uq_sync_card_target_name"),
    )
    op.create_index(op.f("ix_sync_card_person_id"), "sync_card", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_card_person_id"), table_name="sync_card")
    op.drop_table("sync_card")
    op.drop_table("sync_target")
