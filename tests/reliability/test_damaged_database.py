"""A SQLite file with damaged pages: told in one line, never written, and recoverable.

The damage is real: a leaf page of the person table is overwritten on disk, as a failing
disk or a copy cut short would leave it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.vcard.conftest import fixture


@pytest.fixture
def crm(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``crm ARGS --db DB`` in-process (SQLite only: damaged pages are a SQLite matter)."""
    from crm.cli import run

    def invoke(*args: str, db: str) -> CliResult:
        capsys.readouterr()
        code = run([*args, "--db", db])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return invoke


def damage(path: Path) -> int:
    """Overwrite one leaf page of the person table; how many people were on it."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = conn.execute("SELECT pageno, ncell FROM dbstat WHERE name = 'person' AND "
                              "pagetype = 'leaf' ORDER BY pageno").fetchall()
    finally:
        conn.close()
    assert len(leaves) >= 3, "the person table must span several pages"
    pageno, ncell = leaves[len(leaves) // 2]
    with open(path, "r+b") as f:
        f.seek((pageno - 1) * page_size)
        f.write(b"\xff" * 64)
    return int(ncell)


@pytest.fixture
def damaged(crm: Any, tmp_path: Path) -> tuple[Path, int, int]:
    """A SQLite crm database of 300 people, one page of them damaged: (path, people, lost)."""
    path = tmp_path / "damaged.sqlite3"
    assert crm("demo", "--people", "300", db=str(path)).exit_code == 0
    return path, 300, damage(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_damage_line(result: Any, path: Path) -> None:
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"crm: {path}: the database file is damaged ("), lines[0]
    assert lines[0].endswith(f"`crm db recover --db {path} -o NEW` copies what can be read")
    assert "unexpected error" not in lines[0]


def test_readers_say_the_file_is_damaged_in_one_line(crm: Any,
                                                    damaged: tuple[Path, int, int]) -> None:
    path, _, _ = damaged
    for args in (("people",), ("export", "json"), ("export", "vcard")):
        result = crm(*args, db=str(path))
        _one_damage_line(result, path)
        assert result.stdout == ""
    result = crm("people", "--json", db=str(path))
    assert result.json()["error"]["kind"] == "damaged-database"  # type: ignore[index]


def test_nothing_is_written_into_a_damaged_file(crm: Any, tmp_path: Path,
                                               damaged: tuple[Path, int, int]) -> None:
    path, _, _ = damaged
    before = _digest(path)
    backup = tmp_path / "backup.json"
    assert crm("export", "json", "-o", str(backup), db=str(tmp_path / "other.sqlite3")) \
        .exit_code == 0
    # (An import and a restore check the whole file first; a single edit is refused once
    # a read has found the damage, not before.)
    for args in (("import", str(fixture("google.vcf"))), ("import", str(fixture("google.vcf")),
                                                          "--dry-run"),
                 ("import", "json", str(backup))):
        _one_damage_line(crm(*args, db=str(path)), path)
        assert _digest(path) == before, args


def test_recover_copies_every_readable_row_into_a_new_file(
        crm: Any, tmp_path: Path, damaged: tuple[Path, int, int]) -> None:
    path, people, lost = damaged
    before = _digest(path)
    new = tmp_path / "recovered.sqlite3"
    result = crm("db", "recover", "-o", str(new), "--json", db=str(path))
    assert result.exit_code == 1, result.stderr  # done in part: some rows were lost
    report = result.json()
    # Every person but those on the damaged page; their contact points cannot be kept.
    assert report["copied"]["person"] == people - lost
    assert report["skipped"]["person"] == lost
    assert report["skipped"]["contact_point"] > 0
    assert f"crm: person: {lost} rows could not be read or copied" in result.stderr
    assert _digest(path) == before  # the damaged file is only read
    conn = sqlite3.connect(new)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    assert new.stat().st_mode & 0o777 == 0o600
    # The new file is a crm database that works, search index included.
    found = crm("people", "--json", db=str(new))
    assert found.exit_code == 0 and len(found.json()) == people - lost
    name = found.json()[0]["name"]
    assert name in [p["name"] for p in crm("people", name, "--json", db=str(new)).json()]
    assert crm("add", "person", "After Recovery", db=str(new)).exit_code == 0


def test_recover_of_a_sound_file_copies_everything(crm: Any, tmp_path: Path) -> None:
    path = tmp_path / "sound.sqlite3"
    assert crm("demo", db=str(path)).exit_code == 0
    new = tmp_path / "copy.sqlite3"
    result = crm("db", "recover", "-o", str(new), db=str(path))
    assert result.exit_code == 0, result.stderr
    assert json.dumps(crm("people", "--json", db=str(new)).json()) == json.dumps(
        crm("people", "--json", db=str(path)).json())
    refused = crm("db", "recover", "-o", str(new), db=str(path))
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [f"crm: {new}: already exists; recover into a new "
                                           "file"]
