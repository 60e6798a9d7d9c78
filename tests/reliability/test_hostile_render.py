"""The one rendering rule, proved on every face: over a database whose every free-text
field holds terminal escapes (OSC 52, CSI 2J, C1), bidi overrides, invisible format
characters and Rich/Textual markup, no command's output and no screen of the TUI carries a
control character that came from data, and markup shows as typed.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import click.utils
import pytest

from tests.reliability.hostile import HOSTILE, build, data_controls, hostile_vcf


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Click strips CSI sequences when stdout is not a terminal, which would hide a leak of
    them here; on a real terminal it strips nothing. So strip nothing."""
    monkeypatch.setattr(click.utils, "should_strip_ansi", lambda *_a, **_k: False)


def commands(tmp_path: Path) -> list[tuple[str, ...]]:
    vcf = str(hostile_vcf(tmp_path))
    return [
        ("people",), ("people", "Name"), ("show", "Name"), ("show", "Card"),
        ("show", "Colleague"), ("who", "Company"), ("path", "Name"), ("path", "Company"),
        ("stale",), ("companies",), ("companies", "Company"),
        ("refs", "list"), ("refs", "list", "--for", "Company"), ("refs", "candidates",
                                                                 "--for", "Company"),
        ("apps", "list"), ("apps", "show", "1"), ("referrals", "list"),
        ("duplicates",), ("suggestions", "--all"), ("deleted",),
        ("import", vcf, "--dry-run"), ("import", vcf), ("import", "--rejected"),
        # Errors echo what the user typed.
        ("show", f"Nobody {HOSTILE}"), ("import", str(tmp_path / f"missing {HOSTILE}.vcf")),
    ]


def test_every_command_prints_data_without_its_controls(crm: Any, db_url: str,
                                                        tmp_path: Path, terminal: None) -> None:
    build(crm, db_url, tmp_path)
    for args in commands(tmp_path):
        for as_json in ((), ("--json",)):
            if args[0] == "import" and args[1] == "--rejected" and as_json:
                continue
            result = crm(*args, *as_json)
            shown = result.stdout + result.stderr
            assert "Traceback" not in shown, args
            assert not data_controls(shown), (args, as_json, data_controls(shown), shown)
    # The text is all there, escaped or as typed: nothing was dropped to make it safe.
    people = crm("people").stdout
    assert "[b]x[/b]\\x1b]52;c;SU1QTkFNRQ==\\x07\\x1b[2J" in people
    show = crm("show", "Name").stdout
    assert "[@click=app.quit]q[/]" in show and "\\u202e" in show
    (person,) = [p for p in crm("people", "--json").json() if "Name" in p["name"]]
    assert person["name"] == HOSTILE + "Name"  # JSON keeps the exact text


def test_pdf_font_warning_shows_the_characters_escaped(crm: Any, db_url: str, tmp_path: Path,
                                                       terminal: None) -> None:
    build(crm, db_url, tmp_path)
    result = crm("refs", "export", "--for", "Company", "--format", "pdf", "-o",
                 str(tmp_path / "refs.pdf"))
    assert result.exit_code == 0, result.stderr
    assert "the PDF font cannot show" in result.stderr
    assert not data_controls(result.stdout + result.stderr), result.stderr
    assert "\\x1b" in result.stderr


def _crm(db: str, *args: str, tty: bool) -> bytes:
    """``crm ARGS`` in a child process, its stdout a pseudo-terminal or a pipe: the bytes."""
    env = {**os.environ, "COLUMNS": "120"}
    argv = [sys.executable, "-m", "crm", *args, "--db", db]
    if not tty:
        return subprocess.run(argv, capture_output=True, check=True, env=env).stdout
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower,
                            stderr=subprocess.PIPE, env=env)
    os.close(follower)
    out = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert proc.wait(30) == 0, proc.stderr.read() if proc.stderr else ""
    return out


def _undated(backup: bytes) -> bytes:
    """A backup without the moment it was taken (two runs differ there only)."""
    return re.sub(rb'"exported_at": "[^"]*"', b"", backup)


@pytest.mark.parametrize("kind", ["vcard", "json"])
def test_export_to_a_terminal_is_inert_and_to_a_pipe_exact(crm: Any, db_url: str,
                                                           tmp_path: Path, kind: str) -> None:
    build(crm, db_url, tmp_path)
    target = tmp_path / f"out.{kind}"
    assert crm("export", kind, "-o", str(target)).exit_code == 0
    exact = target.read_bytes()
    # The file is the data: raw controls (JSON writes C0 as \u001b, the rest as they are).
    assert (b"\\u001b[2J" if kind == "json" else b"\x1b[2J") in exact
    assert "\u202e".encode() in exact
    # Piped or redirected: the very bytes -o writes (click would strip CSI from them).
    assert _undated(_crm(db_url, "export", kind, tty=False)) == _undated(exact)
    # On a terminal: nothing from data drives it.
    shown = _crm(db_url, "export", kind, tty=True).decode("utf-8")
    assert not data_controls(shown.replace("\r\n", "\n")), data_controls(shown)
    if kind == "json":  # shown, it is still the same JSON
        assert {**json.loads(shown), "exported_at": None} == \
            {**json.loads(exact), "exported_at": None}
