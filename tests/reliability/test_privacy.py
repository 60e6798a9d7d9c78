"""Files holding contact data are 0600 whatever the umask; crm keeps no logs.

Everything runs in one subprocess with umask 000, so a mode that only comes from a
friendly umask would show up as 0666 here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.vcard.conftest import fixture

SCRIPT = r"""
import json, os, sys
from pathlib import Path
os.umask(0)
from crm.cli import run
from crm.core.db import open_database, run_downgrade
from crm.core.contacts.people import create_person

work = Path(sys.argv[1])
db = work / "data" / "deep" / "sub" / "crm.sqlite3"
modes = {}

def ok(*args):
    code = run([*args, "--db", str(db)])
    assert code in (0, 1), (args, code)

def mode(path):
    modes[str(path.relative_to(work))] = oct(path.stat().st_mode & 0o777)

ok("add", "person", "Me Myself", "--me", "--email", "me@example.com", "--phone", "+14155550100")
ok("add", "person", "Ref Erence", "--email", "ref@example.com")
ok("add", "position", "Ref Erence", "Acme", "--title", "Boss", "--start", "2023")
ok("refs", "add", "Ref Erence", "--status", "agreed")
ok("import", sys.argv[2], sys.argv[3])
mode(db)
for d in (db.parent, db.parent.parent, db.parent.parent.parent):  # all made by crm
    mode(d)
# A database another tool left 0644, with 0644 -wal and -shm: crm owns them, so tightens.
loose = work / "loose"
loose.mkdir(mode=0o755)
(loose / "crm.sqlite3").write_bytes(db.read_bytes())
for suffix in ("", "-wal", "-shm"):
    os.chmod(os.open(str(loose / "crm.sqlite3") + suffix, os.O_CREAT | os.O_WRONLY, 0o644),
             0o644)
tight = open_database(str(loose / "crm.sqlite3"))
with tight.read() as s:
    for suffix in ("", "-wal", "-shm"):
        modes["loose:" + suffix] = oct(Path(str(loose / "crm.sqlite3") + suffix).stat().st_mode
                                       & 0o777)
tight.dispose()
# WAL and shared-memory files exist while a connection is open.
database = open_database(str(db))
with database.write() as s:
    create_person(s, "While Open")
with database.read() as s:
    for suffix in ("-wal", "-shm"):
        mode(Path(str(db) + suffix))
database.dispose()
out = work / "out"
out.mkdir()
ok("export", "vcard", "-o", str(out / "all.vcf"))
ok("export", "json", "-o", str(out / "backup.json"))
ok("import", "--rejected", "-o", str(out / "rejected.vcf"))
for fmt in ("md", "txt", "csv", "json", "html", "pdf"):
    ok("refs", "export", "--for", "Acme", "--format", fmt, "-o", str(out / f"refs.{fmt}"))
ok("db", "backup", "-o", str(out / "manual.sqlite3"))
ok("db", "backup")
# An older schema: opening it takes an automatic backup first.
old = open_database(str(db))
run_downgrade(old.engine, "base")
old.dispose()
ok("people")
for path in sorted(out.iterdir()):
    mode(path)
for path in sorted(db.parent.glob("*backup*")):
    modes["backup:" + path.name.split(".backup-")[0]] = oct(path.stat().st_mode & 0o777)
