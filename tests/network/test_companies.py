"""Company resolution shared by every command: exact, alias, domain, prefix, words, fuzzy."""

from __future__ import annotations

import pytest

from crm.core.companies import add_alias, add_domain, get_or_create_company, match_company
from crm.core.db import Database
from crm.core.errors import Ambiguous, NotFound


@pytest.fixture
def companies(db: Database) -> Database:
    with db.write() as s:
        stripe = get_or_create_company(s, "Stripe, Inc.")
        add_domain(s, stripe, "stripe.com")
        google = get_or_create_company(s, "Google LLC")
        add_alias(s, google, "Alphabet")
        add_domain(s, google, "google.com")
        get_or_create_company(s, "Acme Robotics, Inc.")
        get_or_create_company(s, "Acme Foods")
        get_or_create_company(s, "Initech")
        get_or_create_company(s, "Pied Piper")
    return db


@pytest.mark.parametrize(("text", "name", "how"), [
    ("Stripe, Inc.", "Stripe, Inc.", "name"),
    ("STRIPE", "Stripe, Inc.", "name"),
    ("stripe", "Stripe, Inc.", "name"),
    ("stripe inc", "Stripe, Inc.", "name"),
    ("stripe.com", "Stripe, Inc.", "domain stripe.com"),
    ("https://www.stripe.com/jobs", "Stripe, Inc.", "domain stripe.com"),
    ("jo@eng.stripe.com", "Stripe, Inc.", "domain stripe.com"),
    ("alphabet", "Google LLC", "alias 'Alphabet'"),
    ("google", "Google LLC", "name"),
    ("acme robotics", "Acme Robotics, Inc.", "name"),
    ("acme-robotics", "Acme Robotics, Inc.", "name"),
    ("acme rob", "Acme Robotics, Inc.", "prefix"),
    ("piper", "Pied Piper", "words"),
    ("Initeck", "Initech", "close match"),
    ("pied pipr", "Pied Piper", "close match"),
    ("#1", "Stripe, Inc.", "id"),
])
def test_resolves_and_says_how(companies: Database, text: str, name: str, how: str) -> None:
    with companies.read() as s:
        match = match_company(s, text)
    assert (match.company.name, match.how) == (name, how)
    assert match.describe().startswith(f"{name} (#")


def test_ambiguous_lists_the_candidates(companies: Database) -> None:
    with companies.read() as s, pytest.raises(Ambiguous) as err:
        match_company(s, "acme")
    assert str(err.value) == ("company 'acme' is ambiguous: Acme Foods (#4), "
                              "Acme Robotics, Inc. (#3)")


def test_unknown_fails_with_a_suggestion_when_near(companies: Database) -> None:
    with companies.read() as s:
        with pytest.raises(NotFound, match=r"no company matches 'Stirpe'; did you "
                                           r"mean 'Stripe, Inc\.'\?"):
            match_company(s, "Stirpe")
        with pytest.raises(NotFound) as err:
            match_company(s, "Umbrella Corporation")
        assert str(err.value) == "no company matches 'Umbrella Corporation'"
