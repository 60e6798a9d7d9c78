"""A company typed when adding a position or application: a typo never makes a new company."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.contacts.companies import add_domain, resolve_company
from crm.core.db import Database


def companies(crm: Any) -> list[str]:
    r = crm("companies", "--json")
    assert r.exit_code == 0, r.stderr
    return sorted(c["name"] for c in r.json())


@pytest.fixture
def known(crm: Any) -> Any:
    for args in (
        ("add", "person", "Jo Park"),
        ("add", "position", "Jo", "Stripe, Inc.", "--title", "Engineer", "--start", "2022"),
        ("add", "position", "Jo", "Acme Robotics", "--start", "2015", "--end", "2016"),
    ):
        r = crm(*args)
        assert r.exit_code == 0, (args, r.stderr)
    return crm


@pytest.mark.parametrize("typed", ["Strpe", "stirpe", "Acme Robotcs", "Acme Robot"])
def test_a_name_close_to_a_known_company_is_refused_naming_it(known: Any, typed: str) -> None:
    crm = known
    before = companies(crm)
    r = crm("add", "position", "Jo", typed, "--title", "Typo")
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    meant = "Stripe, Inc. (#1)" if typed.lower().startswith("st") else "Acme Robotics (#2)"
    assert lines[0] == (f"crm: no company named {typed!r}; did you mean {meant}? "
                        f"(use --new-company to create {typed!r})")
    assert companies(crm) == before
    shown = crm("show", "Jo", "--json").json()
    assert "Typo" not in [p["title"] for p in shown["positions"]]


def test_new_company_creates_the_close_name_when_asked(known: Any) -> None:
    crm = known
    r = crm("add", "position", "Jo", "Strpe", "--title", "Founder", "--new-company", "--json")
    assert r.exit_code == 0, r.stderr
    assert (r.json()["company"], r.json()["company_created"]) == ("Strpe", True)
    assert companies(crm) == ["Acme Robotics", "Stripe, Inc.", "Strpe"]
    # Now that it exists, the name finds it, with or without the flag.
    again = crm("add", "position", "Jo", "strpe", "--title", "Advisor", "--json")
    assert again.exit_code == 0 and again.json()["company_created"] is False
    assert again.json()["company"] == "Strpe"


@pytest.mark.parametrize("typed", ["stripe", "STRIPE INC", "stripe.com", "jo@eng.stripe.com",
                                   "#1"])
def test_a_known_name_domain_or_id_is_that_company(known: Any, db: Database,
                                                    typed: str) -> None:
    crm = known
    with db.write() as s:
        add_domain(s, resolve_company(s, "Stripe"), "stripe.com")
    crm("add", "person", "Ann Lee")
    r = crm("add", "position", "Ann", typed, "--title", "PM")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == "crm: Ann Lee - PM at Stripe, Inc."
    assert companies(crm) == ["Acme Robotics", "Stripe, Inc."]


def test_a_name_like_no_company_is_created_and_said_to_be_new(known: Any) -> None:
    r = known("add", "position", "Jo", "Umbrella Corp", "--title", "Chemist")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == "crm: Jo Park - Chemist at Umbrella Corp (new company)"
    assert companies(known) == ["Acme Robotics", "Stripe, Inc.", "Umbrella Corp"]


def test_apps_add_refuses_a_typo_too(known: Any) -> None:
    crm = known
    r = crm("apps", "add", "Strpe", "Data Engineer")
    assert r.exit_code == 2
    assert r.stderr.strip() == ("crm: no company named 'Strpe'; did you mean Stripe, Inc. (#1)? "
                                "(use --new-company to create 'Strpe')")
    assert crm("apps", "list", "--json").json() == []
    ok = crm("apps", "add", "Stripe", "Data Engineer", "--json")
    assert ok.exit_code == 0 and ok.json()["company"] == "Stripe, Inc."
    new = crm("apps", "add", "Strpe", "Founder", "--new-company", "--json")
    assert new.exit_code == 0 and new.json()["company"] == "Strpe"
    assert companies(crm) == ["Acme Robotics", "Stripe, Inc.", "Strpe"]


def test_apps_add_says_when_it_made_a_new_company(known: Any) -> None:
    r = known("apps", "add", "Wayne Enterprises", "Analyst")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == ("crm: application #1: Analyst at Wayne Enterprises "
                                "(new company) (applied)")
    again = known("apps", "add", "wayne enterprises", "Quant")
    assert again.stderr.strip() == "crm: application #2: Quant at Wayne Enterprises (applied)"
