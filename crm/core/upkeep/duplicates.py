"""Likely duplicates: pairs of people (or companies) that may be one, with the evidence.

Never all pairs. Candidates come from blocks of people sharing a key, built in one pass:
the same normalized email, phone or URL (grouped in SQL), the same folded name ("José
García" = "Jose Garcia"), the same family name with first names that are nicknames of one
another ("Bob" / "Robert", from the ``nicknames`` dataset) or an initial of one another
("J. Smith" / "John Smith"). A block of more than ``COMMON`` people sharing only a name is a
common name, not evidence: its pairs are kept only when they also worked at the same
company. Each pair is then scored by all of its evidence (sharing a company adds to a name
match) and listed best first.

Same-name pairs are what an import reports as name-only ``suggestions`` (it never merges on a
name): they appear here until merged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Any, cast

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from crm.core.bulk import gc_paused
from crm.core.models import Company, CompanyAlias, ContactPoint, Person, Position, Suggestion

# A value (a shared switchboard, a family landline) held by more people than this matches
# nobody in particular.
SHARED_BY_AT_MOST = 5
# More people than this with one name: a common name, a pair needs more than the name.
COMMON = 10

WEIGHTS = {"email": 50, "phone": 45, "url": 40, "social": 40, "name": 30, "nickname": 20,
           "initial": 15, "company": 15}
_CONTACT_KINDS = ("email", "phone", "url", "social")


@dataclass(frozen=True)
class Evidence:
    """Why two records may be one: ``kind`` (email, phone, url, social, name, nickname,
    initial, company) and the value they share, as the user's data has it."""

    kind: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


@dataclass(frozen=True)
class Record:
    id: int
    name: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class DuplicatePair:
    """Two people (``kind="person"``) or companies that may be one; ``keep`` is the older
    record (the one a merge keeps unless told otherwise)."""

    kind: str
    keep: Record
    other: Record
    score: int
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "keep": self.keep.to_json(), "other": self.other.to_json(),
                "score": self.score, "evidence": [e.to_json() for e in self.evidence]}


@cache
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@cache
def _first_names(first: str) -> frozenset[str]:
    """The name and every name it is a nickname of, or has as a nickname."""
    nn = _nicknamer()
    return frozenset({first} | nn.canonicals_of(first) | nn.nicknames_of(first))


def find_duplicates(session: Session, *, limit: int | None = None,
                    companies: bool = True) -> list[DuplicatePair]:
    """Likely duplicate people (and companies), best first."""
    with gc_paused():
        pairs = _people_pairs(session)
        # Two people the user said are not the same (a same-person suggestion dismissed, a
        # card split off: crm.core.upkeep.split) are not proposed again.
        distinct = {frozenset(pair) for pair in session.execute(
            select(Suggestion.person_id, Suggestion.other_id)
            .where(Suggestion.kind == "same-person", Suggestion.status == "dismissed"))}
        if distinct:
            pairs = [p for p in pairs
                     if frozenset((p.keep.id, p.other.id)) not in distinct]
        if companies:
            pairs += _company_pairs(session)
    pairs.sort(key=lambda p: (-p.score, p.kind != "person", p.keep.id, p.other.id))
    return pairs[:limit] if limit else pairs


