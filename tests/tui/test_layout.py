"""Layout and newcomer polish: the card beside a list on a wide terminal, the tab line of
screen keys, the database in the header, one wording for empty sections, readable
birthdays, readable light-theme headers, palette entries that say what a key does, the
welcome line that says where the database is, and where an export goes by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from textual.color import Color

from crm.core.contacts.people import create_person
from crm.core.db import Database, open_database
from crm.core.paths import default_export_dir
from crm.core.samples.demo import load_demo
from crm.core.upkeep.editing import update_person
from crm.tui.app import DARK_THEME, LIGHT_THEME
from crm.tui.commands import CrmCommands, what_it_does
from crm.tui.lines import NONE_YET
from crm.tui.screens.companies import CompaniesScreen
from crm.tui.screens.people import PeopleScreen
from crm.tui.screens.person import PersonScreen
from crm.tui.screens.references import default_export_path
from crm.tui.widgets.detail_pane import DetailPane
from crm.tui.widgets.editable import EditableField
from tests.tui.helpers import open_screen, running, screen_text, settle

WIDE_SIZE = (160, 48)
NARROW_SIZE = (80, 24)
TABS = "F2 People  F3 Companies  F4 References  F5 Applications  F6 Today"


def _card(app: object) -> str:
    pane = app.screen.query_one(DetailPane)  # type: ignore[attr-defined]
    return str(pane.query_one(".card").render())


# -- the card beside the list ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_wide_people_list_shows_the_selected_persons_card(demo_path: str) -> None:
    async with running(demo_path, size=WIDE_SIZE) as pilot:
        app = pilot.app
        assert app.screen.query_one(DetailPane).display
        card = _card(app)
        assert "Ahmed Karim" in card and "CTO at Acme Robotics" in card  # the first row
        await pilot.press("down", "down")  # to the list, then the second person
        await settle(pilot)
        card = _card(app)
        assert "Aisha Bello" in card and "Ahmed Karim" not in card
        # The list keeps the keys: typing still searches.
        await pilot.press(*"priya")
        await settle(pilot)
        assert "Priya Natarajan" in _card(app)


@pytest.mark.asyncio
async def test_narrow_people_list_is_one_column_and_widening_shows_the_card(
        demo_path: str) -> None:
    async with running(demo_path, size=NARROW_SIZE) as pilot:
        app = pilot.app
        pane = app.screen.query_one(DetailPane)
        assert not pane.display and pane.key is None  # hidden, and nothing read for it
        await pilot.resize_terminal(*WIDE_SIZE)
        await settle(pilot)
        assert pane.display and "Ahmed Karim" in _card(app)
        await pilot.resize_terminal(*NARROW_SIZE)
        await settle(pilot)
        assert not pane.display


@pytest.mark.asyncio
async def test_wide_companies_list_shows_who_i_know_there(demo_path: str) -> None:
    async with running(demo_path, size=WIDE_SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CompaniesScreen)
        await pilot.press(*"hooli")
        await settle(pilot)
        card = _card(pilot.app)
        assert "Who I know here" in card
        assert "Now (" in card and "Through whom (" in card
        assert "Arjun Mehta" in card  # at Hooli now


# -- the top of the screen ------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.asyncio
async def test_screen_keys_are_named_whole_on_every_screen(demo_path: str,
                                                           size: tuple[int, int]) -> None:
    async with running(demo_path, size=size) as pilot:
        text = screen_text(pilot.app)
        assert TABS in text
        assert "Scre" not in text  # the footer's old "f2 f3 f4 f5 Screens", cut short
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        text = screen_text(pilot.app)
        assert TABS in text and "? keys" in text


@pytest.mark.asyncio
async def test_header_names_the_database_on_each_backend(db_url: str) -> None:
    async with running(db_url) as pilot:
        header = screen_text(pilot.app).splitlines()[0]
        db = pilot.app.db  # type: ignore[attr-defined]
        if db.is_sqlite:
            assert header.rstrip().endswith("crm.sqlite3")
            assert str(Path(db.path).parent) not in header  # the name, not the whole path
        else:
            url = db.engine.url
            assert f"{url.host}:{url.port}/{url.database}" in header
            assert "postgresql" not in header


def test_database_label_never_shows_a_password() -> None:
    url = "postgresql+psycopg://alice:s3cret@db.example.org:5433/crm"
    engine = create_engine(url)  # (never connects)
    db = Database(url, engine, sessionmaker(engine))
    assert db.label == "db.example.org:5433/crm"
    assert "s3cret" not in db.label and "alice" not in db.label


# -- wording --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_empty_sections_read_none_yet_everywhere(empty_path: str) -> None:
    db = open_database(empty_path)
    with db.write() as s:
        create_person(s, "Ada Lovelace")
    db.dispose()
    async with running(empty_path) as pilot:
        await open_screen(pilot, PersonScreen, "Ada Lovelace")
        text = screen_text(pilot.app)
        assert "not a reference" not in text and "nobody" not in text
        # Contact, positions, connections, reference, interactions (some below the fold)
        empties = [w for w in pilot.app.screen.query(".item")
                   if str(w.render()) == NONE_YET]
        assert len(empties) == 5


@pytest.mark.asyncio
async def test_birthdays_read_as_people_write_them(empty_path: str) -> None:
    db = open_database(empty_path)
    with db.write() as s:
        ada = create_person(s, "Ada Lovelace")
        bob = create_person(s, "Bob Birthday")
        update_person(s, ada.id, {"birthday": "--03-14"})
        update_person(s, bob.id, {"birthday": "1999-03-14",
                                  "note": "first line\nsecond line"})
    db.dispose()
    async with running(empty_path) as pilot:
        await open_screen(pilot, PersonScreen, "Ada Lovelace")
        field = pilot.app.screen.query_one("#field-birthday", EditableField)
        assert "14 March" in str(field.query_one(".field-value").render())
        assert "--03-14" not in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        await open_screen(pilot, PersonScreen, "Bob Birthday")
        text = screen_text(pilot.app)
        assert "14 March 1999" in text
        # A note's second line starts under its first, not under the label.
        first = next(line for line in text.splitlines() if "first line" in line)
        second = next(line for line in text.splitlines() if "second line" in line)
        assert first.index("first line") == second.index("second line")


# -- the light theme ------------------------------------------------------------------------


def _luminance(c: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: Color, b: Color) -> float:
    """The WCAG 2 contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME])
