"""References as core services: consent dates, listing, notification, candidate ranking."""

from __future__ import annotations

from datetime import date

import pytest

from crm.core.contacts.people import create_person
from crm.core.db import Database
from crm.core.errors import InvalidInput, NotFound
from crm.core.jobhunt.reference_list import record_uses
from crm.core.jobhunt.references import (
    list_references,
    mark_notified,
    reference_candidates,
    save_reference,
    set_reference,
)
from crm.core.models import Application, Company, Person, ReferenceUse
from tests.refs.conftest import NON_LATIN, TODAY, Network


def test_status_changes_record_their_dates(db: Database) -> None:
    with db.write() as s:
        ada = create_person(s, "Ada Lovelace")
        ref = set_reference(s, ada, relationship="Professor", today=date(2026, 1, 1))
        assert (ref.status, ref.asked_on, ref.agreed_on) == ("not-asked", None, None)
        set_reference(s, ada, status="asked", today=date(2026, 1, 5))
        set_reference(s, ada, status="agreed", speaks_to="Maths", today=date(2026, 1, 9))
        # Re-stating the same status keeps the original date.
        set_reference(s, ada, status="agreed", today=date(2026, 3, 1))
    with db.read() as s:
        [view] = list_references(s)
    assert (view.status, view.asked_on, view.agreed_on) == (
        "agreed", date(2026, 1, 5), date(2026, 1, 9))
    assert (view.relationship, view.speaks_to) == ("Professor", "Maths")
    with db.write() as s:
        ada = s.get(Person, view.person_id)
        assert ada is not None
        ref = set_reference(s, ada, status="declined", today=date(2026, 4, 1))
        assert (ref.declined_on, ref.agreed_on) == (date(2026, 4, 1), None)


def test_agreeing_without_asking_first_records_the_ask_too(db: Database) -> None:
    with db.write() as s:
        ref = set_reference(s, create_person(s, "Bo"), status="agreed", today=date(2026, 2, 2))
        assert ref.asked_on == ref.agreed_on == date(2026, 2, 2)


def test_the_reference_form_sets_clears_and_refuses_as_core_does(db: Database) -> None:
    """``save_reference`` (what the TUI's form saves): values as given, empty clears."""
    with db.write() as s:
        bo_id = create_person(s, "Bo Chen").id
        view = save_reference(s, bo_id, status="asked", relationship="Teammate at Initech",
                              speaks_to="SQL")
        assert (view.name, view.status, view.relationship, view.speaks_to) == (
            "Bo Chen", "asked", "Teammate at Initech", "SQL")
        save_reference(s, bo_id, status="agreed", relationship="", speaks_to="SQL, Go")
    with db.read() as s:
        [view] = list_references(s)
    assert (view.status, view.relationship, view.speaks_to) == ("agreed", None, "SQL, Go")
    with db.write() as s:
        with pytest.raises(NotFound, match="no person with id 999"):
            save_reference(s, 999, status="asked")
        with pytest.raises(InvalidInput, match="bad reference status 'maybe'"):
            save_reference(s, bo_id, status="maybe")


def test_bad_status_strength_and_self_are_refused(db: Database) -> None:
    with db.write() as s:
        bo = create_person(s, "Bo")
        me = create_person(s, "Me Myself", me=True)
        with pytest.raises(InvalidInput, match="bad reference status 'maybe'"):
            set_reference(s, bo, status="maybe")
        with pytest.raises(InvalidInput, match="bad strength 9"):
            set_reference(s, bo, strength=9)
        with pytest.raises(InvalidInput, match="your own reference"):
            set_reference(s, me)


def test_list_orders_by_consent_then_name(network: Network) -> None:
    with network.db.read() as s:
        views = list_references(s)
    assert [(v.name, v.status) for v in views] == [
        ("Marcus Webb", "agreed"), ("Priya Natarajan", "agreed"), (NON_LATIN, "agreed"),
        ("Zoë Müller", "asked"), ("Sam Okafor", "not-asked"), ("Olivia Park", "declined")]
    marcus = views[0]
    assert marcus.title == "Software Engineer" and marcus.company == "Stripe, Inc."
    assert marcus.to_json()["uses"] == []


def _ranking(network: Network, target: str = "app") -> list[tuple[str, int]]:
    with network.db.read() as s:
        t: Company | Application | None = (s.get(Application, network.app_id) if target == "app"
                                           else s.get(Company, network.stripe_id))
        assert t is not None
        return [(c.name, c.score) for c in reference_candidates(s, t, today=TODAY)]


