"""A generated network of N people for scale tests (``crm demo --people N [--seed S]``).

Shape, from "my" point of view (person 1 is me):
- companies: about one per 12 people; sizes follow a long tail (weight 1/(rank+8)), so a few
  companies hold ~2% of all positions each and most hold one or two;
- careers: ~40% did a summer internship the year before graduating, then one to three
  full-time jobs of one to five years, the last one usually current; dates mostly YYYY-MM,
  some YYYY, a few with an unknown start;
- my circle: up to 150 people connected to me (known_via empty), a third of them with a
  position overlapping one of mine (derived co-workers);
- everyone else was recorded through someone (``known_via`` = their first connection) and
  makes about 3 connections (so ~3 links per person in all), preferring co-workers at a
  shared company, otherwise people nearby in the id order (networks are local);
- interactions: a few per person in my circle, one for about 1% of the others.

Deterministic for a given seed and ``today``. Written with Core bulk inserts (executemany),
with the search text filled, so 100k people take seconds, not minutes.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from crm.core.contacts.people import count_people, search_text
from crm.core.errors import CrmError, DatabaseNotEmpty
from crm.core.models import (
    Company,
    CompanyAlias,
    CompanyDomain,
    Connection,
    ContactPoint,
    Interaction,
    Person,
    PersonTag,
    Position,
    Tag,
)
from crm.core.normalize import company_key, fold, words

SOURCE = "generated"

FIRST = ["Ada", "Alan", "Grace", "Linus", "Priya", "Marcus", "Elena", "Emma", "Sam", "Lina",
         "Tom", "Diego", "Rachel", "Kenji", "Aisha", "Noah", "Arjun", "Margaret", "Omar",
         "Chloé", "Ravi", "Zoë", "Hannah", "Victor", "Isabel", "Olivia", "Ben", "Julia",
         "Felix", "Sofia", "Ahmed", "Mei", "Lucas", "José", "Søren", "Łukasz", "Amélie",
         "Björn", "Fatima", "Yuki", "Wei", "Ananya", "Kwame", "Ngozi", "Mateo", "Camila",
         "Liam", "Ava", "Ethan", "Mia", "Oliver", "Nora", "Hugo", "Inès", "Jonas", "Léa",
         "Tariq", "Leila", "Dmitri", "Irina", "Pedro", "Lucía", "Hiro", "Sakura", "Jin",
         "Min-jun", "Thandiwe", "Sipho", "Aroha", "Nikolai"]
LAST = ["Lee", "Natarajan", "Webb", "Petrova", "Wilson", "Okafor", "Haddad", "Becker", "Kim",
        "Alvarez", "Moore", "Watanabe", "Bello", "Fischer", "Mehta", "Chen", "Siddiqui",
        "Dubois", "Shah", "Müller", "Brooks", "Nguyen", "Santos", "Park", "Carter", "Novak",
        "Wagner", "Rossi", "Karim", "Lin", "Martin", "García", "Søndergaard", "Kowalski",
        "Lefèvre", "Andersson", "Hassan", "Tanaka", "Wang", "Iyer", "Mensah", "Okonkwo",
        "Rodríguez", "Hernández", "Smith", "Johnson", "Brown", "Jones", "Miller", "Davis",
        "O'Brien", "Schröder", "Dvořák", "Nakamura", "Zhang", "Singh", "Khan", "Ivanova",
        "Costa", "Silva", "Yilmaz", "Kaya", "Dlamini", "Ngata", "Volkov", "Björk"]
STEMS = ["Nor", "Glo", "Ini", "Hoo", "Ac", "Blue", "Red", "Quant", "Data", "Cloud", "Pix",
         "Strat", "Vel", "Zen", "Arc", "Nova", "Lum", "Orb", "Tera", "Hex", "Sol", "Kite",
         "Mint", "Flux", "Core", "Iron", "Silver", "Green", "Bright", "Swift", "Deep", "Open"]
TAILS = ["tech", "ware", "labs", "works", "ly", "soft", "net", "wind", "bex", "tech", "io",
         "ify", "stack", "grid", "path", "forge", "scale", "base", "mark", "beam"]
KINDS_OF_BUSINESS = [("Analytics", "Data & analytics"), ("Robotics", "Robotics"),
                     ("Health", "Health care"), ("Systems", "Enterprise software"),
                     ("Payments", "Payments"), ("Bank", "Banking"), ("Games", "Games"),
                     ("Energy", "Energy"), ("Media", "Media"), ("", "Software"),
                     ("", "Consumer internet"), ("Consulting", "Consulting")]
LEGAL = ["", "", ", Inc.", " Inc.", " LLC", " Ltd", " GmbH", " Corp."]
TITLES = ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Data Analyst",
          "Data Scientist", "Product Manager", "Engineering Manager", "Designer",
          "Site Reliability Engineer", "Technical Recruiter", "Account Executive",
          "Marketing Manager", "Research Scientist", "QA Engineer", "Solutions Architect",
          "Financial Analyst", "Operations Manager", "Hardware Engineer", "Consultant"]
INTERN_TITLES = ["Software Engineering Intern", "Data Intern", "Product Intern",
                 "Research Intern", "Design Intern", "Marketing Intern"]
DEPARTMENTS = ["Engineering", "Data", "Product", "Design", "Sales", "Marketing", "Research",
               "Operations", "Finance", "People"]
MY_KINDS = ["co-worker", "fellow-intern", "manager", "mentor", "classmate", "friend",
            "recruiter", "acquaintance", "professor"]
OTHER_KINDS = ["friend", "classmate", "acquaintance", "mentor", "recruiter"]
INTERACTION_KINDS = ["call", "coffee", "email", "message", "meeting", "event"]
TAGS = ["mentor", "recruiter", "reference", "university", "friend", "alumni"]
STRENGTHS = [1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5]
AREA_CODES = ["415", "650", "212", "617", "312", "206", "512", "303", "646", "510"]


@dataclass(frozen=True)
class GeneratedNetwork:
    people: int
    companies: int
    positions: int
    connections: int
    interactions: int
    contact_points: int
    me: str

    def to_json(self) -> dict[str, object]:
        return {"people": self.people, "companies": self.companies,
                "positions": self.positions, "connections": self.connections,
                "interactions": self.interactions, "contact_points": self.contact_points,
                "me": self.me}


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


class _Builder:
    def __init__(self, n: int, seed: int, today: date) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime(today.year, today.month, today.day, tzinfo=UTC)
        self.companies: list[dict[str, Any]] = []
        self.domains: list[str] = []
        self.aliases: list[dict[str, Any]] = []
        self.positions: list[dict[str, Any]] = []
        # (company id, title, department) of each person's positions, in order.
        self.person_positions: dict[int, list[tuple[int, str, str]]] = {}
        self.staff_seen: dict[int, list[int]] = {}

    # -- companies ----------------------------------------------------------------------------

    def make_companies(self) -> None:
        rng = self.rng
        count = max(5, self.n // 12)
        keys: set[str] = set()
        slugs: set[str] = set()
        for cid in range(1, count + 1):
            business, industry = rng.choice(KINDS_OF_BUSINESS)
            base = rng.choice(STEMS) + rng.choice(TAILS)
            name = f"{base} {business}".strip() + rng.choice(LEGAL)
            key = company_key(name)
            k = 2
            while key in keys:
                name = f"{base}{k} {business}".strip()
                key = company_key(name)
                k += 1
            keys.add(key)
            slug = key.replace(" ", "")
            while slug in slugs:
                slug += "x"
            slugs.add(slug)
            self.companies.append({
                "id": cid, "name": name, "name_key": key, "website": f"https://{slug}.com",
                "industry": industry, "location": None, "note": None, "source": SOURCE,
                "created_at": self.now, "updated_at": self.now})
            self.domains.append(f"{slug}.com")
            if rng.random() < 0.05 and business:
                alias_key = company_key(base)
                if alias_key not in keys:
                    keys.add(alias_key)
                    self.aliases.append({"company_id": cid, "alias": base,
                                         "alias_key": alias_key})
        self.cum_weights = list(accumulate(1.0 / (rank + 8) for rank in range(count)))

    def pick_company(self) -> int:
        x = self.rng.random() * self.cum_weights[-1]
        return bisect_left(self.cum_weights, x) + 1

    # -- careers ------------------------------------------------------------------------------

    def _date(self, year: int, month: int) -> str | None:
        r = self.rng.random()
        if r < 0.80:
            return _month(year, month)
        if r < 0.95:
            return f"{year:04d}"
        return None

    def add_position(self, pid: int, cid: int, title: str, kind: str, start: str | None,
                     end: str | None, current: bool) -> None:
        department = self.rng.choice(DEPARTMENTS)
        self.positions.append({
            "person_id": pid, "company_id": cid, "title": title,
            "department": department, "kind": kind, "start": start,
            "end": end, "is_current": current, "note": None, "source": SOURCE,
            "created_at": self.now, "updated_at": self.now})
        self.person_positions.setdefault(pid, []).append((cid, title, department))
        self.staff_seen.setdefault(cid, []).append(pid)

    def make_career(self, pid: int) -> None:
        rng, year_now = self.rng, self.today.year
        grad = rng.randint(year_now - 20, year_now + 1)
        if rng.random() < 0.4 and grad - 1 <= year_now:
            y = grad - 1
            self.add_position(pid, self.pick_company(), rng.choice(INTERN_TITLES), "intern",
                              _month(y, 6), _month(y, 8), False)
        year, month = grad, rng.choice([1, 6, 7, 8, 9])
        jobs = rng.choice([1, 1, 2, 2, 3])
        for j in range(jobs):
            if (year, month) > (year_now, self.today.month):
                break
            start = self._date(year, month)
            last = j == jobs - 1
            length = rng.randint(1, 5)
            end_year, end_month = year + length, rng.randint(1, 12)
            if (last and rng.random() < 0.85) or (end_year, end_month) >= (
                    year_now, self.today.month):
                self.add_position(pid, self.pick_company(), rng.choice(TITLES), "full-time",
                                  start, None, True)
                break
            self.add_position(pid, self.pick_company(), rng.choice(TITLES), "full-time",
                              start, self._date(end_year, end_month) or f"{end_year:04d}",
                              False)
            year, month = end_year, min(12, end_month + 1)

    def make_my_career(self) -> list[tuple[int, str, str | None]]:
        count = len(self.companies)
        y = self.today.year
        # Mid-size companies (a few dozen people there over the years), like most careers.
        mine = [(max(1, count // 5), "intern", _month(y - 3, 6), _month(y - 3, 8)),
                (max(1, count // 10), "intern", _month(y - 2, 6), _month(y - 2, 8)),
                (max(1, count // 20), "full-time", _month(y - 1, 1), None)]
        for cid, kind, start, end in mine:
            title = "Software Engineering Intern" if kind == "intern" else "Software Engineer"
            self.add_position(1, cid, title, kind, start, end, end is None)
        return [(cid, start, end) for cid, _, start, end in mine]


def generate_network(session: Session, people: int, *, seed: int = 1,
                     today: date | None = None) -> GeneratedNetwork:
    """Fill an empty database with a generated network of ``people`` people."""
    if people < 2:
        raise CrmError("a generated network needs at least 2 people")
    if count_people(session):
        raise DatabaseNotEmpty("generated")
    b = _Builder(people, seed, today or date.today())
    rng = b.rng
    b.make_companies()
    circle = min(150, max(3, people // 20), people - 1)
    my_jobs = b.make_my_career()
    for pid in range(2, people + 1):
        if pid <= circle + 1 and pid % 3 == 0:
            # A third of my circle overlapped with me somewhere: derived co-workers.
            cid, start, end = rng.choice(my_jobs)
            kind = "intern" if end else "full-time"
            b.add_position(pid, cid, rng.choice(INTERN_TITLES if end else TITLES), kind,
                           start, end, end is None)
            if end is None:
                continue
        b.make_career(pid)

    # Connections: me -> my circle, then each other person links to ~3 earlier people.
    conns: list[dict[str, Any]] = []
    pairs: set[tuple[int, int]] = set()
    known_via: dict[int, int] = {}

    def connect(a: int, b_: int, kind: str) -> bool:
        if a == b_ or (a, b_) in pairs or (b_, a) in pairs:
            return False
        pairs.add((a, b_))
        conns.append({"person_id": a, "other_id": b_, "kind": kind,
                      "strength": rng.choice(STRENGTHS), "how_met": None, "since": None,
                      "note": None, "context_company_id": None, "context_position_id": None,
                      "context_event": None, "source": SOURCE, "created_at": b.now,
                      "updated_at": b.now})
        return True

    for pid in range(2, circle + 2):
        connect(1, pid, rng.choice(MY_KINDS))
    for pid in range(3, people + 1):
        links = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
        first: int | None = None
        for _ in range(links * 2):
            if links == 0:
                break
            mine = b.person_positions.get(pid, [])
            partner, kind = None, rng.choice(OTHER_KINDS)
            if mine and rng.random() < 0.6:
                cid = rng.choice(mine)[0]
                seen = b.staff_seen.get(cid, [])
                earlier = [p for p in seen[-60:] if 1 < p < pid]
                if earlier:
                    partner, kind = rng.choice(earlier), "co-worker"
            if partner is None:
                partner = rng.randint(max(2, pid - 2000), pid - 1)
            if connect(pid, partner, kind):
                links -= 1
                first = first or partner
        if pid > circle + 1 and first is not None:
            known_via[pid] = first

    # People, with contact points, tags and the folded search text.
    person_rows: list[dict[str, Any]] = []
    cps: list[dict[str, Any]] = []
    person_tags: list[dict[str, Any]] = []
    name_words: dict[str, list[str]] = {}
    aliases: dict[int, list[str]] = {}
    for alias in b.aliases:
        aliases.setdefault(alias["company_id"], []).append(alias["alias"])
    current_company: dict[int, int] = {}
    for row in b.positions:
        if row["is_current"]:
            current_company[row["person_id"]] = row["company_id"]
    for pid in range(1, people + 1):
        given, family = rng.choice(FIRST), rng.choice(LAST)
        display = f"{given} {family}"
        folded_given = name_words.get(given) or name_words.setdefault(given, words(given))
        folded_family = name_words.get(family) or name_words.setdefault(family, words(family))
        local = f"{''.join(folded_given)}.{''.join(folded_family)}{pid}"
        now_at = current_company.get(pid)
        domain = b.domains[now_at - 1] if now_at and rng.random() < 0.7 else "example.com"
        first_cp = len(cps)
        cps.append({"person_id": pid, "kind": "email", "label": "work", "value":
                    f"{local}@{domain}", "normalized": f"{local}@{domain}", "preferred": True})
        if rng.random() < 0.5:
            area, line = rng.choice(AREA_CODES), f"{rng.randint(0, 9999):04d}"
            cps.append({"person_id": pid, "kind": "phone", "label": "cell",
                        "value": f"+1 {area} 555 {line}",
                        "normalized": f"+1{area}555{line}", "preferred": False})
        note = None
        if rng.random() < 0.1:
            note = f"Met at {rng.choice(['a meetup', 'a conference', 'the career fair'])}."
        tags = []
        if rng.random() < 0.03:
            tag = rng.randrange(len(TAGS)) + 1
            person_tags.append({"person_id": pid, "tag_id": tag})
            tags.append(TAGS[tag - 1])
        found_by = search_text(
            display, given_name=given, family_name=family, note=note,
            contacts=[(c["kind"], c["value"], c["normalized"]) for c in cps[first_cp:]],
            positions=[(title, department, b.companies[cid - 1]["name"], aliases.get(cid, []))
                       for cid, title, department in b.person_positions.get(pid, [])],
            tags=tags)
        person_rows.append({
            "id": pid, "display_name": display, "given_name": given, "family_name": family,
            "note": note, "is_me": pid == 1, "known_via_id": known_via.get(pid),
            "source": SOURCE, "sort_key": fold(display).strip(),
            "search_text": found_by,
            "created_at": b.now, "updated_at": b.now})

    interactions: list[dict[str, Any]] = []
    for pid in range(2, people + 1):
        times = rng.randint(0, 6) if pid <= circle + 1 else int(rng.random() < 0.01)
        for _ in range(times):
            interactions.append({
                "person_id": pid, "kind": rng.choice(INTERACTION_KINDS),
                "occurred_on": b.today - timedelta(days=rng.randint(1, 1100)),
                "summary": "Caught up.", "created_at": b.now, "updated_at": b.now})

    conn = session.connection()
    conn.execute(insert(Company), b.companies)
    conn.execute(insert(CompanyDomain), [{"company_id": i + 1, "domain": d}
                                         for i, d in enumerate(b.domains)])
    if b.aliases:
        conn.execute(insert(CompanyAlias), b.aliases)
    conn.execute(insert(Tag), [{"id": i + 1, "name": t} for i, t in enumerate(TAGS)])
    conn.execute(insert(Person), person_rows)
    conn.execute(insert(ContactPoint), cps)
    if person_tags:
        conn.execute(insert(PersonTag), person_tags)
    conn.execute(insert(Position), b.positions)
    conn.execute(insert(Connection), conns)
    if interactions:
        conn.execute(insert(Interaction), interactions)
    if conn.dialect.name == "postgresql":
        for table in ("person", "company", "tag"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    # Fresh statistics so the planners pick the index-driven plans at any size.
    conn.execute(text("ANALYZE"))
    return GeneratedNetwork(people, len(b.companies), len(b.positions), len(conns),
                            len(interactions), len(cps), person_rows[0]["display_name"])
