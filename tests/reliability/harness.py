"""What the SIGKILL and concurrency tests share: test files, resets and database snapshots."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

# Tables whose content is not the user's data: the schema version and the FTS5 index's own
# storage (the index is checked against its content table instead).
_NOT_DATA = ("alembic_version", "person_fts", "person_name_fts")


def phone_export(path: Path, cards: int, prefix: str = "Kill", area: str = "415") -> None:
    """A phone's .vcf export of ``cards`` people, each with an email, a phone and a job."""
    with open(path, "w", newline="") as f:
        for i in range(cards):
            f.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{prefix}{i};Test;;;\r\n"
                    f"FN:Test {prefix}{i}\r\nEMAIL:{prefix.lower()}{i}@example.com\r\n"
                    f"TEL;TYPE=CELL:+1 {area} {555 + i // 10000} {i % 10000:04d}\r\n"
                    f"ORG:Company {i % 40}\r\nTITLE:Engineer\r\nCATEGORIES:fuzz\r\n"
                    f"END:VCARD\r\n")


def reset(template: Path, path: Path) -> None:
    """Put a copy of ``template`` at ``path``, without the WAL of whatever was there."""
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, path)


def check_integrity(conn: sqlite3.Connection) -> None:
    """The file is sound and the people search index agrees with the people in it."""
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # FTS5's own check: raises "database disk image is malformed" if index and rows differ.
    conn.execute("INSERT INTO person_fts(person_fts) VALUES ('integrity-check')")


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (timestamps left out), after checking the file's integrity.

    Two snapshots are equal when the database holds the same data; the *_at columns differ
    between two runs of the same edit and say nothing about whether an edit landed whole.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        check_integrity(conn)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        out = {}
        for table in tables:
            if table.startswith(_NOT_DATA):
                continue
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                       if not r[1].endswith("_at")]
            names = ", ".join(f'"{c}"' for c in columns)
            out[table] = sorted(conn.execute(f'SELECT {names} FROM "{table}"').fetchall(),
                                key=repr)
        return out
    finally:
        conn.close()