@pytest.mark.asyncio
async def test_section_headers_reach_wcag_aa_contrast(demo_path: str, theme: str) -> None:
    async with running(demo_path) as pilot:
        pilot.app.theme = theme
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        for title in pilot.app.screen.query(".section-title"):
            background = title.background_colors[1]
            colour = title.styles.color
            colour = background + colour if colour.a < 1 else colour
            assert contrast(colour, background) >= 4.5, (theme, str(title.render()))


# -- the command palette --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_palette_entries_say_what_the_key_does(demo_path: str) -> None:
    async with running(demo_path) as pilot:
        assert isinstance(pilot.app.screen, PeopleScreen)
        provider = CrmCommands(pilot.app.screen)
        entries = {name: help_text for name, help_text, _run in provider.screen_actions()}
        sort = "Change the order of the list: name, company, last contacted…"
        assert entries[sort] == "key ^o (Sort in the footer)"
        assert not any("Same as the" in h for h in entries.values())
        await open_screen(pilot, PersonScreen, "Marcus Webb")
        provider = CrmCommands(pilot.app.screen)
        # Every key the footer offers here is described, in the palette as "key: what".
        for active in pilot.app.screen.active_bindings.values():
            if active.binding.show and active.binding.id:
                assert what_it_does(active.binding), active.binding.id
        entries = {name: help_text for name, help_text, _run in provider.screen_actions()}
        assert entries["Remove the selected position, link, contact, note or referral"] == (
            "key x (Remove in the footer)")
        assert entries["Add a contact point"] == "key a"  # (named in its section's title)


# -- newcomers ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_an_empty_database_says_where_it_is_kept(empty_path: str) -> None:
    async with running(empty_path, size=NARROW_SIZE) as pilot:
        where = pilot.app.screen.query_one("#welcome-where").render()
        assert str(where) == f"It is kept in {empty_path}"
        assert "It is kept in" in screen_text(pilot.app)


def test_an_export_without_a_path_never_lands_in_a_git_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    documents, downloads = home / "Documents", home / "Downloads"
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(documents))
    monkeypatch.setattr("platformdirs.user_downloads_dir", lambda: str(downloads))
    # No Documents or Downloads folder: inside a checkout, home; elsewhere, here.
    assert default_export_dir(repo / "sub") == home
    assert default_export_dir(tmp_path) == tmp_path
    downloads.mkdir()
    assert default_export_dir(repo / "sub") == downloads
    documents.mkdir()
    assert default_export_dir(repo / "sub") == documents
    monkeypatch.chdir(repo)
    assert default_export_path("Stripe", "md") == documents / "references-stripe.md"


@pytest.mark.asyncio
async def test_demo_network_card_on_each_backend(db_url: str) -> None:
    db = open_database(db_url)
    with db.write() as s:
        load_demo(s)
    db.dispose()
    async with running(db_url, size=WIDE_SIZE) as pilot:
        await pilot.press(*"marcus webb")
        await settle(pilot)
        assert "Marcus Webb" in _card(pilot.app)


def test_every_key_a_footer_shows_says_what_it_does() -> None:
    # The palette and the ? page describe a key by its Binding's tooltip: one place each.
    from crm.tui.binding_ids import bindings_by_node

    undescribed = sorted({f"{node}: {b.id or b.key}" for node, bindings in
                          bindings_by_node().items() for b in bindings
                          if b.show and not b.tooltip})
    assert undescribed == []
