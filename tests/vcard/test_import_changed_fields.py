"""A later export in which a card changed: each kind of edit reaches the person and the
search (on both backends). A merge writes only the person columns that changed, and the
name and full-text keys only when they differ from the stored ones; these tests hold that
no edit is lost on the way and that the full-text index answers as the stored text says."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from crm.core.contacts.people import refresh_search_text, search_ids
from crm.core.db import Database
from crm.core.models import Company, Person, Position
from crm.vcard.importer import import_paths
from tests.vcard.conftest import JPEG, person

FIRST = """BEGIN:VCARD
VERSION:3.0
UID:edit-me-1
FN:Ines Quartermaine
N:Quartermaine;Ines;;;
EMAIL;TYPE=work:ines@quarterly.example
TEL;TYPE=cell:(415) 555-0177
ORG:Quarterly Widgets
TITLE:Analyst
NOTE:Met at the harbour fair.
CATEGORIES:harbour
END:VCARD
"""

# The same card, edited in every field a merge takes from a later export.
EDITED = """BEGIN:VCARD
VERSION:3.0
UID:edit-me-1
FN:Ines Quartermaine
N:Quartermaine;Ines;Marisol;Dr.;PhD
NICKNAME:Nessie
EMAIL;TYPE=work:ines@quarterly.example
EMAIL;TYPE=home:ines.zephyrine@mailbox.example
TEL;TYPE=cell:(415) 555-0177
TEL;TYPE=work:(212) 555-0199
URL:https://ines.example/xylograph
ADR;TYPE=home:;;12 Juniper Lane;Kettlewell;;BD23 5QX;UK
ORG:Vantablack Optics;Lenses
TITLE:Principal Oculist
ROLE:Procurement lead
NOTE:Promoted; now buys lenses for Vantablack.
CATEGORIES:harbour,optics
BDAY:1986-03-09
item1.X-ABDATE:2019-06-01
item1.X-ABLabel:Kayaking trip
item2.X-ABRELATEDNAMES:Theodora Pennywhistle
item2.X-ABLabel:mentor
PHOTO;ENCODING=b;TYPE=JPEG:{photo}
END:VCARD
"""


def write(tmp_path: Path, name: str, card: str) -> Path:
    path = tmp_path / name
    path.write_text(card.replace("\n", "\r\n"), encoding="utf-8", newline="")
    return path


def found(db: Database, query: str) -> list[int]:
    with db.read() as s:
        return search_ids(s, query)


def stored_and_recomputed(db: Database, pid: int) -> tuple[str, str]:
    """The person's stored search text, and the one ``refresh_search_text`` builds now."""
    with db.read() as s:
        p = s.scalars(select(Person).where(Person.id == pid).options(
            selectinload(Person.contact_points), selectinload(Person.tags),
            selectinload(Person.positions).selectinload(Position.company)
            .selectinload(Company.aliases))).one()
        stored = p.search_text
        refresh_search_text(p)  # (a read: nothing is committed)
        return stored, p.search_text


