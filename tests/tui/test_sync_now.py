"""The TUI's "Sync now" (palette) and the last sync in the header."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from crm.cli import run
from crm.core.models import Person
from tests.sync.conftest import card
from tests.tui.helpers import read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


async def test_sync_now_syncs_again_and_the_header_shows_it(demo_path: str,
                                                            tmp_path: Path) -> None:
    vdir = tmp_path / "contacts"
    vdir.mkdir()
    assert run(["sync", "vdir", str(vdir), "--db", demo_path]) == 0
    written = len(list(vdir.glob("*.vcf")))
    async with running(demo_path) as pilot:
        app = pilot.app
        await settle(pilot)
        assert "last sync" in screen_text(app) and f"{written} created there" in screen_text(app)
        (vdir / "new.vcf").write_text(card("uid-new", "Nadia Brandt", email="nadia@b.de"))
        await pilot.press("ctrl+p", *"sync now")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "1 created in crm" in screen_text(app)  # the header, and the notice
    names = read_db(demo_path, lambda s: list(s.scalars(select(Person.display_name))))
    assert "Nadia Brandt" in names
