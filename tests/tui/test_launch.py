"""`crm` with no command opens the TUI, through the same factory the tests use."""

from __future__ import annotations

import pytest


def test_crm_without_a_command_opens_the_tui_on_the_selected_database(
        demo_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.cli import run
    from crm.tui.app import CrmApp

    opened: list[str] = []

    async def run_async(self: CrmApp, **_kwargs: object) -> None:
        opened.append(self.db.url)

    monkeypatch.setattr(CrmApp, "run_async", run_async)
    assert run(["--db", demo_path]) == 0
    assert opened == [f"sqlite:///{demo_path}"]


def test_closing_the_tui_while_a_write_waits_says_so_on_the_terminal(
        demo_path: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from crm.cli import run
    from crm.tui.app import CrmApp

    async def run_async(self: CrmApp, **_kwargs: object) -> None:
        self.saving("the import of phone.vcf")  # still going when the user quits

    monkeypatch.setattr(CrmApp, "run_async", run_async)
    assert run(["--db", demo_path]) == 0
    assert capsys.readouterr().err == ("crm: still saving the import of phone.vcf; crm exits "
                                       "when it is done…\n")
