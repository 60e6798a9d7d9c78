"""Imports that tell the truth: a shared phone or email never merges two people whose names
disagree; undated positions make "maybe" co-workers at most; companies are recognised by
their people's work mail domains (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm.core.contacts.people import create_person
from crm.core.db import Database
from crm.core.models import Person
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


# -- undated positions: as of when they were known, "maybe" at most ------------------------

def test_an_imported_org_is_known_as_of_the_cards_rev_not_since_ever(
        db: Database, tmp_path: Path) -> None:
    """An intern of 2024 (a phone card, REV 2024-06) is no co-worker of someone who left
    Stripe in 2023; two undated colleagues there now are "maybe" co-workers, below a dated
    one, and someone linked explicitly is listed once."""
    from crm.core.contacts.positions import add_position
    from crm.core.network import derived_connections, explicit_connections, link

    with db.write() as s:
        left = create_person(s, "Lea Left")
        add_position(s, left, "Stripe", start="2021-01", end="2023-06")
        dated = create_person(s, "Dee Dated")
        add_position(s, dated, "Stripe", start="2024-01")
    path = write(tmp_path, card("FN:Ivy Intern", "ORG:Stripe", "REV:2024-06-01T10:00:00Z")
                 + card("FN:Una Undated", "ORG:Stripe", "REV:20250301T000000Z"))
    import_paths(db, [path])
    ivy = person(db, "Ivy Intern")
    with db.write() as s:
        ivy_id = ivy["id"]
        lea_id = person(db, "Lea Left")["id"]
        found = {c.person: c for c in derived_connections(s, ivy_id)}
        assert "Lea Left" not in found  # left a year before anything says Ivy was there
        assert found["Una Undated"].maybe and found["Una Undated"].strength == 1
        assert found["Dee Dated"].maybe  # Ivy's own start is unknown: still a guess
        assert all(c.person != "Ivy Intern" for c in derived_connections(s, lea_id))
        una = s.get(Person, person(db, "Una Undated")["id"])
        me_ivy = s.get(Person, ivy_id)
        assert una is not None and me_ivy is not None
        link(s, me_ivy, una, "friend", strength=4)
        listed = [c.person for c in explicit_connections(s, ivy_id)] + [
            c.person for c in derived_connections(s, ivy_id)]
        assert listed.count("Una Undated") == 1
    shown = ivy["connections"]
    assert all("maybe" in c for c in shown if c["derived"])


def test_dated_positions_overlap_for_certain(db: Database) -> None:
    from crm.core.contacts.positions import add_position
    from crm.core.network import derived_connections

    with db.write() as s:
        me = create_person(s, "Me Myself", me=True)
        pat = create_person(s, "Pat Peer")
        una = create_person(s, "Una Undated")
        add_position(s, me, "Globex", start="2024-01", end="2024-12")
        add_position(s, pat, "Globex", start="2024-06", end="2025-01")
        add_position(s, una, "Globex", end="2024-03")  # no start: since ever, a guess
        found = derived_connections(s, me.id)
    assert [(c.person, c.maybe, c.strength) for c in found] == [
        ("Pat Peer", False, 2), ("Una Undated", True, 1)]


# -- companies recognised by their people's work mail ------------------------------------

def test_work_mail_domains_are_learned_and_resolve(db: Database, tmp_path: Path,
                                                   crm) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, card("FN:Jo Park", "ORG:Stripe", "EMAIL:jo@eng.stripe.co.uk")
                 + card("FN:Kim Lee", "ORG:Stripe", "EMAIL:kim@stripe.co.uk")
                 + card("FN:Sam Free", "ORG:Freelance", "EMAIL:sam@gmail.com")
                 # A learned domain resolves lookups but never folds another ORG into it.
                 + card("FN:Ola Other", "ORG:Stripe Labs Consulting",
                        "EMAIL:ola@stripe.co.uk"))
    report = import_paths(db, [path])
    assert report.companies_created == 3
    from crm.core.contacts.companies import list_companies
    from crm.core.models import CompanyDomain

    with db.read() as s:
        companies = {c.name: c for c in list_companies(s)}
        learned = s.scalars(select(CompanyDomain.source)).all()
    assert companies["Stripe"].domains == ["stripe.co.uk"]
    assert companies["Freelance"].domains == []  # free mail names no employer
    assert companies["Stripe Labs Consulting"].domains == []  # taken already
    # The inference keeps its evidence.
    assert [x.startswith("work email of Jo Park") for x in learned] == [True]
    res = crm("who", "stripe.co.uk", "--json")
    assert res.exit_code == 0, res.stderr
    assert sorted(p["name"] for p in res.json()["current"]) == ["Jo Park", "Kim Lee"]
    assert crm("who", "jo@eng.stripe.co.uk", "--json").json()["company"] == "Stripe"


def test_a_domain_the_user_gave_brings_another_spelling_as_an_alias(
        db: Database, tmp_path: Path) -> None:
    from crm.core.contacts.companies import add_domain, get_or_create_company, list_companies

    with db.write() as s:
        add_domain(s, get_or_create_company(s, "Stripe"), "stripe.com")
    report = import_paths(db, [write(tmp_path, card("FN:Kim Lee", "ORG:Stripe Payments",
                                                   "EMAIL:kim@stripe.com"))])
    assert report.companies_created == 0
    with db.read() as s:
        [stripe] = list_companies(s)
    assert (stripe.name, stripe.aliases) == ("Stripe", ["Stripe Payments"])
    assert person(db, "Kim Lee")["company"] == "Stripe"
