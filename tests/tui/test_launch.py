"""`crm` with no command opens the TUI, through the same factory the tests use."""

from __future__ import annotations

import pytest


def test_crm_without_a_command_opens_the_tui_on_the_selected_database(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.cli import run
    from crm.tui.app import CrmApp

    opened: list[str] = []
    monkeypatch.setattr(CrmApp, "run", lambda self, *a, **k: opened.append(self.db.url))
    assert run(["--db", demo_path]) == 0
    assert opened == [f"sqlite:///{demo_path}"]
