"""Imports that tell the truth: a shared phone or email never merges two people whose names
disagree; undated positions make "maybe" co-workers at most; companies are recognised by
their people's work mail domains (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm.core.db import Database
from crm.core.models import Person
from crm.core.people import create_person
from crm.vcard.importer import import_paths
from tests.vcard.conftest import person


def card(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VCARD\r\n"


def write(tmp_path: Path, text: str, name: str = "phone.vcf") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def names(db: Database) -> list[str]:
    with db.read() as s:
        return sorted(s.scalars(select(Person.display_name)))


SWITCHBOARD = "TEL;TYPE=WORK:+1 415 555 0100"


def test_a_shared_work_number_does_not_merge_two_people(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, card("FN:Alice Chen", "ORG:Acme", "TITLE:CFO", SWITCHBOARD,
                                "EMAIL:alice@acme.com", "NOTE:Alice's note")
                 + card("FN:Bob Stone", "ORG:Acme", "TITLE:Engineer", SWITCHBOARD,
                        "EMAIL:bob@acme.com", "NOTE:Bob's note"))
    report = import_paths(db, [path])
    assert (report.created, report.merged) == (2, 0)
    assert names(db) == ["Alice Chen", "Bob Stone"]
    alice, bob = person(db, "Alice Chen"), person(db, "Bob Stone")
    assert (alice["title"], alice["note"]) == ("CFO", "Alice's note")
    assert (bob["title"], bob["note"]) == ("Engineer", "Bob's note")
    # Both keep the shared number (nothing dropped), and the pair is offered for review.
    assert {c["value"] for c in bob["contact_points"]} == {"+1 415 555 0100", "bob@acme.com"}
    [s] = report.to_json()["suggestions"]
    assert (s["name"], s["reason"], s["candidates"]) == (
        "Bob Stone", "same phone", [{"id": alice["id"], "name": "Alice Chen"}])


def test_different_uids_sharing_a_number_stay_two_people(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, card("FN:Alice Chen", "UID:a-1", SWITCHBOARD)
                 + card("FN:Bob Stone", "UID:b-2", SWITCHBOARD))
    assert import_paths(db, [path]).created == 2


def test_a_shared_number_with_someone_already_there(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        create_person(s, "Alice Chen", phones=["+1 415 555 0100"])
    report = import_paths(db, [write(tmp_path, card("FN:Bob Stone", SWITCHBOARD))])
    assert (report.created, report.merged) == (1, 0)
    assert names(db) == ["Alice Chen", "Bob Stone"]
    assert report.suggestions[0].reason == "same phone"


def test_the_same_person_still_merges_by_phone(db: Database, tmp_path: Path) -> None:
    """A name that agrees (fewer words, an initial, a short form) is the same person."""
    with db.write() as s:
        create_person(s, "Priya Patel", phones=["+1 415 555 0101"])
        create_person(s, "Jonathan Doe", emails=["jd@example.com"])
    path = write(tmp_path, card("FN:P. Patel", "TEL:+1 415 555 0101", "EMAIL:priya@x.com")
                 + card("FN:Jon Doe", "EMAIL:jd@example.com", "TITLE:Engineer"))
    report = import_paths(db, [path])
    assert (report.created, report.merged) == (0, 2)
    assert names(db) == ["Jonathan Doe", "Priya Patel"]


def test_a_card_without_a_name_of_its_own_matches_by_phone(db: Database,
                                                            tmp_path: Path) -> None:
    with db.write() as s:
        create_person(s, "Priya Patel", phones=["+1 415 555 0101"])
    report = import_paths(db, [write(tmp_path, card("TEL:+1 415 555 0101",
                                                   "EMAIL:priya@x.com"))])
    assert (report.created, report.merged) == (0, 1)


def test_a_family_landline_keeps_the_family_apart(db: Database, tmp_path: Path) -> None:
    """Only the family name in common: different people (a suggestion each way)."""
    report = import_paths(db, [write(tmp_path, card("FN:Alice Chen", SWITCHBOARD)
                                     + card("FN:Bob Chen", SWITCHBOARD))])
    assert report.created == 2 and names(db) == ["Alice Chen", "Bob Chen"]


def test_a_changed_name_that_keeps_a_given_name_merges(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        create_person(s, "Ada Lovelace", emails=["ada@example.com"])
    report = import_paths(db, [write(tmp_path, card("FN:Augusta Ada King",
                                                   "EMAIL:ada@example.com",
                                                   "TEL:+1 415 555 0102"))])
    assert (report.created, report.merged) == (0, 1)
    assert person(db, "Ada Lovelace")["phones"] == ["+1 415 555 0102"]
