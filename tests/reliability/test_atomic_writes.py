"""Every file crm writes is whole or not written: a failed write leaves the old file as it was.

Faults are injected where the operating system reports them (a short write then "no space
left", a failing fsync, a failing rename) and, in a child process, by a real file-size limit
(RLIMIT_FSIZE), which SQLite's own writes hit too. ``make test-slow`` repeats the child run
on a real full filesystem (``test_disk_full``).
"""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crm.core.errors import EXIT_FAILURE, Failure
from crm.core.files import write_file
from tests.reliability.writers import fill_for_writers, new_file_only, writers_for

OLD = b"the previous file, which must survive\n" * 500


def _fail_short_write(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write

    def short_then_full(fd: int, data: Any) -> int:
        real(fd, bytes(data[: max(1, len(data) // 2)]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", short_then_full)


def _fail_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)


def _fail_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)


FAULTS = {"short write": _fail_short_write, "fsync": _fail_fsync, "rename": _fail_rename}


def test_write_file_is_whole_0600_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "out.vcf"
    target.write_bytes(OLD)
    target.chmod(0o644)
    old_umask = os.umask(0)
    try:
        write_file(target, "BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD\r\n")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == "BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD\r\n".encode()
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["out.vcf"]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_write_file_failure_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               fault: str) -> None:
    target = tmp_path / "out.vcf"
    target.write_bytes(OLD)
    FAULTS[fault](monkeypatch)
    with pytest.raises(Failure) as caught:
        write_file(target, b"new content " * 10_000)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["out.vcf"]
    assert str(target) in str(caught.value) and "unchanged" in str(caught.value)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_writing_command_keeps_the_previous_file_when_the_write_fails(
        crm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    fill_for_writers(crm)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "previous.file"
    for name, args in writers_for(crm):
        if fault == "short write" and name.startswith("db "):
            continue  # SQLite writes without os.write: the file-size limit test covers it
        new_only = new_file_only(name)
        if new_only:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(OLD)
            target.chmod(0o600)
        with monkeypatch.context() as patched:
            FAULTS[fault](patched)
            result = crm(*args, "-o", str(target))
        assert result.exit_code == EXIT_FAILURE, (name, result.stderr)
        assert result.stdout == "", name
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and str(target) in lines[0] and "unchanged" in lines[0], (
            name, result.stderr)
        if new_only:
            assert os.listdir(out_dir) == [], (name, os.listdir(out_dir))
        else:
            assert target.read_bytes() == OLD, name
            assert os.listdir(out_dir) == ["previous.file"], (name, os.listdir(out_dir))
        # The same command with nothing failing writes the file.
        assert crm(*args, "-o", str(target)).exit_code == 0, name
        assert target.is_file() and target.read_bytes() != OLD, name
        assert os.listdir(out_dir) == ["previous.file"], (name, os.listdir(out_dir))
    # A reference list that was not written recorded no use (only the successful ones did).
    uses = crm("refs", "list", "--json").json()[0]["uses"]
    assert len(uses) == 2


def test_the_json_error_object_of_a_failed_write(crm: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fill_for_writers(crm)
    target = tmp_path / "refs.md"
    target.write_bytes(OLD)
    _fail_fsync(monkeypatch)
    result = crm("refs", "export", "--for", "Acme", "--format", "md", "-o", str(target),
                 "--json")
    monkeypatch.undo()
    assert result.exit_code == EXIT_FAILURE
    error = result.json()["error"]  # type: ignore[index]
    assert error["exit_code"] == EXIT_FAILURE and error["kind"] == "failure"
    assert str(target) in error["message"] and "unchanged" in error["message"]
    assert target.read_bytes() == OLD


def run_limited(args: list[str], max_file_bytes: int) -> subprocess.CompletedProcess[str]:
    """``crm ARGS`` in a child that may not make any file larger than ``max_file_bytes``."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run(
        [sys.executable, "-c", "import sys; from crm.cli import run; sys.exit(run(sys.argv[1:]))",
         *args], preexec_fn=limit, capture_output=True, text=True, timeout=120, check=False)


def _grow(crm: Any, megabytes: int) -> None:
    """People with long notes, so that every export and backup is megabytes long."""
    note = "a long note about a colleague, " * 3300  # ~100 kB each
    for i in range(megabytes * 10):
        assert crm("add", "person", f"Noted Person {i}", "--note", note).exit_code == 0


def test_a_file_size_limit_mid_write_keeps_the_previous_file(crm: Any, db_url: str,
                                                            tmp_path: Path) -> None:
    fill_for_writers(crm)
    commands = [("export", "vcard"), ("export", "json")]
    if db_url.startswith("sqlite"):
        commands.append(("db", "backup"))
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    good = out_dir / "good.bak"
    before = {}
    for command in commands:
        assert crm(*command, "-o", str(good)).exit_code == 0
        before[command] = good.read_bytes()
    _grow(crm, 1)
    # (A vCard export first gives everyone a UID, a database write the limit would stop.)
    assert crm("export", "vcard").exit_code == 0
    for command in commands:
        good.write_bytes(before[command])
        result = run_limited([*command, "-o", str(good), "--db", db_url], 400_000)
        assert result.returncode == EXIT_FAILURE, (command, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"crm: cannot write {good}: "), lines
        assert good.read_bytes() == before[command], command
        assert os.listdir(out_dir) == ["good.bak"]  # no temporary file, no good.bak-journal