def _people_pairs(session: Session) -> list[DuplicatePair]:
    evidence: dict[tuple[int, int], dict[str, Evidence]] = defaultdict(dict)

    def add(a: int, b: int, ev: Evidence) -> None:
        key = (a, b) if a < b else (b, a)
        evidence[key].setdefault(ev.kind + "\0" + ev.detail, ev)

    # 1. Shared contact points, grouped by the database.
    shared = (select(ContactPoint.kind, ContactPoint.normalized)
              .where(ContactPoint.kind.in_(_CONTACT_KINDS), ContactPoint.normalized != "")
              .group_by(ContactPoint.kind, ContactPoint.normalized)
              # (a person never holds the same normalized value twice: count(*) will do)
              .having(func.count().between(2, SHARED_BY_AT_MOST))
              .subquery())
    # Plain rows on the session's connection: no ORM bookkeeping for 100k-row answers.
    conn = session.connection()
    holders: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for kind, norm, pid, value in _plain_rows(conn,
            select(ContactPoint.kind, ContactPoint.normalized, ContactPoint.person_id,
                   ContactPoint.value)
            .join(shared, (shared.c.kind == ContactPoint.kind)
                  & (shared.c.normalized == ContactPoint.normalized))):
        holders[(kind, norm)].setdefault(pid, value)
    for (kind, _norm), people in holders.items():
        for (a, va), (b, _vb) in combinations(sorted(people.items()), 2):
            add(a, b, Evidence(kind, va))

    # 2. Names, blocked by folded keys: work per distinct name, then per person.
    names: dict[int, str] = {}
    raw: dict[str, list[int]] = defaultdict(list)
    # (one fetch of plain tuples, not a fetch per row nor SQLAlchemy rows: 100k rows)
    for pid, display, key in _plain_rows(
            conn, select(Person.id, Person.display_name, Person.sort_key)):
        names[pid] = display
        raw[key].append(pid)
    by_name: dict[str, list[int]] = defaultdict(list)  # "jose garcia" -> ids
    for key, ids in raw.items():
        folded = " ".join(key.replace(".", " ").split())
        if folded:
            by_name[folded] += ids
    by_first: dict[tuple[str, str], list[str]] = defaultdict(list)  # (first-ish, family)
    by_initial: dict[tuple[str, str], list[str]] = defaultdict(list)
    initials: list[tuple[str, str, str]] = []
    first_of: dict[str, str] = {}
    for folded in by_name:
        ws = folded.split()
        if len(ws) < 2:
            continue
        first, family = ws[0], ws[-1]
        first_of[folded] = first
        if len(first) == 1:
            initials.append((folded, first, family))
        else:
            by_initial[(first[0], family)].append(folded)
            for f in _first_names(first):
                by_first[(f, family)].append(folded)
    # Blocks of more than COMMON people pair only those who worked at the same company.
    big = [ids for ids in by_name.values() if len(ids) > COMMON]
    for keys in by_first.values():
        if len(keys) > 1 and sum(len(by_name[k]) for k in keys) > COMMON:
            big.append([pid for k in keys for pid in by_name[k]])
    for folded, letter, family in initials:
        keys = by_initial.get((letter, family), [])
        if sum(len(by_name[k]) for k in keys) > COMMON:
            big.append([pid for k in [folded, *keys] for pid in by_name[k]])
    companies_of = _companies_of(session, big, everyone=len(names))
    everyone_known = _scan_all(big, len(names))
    nowhere: set[int] = set()

    def pairs_among(ids: list[int]) -> Iterable[tuple[int, int]]:
        """All pairs of a small block; of a big one, those who share a company (a pair may
        come twice: ``add`` keeps its evidence once)."""
        if len(ids) <= COMMON:
            return combinations(sorted(set(ids)), 2)
        at: dict[int, list[int]] = defaultdict(list)
        for pid in set(ids):
            for cid in companies_of.get(pid, nowhere):
                at[cid].append(pid)
        return [pair for group in at.values() if 1 < len(group) <= COMMON
                for pair in combinations(sorted(group), 2)]

    for ids in by_name.values():
        if len(ids) > 1:
            for a, b in pairs_among(ids):
                add(a, b, Evidence("name", names[a]))
    for keys in by_first.values():
        if len(keys) < 2:
            continue
        first_by_id = {pid: first_of[k] for k in keys for pid in by_name[k]}
        for a, b in pairs_among(list(first_by_id)):
            if first_by_id[a] != first_by_id[b]:
                add(a, b, Evidence("nickname", f"{names[a]} / {names[b]}"))
    for folded, letter, family in initials:
        # "J. Smith" and each John, Jane… Smith (not John and Jane with each other).
        keys = by_initial.get((letter, family), [])
        mine, others = by_name[folded], [pid for k in keys for pid in by_name[k]]
        for pid in mine:
            if len(others) > COMMON:
                held = companies_of.get(pid, nowhere)
                theirs = [o for o in others
                          if held and not held.isdisjoint(companies_of.get(o, nowhere))]
            else:
                theirs = others
            for other in theirs:
                add(pid, other, Evidence("initial", f"{names[pid]} / {names[other]}"))

    # 3. Score every candidate pair with all its evidence (a shared company adds to it).
    if not everyone_known:
        missing = {p for pair in evidence for p in pair if p not in companies_of}
        companies_of.update(_companies_of(session, [list(missing)], everyone=len(names)))
    scored: list[tuple[int, int, dict[str, Evidence], list[int]]] = []
    wanted: set[int] = set()
    for (a, b), evs in evidence.items():
        if len(evs) > 1 and any(e.kind == "name" for e in evs.values()):
            # the same name makes nickname/initial evidence redundant
            evs = {k: e for k, e in evs.items() if e.kind not in ("nickname", "initial")}
        at_a, at_b = companies_of.get(a), companies_of.get(b)
        both = sorted(at_a & at_b) if at_a and at_b else []
        wanted.update(both)
        scored.append((a, b, evs, both))
    company_names = _company_names(session, wanted)
    out = []
    for a, b, evs, both in scored:
        for cid in both:
            evs.setdefault(f"company\0{cid}", Evidence("company", company_names[cid]))
        ordered = (sorted(evs.values(), key=lambda e: (-WEIGHTS[e.kind], e.detail))
                   if len(evs) > 1 else list(evs.values()))
        out.append(DuplicatePair("person", Record(a, names[a]), Record(b, names[b]),
                                 _score(ordered), tuple(ordered)))
    return out


