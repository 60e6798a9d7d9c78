"""Two processes writing one SQLite database at once both land; nobody sees "locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crm.core.db import open_database
from crm.core.people import count_people

WRITER = """
import sys
from crm.core.db import open_database
from crm.core.people import count_people, create_person
db = open_database(sys.argv[1])
for i in range(int(sys.argv[3])):
    with db.write() as s:
        count_people(s)  # read first, then write: the pattern of every real edit
        create_person(s, f"{sys.argv[2]} {i}", emails=[f"{sys.argv[2]}{i}@example.com"])
print("done")
"""

READER = """
import sys, time
from crm.core.db import open_database
from crm.core.people import search_people
db = open_database(sys.argv[1])
end = time.time() + 2
n = 0
while time.time() < end:
    with db.read() as s:
        search_people(s, "writer", limit=20)
    n += 1
print(n)
"""


def test_concurrent_writers_and_a_reader_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    open_database(str(path)).dispose()
    per_writer = 150
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"writer{w}", str(per_writer)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in ("a", "b")
    ]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for p in [*procs, reader]:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err
    db = open_database(str(path))
    try:
        with db.read() as s:
            assert count_people(s) == 2 * per_writer
    finally:
        db.dispose()
