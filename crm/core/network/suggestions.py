"""Suggestions awaiting review: what crm inferred, with the evidence, until the user decides.

Two kinds, one concept: a **connection** ("Ana is my co-worker": I connected with her while
we were both at Stripe, by the dates of our positions) and a **same-person** pair (a new
person with the same name as someone already here, from an import; never merged on its own).
Accepted, a connection suggestion becomes a Connection (source ``inferred``, the evidence as
how we met); dismissed, a suggestion is kept as dismissed so that a later import does not
make it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.core.errors import InvalidInput, NotFound
from crm.core.models import Connection, Position, Suggestion, utcnow
from crm.core.vocabulary import SUGGESTION_KINDS

__all__ = ["SUGGESTION_KINDS", "accept_suggestion", "dismiss_suggestion", "infer_ties",
           "list_suggestions", "suggest", "suggest_same_people"]
from crm.core.network import link
from crm.core.normalize import partial_date_bounds, span_text

_INTERN = re.compile(r"\bintern(ship)?\b|\bco-?op\b|\bwerkstudent", re.IGNORECASE)


def is_internship(kind: str | None, title: str | None) -> bool:
    """An internship, by its kind or, when it has none, its title ("Software Engineer
    Intern")."""
    return kind == "intern" or (kind is None and bool(title and _INTERN.search(title)))


@dataclass(frozen=True)
class SuggestionView:
    id: int
    kind: str
    person_id: int
    person: str
    other_id: int
    other: str
    connection_kind: str | None
    since: str | None
    evidence: str
    status: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "status": self.status, "inferred": True,
                "person": {"id": self.person_id, "name": self.person},
                "other": {"id": self.other_id, "name": self.other},
                "connection_kind": self.connection_kind, "since": self.since,
                "evidence": self.evidence}


def _view(s: Suggestion) -> SuggestionView:
    return SuggestionView(s.id, s.kind, s.person_id, s.person.display_name, s.other_id,
                          s.other.display_name, s.connection_kind, s.since, s.evidence,
                          s.status)


def list_suggestions(session: Session, status: str | None = "open") -> list[SuggestionView]:
    query = (select(Suggestion).options(selectinload(Suggestion.person),
                                        selectinload(Suggestion.other))
             .order_by(Suggestion.id))
    if status is not None:
        query = query.where(Suggestion.status == status)
    return [_view(s) for s in session.scalars(query)]


def _open(session: Session, suggestion_id: int) -> Suggestion:
    found = session.get(Suggestion, suggestion_id)
    if found is None:
        raise NotFound(f"no suggestion #{suggestion_id}")
    if found.status != "open":
        raise InvalidInput(f"suggestion #{suggestion_id} was {found.status} already")
    return found


def accept_suggestion(session: Session, suggestion_id: int) -> SuggestionView:
    """Make what the suggestion says: a connection (marked as inferred, with its evidence)."""
    s = _open(session, suggestion_id)
    if s.kind != "connection":
        raise InvalidInput(f"suggestion #{suggestion_id} says two people may be one; "
                           "accepting it means merging them, which is done by merging "
                           "the two people, not here (dismiss it once they are merged)")
    assert s.connection_kind is not None
    link(session, s.person, s.other, s.connection_kind, since=s.since, how_met=s.evidence,
         source="inferred")
    s.status, s.decided_at = "accepted", utcnow()
    session.flush()
    return _view(s)


def dismiss_suggestion(session: Session, suggestion_id: int) -> SuggestionView:
    s = _open(session, suggestion_id)
    s.status, s.decided_at = "dismissed", utcnow()
    session.flush()
    return _view(s)


def suggest(session: Session, *, kind: str, person_id: int, other_id: int, evidence: str,
            connection_kind: str | None = None, since: str | None = None,
            company_id: int | None = None, source: str = "inferred") -> Suggestion | None:
    """Record a suggestion unless the same one exists (open, accepted or dismissed)."""
    if person_id == other_id:
        return None
    exists = session.scalar(select(Suggestion.id).where(
        Suggestion.kind == kind, Suggestion.person_id == person_id,
        Suggestion.other_id == other_id,
        Suggestion.connection_kind.is_(None) if connection_kind is None
        else Suggestion.connection_kind == connection_kind))
    if exists is not None:
        return None
    s = Suggestion(kind=kind, person_id=person_id, other_id=other_id, evidence=evidence,
                   connection_kind=connection_kind, since=since, context_company_id=company_id,
                   status="open", source=source[:300])
    session.add(s)
    session.flush()
    return s


