"""person: a small partial index of the people known directly and never contacted

``crm agenda`` and ``crm stale`` list, after everyone with an interval of their own, the
people due on the default interval: never contacted first (by name), then the longest
silence. Almost everyone in a large network is known only through someone (the
generated 100k network: 99.8%) and never contacted; those are not due. Asked for
"``last_contacted IS NULL AND known_via_id IS NULL``, by name", SQLite took
``ix_person_contacted_order`` (the equality on its first column) and read every
never-contacted person (~99k rows) to keep the ~150 known directly. This index holds only
those rows, in name order, and both of its leading columns are equalities of that query,
so it is chosen without statistics; it costs nothing for the people known through
someone. Not declared on the model (a ``postgresql_where`` there would make every command
load the PostgreSQL dialect); listed in ``crm.core.contacts.search.UNMODELLED_NAMES``.

Revision ID: 0012_agenda_index
Revises: 0011_pg_scale
Create Date: 2026-12-06 21:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012_agenda_index"
down_revision: str | None = "0011_pg_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_person_never_contacted "
               "ON person (known_via_id, last_contacted, sort_key, id) "
               "WHERE last_contacted IS NULL AND known_via_id IS NULL")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_person_never_contacted")
