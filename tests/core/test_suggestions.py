"""How we know each other, inferred from dated positions: suggested with evidence, accepted
into connections or dismissed for good."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.errors import InvalidInput
from crm.core.models import Connection, Person
from crm.core.network.suggestions import (
    accept_suggestion,
    dismiss_suggestion,
    infer_ties,
    list_suggestions,
    suggest,
)

TODAY = date(2025, 3, 1)


def _network(db: Database) -> dict[str, int]:
    with db.write() as s:
        me = create_person(s, "Maria Sousa", me=True)
        add_position(s, me, "Stripe", title="Software Engineer Intern", kind="intern",
                     start="2024-06", end="2024-08")
        add_position(s, me, "Acme Robotics", title="Research Assistant", start="2023")
        add_position(s, me, "Universidade de Lisboa", title="BSc", kind="student",
                     start="2021-09", end="2025-07")
        people = {"me": me.id}
        for name, company, title, start in (
                ("Ana Lima", "Stripe", "Software Engineer Intern", None),
                ("Bo Chen", "Acme Robotics", "Senior Engineer", None),
                ("Cy Reis", "Universidade de Lisboa", "Student", None),
                ("Dee Ray", "Stripe", "Engineer", "2025-01"),  # came after I left
                ("Eve Park", "Globex", "Designer", None),  # never where I was
                ("Fay Kim", "Acme Robotics", "Engineer", None)):  # connected before I came
            person = create_person(s, name)
            add_position(s, person, company, title=title, start=start)
            people[name] = person.id
    return people


def test_coworkers_fellow_interns_and_classmates_from_dates(db: Database) -> None:
    ids = _network(db)
    connected = [(ids["Ana Lima"], date(2024, 7, 10)), (ids["Bo Chen"], date(2023, 1, 2)),
                 (ids["Cy Reis"], date(2022, 5, 1)), (ids["Dee Ray"], date(2024, 7, 1)),
                 (ids["Eve Park"], date(2024, 7, 1)), (ids["Fay Kim"], date(2020, 1, 1))]
    with db.write() as s:
        made = infer_ties(s, ids["me"], connected, today=TODAY)
        assert len(made) == 3
    with db.read() as s:
        views = list_suggestions(s)
    assert [(v.other, v.person, v.connection_kind, v.since, v.status) for v in views] == [
        ("Ana Lima", "Maria Sousa", "fellow-intern", "2024-07-10", "open"),
        ("Bo Chen", "Maria Sousa", "co-worker", "2023-01-02", "open"),
        ("Cy Reis", "Maria Sousa", "classmate", "2022-05-01", "open")]
    assert views[0].evidence == (
        "connected on 2024-07-10 while I was Software Engineer Intern at Stripe "
        "(2024-06 to 2024-08); they are or were Software Engineer Intern at Stripe "
        "(? to now)")
    assert views[0].to_json()["inferred"] is True
    # Nothing is a connection until accepted.
    with db.read() as s:
        assert s.scalars(select(Connection)).all() == []
    with db.write() as s:
        accepted = accept_suggestion(s, views[0].id)
        dismissed = dismiss_suggestion(s, views[1].id)
    assert (accepted.status, dismissed.status) == ("accepted", "dismissed")
    with db.read() as s:
        [conn] = s.scalars(select(Connection)).all()
        assert (conn.person_id, conn.other_id, conn.kind, conn.source, conn.since) == (
            ids["me"], ids["Ana Lima"], "fellow-intern", "inferred", "2024-07-10")
        assert conn.how_met == views[0].evidence
        assert [v.other for v in list_suggestions(s)] == ["Cy Reis"]
        assert [(v.other, v.status) for v in list_suggestions(s, None)] == [
            ("Ana Lima", "accepted"), ("Bo Chen", "dismissed"), ("Cy Reis", "open")]
    # A later import infers again: a dismissed or accepted one is not made again.
    with db.write() as s:
        assert infer_ties(s, ids["me"], connected, today=TODAY) == []
    with db.write() as s, pytest.raises(InvalidInput, match="was dismissed already"):
        dismiss_suggestion(s, views[1].id)


def test_a_same_person_suggestion_is_never_a_merge(db: Database) -> None:
    with db.write() as s:
        a, b = create_person(s, "Ana Lima"), create_person(s, "Ana Lima")
        made = suggest(s, kind="same-person", person_id=a.id, other_id=b.id,
                       evidence="the same name")
        assert made is not None
        sid = made.id
    with db.write() as s, pytest.raises(InvalidInput, match="merging"):
        accept_suggestion(s, sid)
    with db.read() as s:
        assert len(s.scalars(select(Person)).all()) == 2
