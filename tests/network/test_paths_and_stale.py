"""Intro paths (shortest, then strongest) and losing touch (best connections first)."""

from __future__ import annotations

import pytest

from crm.core.errors import InvalidInput
from crm.core.network import intro_paths, losing_touch
from tests.network.conftest import TODAY, Net


def chains(paths: list) -> list[tuple[list[str], int]]:  # type: ignore[type-arg]
    return [([s.name for s in p.steps], p.strength) for p in paths]


def test_paths_to_a_person_shortest_then_strongest(net: Net) -> None:
    with net.db.read() as s:
        paths = intro_paths(s, net.person(s, "Dan"), today=TODAY)
    assert chains(paths) == [(["Alice Archer", "Dan Dorsey"], 4),
                             (["Bob Baker", "Dan Dorsey"], 2)]
    assert [(st.tie.kind, st.tie.strength) for st in paths[0].steps] == [
        ("friend", 5), ("co-worker", 4)]


def test_paths_to_a_company_end_at_the_first_person_there(net: Net) -> None:
    with net.db.read() as s:
        paths = intro_paths(s, net.company(s, "Stripe, Inc."), today=TODAY)
    assert chains(paths) == [
        (["Alice Archer"], 5), (["Carol Cruz"], 2), (["Gina Gold"], 1),
        (["Bob Baker", "Dan Dorsey"], 2), (["Bob Baker", "Eve Evans"], 2)]
    assert paths[1].steps[0].tie.derived is True


def test_three_hops_and_the_hop_limit(net: Net) -> None:
    from crm.core.contacts.people import create_person

    with net.db.write() as s:
        net.ids["Zed"] = create_person(s, "Zed Zane", via=net.person(s, "Frank")).id
    with net.db.read() as s:
        frank = intro_paths(s, net.person(s, "Frank"), today=TODAY)
        zed = intro_paths(s, net.person(s, "Zed"), today=TODAY)
        zed_two = intro_paths(s, net.person(s, "Zed"), max_hops=2, today=TODAY)
        one_hop = intro_paths(s, net.person(s, "Dan"), max_hops=1, today=TODAY)
        eve = intro_paths(s, net.person(s, "Eve"), today=TODAY)
    assert chains(frank) == [(["Alice Archer", "Frank Fox"], 3)]
    assert chains(zed) == [(["Alice Archer", "Frank Fox", "Zed Zane"], 3)]
    assert zed_two == [] and one_hop == []
    # me -> Alice -> Dan -> Bob -> Eve would be 4 hops: not listed.
    assert chains(eve) == [(["Bob Baker", "Eve Evans"], 2), (["Carol Cruz", "Eve Evans"], 2)]


def test_paths_need_a_me(db) -> None:  # type: ignore[no-untyped-def]
    from crm.core.contacts.people import create_person

    with db.write() as s:
        p = create_person(s, "Someone")
        with pytest.raises(InvalidInput, match="nobody is marked as you") as refused:
            intro_paths(s, p)
    # Core says what is wrong; the CLI adds the command that fixes it.
    from crm.cli.wording import say

    assert "--me" in say(refused.value) and "--me" not in str(refused.value)


def test_losing_touch_orders_by_strength_then_longest_silence(net: Net) -> None:
    with net.db.read() as s:
        stale = losing_touch(s, days=90, today=TODAY)
    # Alice (talked 25 days ago) is fine; Carol is only a derived co-worker.
    assert [(x.person.name, x.tie.strength, x.days_since) for x in stale] == [
        ("Ivy Irving", 2, None),  # never, per the log
        ("Bob Baker", 2, 320),  # last on 2026-01-10
        ("Gina Gold", 1, 570),
        ("Dan Dorsey", 1, 178),
    ]
    with net.db.read() as s:
        assert [x.person.name for x in losing_touch(s, days=10, today=TODAY)][:2] == [
            "Alice Archer", "Ivy Irving"]
        assert [x.person.name for x in losing_touch(s, days=400, today=TODAY)] == [
            "Ivy Irving", "Gina Gold"]


def test_meet_in_the_middle_agrees_with_the_breadth_first_search(net: Net) -> None:
    # Up to 3 hops a person target is searched from both ends; max_hops=4 walks from me.
    with net.db.read() as s:
        for name in ("Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Gina", "Hank", "Ivy"):
            target = net.person(s, name)
            middle = intro_paths(s, target, today=TODAY, limit=100)
            walked = [p for p in intro_paths(s, target, max_hops=4, today=TODAY, limit=100)
                      if p.hops <= 3]
            assert [p.to_json() for p in middle] == [p.to_json() for p in walked], name
            assert middle, name
