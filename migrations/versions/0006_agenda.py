"""the networking agenda: keep-in-touch intervals, to-dos; a reference use once per application

person.keep_every_days / keep_at_most_days and the same on tag: how often to keep in touch.
todo: dated follow-ups on a person or an application, manual or proposed by crm.
reference_use: exporting the same list again for one application used to log another use;
the extra rows are folded into the first (notified if any of them was).

Revision ID: 0006_agenda
Revises: 0007_sync
Create Date: 2026-12-06 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_agenda"
down_revision: str | None = "0007_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("person", "tag"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("keep_every_days", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("keep_at_most_days", sa.Integer(), nullable=True))
    op.create_table(
        "todo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("origin", sa.String(length=30), nullable=True),
        sa.Column("origin_key", sa.String(length=100), nullable=True),
        sa.Column("reference_use_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status in ('open','done','dismissed')", name=op.f("ck_todo_status")),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_todo_application_id_application"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_todo_person_id_person"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reference_use_id"], ["reference_use.id"],
                                name=op.f("fk_todo_reference_use_id_reference_use"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"],
                                name=op.f("fk_todo_referral_id_referral"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todo")),
        sa.UniqueConstraint("origin_key", name=op.f("uq_todo_origin_key")),
    )
    with op.batch_alter_table("todo", schema=None) as batch_op:
        batch_op.create_index("ix_todo_person_id", ["person_id"], unique=False)
        batch_op.create_index("ix_todo_application_id", ["application_id"], unique=False)
        batch_op.create_index("ix_todo_status_due", ["status", "due_on"], unique=False)
    # One use per reference per application: the first use stays, notified if any was.
    op.execute(
        "UPDATE reference_use SET notified = true, notified_on = ("
        "SELECT min(o.notified_on) FROM reference_use o WHERE o.notified "
        "AND o.reference_id = reference_use.reference_id "
        "AND o.application_id = reference_use.application_id) "
        "WHERE application_id IS NOT NULL AND NOT notified AND EXISTS ("
        "SELECT 1 FROM reference_use o WHERE o.notified "
        "AND o.reference_id = reference_use.reference_id "
        "AND o.application_id = reference_use.application_id)")
    op.execute(
        "DELETE FROM reference_use WHERE application_id IS NOT NULL AND id NOT IN ("
        "SELECT min(id) FROM reference_use WHERE application_id IS NOT NULL "
        "GROUP BY reference_id, application_id)")


def downgrade() -> None:
    with op.batch_alter_table("todo", schema=None) as batch_op:
        batch_op.drop_index("ix_todo_status_due")
        batch_op.drop_index("ix_todo_application_id")
        batch_op.drop_index("ix_todo_person_id")
    op.drop_table("todo")
    for table in ("tag", "person"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("keep_at_most_days")
            batch_op.drop_column("keep_every_days")
