"""Merging people and companies: the survivor has the union, nothing is orphaned or lost."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from crm.core.contacts.companies import get_or_create_company, resolve_company
from crm.core.contacts.people import add_contact_point, create_person, resolve_person, search_ids
from crm.core.contacts.positions import add_position
from crm.core.contacts.profile import person_detail
from crm.core.db import Database
from crm.core.errors import InvalidInput
from crm.core.jobhunt.references import set_reference
from crm.core.models import (
    Application,
    Base,
    Company,
    CompanyAlias,
    Connection,
    ContactPoint,
    ImportRecord,
    Interaction,
    Person,
    Position,
    Reference,
    ReferenceUse,
    Referral,
)
from crm.core.network import link
from crm.core.upkeep.company_merge import merge_companies
from crm.core.upkeep.editing import add_interaction
from crm.core.upkeep.merge import merge_people, plan_merge

EMAILS = ["priya@example.com", "priya.n@gmail.com", "pn@stripe.com"]
PHONES = ["+1 415 555 0100", "(415) 555-0101"]
TAGS = ["mentor", "stripe", "school"]
COMPANIES = ["Stripe", "Globex"]
KINDS = ["mentor", "friend", "co-worker"]

side = st.fixed_dictionaries({
    "emails": st.lists(st.sampled_from(EMAILS), unique=True, max_size=3),
    "phones": st.lists(st.sampled_from(PHONES), unique=True, max_size=2),
    "tags": st.lists(st.sampled_from(TAGS), unique=True, max_size=3),
    "positions": st.lists(st.tuples(st.sampled_from(COMPANIES),
                                    st.sampled_from(["Engineer", "Intern"]),
                                    st.sampled_from([None, "2023", "2024-06"])),
                          max_size=3),
    # (third person index, kind, this person is the one whose KIND the other is)
    "links": st.lists(st.tuples(st.integers(0, 1), st.sampled_from(KINDS), st.booleans()),
                      max_size=4),
    "link_each_other": st.sampled_from([None, "friend", "mentor"]),
    "interactions": st.integers(0, 2),
    "reference": st.sampled_from([None, "agreed", "asked"]),
    "uses": st.integers(0, 2),
    "referrals": st.integers(0, 2),
    "cards": st.integers(0, 2),
    "note": st.sampled_from([None, "met at the fair", "line one\n  line two"]),
    "headline": st.sampled_from([None, "Engineer", "Student"]),
})


def _build(s: Session, name: str, spec: dict[str, Any], thirds: list[Person],
           company_ids: dict[str, int], app_id: int) -> Person:
    p = create_person(s, name, tags=spec["tags"], note=spec["note"])
    p.headline = spec["headline"]
    for e in spec["emails"]:
        add_contact_point(p, "email", e)
    for ph in spec["phones"]:
        add_contact_point(p, "phone", ph)
    s.flush()
    for company, title, start in spec["positions"]:
        add_position(s, p, s.get(Company, company_ids[company]), title=title, start=start)
    for index, kind, forward in spec["links"]:
        a, b = (p, thirds[index]) if forward else (thirds[index], p)
        link(s, a, b, kind)
    for i in range(spec["interactions"]):
        add_interaction(s, p.id, "coffee", date(2025, 1, i + 1), f"coffee {i} with {name}")
    if spec["reference"]:
        ref = set_reference(s, p, status=spec["reference"], relationship=f"knows {name}")
        for i in range(spec["uses"]):
            s.add(ReferenceUse(reference_id=ref.id, application_id=app_id,
                               used_on=date(2025, 2, i + 1)))
    for i in range(spec["referrals"]):
        s.add(Referral(referrer_id=p.id, to_company_id=company_ids["Stripe"],
                       application_id=app_id, note=f"referral {i}"))
    for i in range(spec["cards"]):
        s.add(ImportRecord(person_id=p.id, source_file="phone.vcf", line=i + 1,
                           raw=f"BEGIN:VCARD\nFN:{name} {i}\nEND:VCARD", raw_hash=f"{name}{i}"))
    s.flush()
    return p


def _children(s: Session, pid: int) -> dict[str, Any]:
    return {
        "emails": set(s.scalars(select(ContactPoint.normalized).where(
            ContactPoint.person_id == pid, ContactPoint.kind == "email"))),
        "phones": set(s.scalars(select(ContactPoint.normalized).where(
            ContactPoint.person_id == pid, ContactPoint.kind == "phone"))),
        "positions": {(p.company_id, p.title, p.start) for p in s.scalars(
            select(Position).where(Position.person_id == pid))},
        "interactions": set(s.scalars(select(Interaction.summary).where(
            Interaction.person_id == pid))),
        "uses": set(s.scalars(select(ReferenceUse.used_on).join(Reference).where(
            Reference.person_id == pid))),
        "referrals": set(s.scalars(select(Referral.id).where(Referral.referrer_id == pid))),
        "cards": set(s.scalars(select(ImportRecord.raw_hash).where(
            ImportRecord.person_id == pid))),
        "tags": set(person_detail(s, pid).to_json()["tags"]),
    }


def _links(s: Session, pid: int, other_id: int) -> set[tuple[int, str, bool]]:
    out = set()
    for c in s.scalars(select(Connection).where(or_(Connection.person_id == pid,
                                                    Connection.other_id == pid))):
        if {c.person_id, c.other_id} == {pid, other_id}:
            continue
        if c.person_id == pid:
            out.add((c.other_id, c.kind, True))
        else:
            out.add((c.person_id, c.kind, False))
    return out


def _references_to(s: Session, pid: int) -> list[str]:
    """Every column anywhere that still holds person id ``pid``."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "person":
                n = s.scalar(select(func.count()).select_from(table)
                             .where(table.c[fk.parent.name] == pid))
                if n:
                    found.append(f"{table.name}.{fk.parent.name}")
    return found


