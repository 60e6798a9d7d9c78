"""Unexpected failures told in one line: a full disk, a server gone, a damaged database file.

Every face calls ``explain`` on an error it did not expect and shows the ``CrmError`` it
returns (never a driver's message with its SQL and parameters, which may quote a contact).
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from crm.core.errors import CrmError, DatabaseDamaged, Failure

if TYPE_CHECKING:
    from crm.core.db import Database

# SQLite's words for a file whose pages are damaged (or that is no database at all).
_DAMAGED = ("malformed", "file is not a database", "database corrupt")
# psycopg's and PostgreSQL's words for a connection that went away.
_SERVER_GONE = ("server closed the connection", "terminating connection",
                "connection is closed", "connection already closed", "consuming input failed",
                "could not receive data", "could not send data", "connection failed",
                "the connection is lost", "server conn crashed", "ssl connection has been closed")
_DISK_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}


def explain(err: BaseException, db: Database | None = None) -> CrmError:
    """``err`` as one line for the user, classified by what went wrong."""
    if isinstance(err, CrmError):
        return err
    where = _where(db)
    reason = _driver_reason(err)
    low = reason.lower()
    if any(word in low for word in _DAMAGED):
        path = db.path if db is not None else None
        if path is not None:
            return damaged(path, quick_check(path))
        return DatabaseDamaged(f"{where}damaged database file ({_first_line(reason)})")
    os_errno = err.errno if isinstance(err, OSError) else None
    if "database or disk is full" in low or os_errno in _DISK_ERRNOS - {errno.EIO}:
        return Failure(f"{where}the disk is full; nothing was written")
    if "disk i/o error" in low or os_errno == errno.EIO:
        return Failure(f"{where}disk I/O error; nothing was written")
    if "readonly database" in low or "read-only" in low:
        return Failure(f"{where}the database is read-only here; nothing was written")
    if any(word in low for word in _SERVER_GONE):
        return Failure(f"{where}the database server went away; nothing was written (the "
                       "transaction was rolled back)")
    if "unable to open database" in low:
        return Failure(f"{where}cannot open the database file")
    if isinstance(err, MemoryError):
        return Failure("out of memory; nothing was written")
    kind = type(getattr(err, "orig", None) or err).__name__
    first = _first_line(reason)
    return Failure(f"unexpected error: {kind}" + (f": {first}" if first else ""))


def damaged(path: Path, problems: list[str]) -> DatabaseDamaged:
    shown = problems[0] if problems else "reading it failed"
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return DatabaseDamaged(f"{path}: the database file is damaged ({_first_line(shown)}{more}); "
                           "nothing was written", path=path)


def quick_check(path: Path) -> list[str]:
    """SQLite's ``PRAGMA quick_check`` of the file, read-only: [] when sound.

    A file that cannot be opened at all (no such file, no permission) is no damage: []."""
    from crm.core.db import _readonly_connect

    try:
        conn = _readonly_connect(path)
    except sqlite3.Error:
        return []
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as err:
        low = str(err).lower()
        return [str(err)] if any(word in low for word in _DAMAGED) else []
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def _where(db: Database | None) -> str:
    if db is None:
        return ""
    if db.path is not None:
        return f"{db.path}: "
    return db.engine.url.render_as_string(hide_password=True) + ": "


def _driver_reason(err: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's SQL and parameters."""
    orig = getattr(err, "orig", None)
    return str(orig if orig is not None else err)


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0].strip()[:200] if lines else ""
