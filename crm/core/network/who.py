"""Who do I know at company X: current and former staff I know, and whom I could reach
there through them (second degree), best first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from crm.core.contacts.people import PersonSummary, summaries_by_id
from crm.core.models import Company, Position
from crm.core.network.ties import (
    VIA_STRENGTH,
    Tie,
    better,
    id_chunks,
    inverse,
    iso,
    last_contacted,
    me_id,
    my_circle,
)
from crm.core.normalize import span_text

# The positions of the people asked about at the company, built once.
_POSITIONS_AT = select(Position.person_id, Position.title, Position.kind, Position.start,
                       Position.end, Position.is_current).where(
    Position.company_id == bindparam("company"),
    Position.person_id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class PositionAt:
    """A position at the company asked about: when and as what."""

    title: str | None
    kind: str | None
    start: str | None
    end: str | None
    current: bool

    def span(self, to: str = " - ") -> str:
        return span_text(self.start, self.end, self.current, to=to)

    def to_json(self) -> dict[str, object]:
        return {"title": self.title, "kind": self.kind, "start": self.start, "end": self.end,
                "current": self.current}


@dataclass(frozen=True)
class Staff:
    """Someone I know who is or was at the company."""

    person: PersonSummary
    positions: list[PositionAt]
    tie: Tie
    last_contacted: date | None

    def to_json(self) -> dict[str, Any]:
        data = self.person.to_json()
        data.update({"positions_here": [p.to_json() for p in self.positions],
                     "connection": self.tie.to_json(), "strength": self.tie.strength,
                     "last_contacted": iso(self.last_contacted)})
        return data


@dataclass(frozen=True)
class Via:
    """A contact of mine through whom I could reach a second-degree person."""

    person: PersonSummary
    my_tie: Tie  # what they are to me
    their_tie: Tie  # what the target is to them
    last_contacted: date | None

    @property
    def strength(self) -> int:
        return min(self.my_tie.strength, self.their_tie.strength)

    def rank(self) -> tuple[Any, ...]:
        # Strongest weakest link, then explicit before derived, then the stronger sum, then
        # whom I talked to most recently.
        recent = -(self.last_contacted.toordinal()) if self.last_contacted else 0
        return (-self.strength, self.my_tie.derived,
                -(self.my_tie.strength + self.their_tie.strength), recent,
                self.person.name, self.person.id)

    def to_json(self) -> dict[str, Any]:
        data = self.person.to_json()
        data.update({"strength": self.strength, "my_connection": self.my_tie.to_json(),
                     "their_connection": self.their_tie.to_json(),
                     "last_contacted": iso(self.last_contacted)})
        return data


@dataclass(frozen=True)
class SecondDegree:
    person: PersonSummary
    positions: list[PositionAt]
    via: list[Via]  # best path first

    @property
    def strength(self) -> int:
        return self.via[0].strength

    def to_json(self) -> dict[str, Any]:
        person = self.person.to_json()
        person["positions_here"] = [p.to_json() for p in self.positions]
        return {"person": person, "via": [v.to_json() for v in self.via],
                "strength": self.strength}


@dataclass(frozen=True)
class WhoAt:
    """The answer to "who do I know at company X?"."""

    company_id: int
    company: str
    current: list[Staff]
    former: list[Staff]
    second_degree: list[SecondDegree]

    def to_json(self) -> dict[str, Any]:
        return {"company": self.company, "company_id": self.company_id,
                "current": [s.to_json() for s in self.current],
                "former": [s.to_json() for s in self.former],
                "second_degree": [s.to_json() for s in self.second_degree]}


def who_at(session: Session, company: Company, today: date | None = None) -> WhoAt:
    """Who I know at ``company`` now and before, and whom I could reach there, best first."""
    me = me_id(session)
    circle = my_circle(session, me, today)
    # Everything is driven from the people I know (a few hundred) into the company through
    # the person/position indexes: plain joins, never a scan of a big company's staff.
    positions: dict[int, list[PositionAt]] = {}

    def load_positions(ids: Iterable[int]) -> None:
        for chunk in id_chunks(ids):
            for pid, title, kind, start, end, is_current in session.connection().execute(
                    _POSITIONS_AT, {"ids": chunk, "company": company.id}).all():
                positions.setdefault(pid, []).append(PositionAt(title, kind, start, end,
                                                                bool(is_current)))

    load_positions(circle)
    known_here = list(positions)

    ties: dict[int, dict[int, Tie]] = {}

    def add(target: int, via: int, tie: Tie) -> None:
        if target not in circle and target != me:
            t = ties.setdefault(target, {})
            t[via] = better(t.get(via), tie)

    # "CROSS JOIN" keeps SQLite's join order as written (its planner would otherwise start
    # from a big company's staff: 58 ms instead of ~1 ms at 100k); PostgreSQL reorders
    # freely with good per-value statistics.
    outgoing = text(
        "SELECT c.person_id, c.other_id, c.kind, c.strength FROM connection c "
        "CROSS JOIN position p WHERE c.person_id IN :ids AND p.company_id = :company "
        "AND p.is_current = :yes AND p.person_id = c.other_id")
    incoming = text(
        "SELECT c.person_id, c.other_id, c.kind, c.strength FROM connection c "
        "CROSS JOIN position p WHERE c.other_id IN :ids AND p.company_id = :company "
        "AND p.is_current = :yes AND p.person_id = c.person_id")
    via_known = text(
        "SELECT q.id, q.known_via_id FROM person q CROSS JOIN position p "
        "WHERE q.known_via_id IN :ids AND p.company_id = :company "
        "AND p.is_current = :yes AND p.person_id = q.id")
    for chunk in id_chunks(circle):
        params = {"ids": chunk, "company": company.id, "yes": True}
        for via, target, kind, strength in session.connection().execute(
                outgoing.bindparams(bindparam("ids", expanding=True)), params):
            add(target, via, Tie(kind, strength))
        for target, via, kind, strength in session.connection().execute(
                incoming.bindparams(bindparam("ids", expanding=True)), params):
            add(target, via, Tie(inverse(kind), strength))
        for target, via_id in session.connection().execute(
                via_known.bindparams(bindparam("ids", expanding=True)), params):
            add(target, via_id, Tie("known-via", VIA_STRENGTH, source="known-via"))
    load_positions(ties)
    for plist in positions.values():
        plist.sort(key=lambda p: (not p.current, _neg(p.end or "9999"), _neg(p.start or "")))
    now_here = {pid for pid, plist in positions.items() if any(p.current for p in plist)}
    via_ids = {v for t in ties.values() for v in t}
    summaries = summaries_by_id(session, [*known_here, *ties, *via_ids])
    contacted = last_contacted(session, [*known_here, *via_ids])

    def staff_rank(s: Staff) -> tuple[Any, ...]:
        recent = -(s.last_contacted.toordinal()) if s.last_contacted else 0
        return (-s.tie.strength, s.tie.derived, recent, s.person.name, s.person.id)

    current: list[Staff] = []
    former: list[Staff] = []
    for pid in known_here:
        entry = Staff(summaries[pid], positions[pid], circle[pid], contacted.get(pid))
        (current if pid in now_here else former).append(entry)
    current.sort(key=staff_rank)
    # Former staff: the best connections first, then those who left most recently.
    former.sort(key=lambda s: (-s.tie.strength, s.tie.derived,
                               _neg(max((p.end or p.start or "") for p in s.positions)),
                               s.person.name, s.person.id))
    second: list[SecondDegree] = []
    for target, by_via in ties.items():
        vias = sorted((Via(summaries[v], circle[v], tie, contacted.get(v))
                       for v, tie in by_via.items()), key=Via.rank)
        second.append(SecondDegree(summaries[target], positions[target], vias))
    second.sort(key=lambda s: (*s.via[0].rank()[:3], -len(s.via), s.person.name,
                               s.person.id))
    return WhoAt(company.id, company.name, current, former, second)


def _neg(text: str) -> str:
    """A sort key that orders ISO-like date strings newest first."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in text)
