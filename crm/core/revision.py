"""What can be known of a database before SQLAlchemy is imported: the newest schema
revision this crm knows, and a read-only look at a SQLite file.

``crm.core.db`` builds on it (and re-exports ``SCHEMA_HEAD``); the TUI's first page is read
with it alone (``crm.core.contacts.first_page``), SQLAlchemy costing more than the whole
first screen may take.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# The newest migration this code knows; a test checks it equals Alembic's head.
SCHEMA_HEAD = "0018_import_record_rows"


def readonly_connect(path: Path, *, timeout: float,
                     threads: bool = False) -> sqlite3.Connection:
    """A connection that cannot change the file or leave -wal/-shm files behind.

    With no WAL file present the database is opened immutable (no locks, no side files);
    when another process has a WAL open we must read through it to see recent commits.
    """
    wal = Path(str(path) + "-wal")
    params = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"file:{path}?{params}", uri=True, timeout=timeout,
                           check_same_thread=not threads)
