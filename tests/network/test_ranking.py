"""Search lists the best match first: the people the words name before the ones a note
mentions, then the closest and most recently contacted (crm.core.contacts.ranking)."""

from __future__ import annotations

import pytest

from crm.core.contacts import ranking, search
from crm.core.contacts.listing import people_page
from crm.core.contacts.people import create_person, search_ids
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.network.ties import link
from crm.core.samples.demo import load_demo
from crm.core.upkeep.editing import add_interaction, update_person


def names(db: Database, query: str, **kw: int) -> list[str]:
    with db.read() as s:
        return [r.name for r in people_page(s, query, kw.get("offset", 0),
                                            kw.get("limit", 1000))]


def test_marcus_is_listed_before_the_people_whose_notes_mention_him(db: Database) -> None:
    with db.write() as s:
        load_demo(s)
    found = names(db, "marcus")
    # Felix Wagner's note is "Marcus's manager.": found, but after Marcus himself.
    assert found[0] == "Marcus Webb"
    assert "Felix Wagner" in found[1:]
    with db.read() as s:
        assert [r.name for r in people_page(s, "marcus", 0, 1)] == ["Marcus Webb"]


@pytest.fixture
def kinds(db: Database) -> Database:
    """One person per kind of match for "ada", named so that name order is the reverse."""
    with db.write() as s:
        create_person(s, "Aaron Note", note="Ada's old friend")  # a note mentions her
        work = create_person(s, "Abe Work")  # works at Ada Labs
        add_position(s, work, "Ada Labs", title="Engineer")
        titled = create_person(s, "Abby Title")  # her title says Ada
        add_position(s, titled, "Initech", title="Ada developer")
        create_person(s, "Babette Ada")  # a word of her name
        create_person(s, "Zadar Adams")  # another word of his name
        create_person(s, "Ada Zywicki")  # her name starts with it
    return db


def test_a_name_beats_a_company_or_title_which_beats_a_note(kinds: Database) -> None:
    # Within a kind of match (nobody is close or contacted here), by name.
    assert names(kinds, "ada") == ["Ada Zywicki", "Babette Ada", "Zadar Adams", "Abby Title",
                                   "Abe Work", "Aaron Note"]


def test_the_same_kind_of_match_puts_the_closest_then_the_latest_contact_first(
        db: Database) -> None:
    with db.write() as s:
        me = create_person(s, "Jordan Lee", me=True)
        weak = create_person(s, "Sam Able")
        strong = create_person(s, "Sam Zed")
        create_person(s, "Sam Baker")  # never contacted, not connected: last
        old = create_person(s, "Sam Carter")
        recent = create_person(s, "Sam Young")
        link(s, me, weak, "friend", strength=2)
        link(s, strong, me, "friend", strength=5)  # either direction counts
        add_interaction(s, old.id, "call", "2024-01-02", "hello")
        add_interaction(s, recent.id, "call", "2026-01-02", "hello")
    assert names(db, "sam") == ["Sam Zed", "Sam Able", "Sam Young", "Sam Carter",
                                "Sam Baker"]