def _fk_check(s: Session) -> list[Any]:
    if s.get_bind().dialect.name == "sqlite":
        return list(s.execute(text("PRAGMA foreign_key_check")))
    return []  # PostgreSQL enforces every foreign key on each statement


MERGE_SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])


@MERGE_SETTINGS
@given(a=side, b=side)
def test_merged_person_has_the_union_and_nothing_is_orphaned(db: Database, a: dict[str, Any],
                                                             b: dict[str, Any]) -> None:
    with db.write() as s:
        company_ids = {n: get_or_create_company(s, n).id for n in COMPANIES}
        app = Application(company_id=company_ids["Stripe"], role="SWE")
        s.add(app)
        s.flush()
        thirds = [create_person(s, f"Third {i} {app.id}") for i in range(2)]
        keep = _build(s, f"Priya Keep {app.id}", a, thirds, company_ids, app.id)
        other = _build(s, f"Priya Other {app.id}", b, thirds, company_ids, app.id)
        if a["link_each_other"]:
            link(s, keep, other, a["link_each_other"])
        keep_id, other_id = keep.id, other.id
    with db.read() as s:
        before_keep, before_other = _children(s, keep_id), _children(s, other_id)
        links_before = _links(s, keep_id, other_id) | _links(s, other_id, keep_id)
        referrals_before = s.scalar(select(func.count(Referral.id)))
    with db.write() as s:
        merge_people(s, keep_id, other_id)
    with db.read() as s:
        after = _children(s, keep_id)
        assert s.get(Person, other_id) is None
        for key, value in after.items():
            assert value == before_keep[key] | before_other[key], key
        # Every link either had, now the survivor's; no link to itself, none twice.
        assert _links(s, keep_id, other_id) == links_before
        assert not s.scalar(select(func.count(Connection.id)).where(
            Connection.person_id == Connection.other_id))
        assert s.scalar(select(func.count(Referral.id))) == referrals_before
        assert _references_to(s, other_id) == []
        assert _fk_check(s) == []
        assert resolve_person(s, f"#{other_id}").id == keep_id
        notes = person_detail(s, keep_id).to_json()["note"] or ""
        for spec in (a, b):
            if spec["note"]:
                assert spec["note"] in notes
        if a["headline"] and b["headline"] and a["headline"] != b["headline"]:
            assert f"headline: {b['headline']}" in notes  # not taken, but kept


def test_merge_takes_a_chosen_field_and_keeps_the_other_in_the_note(db: Database) -> None:
    with db.write() as s:
        keep = create_person(s, "Priya Natarajan", emails=["priya@stripe.com"])
        keep.headline = "Engineer"
        other = create_person(s, "Priya N.", emails=["priya.n@gmail.com"], me=True)
        other.headline = "Staff Engineer"
        other.uid = "uid-priya-2"
        keep_id, other_id = keep.id, other.id
    with db.read() as s:
        plan = plan_merge(s, keep_id, other_id, {"headline": "other"})
        assert s.get(Person, other_id) is not None  # a plan writes nothing
    assert [f.field for f in plan.fields if f.conflict] == ["display_name", "family_name",
                                                           "headline"]
    assert dict(plan.moved)["contact_points"] == 1
    with db.write() as s:
        merge_people(s, keep_id, other_id, {"headline": "other"})
    with db.read() as s:
        d = person_detail(s, keep_id).to_json()
        assert d["headline"] == "Staff Engineer"
        assert d["emails"] == ["priya@stripe.com", "priya.n@gmail.com"]
        assert d["me"] is True
        assert "headline: Engineer" in d["note"] and "Priya N." in d["note"]
        assert "family name: N." in d["note"]
        assert search_ids(s, "gmail") == [keep_id]
        assert s.get(Person, keep_id).uid == "uid-priya-2"
    with pytest.raises(InvalidInput, match="themselves"), db.write() as s:
        merge_people(s, keep_id, keep_id)
    with pytest.raises(InvalidInput, match="cannot choose"), db.write() as s:
        other2 = create_person(s, "Someone")
        merge_people(s, keep_id, other2.id, {"salary": "other"})


