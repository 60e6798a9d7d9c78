"""Connections between people, explicit and derived from overlapping positions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, bindparam, false, func, or_, select, text, true
from sqlalchemy.orm import Session, selectinload

from crm.core.errors import InvalidInput
from crm.core.models import (
    CONNECTION_KINDS,
    Company,
    Connection,
    Interaction,
    Person,
    Position,
)
from crm.core.normalize import parse_partial_date, partial_date_bounds
from crm.core.people import PersonSummary, summaries_by_id


@dataclass(frozen=True)
class ConnectionView:
    """One connection as ``crm show`` prints it."""

    person_id: int
    person: str
    kind: str
    strength: int
    derived: bool
    company: str | None = None
    overlap: tuple[str, str] | None = None  # (from, to) as ISO dates for derived ones
    note: str | None = None
    id: int | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "person": self.person,
            "person_id": self.person_id,
            "kind": self.kind,
            "strength": self.strength,
            "derived": self.derived,
        }
        if self.company is not None:
            data["company"] = self.company
        if self.overlap is not None:
            data["overlap"] = {"from": self.overlap[0], "to": self.overlap[1]}
        if self.note:
            data["note"] = self.note
        if self.id is not None:
            data["id"] = self.id
        return data


def link(session: Session, person: Person, other: Person, kind: str, *,
         strength: int | None = None, note: str | None = None,
         since: str | None = None, how_met: str | None = None,
         source: str = "manual") -> Connection:
    """Record (or update) that ``other`` is ``person``'s KIND."""
    if person.id == other.id:
        raise InvalidInput("cannot link a person to themselves")
    if kind not in CONNECTION_KINDS:
        choices = ", ".join(CONNECTION_KINDS)
        raise InvalidInput(f"bad connection kind {kind!r}: use one of {choices}")
    if strength is not None and not 1 <= strength <= 5:
        raise InvalidInput(f"bad strength {strength}: use 1-5")
    existing = session.scalar(select(Connection).where(
        Connection.person_id == person.id, Connection.other_id == other.id,
        Connection.kind == kind))
    conn = existing or Connection(person_id=person.id, other_id=other.id, kind=kind,
                                  source=source)
    if strength is not None:
        conn.strength = strength
    if note is not None:
        conn.note = note
    if since is not None:
        conn.since = parse_partial_date(since)
    if how_met is not None:
        conn.how_met = how_met
    if existing is None:
        session.add(conn)
    session.flush()
    return conn


def explicit_connections(session: Session, person_id: int) -> list[ConnectionView]:
    rows = session.scalars(
        select(Connection)
        .where(or_(Connection.person_id == person_id, Connection.other_id == person_id))
        .options(selectinload(Connection.person), selectinload(Connection.other))
        .order_by(Connection.strength.desc(), Connection.id)
    )
    views = []
    for c in rows:
        other = c.other if c.person_id == person_id else c.person
        kind = c.kind if c.person_id == person_id else _inverse(c.kind)
        views.append(ConnectionView(person_id=other.id, person=other.display_name, kind=kind,
                                    strength=c.strength, derived=False, note=c.note, id=c.id))
    return views


_INVERSE = {"manager": "report", "report": "manager", "mentor": "mentee", "mentee": "mentor",
            "professor": "student", "introduced-by": "introduced"}


def _inverse(kind: str) -> str:
    return _INVERSE.get(kind, kind)


# -- derived connections --------------------------------------------------------------------
#
# Partial dates are read at their widest: a start of "2023" means from 1 January 2023, an
# end of "2023-05" means until 31 May 2023, so two people whose months touch ("until 2024-05"
# and "from 2024-05") are taken to have overlapped that month. An unknown start means "since
# before anything we know"; an open end on a current position means "still there" (today);
# a past position with no end is assumed to have lasted within its start period, and with no
# dates at all it overlaps nobody (we cannot tell).


def _span(start: str | None, end: str | None, is_current: bool,
          today: date) -> tuple[date, date]:
    start_lo, start_hi = partial_date_bounds(start)
    _, end_hi = partial_date_bounds(end)
    lo = start_lo or date.min
    if end_hi is None:
        end_hi = today if is_current else (start_hi or date.min)
    return lo, end_hi


def position_span(pos: Position, today: date | None = None) -> tuple[date, date]:
    """The days a position may cover (see the rules above)."""
    return _span(pos.start, pos.end, pos.is_current, today or date.today())


