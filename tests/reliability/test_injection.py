"""Contact text is data, never markup, terminal control, a formula or SQL.

Every command that prints contact text is run over a network whose every free-text field
holds terminal escapes, bidi overrides and markup; what reaches the terminal must carry no
control character, and the text must still be there, shown escaped or literally.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crm.core.jobhunt.reference_list import ReferenceEntry, ReferenceList
from crm.export import render

# What a terminal acts on: C0 (but newline), DEL, C1 (\x9b is a one-byte CSI), bidi controls.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVIL = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202eevil\r\x08[b]bold[/b][@click=app.quit]"


def nasty(tag: str) -> str:
    return f"{tag} {EVIL}"


def _build(crm: Any, tmp_path: Path) -> None:
    me = crm("add", "person", "Me Myself", "--me", "--email", "me@example.com")
    assert me.exit_code == 0, me.stderr
    ok = [
        crm("add", "person", nasty("Name"), "--email", "evil@example.com", "--phone",
            "+1 415 555 0100", "--tag", nasty("tag"), "--note", nasty("note")),
        crm("add", "position", "Name", nasty("Company"), "--title", nasty("title"), "--kind",
            "intern", "--department", nasty("dept"), "--start", "2024"),
        crm("add", "position", "Me Myself", nasty("Company"), "--title", "Intern", "--start",
            "2024"),
        crm("link", "Me Myself", "Name", "--kind", "mentor", "--note", nasty("how")),
        crm("refs", "add", "Name", "--status", "agreed", "--relationship", nasty("rel"),
            "--speaks-to", nasty("speaks")),
        crm("apps", "add", nasty("Company"), nasty("role"), "--note", nasty("appnote")),
        crm("referrals", "add", "Name", "--for", "Company", "--note", nasty("refnote")),
    ]
    for result in ok:
        assert result.exit_code == 0, result.stderr
    vcf = tmp_path / "evil.vcf"
    vcf.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card {EVIL}\r\nORG:{EVIL}\r\nTITLE:{EVIL}\r\n"
        f"EMAIL:card@example.com\r\nNOTE:{EVIL}\r\nEND:VCARD\r\n"
        f"stray {EVIL}\r\n"
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\n{EVIL} no colon\r\nEND:VCARD\r\n"
        # Same name as an earlier card: a review suggestion echoes the name.
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card {EVIL}\r\nEMAIL:other@example.com\r\n"
        "END:VCARD\r\n", newline="")


def test_every_text_command_prints_contact_text_inert(crm: Any, tmp_path: Path) -> None:
    _build(crm, tmp_path)
    vcf = tmp_path / "evil.vcf"
    commands = [
        ("import", str(vcf)),
        ("import", str(vcf), "--dry-run"),
        ("import", "--rejected"),
        ("people",), ("people", "Name"), ("show", "Name"), ("show", "Card"),
        ("companies",), ("refs", "list"), ("refs", "list", "--for", "Company"),
        ("apps", "list"), ("apps", "show", "1"), ("referrals", "list"),
        ("who", "Company"), ("path", "Name"), ("path", "Company"), ("stale",),
        # Errors echo what the user typed.
        ("show", f"Nobody {EVIL}"), ("import", str(tmp_path / f"missing {EVIL}.vcf")),
    ]
    for args in commands:
        result = crm(*args)
        shown = result.stdout + result.stderr
        bad = CONTROL.findall(shown)
        assert not bad, (args, bad, shown)
        assert "Traceback" not in shown
    # The text is all still there, escaped: nothing was dropped to make it safe.
    people = crm("people").stdout
    assert "Name \\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202eevil" in people
    assert "[b]bold[/b][@click=app.quit]" in people
    show = crm("show", "Name").stdout
    for tag in ("title", "note", "tag", "Company", "rel"):
        assert f"{tag} \\x1b[2J" in show, tag


def test_json_output_escapes_terminal_controls_and_round_trips(crm: Any,
                                                               tmp_path: Path) -> None:
    _build(crm, tmp_path)
    for args in [("people",), ("show", "Name"), ("companies",), ("refs", "list"),
                 ("apps", "list"), ("referrals", "list"), ("who", "Company"),
                 ("path", "Name"), ("stale",)]:
        result = crm(*args, "--json")
        assert result.exit_code == 0, (args, result.stderr)
        assert not CONTROL.findall(result.stdout), args
    (person,) = [p for p in crm("people", "--json").json() if p["name"].startswith("Name")]
    assert person["name"] == nasty("Name")  # JSON keeps the exact text


FTS_QUERIES = ['"', '""', '"unbalanced', "*", "a*", "*a", "AND", "OR", "NOT", "a AND",
               "AND b", "NEAR(", "NEAR(a b, 2)", "NEAR", "-", "-a", "--", ":", "a:b",
               "name:x", "(", ")", "()", "{", "}", "^", "'", "%", "_", "\\", "a OR b NOT c",
               "🙂", "\x00", "ü*", "'; DROP TABLE person; --", "$1", "?"]


def test_search_input_with_query_syntax_never_errors(crm: Any, db_url: str) -> None:
    crm("add", "person", 'Ann "Quote" O\'Neil-Smith', "--note", "50% off_the (shelf) a:b")
    crm("add", "person", "Plain Person")
    for query in FTS_QUERIES:
        # (A query starting with "-" follows "--", as for any command line tool.)
        for as_json in ((), ("--json",)):
            if query.startswith("-"):
                result = crm("people", *as_json, "--db", db_url, "--", query, db=None)
            else:
                result = crm("people", *as_json, query)
            assert result.exit_code == 0, (query, result.stderr)
            assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    # Punctuation in a query does not stop it finding the person.
    assert [p["name"] for p in crm("people", "O'Neil-Smith", "--json").json()] == \
        ['Ann "Quote" O\'Neil-Smith']
    assert crm("people", "--json").json() != []  # the table was not dropped


def _entry(name: str, text: str) -> ReferenceEntry:
    return ReferenceEntry(person_id=1, name=name, title=text, company=text, relationship=text,
                          since="2024-01", speaks_to=text, phone=text, email=text,
                          preferred_contact=text)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(cells=st.lists(st.text(max_size=20) | st.sampled_from(
    ["=1+1", "+1 415", "-5", "@SUM(A1)", "\t=cmd", "\r=x", "=HYPERLINK(\"x\")", " =1"]),
    min_size=1, max_size=6))
def test_csv_export_never_starts_a_cell_with_a_formula(cells: list[str]) -> None:
    from datetime import date

    data = ReferenceList(name="Me", contact_line="", target="X", company="X", role=None,
                         prepared_on=date(2026, 1, 1),
                         entries=[_entry(c, c) for c in cells])
    text = render(data, "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(cells) + 1
    for cell_text, row in zip(cells, rows[1:], strict=True):
        for cell in row[:4] + row[5:]:
            assert not cell or cell[0] not in "=+-@\t\r", cell
            # Neutralized, not changed: the text is the original behind one quote.
            assert cell == cell_text or cell == "'" + cell_text
    assert json.loads(render(replace(data, entries=data.entries[:1]), "json"))["references"]


SQL_IN_STRING = re.compile(
    r"""\bf["'][^"'\n]*\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|WHERE)\b"""
    r"""|["'][^"'\n]*\b(SELECT|INSERT|UPDATE|DELETE|WHERE)\b[^"'\n]*["']\s*(%|\.format\()""")
