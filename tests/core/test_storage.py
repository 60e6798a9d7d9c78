"""Storage: where the database lives, its permissions, pragmas, upgrades and refusals."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from crm.core.db import SCHEMA_HEAD, current_revision, open_database, run_downgrade
from crm.core.errors import CrmError, SchemaTooNew
from crm.core.paths import database_url, default_database_path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_database_is_created_private_in_the_data_dir(tmp_path: Path) -> None:
    db = open_database()
    try:
        path = default_database_path()
        assert path.parent == tmp_path / "data"
        assert path.exists()
        assert _mode(path) == 0o600
        assert current_revision(db) == SCHEMA_HEAD
    finally:
        db.dispose()


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "x.sqlite3"))
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        db.dispose()


def test_environment_variable_selects_the_database(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("CRM_DATABASE_URL", str(target))
    assert database_url() == f"sqlite:///{target}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(CrmError, match="is a directory"):
        open_database(str(tmp_path))


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CrmError, match="not a crm database"):
        open_database(str(path))
    assert path.read_bytes() == before


def _stamp(url: str, revision: str) -> None:
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    db.dispose()


def test_newer_sqlite_database_is_refused_byte_for_byte_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    _stamp(str(path), "9999_from_the_future")
    for suffix in ("-wal", "-shm"):
        assert not Path(str(path) + suffix).exists()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    with pytest.raises(SchemaTooNew, match="newer than this crm"):
        open_database(str(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert path.stat().st_mtime_ns == mtime
    assert not Path(str(path) + "-wal").exists()


def test_newer_database_is_refused_on_every_backend(empty_db_url: str) -> None:
    _stamp(empty_db_url, "9999_from_the_future")
    with pytest.raises(SchemaTooNew):
        open_database(empty_db_url)
    from sqlalchemy import create_engine

    engine = create_engine(empty_db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "9999_from_the_future")
    engine.dispose()


def test_older_sqlite_database_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = open_database(str(path))
    run_downgrade(db.engine, "base")
    db.dispose()
    upgraded = open_database(str(path))
    try:
        assert upgraded.backup_path is not None
        assert upgraded.backup_path.exists()
        assert _mode(upgraded.backup_path) == 0o600
        assert upgraded.backup_path.parent == path.parent
        assert current_revision(upgraded) == SCHEMA_HEAD
    finally:
        upgraded.dispose()


def test_fresh_database_gets_no_backup(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "new.sqlite3"))
    try:
        assert db.backup_path is None
        assert list(tmp_path.glob("*backup*")) == []
    finally:
        db.dispose()


def test_postgresql_never_keeps_prepared_statements(pg_session_url: str | None) -> None:
    """psycopg prepares a query run five times, and PostgreSQL may then reuse a plan made
    while a table was small for an import that grows it (twice as slow at 24k cards)."""
    from sqlalchemy import text

    from crm.core.contacts.people import create_person, search_people
    from crm.core.db import open_database

    if pg_session_url is None:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set")
    db = open_database(pg_session_url)
    try:
        with db.write() as s:
            for i in range(8):  # the same INSERTs and lookups, many times over
                create_person(s, f"Repeat {i}", emails=[f"repeat{i}@example.com"])
                search_people(s, "repeat", limit=5)
            prepared = s.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
        assert prepared == 0
    finally:
        db.dispose()
