"""Asking for an intro from the person page (I): drafted along the best path, copied to the
clipboard, written to a file if asked, and the ask recorded with a chase."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.core.models import Referral, Todo
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import Toasts, fill_form, open_screen, read_db, running

pytestmark = pytest.mark.asyncio


async def test_an_intro_request_is_copied_written_and_recorded(demo_path: str,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "intro.txt"
    async with running(demo_path) as pilot:
        toasts = Toasts(pilot.app)
        await open_screen(pilot, PersonScreen, "Felix Wagner")
        await fill_form(pilot, "I", why="curious about the platform team", file=str(out))
        note = pilot.app.clipboard
        assert "Felix" in note and "Hi Marcus," in note
        assert "Curious about the platform team." in note
        assert out.read_text(encoding="utf-8") == note
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert [m for m in toasts.messages() if "copied to the clipboard" in m] == [
            f"Intro request to Felix Wagner via Marcus Webb copied to the clipboard and "
            f"written to {out}; recorded as asked, with a to-do to chase Marcus Webb in a "
            "week"]
    asked = read_db(demo_path, lambda s: [
        (r.referrer.display_name, r.to_person.display_name, r.status)
        for r in s.scalars(select(Referral).where(Referral.status == "asked"))])
    assert ("Marcus Webb", "Felix Wagner", "asked") in asked
    chases = read_db(demo_path, lambda s: list(s.scalars(
        select(Todo.origin).where(Todo.origin == "chase-intro"))))
    assert chases == ["chase-intro"]


async def test_an_intro_to_someone_i_know_is_refused_and_nothing_is_copied(
        demo_path: str) -> None:
    async with running(demo_path) as pilot:
        toasts = Toasts(pilot.app)
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        await fill_form(pilot, "I")
        assert any("no introduction needed" in m for m in toasts.errors())
        assert pilot.app.clipboard == ""
