"""rows kept of a LinkedIn export that are no cards are told from cards

An import of LinkedIn's export keeps, besides its connections (cards, matched to people),
the rows of its other files as the provenance of what they made: messages, invitations,
recommendations, my own profile, positions and studies, job applications. Those records
were written with ``import_record.matched_by`` NULL, like cards imported before 0016, so
they were listed among a person's imported cards ("how it was matched is not recorded")
and made a split unable to tell the person's cards apart ("crm cannot read another of their
cards again"). From now on the importer writes them with ``matched_by = 'row'``
(crm.core.vocabulary.NOT_A_CARD); this revision marks those written before, known by their
header line (kept at the head of each row's raw text). The LinkedIn headers are copied here
as crm read them when this revision was written (a migration must not change with the
code): a row is one of them when its header has every column of one of these sets.

Revision ID: 0018_import_record_rows
Revises: 0017_position_ended_by_import
Create Date: 2026-12-07 07:40:00
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_import_record_rows"
down_revision: str | None = "0017_position_ended_by_import"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The files of LinkedIn's export other than Connections.csv, by the columns crm needs.
_ROWS = (
    frozenset({"Company Name", "Title", "Started On"}),  # Positions.csv
    frozenset({"School Name", "Degree Name"}),  # Education.csv
    frozenset({"First Name", "Last Name", "Headline"}),  # Profile.csv
    frozenset({"From", "To", "Sent At", "Direction"}),  # Invitations.csv
    frozenset({"CONVERSATION ID", "FROM", "TO", "DATE"}),  # messages.csv
    frozenset({"First Name", "Last Name", "Text", "Creation Date"}),  # Recommendations
    frozenset({"Application Date", "Company Name", "Job Title"}),  # Job Applications
)
_CONNECTIONS = frozenset({"First Name", "Last Name", "Connected On"})

_CANDIDATES = sa.text(
    "SELECT id, raw FROM import_record WHERE matched_by IS NULL AND status = 'imported'"
).execution_options(yield_per=2000)  # (read in batches: an old database has many)
_MARK = sa.text("UPDATE import_record SET matched_by = 'row' WHERE id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True))
_UNMARK = sa.text("UPDATE import_record SET matched_by = NULL WHERE matched_by = 'row'")


def _is_row(raw: str) -> bool:
    head = raw.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if head.lstrip().upper().startswith("BEGIN"):
        return False  # a vCard
    try:
        columns = {c.strip() for c in next(csv.reader([head]), [])}
    except csv.Error:
        return False
    return not columns >= _CONNECTIONS and any(columns >= need for need in _ROWS)


def upgrade() -> None:
    bind = op.get_bind()
    ids = [rid for rid, raw in bind.execute(_CANDIDATES) if raw and _is_row(raw)]
    for i in range(0, len(ids), 500):
        bind.execute(_MARK, {"ids": ids[i:i + 500]})


def downgrade() -> None:
    op.get_bind().execute(_UNMARK)
