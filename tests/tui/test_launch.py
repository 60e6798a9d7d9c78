"""`crm` with no command opens the TUI, through the same factory the tests use."""

from __future__ import annotations

from pathlib import Path

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


def test_crm_paints_its_first_screen_before_loading_sqlalchemy(demo_path: str) -> None:
    # The app gets the people list's first page, read with the driver alone: neither
    # SQLAlchemy nor the models are loaded before it is painted (they load just after).
    import subprocess
    import sys

    Path(demo_path).chmod(0o600)  # (as crm leaves its files; else it makes it so first)
    probe = ("import sys\n"
             "from crm.tui.app import CrmApp\n"
             "async def run_async(self, **_kwargs):\n"
             "    page = self.take_first_page()\n"
             "    print('sqlalchemy' in sys.modules, page.total, page.rows[0].name)\n"
             "CrmApp.run_async = run_async\n"
             "from crm.cli import run\n"
             f"sys.exit(run(['--db', {demo_path!r}]))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split("\n")[0] == "False 31 Ahmed Karim"


def test_an_older_database_is_upgraded_before_the_tui_opens_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from crm.cli import run
    from crm.core.db import open_database, run_downgrade
    from crm.tui.app import CrmApp

    path = tmp_path / "old.sqlite3"
    db = open_database(str(path))
    run_downgrade(db.engine, "0013_agenda_indexes")
    db.dispose()
    seen: list[tuple[object, ...]] = []

    async def run_async(self: CrmApp, **_kwargs: object) -> None:
        seen.append((self.take_first_page(), self.database_is_open, self.db.upgraded_from))

    monkeypatch.setattr(CrmApp, "run_async", run_async)
    assert run(["--db", str(path)]) == 0
    assert seen == [(None, True, "0013_agenda_indexes")]
    assert "crm: upgraded database schema; backup of the old file:" in capsys.readouterr().err


def test_a_new_database_opens_on_the_welcome_screen_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.cli import run
    from crm.tui.app import CrmApp

    seen: list[tuple[object, ...]] = []

    async def run_async(self: CrmApp, **_kwargs: object) -> None:
        seen.append((self.take_first_page(), self.database_is_open, self.database_label))

    monkeypatch.setattr(CrmApp, "run_async", run_async)
    assert run(["--db", str(tmp_path / "first.sqlite3")]) == 0
    assert seen == [(None, True, "first.sqlite3")]
    assert (tmp_path / "first.sqlite3").stat().st_mode & 0o777 == 0o600


def test_the_first_page_read_at_launch_is_a_page_of_the_people_list() -> None:
    from crm.cli.tui_launch import FIRST_PAGE_ROWS
    from crm.tui.screens.people import PeopleScreen

    assert FIRST_PAGE_ROWS == PeopleScreen.PAGE_SIZE
