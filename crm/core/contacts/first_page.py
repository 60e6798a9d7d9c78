"""The people list's first page, read with the database driver alone, before SQLAlchemy.

The TUI's first screen is the people list in name order with no search. Importing SQLAlchemy
and mapping the models takes longer than that whole screen may (0.6 s), so the TUI paints
this page first and opens the database the usual way (``crm.core.db.open_database``) once
the page is on the screen.

The page is exactly ``people_page(session, "", 0, limit, "name")`` and the count is
``count_matching_people(session, "")`` (``crm.core.contacts.listing``; a test compares them
on both backends). It is read only from a database that the usual open would take as it is:
an existing, private (0600), writable SQLite file, or a PostgreSQL database given by a
plain URL, at this crm's schema revision. Anything else (a new or empty file, an older or
newer schema, a lock, a damaged file, file modes to fix, URL options, an error of any kind)
answers None, and the caller opens the database the usual way, with every check it makes.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crm.core.contacts.rows import PersonRow, Query, read_person_rows
from crm.core.paths import database_url, sqlite_path
from crm.core.revision import SCHEMA_HEAD, readonly_connect

# A SQLite file locked for longer than this (a writer's recovery, an exclusive lock) is
# left to the usual open, which waits for it as long as crm waits for any lock.
LOCK_WAIT_S = 0.1
# A PostgreSQL server that does not answer within this is left to the usual open.
CONNECT_TIMEOUT_S = 2


@dataclass(frozen=True)
class FirstPage:
    """The first rows of the people list and how many people there are, in a database."""

    url: str  # the database they were read from (``crm.core.paths.database_url``)
    label: str  # which database this is, as ``Database.label`` names it
    path: Path | None  # the SQLite file, None on PostgreSQL
    rows: list[PersonRow]
    total: int


def read_first_page(url_or_path: str | None, limit: int) -> FirstPage | None:
    """The first ``limit`` rows of the people list (by name, no search) and the number of
    people in the database ``--db`` / ``CRM_DATABASE_URL`` selects; None when only the usual
    open (``crm.core.db.open_database``) can vouch for that database."""
    url = database_url(url_or_path)
    try:
        if url.startswith("sqlite:///"):
            return _sqlite_page(url, limit)
        if url.startswith("postgresql+psycopg://"):
            return _postgres_page(url, limit)
    except Exception:  # whatever it is, the usual open finds it again and says it properly
        return None
    return None


# -- the queries of crm.core.contacts.listing.people_page, in each dialect ------------------

# (the SQL SQLAlchemy emits for people_page's ids in name order and count_matching_people;
# the rows are crm.core.contacts.rows.read_person_rows, as people_page reads them)
SQLITE = {
    "revision": "SELECT version_num FROM alembic_version",
    "ids": "SELECT id FROM person ORDER BY sort_key, id LIMIT ?",
    "count": "SELECT count(*) FROM person",
}
POSTGRES = {
    "revision": "SELECT version_num FROM alembic_version",
    "ids": "SELECT id FROM person ORDER BY sort_key, id LIMIT %s",
    "count": "SELECT count(*) FROM person",
}


class NotAtHead(Exception):
    """The database is not at this crm's schema revision (or is no crm database)."""


def _page(query: Query, dialect: str, limit: int) -> tuple[list[PersonRow], int]:
    """``people_page(session, "", 0, limit, "name")`` and the count, through ``query``."""
    sql = SQLITE if dialect == "sqlite" else POSTGRES
    revision = [r[0] for r in query(sql["revision"], ())]
    if revision != [SCHEMA_HEAD]:
        raise NotAtHead(revision)
    ids = [int(r[0]) for r in query(sql["ids"], (limit,))]
    total = int(next(iter(query(sql["count"], ())))[0])
    return read_person_rows(query, dialect, ids), total


# -- SQLite ---------------------------------------------------------------------------------


def _sqlite_page(url: str, limit: int) -> FirstPage | None:
    if "?" in url or "%" in url:  # URL options: the usual open knows what they mean
        return None
    path = sqlite_path(url)
    if path is None or not _as_the_usual_open_leaves_it(path):
        return None
    conn = readonly_connect(path, timeout=LOCK_WAIT_S)
    try:
        conn.isolation_level = None
        conn.execute("BEGIN")  # one snapshot for the page and the count
        rows, total = _page(lambda q, params: conn.execute(q, tuple(params)), "sqlite",
                            limit)
    finally:
        conn.close()
    return FirstPage(url, path.name, path, rows, total)


def _as_the_usual_open_leaves_it(path: Path) -> bool:
    """A file ``open_database`` would open as it is: there, not empty, writable (with its
    directory), and private with its -wal and -shm files (else the open changes their
    modes, or warns about them, before anything is shown)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
        return False
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)):
        return False
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = f.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & 0o077:
            return False
    return True


# -- PostgreSQL -----------------------------------------------------------------------------


def postgres_label(url: str) -> str | None:
    """``Database.label`` of a plain PostgreSQL URL (host[:port]/database), or None for a
    URL whose reading is best left to SQLAlchemy."""
    parts = urlsplit(url)
    hostport = parts.netloc.rpartition("@")[2]
    if parts.query or parts.fragment or "[" in hostport or "%" in hostport + parts.path:
        return None
    host, _, port = hostport.partition(":")
    if port and not port.isdigit():
        return None
    host = host or "localhost"
    if port and int(port):
        host = f"{host}:{int(port)}"
    return f"{host}/{unquote(parts.path[1:])}"


def _postgres_page(url: str, limit: int) -> FirstPage | None:
    label = postgres_label(url)
    if label is None:
        return None
    import psycopg

    # (libpq reads the URL itself: the same user, password, host, port and database)
    conninfo = "postgresql://" + url.split("://", 1)[1]
    with psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_S,
                         prepare_threshold=None) as conn:
        # One transaction (psycopg's default), read only, rolled back when it closes.
        conn.read_only = True
        rows, total = _page(lambda q, params: conn.execute(q, list(params)).fetchall(),
                            "postgresql", limit)
    return FirstPage(url, label, None, rows, total)
