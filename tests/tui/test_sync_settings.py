"""Sync settings in the TUI: adding a vdir or a CardDAV address book from the palette (checked,
the password to the keyring and nowhere else, then synced), and keeping or applying the
deletions a sync proposed."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm.cli import run
from crm.core.models import Person, SyncTarget
from crm.tui.screens.dialogs import FormDialog
from crm.tui.screens.sync import SyncScreen
from tests.sync.conftest import PASSWORD, USER, CardDavSide, Radicale, card
from tests.tui.helpers import Toasts, fill_form, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


async def _palette(pilot: Any, command: str) -> None:
    await pilot.press("ctrl+p", *command)
    await pilot.pause(0.4)
    await pilot.press("enter")
    await settle(pilot)


def _people(path: str) -> set[str]:
    return read_db(path, lambda s: set(s.scalars(select(Person.display_name))))


async def test_a_vdir_added_from_the_palette_is_synced(empty_path: str, tmp_path: Path) -> None:
    vdir = tmp_path / "contacts"
    vdir.mkdir()
    (vdir / "a.vcf").write_text(card("uid-a", "Ana Lima", email="ana@acme.com"))
    async with running(empty_path) as pilot:
        await _palette(pilot, "add address book")
        # A folder that is not there is refused, and the form comes back with the reason.
        await fill_form(pilot, kind="vdir", location=str(tmp_path / "nowhere"))
        form = pilot.app.screen
        assert isinstance(form, FormDialog) and "no such folder" in screen_text(pilot.app)
        await fill_form(pilot, kind="vdir", location=str(vdir))
        assert isinstance(pilot.app.screen, SyncScreen)
        text = screen_text(pilot.app)
        assert str(vdir) in text and "1 created in crm" in text
    assert _people(empty_path) == {"Ana Lima"}
    kinds = read_db(empty_path, lambda s: [(t.kind, t.location)
                                           for t in s.scalars(select(SyncTarget))])
    assert kinds == [("vdir", str(vdir))]


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "radicale")
    yield server
    server.stop()


class FakeKeyring(types.ModuleType):
    """The ``keyring`` API (set/get a password by service and user), kept in memory."""

    def __init__(self) -> None:
        super().__init__("keyring")
        self.kept: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, password: str) -> None:
        self.kept[(service, user)] = password

    def get_password(self, service: str, user: str) -> str | None:
        return self.kept.get((service, user))


async def test_a_carddav_book_added_keeps_its_password_in_the_keyring_only(
        empty_path: str, tmp_path: Path, radicale: Radicale,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_CARDDAV_PASSWORD", raising=False)
    keyring = FakeKeyring()
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    side = CardDavSide(radicale)
    side.put("a.vcf", card("uid-a", "Ana Lima", email="ana@acme.com"))
    assert run(["add", "person", "Marcus Chen", "--email", "marcus@chen.io",
                "--db", empty_path]) == 0
    async with running(empty_path) as pilot:
        toasts = Toasts(pilot.app)
        await _palette(pilot, "add address book")
        await fill_form(pilot, kind="carddav", location=radicale.url, user=USER,
                        password="not-the-password")
        assert isinstance(pilot.app.screen, FormDialog)  # refused: 401, the form again
        assert "401" in screen_text(pilot.app)
        assert "not-the-password" not in screen_text(pilot.app)
        await fill_form(pilot, kind="carddav", location=radicale.url, user=USER,
                        password=PASSWORD)
        assert isinstance(pilot.app.screen, SyncScreen)
        assert "1 created in crm, 1 created there" in screen_text(pilot.app)
        assert all(PASSWORD not in m for m in toasts.messages())
        # Sync now (s on the address book) finds the password in the keyring.
        side.put("b.vcf", card("uid-b", "Ben Ode", email="ben@ode.org"))
        await pilot.press("s")
        await settle(pilot)
        assert "1 created in crm" in screen_text(pilot.app) and not toasts.errors()
    assert keyring.kept == {(radicale.url, USER): PASSWORD}
    assert _people(empty_path) == {"Ana Lima", "Ben Ode", "Marcus Chen"}
    assert any("marcus@chen.io" in side.read(n) for n in side.names())
    files = b"".join(p.read_bytes() for p in Path(empty_path).parent.glob("crm.sqlite3*"))
    assert PASSWORD.encode() not in files and b"not-the-password" not in files


async def test_a_deletion_proposal_is_kept_or_applied_from_sync_settings(
        empty_path: str, tmp_path: Path) -> None:
    vdir = tmp_path / "contacts"
    vdir.mkdir()
    for uid, name, email in (("uid-a", "Ana Lima", "ana@acme.com"),
                             ("uid-b", "Ben Ode", "ben@ode.org")):
        (vdir / f"{uid}.vcf").write_text(card(uid, name, email=email))
    assert run(["sync", "vdir", str(vdir), "--db", empty_path]) == 0
    (vdir / "uid-a.vcf").unlink()
    (vdir / "uid-b.vcf").unlink()
    (vdir / "c.vcf").write_text(card("uid-c", "Cleo Park", email="cleo@park.io"))
    assert run(["sync", "vdir", str(vdir), "--db", empty_path]) == 0  # two proposals
    async with running(empty_path) as pilot:
        await _palette(pilot, "sync settings")
        screen = pilot.app.screen
        assert isinstance(screen, SyncScreen)
        text = screen_text(pilot.app)
        assert "deleted there: Ana Lima" in text and "deleted there: Ben Ode" in text
        ana = next(r for r in screen.query("ItemRow") if "Ana Lima" in str(r.text))
        ana.focus()
        await pilot.press("k")  # keep Ana: her card is written there again
        await settle(pilot)
        assert "deleted there: Ana Lima" not in screen_text(pilot.app)
        ben = next(r for r in screen.query("ItemRow") if "Ben Ode" in str(r.text))
        ben.focus()
        await pilot.press("d", "y")  # delete Ben in crm (asked first)
        await settle(pilot)
        assert "deleted there: Ben Ode" not in screen_text(pilot.app)
    assert _people(empty_path) == {"Ana Lima", "Cleo Park"}
    assert "ana@acme.com" in (vdir / "uid-a.vcf").read_text()
    assert not (vdir / "uid-b.vcf").exists()
    assert run(["sync", "vdir", str(vdir), "--db", empty_path, "--json"]) == 0


async def test_sync_settings_show_hostile_names_and_folders_inert(empty_path: str,
                                                                  tmp_path: Path) -> None:
    from tests.reliability.hostile import HOSTILE, driver_controls

    vdir = tmp_path / ("book" + HOSTILE.replace("/", "|"))  # a folder name may hold them
    vdir.mkdir()
    evil = "[b]x[/b]\x1b]52;c;SU1QTkFNRQ==\x07\x1b[2J\u202eEvil \x9b31mOne"
    (vdir / "e\x1b[31m.vcf").write_text(card("uid-e", evil, email="e@evil.example"))
    (vdir / "b.vcf").write_text(card("uid-b", "Ben Ode", email="ben@ode.org"))
    assert run(["sync", "vdir", str(vdir), "--db", empty_path]) == 0
    (vdir / "e\x1b[31m.vcf").unlink()
    assert run(["sync", "vdir", str(vdir), "--db", empty_path]) == 0  # a proposal
    async with running(empty_path) as pilot:
        await _palette(pilot, "sync settings")
        assert isinstance(pilot.app.screen, SyncScreen)
        text = screen_text(pilot.app)
        assert "deleted there: [b]x[/b]" in text and "\\x1b" in text
        from tests.tui.test_hostile_screens import terminal_stream

        assert not driver_controls(terminal_stream(pilot.app))