def test_a_broad_search_pages_through_the_same_order(
        kinds: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with kinds.write() as s:
        me = create_person(s, "Jordan Lee", me=True)
        link(s, me, create_person(s, "Adaline Close"), "friend", strength=4)
        add_interaction(s, create_person(s, "Adam Called").id, "call", "2026-02-03", "hi")
    queries = ["ada", "a", "ab", "eng", "lab", "ada lab", "zy", "nobody"]
    selective = {q: names(kinds, q) for q in queries}
    assert selective["ada"][:3] == ["Adaline Close", "Adam Called", "Ada Zywicki"]
    # Every search is "broad" now: read as segments that walk indexes.
    monkeypatch.setattr(search, "BROAD_QUERY_HITS", 1)
    monkeypatch.setattr(search, "PG_BROAD_QUERY_HITS", 1)
    assert {q: names(kinds, q) for q in queries} == selective
    for q in ("ada", "a"):
        paged = [n for offset in range(0, 12, 2) for n in names(kinds, q, offset=offset,
                                                                  limit=2)]
        assert paged == selective[q], q
    with kinds.read() as s:
        assert len(search_ids(s, "a", offset=3)) == len(selective["a"]) - 3


@pytest.fixture
def no_name_says_soft(db: Database) -> Database:
    """A search for "soft" that no name answers: people whose job says it, people whose
    note says it, and people named "Sof…" who match only "sof"."""
    with db.write() as s:
        for name in ("Una Nash", "Ivo Park", "Lea Ruiz"):
            add_position(s, create_person(s, name), "Softworks", title="Engineer")
        add_position(s, create_person(s, "Kim Bell"), "Initech", title="Software lead")
        for name in ("Ola Berg", "Tom Otis", "Ben Ames"):
            create_person(s, name, note="Knows soft skills")
        for name in ("Sofia Lane", "Ari Sofer"):
            create_person(s, name, note="soft spoken")
        me = create_person(s, "Jordan Lee", me=True)
        link(s, me, create_person(s, "Zoe Soft-Close"), "friend", strength=3)
        add_interaction(s, create_person(s, "Yan Called", note="soft").id, "call",
                        "2026-02-03", "hi")
    return db


def test_a_broad_search_no_name_answers_pages_through_jobs_then_the_rest(
        no_name_says_soft: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = no_name_says_soft
    selective = names(db, "soft")
    # "Zoe Soft-Close": "soft" starts a word of her name, so she comes first.
    assert selective == ["Zoe Soft-Close", "Ivo Park", "Kim Bell", "Lea Ruiz", "Una Nash",
                         "Yan Called", "Ari Sofer", "Ben Ames", "Ola Berg", "Sofia Lane",
                         "Tom Otis"]
    sof = names(db, "sof")
    assert sof[:3] == ["Sofia Lane", "Zoe Soft-Close", "Ari Sofer"]
    monkeypatch.setattr(search, "BROAD_QUERY_HITS", 1)
    monkeypatch.setattr(search, "PG_BROAD_QUERY_HITS", 1)
    for many_names in (False, True):
        if many_names:  # too many names for the name index's hits: the names are walked
            monkeypatch.setattr(ranking, "NAME_HITS", 1)
        for q, expected in (("soft", selective), ("sof", sof),
                            ("softworks", ["Ivo Park", "Lea Ruiz", "Una Nash"]),
                            ("softx", [])):
            assert names(db, q) == expected, (q, many_names)
        for q, expected in (("soft", selective), ("sof", sof)):
            paged = [n for offset in range(0, 12, 3)
                     for n in names(db, q, offset=offset, limit=3)]
            assert paged == expected, (q, many_names)
        with db.read() as s:
            assert len(search_ids(s, "soft", offset=4)) == len(selective) - 4


def test_a_renamed_person_is_ranked_by_the_new_name_in_a_broad_search(
        no_name_says_soft: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = no_name_says_soft
    monkeypatch.setattr(search, "BROAD_QUERY_HITS", 1)
    monkeypatch.setattr(search, "PG_BROAD_QUERY_HITS", 1)
    with db.read() as s:
        tom, = search_ids(s, "tom otis")
        zoe, = search_ids(s, "zoe")
    with db.write() as s:
        update_person(s, tom, {"display_name": "Softly Otis"})
        update_person(s, zoe, {"display_name": "Zoe Close"})
    found = names(db, "soft")
    assert found[:2] == ["Softly Otis", "Ivo Park"]
    # Her old name said "soft" (still searchable), her name no longer: after the jobs.
    assert found.index("Zoe Close") > found.index("Una Nash")


def test_the_job_rank_reads_the_title_of_the_latest_current_job(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ada's current jobs: software engineer since 2019, gardener since 2023. "gardener" is
    # her job now (ranked with Cy's); "software" is found in her older job, ranked after
    # Zed, whose latest title it is — on each backend, by the selective plan and the broad
    # one (whose PostgreSQL form reads the title another way: crm.core.contacts.ranking).
    with db.write() as s:
        ada = create_person(s, "Ada Quill")
        add_position(s, ada, "Alpha", title="Software Engineer", start="2019-01", current=True)
        add_position(s, ada, "Beta", title="Gardener", start="2023-01", current=True)
        add_position(s, create_person(s, "Cy Reed"), "Gamma", title="Head Gardener",
                     current=True)
        add_position(s, create_person(s, "Zed Dee"), "Delta", title="Software Lead",
                     current=True)
        create_person(s, "Bo Abel", note="a gardener friend")
    for broad in (False, True):
        if broad:
            monkeypatch.setattr(search, "BROAD_QUERY_HITS", 1)
            monkeypatch.setattr(search, "PG_BROAD_QUERY_HITS", 1)
        assert names(db, "gardener") == ["Ada Quill", "Cy Reed", "Bo Abel"], broad
        assert names(db, "software") == ["Zed Dee", "Ada Quill"], broad
