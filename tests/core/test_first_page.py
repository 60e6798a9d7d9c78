"""The TUI's first page, read before SQLAlchemy (crm.core.contacts.first_page): the very
rows and count of the usual path on both backends, or nothing at all."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crm.core.contacts.first_page import FirstPage, postgres_label, read_first_page
from crm.core.contacts.listing import count_matching_people, people_page
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import SCHEMA_HEAD, Database, open_database, run_downgrade
from crm.core.samples.demo import load_demo
from crm.core.upkeep.editing import add_interaction


def usual_page(db: Database, limit: int) -> tuple[list[object], int]:
    with db.read() as s:
        return people_page(s, "", 0, limit, "name"), count_matching_people(s, "")


def light_page(db: Database, limit: int) -> FirstPage:
    page = read_first_page(db.url, limit)
    assert page is not None
    return page


def add_awkward_people(db: Database) -> None:
    """People whose row takes a choice: two current positions (by start, then by which
    was added last), none, only ended ones, interactions on several days, the same name."""
    with db.write() as s:
        two = create_person(s, "Aaron Two-Jobs")
        add_position(s, two, "Older Start Ltd", title="Advisor", start="2019")
        add_position(s, two, "Newer Start Ltd", title="Founder", start="2023-04")
        tie = create_person(s, "Abby Same-Start")
        add_position(s, tie, "First Added", title="A", start="2021")
        add_position(s, tie, "Second Added", title="B", start="2021")
        undated = create_person(s, "Abe Undated")
        add_position(s, undated, "No Dates Inc")
        add_position(s, undated, "Dated Inc", title="Dated", start="2020")
        create_person(s, "Ada No-Position")
        ended = create_person(s, "Adam Ended")
        add_position(s, ended, "Gone Corp", title="Was", start="2010", end="2012")
        talked = create_person(s, "Adele Talked")
        add_interaction(s, talked.id, "call", "2024-02-03", "catch-up")
        add_interaction(s, talked.id, "email", "2025-01-09", "sent the paper")
        create_person(s, "Ada No-Position")  # the same name twice: ordered by id


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_first_page_is_the_usual_first_page(db: Database, limit: int) -> None:
    with db.write() as s:
        load_demo(s)  # "me", companies, interactions
    add_awkward_people(db)
    rows, total = usual_page(db, limit)
    page = light_page(db, limit)
    assert page.rows == rows
    assert page.total == total == 31 + 7
    assert (page.label, page.path) == (db.label, db.path)
    assert any(r.is_me for r in light_page(db, 100).rows)


def test_the_awkward_rows_read_as_the_usual_path_reads_them(db: Database) -> None:
    add_awkward_people(db)
    page = light_page(db, 100)
    assert page.rows == usual_page(db, 100)[0]
    shown = {r.name: (r.company, r.title, r.last_contacted) for r in page.rows}
    assert shown["Aaron Two-Jobs"] == ("Newer Start Ltd", "Founder", None)
    assert shown["Abby Same-Start"] == ("Second Added", "B", None)
    assert shown["Adam Ended"] == (None, None, None)
    assert shown["Adele Talked"] == (None, None, "2025-01-09")


def test_an_empty_database_at_head_has_an_empty_first_page(db: Database) -> None:
    page = light_page(db, 100)
    assert (page.rows, page.total) == ([], 0)


def test_a_database_not_at_head_is_left_to_the_usual_open(db: Database) -> None:
    with db.write() as s:
        create_person(s, "Ada Lovelace")
    for other in ("0013_agenda_indexes", "9999_from_a_newer_crm"):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": other})
        assert read_first_page(db.url, 100) is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": SCHEMA_HEAD})
    assert light_page(db, 100).total == 1


def test_an_older_database_gets_no_first_page_and_upgrades_as_before(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = open_database(str(path))
    run_downgrade(db.engine, "0013_agenda_indexes")
    db.dispose()
    assert read_first_page(str(path), 100) is None
    upgraded = open_database(str(path))
    try:
        assert upgraded.upgraded_from == "0013_agenda_indexes"
        assert upgraded.backup_path is not None
    finally:
        upgraded.dispose()
    assert read_first_page(str(path), 100) is not None


def test_sqlite_files_the_usual_open_must_see_to_first(tmp_path: Path) -> None:
    # (A SQLite file's own states: this one runs on SQLite only.)
    path = tmp_path / "crm.sqlite3"
    open_database(str(path)).dispose()
    assert read_first_page(str(path), 100) is not None
    # missing, empty, a directory: created, or refused, by the usual open
    assert read_first_page(str(tmp_path / "new.sqlite3"), 100) is None
    (tmp_path / "empty.sqlite3").touch(mode=0o600)
    assert read_first_page(str(tmp_path / "empty.sqlite3"), 100) is None
    assert read_first_page(str(tmp_path), 100) is None
    # readable by others: the usual open makes it private (or warns) first
    path.chmod(0o644)
    assert read_first_page(str(path), 100) is None
    path.chmod(0o600)
    # URL options, another program's database, a damaged file
    assert read_first_page(f"sqlite:///{path}?mode=ro", 100) is None
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER)")
    other.chmod(0o600)
    assert read_first_page(str(other), 100) is None
    damaged = tmp_path / "damaged.sqlite3"
    shutil.copyfile(path, damaged)
    damaged.chmod(0o600)
    with damaged.open("r+b") as f:
        f.seek(100)
        f.write(b"\xff" * 4000)
    assert read_first_page(str(damaged), 100) is None


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "postgresql+psycopg://user:secret@db.example.org/crm",
    "postgresql+psycopg://db.example.org:6543/crm_test",
    "postgresql+psycopg:///crm",
    "postgresql+psycopg://u:p%40ss@Host.Example/Mixed_Case",
])
def test_a_postgresql_database_is_named_as_the_usual_open_names_it(url: str) -> None:
    engine = create_engine(url)  # (not connected)
    try:
        label = Database(url, engine, None).label  # type: ignore[arg-type]
    finally:
        engine.dispose()
    assert postgres_label(url) == label


def test_postgresql_urls_with_options_are_left_to_the_usual_open() -> None:
    assert postgres_label("postgresql+psycopg://h/db?sslmode=require") is None
    assert postgres_label("postgresql+psycopg://[::1]:5432/db") is None
    assert read_first_page("postgresql+psycopg://h/db?sslmode=require", 10) is None
