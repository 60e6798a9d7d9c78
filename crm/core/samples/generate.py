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

Deterministic for a given seed and ``today``. Streamed: people are made in id order and
written a chunk at a time with plain DBAPI executemany (no ORM objects, no per-row SQLAlchemy
work), the search text filled, so a million people take minutes and little memory.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Connection as Connection_
from sqlalchemy.orm import Session

from crm.core.contacts.people import count_people, search_text
from crm.core.errors import CrmError, DatabaseNotEmpty
from crm.core.models import Interaction, Person
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


class _Random(random.Random):
    """Cheaper choices (one float each instead of rejection sampling on random bits): a
    million people make tens of millions of them."""

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


class _Builder:
    def __init__(self, n: int, seed: int, today: date) -> None:
        self.n = n
        self.rng = _Random(seed)
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
        seen = self.staff_seen.setdefault(cid, [])
        seen.append(pid)
        if len(seen) > 120:
            del seen[:-60]  # links look at the last 60 only

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


# People are generated and written this many at a time, so memory stays flat at any size.
CHUNK = 20_000
_TABLES = ("company", "company_domain", "company_alias", "tag", "person", "contact_point",
           "person_tag", "position", "connection", "interaction")


class _Writer:
    """Plain DBAPI executemany of tuples, bypassing per-row SQLAlchemy work; values are
    converted once by the columns' own bind processors, so rows read back as the ORM wrote
    them. On SQLite the filled tables' secondary indexes and the search-index triggers are
    set aside while rows go in and rebuilt at the end (one sort each instead of a B-tree
    insert per row), all inside the caller's transaction."""

    def __init__(self, conn: Connection_, now: datetime) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self.mark = "?" if self.dialect.paramstyle == "qmark" else "%s"
        self.sqlite = self.dialect.name == "sqlite"
        created = Person.__table__.c.created_at.type
        self.now = self._process(created, now)
        self.true = self._process(Person.__table__.c.is_me.type, True)
        self.false = self._process(Person.__table__.c.is_me.type, False)
        self.date = Interaction.__table__.c.occurred_on.type.dialect_impl(
            self.dialect).bind_processor(self.dialect)
        self.statements: dict[str, str] = {}
        self.set_aside: list[str] = []
        self.cache_size = 0

    def _process(self, type_: Any, value: Any) -> Any:
        proc = type_.dialect_impl(self.dialect).bind_processor(self.dialect)
        return proc(value) if proc else value

    def day(self, value: date) -> Any:
        return self.date(value) if self.date else value

    def begin(self) -> None:
        if not self.sqlite:
            # The sort-key triggers would update a person per position and interaction;
            # the generator writes those keys itself.
            for table in ("position", "interaction", "company"):
                self.conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            return
        # A bigger page cache while the indexes are rebuilt (sorts of a million keys).
        self.cache_size = int(self.conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
        self.conn.exec_driver_sql("PRAGMA cache_size = -131072")
        names = ", ".join(f"'{t}'" for t in _TABLES)
        rows = self.conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            f"AND type IN ('index', 'trigger') AND tbl_name IN ({names})").all()
        for kind, name, sql in rows:
            # The triggers keep the search index and the sort keys, which are filled here.
            self.set_aside.append(sql)
            self.conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        sql = self.statements.get(table)
        if sql is None:
            quoted = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join([self.mark] * len(columns))
            sql = self.statements[table] = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
        self.conn.exec_driver_sql(sql, rows)

    def finish(self) -> None:
        if self.sqlite:
            for sql in self.set_aside:
                self.conn.exec_driver_sql(sql)
            self.conn.exec_driver_sql("INSERT INTO person_fts(person_fts) VALUES ('rebuild')")
            self.conn.exec_driver_sql(
                "INSERT INTO person_name_fts(person_name_fts) VALUES ('rebuild')")
        else:
            for table in ("position", "interaction", "company"):
                self.conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            for table in ("person", "company", "tag", "position", "connection",
                          "contact_point", "interaction"):
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))")
        # Fresh statistics so the planners pick the index-driven plans at any size.
        if self.sqlite:
            self.conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
        self.conn.exec_driver_sql("ANALYZE")
        if self.sqlite:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {self.cache_size}")


PERSON_COLUMNS = ("id", "display_name", "given_name", "family_name", "note", "is_me",
                  "known_via_id", "source", "sort_key", "search_text", "company_key",
                  "last_contacted", "created_at", "updated_at")
