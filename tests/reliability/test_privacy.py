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

from tests.vcard.conftest import fixture

SCRIPT = r"""
import json, os, sys
from pathlib import Path
os.umask(0)
from crm.cli import run
from crm.core.db import open_database, run_downgrade
from crm.core.contacts.people import create_person

work = Path(sys.argv[1])
db = work / "data" / "sub" / "crm.sqlite3"
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
mode(db.parent)
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
        "data/sub/crm.sqlite3", "data/sub/crm.sqlite3-wal", "data/sub/crm.sqlite3-shm",
        "out/all.vcf", "out/backup.json", "out/rejected.vcf", "out/manual.sqlite3",
        *(f"out/refs.{f}" for f in ("md", "txt", "csv", "json", "html", "pdf")),
        "backup:crm",
    }
    assert set(modes) == expected_files | {"data/sub"}
    assert {k: v for k, v in modes.items() if k != "data/sub"} == \
        dict.fromkeys(expected_files, "0o600")
    assert modes["data/sub"] == "0o700"
    # Nothing else was written anywhere: no log, no cache, no history.
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert not [p for p in written if not p.startswith(("data/sub/", "out/"))], written
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
