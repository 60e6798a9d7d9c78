"""Deleting a person leaves a tombstone; undelete puts everything back."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from crm.core.backup import dump_database, restore_database
from crm.core.contacts.companies import get_or_create_company
from crm.core.contacts.people import create_person, resolve_person
from crm.core.contacts.positions import add_position
from crm.core.contacts.profile import person_detail
from crm.core.db import Database, open_database
from crm.core.jobhunt.references import set_reference
from crm.core.models import (
    Application,
    ImportRecord,
    Person,
    ReferenceUse,
    Referral,
    TombstoneKey,
)
from crm.core.network import link
from crm.core.upkeep.editing import add_interaction, delete_person
from crm.core.upkeep.merge import merge_people
from crm.core.upkeep.tombstones import (
    deleted_matches,
    deletion_impact,
    list_tombstones,
    resolve_tombstone,
    undelete,
)


def _ada(db: Database) -> tuple[int, int]:
    with db.write() as s:
        me = create_person(s, "Jordan Lee", me=True)
        ada = create_person(s, "Ada Lovelace", emails=["Ada@Example.com"],
                            phones=["(415) 555-0100"], tags=["math"], note="first note")
        ada.uid = "uid-ada"
        bob = create_person(s, "Bob Stone", via=ada)
        stripe = get_or_create_company(s, "Stripe")
        add_position(s, ada, stripe, title="Engineer", start="2023")
        link(s, me, ada, "mentor", strength=5)
        link(s, ada, bob, "friend")
        add_interaction(s, ada.id, "coffee", date(2025, 3, 1), "coffee at the fair")
        app = Application(company_id=stripe.id, role="SWE")
        s.add(app)
        s.flush()
        ref = set_reference(s, ada, status="agreed", relationship="my mentor")
        s.add(ReferenceUse(reference_id=ref.id, application_id=app.id, used_on=date(2025, 4, 1)))
        s.add(Referral(referrer_id=ada.id, application_id=app.id, to_company_id=stripe.id))
        s.add(Referral(referrer_id=bob.id, to_person_id=ada.id))
        s.add(ImportRecord(person_id=ada.id, source_file="phone.vcf", line=1,
                           raw="BEGIN:VCARD\nFN:Ada Lovelace\nEND:VCARD", raw_hash="h-ada"))
        return ada.id, bob.id


def test_delete_names_everything_and_undelete_restores_it(db: Database) -> None:
    ada_id, bob_id = _ada(db)
    with db.read() as s:
        before = person_detail(s, ada_id).to_json()
        impact = deletion_impact(s, ada_id)
    assert impact.items() == ["2 contact points", "1 position", "2 connections",
                              "1 interaction", "2 referrals",
                              "their reference entry and 1 use of it"]
    with db.write() as s:
        assert delete_person(s, ada_id) == "Ada Lovelace"
    with db.read() as s:
        assert s.get(Person, ada_id) is None
        stones = list_tombstones(s)
        assert [(t.name, t.person_id) for t in stones] == [("Ada Lovelace", ada_id)]
        assert stones[0].to_json()["emails"] == ["ada@example.com"]
        assert stones[0].to_json()["phones"] == ["+14155550100"]
        assert stones[0].to_json()["uids"] == ["uid-ada"]
        found = deleted_matches(s, [("email", "ada@example.com"), ("card", "h-ada"),
                                    ("uid", "uid-ada"), ("email", "other@example.com")])
        assert sorted(found) == [("card", "h-ada"), ("email", "ada@example.com"),
                                 ("uid", "uid-ada")]
        assert s.get(Person, bob_id).known_via_id is None
    with db.write() as s:
        back = undelete(s, resolve_tombstone(s, "ada"))
    assert back.person_id == ada_id and back.not_restored == ()
    with db.read() as s:
        after = person_detail(s, ada_id).to_json()
        for key in ("created_at", "updated_at"):
            before.pop(key), after.pop(key)
        assert after == before
        assert s.get(Person, bob_id).known_via_id == ada_id
        assert s.scalar(select(func.count(Referral.id))) == 2
        assert s.scalar(select(ImportRecord.person_id)) == ada_id
        assert list_tombstones(s) == []
        assert s.scalar(select(func.count(TombstoneKey.id))) == 0


def test_undelete_leaves_out_what_is_gone_and_says_so(db: Database) -> None:
    ada_id, bob_id = _ada(db)
    with db.write() as s:
        delete_person(s, ada_id)
    with db.write() as s:
        delete_person(s, bob_id)  # her friend link and his referral of her are gone
    with db.write() as s:
        back = undelete(s, resolve_tombstone(s, f"#{ada_id}"))
    # Her link to Bob cannot come back while he is deleted: it waits in his tombstone.
    assert back.not_restored == ("connection #2 (with Bob Stone, deleted: it comes back "
                                 "with them)",)
    with db.write() as s:
        bob_back = undelete(s, resolve_tombstone(s, "Bob Stone"))
    assert bob_back.person_id == bob_id
    with db.read() as s:
        d = person_detail(s, ada_id).to_json()
        assert {c["person"] for c in d["connections"] if not c["derived"]} == {
            "Jordan Lee", "Bob Stone"}


def test_a_merged_persons_uid_is_a_key_of_the_survivors_tombstone(db: Database) -> None:
    with db.write() as s:
        a = create_person(s, "Ann Lee")
        b = create_person(s, "Ann L.")
        b.uid = "uid-ann-2"
        a_id, b_id = a.id, b.id
    with db.write() as s:
        merge_people(s, a_id, b_id)
    with db.write() as s:
        assert resolve_person(s, f"#{b_id}").id == a_id
        delete_person(s, a_id)
    with db.read() as s:
        assert ("uid", "uid-ann-2") in deleted_matches(s, [("uid", "uid-ann-2")])


def test_backup_carries_aliases_and_tombstones(db: Database, empty_db_url: str) -> None:
    ada_id, _bob = _ada(db)
    with db.write() as s:
        twin = create_person(s, "Ada L.").id
    with db.write() as s:
        merge_people(s, ada_id, twin)
    with db.write() as s:
        delete_person(s, resolve_person(s, "Bob Stone").id)
    with db.read() as s:
        data = json.loads(json.dumps(dump_database(s)))
    target = open_database(empty_db_url)
    try:
        with target.write() as s:
            counts = restore_database(s, data)
        assert counts["person_alias"] == 1 and counts["tombstone"] == 1
        with target.write() as s:
            assert resolve_person(s, f"#{twin}").id == ada_id
            assert undelete(s, resolve_tombstone(s, "bob")).name == "Bob Stone"
    finally:
        target.dispose()
