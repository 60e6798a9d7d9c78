"""What a record holds now, as the text its edit form starts from (``record_now``)."""

from __future__ import annotations

import pytest

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.errors import InvalidInput, NotFound
from crm.core.jobhunt.references import set_reference
from crm.core.network import link
from crm.core.upkeep.current import record_now
from crm.core.upkeep.records import update_connection, update_position


def test_values_round_trip_through_the_update_they_came_from(db: Database) -> None:
    with db.write() as s:
        ada = create_person(s, "Ada Lovelace")
        pos = add_position(s, ada, "Analytical Engines Ltd", title="Programmer",
                           kind="contract", start="1842-01", end="1843-09")
        pid = pos.id
    with db.read() as s:
        now = record_now(s, "position", pid)
    assert now.label == "Programmer at Analytical Engines Ltd"
    assert (now.get("company"), now.get("start"), now.get("end"), now.get("current"),
            now.get("department")) == ("Analytical Engines Ltd", "1842-01", "1843-09", "no", "")
    with db.write() as s:  # saving every value unchanged changes nothing
        update_position(s, pid, title=now.get("title"), department=now.get("department"),
                        kind=now.get("kind"), start=now.get("start"), end=now.get("end"),
                        note=now.get("note"))
    with db.read() as s:
        assert record_now(s, "position", pid) == now


def test_a_connection_reads_from_the_side_of_the_page_showing_it(db: Database) -> None:
    with db.write() as s:
        ada, mary = create_person(s, "Ada Lovelace"), create_person(s, "Mary Somerville")
        cid = link(s, ada, mary, "mentor", strength=5).id  # Mary is Ada's mentor
        ids = ada.id, mary.id
    with db.read() as s:
        from_ada = record_now(s, "connection", cid, seen_from=ids[0])
        from_mary = record_now(s, "connection", cid, seen_from=ids[1])
    assert (from_ada.get("kind"), from_ada.reversed, from_ada.get("other")) == (
        "mentor", False, "Mary Somerville")
    assert (from_mary.get("kind"), from_mary.reversed, from_mary.get("other")) == (
        "mentee", True, "Ada Lovelace")
    assert from_mary.get("stored_kind") == "mentor"  # what an edit form stores back
    with db.write() as s:
        update_connection(s, cid, kind=from_mary.get("stored_kind"), strength=2)
    with db.read() as s:
        assert record_now(s, "connection", cid, seen_from=ids[1]).get("strength") == "2"


def test_reference_company_use_and_refusals(db: Database) -> None:
    with db.write() as s:
        ada = create_person(s, "Ada Lovelace")
        add_position(s, ada, "Globex", title="Engineer")
        set_reference(s, ada, status="agreed", strength=4, since="2020",
                      preferred_contact="email")
        globex = ada.positions[0].company_id
        ada_id = ada.id
        nobody = create_person(s, "Charles Babbage").id
    with db.read() as s:
        ref = record_now(s, "reference", ada_id)
        fresh = record_now(s, "reference", nobody)
        company = record_now(s, "company", globex)
        with pytest.raises(NotFound):
            record_now(s, "interaction", 999_999)
        with pytest.raises(InvalidInput):
            record_now(s, "photo", 1)
    assert (ref.get("status"), ref.get("strength"), ref.get("since"),
            ref.get("preferred_contact")) == ("agreed", "4", "2020", "email")
    assert (fresh.get("status"), fresh.get("strength")) == ("not-asked", "3")
    assert company.get("used_by") == "1 position"
