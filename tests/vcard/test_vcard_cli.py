"""``crm import`` and ``crm export vcard`` as a user runs them."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from tests.vcard.conftest import fixture

KEYS = ["created", "updated", "unchanged", "merged", "companies_created", "rejected",
        "suggestions", "skipped_deleted", "warnings", "matches"]  # (skipped_deleted: issue 15;
# matches: issue 14, a card merged into someone of another name by a shared phone or email)


def test_import_json_and_exit_codes(crm: Any) -> None:
    result = crm("import", str(fixture("iphone.vcf")), str(fixture("google.vcf")), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert list(data) == KEYS
    # Stripe from its company card, Acme Robotics from Priya's and Yuki's ORG.
    assert (data["created"], data["companies_created"], data["rejected"]) == (4, 2, [])
    assert result.stderr == ""
    messy = crm("import", str(fixture("messy.vcf")), "--json")
    assert messy.exit_code == 1  # some rejected, the rest imported
    assert messy.json()["created"] == 6
    assert messy.json()["rejected"][0] == {"file": str(fixture("messy.vcf")), "line": 7,
                                           "message": "text outside any card (1 line, not "
                                                      "between BEGIN:VCARD and END:VCARD)"}
    people = crm("people", "--json").json()
    assert len(people) == 10


def test_import_human_output(crm: Any) -> None:
    result = crm("import", str(fixture("messy.vcf")))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == ("crm: imported: 6 created, 0 updated, 0 merged, 0 unchanged, "
                        "1 company created, 1 rejected")
    # The card is imported; the one bad line of it is named, with no contact text.
    assert (f"crm: {fixture('messy.vcf')}:19: card has no END:VCARD; read up to line 22"
            in lines)
    assert (f"crm: {fixture('messy.vcf')}:12: PHOTO is not valid base64 (damaged or cut "
            "short): left out, kept in the raw card") in lines
    again = crm("import", str(fixture("messy.vcf")))
    assert again.stderr.splitlines()[0].startswith("crm: imported: 0 created, 0 updated, "
                                                   "0 merged, 7 unchanged")


def test_dry_run_writes_nothing(crm: Any) -> None:
    result = crm("import", str(fixture("android.vcf")), "--dry-run")
    assert result.exit_code == 0
    assert "dry run" in result.stderr
    assert "  created  Jürgen Müller" in result.stderr.splitlines()
    assert crm("people", "--json").json() == []


def test_bad_files_are_one_clear_line(crm: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 20)
    csv = tmp_path / "contacts.csv"
    csv.write_text("name,email\nAda,ada@example.com\n")
    cases = [(tmp_path / "missing.vcf", "no such file"), (tmp_path, "is a directory"),
             (empty, "file is empty"), (binary, "binary file"), (csv, "not a vCard file")]
    for path, reason in cases:
        result = crm("import", str(path), "--json")
        assert result.exit_code == 2
        line = f"{path}: {reason}" + (
            " (no BEGIN:VCARD line)" if reason == "not a vCard file" else
            ", not a vCard file" if reason in ("is a directory", "binary file") else "")
        assert result.stderr.strip() == f"crm: {line}"
        # Under --json, stdout says the same as one JSON error object.
        assert result.json() == {"error": {"message": line, "kind": "bad-input",
                                           "exit_code": 2}}
    # A bad file next to a good one: nothing is imported (fix the command, run it again).
    result = crm("import", str(fixture("google.vcf")), str(empty))
    assert result.exit_code != 0
    assert crm("people", "--json").json() == []
    assert crm("import").exit_code != 0


def test_rejected_cards_can_be_listed_written_out_fixed_and_retried(crm: Any,
                                                                    tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    # A card with neither a name nor a contact point is the one kind still rejected whole.
    bad.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:Broken Photo\r\nEND:VCARD\r\n")
    crm("import", str(fixture("messy.vcf")), str(bad))
    listed = crm("import", "--rejected", "--json")
    assert listed.exit_code == 0
    assert [(r["line"], r["message"]) for r in listed.json()][:2] == [
        (7, "text outside any card (1 line, not between BEGIN:VCARD and END:VCARD)"),
        (1, "card has no name (no FN, N, nickname, email or phone)")]
    out = tmp_path / "rejected.vcf"
    written = crm("import", "--rejected", "-o", str(out))
    assert written.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with open(out, encoding="utf-8", newline="") as f:
        text = f.read()
    assert "NOTE:Broken Photo" in text and "this is not a vcard line" in text
    fixed = (text.replace("this is not a vcard line\r\n", "")
             .replace("NOTE:Broken Photo", "FN:Fixed Person"))
    out.write_text(fixed, newline="")
    retried = crm("import", str(out), "--json")
    assert retried.exit_code == 0, retried.stdout
    assert retried.json()["created"] == 1
    names = {p["name"] for p in crm("people", "--json").json()}
    assert {"Broken Photo", "Garbage Inside", "No End", "Fixed Person"} <= names
    assert crm("import", "--forget-rejected").exit_code == 0
    assert crm("import", "--rejected", "--json").json() == []


def test_export_vcard(crm: Any, tmp_path: Path) -> None:
    crm("import", str(fixture("vcard4.vcf")))
    out = tmp_path / "all.vcf"
    result = crm("export", "vcard", "-o", str(out), "--version", "4.0")
    assert result.exit_code == 0
    assert result.stderr.strip() == f"crm: exported 2 people to {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in text
    stdout = crm("export", "vcard")
    assert stdout.stdout.count("VERSION:3.0") == 2
    again = crm("import", str(out), "--json")
    assert again.json()["unchanged"] == 2
    assert crm("export", "vcard", "--version", "2.1").exit_code != 0


def test_a_birthday_that_is_no_date_is_named_and_kept_as_written(crm: Any,
                                                                 tmp_path: Path) -> None:
    """"BDAY:1990-13-45" was left off the person without a word (only the export still had
    it): now the import says which line, without the contact's text, and exits 0 (nothing
    was altered); the good card beside it keeps its birthday."""
    path = tmp_path / "phone.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nBDAY:1990-13-45\r\n"
                     b"EMAIL:ana@lima.dev\r\nEND:VCARD\r\n"
                     b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Ode\r\nBDAY:1991-03-14\r\n"
                     b"END:VCARD\r\n")
    result = crm("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert (f"crm: {path}:4: BDAY is not a date crm can read (YYYY-MM-DD, --MM-DD or YYYY): "
            "not taken as a birthday, kept on the card as written") in result.stderr.splitlines()
    assert "1990-13-45" not in result.stderr
    people = {p["name"]: p for p in crm("people", "--json").json()}
    assert crm("show", "Ben Ode", "--json").json()["birthday"] == "1991-03-14"
    assert crm("show", "Ana Lima", "--json").json()["birthday"] is None
    assert set(people) == {"Ana Lima", "Ben Ode"}
    exported = crm("export", "vcard").stdout
    assert "BDAY:1990-13-45" in exported and "BDAY:1991-03-14" in exported
