"""Search over the full-text index: accents, word prefixes, FTS metacharacters, paging."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from crm.core.contacts import search
from crm.core.contacts.people import create_person, refresh_search_text, search_ids, search_people
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Person


@pytest.fixture
def people(db: Database) -> Database:
    with db.write() as s:
        zoe = create_person(s, "Zoë Müller", emails=["zoe@acme-robotics.com"],
                            phones=["(415) 555-0100"], tags=["mentor"])
        add_position(s, zoe, "Acme Robotics, Inc.", title="Robotics Engineer")
        create_person(s, "Ann Near", note="Met at the AND conference")
        create_person(s, "Andrea Star", note="asterisk * lover")
        create_person(s, "José Núñez")
        create_person(s, "Bob Stone", note='said "hello"')
    return db


def found(db: Database, query: str | None, **kw: int) -> list[str]:
    with db.read() as s:
        return [p.name for p in search_people(s, query, **kw)]


def test_accent_and_case_insensitive_word_prefixes(people: Database) -> None:
    assert found(people, "muller") == ["Zoë Müller"]
    assert found(people, "MÜLLER") == ["Zoë Müller"]
    assert found(people, "mül") == ["Zoë Müller"]
    assert found(people, "zoe mul") == ["Zoë Müller"]
    assert found(people, "jose nunez") == ["José Núñez"]
    # Company, title, tag, email and phone (as typed, national digits, E.164 digits).
    for query in ("acme", "robotics eng", "mentor", "zoe@acme-robotics.com", "555-0100",
                  "4155550100", "14155550100"):
        assert found(people, query) == ["Zoë Müller"], query
    # Word prefixes, not substrings: "ller" is inside "muller" but starts no word.
    assert found(people, "ller") == []


@pytest.mark.parametrize("query", ['"', '""', "*", "AND", "NEAR(", 'NEAR("a" "b", 2)', "a OR",
                                   "-", "^", "x:y", "(", ")", "'", "%", "_", "\\", "\x00"])
def test_fts_syntax_never_errors(people: Database, query: str) -> None:
    result = found(people, query)
    assert isinstance(result, list)


def test_fts_words_are_plain_words(people: Database) -> None:
    everyone = ["Andrea Star", "Ann Near", "Bob Stone", "José Núñez", "Zoë Müller"]
    assert found(people, '"') == everyone
    assert found(people, "*") == everyone
    assert found(people, "NEAR(") == ["Ann Near"]
    assert found(people, "AND") == ["Andrea Star", "Ann Near"]  # "Andrea" and "AND conf."
    assert found(people, '"hello"') == ["Bob Stone"]


def test_paging_and_order(people: Database) -> None:
    assert found(people, None, limit=2) == ["Andrea Star", "Ann Near"]
    assert found(people, None, limit=2, offset=2) == ["Bob Stone", "José Núñez"]
    assert found(people, "a", limit=10) == ["Andrea Star", "Ann Near", "Zoë Müller"]


def test_the_index_follows_changes_and_deletes(people: Database) -> None:
    with people.write() as s:
        bob = s.get(Person, search_ids(s, "bob")[0])
        assert bob is not None
        bob.note = "now a sculptor"
        refresh_search_text(bob)
    assert found(people, "sculptor") == ["Bob Stone"]
    assert found(people, "hello") == []
    with people.write() as s:
        s.execute(delete(Person).where(Person.display_name == "Bob Stone"))
    assert found(people, "sculptor") == [] and found(people, "bob") == []


def test_broad_queries_walk_the_name_order_with_the_same_answers(
        people: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ["a", "an", "zoe", "robotics", "star", "n", "5550100", "near", "x"]
    index = {q: found(people, q) for q in queries}
    monkeypatch.setattr(search, "BROAD_QUERY_HITS", 1)
    assert {q: found(people, q) for q in queries} == index
    assert found(people, "a", limit=1, offset=1) == ["Ann Near"]


def test_batch_summaries_equal_one_by_one_summaries(people: Database) -> None:
    from sqlalchemy import select

    from crm.core.contacts.people import summaries_by_id, summarize, summary_loader

    with people.write() as s:
        ann = s.scalars(select(Person).where(Person.display_name == "Ann Near")).one()
        zoe = s.scalars(select(Person).where(Person.display_name == "Zoë Müller")).one()
        add_position(s, zoe, "Initech", title="Lead", start="2026-01")  # two current jobs
        ann.known_via = zoe
    with people.read() as s:
        ids = search_ids(s, None)
        batch = summaries_by_id(s, ids)
        single = {p.id: summarize(p) for p in s.scalars(
            select(Person).where(Person.id.in_(ids)).options(*summary_loader()))}
    assert batch == single
    assert batch[zoe.id].company == "Initech" and batch[ann.id].known_via == "Zoë Müller"
