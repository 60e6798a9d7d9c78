"""person: small partial indexes for the agenda (``crm agenda``, ``crm stale``, Today)

At 100k people the agenda read the whole person table three times for a few hundred rows;
each of these indexes holds only the rows one of its queries wants, so it costs nothing
for the rest of the address book:

- ``ix_person_never_contacted``: the people known directly (not only through someone) and
  never contacted, by name - the head of the default-interval due list. Almost everyone
  in a large network is known only through someone and never contacted (the generated
  100k network: 98.8% never contacted, 0.15% known directly). Asked for
  "``last_contacted IS NULL AND known_via_id IS NULL``, by name", SQLite took
  ``ix_person_contacted_order`` (an equality on its first column) and read ~99k rows to
  keep ~150; both leading columns here are equalities of that query, so this index wins
  without statistics.
- ``ix_person_keep_interval``: the people with a keep-in-touch interval of their own.
- ``ix_person_birthday``: birthdays by month and day (the agenda's next days).

Not declared on the model (a ``postgresql_where`` there would make every command load the
PostgreSQL dialect); listed in ``crm.core.contacts.search.UNMODELLED_NAMES``.

Revision ID: 0013_agenda_indexes
Revises: 0012_import_pref
Create Date: 2026-12-06 21:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013_agenda_indexes"
down_revision: str | None = "0012_import_pref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_person_never_contacted": "person (known_via_id, last_contacted, sort_key, id) "
                                 "WHERE last_contacted IS NULL AND known_via_id IS NULL",
    "ix_person_keep_interval": "person (id) "
                               "WHERE keep_every_days IS NOT NULL OR keep_at_most_days IS NOT NULL",
    "ix_person_birthday": "person (birthday_month, birthday_day) "
                          "WHERE birthday_month IS NOT NULL",
}


def upgrade() -> None:
    for name, definition in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {definition}")


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
