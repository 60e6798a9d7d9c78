"""who_at: current, former and second-degree people at a company, in order."""

from __future__ import annotations

from crm.core.network import who_at
from tests.network.conftest import TODAY, Net


def names(entries: list) -> list[str]:  # type: ignore[type-arg]
    return [e.person.name for e in entries]


def test_current_former_and_second_degree_in_order(net: Net) -> None:
    with net.db.read() as s:
        answer = who_at(s, net.company(s, "Stripe, Inc."), today=TODAY)
    # Strongest tie first: friend (5), derived fellow intern (2), unlinked contact (1).
    assert names(answer.current) == ["Alice Archer", "Carol Cruz", "Gina Gold"]
    assert [(e.tie.kind, e.tie.strength, e.tie.derived) for e in answer.current] == [
        ("friend", 5, False), ("fellow-intern", 2, True), (None, 1, False)]
    # Me (a Stripe intern in 2020) is never listed; Bob left, Hank is not known to me.
    assert names(answer.former) == ["Bob Baker"]
    assert [(p.title, p.start, p.end, p.current) for p in answer.former[0].positions] == [
        ("Data Analyst", "2019-03", "2021-12", False)]
    assert names(answer.second_degree) == ["Dan Dorsey", "Eve Evans"]
    dan, eve = answer.second_degree
    # Dan: through Alice (min(5, 4) = 4) before Bob (min(2, 5) = 2).
    assert [(v.person.name, v.strength, v.their_tie.kind) for v in dan.via] == [
        ("Alice Archer", 4, "co-worker"), ("Bob Baker", 2, "friend")]
    # Eve: both paths have strength 2; my explicit tie (Bob) beats my derived one (Carol).
    assert [(v.person.name, v.strength, v.my_tie.derived, v.their_tie.source)
            for v in eve.via] == [("Bob Baker", 2, False, "known-via"),
                                  ("Carol Cruz", 2, True, "connection")]


def test_json_has_the_spec_shape_and_never_me(net: Net) -> None:
    with net.db.read() as s:
        data = who_at(s, net.company(s, "Stripe, Inc."), today=TODAY).to_json()
    assert set(data) >= {"company", "current", "former", "second_degree"}
    assert data["company"] == "Stripe, Inc."
    for person in data["current"] + data["former"]:
        assert {"id", "name", "emails", "phones", "urls", "company", "title", "tags",
                "note"} <= set(person)
    assert data["current"][0]["last_contacted"] == "2026-11-01"
    assert data["former"][0]["company"] == "Globex"  # where Bob is now
    entry = data["second_degree"][0]
    assert set(entry) >= {"person", "via"}
    assert entry["person"]["name"] == "Dan Dorsey"
    assert entry["person"]["title"] == "Engineering Manager"
    assert [v["name"] for v in entry["via"]] == ["Alice Archer", "Bob Baker"]
    listed = [p["id"] for p in data["current"] + data["former"]]
    listed += [e["person"]["id"] for e in data["second_degree"]]
    listed += [v["id"] for e in data["second_degree"] for v in e["via"]]
    assert net.ids["me"] not in listed


def test_linking_someone_directly_moves_them_to_first_degree(net: Net) -> None:
    from crm.core.network import link

    with net.db.write() as s:
        link(s, net.person(s, "me"), net.person(s, "Dan"), "acquaintance", strength=3)
    with net.db.read() as s:
        answer = who_at(s, net.company(s, "Stripe, Inc."), today=TODAY)
    assert names(answer.current) == ["Alice Archer", "Dan Dorsey", "Carol Cruz", "Gina Gold"]
    assert names(answer.second_degree) == ["Eve Evans"]


def test_a_company_where_i_know_nobody(net: Net) -> None:
    from crm.core.contacts.companies import get_or_create_company

    with net.db.write() as s:
        empty = get_or_create_company(s, "Nobody Corp")
        answer = who_at(s, empty, today=TODAY)
    assert (answer.current, answer.former, answer.second_degree) == ([], [], [])


def test_without_me_my_address_book_is_who_i_know(db) -> None:  # type: ignore[no-untyped-def]
    from crm.core.contacts.people import create_person
    from crm.core.contacts.positions import add_position
    from crm.core.network import link

    with db.write() as s:
        ann = create_person(s, "Ann Book")
        via = create_person(s, "Vic Via", via=ann)
        other = create_person(s, "Oz Other", via=ann)
        add_position(s, ann, "Globex", start="2020")
        add_position(s, via, "Globex", start="2021")
        add_position(s, other, "Initech", start="2021")
        link(s, ann, other, "friend", strength=4)
        answer = who_at(s, via.positions[0].company, today=TODAY)
    assert names(answer.current) == ["Ann Book"]
    assert [(e.person.name, [v.person.name for v in e.via]) for e in answer.second_degree] == [
        ("Vic Via", ["Ann Book"])]
