"""The import screen takes LinkedIn's export and CSVs too: preview first, then apply; a later
export's job changes are told in the notice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crm.tui.app import make_app
from crm.tui.screens.importing import ImportScreen
from tests.sources.conftest import LINKEDIN, zip_export
from tests.tui.helpers import apply_import, preview_import, settle
from tests.tui.test_import_screen import TALL, _people

pytestmark = pytest.mark.asyncio


async def test_a_linkedin_zip_then_a_later_one(empty_path: str, tmp_path: Path) -> None:
    first = zip_export(LINKEDIN, tmp_path / "first.zip", (2024, 6, 1))
    later_dir = tmp_path / "later"
    shutil.copytree(LINKEDIN, later_dir)
    connections = later_dir / "Connections.csv"
    connections.write_bytes(connections.read_bytes().replace(
        b"ana-lima,,Stripe,Software Engineer Intern", b"ana-lima,,Datadog,Software Engineer"))
    later = zip_export(later_dir, tmp_path / "later.zip", (2024, 9, 1))
    app = make_app(empty_path)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        app.action_open_import()
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        text = await preview_import(pilot, first)
        assert "Would import (nothing is saved yet)" in text
        assert "Ana Lima" in text and "小龙 李" in text
        assert "Connections.csv:10  Connected On is not a date crm reads" in text
        assert _people(empty_path) == 0  # a preview writes nothing
        await apply_import(pilot)
        assert _people(empty_path) == 5  # four connections and me
        assert "Changed jobs:" in await preview_import(pilot, later)
        await apply_import(pilot)
        notices = [n.message for n in app._notifications]
        assert any("1 changed jobs: Ana Lima: Software Engineer Intern at Stripe → "
                   "Software Engineer at Datadog (as of 2024-09-01)" in n for n in notices)
