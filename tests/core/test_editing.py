"""Editing a person: all or nothing, refused input leaves the person untouched."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import create_person, search_ids
from crm.core.contacts.positions import add_position
from crm.core.contacts.profile import person_detail
from crm.core.db import Database
from crm.core.errors import InvalidInput, NotFound
from crm.core.models import Connection, Interaction, Person, Position
from crm.core.network import link
from crm.core.upkeep.editing import (
    add_contact,
    add_interaction,
    delete_person,
    remove_contact,
    update_person,
)


def _person(db: Database, name: str = "Ada Lovelace") -> int:
    with db.write() as s:
        return create_person(s, name, emails=["ada@example.com"]).id


def test_update_fields_and_search_follows(db: Database) -> None:
    pid = _person(db)
    with db.write() as s:
        update_person(s, pid, {"headline": "  Analyst  ", "birthday": "--12-10",
                               "tags": "math, poetry", "note": "line one\n  line two"})
    with db.read() as s:
        d = person_detail(s, pid).to_json()
        assert search_ids(s, "poetry") == [pid]
    assert d["headline"] == "Analyst"
    assert d["birthday"] == "--12-10"
    assert d["tags"] == ["math", "poetry"]
    assert d["note"] == "line one\n  line two"


def test_bad_birthday_refuses_the_whole_edit(db: Database) -> None:
    pid = _person(db)
    with pytest.raises(InvalidInput, match="bad birthday"), db.write() as s:
        update_person(s, pid, {"headline": "changed", "birthday": "1815-02-30"})
    with db.read() as s:
        d = person_detail(s, pid).to_json()
    assert d["headline"] is None and d["birthday"] is None


def test_empty_name_is_refused(db: Database) -> None:
    pid = _person(db)
    with pytest.raises(InvalidInput, match="needs a name"), db.write() as s:
        update_person(s, pid, {"display_name": "   "})


def test_contact_points_add_validate_and_remove(db: Database) -> None:
    pid = _person(db)
    with db.write() as s:
        add_contact(s, pid, "phone", "+1 415 555 0199", "cell")
        add_contact(s, pid, "url", "https://ada.example.org/about")
    for kind, value, message in [("email", "not-an-email", "bad email"),
                                 ("url", "not a url", "bad URL"),
                                 ("email", "ADA@example.com", "already has"),
                                 ("fax", "123", "bad contact kind")]:
        with pytest.raises(InvalidInput, match=message), db.write() as s:
            add_contact(s, pid, kind, value)
    with db.read() as s:
        cps = person_detail(s, pid).to_json()["contact_points"]
    assert [(c["kind"], c["value"], c["label"]) for c in cps] == [
        ("email", "ada@example.com", None), ("phone", "+1 415 555 0199", "cell"),
        ("url", "https://ada.example.org/about", None)]
    with db.write() as s:
        remove_contact(s, pid, cps[1]["id"])
    with db.read() as s:
        points = person_detail(s, pid).to_json()["contact_points"]
        assert [c["kind"] for c in points] == ["email", "url"]
        assert search_ids(s, "4155550199") == []
    with pytest.raises(NotFound), db.write() as s:
        remove_contact(s, pid, 999_999)


def test_interactions_validate_date_and_kind(db: Database) -> None:
    pid = _person(db)
    with db.write() as s:
        add_interaction(s, pid, "coffee", "2025-03-04", "talked about internships")
    for kind, when, summary in [("coffee", "2025-02-30", "x"), ("coffee", "March", "x"),
                                ("telepathy", "2025-03-04", "x"), ("call", "2025-03-04", " ")]:
        with pytest.raises(InvalidInput), db.write() as s:
            add_interaction(s, pid, kind, when, summary)
    with db.read() as s:
        d = person_detail(s, pid).to_json()
    assert d["interactions"] == [{"id": d["interactions"][0]["id"], "date": "2025-03-04",
                                  "kind": "coffee", "summary": "talked about internships"}]
    assert isinstance(d["interactions"][0]["id"], int)  # (crm edit interaction ID)
    assert d["last_contacted"] == "2025-03-04"


def test_delete_person_removes_what_is_theirs_only(db: Database) -> None:
    pid = _person(db)
    with db.write() as s:
        other = create_person(s, "Charles Babbage")
        ada = s.get(Person, pid)
        assert ada is not None
        add_position(s, ada, "Analytical Engines", title="Analyst")
        add_position(s, other, "Analytical Engines", title="Inventor")
        link(s, other, ada, "co-worker")
        add_interaction(s, pid, "call", "2025-01-01", "hello")
        other_id = other.id
    with db.write() as s:
        assert delete_person(s, pid) == "Ada Lovelace"
    with db.read() as s:
        assert s.get(Person, pid) is None
        assert s.query(Connection).count() == 0
        assert s.query(Interaction).count() == 0
        assert [p.person_id for p in s.query(Position)] == [other_id]
    with pytest.raises(NotFound), db.write() as s:
        delete_person(s, pid)


def test_renaming_a_company_makes_its_people_searchable_by_the_new_name(
        db: Database) -> None:
    from crm.core.contacts.companies import get_or_create_company
    from crm.core.contacts.people import create_person, search_people
    from crm.core.contacts.positions import add_position
    from crm.core.upkeep.editing import update_company

    with db.write() as s:
        cid = get_or_create_company(s, "Initech").id
        add_position(s, create_person(s, "Peter Gibbons"), "Initech", title="Engineer")
    with db.write() as s:
        update_company(s, cid, {"name": "Hooli Cloud"})
    with db.read() as s:
        assert [p.name for p in search_people(s, "hooli")] == ["Peter Gibbons"]
        assert search_people(s, "initech") == []


def test_update_company_validates_then_saves(db: Database) -> None:
    from crm.core.contacts.companies import company_summary, get_or_create_company, resolve_company
    from crm.core.upkeep.editing import update_company

    with db.write() as s:
        cid = get_or_create_company(s, "Acme").id
    with pytest.raises(InvalidInput, match="bad URL"), db.write() as s:
        update_company(s, cid, {"industry": "Robots", "website": "not a url"})
    with pytest.raises(InvalidInput, match="needs a name"), db.write() as s:
        update_company(s, cid, {"name": " "})
    with db.read() as s:
        assert company_summary(s, cid).industry is None
    with db.write() as s:
        update_company(s, cid, {"name": "Acme Robotics, Inc.", "website": "acme.example",
                                "note": "two\n lines"})
    with db.read() as s:
        assert resolve_company(s, "acme robotics").id == cid
        c = company_summary(s, cid)
        assert (c.name, c.website) == ("Acme Robotics, Inc.", "acme.example")
