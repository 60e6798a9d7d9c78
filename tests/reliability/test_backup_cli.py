"""``crm export json`` / ``crm import json FILE``: the whole database, provenance included."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.vcard.conftest import fixture


def _normalized(data: dict[str, Any]) -> dict[str, Any]:
    """Backup tables with timestamps compared as UTC instants (backends render them apart)."""
    out: dict[str, Any] = {}
    for name, rows in data["tables"].items():
        fixed = []
        for row in rows:
            row = dict(row)
            for key, value in row.items():
                if key.endswith("_at") and isinstance(value, str):
                    t = datetime.fromisoformat(value)
                    row[key] = (t.astimezone(UTC) if t.tzinfo else t).replace(tzinfo=None)
            fixed.append(row)
        out[name] = fixed
    return out


def _fill(crm: Any) -> None:
    assert crm("demo").exit_code == 0
    # iphone.vcf carries a photo; messy.vcf has rejected cards whose raw text must survive.
    assert crm("import", str(fixture("iphone.vcf"))).exit_code == 0
    assert crm("import", str(fixture("messy.vcf"))).exit_code == 1


def test_json_backup_round_trips_everything_including_provenance(crm: Any,
                                                                 tmp_path: Path) -> None:
    _fill(crm)
    backup = tmp_path / "backup.json"
    written = crm("export", "json", "-o", str(backup))
    assert written.exit_code == 0, written.stderr
    assert written.stdout == ""
    assert f"to {backup}" in written.stderr
    original = json.loads(backup.read_text(encoding="utf-8"))
    assert original["format"] == "crm-backup"
    records = original["tables"]["import_record"]
    assert {r["status"] for r in records} == {"imported", "rejected"}
    assert any("garbage line without colon" in r["raw"] for r in records)
    # Standard output carries the same backup.
    assert json.loads(crm("export", "json").stdout)["tables"] == original["tables"]

    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = crm("import", "json", str(backup), "--json", db=target)
    assert restored.exit_code == 0, restored.stderr
    counts = restored.json()["restored"]  # type: ignore[index]
    assert counts["person"] == len(original["tables"]["person"]) > 30
    # The search index follows the restored people.
    found = crm("people", "Sam Okafor", "--json", db=target).json()
    assert [p["name"] for p in found] == ["Sam Okafor"]  # type: ignore[index]
    again = json.loads(crm("export", "json", db=target).stdout)
    assert _normalized(again) == _normalized(original)
    # Provenance works after a restore: the rejected cards are listed, and re-importing the
    # same files changes nothing (raw hashes survived).
    assert crm("import", "--rejected", "--json", db=target).json() == \
        crm("import", "--rejected", "--json").json()
    reimport = crm("import", str(fixture("iphone.vcf")), "--json", db=target)
    assert reimport.json()["created"] == 0  # type: ignore[index]
    assert reimport.json()["updated"] == 0  # type: ignore[index]


def test_backup_given_directly_and_a_file_called_json(crm: Any, tmp_path: Path,
                                                      monkeypatch: Any) -> None:
    crm("add", "person", "Ada Lovelace", "--email", "ada@example.com")
    backup = tmp_path / "b.json"
    crm("export", "json", "-o", str(backup))
    direct = crm("import", str(backup), db=f"sqlite:///{tmp_path / 'direct.sqlite3'}")
    assert direct.exit_code == 0, direct.stderr
    assert "restored 1 people" in direct.stderr
    # A vCard file literally named "json" in the current directory is still a vCard file.
    monkeypatch.chdir(tmp_path)
    Path("json").write_bytes(fixture("google.vcf").read_bytes())
    vcards = crm("import", "json", "--json", db=f"sqlite:///{tmp_path / 'v.sqlite3'}")
    assert vcards.exit_code == 0, vcards.stderr
    assert vcards.json()["created"] > 0  # type: ignore[index]


def test_restore_refusals_are_one_clear_line(crm: Any, tmp_path: Path) -> None:
    crm("add", "person", "Ada Lovelace")
    backup = tmp_path / "b.json"
    crm("export", "json", "-o", str(backup))
    not_backup = tmp_path / "other.json"
    not_backup.write_text('{"people": []}')
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "crm-backup", "tables": {')
    newer = tmp_path / "newer.json"
    data = json.loads(backup.read_text())
    data["tables"]["person"][0]["favourite_colour"] = "teal"
    newer.write_text(json.dumps(data))
    cases = [
        ((str(backup),), "restore needs an empty database, but person has rows", None),
        ((str(not_backup),), 'not a crm JSON backup (no "format": "crm-backup")', "fresh"),
        ((str(broken),), "not a crm JSON backup (invalid JSON at line 1 column 37)", "fresh"),
        ((str(newer),), "unknown columns (favourite_colour); upgrade crm", "fresh"),
        ((str(tmp_path / "missing.json"),), "no such file", "fresh"),
        ((str(tmp_path),), "is a directory, not a crm JSON backup", "fresh"),
        ((), "usage: crm import json FILE (one backup file)", "fresh"),
        ((str(backup), str(backup)), "usage: crm import json FILE", "fresh"),
    ]
    for args, reason, where in cases:
        db = f"sqlite:///{tmp_path / 'fresh.sqlite3'}" if where else None
        result = crm("import", "json", *args) if db is None else \
            crm("import", "json", *args, db=db)
        assert result.exit_code == 2, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("crm: ") and reason in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    mixed = crm("import", str(backup), str(fixture("google.vcf")))
    assert mixed.exit_code == 2
    assert "restored on its own" in mixed.stderr
    # Nothing was restored into the fresh database by any refused attempt.
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert crm("people", "--json", db=fresh).json() == []


def test_backup_from_another_schema_revision_restores(crm: Any, tmp_path: Path) -> None:
    """An older backup (a column it did not have yet, another revision) restores."""
    crm("add", "person", "Grace Hopper", "--email", "grace@example.com", "--note", "COBOL")
    data = json.loads(crm("export", "json").stdout)
    data["schema"] = "0000_older"
    for row in data["tables"]["person"]:
        del row["headline"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    target = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert crm("import", "json", str(old), db=target).exit_code == 0
    shown = crm("show", "Grace Hopper", "--json", db=target).json()
    assert shown["note"] == "COBOL"  # type: ignore[index]
    assert shown["emails"] == ["grace@example.com"]  # type: ignore[index]
