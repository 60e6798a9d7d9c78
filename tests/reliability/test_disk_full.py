"""``make test-slow``: a real full disk under every command that writes a file, and the
PostgreSQL server going away in the middle of an import.

The full disk is a small tmpfs, filled to the last page after the previous file was put
there, when the tests may mount one (root); otherwise, and always in the "file-size limit"
run, the command runs in a child process whose files may not grow past a limit
(RLIMIT_FSIZE). The server "going away" is the import's own connection being
terminated from another one (``pg_terminate_backend``), as a restart or a crash would end
it; the shared server itself keeps running for everyone else.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crm.core.errors import EXIT_FAILURE
from tests.reliability.harness import phone_export
from tests.reliability.writers import fill_for_writers, new_file_only, writers_for

pytestmark = pytest.mark.slow

OLD = b"the previous file, which must survive a full disk\n" * 100
CRM = [sys.executable, "-c", "import sys; from crm.cli import run; sys.exit(run(sys.argv[1:]))"]


def _mount_tmpfs(mount: Path) -> bool:
    """A 1 MB tmpfs on ``mount``; False where this user may not mount one (not root)."""
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    return done.returncode == 0


# Smaller than every file the commands write. (The database is only read, or written on a
# server, or through a WAL whose index the test keeps open: see ``_limited``.)
LIMIT = 16


@dataclass
class Full:
    disk: Path
    limit: int | None  # None: a real tmpfs, filled before each command

    def fill(self) -> None:
        if self.limit is None:
            _fill(self.disk)

    def leftovers(self) -> list[str]:
        return sorted(x for x in os.listdir(self.disk) if x != "filler")

    def room(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.disk / "filler")


@pytest.fixture(params=["full disk", "file-size limit"])
def full(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Full]:
    """Where a write runs out of room: a real full filesystem (a tmpfs filled to its last
    page) when this user may mount one, else, as always for "file-size limit", a child
    process whose files may not grow past LIMIT (RLIMIT_FSIZE: the kernel answers EFBIG
    where a full disk answers ENOSPC)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if request.param == "full disk" and _mount_tmpfs(disk):
        try:
            yield Full(disk, limit=None)
        finally:
            subprocess.run(["umount", "-l", str(disk)], check=False)
    else:
        yield Full(disk, limit=LIMIT)


def _fill(disk: Path) -> None:
    """Write a filler file until the filesystem has no page left."""
    with open(disk / "filler", "wb", buffering=0) as f:
        chunk = b"\0" * 65536
        while True:
            try:
                f.write(chunk)
            except OSError:
                break
        while True:
            try:
                f.write(b"\0")
            except OSError:
                return


def test_every_writing_command_on_a_full_disk_keeps_the_previous_file(
        crm: Any, db_url: str, full: Full) -> None:
    fill_for_writers(crm)
    # A first vCard export gives everyone a UID: a database write, done before the limit.
    assert crm("export", "vcard").exit_code == 0
    for name, args in writers_for(crm):
        for entry in os.listdir(full.disk):
            os.unlink(full.disk / entry)
        new_only = new_file_only(name)
        target = full.disk / "previous.file"
        if not new_only:
            target.write_bytes(OLD)
            target.chmod(0o600)
        full.fill()
        if full.limit is None:
            result = crm(*args, "-o", str(target))
            code, stderr = result.exit_code, result.stderr
        else:
            child = _limited([*args, "-o", str(target), "--db", db_url], db_url, full.limit)
            code, stderr = child.returncode, child.stderr
        assert code == EXIT_FAILURE, (name, stderr)
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"crm: cannot write {target}: "), (
            name, lines)
        assert "unchanged" in lines[0], (name, lines)
        if name == "refs export md":  # the first reference list: its failure recorded no use
            assert crm("refs", "list", "--json").json()[0]["uses"] == [], name
        if new_only:
            assert full.leftovers() == [], (name, full.leftovers())
        else:
            assert target.read_bytes() == OLD, name
            assert full.leftovers() == ["previous.file"], (name, full.leftovers())
        # With room again, the same command writes the file.
        full.room()
        assert crm(*args, "-o", str(target)).exit_code == 0, name
        assert target.read_bytes() != OLD, name
    # Only the written lists recorded a use: one, as both were for Acme (a use is once per
    # reference per application or company); an intro request not written recorded no ask.
    assert len(crm("refs", "list", "--json").json()[0]["uses"]) == 1
    assert len(crm("referrals", "list", "--json").json()) == 1


def _limited(args: list[str], db_url: str,
             max_file_bytes: int) -> subprocess.CompletedProcess[str]:
    """``crm ARGS`` in a child that may not make any file larger than ``max_file_bytes``.

    A SQLite database's shared-memory index (-shm) is made 32 kB by whoever opens it first:
    the test holds a connection open meanwhile, so that the child finds it made (a full disk
    would not take it away either)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    keep = None
    if db_url.startswith("sqlite:///"):
        keep = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        keep.execute("SELECT count(*) FROM person").fetchone()
    try:
        return subprocess.run([*CRM, *args], preexec_fn=limit, capture_output=True,
                              text=True, timeout=300, check=False)
    finally:
        if keep is not None:
            keep.close()


@pytest.fixture
def crm_on(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``crm ARGS --db DB`` in-process, for a database the test names itself."""
    from crm.cli import run
    from tests.conftest import CliResult

    def invoke(*args: str, db: str) -> CliResult:
        capsys.readouterr()
        code = run([*args, "--db", db])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return invoke


def _writers(url: str) -> list[int]:
    """Server process ids of the connections holding crm's write lock on ``url``'s database
    (an import holds it from its first write to its commit)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text(
                "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND a.datname = current_database()")))
    finally:
        engine.dispose()


def _terminate(url: str, pids: list[int]) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        engine.dispose()


def test_the_server_going_away_mid_import_is_one_line_and_changes_nothing(
        crm_on: Any, pg_session_url: str | None, tmp_path: Path) -> None:
    if pg_session_url is None:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set")
    from tests.conftest import _truncate_all

    db_url = pg_session_url
    _truncate_all(db_url)
    assert crm_on("demo", db=db_url).exit_code == 0
    before = crm_on("export", "json", db=db_url).json()["tables"]  # type: ignore[index]
    big = tmp_path / "big.vcf"
    phone_export(big, 40_000)
    child = subprocess.Popen([*CRM, "import", str(big), "--json", "--db", db_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started = time.monotonic()
        busy: list[int] = []
        while not busy and child.poll() is None:
            assert time.monotonic() - started < 120, "the import never reached the server"
            busy = _writers(db_url)
            time.sleep(0.05)
        assert busy, "the import finished before it could be cut off"
        time.sleep(0.5)  # well into the import
        _terminate(db_url, busy)
        out, err = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == EXIT_FAILURE, err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("crm: ") and "the database server went away" in lines[0], lines
    assert "nothing was written" in lines[0]
    error = json.loads(out)["error"]
    assert error["exit_code"] == EXIT_FAILURE and error["kind"] == "failure"
    after = crm_on("export", "json", db=db_url).json()["tables"]  # type: ignore[index]
    assert after == before  # the import's transaction was rolled back whole
