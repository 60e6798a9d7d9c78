"""Likely duplicates: the pairs a user would merge, with their evidence, best first."""

from __future__ import annotations

from crm.core.contacts.companies import get_or_create_company
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Company
from crm.core.upkeep.duplicates import COMMON, find_duplicates


def _pairs(db: Database) -> dict[frozenset[str], tuple[int, list[tuple[str, str]]]]:
    with db.read() as s:
        found = find_duplicates(s)
    return {frozenset((p.keep.name, p.other.name)): (p.score, [(e.kind, e.detail)
                                                             for e in p.evidence])
            for p in found}


def test_names_accents_nicknames_initials_and_shared_contacts(db: Database) -> None:
    with db.write() as s:
        create_person(s, "José García")
        create_person(s, "Jose Garcia")
        create_person(s, "Bob Stone")
        create_person(s, "Robert Stone")
        create_person(s, "J. Smith")
        create_person(s, "John Smith")
        create_person(s, "Priya Natarajan", emails=["priya@stripe.com"])
        create_person(s, "P. N.", emails=["Priya@Stripe.com"], phones=["+1 415 555 0100"])
        create_person(s, "Alex Kim", phones=["(415) 555-0100"])
        create_person(s, "Unrelated Person")
        create_person(s, "Jane Smith")
    pairs = _pairs(db)
    assert pairs[frozenset(("José García", "Jose Garcia"))][1] == [("name", "José García")]
    assert pairs[frozenset(("Bob Stone", "Robert Stone"))][1] == [
        ("nickname", "Bob Stone / Robert Stone")]
    assert pairs[frozenset(("J. Smith", "John Smith"))][1] == [
        ("initial", "J. Smith / John Smith")]
    assert pairs[frozenset(("J. Smith", "Jane Smith"))][1] == [
        ("initial", "J. Smith / Jane Smith")]
    assert frozenset(("John Smith", "Jane Smith")) not in pairs  # an initial, not a name
    assert pairs[frozenset(("Priya Natarajan", "P. N."))][1] == [
        ("email", "priya@stripe.com")]
    assert pairs[frozenset(("P. N.", "Alex Kim"))][1] == [("phone", "+1 415 555 0100")]
    assert not any("Unrelated Person" in pair for pair in pairs)
    # Best first: a shared email outranks a same name, which outranks a nickname.
    with db.read() as s:
        scores = [p.score for p in find_duplicates(s)]
    assert scores == sorted(scores, reverse=True)
    assert (pairs[frozenset(("Priya Natarajan", "P. N."))][0]
            > pairs[frozenset(("José García", "Jose Garcia"))][0]
            > pairs[frozenset(("Bob Stone", "Robert Stone"))][0])


def test_same_company_adds_to_a_name_and_common_names_need_it(db: Database) -> None:
    with db.write() as s:
        stripe = get_or_create_company(s, "Stripe")
        a = create_person(s, "Sam Lee")
        b = create_person(s, "Sam Lee")
        add_position(s, a, stripe, title="Engineer")
        add_position(s, b, stripe, title="Engineer", start="2020", end="2021")
        common = [create_person(s, "Maria Garcia") for _ in range(COMMON + 1)]
        globex = get_or_create_company(s, "Globex")
        add_position(s, common[0], globex)
        add_position(s, common[5], globex)
        ids = (common[0].id, common[5].id)
    with db.read() as s:
        found = find_duplicates(s)
    sam = [p for p in found if p.keep.name == "Sam Lee"]
    assert [(e.kind, e.detail) for e in sam[0].evidence] == [("name", "Sam Lee"),
                                                            ("company", "Stripe")]
    # Eleven Maria Garcias: a common name alone says nothing; two at Globex may be one.
    maria = [p for p in found if p.keep.name == "Maria Garcia"]
    assert [(p.keep.id, p.other.id) for p in maria] == [ids]
    assert [e.kind for e in maria[0].evidence] == ["name", "company"]


def test_company_duplicates_by_name_and_alias(db: Database) -> None:
    with db.write() as s:
        get_or_create_company(s, "Stripe")
        s.add(Company(name="Stripe, Inc.", name_key="stripe"))
        s.add(Company(name="Globex", name_key="globex"))
        s.flush()
    with db.read() as s:
        found = [p for p in find_duplicates(s) if p.kind == "company"]
    assert [(p.keep.name, p.other.name) for p in found] == [("Stripe", "Stripe, Inc.")]
    assert found[0].evidence[0].detail == "Stripe / Stripe, Inc."
