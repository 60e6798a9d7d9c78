"""The generated network: deterministic for a seed, realistic proportions, usable at once."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.core.contacts.people import create_person, search_people
from crm.core.db import Database, open_database
from crm.core.models import Company, Connection, Interaction, Person, Position
from crm.core.network import who_at
from crm.core.samples.generate import generate_network

TODAY = date(2026, 11, 26)


def snapshot(db: Database) -> tuple[list, ...]:  # type: ignore[type-arg]
    with db.read() as s:
        return (
            list(s.execute(select(Person.display_name, Person.known_via_id, Person.search_text,
                                  Person.is_me).order_by(Person.id))),
            list(s.execute(select(Company.name).order_by(Company.id))),
            list(s.execute(select(Position.person_id, Position.company_id, Position.kind,
                                  Position.start, Position.end, Position.is_current)
                           .order_by(Position.id))),
            list(s.execute(select(Connection.person_id, Connection.other_id, Connection.kind,
                                  Connection.strength).order_by(Connection.id))),
            list(s.execute(select(Interaction.person_id, Interaction.occurred_on)
                           .order_by(Interaction.id))),
        )


def test_same_seed_same_network_other_seed_other_network(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        generate_network(s, 300, seed=7, today=TODAY)
    twins = []
    for name, seed in (("a", 7), ("b", 8)):
        other = open_database(str(tmp_path / f"{name}.sqlite3"))
        with other.write() as s:
            generate_network(s, 300, seed=seed, today=TODAY)
        twins.append(snapshot(other))
        other.dispose()
    assert snapshot(db) == twins[0]
    assert snapshot(db) != twins[1]


def test_proportions_at_small_n(db: Database) -> None:
    with db.write() as s:
        made = generate_network(s, 1200, seed=3, today=TODAY)
    with db.read() as s:
        people = s.scalar(select(func.count(Person.id)))
        me = list(s.scalars(select(Person.id).where(Person.is_me.is_(True))))
        links = s.scalar(select(func.count(Connection.id)))
        kinds = Counter(s.scalars(select(Position.kind)))
        sizes = sorted(s.scalars(select(func.count(Position.id)).group_by(Position.company_id)),
                       reverse=True)
        current = s.scalar(select(func.count(Position.id)).where(Position.is_current.is_(True)))
        via = s.scalar(select(func.count(Person.id)).where(Person.known_via_id.is_not(None)))
        empty_search = s.scalar(select(func.count(Person.id)).where(Person.search_text == ""))
    assert people == made.people == 1200 and me == [1]
    assert 2.5 <= links / people <= 3.5  # about 3 connections per person
    assert made.companies == 100
    assert 1.4 <= sum(kinds.values()) / people <= 2.6
    assert 0.10 <= kinds["intern"] / sum(kinds.values()) <= 0.35
    assert set(kinds) == {"intern", "full-time"}
    assert 0.4 <= current / people <= 0.95
    # A long tail: the biggest company is far bigger than the median one.
    assert sizes[0] >= 5 * sizes[len(sizes) // 2]
    assert via >= 0.8 * people and empty_search == 0
    assert made.interactions > 0


def test_the_generated_network_answers_queries_and_takes_new_people(db: Database) -> None:
    with db.write() as s:
        generate_network(s, 400, seed=5, today=TODAY)
    with db.read() as s:
        me = s.scalars(select(Person).where(Person.is_me.is_(True))).one()
        family = me.family_name or ""
        assert me.id in [p.id for p in search_people(s, family, limit=1000)]
        biggest = s.scalar(select(Position.company_id).group_by(Position.company_id)
                           .order_by(func.count().desc()).limit(1))
        company = s.get(Company, biggest)
        assert company is not None
        answer = who_at(s, company, today=TODAY)
        listed = [p.person.id for p in answer.current + answer.former]
        listed += [e.person.id for e in answer.second_degree]
        assert me.id not in listed and answer.current + answer.second_degree
    # Ids continue after the generated ones (PostgreSQL sequences were moved on).
    with db.write() as s:
        assert create_person(s, "New Person").id == 401


def _migration_0008() -> object:
    import importlib.util

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0008_scale.py"
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_writes_the_sort_keys_the_triggers_would(db: Database) -> None:
    from sqlalchemy import text

    with db.write() as s:
        generate_network(s, 400, seed=9, today=TODAY)

    def keys() -> list[tuple[object, ...]]:
        with db.read() as s:
            return [tuple(r) for r in s.execute(
                select(Person.id, Person.company_key, Person.last_contacted)
                .order_by(Person.id))]

    stored = keys()
    with db.write() as s:
        s.execute(text(_migration_0008().BACKFILL))  # type: ignore[attr-defined]
    assert keys() == stored
    assert sum(1 for _, key, _ in stored if key) >= 200
    assert sum(1 for _, _, when in stored if when) >= 5
    # The triggers are back once the bulk write is done: a new position moves the key.
    with db.write() as s:
        person = s.get(Person, 2)
        assert person is not None
        from crm.core.contacts.positions import add_position

        add_position(s, person, "Brand New Employer", start="2026-11")
    assert keys()[1][1] == "brand new employer"


def test_chunked_writing_makes_the_same_network(db: Database, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.core.samples import generate

    with db.write() as s:
        generate_network(s, 300, seed=7, today=TODAY)
    monkeypatch.setattr(generate, "CHUNK", 7)
    other = open_database(str(tmp_path / "chunked.sqlite3"))
    with other.write() as s:
        generate_network(s, 300, seed=7, today=TODAY)
    assert snapshot(other) == snapshot(db)
    other.dispose()
