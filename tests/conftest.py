"""Fixtures shared by every test: a migrated database on each backend, and the CLI.

Every test that takes ``db`` or ``db_url`` runs twice: on SQLite and on PostgreSQL. The
PostgreSQL run needs CRM_TEST_POSTGRES_URL (``.ci/run`` sets it) and skips only without it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crm.core.db import Database, open_database

PG_ENV = "CRM_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


PG_SKIP = f"{PG_ENV} is not set"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Fold the PostgreSQL runs skipped for want of a server into one line of the summary
    (``-ra`` would list each test's location: a hundred lines that say the same)."""
    report: pytest.TestReport = yield
    if report.skipped and isinstance(report.longrepr, tuple):
        _path, _line, reason = report.longrepr
        if reason.endswith(PG_SKIP):
            report.longrepr = (__file__, None, f"PostgreSQL runs: {PG_SKIP}")
    return report


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches the real user data dir or a database from the environment."""
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path / "config"))  # no user keymap.toml
    monkeypatch.delenv("CRM_KEYMAP", raising=False)
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    monkeypatch.setenv("CRM_DEFAULT_REGION", "US")


def pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url or None


def create_pg_database(admin_url: str, name: str) -> str:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "crm.sqlite3"
    db = open_database(str(path))
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str | None]:
    """One migrated PostgreSQL database per test process (emptied before each test)."""
    admin = pg_admin_url()
    if admin is None:
        yield None
        return
    name = f"crm_t_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    url = create_pg_database(admin, name)
    db = open_database(url)
    db.dispose()
    yield url
    drop_pg_database(admin, name)


def _truncate_all(url: str) -> None:
    from crm.core.models import Base

    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
           pg_session_url: str | None) -> str:
    """URL of an empty, migrated database (SQLite file or PostgreSQL)."""
    if request.param == "sqlite":
        path = tmp_path / "crm.sqlite3"
        shutil.copyfile(sqlite_template, path)
        path.chmod(0o600)
        return f"sqlite:///{path}"
    if pg_session_url is None:
        pytest.skip(f"{PG_ENV} is not set")
    _truncate_all(pg_session_url)
    return pg_session_url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a brand-new database with no schema at all (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(f"{PG_ENV} is not set")
    name = f"crm_e_{uuid.uuid4().hex[:12]}"
    yield create_pg_database(admin, name)
    drop_pg_database(admin, name)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        import json

        return json.loads(self.stdout)


@pytest.fixture
def crm(capsys: pytest.CaptureFixture[str], db_url: str):  # type: ignore[no-untyped-def]
    """Run ``crm ARGS --db <this test's database>`` in-process; returns a CliResult."""
    from crm.cli import run

    def invoke(*args: str, db: str | None = db_url) -> CliResult:
        capsys.readouterr()
        argv = list(args) + (["--db", db] if db else [])
        code = run(argv)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return invoke
