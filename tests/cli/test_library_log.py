"""What the libraries crm uses log reaches stderr as crm's own escaped lines
(crm.cli.library_log); the server-gone case end to end is in
tests/reliability/test_disk_full.py (a psycopg "error ignored" line was a second line there)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CRM_DEBUG", raising=False)
    from crm.cli.library_log import _OneLine

    root = logging.getLogger()
    before = list(root.handlers)
    for handler in before:  # as in a crm process: no handler but crm's
        root.removeHandler(handler)
    from crm.cli import run

    run(["--help"])
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if isinstance(handler, _OneLine):
                root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)


def test_a_library_warning_is_one_escaped_line(
        installed: None, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    logging.getLogger("psycopg").warning("server said: %s", "bad\x1b[31m\nthing")
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("crm: psycopg: server said: bad")
    assert "\x1b" not in err


def test_psycopgs_error_ignored_while_cleaning_up_is_not_a_second_line(
        installed: None, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    logging.getLogger("psycopg").warning("error ignored terminating %r: %s",
                                         object(), "the connection is lost")
    logging.getLogger("sqlalchemy.pool").info("not a warning")
    assert capsys.readouterr().err == ""


def test_installing_twice_prints_once(installed: None, capsys: pytest.CaptureFixture[str]) -> None:
    from crm.cli import run

    run(["--help"])
    capsys.readouterr()
    logging.getLogger("fpdf").error("once")
    assert capsys.readouterr().err == "crm: fpdf: once\n"
