"""Pages of the people list: rows, order, sorts and counts, on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from crm.core.contacts.listing import count_matching_people, people_page
from crm.core.contacts.people import create_person, search_ids
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.errors import InvalidInput
from crm.core.samples.demo import load_demo
from crm.core.upkeep.editing import add_interaction


def test_pages_cover_everyone_once_in_name_order(db: Database) -> None:
    with db.write() as s:
        load_demo(s)
    with db.read() as s:
        total = count_matching_people(s, None)
        pages = [people_page(s, None, off, 7) for off in range(0, total, 7)]
        rows = [r for page in pages for r in page]
        assert [r.id for r in rows] == search_ids(s, None)
    assert len(rows) == total == 31
    assert len({r.id for r in rows}) == total
    me = next(r for r in rows if r.is_me)
    assert (me.name, me.company, me.title) == ("Jordan Lee", "Initech",
                                               "Junior Software Engineer")


def test_row_shows_latest_current_position_and_last_contacted(db: Database) -> None:
    with db.write() as s:
        p = create_person(s, "Ada Lovelace")
        add_position(s, p, "Analytical Engines", title="Intern", start="2020", end="2021")
        add_position(s, p, "Babbage & Co", title="Engineer", start="2022")
        add_position(s, p, "Royal Society", title="Fellow", start="2023")
        add_interaction(s, p.id, "call", "2024-02-03", "catch-up")
        add_interaction(s, p.id, "email", "2025-01-09", "sent the paper")
        create_person(s, "Charles Babbage")
    with db.read() as s:
        rows = people_page(s, "ada", 0, 10)
    assert len(rows) == 1
    assert (rows[0].company, rows[0].title, rows[0].last_contacted) == (
        "Royal Society", "Fellow", "2025-01-09")


def test_sorts_by_company_and_by_last_contacted(db: Database) -> None:
    with db.write() as s:
        a = create_person(s, "Alice Zed")
        b = create_person(s, "Bob Young")
        c = create_person(s, "Carol Xu")
        add_position(s, a, "Zeta Corp")
        add_position(s, b, "Alpha Inc")
        add_interaction(s, a.id, "call", date(2024, 1, 1), "old")
        add_interaction(s, c.id, "call", date(2025, 6, 1), "recent")
    with db.read() as s:
        by_company = [r.name for r in people_page(s, None, 0, 10, "company")]
        by_last = [r.name for r in people_page(s, None, 0, 10, "last-contacted")]
        with pytest.raises(InvalidInput):
            people_page(s, None, 0, 10, "shoe-size")
    assert by_company == ["Bob Young", "Alice Zed", "Carol Xu"]  # nobody's company last
    assert by_last == ["Carol Xu", "Alice Zed", "Bob Young"]  # never contacted last


def test_count_and_search_are_accent_insensitive(db: Database) -> None:
    with db.write() as s:
        load_demo(s)
    with db.read() as s:
        assert count_matching_people(s, "muller") == len(people_page(s, "muller", 0, 50)) >= 1
        assert count_matching_people(s, "no such words here") == 0
        assert people_page(s, "no such words here", 0, 50) == []


def test_whole_order_once_equals_the_pages(db: Database) -> None:
    from crm.core.contacts.listing import page_ids

    with db.write() as s:
        load_demo(s)
    with db.read() as s:
        for sort in ("company", "last-contacted"):
            whole = page_ids(s, None, 0, None, sort)
            pages = [i for off in range(0, 31, 10) for i in page_ids(s, None, off, 10, sort)]
            assert whole == pages and len(whole) == 31