def test_a_merge_chain_keeps_every_old_id_resolving(db: Database) -> None:
    with db.write() as s:
        a, b, c = (create_person(s, n).id for n in ("Ann Lee", "Ann L.", "A. Lee"))
    with db.write() as s:
        merge_people(s, b, a)
    with db.write() as s:
        merge_people(s, c, b)
    with db.read() as s:
        assert resolve_person(s, f"#{a}").id == c
        assert resolve_person(s, f"#{b}").id == c


def test_companies_merge_names_domains_positions_and_applications(db: Database) -> None:
    with db.write() as s:
        stripe = get_or_create_company(s, "Stripe")
        inc = Company(name="Stripe, Inc. (payments)", name_key="stripe payments")
        s.add(inc)
        s.flush()
        from crm.core.contacts.companies import add_alias, add_domain

        add_domain(s, stripe, "stripe.com")
        add_domain(s, inc, "stripe.dev")
        add_alias(s, inc, "Stripe Payments Co")
        ada = create_person(s, "Ada Lovelace")
        add_position(s, ada, inc, title="Engineer")
        s.add(Application(company_id=inc.id, role="SWE"))
        keep_id, other_id = stripe.id, inc.id
    with db.write() as s:
        plan = merge_companies(s, keep_id, other_id)
    assert dict(plan.moved) == {"aliases": 1, "domains": 1, "positions": 1, "applications": 1}
    with db.read() as s:
        assert s.get(Company, other_id) is None
        survivor = s.get(Company, keep_id)
        assert survivor.name == "Stripe"
        assert sorted(a.alias for a in s.scalars(select(CompanyAlias).where(
            CompanyAlias.company_id == keep_id))) == ["Stripe, Inc. (payments)"]
        assert sorted(d.domain for d in survivor.domains) == ["stripe.com", "stripe.dev"]
        assert resolve_company(s, f"#{other_id}").id == keep_id
        assert resolve_company(s, "Stripe, Inc. (payments)").id == keep_id
        assert resolve_company(s, "jo@stripe.dev").id == keep_id
        assert s.scalar(select(Position.company_id)) == keep_id
        assert s.scalar(select(Application.company_id)) == keep_id
        assert search_ids(s, "payments") == [s.scalar(select(Person.id))]
        assert _fk_check(s) == []


def test_a_merge_carries_keep_in_touch_and_the_agenda_of_the_other(db: Database) -> None:
    """#15: the merged-away person's "every 2 weeks, at most a month", to-dos and logged
    contact are the survivor's, and the agenda says so (not "never contacted", default 90
    days)."""
    from crm.core.agenda.intervals import set_person_interval
    from crm.core.agenda.today import build_agenda
    from crm.core.agenda.todos import add_todo, list_todos

    today = date(2026, 6, 1)
    with db.write() as s:
        create_person(s, "Jordan Me", me=True)
        keep = create_person(s, "Priya Natarajan")
        other = create_person(s, "Priya N.")
        set_person_interval(s, other, every="2w", at_most="1m")
        add_interaction(s, other.id, "coffee", date(2026, 5, 1), "coffee at the fair")
        add_todo(s, "send Priya the deck", person=other, due_on=date(2026, 6, 2))
        keep_id, other_id = keep.id, other.id
    with db.read() as s:
        plan = plan_merge(s, keep_id, other_id)
        assert [(f.field, f.value) for f in plan.fields if f.field == "keep_in_touch"] == [
            ("keep_in_touch", "every 2w, at most 1m")]
    with db.write() as s:
        merge_people(s, keep_id, other_id)
    with db.read() as s:
        assert person_detail(s, keep_id).to_json()["keep_in_touch"] == {
            "every_days": 14, "at_most_days": 30}
        assert [t.text for t in list_todos(s, person_id=keep_id)] == ["send Priya the deck"]
        agenda = build_agenda(s, today, 7)
        assert [(i.title, i.person_id) for i in agenda.todos] == [
            ("send Priya the deck", keep_id)]
        # 31 days since the coffee: past "at most 1m", so overdue (by default not even due).
        contact = [(i.person_id, i.overdue, i.detail.split(";")[0]) for i in agenda.contacts
                   if i.person_id == keep_id]
        assert contact == [(keep_id, True, "last contact 2026-05-01 (31 days)")]


def test_a_merge_picks_whose_keep_in_touch_stays_and_notes_the_other(db: Database) -> None:
    from crm.core.agenda.intervals import set_person_interval

    with db.write() as s:
        keep = create_person(s, "Ann Lee")
        other = create_person(s, "Ann L.")
        set_person_interval(s, keep, every="3m")
        set_person_interval(s, other, every="2w", at_most="1m")
        keep_id, other_id = keep.id, other.id
    with db.read() as s:
        assert [f.field for f in plan_merge(s, keep_id, other_id).fields
                if f.conflict] == ["display_name", "family_name", "keep_in_touch"]
    with db.write() as s:
        merge_people(s, keep_id, other_id, {"keep_in_touch": "other"})
    with db.read() as s:
        d = person_detail(s, keep_id).to_json()
        assert d["keep_in_touch"] == {"every_days": 14, "at_most_days": 30}
        assert "keep in touch: every 3m" in d["note"]
