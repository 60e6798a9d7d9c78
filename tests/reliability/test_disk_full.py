"""``make test-slow``: a real full disk under every command that writes a file, and the
PostgreSQL server going away in the middle of an import.

The full disk is a small tmpfs (the tests run as root), filled to the last page after the
previous file was put there. The server "going away" is the import's own connection being
terminated from another one (``pg_terminate_backend``), as a restart or a crash would end
it; the shared server itself keeps running for everyone else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crm.core.errors import EXIT_FAILURE
from tests.reliability.harness import phone_export
from tests.reliability.writers import fill_for_writers, writers_for

pytestmark = pytest.mark.slow

OLD = b"the previous file, which must survive a full disk\n" * 100
CRM = [sys.executable, "-c", "import sys; from crm.cli import run; sys.exit(run(sys.argv[1:]))"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


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
        crm: Any, small_disk: Path) -> None:
    fill_for_writers(crm)
    for name, args in writers_for(crm):
        for entry in os.listdir(small_disk):
            os.unlink(small_disk / entry)
        target = small_disk / "previous.file"
        target.write_bytes(OLD)
        target.chmod(0o600)
        _fill(small_disk)
        result = crm(*args, "-o", str(target))
        assert result.exit_code == EXIT_FAILURE, (name, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"crm: cannot write {target}: "), (
            name, lines)
        assert "unchanged" in lines[0], (name, lines)
        assert target.read_bytes() == OLD, name
        assert sorted(os.listdir(small_disk)) == ["filler", "previous.file"], (
            name, os.listdir(small_disk))
        # With room again, the same command replaces the file.
        os.unlink(small_disk / "filler")
        assert crm(*args, "-o", str(target)).exit_code == 0, name
        assert target.read_bytes() != OLD, name
    assert len(crm("refs", "list", "--json").json()[0]["uses"]) == 2  # only the written ones


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
