"""what a card says, stored: dates, named relations, roles, address parts, company cards

person.role (a card's ROLE); person_date (anniversaries and other labelled dates);
person_relation (a manager, assistant, spouse… a card names, linked to the person once
known); contact_point.address_parts / address_label (ADR as its seven parts, LABEL);
company photo, company_contact and company_tag (what a company card holds).

Revision ID: 0009_truth
Revises: 0005_import_truth
Create Date: 2026-12-06 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_truth"
down_revision: str | None = "0005_import_truth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=300), nullable=True))
    with op.batch_alter_table("contact_point", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_parts", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("address_label", sa.Text(), nullable=True))
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("photo_type", sa.String(length=50), nullable=True))
    op.create_table(
        "person_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_person_date_person_id_person"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_date")),
    )
    op.create_index(op.f("ix_person_date_person_id"), "person_date", ["person_id"])
    op.create_table(
        "person_relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("uid", sa.String(length=300), nullable=True),
        sa.Column("other_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_person_relation_person_id_person"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["person.id"],
                                name=op.f("fk_person_relation_other_id_person"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_relation")),
    )
    op.create_index(op.f("ix_person_relation_person_id"), "person_relation", ["person_id"])
    op.create_index(op.f("ix_person_relation_other_id"), "person_relation", ["other_id"])
    op.create_table(
        "company_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("normalized", sa.String(length=500), nullable=False),
        sa.Column("preferred", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("address_parts", sa.Text(), nullable=True),
        sa.Column("address_label", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"],
                                name=op.f("fk_company_contact_company_id_company"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_contact")),
    )
    op.create_index(op.f("ix_company_contact_company_id"), "company_contact", ["company_id"])
    op.create_table(
        "company_tag",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"],
                                name=op.f("fk_company_tag_company_id_company"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"],
                                name=op.f("fk_company_tag_tag_id_tag"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("company_id", "tag_id", name=op.f("pk_company_tag")),
    )
    op.create_index(op.f("ix_company_tag_tag_id"), "company_tag", ["tag_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_company_tag_tag_id"), table_name="company_tag")
    op.drop_table("company_tag")
    op.drop_index(op.f("ix_company_contact_company_id"), table_name="company_contact")
    op.drop_table("company_contact")
    op.drop_index(op.f("ix_person_relation_other_id"), table_name="person_relation")
    op.drop_index(op.f("ix_person_relation_person_id"), table_name="person_relation")
    op.drop_table("person_relation")
    op.drop_index(op.f("ix_person_date_person_id"), table_name="person_date")
    op.drop_table("person_date")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("photo_type")
        batch_op.drop_column("photo")
    with op.batch_alter_table("contact_point", schema=None) as batch_op:
        batch_op.drop_column("address_label")
        batch_op.drop_column("address_parts")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("role")
