"""Deletions stick: re-importing the same phone export does not bring a deleted person back."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_deleted_person_stays_deleted_across_reimports(crm: Any, tmp_path: Path) -> None:
    export = tmp_path / "android.vcf"
    shutil.copyfile(FIXTURES / "android.vcf", export)
    first = crm("import", str(export), "--json").json()
    assert first["created"] >= 2
    people = {p["name"]: p["id"] for p in crm("people", "--json").json()}
    jurgen = people["Jürgen Müller"]
    r = crm("rm", "person", f"#{jurgen}", "--yes")
    assert r.exit_code == 0, r.stderr

    again = crm("import", str(export), "--json")
    assert again.exit_code == 0, again.stderr
    report = again.json()
    assert report["created"] == 0 and report["skipped_deleted"] == 1
    for key in ("created", "updated", "unchanged", "merged", "companies_created", "rejected",
                "suggestions"):
        assert key in report  # the existing keys are all still there
    assert "Jürgen Müller" not in {p["name"] for p in crm("people", "--json").json()}
    text = crm("import", str(export))
    assert "1 skipped (you deleted them)" in text.stderr
    assert "Jürgen Müller skipped: you deleted them" in text.stderr

    # A later export where his card changed (a new note) still matches him by phone.
    changed = tmp_path / "android-later.vcf"
    changed.write_bytes(export.read_bytes().replace(b"TITLE:Product Owner, Ticketing",
                                                    b"TITLE:Head of Product"))
    later = crm("import", str(changed), "--json").json()
    assert later["created"] == 0 and later["skipped_deleted"] == 1
    dry = crm("import", str(export), "--dry-run", "--json").json()
    assert dry["skipped_deleted"] == 1 and dry["created"] == 0

    r = crm("undelete", "Jürgen")
    assert r.exit_code == 0, r.stderr
    shown = crm("show", f"#{jurgen}", "--json").json()
    assert shown["name"] == "Jürgen Müller" and shown["company"]
    back = crm("import", str(export), "--json").json()
    assert back["skipped_deleted"] == 0 and back["created"] == 0
