"""The people list's company and last-contacted orders at any size: the sort keys kept by the
database (migration 0008) follow every write, and pages come in the documented order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.core.contacts import search
from crm.core.contacts.listing import count_matching_people, page_ids, people_rows
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Company, Interaction, Person, Position
from crm.core.normalize import company_key
from crm.core.upkeep.company_merge import merge_companies
from crm.core.upkeep.editing import add_interaction, update_company
from crm.core.upkeep.merge import merge_people
from crm.core.upkeep.records import (
    delete_interaction,
    delete_position,
    end_position,
    update_position,
)
from crm.sync.engine import sync
from crm.sync.vdir import VdirStore


def keys(db: Database, name: str) -> tuple[str | None, date | None]:
    with db.read() as s:
        person = s.scalars(select(Person).where(Person.display_name == name)).one()
        return person.company_key, person.last_contacted


def test_the_sort_keys_follow_positions_companies_and_interactions(db: Database) -> None:
    with db.write() as s:
        ann = create_person(s, "Ann Lee")
        bob = create_person(s, "Bob Lee")
        first = add_position(s, ann, "Zeta Labs", start="2020-01")
    assert keys(db, "Ann Lee") == ("zeta labs", None)
    with db.write() as s:
        # Of two current positions, the one that started last; a dated one beats an undated.
        ann = s.get(Person, ann.id)
        assert ann is not None
        later = add_position(s, ann, "Acme", start="2024-05")
        add_position(s, ann, "Undated Co")
    assert keys(db, "Ann Lee") == ("acme", None)
    with db.write() as s:
        end_position(s, later.id, "2025-01")
    assert keys(db, "Ann Lee") == ("zeta labs", None)
    with db.write() as s:
        update_company(s, first.company_id, {"name": "Alpha Zeta, Inc."})
    assert keys(db, "Ann Lee") == ("alpha zeta", None)
    with db.write() as s:
        update_position(s, first.id, start="")  # both undated: the later recorded one
    assert keys(db, "Ann Lee") == ("undated", None)
    with db.write() as s:
        delete_position(s, first.id)
    assert keys(db, "Ann Lee") == ("undated", None)

    with db.write() as s:
        add_interaction(s, bob.id, "call", "2026-03-01", "Caught up")
        newest = add_interaction(s, bob.id, "coffee", "2026-05-01", "Coffee")
    assert keys(db, "Bob Lee") == (None, date(2026, 5, 1))
    with db.write() as s:
        delete_interaction(s, newest.id)
    assert keys(db, "Bob Lee") == (None, date(2026, 3, 1))
    with db.write() as s:
        # A merge moves positions and interactions: both keys follow them.
        merge_people(s, bob.id, ann.id)
    assert keys(db, "Bob Lee") == ("undated", date(2026, 3, 1))
    with db.write() as s:
        other = create_person(s, "Cy Doe")
        add_position(s, other, "Beta Corp")
        keep = s.scalars(select(Company.id).where(Company.name == "Beta Corp")).one()
        gone = s.scalars(select(Company.id).where(Company.name == "Undated Co")).one()
        merge_companies(s, keep, gone)
    assert keys(db, "Bob Lee")[0] == "beta"


def reference_order(db: Database, sort: str, query: str | None = None) -> list[int]:
    """Everyone matching, sorted in Python from what the list shows."""
    with db.read() as s:
        ids = page_ids(s, query, 0, None, "name")
        rows = {r.id: r for r in people_rows(s, ids)}
        names = {pid: key for pid, key in s.execute(select(Person.id, Person.sort_key))}
    if sort == "company":
        def key(pid: int) -> tuple[object, ...]:
            company = rows[pid].company
            return (company is None, company_key(company or ""), names[pid], pid)
    else:
        def key(pid: int) -> tuple[object, ...]:
            when = rows[pid].last_contacted
            day = -date.fromisoformat(when).toordinal() if when else 0
            return (when is None, day, names[pid], pid)
    return sorted(ids, key=key)


@pytest.fixture
def crowd(db: Database) -> Database:
    companies = ["Zeta Labs", "Acme", "Acme", "Mid Corp", None]
    with db.write() as s:
        for i in range(40):
            person = create_person(s, f"{'ABCDE'[i % 5]}. Name {'xyz'[i % 3]} {i:02d}")
            company = companies[i % len(companies)]
            if company:
                add_position(s, person, company, start=f"20{10 + i % 7}")
            if i % 4 == 0:
                add_interaction(s, person.id, "call", date(2026, 1, 1 + i % 9), "Hi")
    return db


@pytest.mark.parametrize("sort", ["company", "last-contacted"])
@pytest.mark.parametrize("query", [None, "xyz", "x", "name", "acme", "nobody"])
@pytest.mark.parametrize("broad", [False, True])
def test_every_page_is_the_slice_of_the_whole_order(
        crowd: Database, sort: str, query: str | None, broad: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if broad:  # the plan that walks the index and tests each row
        monkeypatch.setattr(search, "BROAD_QUERY_HITS", 1)
    expected = reference_order(crowd, sort, query)
    with crowd.read() as s:
        assert page_ids(s, query, 0, None, sort) == expected
        for limit in (7, 10):
            for offset in range(0, len(expected) + limit, limit):
                assert page_ids(s, query, offset, limit, sort) == \
                    expected[offset:offset + limit], (offset, limit)


def test_the_match_count_stops_past_its_cap(crowd: Database) -> None:
    with crowd.read() as s:
        assert count_matching_people(s, "name") == 40
        assert count_matching_people(s, "name", cap=10) == 11  # "more than 10"
        assert count_matching_people(s, "acme", cap=100) == 16
        assert count_matching_people(s, None, cap=10) == 40  # everyone: counted exactly
        assert s.scalar(select(Interaction.id).limit(1)) is not None
        assert s.scalar(select(Position.id).limit(1)) is not None


def test_the_sort_keys_follow_a_sync(db: Database, tmp_path: Path) -> None:
    """A card pulled by crm sync (its ORG a position, in the sync engine's own unit of work)
    sets the company key, and an edited ORG there moves it."""
    folder = tmp_path / "vdir"
    folder.mkdir()
    vcf = folder / "uid-1.vcf"

    def write_card(org: str) -> None:
        vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-1\r\nFN:Dee Park\r\n"
                       f"N:Park;Dee;;;\r\nORG:{org}\r\nTITLE:Chef\r\nEND:VCARD\r\n",
                       encoding="utf-8")

    write_card("Bistro Nine")
    sync(db, VdirStore(folder))
    assert keys(db, "Dee Park") == ("bistro nine", None)
    write_card("Zed Kitchen")
    sync(db, VdirStore(folder))
    assert keys(db, "Dee Park")[0] == "zed kitchen"