def position_span(pos: Position, today: date) -> tuple[date, date]:
    """The days a position may cover, read at its widest: an unknown start is "since before
    anything we know", an open end on a current position "still there" (today), a past one
    with no end lasted within its start period."""
    start_lo, start_hi = partial_date_bounds(pos.start)
    _, end_hi = partial_date_bounds(pos.end)
    if end_hi is None:
        end_hi = today if pos.is_current else (start_hi or date.min)
    return start_lo or date.min, end_hi


def _span_text(pos: Position) -> str:
    return span_text(pos.start, pos.end, pos.is_current, to=" to ")


def _role(pos: Position) -> str:
    return f"{pos.title} at {pos.company.name}" if pos.title else f"at {pos.company.name}"


def infer_ties(session: Session, me_id: int, connected: Iterable[tuple[int, date]], *,
               source: str = "inferred", today: date | None = None) -> list[Suggestion]:
    """For each (person, date I connected with them): when I was at a company (or school) on
    that date and they were or are there too (as far as their positions' dates tell), suggest
    them as my co-worker, fellow intern (both internships) or classmate (both studies)."""
    pairs = [(pid, on) for pid, on in connected if pid != me_id]
    if not pairs:
        return []
    today = today or date.today()
    mine = list(session.scalars(select(Position).where(Position.person_id == me_id)
                                .options(selectinload(Position.company))))
    if not mine:
        return []
    companies = {p.company_id for p in mine}
    theirs: dict[int, list[Position]] = {}
    pids = sorted({pid for pid, _ in pairs})
    for i in range(0, len(pids), 500):
        for pos in session.scalars(
                select(Position).where(Position.person_id.in_(pids[i: i + 500]),
                                       Position.company_id.in_(sorted(companies)))
                .options(selectinload(Position.company)).order_by(Position.id)):
            theirs.setdefault(pos.person_id, []).append(pos)
    linked = {(o, k) for o, k in session.execute(
        select(Connection.other_id, Connection.kind).where(Connection.person_id == me_id))}
    made: list[Suggestion] = []
    for pid, on in pairs:
        for my in mine:
            lo, hi = position_span(my, today)
            if not lo <= on <= hi:
                continue
            for their in theirs.get(pid, []):
                if their.company_id != my.company_id:
                    continue
                # Unknown start: maybe there then; a start after the date: not yet there.
                t_lo, t_hi = position_span(their, today)
                if their.is_current and not their.end:
                    t_hi = max(t_hi, today)
                if not t_lo <= on <= t_hi:
                    continue
                if my.kind == "student":
                    kind = "classmate"
                elif (is_internship(my.kind, my.title)
                      and is_internship(their.kind, their.title)):
                    kind = "fellow-intern"
                else:
                    kind = "co-worker"
                if (pid, kind) in linked:
                    continue
                known = f" (as of {their.known_on.isoformat()})" if their.known_on else ""
                evidence = (f"connected on {on.isoformat()} while I was {_role(my)} "
                            f"({_span_text(my)}); they are or were {_role(their)}"
                            f" ({_span_text(their)}){known}")
                s = suggest(session, kind="connection", person_id=me_id, other_id=pid,
                            connection_kind=kind, evidence=evidence,
                            since=on.isoformat(), company_id=my.company_id, source=source)
                if s is not None:
                    made.append(s)
                break
    return made


def suggest_same_people(session: Session, pairs: Sequence[tuple[int, int, str]],
                        source: str) -> int:
    """Same-name people of an import (existing id, new id, where it came from), kept for
    review with the connections crm inferred."""
    n = 0
    for existing, new, where in pairs:
        if suggest(session, kind="same-person", person_id=existing, other_id=new,
                   evidence=f"the same name; the second came from {where}",
                   source=source) is not None:
            n += 1
    return n