print(json.dumps(modes))
"""


def test_every_file_with_contact_data_is_private_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "XDG_"))}
    env.update(HOME=str(home), CRM_DEFAULT_REGION="US")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(fixture("iphone.vcf")),
         str(fixture("messy.vcf"))], capture_output=True, text=True, env=env, cwd=home,
        timeout=300)
    assert proc.returncode == 0, proc.stderr
    modes = json.loads(proc.stdout.splitlines()[-1])
    expected_files = {
        "data/deep/sub/crm.sqlite3", "data/deep/sub/crm.sqlite3-wal",
        "data/deep/sub/crm.sqlite3-shm", "loose:", "loose:-wal", "loose:-shm",
        "out/all.vcf", "out/backup.json", "out/rejected.vcf", "out/manual.sqlite3",
        *(f"out/refs.{f}" for f in ("md", "txt", "csv", "json", "html", "pdf")),
        "backup:crm",
    }
    dirs = {"data", "data/deep", "data/deep/sub"}
    assert set(modes) == expected_files | dirs
    assert {k: v for k, v in modes.items() if k not in dirs} == \
        dict.fromkeys(expected_files, "0o600")
    # Every directory crm made, not just the last one (mkdir -p would make the rest 0777).
    assert {d: modes[d] for d in dirs} == dict.fromkeys(dirs, "0o700")
    # Nothing else was written anywhere: no log, no cache, no history.
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert not [p for p in written if not p.startswith(("data/deep/sub/", "out/", "loose/"))], \
        written
    assert not [p for p in written if p.endswith((".log", ".txt")) and "refs" not in p]


def test_error_messages_do_not_dump_cards(crm: Any, tmp_path: Path) -> None:
    run = crm
    secret = "SECRET-555-0199 private note"
    path = tmp_path / "broken.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hidden Person\r\n"
                    f"NOTE:{secret}\r\nthis line has no colon\r\n"
                    f"PHOTO;ENCODING=b:{'A' * 5000}!!\r\nEND:VCARD\r\n"
                    f"BEGIN:VCARD\r\nFN:No End\r\nNOTE:{secret}\r\n", newline="")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert secret not in result.stderr and "AAAAAAAA" not in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 300
    listed = run("import", "--rejected")
    assert secret not in listed.stdout + listed.stderr


def test_no_error_quotes_card_text_nor_stores_it(crm: Any, db_url: str,
                                                 tmp_path: Path) -> None:
    """Every error and warning says what is wrong and where (file, line, a property's name
    when it is a valid one), never the text: not on stderr, not in --json, not in the
    rejection crm stores."""
    from sqlalchemy import create_engine, text

    ssn = "123-45-6789"
    path = tmp_path / "secrets.vcf"
    path.write_bytes(
        f"SSN of Jane {ssn} pin 4321\r\n"  # text outside any card
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane\r\n"
        f"SSN of Jane {ssn} pin 4321\r\n"  # a line with no colon: left out, reported
        f"SSN {ssn}:x\r\n"  # a bad property name: left out, reported
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\n".encode()
        + f"SSN {ssn};CHARSET=ISO-8859-7:".encode() + b"\xff\xfe\r\n"  # bad charset
        + b"END:VCARD\r\n")
    shown = []
    for args in (("import", str(path)), ("import", str(path), "--json"),
                 ("import", "--rejected"), ("import", "--rejected", "--json")):
        result = crm(*args)
        shown.append(result.stdout + result.stderr)
    assert "text outside any card" in shown[0] and "not a vCard property" in shown[0]
    assert "bad property name" in shown[0]
    for out in shown:
        assert ssn not in out and "4321" not in out and "SSN" not in out, out
    engine = create_engine(db_url)
    with engine.connect() as conn:
        errors = conn.execute(text("SELECT error FROM import_record WHERE error IS NOT NULL"))
        stored = [row[0] for row in errors]
    engine.dispose()
    assert stored and not [e for e in stored if ssn in e or "SSN" in e], stored


def test_a_readable_database_crm_may_not_change_is_told_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Not this user's file (here: crm believes it runs as another user): left as it is,
    and one line on stderr says so and how to fix it."""
    from crm.cli import run
    from crm.core.db import open_database

    path = tmp_path / "shared" / "crm.sqlite3"
    path.parent.mkdir()
    open_database(str(path)).dispose()
    path.chmod(0o644)
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    assert run(["people", "--db", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.count("readable by others") == 1, err
    assert f"chmod 600 {path}" in err
    assert path.stat().st_mode & 0o777 == 0o644
