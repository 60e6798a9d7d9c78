"""Connections between people, explicit and derived from overlapping positions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from crm.core.errors import InvalidInput
from crm.core.models import CONNECTION_KINDS, Connection, Person, Position
from crm.core.normalize import parse_partial_date, partial_date_bounds


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


def position_span(pos: Position, today: date | None = None) -> tuple[date, date]:
    """The days a position may cover: unknown start is open, open end is "still there"."""
    today = today or date.today()
    start_lo, _ = partial_date_bounds(pos.start)
    _, end_hi = partial_date_bounds(pos.end)
    lo = start_lo or date.min
    if end_hi is None:
        if pos.is_current:
            end_hi = today
        else:
            # A past position with no known end: assume it lasted within its start period.
            _, start_hi = partial_date_bounds(pos.start)
            end_hi = start_hi or date.min
    return lo, end_hi


def derived_connections(session: Session, person_id: int,
                        today: date | None = None) -> list[ConnectionView]:
    """Co-workers and fellow interns: overlapping positions at the same company."""
    mine = aliased(Position)
    theirs = aliased(Position)
    rows = session.execute(
        select(mine, theirs)
        .join(theirs, (theirs.company_id == mine.company_id) & (theirs.person_id != person_id))
        .where(mine.person_id == person_id)
        .options(selectinload(theirs.person), selectinload(mine.company))
    ).all()
    best: dict[int, ConnectionView] = {}
    for a, b in rows:
        a_lo, a_hi = position_span(a, today)
        b_lo, b_hi = position_span(b, today)
        lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
        if lo > hi:
            continue
        kind = "fellow-intern" if a.kind == "intern" and b.kind == "intern" else "co-worker"
        view = ConnectionView(
            person_id=b.person_id, person=b.person.display_name, kind=kind, strength=2,
            derived=True, company=a.company.name,
            overlap=(lo.isoformat() if lo != date.min else "unknown", hi.isoformat()),
        )
        prev = best.get(b.person_id)
        if prev is None or (prev.overlap or ("", ""))[1] < hi.isoformat():
            best[b.person_id] = view
    return sorted(best.values(), key=lambda v: (v.company or "", v.person))

