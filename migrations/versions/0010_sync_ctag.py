"""sync: an address book's CTag, to skip the listing when nothing changed there

sync_target.remote_version: the CTag (getctag) the CardDAV address book had when the last
sync with it changed nothing on either side; the same CTag at the next sync means nothing
changed there, so crm does not list every card again. NULL: list (a vdir, a server without
CTags, or a sync that changed something).

Revision ID: 0010_sync_ctag
Revises: 0008_scale
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_sync_ctag"
down_revision: str | None = "0008_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remote_version", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_target", schema=None) as batch_op:
        batch_op.drop_column("remote_version")
