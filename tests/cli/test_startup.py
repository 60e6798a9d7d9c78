"""The garbage collector is paused only while ``crm`` starts (crm.startup)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import atexit, gc, sys
atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0))
sys.argv = ["crm", *sys.argv[1:]]
from crm.__main__ import main
main()
"""


def run_crm(*args: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip().splitlines()[-1]


def test_collector_is_back_on_once_the_database_is_open(tmp_path: Path) -> None:
    # Collection on, with the startup heap frozen out of its way.
    assert run_crm("people", "--json", "--db", str(tmp_path / "crm.sqlite3")) == "True True"


def test_resume_without_pause_leaves_the_collector_alone() -> None:
    code = ("import gc; from crm.startup import resume_collector; gc.disable(); "
            "resume_collector(); print(gc.isenabled(), gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "0"]
