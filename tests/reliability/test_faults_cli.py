"""Faults from outside: a read-only filesystem, a reader that stops reading, a JSON error.

The read-only filesystem is real: a small tmpfs remounted read-only (the tests run as root).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.vcard.conftest import fixture

CRM = [sys.executable, "-c", "import sys; from crm.cli import run; sys.exit(run(sys.argv[1:]))"]


@pytest.fixture
def crm(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``crm ARGS --db DB`` in-process, for SQLite files a test makes itself."""
    from crm.cli import run

    def invoke(*args: str, db: str) -> CliResult:
        capsys.readouterr()
        code = run([*args, "--db", db])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return invoke


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory on a tmpfs; the test remounts it read-only with ``remount_read_only``."""
    mount = tmp_path / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount)],
                   check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def remount_read_only(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_readers_work_on_a_read_only_filesystem_and_writers_say_why_not(
        crm: Any, read_only_dir: Path, tmp_path: Path) -> None:
    db = read_only_dir / "crm.sqlite3"
    assert crm("demo", db=str(db)).exit_code == 0
    assert crm("import", str(fixture("google.vcf")), db=str(db)).exit_code == 0
    remount_read_only(read_only_dir)
    before = _digest(db)
    people = crm("people", "--json", db=str(db))
    assert people.exit_code == 0, people.stderr
    assert len(people.json()) > 30  # type: ignore[arg-type]
    for args in (("show", "Priya Natarajan", "--json"), ("who", "Stripe", "--json"),
                 ("companies", "--json"), ("refs", "list", "--json"), ("people", "lee"),
                 ("export", "json")):
        result = crm(*args, db=str(db))
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stdout, args
    out = tmp_path / "elsewhere.json"
    assert crm("export", "json", "-o", str(out), db=str(db)).exit_code == 0
    for args in (("add", "person", "Zed New"), ("import", str(fixture("android.vcf"))),
                 ("import", str(fixture("android.vcf")), "--json")):
        result = crm(*args, db=str(db))
        assert result.exit_code == 3, (args, result.stderr)
        assert result.stderr.splitlines() == [
            f"crm: {db}: the database is read-only here (the file or its directory cannot be "
            "written); nothing was written"], result.stderr
        if "--json" in args:
            assert result.json()["error"]["kind"] == "failure"  # type: ignore[index]
    assert _digest(db) == before
    assert sorted(os.listdir(read_only_dir)) == ["crm.sqlite3"]  # no -wal, no -shm


def test_a_reader_that_stops_reading_is_no_error(crm: Any, tmp_path: Path) -> None:
    db = tmp_path / "big.sqlite3"
    assert crm("demo", "--people", "3000", db=str(db)).exit_code == 0
    for args in (["people"], ["people", "--json"], ["export", "vcard"]):
        child = subprocess.Popen([*CRM, *args, "--db", str(db)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline()  # as `crm people | head -1` does
        child.stdout.close()
        err = child.stderr.read()
        assert child.wait(timeout=120) == 0, (args, err)
        assert first and err == b"", (args, err)


def test_an_unexpected_failure_has_its_own_exit_code_and_json_error(
        crm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "crm.sqlite3"
    assert crm("demo", db=str(db)).exit_code == 0
    import crm.core.contacts.people as people

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(people, "search_people", broken)
    monkeypatch.setattr(people, "iter_people", broken)  # what --json streams a search from
    import crm.core.contacts.everyone as everyone

    monkeypatch.setattr(everyone, "iter_everyone", broken)  # and everyone from
    result = crm("people", "--json", db=str(db))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == ["crm: unexpected error: RuntimeError: a bug (set "
                                          "CRM_DEBUG=1 for details)"]
    assert result.json() == {"error": {"message": "unexpected error: RuntimeError: a bug",
                                       "kind": "failure", "exit_code": 3}}
