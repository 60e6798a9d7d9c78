"""The import screen: pick a file, preview (nothing saved), apply with a progress bar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crm.core.contacts.listing import count_matching_people
from crm.core.db import open_database
from crm.tui.screens.importing import ImportScreen, PathSuggester
from crm.tui.screens.people import PeopleScreen
from tests.tui.helpers import (
    TALL,
    Toasts,
    apply_import,
    open_screen,
    preview_import,
    read_db,
    running,
    screen_text,
    settle,
)

pytestmark = pytest.mark.asyncio
FIXTURES = Path(__file__).parent.parent / "vcard" / "fixtures"


def _people(path: str) -> int:
    return read_db(path, lambda s: count_matching_people(s, None))


async def test_welcome_import_preview_then_apply(empty_path: str, tmp_path: Path) -> None:
    vcf = tmp_path / "phone.vcf"
    shutil.copyfile(FIXTURES / "messy.vcf", vcf)
    async with running(empty_path, size=TALL) as pilot:
        app = pilot.app
        await pilot.click("#welcome-import")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        text = await preview_import(pilot, vcf)
        assert "Would import (nothing is saved yet)" in text
        assert "Good One" in text and "Good Two" in text
        assert "phone.vcf:12  PHOTO is not valid base64" in text
        assert _people(empty_path) == 0  # a preview writes nothing
        text = await apply_import(pilot)
        assert "Imported:" in text and "rejected" in text
        # The cards with one bad line are imported; the line is shown under "Read with a
        # doubt" (the card stray text rejected).
        assert "Read with a doubt" in text
        assert _people(empty_path) == 6
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert "Good One" in screen_text(app) and "6 people" in screen_text(app)


async def test_the_preview_is_on_screen_at_80_by_24(empty_path: str, tmp_path: Path) -> None:
    """At 80x24 the file tree took every row the preview had: Preview seemed to do nothing."""
    vcf = tmp_path / "phone.vcf"
    shutil.copyfile(FIXTURES / "messy.vcf", vcf)
    async with running(empty_path, size=(80, 24)) as pilot:
        await pilot.click("#welcome-import")
        await settle(pilot)
        assert "Would import (nothing is saved yet)" in await preview_import(pilot, vcf)
        assert "Imported:" in await apply_import(pilot)


async def test_import_needs_a_preview_and_reports_a_missing_file(demo_path: str,
                                                                 tmp_path: Path) -> None:
    async with running(demo_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ImportScreen)
        toasts = Toasts(app)
        app.screen.query_one("#import-path").value = str(tmp_path / "nope.vcf")
        await pilot.press("ctrl+s")  # not previewed: nothing happens
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "nope.vcf" in screen_text(app)
        assert app.screen.query_one("#import-apply").disabled
        [error] = toasts.errors()  # told once, in the screen and in a toast
        assert "nope.vcf" in error
    assert _people(demo_path) == 31


async def test_path_completion(tmp_path: Path) -> None:
    (tmp_path / "contacts-2024.vcf").write_text("")
    (tmp_path / "exports").mkdir()
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "con")) == str(
        tmp_path / "contacts-2024.vcf")
    assert await suggester.get_suggestion(str(tmp_path / "ex")) == str(tmp_path / "exports") + "/"
    assert await suggester.get_suggestion(str(tmp_path / "zz")) is None


async def test_leaving_during_an_import_lets_it_finish_and_says_so(empty_path: str,
                                                                   tmp_path: Path) -> None:
    from tests.reliability.harness import phone_export

    vcf = tmp_path / "big.vcf"
    phone_export(vcf, 2000)
    other = open_database(empty_path)  # another writer, so that the import is still running
    async with running(empty_path, size=TALL) as pilot:
        app = pilot.app
        await open_screen(pilot, ImportScreen)
        toasts = Toasts(app)
        await preview_import(pilot, vcf)
        with other.write():
            await pilot.press("ctrl+s", "escape")  # import, and back to the list at once
            await pilot.pause()
            assert isinstance(app.screen, PeopleScreen)
            assert "The import goes on in the background; you will be told when it is " \
                   "done." in toasts.messages()
        await settle(pilot)
        assert "Imported big.vcf: 2000 created, 0 rejected." in toasts.messages()
    other.dispose()
    assert _people(empty_path) == 2000


async def test_the_toast_counts_cards_not_people(empty_path: str, tmp_path: Path) -> None:
    """Two cards of one person (the second merged by the same phone) read "2 people"."""
    vcf = tmp_path / "phone.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Marcus Webb\nTEL:+1 415 555 0101\nEND:VCARD\n"
                   "BEGIN:VCARD\nVERSION:3.0\nFN:Marc Webb\nTEL:+1 415 555 0101\n"
                   "EMAIL:marc@example.com\nEND:VCARD\n")
    async with running(empty_path, size=TALL) as pilot:
        toasts = Toasts(pilot.app)
        await pilot.click("#welcome-import")
        await settle(pilot)
        await preview_import(pilot, vcf)
        await apply_import(pilot)
        assert ("Imported phone.vcf: 1 created, 1 merged into someone already here, "
                "0 rejected.") in toasts.messages()
        assert _people(empty_path) == 1
