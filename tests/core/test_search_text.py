"""One definition of the words a person is found by: adding someone, importing their card
and the scale generator store the same search text for the same person (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.core.contacts.companies import add_alias, get_or_create_company
from crm.core.contacts.people import create_person, refresh_search_text
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Company, Person, Position
from crm.core.samples.generate import generate_network
from crm.vcard.importer import import_paths

CARD = """BEGIN:VCARD
VERSION:3.0
FN:Zoë Ångström-Okafor
N:Ångström-Okafor;Zoë;;;
NICKNAME:Zo
EMAIL;TYPE=work:zoe.okafor@acme.example
TEL;TYPE=cell:(415) 555-0100
ORG:Acme Robotics;Perception
TITLE:Staff Engineer, Payments
NOTE:Met at the café; follow up in May.
CATEGORIES:vip,alumni
END:VCARD
"""


def stored_and_recomputed(db: Database) -> dict[int, tuple[str, str]]:
    """Each person's stored search text, and the one ``refresh_search_text`` computes now."""
    out = {}
    with db.read() as s:
        people = s.scalars(select(Person).options(
            selectinload(Person.contact_points), selectinload(Person.tags),
            selectinload(Person.positions).selectinload(Position.company)
            .selectinload(Company.aliases))).all()
        for person in people:
            stored = person.search_text
            refresh_search_text(person)  # (a read: nothing is committed)
            out[person.id] = (stored, person.search_text)
    return out


def test_an_added_and_an_imported_person_are_found_by_the_same_words(
        db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        acme = get_or_create_company(s, "Acme Robotics")
        add_alias(s, acme, "Acme")
    path = tmp_path / "zoe.vcf"
    path.write_text(CARD, encoding="utf-8")
    import_paths(db, [path])
    (imported, recomputed), = stored_and_recomputed(db).values()
    assert imported == recomputed
    with db.write() as s:
        s.delete(s.scalars(select(Person)).one())
    with db.write() as s:
        zoe = create_person(s, "Zoë Ångström-Okafor", emails=["zoe.okafor@acme.example"],
                            phones=["(415) 555-0100"], note="Met at the café; follow up in May.",
                            tags=["vip", "alumni"])
        zoe.given_name, zoe.family_name, zoe.nickname = "Zoë", "Ångström-Okafor", "Zo"
        add_position(s, zoe, s.get(Company, acme.id) or acme, title="Staff Engineer, Payments",
                     department="Perception")
    (added, recomputed), = stored_and_recomputed(db).values()
    assert added == recomputed == imported
    for word in ("zoe", "angstrom", "okafor", "zo", "4155550100", "14155550100", "acme",
                 "robotics", "perception", "payments", "cafe", "vip", "alumni"):
        assert word in added.split(), word


def test_the_generator_stores_what_adding_the_same_person_would(db: Database) -> None:
    with db.write() as s:
        generate_network(s, 400, seed=3, today=date(2026, 11, 26))
    texts = stored_and_recomputed(db)
    assert len(texts) == 400
    differ = {pid: pair for pid, pair in texts.items() if pair[0] != pair[1]}
    assert differ == {}
