"""A few screen snapshots on fixed data at a fixed size (update: pytest --snapshot-update)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from crm.core.contacts.people import create_person, resolve_person
from crm.core.contacts.positions import add_position
from crm.core.db import open_database
from crm.core.network import link
from crm.core.upkeep.editing import add_contact, add_interaction, update_person
from crm.tui.app import make_app
from crm.tui.screens.company import CompanyScreen
from crm.tui.screens.person import PersonScreen
from tests.tui.helpers import open_screen, settle

SIZE = (110, 34)


@pytest.fixture
def fixed_path(empty_path: str) -> str:
    """A small network whose every date is fixed (no position is current, so nothing on
    screen depends on today's date)."""
    db = open_database(empty_path)
    with db.write() as s:
        ada = create_person(s, "Ada Lovelace", emails=["ada@example.org"], tags=["math"],
                            note="Wrote the first program.")
        charles = create_person(s, "Charles Babbage", phones=["+44 20 7946 0000"])
        mary = create_person(s, "Mary Somerville")
        add_position(s, ada, "Analytical Engines Ltd", title="Programmer", kind="contract",
                     start="1842-01", end="1843-09")
        add_position(s, charles, "Analytical Engines Ltd", title="Inventor",
                     kind="full-time", start="1834", end="1871")
        add_position(s, mary, "Royal Society", title="Fellow", start="1835", end="1872")
        link(s, ada, mary, "mentor", strength=5, note="Introduced her to Babbage")
        update_person(s, ada.id, {"headline": "Mathematician", "location": "London"})
        add_contact(s, ada.id, "url", "https://example.org/ada")
        add_interaction(s, ada.id, "meeting", "1833-06-05", "Met Charles at a party")
        add_interaction(s, charles.id, "email", "1843-08-01", "Sent the notes")
    db.dispose()
    return empty_path


async def steady(pilot: Pilot[None]) -> None:
    """Settle, and stop the text cursors blinking: a picture taken after a slow settle must
    not catch one half-way through a blink."""
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_people_list(snap_compare, fixed_path: str) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await steady(pilot)

    assert snap_compare(make_app(fixed_path), terminal_size=SIZE, run_before=ready)


def test_person(snap_compare, fixed_path: str) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")  # Ada, first by name
        await steady(pilot)

    assert snap_compare(make_app(fixed_path), terminal_size=(110, 44), run_before=ready)


def test_companies_and_company(snap_compare, demo_path: str) -> None:  # type: ignore[no-untyped-def]
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"hooli", "enter")
        await steady(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=SIZE, run_before=ready)



def test_longest_form_at_80x24(snap_compare, fixed_path: str) -> None:  # type: ignore[no-untyped-def]
    """The application's edit form (the longest: eight fields) at the smallest supported
    size: the fields scroll, the buttons and the form's own keys stay in view, and the
    company shows by its name."""
    from crm.core.contacts.companies import get_or_create_company
    from crm.core.jobhunt.applications import add_application, parse_day

    db = open_database(fixed_path)
    with db.write() as s:
        add_application(s, get_or_create_company(s, "Analytical Engines Ltd"), "Engineer",
                        stage="applied", applied_on=parse_day("1843-10-01"))
    db.dispose()

    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("e")  # on the application, selected first
        await steady(pilot)

    assert snap_compare(make_app(fixed_path), terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["wide", "narrow"])
def test_people_layout(snap_compare, fixed_path: str, size: tuple[int, int],  # type: ignore[no-untyped-def]
                       theme: str) -> None:
    """The people list wide (the selected person's card beside it) and narrow (one
    column), in each theme: the tab line of screen keys, the database in the header."""

    async def ready(pilot: Pilot[None]) -> None:
        pilot.app.theme = theme
        await settle(pilot)
        await pilot.press("down")  # to the list: Ada's card
        await steady(pilot)

    assert snap_compare(make_app(fixed_path), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["wide", "narrow"])
def test_companies_layout(snap_compare, demo_path: str, size: tuple[int, int],  # type: ignore[no-untyped-def]
                          theme: str) -> None:
    """The companies list wide (who I know at the selected company beside it) and narrow."""

    async def ready(pilot: Pilot[None]) -> None:
        pilot.app.theme = theme
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"hooli")
        await steady(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=ready)


# -- the pictures (a person's timeline, the ways into a company), narrow and wide -----------


@pytest.fixture
def timeline_path(fixed_path: str) -> str:
    """Ada's positions: one overlapping mine (Mary is me here) at the same company, one
    undated; every date fixed and none current, so the chart does not depend on today."""
    from crm.core.upkeep.records import set_me_and_via

    db = open_database(fixed_path)
    with db.write() as s:
        ada, mary = (resolve_person(s, "Ada Lovelace"), resolve_person(s, "Mary Somerville"))
        set_me_and_via(s, mary.id, me=True)
        add_position(s, mary, "Analytical Engines Ltd", title="Translator", start="1843-01",
                     end="1845")
        add_position(s, ada, "Royal Society", title="Correspondent")
        add_position(s, ada, "University of London", title="Student", start="1840",
                     end="1841-06")
    db.dispose()
    return fixed_path


def _person_snapshot(snap_compare, path: str, size: tuple[int, int],  # type: ignore[no-untyped-def]
                     light: bool) -> bool:
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if light:
            await pilot.press("ctrl+t")
        await open_screen(pilot, PersonScreen, "Ada Lovelace")
        await steady(pilot)

    return bool(snap_compare(make_app(path), terminal_size=size, run_before=ready))


def test_person_timeline_80x24_dark(snap_compare, timeline_path: str) -> None:  # type: ignore[no-untyped-def]
    assert _person_snapshot(snap_compare, timeline_path, (80, 24), light=False)


def test_person_timeline_160x48_light(snap_compare, timeline_path: str) -> None:  # type: ignore[no-untyped-def]
    assert _person_snapshot(snap_compare, timeline_path, (160, 48), light=True)


def _company_snapshot(snap_compare, path: str, size: tuple[int, int],  # type: ignore[no-untyped-def]
                      light: bool) -> bool:
    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if light:
            await pilot.press("ctrl+t")
        await open_screen(pilot, CompanyScreen, "Stripe")
        await steady(pilot)

    return bool(snap_compare(make_app(path), terminal_size=size, run_before=ready))


def test_company_paths_80x24_light(snap_compare, demo_path: str) -> None:  # type: ignore[no-untyped-def]
    assert _company_snapshot(snap_compare, demo_path, (80, 24), light=True)


def test_company_paths_160x48_dark(snap_compare, demo_path: str) -> None:  # type: ignore[no-untyped-def]
    assert _company_snapshot(snap_compare, demo_path, (160, 48), light=False)
