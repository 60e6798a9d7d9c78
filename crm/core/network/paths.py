"""Intro paths: ways to reach a person, or anyone now at a company, through people I know."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from crm.core.errors import NoMe
from crm.core.models import Company, Person, Position
from crm.core.network.ties import (
    VIA_STRENGTH,
    Tie,
    better,
    explicit_ties,
    id_chunks,
    me_id,
    my_circle,
)


@dataclass(frozen=True)
class PathStep:
    person_id: int
    name: str
    tie: Tie  # what this person is to the previous one on the path

    def to_json(self) -> dict[str, object]:
        return {"id": self.person_id, "name": self.name, **self.tie.to_json()}


@dataclass(frozen=True)
class IntroPath:
    """Me -> ... -> someone who is (or works at) the target; ``steps`` excludes me."""

    steps: list[PathStep]

    @property
    def hops(self) -> int:
        return len(self.steps)

    @property
    def strength(self) -> int:
        return min(s.tie.strength for s in self.steps)

    def rank(self) -> tuple[Any, ...]:
        return (self.hops, -self.strength, sum(s.tie.derived for s in self.steps),
                -sum(s.tie.strength for s in self.steps), [s.name for s in self.steps])

    def to_json(self) -> dict[str, object]:
        return {"hops": self.hops, "strength": self.strength,
                "people": [s.to_json() for s in self.steps]}


def _edge_ties(session: Session, ids: Iterable[int]) -> dict[tuple[int, int], Tie]:
    """Recorded edges touching ``ids`` (explicit and ``--via``), both ways: (a, b) -> b to a."""
    wanted = set(ids)
    ties = explicit_ties(session, wanted)
    via_tie = Tie("known-via", VIA_STRENGTH, source="known-via")
    for chunk in id_chunks(wanted):
        rows = session.connection().execute(
            select(Person.id, Person.known_via_id).where(
                or_(Person.known_via_id.in_(chunk), Person.id.in_(chunk)),
                Person.known_via_id.is_not(None))
        ).all()
        for pid, via_id in rows:
            if via_id is not None:
                for a, b in ((via_id, pid), (pid, via_id)):
                    ties[(a, b)] = better(ties.get((a, b)), via_tie)
    return ties


def _neighbours(session: Session, ids: Iterable[int]) -> dict[int, dict[int, Tie]]:
    """Recorded edges of ``ids``: a -> {b: what b is to a}."""
    wanted = set(ids)
    out: dict[int, dict[int, Tie]] = {}
    for (a, b), tie in _edge_ties(session, wanted).items():
        if a in wanted:
            out.setdefault(a, {})[b] = tie
    return out


def _paths_to_person(session: Session, me: int, first: dict[int, Tie], target: int,
                     max_hops: int) -> list[list[tuple[int, Tie]]]:
    """Up to three hops, met in the middle: only the target's neighbourhood is read."""
    paths: list[list[tuple[int, Tie]]] = []
    if target in first:
        paths.append([(target, first[target])])
    if max_hops < 2:
        return paths
    edges = _edge_ties(session, [target])
    near = {b for (a, b) in edges if a == target and b != me}
    if max_hops >= 3 and near:
        for key, tie in _edge_ties(session, near).items():
            edges[key] = better(edges.get(key), tie)
    around: dict[int, list[int]] = {}
    for a, b in edges:
        if b in near:
            around.setdefault(b, []).append(a)
    for b in near:
        if b in first:
            paths.append([(b, first[b]), (target, edges[(b, target)])])
        if max_hops < 3:
            continue
        for a in around.get(b, []):
            if a in first and a not in (me, target, b):
                paths.append([(a, first[a]), (b, edges[(a, b)]), (target, edges[(b, target)])])
    return paths


def intro_paths(session: Session, target: Person | Company, max_hops: int = 3, *,
                limit: int = 20, today: date | None = None) -> list[IntroPath]:
    """Ways to reach a person (or anyone now at a company) through people I know.

    Shortest first, then the strongest weakest link, then fewer derived links. The first hop
    may be any tie of mine (explicit, derived or simply in my contacts); later hops follow
    recorded connections and ``--via``. A path to a company ends at the first person on it
    who works there now.
    """
    me = me_id(session)
    if me is None:
        raise NoMe("paths")
    if isinstance(target, Person):
        if target.id == me:
            return []
        goals = {target.id}
    else:
        goals = set(session.scalars(
            select(Position.person_id).where(Position.company_id == target.id,
                                             Position.is_current == true())))
        goals.discard(me)
    if not goals:
        return []
    first = my_circle(session, me, today)
    paths: list[list[tuple[int, Tie]]] = []
    frontier: list[list[tuple[int, Tie]]] = []
    if isinstance(target, Person) and max_hops <= 3:
        paths = _paths_to_person(session, me, first, target.id, max_hops)
    else:
        for pid, tie in first.items():
            (paths if pid in goals else frontier).append([(pid, tie)])
    for _hop in range(2, max_hops + 1):
        if not frontier or len(paths) >= limit:
            break  # longer paths can no longer make the list
        edges = _neighbours(session, {p[-1][0] for p in frontier})
        grown: list[list[tuple[int, Tie]]] = []
        for path in frontier:
            seen = {me, *(pid for pid, _ in path)}
            for nxt, tie in edges.get(path[-1][0], {}).items():
                if nxt in seen:
                    continue
                (paths if nxt in goals else grown).append([*path, (nxt, tie)])
        # Keep the search bounded on dense networks: only the strongest partial paths grow.
        grown.sort(key=lambda p: (-min(t.strength for _, t in p), -sum(t.strength for _, t in p)))
        frontier = grown[:2000]
    names = dict(session.connection().execute(
        select(Person.id, Person.display_name)
        .where(Person.id.in_({pid for p in paths for pid, _ in p}))).all()) if paths else {}
    result = [IntroPath([PathStep(pid, names[pid], tie) for pid, tie in p]) for p in paths]
    result.sort(key=IntroPath.rank)
    return result[:limit]