def _derived_kind(mine: str | None, theirs: str | None) -> str:
    if mine == "intern" and theirs == "intern":
        return "fellow-intern"
    if mine == "student" and theirs == "student":
        return "classmate"
    return "co-worker"


@dataclass(frozen=True)
class Overlap:
    other_id: int
    company_id: int
    kind: str
    start: date  # date.min when unknown
    end: date


def overlaps(session: Session, person_id: int, today: date | None = None) -> dict[int, Overlap]:
    """Everyone whose position overlapped one of ``person_id``'s at the same company.

    One entry per other person: the overlap that ended last (the most recent shared time).
    """
    today = today or date.today()
    conn = session.connection()
    my_positions = conn.execute(_MY_POSITIONS, {"person": person_id}).all()
    rows: list[tuple[Any, ...]] = []
    for company, mkind, mstart, mend, mcur in my_positions:
        lo, hi = _span(mstart, mend, mcur, today)
        if hi == date.min:
            continue
        found = conn.execute(_OVERLAP_CANDIDATES, {
            "company": company, "person": person_id, "hi": hi.isoformat(),
            "lo_year": f"{lo.year:04d}"}).all()
        rows += [(other, company, mkind, mstart, mend, mcur, *rest) for other, *rest in found]
    best: dict[int, Overlap] = {}
    for other, company, mkind, mstart, mend, mcur, tkind, tstart, tend, tcur in rows:
        a_lo, a_hi = _span(mstart, mend, mcur, today)
        b_lo, b_hi = _span(tstart, tend, tcur, today)
        lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
        if lo > hi or hi == date.min:
            continue
        prev = best.get(other)
        if prev is None or (hi, lo) > (prev.end, prev.start):
            best[other] = Overlap(other, company, _derived_kind(mkind, tkind), lo, hi)
    return best


def derived_connections(session: Session, person_id: int,
                        today: date | None = None) -> list[ConnectionView]:
    """Co-workers, fellow interns and classmates: overlapping positions at the same company."""
    found = overlaps(session, person_id, today)
    if not found:
        return []
    names = dict(session.connection().execute(
        select(Person.id, Person.display_name).where(Person.id.in_(_IDS)),
        {"ids": list(found)}).all())
    companies = dict(session.connection().execute(
        select(Company.id, Company.name)
        .where(Company.id.in_(_IDS)), {"ids": list({o.company_id for o in found.values()})}
    ).all())
    views = [
        ConnectionView(
            person_id=o.other_id, person=names[o.other_id], kind=o.kind,
            strength=DERIVED_STRENGTH, derived=True, company=companies[o.company_id],
            overlap=("unknown" if o.start == date.min else o.start.isoformat(),
                     o.end.isoformat()),
        )
        for o in found.values()
    ]
    return sorted(views, key=lambda v: (v.company or "", v.person, v.person_id))


# -- who I know -----------------------------------------------------------------------------
#
# "People I know" (first degree), precisely: every person other than me who
#   - has an explicit connection with me (either direction, any kind), or
#   - overlapped with me at a company (a derived co-worker, fellow intern or classmate), or
#   - is in the database without ``known_via`` (I added or imported them myself: my address
#     book), unless they were recorded with ``--via``.
# Someone recorded ``--via`` X is *not* known to me unless they are also connected to me.
# Everyone else is second degree when one of the people I know is connected to them
# (explicit connection, or they were recorded ``--via`` that person). Derived overlaps count
# for the hop from me only: a contact's own co-workers are not enumerated, which keeps the
# query a handful of index lookups at 100k people.

DERIVED_STRENGTH = 2  # an overlap at work, nothing recorded
UNLINKED_STRENGTH = 1  # in my contacts, no relationship recorded
VIA_STRENGTH = 3  # "I know them through X": X knows them about as well as an average link


@dataclass(frozen=True)
class Tie:
    """One relationship on a path: what the second person is to the first, and how strong."""

    kind: str | None
    strength: int
    derived: bool = False
    source: str = "connection"  # connection | derived | known-via | contacts

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "strength": self.strength, "derived": self.derived,
                "source": self.source}


def _better(a: Tie | None, b: Tie) -> Tie:
    if a is None:
        return b
    return b if (b.strength, not b.derived) > (a.strength, not a.derived) else a


# One expanding parameter instead of one bound value per id: much cheaper to build.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)

