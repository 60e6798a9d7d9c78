"""Keep in touch from the person page (k): set "every N, at most M", see it, clear it."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import resolve_person
from crm.core.contacts.profile import person_detail
from crm.tui.screens.dialogs import FormDialog
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import fill_form, open_screen, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


async def _top(pilot) -> str:  # type: ignore[no-untyped-def]
    """The page's top (the headline), whatever the form's save left scrolled."""
    pilot.app.screen.query_one("#person-body").scroll_home(animate=False)
    await settle(pilot)
    return screen_text(pilot.app)


def _interval(path: str) -> tuple[int | None, int | None]:
    k = read_db(path, lambda s: person_detail(
        s, resolve_person(s, "Priya Natarajan").id).keep_in_touch)
    return k.every_days, k.at_most_days


async def test_keep_in_touch_is_set_shown_refused_and_cleared_on_the_person_page(
        demo_path: str) -> None:
    async with running(demo_path, size=(80, 24)) as pilot:
        await open_screen(pilot, PersonScreen, "Priya Natarajan")
        await fill_form(pilot, "k", every="2w", at_most="1m")
        assert _interval(demo_path) == (14, 30)
        assert "keep in touch every 2w, at most 1m" in await _top(pilot)
        # The form opens with what is set, as it can be typed back.
        form = await fill_form(pilot, "k", save=False)
        assert form.query_one("#form-every").value == "2w"
        assert form.query_one("#form-at_most").value == "1m"
        await fill_form(pilot, every="3m")  # at most 1m is shorter than every 3m: refused
        assert isinstance(pilot.app.screen, FormDialog)
        assert "shorter" in screen_text(pilot.app)
        assert _interval(demo_path) == (14, 30)
        await pilot.press("escape")
        await settle(pilot)
        await fill_form(pilot, "k", every="", at_most="")
        assert _interval(demo_path) == (None, None)
        assert "keep in touch" not in await _top(pilot)
