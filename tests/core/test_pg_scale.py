"""PostgreSQL: the sort-key triggers write a person only when a key changes (migration
0011_pg_scale), so a large import does not rewrite every person (and its full-text index
entry) once per position and interaction. The keys themselves are tested on both backends in
tests/network/test_sort_keys.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database, open_database
from crm.core.upkeep.editing import add_interaction
from tests.conftest import PG_ENV, _truncate_all


@pytest.fixture
def pg_db(pg_session_url: str | None) -> Iterator[Database]:
    if pg_session_url is None:
        pytest.skip(f"{PG_ENV} is not set")
    _truncate_all(pg_session_url)
    database = open_database(pg_session_url)
    yield database
    database.dispose()


def row_version(db: Database, person_id: int) -> tuple[str, object, object]:
    """The person row's version (PostgreSQL's xmin changes with every write) and its keys."""
    with db.read() as s:
        row = s.execute(text("SELECT xmin::text, company_key, last_contacted FROM person "
                             "WHERE id = :id"), {"id": person_id}).one()
        return row[0], row[1], row[2]


def add_rows(db: Database, person_id: int, company_id: int, current: bool, day: str) -> None:
    """A position and an interaction written as the bulk importer writes them (plain
    INSERTs: the ORM does not touch the person, only the triggers may)."""
    with db.write() as s:
        s.execute(text("INSERT INTO position (person_id, company_id, is_current, start, source, "
                       "created_at, updated_at) VALUES (:p, :c, :cur, :day, 'test', now(), "
                       "now())"), {"p": person_id, "c": company_id, "cur": current, "day": day})
        s.execute(text("INSERT INTO interaction (person_id, kind, occurred_on, summary, "
                       "created_at, updated_at) VALUES (:p, 'call', CAST(:day AS date), 'x', "
                       "now(), now())"), {"p": person_id, "day": day})


def test_writes_that_change_no_key_leave_the_person_row_alone(pg_db: Database) -> None:
    with pg_db.write() as s:
        ann = create_person(s, "Ann Lee")
        first = add_position(s, ann, "Zeta Labs", start="2020-01")
        other = add_position(s, create_person(s, "Bob Lee"), "Acme", start="2021-01")
        add_interaction(s, ann.id, "call", "2024-05-01", "caught up")
    before = row_version(pg_db, ann.id)
    assert before[1:] == ("zeta labs", date(2024, 5, 1))
    # A former job, and an interaction older than the last one: no key moves, no write.
    add_rows(pg_db, ann.id, other.company_id, False, "2010-01-01")
    assert row_version(pg_db, ann.id) == before
    # A current job at the same company, started earlier: the key stays, no write either.
    add_rows(pg_db, ann.id, first.company_id, True, "2019-01-01")
    assert row_version(pg_db, ann.id) == before
    # A later current job and a later interaction move both keys.
    add_rows(pg_db, ann.id, other.company_id, True, "2025-02-03")
    after = row_version(pg_db, ann.id)
    assert after[0] != before[0]
    assert after[1:] == ("acme", date(2025, 2, 3))