# The hot statements of who_at, built once (building a select costs more than running it).
_ME = select(Person.id).where(Person.is_me == true())
_MY_CONTACTS = select(Person.id).where(Person.known_via_id.is_(None), Person.is_me == false())
_MY_POSITIONS = select(Position.company_id, Position.kind, Position.start, Position.end,
                       Position.is_current).where(Position.person_id == bindparam("person"))
# A coarse filter in SQL (partial dates compare as text: "2024" <= "2024-05-31"), the exact
# overlap in Python: a big company's whole history never leaves the database.
_OVERLAP_CANDIDATES = select(
    Position.person_id, Position.kind, Position.start, Position.end, Position.is_current,
).where(Position.company_id == bindparam("company"), Position.person_id != bindparam("person"),
        or_(Position.start.is_(None), Position.start <= bindparam("hi")),
        or_(Position.end.is_(None), Position.end >= bindparam("lo_year")))
_CONNECTIONS_FROM = select(Connection.person_id, Connection.other_id, Connection.kind,
                           Connection.strength).where(Connection.person_id.in_(_IDS))
_CONNECTIONS_TO = select(Connection.person_id, Connection.other_id, Connection.kind,
                         Connection.strength).where(Connection.other_id.in_(_IDS))
_LAST_CONTACTED = (select(Interaction.person_id, func.max(Interaction.occurred_on))
                   .where(Interaction.person_id.in_(_IDS)).group_by(Interaction.person_id))
_POSITIONS_AT = select(Position.person_id, Position.title, Position.kind, Position.start,
                       Position.end, Position.is_current).where(
    Position.company_id == bindparam("company"), Position.person_id.in_(_IDS))


def me_id(session: Session) -> int | None:
    return session.connection().execute(_ME).scalar()


def _chunks(ids: Iterable[int], size: int = 5000) -> Iterator[list[int]]:
    # Bound parameter lists stay far below SQLite's limit whatever the address book size.
    items = list(ids)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def explicit_ties(session: Session, ids: Iterable[int]) -> dict[tuple[int, int], Tie]:
    """(a, b) -> what b is to a, for every explicit connection touching ``ids``."""
    ties: dict[tuple[int, int], Tie] = {}
    for chunk in _chunks(ids):
        for a, b, kind, strength in session.connection().execute(
                _CONNECTIONS_FROM, {"ids": chunk}).all():
            ties[(a, b)] = _better(ties.get((a, b)), Tie(kind, strength))
            ties[(b, a)] = _better(ties.get((b, a)), Tie(_inverse(kind), strength))
        for a, b, kind, strength in session.connection().execute(
                _CONNECTIONS_TO, {"ids": chunk}).all():
            ties[(b, a)] = _better(ties.get((b, a)), Tie(_inverse(kind), strength))
            ties[(a, b)] = _better(ties.get((a, b)), Tie(kind, strength))
    return ties


def my_circle(session: Session, me: int | None, today: date | None = None) -> dict[int, Tie]:
    """Everyone I know (see the definition above) -> my tie to them."""
    circle: dict[int, Tie] = {}
    if me is not None:
        for (a, b), tie in explicit_ties(session, [me]).items():
            if a == me:
                circle[b] = _better(circle.get(b), tie)
        for other, o in overlaps(session, me, today).items():
            circle[other] = _better(circle.get(other),
                                    Tie(o.kind, DERIVED_STRENGTH, True, "derived"))
    unlinked = Tie(None, UNLINKED_STRENGTH, source="contacts")
    for pid in session.connection().execute(_MY_CONTACTS).scalars().all():
        circle.setdefault(pid, unlinked)
    circle.pop(me, None)  # type: ignore[arg-type]
    return circle


def last_contacted(session: Session, ids: Iterable[int]) -> dict[int, date]:
    out: dict[int, date] = {}
    for chunk in _chunks(ids):
        out.update(session.connection().execute(_LAST_CONTACTED, {"ids": chunk})
                   .all())
    return out


@dataclass(frozen=True)
class PositionAt:
    """A position at the company asked about: when and as what."""

    title: str | None
    kind: str | None
    start: str | None
    end: str | None
    current: bool

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
                     "last_contacted": _iso(self.last_contacted)})
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
                     "last_contacted": _iso(self.last_contacted)})
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


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _summaries(session: Session, ids: Iterable[int]) -> dict[int, PersonSummary]:
    return summaries_by_id(session, ids)


