"""Company resolution shared by every command: exact, alias, domain, prefix, words, fuzzy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.core.contacts.companies import (
    add_alias,
    add_domain,
    company_for_record,
    get_or_create_company,
    match_company,
    remove_alias,
    remove_domain,
)
from crm.core.contacts.people import create_person, search_ids
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.errors import Ambiguous, InvalidInput, NotFound, NotSureWhichCompany
from crm.core.models import Company


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


@pytest.mark.parametrize(("typed", "close"), [
    ("Strpe", ["Stripe, Inc."]),
    ("Initeck", ["Initech"]),
    ("acme", ["Acme Foods", "Acme Robotics, Inc."]),
    ("pied", ["Pied Piper"]),
    ("Gogle", ["Google LLC"]),
])
def test_a_new_record_at_a_close_name_is_refused_with_the_close_ones(
        companies: Database, typed: str, close: list[str]) -> None:
    with companies.write() as s:
        before = s.scalar(select(func.count(Company.id)))
        with pytest.raises(NotSureWhichCompany) as err:
            company_for_record(s, typed)
        assert sorted(name for _, name in err.value.companies) == close
        assert str(err.value).startswith(f"no company named {typed!r}; did you mean ")
        assert s.scalar(select(func.count(Company.id))) == before
        made = company_for_record(s, typed, new_company=True)
        assert (made.company.name, made.created) == (typed, True)


@pytest.mark.parametrize(("typed", "name"), [
    ("stripe", "Stripe, Inc."), ("stripe.com", "Stripe, Inc."), ("Alphabet", "Google LLC"),
    ("#5", "Initech"), ("acme foods", "Acme Foods"),
])
def test_a_new_record_at_a_known_name_uses_it_even_with_new_company(
        companies: Database, typed: str, name: str) -> None:
    with companies.write() as s:
        for flag in (False, True):
            found = company_for_record(s, typed, new_company=flag)
            assert (found.company.name, found.created) == (name, False)


def test_a_new_record_at_an_unknown_name_creates_it(companies: Database) -> None:
    with companies.write() as s:
        made = company_for_record(s, "  Umbrella Corporation ")
        assert (made.company.name, made.created, made.how) == (
            "Umbrella Corporation", True, "new company")
        assert company_for_record(s, "umbrella corp.").company.id == made.company.id


def test_aliases_and_domains_can_be_removed_but_not_the_name(companies: Database) -> None:
    with companies.write() as s:
        google = match_company(s, "google").company
        assert remove_alias(s, google, "  alphabet ") == "Alphabet"
        assert remove_domain(s, google, "GOOGLE.COM") == "google.com"
        with pytest.raises(InvalidInput, match="'Google LLC' is the company's own name, not "
                                               "an alias; rename the company instead"):
            remove_alias(s, google, "Google LLC")
        with pytest.raises(NotFound, match="Google LLC has no alias 'Alphabet'"):
            remove_alias(s, google, "Alphabet")
        with pytest.raises(NotFound, match=r"Google LLC has no email domain 'google\.com'"):
            remove_domain(s, google, "google.com")
    with companies.read() as s:
        with pytest.raises(NotFound):
            match_company(s, "alphabet")
        with pytest.raises(NotFound):
            match_company(s, "jo@google.com")
        assert match_company(s, "Google LLC").company.aliases == []


def test_people_are_no_longer_found_by_a_removed_alias(companies: Database) -> None:
    with companies.write() as s:
        ada = create_person(s, "Ada Quill")
        add_position(s, ada, "Google LLC", title="Engineer")
    with companies.read() as s:
        assert search_ids(s, "alphabet") != []
    with companies.write() as s:
        remove_alias(s, match_company(s, "google").company, "Alphabet")
    with companies.read() as s:
        assert search_ids(s, "alphabet") == []
        assert search_ids(s, "google") != []


def test_positions_and_applications_at_typed_companies_are_found_the_same_way(
        companies: Database) -> None:
    """add_position_at and add_application_at (what both faces call) refuse a close name,
    use a known one and create a new one, saying which."""
    from crm.core.contacts.positions import add_position_at
    from crm.core.jobhunt.applications import add_application_at

    with companies.write() as s:
        who = create_person(s, "Ada Lovelace")
        with pytest.raises(NotSureWhichCompany):
            add_position_at(s, who, "Gogle", title="Engineer")
        with pytest.raises(NotSureWhichCompany):
            add_application_at(s, "Gogle", "Engineer")
        known = add_position_at(s, who, "stripe.com", title="Engineer", start="2024")
        assert (known.position.company.name, known.company_created) == ("Stripe, Inc.", False)
        assert (known.position.title, known.position.start) == ("Engineer", "2024")
        made = add_position_at(s, who, "Gogle", new_company=True)
        assert (made.position.company.name, made.company_created) == ("Gogle", True)
        app = add_application_at(s, "Umbrella Corporation", "Engineer", stage="planned")
        assert (app.application.company.name, app.application.stage,
                app.company_created) == ("Umbrella Corporation", "planned", True)
