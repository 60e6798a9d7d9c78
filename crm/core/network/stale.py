"""Losing touch: the people due for contact, most worth it first.

Everyone I know (``ties``: my connections, derived co-workers, my address book) plus anyone
I have logged an interaction with is due once their silence reaches their keep-in-touch
interval: their own (``crm edit person --every``), else the shortest of their tags'
(``crm edit tag --every``), else the default (``crm stale --days``, 90). Past the "at most"
interval they are overdue. Never contacted is the longest silence of all. The clock is
the interactions log: ``crm log``, the TUI, and imported messages and invitations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import Session

from crm.core.contacts.people import PersonSummary, summaries_by_id
from crm.core.errors import InvalidInput
from crm.core.models import (
    Application,
    Company,
    Person,
    PersonTag,
    Position,
    Reference,
    Tag,
)
from crm.core.network.ties import (
    DERIVED_STRENGTH,
    MAYBE_STRENGTH,
    UNLINKED_STRENGTH,
    Tie,
    better,
    explicit_ties,
    id_chunks,
    iso,
    last_contacted,
    me_id,
    overlaps,
)
from crm.core.vocabulary import CLOSED_STAGES

# Usefulness now, in strength points x10: one at a company I am applying to, a reference I
# may list soon (more when an interview is close).
AT_APPLYING_COMPANY = 15
REFERENCE_SOON = 10
REFERENCE_INTERVIEW = 15
INTERVIEW_SOON_DAYS = 30

_PEOPLE = select(Person.id, Person.sort_key, Person.known_via_id, Person.keep_every_days,
                 Person.keep_at_most_days)
_OWN_INTERVALS = select(Person.id).where(Person.is_me == false(), or_(
    Person.keep_every_days.is_not(None), Person.keep_at_most_days.is_not(None)))
_TAG_INTERVALS = (select(PersonTag.person_id, Tag.name, Tag.keep_every_days,
                         Tag.keep_at_most_days)
                  .join(Tag, Tag.id == PersonTag.tag_id)
                  .where((Tag.keep_every_days.is_not(None)) | (Tag.keep_at_most_days.is_not(None))))
_PLAIN = (Person.is_me == false(), Person.keep_every_days.is_(None),
          Person.keep_at_most_days.is_(None))


def _plain_stale(session: Session, cutoff: date, limit: int | None) -> list[Any]:
    """Everyone else due on the default interval: in my address book (or talked to), no
    interval of their own, silent since ``cutoff`` or never; never first, then the longest
    silence, then by name. At 100k people only the rows shown leave the database, and
    only about as many are read: two queries, each in the order of an index on
    ``person.last_contacted`` (the latest interaction, kept by triggers since 0008):

    - never contacted and known directly (not only through someone): the partial index
      ``ix_person_never_contacted`` (migration 0012), by name;
    - contacted on or before ``cutoff``: ``ix_person_contacted_order``, oldest first.

    (One join of ``person`` with each one's latest interaction, filtered on "known
    directly or contacted", read nearly the whole table: almost everyone in a large
    network is known through someone.)"""
    sort_key: Any = Person.sort_key
    if session.get_bind().dialect.name == "postgresql":
        sort_key = sort_key.collate("C")  # the order Python compares strings in
    last = Person.last_contacted
    conn = session.connection()
    never = (select(Person.id, Person.sort_key, last)
             .where(last.is_(None), Person.known_via_id.is_(None), *_PLAIN)
             .order_by(sort_key, Person.id))
    if limit is not None:
        never = never.limit(limit)
    rows = list(conn.execute(never).all())
    if limit is not None and len(rows) >= limit:
        return rows
    silent = (select(Person.id, Person.sort_key, last)
              .where(last <= cutoff, *_PLAIN)
              .order_by(last, sort_key, Person.id))
    if limit is not None:
        silent = silent.limit(limit - len(rows))
    rows += conn.execute(silent).all()
    return rows


@dataclass(frozen=True)
class StaleContact:
    person: PersonSummary
    tie: Tie
    last_contacted: date | None
    days_since: int | None  # None: never, per the log
    every_days: int = 90
    at_most_days: int | None = None
    interval_from: str = "default"  # "person", "tag NAME" or "default"
    overdue: bool = False  # past the "at most" interval
    score: int = 0
    useful: list[str] = field(default_factory=list)

    @property
    def due_on(self) -> date | None:
        """The day contact fell due (None: never contacted, due since always)."""
        if self.last_contacted is None:
            return None
        return self.last_contacted + timedelta(days=self.every_days)

    def to_json(self) -> dict[str, Any]:
        data = self.person.to_json()
        data.update({"connection": self.tie.to_json(), "strength": self.tie.strength,
                     "last_contacted": iso(self.last_contacted),
                     "days_since": self.days_since, "every_days": self.every_days,
                     "at_most_days": self.at_most_days, "interval_from": self.interval_from,
                     "overdue": self.overdue, "score": self.score, "useful": self.useful})
        return data


@dataclass
class _Usefulness:
    points: dict[int, int] = field(default_factory=dict)
    why: dict[int, list[str]] = field(default_factory=dict)

    def add(self, pid: int, points: int, why: str) -> None:
        self.points[pid] = self.points.get(pid, 0) + points
        self.why.setdefault(pid, []).append(why)


def _usefulness(session: Session, today: date) -> _Usefulness:
    """Who is worth more right now: people at companies I am applying to, and references
    I may list soon (an open application), more so with an interview coming."""
    out = _Usefulness()
    conn = session.connection()
    apps = conn.execute(select(Application.company_id, Company.name, Application.interview_on)
                        .join(Company, Company.id == Application.company_id)
                        .where(Application.stage.not_in(CLOSED_STAGES))).all()
    if not apps:
        return out
    names = {cid: name for cid, name, _ in apps}
    for pid, cid in conn.execute(select(Position.person_id, Position.company_id).where(
            Position.company_id.in_(list(names)), Position.is_current == true())).all():
        if pid not in out.points:
            out.add(pid, AT_APPLYING_COMPANY, f"at {names[cid]}, where you are applying")
    soon = sorted((when, name) for _, name, when in apps
                  if when is not None and today <= when <= today + timedelta(
                      days=INTERVIEW_SOON_DAYS))
    for pid, in conn.execute(select(Reference.person_id).where(
            Reference.status.in_(("agreed", "asked")))).all():
        if soon:
            out.add(pid, REFERENCE_INTERVIEW, f"a reference; interview at {soon[0][1]} on "
                                              f"{soon[0][0].isoformat()}")
        else:
            out.add(pid, REFERENCE_SOON, "a reference you may list soon")
    return out


def losing_touch(session: Session, days: int = 90, today: date | None = None, *,
                 limit: int | None = None) -> list[StaleContact]:
    """People due for contact (their interval, else ``days``), most worth it first.

    Overdue (past "at most") first; then by score: tie strength x10 plus usefulness now; then
    explicit ties before derived; then the longest silence (never contacted first); then
    by name.

    Those who can rank above an unlinked contact (my ties, the useful, anyone with an
    interval of their own or of a tag) are looked at one by one; everyone else is ranked
    by SQL (``_plain_stale``), so the cost follows the people shown, not the address book.
    """
    if days < 0:
        raise InvalidInput("days must be 0 or more")
    today = today or date.today()
    me = me_id(session)
    conn = session.connection()
    ties: dict[int, Tie] = {}
    if me is not None:
        for (a, b), tie in explicit_ties(session, [me]).items():
            if a == me:
                ties[b] = better(ties.get(b), tie)
        for other, o in overlaps(session, me, today).items():
            ties[other] = better(ties.get(other), Tie(
                o.kind, MAYBE_STRENGTH if o.maybe else DERIVED_STRENGTH, True,
                "maybe" if o.maybe else "derived"))
    tag_every: dict[int, tuple[int | None, int | None, str]] = {}
    for pid, tag, every, most in conn.execute(_TAG_INTERVALS).all():
        old = tag_every.get(pid)
        if old is None or (every or most or 0) < (old[0] or old[1] or 0):
            tag_every[pid] = (every, most, f"tag {tag}")
    useful = _usefulness(session, today)
    special = (set(ties) | set(tag_every) | set(useful.points)
               | set(conn.execute(_OWN_INTERVALS).scalars().all()))
    special.discard(me)
    last = last_contacted(session, special)
    unlinked = Tie(None, UNLINKED_STRENGTH, source="contacts")
    t = today.toordinal()
    rows = []

    def consider(pid: int, sort_key: str, tie: Tie, own_every: int | None,
                 own_most: int | None, seen: date | None) -> None:
        if own_every is not None or own_most is not None:
            every, most, source = own_every, own_most, "person"
        elif pid in tag_every:
            every, most, source = tag_every[pid]
        else:
            every, most, source = None, None, "default"
        every = every if every is not None else (most if most is not None and most < days
                                                 else days)
        silent = t - seen.toordinal() if seen is not None else None
        if silent is not None and silent < every:
            return
        overdue = most is not None and (silent is None or silent > most)
        score = tie.strength * 10 + useful.points.get(pid, 0)
        rows.append((not overdue, -score, tie.derived, seen.toordinal() if seen else 0,
                     sort_key, pid, tie, seen, silent, every, most, source, overdue, score))

    for chunk in id_chunks(special):
        for pid, sort_key, via, own_every, own_most in conn.execute(
                _PEOPLE.where(Person.id.in_(chunk))).all():
            found = ties.get(pid)
            if found is None and via is not None and pid not in last:
                continue  # known only through someone, never talked to: not mine to keep
            consider(pid, sort_key, found or unlinked, own_every, own_most, last.get(pid))
    cutoff = today - timedelta(days=days)
    for pid, sort_key, seen in _plain_stale(session, cutoff, None if limit is None
                                            else limit + len(special)):
        if pid not in special:
            consider(pid, sort_key, unlinked, None, None, seen)
    rows.sort(key=lambda r: r[:6])
    if limit is not None:
        rows = rows[:limit]
    summaries = summaries_by_id(session, [r[5] for r in rows])
    return [StaleContact(summaries[pid], tie, seen, silent, every, most, source, overdue, score,
                         useful.why.get(pid, []))
            for (*_, pid, tie, seen, silent, every, most, source, overdue, score) in rows]
