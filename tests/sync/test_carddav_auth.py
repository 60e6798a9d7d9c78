"""The CardDAV password: from the keyring, CRM_CARDDAV_PASSWORD or a prompt; refused or
missing, one line and no traceback; never printed, never stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sync.conftest import PASSWORD, USER, Radicale


def test_a_refused_password_is_one_line_and_never_shown(
        crm: Any, radicale: Radicale, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_CARDDAV_PASSWORD", "wrong-secret-123")
    result = crm("sync", "carddav", radicale.url, "--user", USER)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "401" in result.stderr
    assert "wrong-secret-123" not in result.stderr + result.stdout


def test_no_password_without_a_terminal_is_bad_input(
        crm: Any, radicale: Radicale, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_CARDDAV_PASSWORD", raising=False)
    result = crm("sync", "carddav", radicale.url, "--user", USER, "--json")
    assert result.exit_code == 2
    assert "CRM_CARDDAV_PASSWORD" in result.json()["error"]["message"]  # type: ignore[index]


def test_the_password_is_used_but_never_stored(crm: Any, radicale: Radicale, db_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_CARDDAV_PASSWORD", PASSWORD)
    crm("add", "person", "Priya Natarajan", "--email", "priya@northwind.com")
    result = crm("sync", "carddav", radicale.url, "--user", USER, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["remote"]["created"] == 1  # type: ignore[index]
    assert PASSWORD not in result.stdout + result.stderr
    if db_url.startswith("sqlite:///"):
        data = b"".join(p.read_bytes() for p in Path(db_url[10:]).parent.glob("crm.sqlite3*"))
        assert PASSWORD.encode() not in data and USER.encode() in data
