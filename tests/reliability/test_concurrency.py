"""Two processes writing one SQLite database at once both land; nobody sees "locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crm.core.contacts.people import count_people, create_person
from crm.core.db import open_database
from crm.core.errors import CrmError

WRITER = """
import sys
from crm.core.db import open_database
from crm.core.contacts.people import count_people, create_person
db = open_database(sys.argv[1])
for i in range(int(sys.argv[3])):
    with db.write() as s:
        count_people(s)  # read first, then write: the pattern of every real edit
        create_person(s, f"{sys.argv[2]} {i}", emails=[f"{sys.argv[2]}{i}@example.com"])
print("done")
"""

READER = """
import sys, time
from crm.core.db import open_database
from crm.core.contacts.people import search_people
db = open_database(sys.argv[1])
end = time.time() + 2
n = 0
while time.time() < end:
    with db.read() as s:
        search_people(s, "writer", limit=20)
    n += 1
print(n)
"""


def test_concurrent_writers_and_a_reader_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    open_database(str(path)).dispose()
    per_writer = 150
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"writer{w}", str(per_writer)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in ("a", "b")
    ]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for p in [*procs, reader]:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err
    db = open_database(str(path))
    try:
        with db.read() as s:
            assert count_people(s) == 2 * per_writer
    finally:
        db.dispose()


def _export(path: Path, prefix: str, cards: int) -> Path:
    with open(path, "w", newline="") as f:
        for i in range(cards):
            f.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{prefix} {i}\r\n"
                    f"EMAIL:{prefix}{i}@example.com\r\nORG:Company {i % 20}\r\nEND:VCARD\r\n")
    return path


def _imports_at_once(db: Path, files: list[Path]) -> list[tuple[int, str, str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "crm", "import", str(f), "--json",
                               "--db", str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        results.append((p.returncode, out, err))
    _out, err = reader.communicate(timeout=300)
    assert reader.returncode == 0, err
    return results


def concurrent_import_runs(tmp_path: Path, runs: int, cards: int) -> int:
    """Two imports of different files, then of the same file, ``runs`` times each."""
    import json

    a = _export(tmp_path / "a.vcf", "alpha", cards)
    b = _export(tmp_path / "b.vcf", "beta", cards)
    for run in range(runs):
        db = tmp_path / f"run{run}.sqlite3"
        open_database(str(db)).dispose()
        same = _imports_at_once(db, [a, a])
        for code, _out, err in same:
            assert code == 0, err
            assert "locked" not in err and "unexpected" not in err, err
        # Both imports of the same file land; the later one finds everything there already.
        reports = [json.loads(out) for _c, out, _e in same]
        assert sorted(r["created"] for r in reports) == [0, cards]
        assert sorted(r["unchanged"] for r in reports) == [0, cards]
        different = _imports_at_once(db, [a, b])
        for code, _out, err in different:
            assert code == 0, err
            assert "locked" not in err and "unexpected" not in err, err
        assert sorted(json.loads(out)["created"] for _c, out, _e in different) == [0, cards]
        database = open_database(str(db))
        try:
            with database.read() as s:
                assert count_people(s) == 2 * cards
        finally:
            database.dispose()
    return runs * 2


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    assert concurrent_import_runs(tmp_path, runs=1, cards=1500) == 2


@pytest.mark.slow
def test_two_imports_at_once_many_runs(tmp_path: Path) -> None:
    runs = concurrent_import_runs(tmp_path, runs=10, cards=3000)
    print(f"concurrent import runs: {runs} (each two imports plus a reader)")


def test_a_writer_that_holds_on_gets_one_clear_line(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import crm.core.db as storage

    path = tmp_path / "busy.sqlite3"
    open_database(str(path)).dispose()
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(storage, "WRITE_ATTEMPTS", 2)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(1.5)\n"
         "c.execute('COMMIT')\n", str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    db = open_database(str(path))
    try:
        with pytest.raises(CrmError, match="another crm process has been writing to this "
                                           "database for over 0 s; try again"), db.write():
            pass
        holder.wait(timeout=30)
        # Once the other writer is done, the same Database writes normally.
        with db.write() as s:
            create_person(s, "After Wait")
        with db.read() as s:
            assert count_people(s) == 1
    finally:
        db.dispose()


def test_two_imports_at_once_on_postgresql(tmp_path: Path, pg_session_url: str | None) -> None:
    """PostgreSQL shares one database between machines: imports there queue as well."""
    import json

    from tests.conftest import _truncate_all

    if pg_session_url is None:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set")
    _truncate_all(pg_session_url)
    cards = 2500
    a = _export(tmp_path / "a.vcf", "alpha", cards)
    results = []
    for files in ([a, a], [a, _export(tmp_path / "b.vcf", "beta", cards)]):
        procs = [subprocess.Popen([sys.executable, "-m", "crm", "import", str(f), "--json",
                                   "--db", pg_session_url], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for f in files]
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            results.append(json.loads(out))
    # The same file twice: created once, then found unchanged; never two of anyone.
    assert sorted(r["created"] for r in results[:2]) == [0, cards]
    database = open_database(pg_session_url)
    try:
        with database.read() as s:
            assert count_people(s) == 2 * cards
    finally:
        database.dispose()


def test_a_postgresql_writer_that_holds_on_gets_one_clear_line(
        pg_session_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    import crm.core.db as storage

    if pg_session_url is None:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set")
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(storage, "WRITE_ATTEMPTS", 2)
    holder, waiter = open_database(pg_session_url), open_database(pg_session_url)
    try:
        with holder.write():
            with pytest.raises(CrmError, match="another crm process has been writing to this "
                                               "database for over 0 s"), waiter.write():
                pass
            with waiter.read() as s:  # readers are never blocked
                count_people(s)
        with waiter.write() as s:
            create_person(s, "After Wait")
    finally:
        holder.dispose()
        waiter.dispose()


def test_a_cli_write_that_waits_says_so_then_lands(crm: Any, db_url: str) -> None:
    """Another writer (an import) holds the lock for two seconds: `crm add person` says on
    stderr that it is waiting, then saves once the lock is free."""
    import threading

    other = open_database(db_url)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with other.write():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        threading.Timer(2.0, release.set).start()
        result = crm("add", "person", "Waiting Wanda")
    finally:
        release.set()
        holder.join()
        other.dispose()
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("crm: waiting for another crm process to finish writing "
                                    "to this database…\n"), result.stderr
    assert [p["name"] for p in crm("people", "wanda", "--json").json()] == ["Waiting Wanda"]
    # A write that does not wait says nothing of the kind.
    assert "waiting" not in crm("add", "person", "Quick Quinn").stderr