def test_every_kind_of_edit_in_a_later_export_reaches_the_person_and_the_search(
        db: Database, tmp_path: Path) -> None:
    import base64

    first = import_paths(db, [write(tmp_path, "first.vcf", FIRST)])
    assert first.created == 1
    (pid,) = found(db, "quartermaine")
    for word in ("marisol", "nessie", "zephyrine", "2125550199", "xylograph", "juniper",
                 "kettlewell", "vantablack", "oculist", "lenses", "procurement", "promoted",
                 "optics", "kayaking", "pennywhistle"):
        assert found(db, word) == [], word

    edited = EDITED.replace("{photo}", base64.b64encode(JPEG).decode())
    report = import_paths(db, [write(tmp_path, "later.vcf", edited)])
    assert (report.created, report.updated) == (0, 1)

    ines = person(db, "Ines Quartermaine")
    assert (ines["additional_names"], ines["name_prefix"], ines["name_suffix"]) == (
        "Marisol", "Dr.", "PhD")
    assert ines["nickname"] == "Nessie"
    values = {(c["kind"], c["value"]) for c in ines["contact_points"]}
    assert {("email", "ines.zephyrine@mailbox.example"), ("phone", "(212) 555-0199"),
            ("url", "https://ines.example/xylograph")} <= values
    assert any(c["kind"] == "address" and "Juniper" in c["value"]
               for c in ines["contact_points"])
    assert (ines["company"], ines["title"]) == ("Vantablack Optics", "Principal Oculist")
    assert ines["positions"][0]["department"] == "Lenses"
    # The old job is history, not lost; the user's note is kept beside the new one.
    assert ("Quarterly Widgets", "Analyst", False) in {
        (p["company"], p["title"], p["current"]) for p in ines["positions"]}
    assert ines["note"] == ("Met at the harbour fair.\n\n"
                            "Promoted; now buys lenses for Vantablack.")
    assert ines["role"] == "Procurement lead"
    assert ines["tags"] == ["harbour", "optics"]
    assert ines["birthday"] == "1986-03-09"
    assert [d["label"] for d in ines["dates"]] == ["Kayaking trip"]
    assert [r["name"] for r in ines["relations"]] == ["Theodora Pennywhistle"]
    assert ines["photo"] == JPEG

    # Every new value that is searched (not the middle name, prefix or suffix: neither for
    # a person added by hand) is found through the full-text index, and only this person.
    for word in ("nessie", "zephyrine", "2125550199", "xylograph", "juniper",
                 "kettlewell", "vantablack", "oculist", "lenses", "procurement", "promoted",
                 "optics", "kayaking", "pennywhistle", "quartermaine", "harbour"):
        assert found(db, word) == [pid], word
    # The stored text is what the person as now stored makes (nothing stale, nothing
    # missing), and the index answers by it: a word it does not hold finds nobody.
    stored, recomputed = stored_and_recomputed(db, pid)
    assert stored == recomputed
    assert found(db, "widgetless") == []
    with db.read() as s:
        sort_key = s.scalar(select(Person.sort_key).where(Person.id == pid))
        company_key = s.scalar(select(Person.company_key).where(Person.id == pid))
    assert (sort_key, company_key) == ("ines quartermaine", "vantablack optics")


def test_an_edit_no_search_word_sees_leaves_the_person_found_as_before(
        db: Database, tmp_path: Path) -> None:
    """A later card that adds only a birthday and a photo (nothing searched) changes the
    person; the stored search text and the name stay, and both indexes still find them."""
    import base64

    import_paths(db, [write(tmp_path, "first.vcf", FIRST)])
    (pid,) = found(db, "ines quartermaine")
    before = stored_and_recomputed(db, pid)[0]
    later = FIRST.replace("END:VCARD", "BDAY:1986-03-09\nPHOTO;ENCODING=b;TYPE=JPEG:"
                          + base64.b64encode(JPEG).decode() + "\nEND:VCARD")
    report = import_paths(db, [write(tmp_path, "later.vcf", later)])
    assert report.updated == 1
    ines = person(db, "Ines Quartermaine")
    assert (ines["birthday"], ines["photo"]) == ("1986-03-09", JPEG)
    stored, recomputed = stored_and_recomputed(db, pid)
    assert stored == recomputed == before
    for query in ("ines", "quart", "analyst", "harbour", "4155550177"):
        assert found(db, query) == [pid], query


def test_a_new_title_at_the_same_company_writes_the_person_row_once(
        db: Database, tmp_path: Path) -> None:
    """A job change inside one company closes a position and opens one: the company key
    does not move, and (SQLite) no trigger rewrites the person for it; the merge's own
    write is the only one. (PostgreSQL: tests/core/test_pg_scale.py.)"""
    import_paths(db, [write(tmp_path, "first.vcf", FIRST)])
    (pid,) = found(db, "quartermaine")
    later = FIRST.replace("TITLE:Analyst", "TITLE:Senior Analyst")
    if db.engine.dialect.name == "sqlite":
        with db.write() as s:
            s.execute(text("CREATE TABLE person_writes (person_id INTEGER)"))
            s.execute(text("CREATE TRIGGER count_person_writes AFTER UPDATE ON person "
                           "BEGIN INSERT INTO person_writes VALUES (new.id); END"))
    report = import_paths(db, [write(tmp_path, "later.vcf", later)])
    assert report.updated == 1
    ines = person(db, "Ines Quartermaine")
    assert {(p["title"], p["current"]) for p in ines["positions"]} == {
        ("Senior Analyst", True), ("Analyst", False)}
    with db.read() as s:
        assert s.scalar(select(Person.company_key).where(Person.id == pid)) == (
            "quarterly widgets")
        if db.engine.dialect.name == "sqlite":
            writes = s.scalars(text("SELECT person_id FROM person_writes")).all()
            assert writes == [pid]
    assert found(db, "senior analyst") == [pid]
