"""Ties between people: connections recorded explicitly, and those derived from positions
that overlapped at the same company; my circle (everyone I know) and their strengths."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, bindparam, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from crm.core.errors import InvalidInput
from crm.core.models import Company, Connection, Interaction, Person, Position
from crm.core.normalize import parse_partial_date, partial_date_bounds
from crm.core.vocabulary import CONNECTION_KINDS


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
    maybe: bool = False  # derived from undated data only: a guess, not evidence

    def when(self, sep: str) -> str:
        """The shared time in words: "2024-01-01{sep}2024-06-30", or "as of 2026-12-07" when
        it is one day (undated positions both known on the day they were imported)."""
        start, end = self.overlap or ("?", "?")
        return f"as of {start}" if start == end else f"{start}{sep}{end}"

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
        if self.derived:
            data["maybe"] = self.maybe
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
        kind = c.kind if c.person_id == person_id else inverse(c.kind)
        views.append(ConnectionView(person_id=other.id, person=other.display_name, kind=kind,
                                    strength=c.strength, derived=False, note=c.note, id=c.id))
    return views


_INVERSE = {"manager": "report", "report": "manager", "mentor": "mentee", "mentee": "mentor",
            "professor": "student", "introduced-by": "introduced"}


def inverse(kind: str) -> str:
    return _INVERSE.get(kind, kind)


# -- derived connections --------------------------------------------------------------------
#
# Partial dates are read at their widest: a start of "2023" means from 1 January 2023, an
# end of "2023-05" means until 31 May 2023, so two people whose months touch ("until 2024-05"
# and "from 2024-05") are taken to have overlapped that month. An unknown start means "since
# the day we learned of it" for an imported position (``known_on``: the card's REV or the
# import date), "since before anything we know" for one typed without a start; an open end on
# a current position means "still there" (today); a past position with no end is assumed to
# have lasted within its start period, and with no dates at all it overlaps nobody.
#
# An overlap is evidence only where both positions have a start: one from undated data is a
# "maybe" tie, weaker than a dated one and shown as such.


def _span(start: str | None, end: str | None, is_current: bool, today: date,
          known_on: date | None = None) -> tuple[date, date]:
    start_lo, start_hi = partial_date_bounds(start)
    _, end_hi = partial_date_bounds(end)
    if start_lo is None and known_on is not None:
        start_lo = start_hi = known_on
    lo = start_lo or date.min
    if end_hi is None:
        end_hi = today if is_current else (start_hi or date.min)
    return lo, end_hi


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
    maybe: bool = False  # one of the two positions has no start: not evidence enough


def overlaps(session: Session, person_id: int, today: date | None = None) -> dict[int, Overlap]:
    """Everyone whose position overlapped one of ``person_id``'s at the same company.

    One entry per other person: a dated overlap before a "maybe", then the one that ended
    last (the most recent shared time).
    """
    today = today or date.today()
    conn = session.connection()
    my_positions = conn.execute(_MY_POSITIONS, {"person": person_id}).all()
    rows: list[tuple[Any, ...]] = []
    for company, mkind, mstart, mend, mcur, mknown in my_positions:
        lo, hi = _span(mstart, mend, mcur, today, mknown)
        if hi == date.min:
            continue
        found = conn.execute(_OVERLAP_CANDIDATES, {
            "company": company, "person": person_id, "hi": hi.isoformat(),
            "lo_year": f"{lo.year:04d}"}).all()
        rows += [(other, company, mkind, mstart, mend, mcur, mknown, *rest)
                 for other, *rest in found]
    best: dict[int, Overlap] = {}
    for (other, company, mkind, mstart, mend, mcur, mknown,
         tkind, tstart, tend, tcur, tknown) in rows:
        a_lo, a_hi = _span(mstart, mend, mcur, today, mknown)
        b_lo, b_hi = _span(tstart, tend, tcur, today, tknown)
        lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
        if lo > hi or hi == date.min:
            continue
        found_one = Overlap(other, company, _derived_kind(mkind, tkind), lo, hi,
                            maybe=not (mstart and tstart))
        prev = best.get(other)
        if prev is None or ((not found_one.maybe, hi, lo)
                            > (not prev.maybe, prev.end, prev.start)):
            best[other] = found_one
    return best


def derived_connections(session: Session, person_id: int,
                        today: date | None = None) -> list[ConnectionView]:
    """Co-workers, fellow interns and classmates: overlapping positions at the same company."""
    found = overlaps(session, person_id, today)
    # Someone linked explicitly is listed once, as linked (not again as derived).
    for a, b in explicit_ties(session, [person_id]):
        if a == person_id:
            found.pop(b, None)
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
            strength=MAYBE_STRENGTH if o.maybe else DERIVED_STRENGTH, derived=True,
            company=companies[o.company_id],
            overlap=("unknown" if o.start == date.min else o.start.isoformat(),
                     o.end.isoformat()),
            maybe=o.maybe,
        )
        for o in found.values()
    ]
    return sorted(views, key=lambda v: (v.maybe, v.company or "", v.person, v.person_id))


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
MAYBE_STRENGTH = 1  # an overlap only undated data suggests: at most "maybe"
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


def better(a: Tie | None, b: Tie) -> Tie:
    if a is None:
        return b
    return b if (b.strength, not b.derived) > (a.strength, not a.derived) else a


# One expanding parameter instead of one bound value per id: much cheaper to build.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)

# The hot statements of who_at, built once (building a select costs more than running it).
_ME = select(Person.id).where(Person.is_me == true())
_MY_CONTACTS = select(Person.id).where(Person.known_via_id.is_(None), Person.is_me == false())
_MY_POSITIONS = select(Position.company_id, Position.kind, Position.start, Position.end,
                       Position.is_current, Position.known_on).where(
    Position.person_id == bindparam("person"))
# A coarse filter in SQL (partial dates compare as text: "2024" <= "2024-05-31"), the exact
# overlap in Python: a big company's whole history never leaves the database.
_OVERLAP_CANDIDATES = select(
    Position.person_id, Position.kind, Position.start, Position.end, Position.is_current,
    Position.known_on,
).where(Position.company_id == bindparam("company"), Position.person_id != bindparam("person"),
        or_(Position.start.is_(None), Position.start <= bindparam("hi")),
        or_(Position.end.is_(None), Position.end >= bindparam("lo_year")))
_CONNECTIONS_FROM = select(Connection.person_id, Connection.other_id, Connection.kind,
                           Connection.strength).where(Connection.person_id.in_(_IDS))
_CONNECTIONS_TO = select(Connection.person_id, Connection.other_id, Connection.kind,
                         Connection.strength).where(Connection.other_id.in_(_IDS))
_LAST_CONTACTED = (select(Interaction.person_id, func.max(Interaction.occurred_on))
                   .where(Interaction.person_id.in_(_IDS)).group_by(Interaction.person_id))


def me_id(session: Session) -> int | None:
    return session.connection().execute(_ME).scalar()


def id_chunks(ids: Iterable[int], size: int = 5000) -> Iterator[list[int]]:
    # Bound parameter lists stay far below SQLite's limit whatever the address book size.
    items = list(ids)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def explicit_ties(session: Session, ids: Iterable[int]) -> dict[tuple[int, int], Tie]:
    """(a, b) -> what b is to a, for every explicit connection touching ``ids``."""
    ties: dict[tuple[int, int], Tie] = {}
    for chunk in id_chunks(ids):
        for a, b, kind, strength in session.connection().execute(
                _CONNECTIONS_FROM, {"ids": chunk}).all():
            ties[(a, b)] = better(ties.get((a, b)), Tie(kind, strength))
            ties[(b, a)] = better(ties.get((b, a)), Tie(inverse(kind), strength))
        for a, b, kind, strength in session.connection().execute(
                _CONNECTIONS_TO, {"ids": chunk}).all():
            ties[(b, a)] = better(ties.get((b, a)), Tie(inverse(kind), strength))
            ties[(a, b)] = better(ties.get((a, b)), Tie(kind, strength))
    return ties


def my_circle(session: Session, me: int | None, today: date | None = None) -> dict[int, Tie]:
    """Everyone I know (see the definition above) -> my tie to them."""
    circle = linked_to_me(session, me, today)
    unlinked = Tie(None, UNLINKED_STRENGTH, source="contacts")
    for pid in session.connection().execute(_MY_CONTACTS).scalars().all():
        circle.setdefault(pid, unlinked)
    circle.pop(me, None)  # type: ignore[arg-type]
    return circle


def linked_to_me(session: Session, me: int | None,
                 today: date | None = None) -> dict[int, Tie]:
    """The people tied to me by a connection or an overlap of positions -> the tie (the
    part of my circle that a person recorded ``--via`` someone else can be in)."""
    circle: dict[int, Tie] = {}
    if me is not None:
        for (a, b), tie in explicit_ties(session, [me]).items():
            if a == me:
                circle[b] = better(circle.get(b), tie)
        for other, o in overlaps(session, me, today).items():
            tie = (Tie(o.kind, MAYBE_STRENGTH, True, "maybe") if o.maybe
                   else Tie(o.kind, DERIVED_STRENGTH, True, "derived"))
            circle[other] = better(circle.get(other), tie)
    circle.pop(me, None)  # type: ignore[arg-type]
    return circle


def last_contacted(session: Session, ids: Iterable[int]) -> dict[int, date]:
    out: dict[int, date] = {}
    for chunk in id_chunks(ids):
        out.update(session.connection().execute(_LAST_CONTACTED, {"ids": chunk})
                   .all())
    return out


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