CONTACT_COLUMNS = ("id", "person_id", "kind", "label", "value", "normalized", "preferred")
POSITION_COLUMNS = ("id", "person_id", "company_id", "title", "department", "kind", "start",
                    "end", "is_current", "source", "created_at", "updated_at")
CONNECTION_COLUMNS = ("id", "person_id", "other_id", "kind", "strength", "source",
                      "created_at", "updated_at")
INTERACTION_COLUMNS = ("id", "person_id", "kind", "occurred_on", "summary", "created_at",
                       "updated_at")


def generate_network(session: Session, people: int, *, seed: int = 1,
                     today: date | None = None) -> GeneratedNetwork:
    """Fill an empty database with a generated network of ``people`` people.

    Streams: each person's career, links, contact points and search text are made in id
    order and written a chunk at a time, so memory does not grow with ``people``.
    """
    if people < 2:
        raise CrmError("a generated network needs at least 2 people")
    if count_people(session):
        raise DatabaseNotEmpty("generated")
    b = _Builder(people, seed, today or date.today())
    rng = b.rng
    w = _Writer(session.connection(), b.now)
    w.begin()
    now, true, false = w.now, w.true, w.false
    b.make_companies()
    w.insert("company", ("id", "name", "name_key", "website", "industry", "source",
                         "created_at", "updated_at"),
             [(c["id"], c["name"], c["name_key"], c["website"], c["industry"], SOURCE, now,
               now) for c in b.companies])
    w.insert("company_domain", ("company_id", "domain"),
             [(i + 1, d) for i, d in enumerate(b.domains)])
    w.insert("company_alias", ("company_id", "alias", "alias_key"),
             [(a["company_id"], a["alias"], a["alias_key"]) for a in b.aliases])
    w.insert("tag", ("id", "name"), [(i + 1, t) for i, t in enumerate(TAGS)])
    company_names = [c["name"] for c in b.companies]
    company_keys = [c["name_key"] for c in b.companies]
    sort_keys: dict[str, str] = {}
    aliases: dict[int, list[str]] = {}
    for alias in b.aliases:
        aliases.setdefault(alias["company_id"], []).append(alias["alias"])
    name_words: dict[str, str] = {}

    circle = min(150, max(3, people // 20), people - 1)
    my_jobs = b.make_my_career()
    counts = Counter[str]()
    person_rows: list[tuple[Any, ...]] = []
    cps: list[tuple[Any, ...]] = []
    conns: list[tuple[Any, ...]] = []
    interactions: list[tuple[Any, ...]] = []
    person_tags: list[tuple[int, int]] = []
    me_name = ""

    def flush() -> None:
        w.insert("person", PERSON_COLUMNS, person_rows)
        w.insert("contact_point", CONTACT_COLUMNS, cps)
        w.insert("person_tag", ("person_id", "tag_id"), person_tags)
        w.insert("position", POSITION_COLUMNS,
                 [(counts["positions"] - len(b.positions) + i + 1, p["person_id"],
                   p["company_id"], p["title"], p["department"], p["kind"], p["start"],
                   p["end"], true if p["is_current"] else false, SOURCE, now, now)
                  for i, p in enumerate(b.positions)])
        w.insert("connection", CONNECTION_COLUMNS, conns)
        w.insert("interaction", INTERACTION_COLUMNS, interactions)
        for rows in (person_rows, cps, person_tags, b.positions, conns, interactions):
            rows.clear()

    def connect(a: int, other: int, kind: str, partners: set[int]) -> bool:
        # Links go from a person to people with smaller ids, so a pair can only repeat
        # within the links of one person.
        if a == other or other in partners:
            return False
        partners.add(other)
        counts["connections"] += 1
        conns.append((counts["connections"], a, other, kind, rng.choice(STRENGTHS), SOURCE,
                      now, now))
        return True

    for pid in range(1, people + 1):
        before = 0 if pid == 1 else len(b.positions)  # my career was made first
        if pid == 1:
            pass
        elif pid <= circle + 1 and pid % 3 == 0:
            # A third of my circle overlapped with me somewhere: derived co-workers.
            cid, start, end = rng.choice(my_jobs)
            kind = "intern" if end else "full-time"
            b.add_position(pid, cid, rng.choice(INTERN_TITLES if end else TITLES), kind,
                           start, end, end is None)
            if end is not None:
                b.make_career(pid)
        else:
            b.make_career(pid)
        counts["positions"] += len(b.positions) - before
        mine = b.person_positions.pop(pid, [])

        # Connections: me -> my circle; each other person links to ~3 earlier people.
        partners: set[int] = set()
        if 2 <= pid <= circle + 1:
            connect(1, pid, rng.choice(MY_KINDS), set())
        first: int | None = None
        if pid >= 3:
            links = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
            for _ in range(links * 2):
                if links == 0:
                    break
                partner, kind = None, rng.choice(OTHER_KINDS)
                if mine and rng.random() < 0.6:
                    seen = b.staff_seen.get(rng.choice(mine)[0], [])
                    earlier = [p for p in seen[-60:] if 1 < p < pid]
                    if earlier:
                        partner, kind = rng.choice(earlier), "co-worker"
                if partner is None:
                    partner = rng.randint(max(2, pid - 2000), pid - 1)
                if connect(pid, partner, kind, partners):
                    links -= 1
                    first = first or partner
        known_via = first if pid > circle + 1 else None

        # The person, with contact points, tags and the folded search text.
        given, family = rng.choice(FIRST), rng.choice(LAST)
        display = f"{given} {family}"
        folded_given = name_words.get(given) or name_words.setdefault(
            given, "".join(words(given)))
        folded_family = name_words.get(family) or name_words.setdefault(
            family, "".join(words(family)))
        local = f"{folded_given}.{folded_family}{pid}"
        now_at = None
        for position in b.positions[before:]:
            if position["is_current"]:
                now_at = position["company_id"]
        domain = b.domains[now_at - 1] if now_at and rng.random() < 0.7 else "example.com"
        email = f"{local}@{domain}"
        contacts: list[tuple[str, str, str]] = [("email", email, email)]
        counts["contact_points"] += 1
        cps.append((counts["contact_points"], pid, "email", "work", email, email, true))
        if rng.random() < 0.5:
            area, line = rng.choice(AREA_CODES), f"{rng.randint(0, 9999):04d}"
            phone, normalized = f"+1 {area} 555 {line}", f"+1{area}555{line}"
            contacts.append(("phone", phone, normalized))
            counts["contact_points"] += 1
            cps.append((counts["contact_points"], pid, "phone", "cell", phone, normalized,
                        false))
        note = None
        if rng.random() < 0.1:
            note = f"Met at {rng.choice(['a meetup', 'a conference', 'the career fair'])}."
        tags = []
        if rng.random() < 0.03:
            tag = rng.randint(1, len(TAGS))
            person_tags.append((pid, tag))
            tags.append(TAGS[tag - 1])
        found_by = search_text(
            display, given_name=given, family_name=family, note=note, contacts=contacts,
            positions=[(title, department, company_names[cid - 1], aliases.get(cid, []))
                       for cid, title, department in mine],
            tags=tags)
        last_contacted = None
        if pid >= 2:
            times = rng.randint(0, 6) if pid <= circle + 1 else int(rng.random() < 0.01)
            for _ in range(times):
                counts["interactions"] += 1
                when = b.today - timedelta(days=rng.randint(1, 1100))
                last_contacted = max(when, last_contacted or when)
                interactions.append((counts["interactions"], pid,
                                     rng.choice(INTERACTION_KINDS), w.day(when), "Caught up.",
                                     now, now))
        # The current company the list sorts by: of two current positions, the one that
        # started last, then the later one (as migration 0008's triggers pick it).
        current = [(p["start"] or "", i, company_keys[p["company_id"] - 1])
                   for i, p in enumerate(b.positions[before:]) if p["is_current"]]
        sort_key = sort_keys.get(display) or sort_keys.setdefault(display,
                                                                 fold(display).strip())
        person_rows.append((pid, display, given, family, note, true if pid == 1 else false,
                            known_via, SOURCE, sort_key, found_by,
                            max(current)[2] if current else None,
                            w.day(last_contacted) if last_contacted else None, now, now))
        if pid == 1:
            me_name = display
        if len(person_rows) >= CHUNK:
            flush()
    flush()
    w.finish()
    return GeneratedNetwork(people, len(b.companies), counts["positions"],
                            counts["connections"], counts["interactions"],
                            counts["contact_points"], me_name)
