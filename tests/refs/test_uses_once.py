"""A reference use is once per reference per application, however often the list is exported;
candidates also name people worth asking who are not references yet ("ask first")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.jobhunt.applications import application_detail
from crm.core.jobhunt.references import list_references, reference_candidates
from crm.core.models import Application, Company, Person, ReferenceUse
from crm.core.network import link
from crm.export.service import export_references
from tests.refs.conftest import TODAY, Network


def _export(network: Network, path: Path, app_id: int, today: date = TODAY) -> object:
    with network.db.write() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return export_references(s, app, "txt", path, today=today)


def _second_app(network: Network) -> int:
    with network.db.write() as s:
        stripe = s.get(Company, network.stripe_id)
        other = Application(company=stripe, role="Data Engineer", stage="applied")
        s.add(other)
        s.flush()
        return other.id


def test_exporting_twice_for_one_application_records_each_reference_once(
        network: Network, tmp_path: Path) -> None:
    _export(network, tmp_path / "a.txt", network.app_id)
    again = _export(network, tmp_path / "b.txt", network.app_id, date(2026, 6, 3))
    with network.db.read() as s:
        assert s.scalar(select(func.count(ReferenceUse.id))) == 3
        views = {v.name: v for v in list_references(s)}
        app = s.get(Application, network.app_id)
        assert app is not None
        detail = application_detail(s, app)
    assert len(views["Priya Natarajan"].uses) == 1
    assert views["Priya Natarajan"].uses[0].used_on == TODAY  # the first time it was given
    # The application lists each reference once.
    assert sorted(r.name for r in detail.references) == sorted(
        {r.name for r in detail.references})
    assert len(detail.references) == 3
    # The checklist of the second export is the same uses, not new ones.
    first_ids = {u.id for v in views.values() for u in v.uses}
    assert {n.use_id for n in again.notify} == first_ids  # type: ignore[attr-defined]


def test_a_told_reference_shows_as_told_when_the_list_is_exported_again(
        network: Network, tmp_path: Path) -> None:
    from crm.core.jobhunt.references import mark_notified

    first = _export(network, tmp_path / "a.txt", network.app_id)
    priya_use = next(n.use_id for n in first.notify  # type: ignore[attr-defined]
                     if n.name == "Priya Natarajan")
    with network.db.write() as s:
        mark_notified(s, priya_use)
    again = _export(network, tmp_path / "b.txt", network.app_id)
    told = {n.name: n.notified for n in again.notify}  # type: ignore[attr-defined]
    assert told["Priya Natarajan"] is True and told["Marcus Webb"] is False


def test_re_exports_do_not_push_a_reference_down_the_ranking(network: Network,
                                                              tmp_path: Path) -> None:
    for day in (1, 2, 3):
        _export(network, tmp_path / f"{day}.txt", network.app_id, date(2026, 6, day))
    other = _second_app(network)
    with network.db.read() as s:
        app = s.get(Application, other)
        same = s.get(Application, network.app_id)
        assert app is not None and same is not None
        for_other = {c.name: c for c in reference_candidates(s, app, today=TODAY)}
        for_same = {c.name: c for c in reference_candidates(s, same, today=TODAY)}
    priya = for_other["Priya Natarajan"]
    # One job, one use: -8 once, not three times.
    assert priya.recent_uses == 1
    assert "used for 1 other job in the last 6 months" in priya.reasons
    # For the application they were given for, that use is no penalty at all.
    assert for_same["Priya Natarajan"].recent_uses == 0
    assert for_same["Priya Natarajan"].score == priya.score + 8
    assert "already given for this application" in for_same["Priya Natarajan"].reasons


def test_candidates_suggest_people_to_ask_who_are_not_references(network: Network) -> None:
    with network.db.write() as s:
        me = s.get(Person, network.me_id)
        stripe = s.get(Company, network.stripe_id)
        assert me is not None and stripe is not None
        boss = create_person(s, "Ana Boss")
        link(s, me, boss, "manager", strength=4)
        insider = create_person(s, "Ian Insider")
        add_position(s, insider, stripe, title="Staff Engineer", start="2020")
        friend = create_person(s, "Fred Friend")
        link(s, me, friend, "friend", strength=5)
        stranger = create_person(s, "Stan Via", via=friend)
        add_position(s, stranger, stripe, title="Recruiter", start="2021")
        ids = {"boss": boss.id, "insider": insider.id}
    with network.db.read() as s:
        app = s.get(Application, network.app_id)
        assert app is not None
        cands = reference_candidates(s, app, today=TODAY)
    asks = [c for c in cands if c.status == "ask-first"]
    # After every reference, never before; only people who worked with me or are at the
    # company and whom I know myself (not a friend, not someone known only through another).
    assert cands[-len(asks):] == asks
    assert {c.person_id for c in asks} == set(ids.values())
    boss_c = next(c for c in asks if c.person_id == ids["boss"])
    assert boss_c.reasons[0] == "ask first: not a reference yet"
    assert "your manager" in boss_c.reasons
    assert "works at Stripe, Inc. now" in next(
        c for c in asks if c.person_id == ids["insider"]).reasons


def test_refs_list_for_marks_ask_first(crm: object, network: Network) -> None:
    with network.db.write() as s:
        me = s.get(Person, network.me_id)
        assert me is not None
        link(s, me, create_person(s, "Ana Boss"), "manager", strength=4)
    r = crm("refs", "list", "--for", f"#{network.app_id}")  # type: ignore[operator]
    assert r.exit_code == 0
    assert "Ana Boss  (ask first)" in r.stdout
    data = crm("refs", "list", "--for", f"#{network.app_id}", "--json").json()  # type: ignore[operator]
    assert [c["status"] for c in data][-1] == "ask-first"
