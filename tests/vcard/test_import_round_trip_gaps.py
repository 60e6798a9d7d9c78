"""What a round trip used to lose: the pref flag of a dated event and of a named relation,
and what a company card holds beyond its contact points (its unmodelled lines, the other
spellings of its name, its mail domains). Both backends; 3.0 and 4.0 exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.core.db import Database, open_database
from crm.core.models import Company, CompanyAlias, CompanyDomain, Person, PersonDate, PersonRelation
from crm.vcard.importer import import_paths
from crm.vcard.writer import export_vcards


def write(tmp_path: Path, text: str, name: str = "phone.vcf") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Database]:
    other = open_database(str(tmp_path / "empty.sqlite3"))
    yield other
    other.dispose()


# An iPhone card (3.0): the anniversary and the manager are marked preferred, the other
# date and relation are not; a 4.0 card's RELATED and ANNIVERSARY with PREF=1.
IPHONE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:Okafor;Ngozi;;;\r\nFN:Ngozi Okafor\r\n"
    "item1.X-ABDATE;type=pref:2015-06-01\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\n"
    "item2.X-ABDATE:2019-09-12\r\nitem2.X-ABLabel:first day\r\n"
    "item3.X-ABRELATEDNAMES;type=pref:Amara Nwosu\r\nitem3.X-ABLabel:_$!<Manager>!$_\r\n"
    "item4.X-ABRELATEDNAMES:Sam Ortiz\r\nitem4.X-ABLabel:mentor\r\n"
    "X-ABRELATEDNAMES;type=pref:Kim Lee\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:0b7c2a4e-1111-4a5b-9c1d-000000000001\r\n"
    "FN:Lena Schmidt\r\nN:Schmidt;Lena;;;\r\n"
    "ANNIVERSARY;PREF=1:20100612\r\n"
    "RELATED;TYPE=friend;PREF=1:urn:uuid:0b7c2a4e-2222-4a5b-9c1d-000000000002\r\n"
    "RELATED;TYPE=colleague:urn:uuid:0b7c2a4e-3333-4a5b-9c1d-000000000003\r\n"
    "END:VCARD\r\n")


def flags(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every stored date and relation with its pref flag, by person."""
    with db.read() as s:
        dates = sorted(tuple(r) for r in s.execute(
            select(Person.display_name, PersonDate.label, PersonDate.year, PersonDate.month,
                   PersonDate.day, PersonDate.preferred).join(Person)))
        relations = sorted((tuple(r) for r in s.execute(
            select(Person.display_name, PersonRelation.name, PersonRelation.label,
                   PersonRelation.uid, PersonRelation.preferred)
            .join(Person, Person.id == PersonRelation.person_id))), key=repr)
    return dates, relations


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_the_pref_flag_of_a_date_and_a_relation_is_stored_and_survives_a_round_trip(
        db: Database, empty: Database, tmp_path: Path, version: str) -> None:
    import_paths(db, [write(tmp_path, IPHONE)])
    dates, relations = flags(db)
    assert dates == [
        ("Lena Schmidt", "anniversary", 2010, 6, 12, True),
        ("Ngozi Okafor", "anniversary", 2015, 6, 1, True),
        ("Ngozi Okafor", "first day", 2019, 9, 12, False),
    ]
    assert sorted(relations, key=repr) == sorted([
        ("Lena Schmidt", "", "friend", "0b7c2a4e-2222-4a5b-9c1d-000000000002", True),
        ("Lena Schmidt", "", "colleague", "0b7c2a4e-3333-4a5b-9c1d-000000000003", False),
        ("Ngozi Okafor", "Amara Nwosu", "manager", None, True),
        ("Ngozi Okafor", "Sam Ortiz", "mentor", None, False),
        # (a bare type=pref is the flag, not the relation's label)
        ("Ngozi Okafor", "Kim Lee", None, None, True),
    ], key=repr)
    text = export_vcards(db, version)
    unfolded = text.replace("\r\n ", "")
    pref = ";PREF=1" if version == "4.0" else ";TYPE=pref"
    assert f"X-ABRELATEDNAMES{pref}:Amara Nwosu" in unfolded
    assert f"X-ABRELATEDNAMES{pref}:Kim Lee" in unfolded
    assert "X-ABRELATEDNAMES:Sam Ortiz" in unfolded
    out = write(tmp_path, text, "out.vcf")
    # Into the same database: nothing changes; into an empty one: nothing is lost.
    again = import_paths(db, [out])
    assert (again.created, again.updated, again.merged) == (0, 0, 0)
    assert flags(db) == (dates, relations)
    import_paths(empty, [out])
    assert flags(empty) == (dates, relations)


# A Mac Address Book company card with lines crm does not model (an account number of
# another app, GEO, a dated event with its label), and a person at the company who spells it
# by the card's other name and has a work address at another of its domains.
COMPANY = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//Mac OS X 10.15.7//EN\r\n"
    "N:;;;;\r\nFN:Stripe Payments\r\nORG:Stripe\\, Inc.;\r\nX-ABShowAs:COMPANY\r\n"
    "EMAIL;type=INTERNET;type=WORK:press@stripe.com\r\n"
    "TEL;type=WORK;type=VOICE:+1 888 963 8955\r\n"
    "X-ACME-ACCOUNT;X-SINCE=2019:42-7\r\nGEO:37.7749;-122.4194\r\n"
    "item1.X-ABDATE:2010-09-01\r\nitem1.X-ABLabel:founded\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Park;Jo;;;\r\nFN:Jo Park\r\nORG:Stripe Payments;\r\n"
    "EMAIL;type=INTERNET;type=WORK:jo@eng.stripe.co.uk\r\nEND:VCARD\r\n")
