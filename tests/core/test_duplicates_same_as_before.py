"""``find_duplicates`` finds exactly what it found before it was made faster: the same pairs,
scores and evidence, on the demo network and on a generated network with planted twins, on
both backends. The algorithm as it was is kept below as the reference."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.core.bulk import gc_paused
from crm.core.contacts.companies import get_or_create_company
from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database, open_database
from crm.core.models import Company, CompanyAlias, ContactPoint, Person, Position
from crm.core.samples.demo import load_demo
from crm.core.samples.generate import generate_network
from crm.core.upkeep.duplicates import (
    _CONTACT_KINDS,
    COMMON,
    SHARED_BY_AT_MOST,
    WEIGHTS,
    DuplicatePair,
    Evidence,
    Record,
    _first_names,
    find_duplicates,
)


def _same_as_reference(db: Database) -> list[DuplicatePair]:
    with db.read() as s:
        new = find_duplicates(s)
        old = _ref_find_duplicates(s)
        assert find_duplicates(s, limit=7, companies=False) == [
            p for p in old if p.kind == "person"][:7]
    assert new == old
    return new


def test_demo_network_same_pairs_as_before(db: Database) -> None:
    with db.write() as s:
        load_demo(s)
    _same_as_reference(db)


def _plant(s: Session) -> None:
    """Twins of generated people (same name, nickname, initial, shared email) and crowds
    of one name (more than COMMON people, some at the same companies) with their nickname
    and initial variants, accents and stray dots and spaces."""
    rng = random.Random(15)
    people = list(s.scalars(select(Person).order_by(Person.id)))
    companies = [get_or_create_company(s, n) for n in ("Stripe", "Globex", "Initech")]
    for n, p in enumerate(rng.sample(people, 40)):
        given = (p.display_name.split() or ["X"])[0]
        family = p.display_name.split()[-1]
        name = [p.display_name, f"{given[0]}. {family}", f"{given}y {family}",
                f"{given}  {family}."][n % 4]
        emails = [c.value for c in p.contact_points if c.kind == "email"][:1] if n % 3 else []
        twin = create_person(s, name, emails=emails)
        if p.positions and n % 2:
            add_position(s, twin, p.positions[0].company)
    crowd = ["Sam Lee"] * (COMMON + 4) + ["Samuel Lee"] * 5 + ["S. Lee"] * 3 + \
        ["Sám Lée", "Sam. Lee", "Bob Stone", "Robert Stone", "R. Stone", "Lee"] + \
        ["José García"] * (COMMON + 2) + ["J. Garcia"] * 2 + ["Jose Garcia"]
    for n, name in enumerate(crowd):
        person = create_person(s, name, phones=["+1 415 555 0199"] if n % 17 == 0 else [])
        for company in rng.sample(companies, rng.randrange(0, 3)):
            add_position(s, person, company, title="Engineer")
    for name in ("Stripe, Inc.", "Globex Corporation"):
        s.add(Company(name=name, name_key=name.split(",")[0].split()[0].lower()))
    s.flush()


def test_generated_network_with_planted_twins_same_pairs_as_before(db: Database) -> None:
    with db.write() as s:
        generate_network(s, 1500, seed=3)
    with db.write() as s:
        _plant(s)
    found = _same_as_reference(db)
    kinds = {e.kind for p in found for e in p.evidence}
    assert {"email", "phone", "name", "nickname", "initial", "company"} <= kinds
    big = [p for p in found if p.keep.name == p.other.name == "Sam Lee"]
    assert big and all(any(e.kind == "company" for e in p.evidence) for p in big)


def test_duplicates_json_writes_what_the_general_encoder_writes(crm: Any, db_url: str) -> None:
    """``crm duplicates --json`` writes each pair on a fast path (``duplicate_item``): the
    same text as the general JSON of ``pair.to_json()``, odd characters included."""
    import json

    from crm.cli.output import _nested, duplicate_item
    from crm.core.terminal_text import json_for_terminal

    odd = ["", "plain", 'q"uote', "back\\slash", "line\nbreak\ttab", "\x1b[31m",
           "\u2028\u2029", "é☃𝄞", "\x7f\x85"]
    rnd = random.Random(7)
    pairs = [DuplicatePair(rnd.choice(["person", "company"]),
                           Record(rnd.randint(1, 10**12), rnd.choice(odd)),
                           Record(rnd.randint(1, 10**12), rnd.choice(odd)), rnd.randint(0, 100),
                           tuple(Evidence(rnd.choice(odd), rnd.choice(odd))
                                 for _ in range(rnd.randint(0, 3)))) for _ in range(300)]
    for pair in pairs:
        general = json.dumps([pair.to_json()], ensure_ascii=False, indent=2)
        assert "[\n  " + duplicate_item(pair) + "\n]" == general
        assert _nested(pair.to_json()) == duplicate_item(pair)
    assert crm("duplicates", "--json").stdout == "[]\n"
    crm("add", "person", "Ada\x1b[31m Lovelace")
    crm("add", "person", "Ada\x1b[31m Lovelace")
    out = crm("duplicates", "--json").stdout
    database = open_database(db_url)
    with database.read() as s:
        expected = json.dumps([p.to_json() for p in find_duplicates(s)], ensure_ascii=False,
                              indent=2)
    database.dispose()
    assert out == json_for_terminal(expected) + "\n"
    assert len(json.loads(out)) == 1


# The reference: crm.core.upkeep.duplicates as it was before the speed-up (issue 15).

def _ref_find_duplicates(session: Session, *, limit: int | None = None,
                    companies: bool = True) -> list[DuplicatePair]:
    """``find_duplicates`` before candidate pairs were blocked on distinct names (the
    reference the new one must agree with, pair for pair and evidence for evidence)."""
    with gc_paused():
        pairs = _ref_people_pairs(session)
        if companies:
            pairs += _ref_company_pairs(session)
    pairs.sort(key=lambda p: (-p.score, p.kind != "person", p.keep.id, p.other.id))
    return pairs[:limit] if limit else pairs


def _ref_people_pairs(session: Session) -> list[DuplicatePair]:
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
    for kind, norm, pid, value in conn.execute(
            select(ContactPoint.kind, ContactPoint.normalized, ContactPoint.person_id,
                   ContactPoint.value)
            .join(shared, (shared.c.kind == ContactPoint.kind)
                  & (shared.c.normalized == ContactPoint.normalized))).all():
        holders[(kind, norm)].setdefault(pid, value)
    for (kind, _norm), people in holders.items():
        for (a, va), (b, _vb) in combinations(sorted(people.items()), 2):
            add(a, b, Evidence(kind, va))

    # 2. Names, blocked by folded keys: work per distinct name, then per person.
    names: dict[int, str] = {}
    raw: dict[str, list[int]] = defaultdict(list)
    # (``all()``: one fetch, not a fetch per row, 100k rows: -0.3 s)
    for pid, display, key in conn.execute(
            select(Person.id, Person.display_name, Person.sort_key)).all():
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
    big = [ids for ids in by_name.values() if len(ids) > COMMON]
    for keys in by_first.values():
        if len(keys) > 1 and sum(len(by_name[k]) for k in keys) > COMMON:
            big.append([pid for k in keys for pid in by_name[k]])
    for folded, letter, family in initials:
        keys = by_initial.get((letter, family), [])
        if sum(len(by_name[k]) for k in keys) > COMMON:
            big.append([pid for k in [folded, *keys] for pid in by_name[k]])
    companies_of = _ref_companies_of(session, big, everyone=len(names))

    def pairs_among(ids: list[int]) -> Iterable[tuple[int, int]]:
        """All pairs of a small block; of a big one, those who share a company."""
        if len(ids) <= COMMON:
            return combinations(sorted(set(ids)), 2)
        at: dict[int, list[int]] = defaultdict(list)
        for pid in set(ids):
            for cid in companies_of.get(pid, ()):
                at[cid].append(pid)
        return {pair for group in at.values() if len(group) <= COMMON
                for pair in combinations(sorted(group), 2)}

    for ids in by_name.values():
        if len(ids) > 1:
            for a, b in pairs_among(ids):
                add(a, b, Evidence("name", names[a]))
    name_of = {pid: folded for folded, ids in by_name.items() for pid in ids
               if folded in first_of} if by_first else {}
    for keys in by_first.values():
        if len(keys) < 2:
            continue
        for a, b in pairs_among([pid for k in keys for pid in by_name[k]]):
            if first_of[name_of[a]] != first_of[name_of[b]]:
                add(a, b, Evidence("nickname", f"{names[a]} / {names[b]}"))
    for folded, letter, family in initials:
        # "J. Smith" and each John, Jane… Smith (not John and Jane with each other).
        keys = by_initial.get((letter, family), [])
        mine, others = by_name[folded], [pid for k in keys for pid in by_name[k]]
        for pid in mine:
            if len(others) > COMMON:
                theirs = [o for o in others
                          if companies_of.get(o, set()) & companies_of.get(pid, set())]
            else:
                theirs = others
            for other in theirs:
                add(pid, other, Evidence("initial", f"{names[pid]} / {names[other]}"))

    # 3. Score every candidate pair with all its evidence (a shared company adds to it).
    candidates = list(evidence)
    companies_of.update(_ref_companies_of(session, [[p for pair in candidates for p in pair
                                                  if p not in companies_of]],
                                      everyone=len(names)))
    company_names = _ref_company_names(session, {c for pair in candidates for p in pair
                                             for c in companies_of.get(p, ())})
    out = []
    for a, b in candidates:
        evs = dict(evidence[(a, b)])
        kinds = {e.kind for e in evs.values()}
        if "name" in kinds:  # the same name makes nickname/initial evidence redundant
            evs = {k: e for k, e in evs.items() if e.kind not in ("nickname", "initial")}
        for cid in sorted(set(companies_of.get(a, ())) & set(companies_of.get(b, ()))):
            evs.setdefault(f"company\0{cid}", Evidence("company", company_names[cid]))
        ordered = sorted(evs.values(), key=lambda e: (-WEIGHTS[e.kind], e.detail))
        score = _ref_score(ordered)
        out.append(DuplicatePair("person", Record(a, names[a]), Record(b, names[b]), score,
                                 tuple(ordered)))
    return out


def _ref_score(evidence: Iterable[Evidence]) -> int:
    seen: set[str] = set()
    total = 0
    for e in evidence:
        # A second shared company or email adds less than the first.
        total += WEIGHTS[e.kind] if e.kind not in seen else WEIGHTS[e.kind] // 3
        seen.add(e.kind)
    return min(total, 100)


def _ref_companies_of(session: Session, groups: list[list[int]],
                  everyone: int = 0) -> dict[int, set[int]]:
    """Companies each person was ever at (for the people in ``groups``)."""
    ids = sorted({pid for g in groups for pid in g})
    out: dict[int, set[int]] = defaultdict(set)
    conn = session.connection()
    if ids and len(ids) * 4 > everyone > 0:  # most people: one scan beats many lookups
        for pid, cid in conn.execute(select(Position.person_id,
                                            Position.company_id)).all():
            out[pid].add(cid)
    else:
        for i in range(0, len(ids), 5000):
            for pid, cid in conn.execute(
                    select(Position.person_id, Position.company_id)
                    .where(Position.person_id.in_(ids[i:i + 5000]))).all():
                out[pid].add(cid)
    for pid in ids:
        out.setdefault(pid, set())
    return dict(out)


def _ref_company_names(session: Session, ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    wanted = sorted(ids)
    for i in range(0, len(wanted), 5000):
        out.update((cid, name) for cid, name in session.execute(
            select(Company.id, Company.name).where(Company.id.in_(wanted[i:i + 5000]))))
    return out


def _ref_company_pairs(session: Session) -> list[DuplicatePair]:
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
