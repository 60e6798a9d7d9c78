"""The person page lists the cards imported into them, a match by phone shown as inferred,
and S on a card's line splits it off into a person of its own (after asking)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crm.core.contacts.people import search_ids
from crm.core.contacts.profile import person_detail
from crm.core.db import open_database
from crm.tui.screens.dialogs import ConfirmDialog
from crm.tui.screens.person import PersonScreen
from crm.tui.widgets.rows import ItemRow
from crm.vcard.importer import import_paths
from tests.cli.test_import_match import MARC, MARCUS
from tests.tui.helpers import open_screen, read_db, running, screen_text, settle

pytestmark = pytest.mark.asyncio


async def test_split_off_an_imported_card_from_the_person_page(empty_path: str,
                                                               tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_text(MARCUS)
    (tmp_path / "b.vcf").write_text(MARC)
    db = open_database(empty_path)
    import_paths(db, [tmp_path / "a.vcf"])
    assert import_paths(db, [tmp_path / "b.vcf"]).merged == 1
    db.dispose()
    async with running(empty_path, size=(120, 60)) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marcus Webb")
        text = screen_text(pilot.app)
        assert "Imported cards" in text
        assert "b.vcf:1  Marc Webb  matched by the same phone +1 415 555 0101 (inferred)" \
            in text
        rows = [r for r in screen.query(ItemRow) if r.kind == "card"]
        assert len(rows) == 2
        rows[1].focus()
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PersonScreen)
        assert "Marc Webb" not in screen_text(pilot.app)  # the card left his page

    def people(s: Session) -> dict[str, set[str]]:
        out = {}
        for pid in search_ids(s, ""):
            d = person_detail(s, pid)
            out[d.name] = {c.value for c in d.contact_points}
        return out

    assert read_db(empty_path, people) == {
        "Marcus Webb": {"+1 415 555 0101"},
        "Marc Webb": {"+1 415 555 0101", "marc@example.com"}}


async def test_the_import_preview_names_the_evidence_of_a_merge_into_another_name() -> None:
    from crm.core.importing import CardOutcome, ImportReport
    from crm.tui.screens.importing import report_text

    report = ImportReport(dry_run=True)
    report.add_outcome(CardOutcome("b.vcf", 1, "Marc Webb", "merged", 1, matched_by="phone",
                                   evidence="+1 415 555 0101", person_name="Marcus Webb"))
    text = report_text(report, applied=False).plain
    assert "Marc Webb  into Marcus Webb (#1)  same phone +1 415 555 0101" in text


async def test_s_on_a_linkedin_row_takes_its_messages_along(empty_path: str,
                                                            tmp_path: Path) -> None:
    """The TUI's split reads the export's message rows again, as `crm split` does."""
    from crm.sources.importer import import_any
    from tests.cli.test_import_match import CONNECTIONS, MESSAGES

    (tmp_path / "phone.vcf").write_text(MARC)
    export = tmp_path / "export"
    export.mkdir()
    (export / "Connections.csv").write_text(CONNECTIONS)
    (export / "messages.csv").write_text(MESSAGES)
    db = open_database(empty_path)
    import_paths(db, [tmp_path / "phone.vcf"])
    import_any(db, [export])
    db.dispose()
    async with running(empty_path, size=(120, 60)) as pilot:
        screen = await open_screen(pilot, PersonScreen, "Marc Webb")
        assert "Happy to refer you" in screen_text(pilot.app)
        rows = [r for r in screen.query(ItemRow) if r.kind == "card"]
        assert len(rows) == 2
        rows[1].focus()  # the Connections.csv row
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Happy to refer you" not in screen_text(pilot.app)

    def interactions(s: Session) -> dict[int, list[str]]:
        return {pid: [i.summary for i in person_detail(s, pid).interactions]
                for pid in search_ids(s, "")}

    assert sorted(read_db(empty_path, interactions).values()) == [
        [], ["Happy to refer you", "connected on LinkedIn"]]