# Formatted SQL that is allowed, and why: no value in it comes from the user.
ALLOWED = {
    # table and column names from our own metadata
    ("crm/core/backup.py", "pg_get_serial_sequence"), ("crm/core/backup.py", "SELECT max("),
    ("crm/core/samples/generate.py", "pg_get_serial_sequence"),
    ("crm/core/samples/generate.py", "max(id)"),
    # the bulk generator: table names from its own constant tuple, index and trigger names
    # read from sqlite_master, the page cache size read back from SQLite (an int)
    ("crm/core/samples/generate.py", "TRIGGER USER"),
    ("crm/core/samples/generate.py", "DROP {kind.upper()}"),
    ("crm/core/samples/generate.py", 'INSERT INTO "{table}"'),
    ("crm/core/samples/generate.py", "PRAGMA cache_size = {"),
    # migration 0008: SQL assembled from its own constants (trigger names, the key queries)
    ("migrations/versions/0008_scale.py", "UPDATE person SET company_key"),
    ("migrations/versions/0008_scale.py", "DROP TRIGGER IF EXISTS {name}"),
    ("crm/core/db.py", "busy_timeout"),  # a module constant (an int)
    # table and column names from our metadata or from SQLite's own foreign_key_check
    ("crm/core/recover.py", "PRAGMA table_info("), ("crm/core/recover.py", "INSERT INTO"),
    ("crm/core/recover.py", "PRAGMA foreign_key_list("), ("crm/core/recover.py", "UPDATE \""),
    ("crm/core/recover.py", "DELETE FROM"), ("crm/core/recover.py", "SELECT rowid, {names}"),
    ("crm/core/recover.py", "SELECT max(rowid)"), ("crm/core/recover.py", "SELECT {names}"),
    ("crm/core/recover.py", "INDEXED BY"),  # an index name from the file's own schema
    ("migrations/versions/0009_truth.py", "DROP COLUMN"),  # literal names in the migration
    ("migrations/versions/0012_import_pref.py", "DROP COLUMN"),  # (the same)
    ("migrations/versions/0016_import_match.py", "DROP COLUMN"),  # (the same)
    # index names and definitions from the migration's own constant table
    ("migrations/versions/0013_agenda_indexes.py", "CREATE INDEX {name} ON {definition}"),
    ("migrations/versions/0013_agenda_indexes.py", "DROP INDEX IF EXISTS {name}"),
    # migration 0015: its own trigger names and 0008's key query (copied as a constant)
    ("migrations/versions/0015_sqlite_key_writes.py", "DROP TRIGGER IF EXISTS {name}"),
    ("migrations/versions/0015_sqlite_key_writes.py", "UPDATE person SET company_key"),
    ("migrations/versions/0015_sqlite_key_writes.py", "company_key IS NOT {"),
}


def test_all_sql_is_parameterized() -> None:
    root = Path(__file__).resolve().parents[2]
    found = set()
    for path in sorted([*root.glob("crm/**/*.py"), *root.glob("migrations/**/*.py")]):
        for line in path.read_text(encoding="utf-8").splitlines():
            if SQL_IN_STRING.search(line):
                rel = str(path.relative_to(root))
                allowed = [a for a in ALLOWED if a[0] == rel and a[1] in line]
                assert allowed, f"{rel}: SQL built by string formatting: {line.strip()}"
                found.update(allowed)
    assert found == ALLOWED  # the exceptions are still there and still needed
