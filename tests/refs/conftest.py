"""A small, known network for the reference tests (built through the core services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from crm.core.contacts.companies import get_or_create_company
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.jobhunt.references import set_reference
from crm.core.models import Application, Interaction
from crm.core.network import link

TODAY = date(2026, 6, 1)
NON_LATIN = "Дмитрий Ψυχής"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


@dataclass
class Network:
    db: Database
    stripe_id: int
    app_id: int  # "Software Engineer II" at Stripe
    me_id: int
    ids: dict[str, int]


def build_network(db: Database, *, with_me: bool = True) -> Network:
    """Me, six references in every state, two companies in one industry, one application."""
    ids: dict[str, int] = {}
    with db.write() as s:
        stripe = get_or_create_company(s, "Stripe, Inc.")
        stripe.industry = "Payments"
        globex = get_or_create_company(s, "Globex Corporation")
        globex.industry = "payments"
        initech = get_or_create_company(s, "Initech")
        me = create_person(s, "Jordan Lee", emails=["jordan@example.com"],
                           phones=["+1 415 555 0100"], me=with_me)
        priya = create_person(s, "Priya Natarajan", emails=["priya@northwind.io"],
                              phones=["+1 415 555 0111"])
        add_position(s, priya, initech, title="Data Science Manager", start="2019")
        link(s, me, priya, "manager", strength=5)
        s.add(Interaction(person=priya, kind="coffee", occurred_on=date(2026, 5, 15),
                          summary="catch-up"))
        marcus = create_person(s, "Marcus Webb", emails=["marcus@stripe.com"])
        add_position(s, marcus, stripe, title="Software Engineer", start="2024-06")
        s.add(Interaction(person=marcus, kind="call", occurred_on=date(2025, 4, 1),
                          summary="old call"))
        dmitri = create_person(s, NON_LATIN, emails=["dmitri@example.ru"],
                               phones=["+7 495 555 0101"])
        add_position(s, dmitri, globex, title="Руководитель", start="2020")
        zoe = create_person(s, "Zoë Müller", emails=["zoe@example.de"])
        olivia = create_person(s, "Olivia Park", emails=["olivia@example.org"])
        sam = create_person(s, "Sam Okafor", emails=["sam@globex.com"])
        app = Application(company=stripe, role="Software Engineer II", stage="interviewing")
        s.add(app)
        s.flush()
        set_reference(s, priya, status="agreed", relationship="My manager at Initech",
                      speaks_to="SQL, ownership", since="2025-01", strength=4, today=TODAY)
        set_reference(s, marcus, status="agreed", relationship="Fellow intern",
                      speaks_to="Python", strength=4, today=TODAY)
        set_reference(s, dmitri, status="agreed", relationship="<b>Boss</b> & mentor",
                      speaks_to=FORMULA, strength=3, today=TODAY)
        set_reference(s, zoe, status="asked", strength=5, today=TODAY)
        set_reference(s, olivia, status="declined", strength=5, today=TODAY)
        set_reference(s, sam, strength=2, today=TODAY)
        for name, p in (("me", me), ("priya", priya), ("marcus", marcus), ("dmitri", dmitri),
                        ("zoe", zoe), ("olivia", olivia), ("sam", sam)):
            ids[name] = p.id
        return Network(db=db, stripe_id=stripe.id, app_id=app.id, me_id=me.id, ids=ids)


@pytest.fixture
def network(db: Database) -> Network:
    return build_network(db)