def who_at(session: Session, company: Company, today: date | None = None) -> WhoAt:
    """Who I know at ``company`` now and before, and whom I could reach there, best first."""
    me = me_id(session)
    circle = my_circle(session, me, today)
    # Everything is driven from the people I know (a few hundred) into the company through
    # the person/position indexes: plain joins, never a scan of a big company's staff.
    positions: dict[int, list[PositionAt]] = {}

    def load_positions(ids: Iterable[int]) -> None:
        for chunk in _chunks(ids):
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
            t[via] = _better(t.get(via), tie)

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
    for chunk in _chunks(circle):
        params = {"ids": chunk, "company": company.id, "yes": True}
        for via, target, kind, strength in session.connection().execute(
                outgoing.bindparams(bindparam("ids", expanding=True)), params):
            add(target, via, Tie(kind, strength))
        for target, via, kind, strength in session.connection().execute(
                incoming.bindparams(bindparam("ids", expanding=True)), params):
            add(target, via, Tie(_inverse(kind), strength))
        for target, via_id in session.connection().execute(
                via_known.bindparams(bindparam("ids", expanding=True)), params):
            add(target, via_id, Tie("known-via", VIA_STRENGTH, source="known-via"))
    load_positions(ties)
    for plist in positions.values():
        plist.sort(key=lambda p: (not p.current, _neg(p.end or "9999"), _neg(p.start or "")))
    now_here = {pid for pid, plist in positions.items() if any(p.current for p in plist)}
    via_ids = {v for t in ties.values() for v in t}
    summaries = _summaries(session, [*known_here, *ties, *via_ids])
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


# -- intro paths ----------------------------------------------------------------------------


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
    for chunk in _chunks(wanted):
        rows = session.connection().execute(
            select(Person.id, Person.known_via_id).where(
                or_(Person.known_via_id.in_(chunk), Person.id.in_(chunk)),
                Person.known_via_id.is_not(None))
        ).all()
        for pid, via_id in rows:
            if via_id is not None:
                for a, b in ((via_id, pid), (pid, via_id)):
                    ties[(a, b)] = _better(ties.get((a, b)), via_tie)
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
            edges[key] = _better(edges.get(key), tie)
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
        raise InvalidInput("nobody is marked as you yet (crm add person NAME --me)")
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


# -- losing touch ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleContact:
    person: PersonSummary
    tie: Tie
    last_contacted: date | None
    days_since: int | None  # None: never, per the log

    def to_json(self) -> dict[str, Any]:
        data = self.person.to_json()
        data.update({"connection": self.tie.to_json(), "strength": self.tie.strength,
                     "last_contacted": _iso(self.last_contacted),
                     "days_since": self.days_since})
        return data


def losing_touch(session: Session, days: int = 90, today: date | None = None, *,
                 limit: int | None = None) -> list[StaleContact]:
    """People I have not talked to for ``days`` days (or ever), best connections first.

    Candidates are the people explicitly connected to me plus anyone with an interaction in
    the log (derived co-workers alone are not "my people" to keep in touch with). Within a
    strength, the longest silence comes first, and never-contacted before anyone.
    """
    if days < 0:
        raise InvalidInput("days must be 0 or more")
    today = today or date.today()
    me = me_id(session)
    ties: dict[int, Tie] = {}
    if me is not None:
        for (a, b), tie in explicit_ties(session, [me]).items():
            if a == me:
                ties[b] = _better(ties.get(b), tie)
    last = dict(session.connection().execute(
        select(Interaction.person_id, func.max(Interaction.occurred_on))
        .group_by(Interaction.person_id)).all())
    unlinked = Tie(None, UNLINKED_STRENGTH, source="contacts")
    for pid in last:
        ties.setdefault(pid, unlinked)
    ties.pop(me, None)  # type: ignore[arg-type]
    cutoff = today.toordinal() - days
    stale = [pid for pid in ties if pid not in last or last[pid].toordinal() <= cutoff]

    def rank(pid: int) -> tuple[int, int]:
        seen = last.get(pid)
        return (-ties[pid].strength, seen.toordinal() if seen else 0)

    stale.sort(key=rank)
    summaries = _summaries(session, stale)
    out = [StaleContact(summaries[pid], ties[pid], last.get(pid),
                        (today - last[pid]).days if pid in last else None) for pid in stale]
    out.sort(key=lambda s: (*rank(s.person.id), s.person.name, s.person.id))
    return out[:limit] if limit is not None else out
