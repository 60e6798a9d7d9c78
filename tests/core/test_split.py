"""Splitting an imported card off: what the person had before the card stays theirs."""

from __future__ import annotations

from pathlib import Path

from crm.core.contacts.people import create_person, resolve_person
from crm.core.contacts.profile import person_detail
from crm.core.db import Database
from crm.core.upkeep.editing import add_contact
from crm.core.upkeep.split import split_card
from crm.sources.records import read_record
from crm.vcard.importer import import_paths
from tests.cli.test_import_match import MARC, MARCUS

# Marc's card with a second phone after the shared one.
MARC_TWO_PHONES = MARC.replace("EMAIL:", "TEL;TYPE=WORK:+1 415 555 0199\nEMAIL:")


def _values(db: Database, name: str) -> set[str]:
    with db.read() as s:
        return {c.value for c in person_detail(s, resolve_person(s, name).id).contact_points}


def _split_marc(db: Database) -> tuple[tuple[str, ...], tuple[str, ...]]:
    with db.write() as s:
        marcus = person_detail(s, resolve_person(s, "Marcus Webb").id)
        card = next(c for c in marcus.sources if c.card_name == "Marc Webb")
        plan = split_card(s, marcus.id, card.id, read_record)
    return plan.removed, plan.kept


def test_a_number_typed_before_the_card_came_is_kept(db: Database, tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_text(MARCUS)
    (tmp_path / "b.vcf").write_text(MARC_TWO_PHONES)
    import_paths(db, [tmp_path / "a.vcf"])
    with db.write() as s:  # typed by the user, on no card of his
        add_contact(s, resolve_person(s, "Marcus Webb").id, "phone", "+1 415 555 0199")
    assert import_paths(db, [tmp_path / "b.vcf"]).merged == 1
    removed, kept = _split_marc(db)
    # The email came with the card (had he had it, the match would have been made on it);
    # the second phone comes after the matched one: it may have been his.
    assert removed == ("email marc@example.com",)
    assert any(k.startswith("phone +1 415 555 0199 (Marcus Webb may have had it") for k in kept)
    assert _values(db, "Marcus Webb") == {"+1 415 555 0101", "+1 415 555 0199"}
    assert _values(db, "Marc Webb") == {"+1 415 555 0101", "+1 415 555 0199",
                                        "marc@example.com"}


def test_a_person_added_by_hand_keeps_everything(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        create_person(s, "Marcus Webb", phones=["+1 415 555 0101"])
    (tmp_path / "b.vcf").write_text(MARC)
    assert import_paths(db, [tmp_path / "b.vcf"]).merged == 1
    removed, kept = _split_marc(db)
    assert removed == ()
    assert any("added by hand" in k for k in kept)
    assert _values(db, "Marcus Webb") == {"+1 415 555 0101", "marc@example.com"}
    assert _values(db, "Marc Webb") == {"+1 415 555 0101", "marc@example.com"}