def _score(evidence: Iterable[Evidence]) -> int:
    seen: set[str] = set()
    total = 0
    for e in evidence:
        # A second shared company or email adds less than the first.
        total += WEIGHTS[e.kind] if e.kind not in seen else WEIGHTS[e.kind] // 3
        seen.add(e.kind)
    return min(total, 100)


def _companies_of(session: Session, groups: list[list[int]],
                  everyone: int = 0) -> dict[int, set[int]]:
    """Companies each person was ever at (for the people in ``groups``; of everyone, with
    nobody at none of them listed, when ``_scan_all``)."""
    out: dict[int, set[int]] = defaultdict(set)
    conn = session.connection()
    if _scan_all(groups, everyone):
        for pid, cid in _plain_rows(conn, select(Position.person_id, Position.company_id)):
            out[pid].add(cid)
        return out
    ids = sorted({pid for g in groups for pid in g})
    for i in range(0, len(ids), 5000):
        for pid, cid in _plain_rows(conn, select(Position.person_id, Position.company_id)
                                    .where(Position.person_id.in_(ids[i:i + 5000]))):
            out[pid].add(cid)
    for pid in ids:
        out.setdefault(pid, set())
    return out


def _plain_rows(conn: Connection, stmt: ClauseElement) -> list[Any]:
    """The rows of ``stmt`` as the DBAPI cursor gives them, in the session's transaction:
    plain tuples of integers and text, which need no SQLAlchemy row processing (a third of
    the cost of reading the 200k positions of 100k people)."""
    compiled = cast(SQLCompiler, stmt.compile(dialect=conn.dialect,
                                              compile_kwargs={"render_postcompile": True}))
    params = compiled.params
    args: Any = (tuple(params[name] for name in compiled.positiontup or ())
                 if compiled.positional else params)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _scan_all(groups: list[list[int]], everyone: int) -> bool:
    """Most people: one scan of every position beats looking them up."""
    return sum(len(g) for g in groups) * 4 > everyone > 0


def _company_names(session: Session, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    wanted = sorted(ids)
    for i in range(0, len(wanted), 5000):
        out.update(_plain_rows(session.connection(), select(Company.id, Company.name)
                               .where(Company.id.in_(wanted[i:i + 5000]))))
    return out


def _company_pairs(session: Session) -> list[DuplicatePair]:
    """Companies whose names or aliases reduce to the same key ("Stripe" and "Stripe, Inc.",
    or one's alias is the other's name)."""
    by_key: dict[str, dict[int, str]] = defaultdict(dict)
    names: dict[int, str] = {}
    for cid, name, key in session.execute(select(Company.id, Company.name, Company.name_key)):
        names[cid] = name
        if key:
            by_key[key].setdefault(cid, name)
    for cid, alias, key in session.execute(select(CompanyAlias.company_id, CompanyAlias.alias,
                                                  CompanyAlias.alias_key)):
        if key:
            by_key[key].setdefault(cid, alias)
    out = []
    seen: set[tuple[int, int]] = set()
    for held in by_key.values():
        if not 2 <= len(held) <= SHARED_BY_AT_MOST:
            continue
        for (a, na), (b, nb) in combinations(sorted(held.items()), 2):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            detail = na if na == nb else f"{na} / {nb}"
            out.append(DuplicatePair("company", Record(a, names[a]), Record(b, names[b]),
                                     WEIGHTS["name"] * 2, (Evidence("name", detail),)))
    return out