def test_candidates_rank_agreed_first_then_strength_relevance_recency(network: Network) -> None:
    with network.db.read() as s:
        app = s.get(Application, network.app_id)
        assert app is not None
        cands = reference_candidates(s, app, today=TODAY)
    names = [c.name for c in cands]
    # Declined people are never suggested; agreed ones lead whatever their strength.
    assert names == ["Priya Natarajan", "Marcus Webb", NON_LATIN, "Zoë Müller", "Sam Okafor"]
    by = {c.name: c for c in cands}
    assert "your manager" in by["Priya Natarajan"].reasons
    assert "last contact 17 days ago" in by["Priya Natarajan"].reasons
    assert "works at Stripe, Inc. now" in by["Marcus Webb"].reasons
    assert "knows the industry (Payments)" in by[NON_LATIN].reasons
    assert "no contact recorded" in by[NON_LATIN].reasons
    assert by["Zoë Müller"].reasons[0] == "asked"
    assert by["Sam Okafor"].reasons[0] == "not asked yet"
    assert by["Priya Natarajan"].score > by["Marcus Webb"].score > by[NON_LATIN].score


def test_recent_uses_push_a_reference_down(network: Network) -> None:
    assert [n for n, _ in _ranking(network)][:2] == ["Priya Natarajan", "Marcus Webb"]
    with network.db.write() as s:
        from crm.core.jobhunt.reference_list import choose_references

        priya = [r for r in choose_references(s) if r.person_id == network.ids["priya"]]
        company = s.get(Company, network.stripe_id)
        assert company is not None
        record_uses(s, priya, company, today=date(2026, 3, 1))
        record_uses(s, priya, company, today=date(2026, 5, 1))
        # A use long ago does not count against her.
        record_uses(s, priya, company, today=date(2024, 1, 1))
    ranking = _ranking(network)
    assert [n for n, _ in ranking][:2] == ["Marcus Webb", "Priya Natarajan"]
    with network.db.read() as s:
        app = s.get(Application, network.app_id)
        assert app is not None
        priya_c = next(c for c in reference_candidates(s, app, today=TODAY)
                       if c.name == "Priya Natarajan")
    assert "used 2 times in the last 6 months" in priya_c.reasons
    assert priya_c.recent_uses == 2


def test_candidates_for_a_company_work_like_for_its_application(network: Network) -> None:
    assert _ranking(network, "company") == _ranking(network, "app")


def test_mark_notified_by_use_and_by_person(network: Network) -> None:
    with network.db.write() as s:
        from crm.core.jobhunt.reference_list import choose_references

        app = s.get(Application, network.app_id)
        assert app is not None
        items = record_uses(s, choose_references(s), app, today=TODAY)
    assert {i.name for i in items} == {"Priya Natarajan", "Marcus Webb", NON_LATIN}
    with network.db.write() as s:
        first = next(i.use_id for i in items if i.name == "Priya Natarajan")
        changed = mark_notified(s, first, today=date(2026, 6, 2))
        assert [u.id for u in changed] == [first]
        assert mark_notified(s, first) == []  # already marked: nothing changes
        marcus = s.get(Person, network.ids["marcus"])
        app = s.get(Application, network.app_id)
        assert marcus is not None and app is not None
        changed = mark_notified(s, marcus, app, today=date(2026, 6, 3))
        assert [u.application for u in changed] == ["Software Engineer II"]
        with pytest.raises(NotFound, match="no reference use with id 9999"):
            mark_notified(s, 9999)
        zoe = s.get(Person, network.ids["zoe"])
        assert zoe is not None
        with pytest.raises(NotFound, match="never given as a reference"):
            mark_notified(s, zoe)
    with network.db.read() as s:
        uses = {u.id: u for u in s.query(ReferenceUse)}
    assert uses[first].notified and uses[first].notified_on == date(2026, 6, 2)
    assert sum(u.notified for u in uses.values()) == 2


def test_overlapping_positions_count_as_having_worked_together(network: Network) -> None:
    from crm.core.contacts.positions import add_position

    with network.db.write() as s:
        me, zoe = s.get(Person, network.me_id), s.get(Person, network.ids["zoe"])
        assert me is not None and zoe is not None
        add_position(s, me, "Hooli", title="Intern", kind="intern", start="2025-06",
                     end="2025-08")
        add_position(s, zoe, "Hooli", title="Intern", kind="intern", start="2025-07",
                     end="2025-09")
    with network.db.read() as s:
        stripe = s.get(Company, network.stripe_id)
        assert stripe is not None
        zoe_c = next(c for c in reference_candidates(s, stripe, today=TODAY)
                     if c.name == "Zoë Müller")
    assert "worked with you (fellow-intern at Hooli)" in zoe_c.reasons
    assert zoe_c.score == 50 + 12