UNMODELLED = ("X-ACME-ACCOUNT;X-SINCE=2019:42-7", "GEO:37.7749;-122.4194",
              "X-ABDATE:2010-09-01", "X-ABLabel:founded")


def company(db: Database) -> tuple[object, ...]:
    """The companies with their other spellings and their domains (how each was learned)."""
    with db.read() as s:
        return tuple(
            (c.name, sorted(s.scalars(select(CompanyAlias.alias)
                                      .where(CompanyAlias.company_id == c.id))),
             sorted(tuple(r) for r in s.execute(
                 select(CompanyDomain.domain, CompanyDomain.source)
                 .where(CompanyDomain.company_id == c.id))))
            for c in s.scalars(select(Company).order_by(Company.name)))


def company_card(text: str) -> str:
    [card] = [c for c in text.replace("\r\n ", "").split("BEGIN:VCARD")
              if "X-ABShowAs:COMPANY" in c or "KIND:org" in c]
    return card


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_company_cards_unmodelled_lines_aliases_and_domains_survive_a_round_trip(
        db: Database, empty: Database, tmp_path: Path, version: str) -> None:
    import_paths(db, [write(tmp_path, COMPANY)])
    before = company(db)
    assert before == (("Stripe, Inc.", ["Stripe Payments"], [
        ("stripe.co.uk", "work email of Jo Park (vcard:phone.vcf)"), ("stripe.com", None)]),)
    text = export_vcards(db, version)
    card = company_card(text)
    for line in UNMODELLED:  # (a property's name in any case: vobject writes X-ABLABEL)
        assert line.lower() in card.lower(), line
    assert "X-CRM-ALIAS:Stripe Payments\r\n" in card
    assert "X-CRM-DOMAIN:stripe.com\r\n" in card
    # Written once, whatever the version (the card's own X-ABShowAs is not repeated).
    assert card.count("X-ABShowAs") + card.count("KIND:org") == 1
    out = write(tmp_path, text, "out.vcf")
    # Into the same database: nothing changes; into an empty one: nothing is lost, and its
    # export writes the kept lines again.
    again = import_paths(db, [out])
    assert (again.created, again.updated, again.merged, again.new_companies) == (0, 0, 0, [])
    assert company(db) == before
    import_paths(empty, [out])
    assert company(empty) == before
    card = company_card(export_vcards(empty, version))
    for line in UNMODELLED:
        assert line.lower() in card.lower(), line


# A card with what crm stores since 0009: ROLE, a dated event, a named relation, an ADR
# by its parts with its LABEL.
OLD_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Haddad;Omar;;;\r\nFN:Omar Haddad\r\n"
    "EMAIL;type=INTERNET;type=HOME:omar@example.org\r\nROLE:Treasurer\r\n"
    "item1.X-ABDATE:2011-05-14\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\n"
    "item2.X-ABRELATEDNAMES:Layla Haddad\r\nitem2.X-ABLabel:_$!<Spouse>!$_\r\n"
    "ADR;type=HOME:;;12 Rue Oberkampf;Paris;;75011;France\r\n"
    "LABEL;type=HOME:12 Rue Oberkampf\\n75011 Paris\\nFrance\r\n"
    "END:VCARD\r\n")


def as_before_0009(db: Database) -> None:
    """The person as an import before migration 0009_truth left them: the card's raw text
    kept with its provenance, but no role, dates, relations or address parts stored."""
    from sqlalchemy import delete, update

    from crm.core.models import ContactPoint

    with db.write() as s:
        s.execute(update(Person).values(role=None))
        s.execute(delete(PersonDate))
        s.execute(delete(PersonRelation))
        s.execute(update(ContactPoint).values(address_parts=None, address_label=None))


def test_a_card_imported_before_0009_is_filled_in_by_importing_its_file_again(
        db: Database, tmp_path: Path) -> None:
    from tests.vcard.conftest import person

    path = write(tmp_path, OLD_CARD)
    import_paths(db, [path])
    whole = person(db, "Omar Haddad")
    as_before_0009(db)
    bare = person(db, "Omar Haddad")
    assert (bare["role"], bare["dates"], bare["relations"]) == (None, [], [])
    # Nothing was lost meanwhile: the export writes the card's own lines.
    assert "ROLE:Treasurer" in export_vcards(db, "3.0")
    report = import_paths(db, [path])
    [outcome] = report.outcomes
    assert (outcome.action, outcome.name) == ("updated", "Omar Haddad")
    assert "imported before crm kept" in (outcome.message or "")
    filled = person(db, "Omar Haddad")

    def rows(value: object) -> object:  # (the rows' ids are new)
        if isinstance(value, list):
            return [{k: v for k, v in x.items() if k != "id"} for x in value]
        return value

    for key in ("role", "dates", "relations", "contact_points"):
        assert rows(filled[key]) == rows(whole[key]), key
    # Filled once: the next import of the file changes nothing.
    again = import_paths(db, [path])
    assert (again.unchanged, again.updated) == (1, 0)
