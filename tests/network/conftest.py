"""A small hand-built network around "me", made through the services, for exact answers.

    me: intern at Stripe 2020-06..2020-08, intern at Acme 2023-06..2023-08, Initech since 2024
    Alice  friend of mine (5), at Stripe now
    Bob    my co-worker (2), at Stripe 2019-03..2021-12, Globex now
    Carol  no link: interned at Acme 2023-07..2023-09 (derived fellow intern), Stripe now
    Gina   in my contacts, no link, at Stripe now
    Ivy    my mentor (2), no position
    Dan    recorded --via Alice, at Stripe now; Alice's co-worker (4), Bob's friend (5)
    Eve    recorded --via Bob, at Stripe now; Carol's co-worker (3)
    Frank  recorded --via Alice, at Globex now
    Hank   recorded --via Alice, at Stripe 2015..2016 only
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from crm.core.contacts.companies import add_alias, add_domain, get_or_create_company
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Company, Interaction, Person
from crm.core.network import link

TODAY = date(2026, 11, 26)


@dataclass
class Net:
    db: Database
    ids: dict[str, int]
    companies: dict[str, int]

    def person(self, s: Session, name: str) -> Person:
        p = s.get(Person, self.ids[name])
        assert p is not None
        return p

    def company(self, s: Session, name: str) -> Company:
        c = s.get(Company, self.companies[name])
        assert c is not None
        return c


def build(s: Session) -> tuple[dict[str, int], dict[str, int]]:
    stripe = get_or_create_company(s, "Stripe, Inc.")
    add_domain(s, stripe, "stripe.com")
    add_alias(s, stripe, "Stripe Payments")
    acme = get_or_create_company(s, "Acme Robotics, Inc.")
    get_or_create_company(s, "Globex")
    get_or_create_company(s, "Initech")
    me = create_person(s, "Jordan Me", me=True)
    p = {"me": me}
    for name in ("Alice Archer", "Bob Baker", "Carol Cruz", "Gina Gold", "Ivy Irving"):
        p[name.split()[0]] = create_person(s, name)
    for name, via in (("Dan Dorsey", "Alice"), ("Eve Evans", "Bob"), ("Frank Fox", "Alice"),
                      ("Hank Hill", "Alice")):
        p[name.split()[0]] = create_person(s, name, via=p[via])
    add_position(s, me, stripe, title="Intern", kind="intern", start="2020-06", end="2020-08")
    add_position(s, me, acme, title="Intern", kind="intern", start="2023-06", end="2023-08")
    add_position(s, me, "Initech", title="Engineer", kind="full-time", start="2024-01")
    add_position(s, p["Alice"], stripe, title="Staff Engineer", kind="full-time",
                 start="2022-02")
    add_position(s, p["Bob"], stripe, title="Data Analyst", kind="full-time", start="2019-03",
                 end="2021-12")
    add_position(s, p["Bob"], "Globex", title="Analyst", kind="full-time", start="2022-01")
    add_position(s, p["Carol"], acme, title="Intern", kind="intern", start="2023-07",
                 end="2023-09")
    add_position(s, p["Carol"], stripe, title="Engineer", kind="full-time", start="2024-02")
    add_position(s, p["Gina"], stripe, title="Recruiter", kind="full-time", start="2021")
    add_position(s, p["Dan"], stripe, title="Engineering Manager", kind="full-time",
                 start="2021-03")
    add_position(s, p["Eve"], stripe, title="Designer", kind="full-time", start="2023-03")
    add_position(s, p["Frank"], "Globex", title="CTO", kind="full-time", start="2017")
    add_position(s, p["Hank"], stripe, title="Engineer", kind="full-time", start="2015",
                 end="2016")
    link(s, me, p["Alice"], "friend", strength=5)
    link(s, me, p["Bob"], "co-worker", strength=2)
    link(s, p["Ivy"], me, "mentee", strength=2)  # recorded from Ivy's side
    link(s, p["Alice"], p["Dan"], "co-worker", strength=4)
    link(s, p["Dan"], p["Bob"], "friend", strength=5)
    link(s, p["Carol"], p["Eve"], "co-worker", strength=3)
    for name, when in (("Alice", date(2026, 11, 1)), ("Bob", date(2026, 1, 10)),
                       ("Gina", date(2025, 5, 5)), ("Dan", date(2026, 6, 1)),
                       ("Bob", date(2025, 3, 1))):
        s.add(Interaction(person=p[name], kind="call", occurred_on=when, summary="hi"))
    s.flush()
    companies = {c.name: c.id for c in (stripe, acme)}
    return {k: v.id for k, v in p.items()}, companies


@pytest.fixture
def net(db: Database) -> Iterator[Net]:
    with db.write() as s:
        ids, companies = build(s)
    yield Net(db, ids, companies)
