"""SIGKILL while the TUI makes an edit never corrupts the database nor leaves half an edit.

The child process (tests/reliability/tui_editor.py) runs the real app headless on a SQLite
file and makes one edit with keys: new tags on a person, a position at a new company, or
deleting a person with everything that hangs off them. Each is one transaction of several
statements, slowed down a little so that kills land between them. After every kill the
file passes ``PRAGMA integrity_check`` (and the search index its own check) and holds
exactly the state before the edit or the state after a clean run of the same edit.
"""

from __future__ import annotations

import asyncio
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crm.core.contacts.people import count_people
from crm.core.db import open_database
from crm.core.samples.demo import load_demo
from tests.reliability.harness import reset, snapshot
from tests.reliability.tui_editor import EDITS

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Editor:
    """A running child: its process and the markers it printed, with when they came."""

    proc: subprocess.Popen[str]
    markers: queue.Queue[tuple[str, float]] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, path: Path, edit: str, errors: Path) -> Editor:
        with open(errors, "w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-u", "-m", "tests.reliability.tui_editor", str(path), edit],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
        editor = cls(proc)
        threading.Thread(target=editor._read, daemon=True).start()
        return editor

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.markers.put((line.strip(), time.monotonic()))
        self.markers.put(("", time.monotonic()))  # end of output

    def wait_for(self, marker: str) -> float:
        """When ``marker`` was printed (it must come, and before the child ends)."""
        while True:
            line, when = self.markers.get(timeout=120)
            self.seen.append(line)
            if line == marker:
                return when
            assert line, f"the editor ended before {marker!r} (saw {self.seen})"

    def finish(self) -> list[str]:
        """Wait for the child to end; every marker it printed."""
        self.proc.wait(timeout=120)
        while True:
            line, _when = self.markers.get(timeout=30)
            if not line:
                return self.seen
            self.seen.append(line)


@dataclass
class CleanRun:
    after: dict[str, list[tuple[object, ...]]]  # the database after the whole edit
    lead: float  # from "ready" to "writing": the keys and the dialog
    write: float  # from "writing" to "committing": the statements of the edit


def demo_database(path: Path) -> None:
    db = open_database(str(path))
    try:
        with db.write() as s:
            load_demo(s)
    finally:
        db.dispose()


def clean_runs(template: Path, tmp_path: Path) -> dict[str, CleanRun]:
    """Each edit once, unharmed (the three at once, on copies of ``template``)."""
    editors = {}
    for edit in EDITS:
        path = tmp_path / f"clean-{edit}.sqlite3"
        reset(template, path)
        editors[edit] = (path, Editor.start(path, edit, path.with_suffix(".err")))
    runs = {}
    for edit, (path, editor) in editors.items():
        ready = editor.wait_for("ready")
        writing = editor.wait_for("writing")
        committing = editor.wait_for("committing")
        editor.wait_for("done")
        editor.finish()
        assert editor.proc.returncode == 0, path.with_suffix(".err").read_text()
        runs[edit] = CleanRun(snapshot(path), writing - ready, committing - writing)
    return runs


def kill_tui_edits(tmp_path: Path, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    template, db = tmp_path / "template.sqlite3", tmp_path / "crm.sqlite3"
    demo_database(template)
    before = snapshot(template)
    runs = clean_runs(template, tmp_path)
    for edit, run in runs.items():
        assert run.after != before, f"a clean {edit} changed nothing"
    figures = {"kills": 0, "mid_write": 0, "before": 0, "complete": 0, "finished": 0}
    attempt = 0
    while figures["kills"] < kills:
        edit = list(EDITS)[attempt % len(EDITS)]
        # Every other kill is aimed inside the write; the others anywhere from the first
        # key of the edit on (most of them land before the write starts).
        in_write = attempt % 2 == 0
        attempt += 1
        run = runs[edit]
        reset(template, db)
        editor = Editor.start(db, edit, tmp_path / "editor.err")
        if in_write:
            editor.wait_for("writing")
            time.sleep(rng.uniform(0, run.write * 1.2))
        else:
            editor.wait_for("ready")
            time.sleep(rng.uniform(0, (run.lead + run.write) * 1.1))
        killed = editor.proc.poll() is None
        if killed:
            os.kill(editor.proc.pid, signal.SIGKILL)
        seen = editor.finish()
        now = snapshot(db)
        if not killed:  # it finished first: the whole edit, and not a kill
            assert editor.proc.returncode == 0, (tmp_path / "editor.err").read_text()
            assert now == run.after
            figures["finished"] += 1
            continue
        figures["kills"] += 1
        assert now in (before, run.after), f"{edit} torn by a kill (markers: {seen})"
        if now == before:
            figures["before"] += 1
            figures["mid_write"] += "writing" in seen
        else:
            figures["complete"] += 1
    # The TUI opens on what the last kill left and lists everyone in it.
    asyncio.run(tui_lists_everyone(db))
    return figures


async def tui_lists_everyone(path: Path) -> None:
    from crm.tui.screens.people import PeopleScreen
    from tests.tui.helpers import read_db, running, screen_text, settle

    people = read_db(str(path), count_people)
    async with running(str(path)) as pilot:
        app = pilot.app
        assert isinstance(app.screen, PeopleScreen)
        text = screen_text(app)
        assert f"{people} people" in text and "Jordan Lee  (me)" in text
        await pilot.press(*"webb")
        await settle(pilot)
        assert "Marcus Webb" in screen_text(app)


def test_killed_tui_edits_leave_before_or_complete(tmp_path: Path) -> None:
    # One kill inside the write of each edit; the slow variant's many kills are the proof.
    figures = kill_tui_edits(tmp_path, kills=3, seed=8)
    print(f"TUI edit kills: {figures}")
    assert figures["kills"] == 3


@pytest.mark.slow
def test_many_random_kills_during_tui_edits(tmp_path: Path) -> None:
    figures = kill_tui_edits(tmp_path, kills=40, seed=random.randrange(10**6))
    print(f"TUI edit kills: {figures}")
    assert figures["mid_write"] > 0  # some kills really landed inside the write
    assert figures["before"] > 0 and figures["complete"] > 0
