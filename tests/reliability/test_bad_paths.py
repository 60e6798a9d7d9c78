"""Bad paths and files that are not vCards: one clear line naming the file, non-zero exit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.vcard.conftest import PNG, fixture

# As root (how the tests run here) a chmod 000 file is still readable and /proc refuses new
# files to everyone: it stands in for a read-only location.
READ_ONLY_DIR = Path("/proc")


def one_line(result: Any, *needles: str) -> None:
    assert result.exit_code != 0, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("crm: "), result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_import_refuses_what_is_not_a_vcard_file(crm: Any, tmp_path: Path) -> None:
    png = tmp_path / "photo.png"
    png.write_bytes(PNG)
    other_json = tmp_path / "contacts.json"
    other_json.write_text('[{"name": "Ada"}]')
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    blank = tmp_path / "blank.vcf"
    blank.write_text("\n\n   \n")
    cases = [
        (tmp_path / "missing.vcf", "no such file"),
        (tmp_path, "is a directory"),
        (blank, "file is empty"),
        (png, "binary file, not a vCard file"),
        (binary, "binary file, not a vCard file"),
        (other_json, "not a vCard file"),
    ]
    for path, reason in cases:
        one_line(crm("import", str(path)), str(path), reason)
        one_line(crm("import", "json", str(path)), str(path))
    assert crm("people", "--json").json() == []


def test_an_unreadable_file_is_one_line(crm: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.vcf"
    secret.write_bytes(fixture("google.vcf").read_bytes())
    if os.geteuid() == 0:
        real = Path.read_bytes

        def denied(self: Path) -> bytes:
            if self.name == "secret.vcf":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
    else:  # pragma: no cover - tests run as root here
        secret.chmod(0)
    one_line(crm("import", str(secret)), str(secret), "cannot read: Permission denied")
    one_line(crm("import", "json", str(secret)), str(secret), "Permission denied")


def test_bad_database_paths(crm: Any, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all\n" * 100)
    cases = [
        (str(tmp_path), "is a directory, not a database file"),
        (str(text), "not a crm database"),
        (str(READ_ONLY_DIR / "crm.sqlite3"), "cannot create database"),
        (str(READ_ONLY_DIR / "no" / "such" / "crm.sqlite3"), "cannot create database"),
    ]
    for db, reason in cases:
        for args in (("people",), ("import", str(fixture("google.vcf"))), ("export", "json")):
            one_line(crm(*args, db=db), reason)
    assert text.read_text() == "not a database at all\n" * 100  # left untouched


@pytest.mark.parametrize("where", ["missing", "read-only", "directory"])
def test_output_targets_that_cannot_be_written(crm: Any, tmp_path: Path, where: str) -> None:
    crm("add", "person", "Me Myself", "--me", "--email", "me@example.com")
    crm("add", "person", "Ref Erence", "--email", "ref@example.com")
    crm("add", "position", "Ref Erence", "Acme", "--start", "2023")
    crm("refs", "add", "Ref Erence", "--status", "agreed")
    crm("import", str(fixture("messy.vcf")))
    base = {"missing": tmp_path / "no" / "such" / "dir", "read-only": READ_ONLY_DIR,
            "directory": tmp_path}[where]
    commands = [("export", "json"), ("export", "vcard"), ("import", "--rejected"),
                ("refs", "export", "--for", "Acme", "--format", "md")]
    if crm("db", "current", "--json").json()["url"].startswith("sqlite"):
        commands.append(("db", "backup"))
    for args in commands:
        target = base / "out.file"
        if where == "directory":
            target.mkdir()
            result = crm(*args, "-o", str(target))
            # click's own check answers for some commands, with its usage lines.
            assert result.exit_code != 0 and str(target) in result.stderr
            assert "Traceback" not in result.stderr and result.stdout == ""
            assert list(target.iterdir()) == []
            target.rmdir()
            continue
        one_line(crm(*args, "-o", str(target)), str(target))
        assert not target.exists()
    # Nothing was recorded by the refs export that could not be written.
    assert [r["uses"] for r in crm("refs", "list", "--json").json()] == [[]]
