"""``crm duplicates`` at 1k / 10k / 100k generated people, with duplicates planted.

    python -m bench.duplicates_bench [--sizes 1000,10000,100000] [--runs 5]

A copy of the cached generated network (``bench.cache``) gets twins planted: 1% of its
people get a second record, a third sharing their email, a third their name with a
nickname ("Sam" -> "Samuel"), a third their initial and family name at the same company.
Figures: ``find_duplicates`` in-process and ``crm duplicates --json`` as a whole process
(goal at 100k people: ≤ 2 s, issue 15).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from bench.cache import network_db
from bench.report import Result, markdown, seconds_goal, within
from bench.timing import load_average, measure, measure_process

GOAL = 2.0
NICK = {"Sam": "Samuel", "Tom": "Thomas", "Ben": "Benjamin", "Alan": "Al", "Ada": "Adeline",
        "Emma": "Em", "Noah": "Noe", "Liam": "William", "Lucas": "Luke", "Victor": "Vic"}


def planted(people: int, work: Path) -> tuple[Path, int]:
    """A copy of the network with 1% twins; returns it and how many were planted."""
    from sqlalchemy import insert, select

    from crm.core.db import open_database
    from crm.core.models import ContactPoint, Person, Position
    from crm.core.normalize import fold

    path = work / f"dups-{people}.sqlite3"
    shutil.copyfile(network_db(people), path)
    db = open_database(str(path))
    rng = random.Random(15)
    twins = max(people // 100, 3)
    with db.write() as s:
        ids = rng.sample(range(2, people + 1), twins)
        rows = s.execute(select(Person.id, Person.given_name, Person.family_name)
                         .where(Person.id.in_(ids))).all()
        emails = dict(s.execute(select(ContactPoint.person_id, ContactPoint.normalized)
                                .where(ContactPoint.person_id.in_(ids),
                                       ContactPoint.kind == "email")).all())
        jobs = dict(s.execute(select(Position.person_id, Position.company_id)
                              .where(Position.person_id.in_(ids))).all())
        next_id = people + 1
        for n, (pid, given_name, family) in enumerate(rows):
            given = str(given_name or "Someone")
            way = n % 3
            if way == 0:
                name = f"{given} {family}"
            elif way == 1:
                name = f"{NICK.get(given, given + 'y')} {family}"
            else:
                name = f"{given[0]}. {family}"
            s.execute(insert(Person).values(id=next_id, display_name=name, given_name=None,
                                            family_name=family, sort_key=fold(name),
                                            search_text=fold(name), source="bench"))
            if way == 0 and pid in emails:
                s.execute(insert(ContactPoint).values(person_id=next_id, kind="email",
                                                      value=emails[pid],
                                                      normalized=emails[pid]))
            if way == 2 and pid in jobs:
                s.execute(insert(Position).values(person_id=next_id, company_id=jobs[pid],
                                                  is_current=False, source="bench"))
            next_id += 1
    db.dispose()
    return path, twins


def bench_duplicates(people: int, runs: int) -> list[Result]:
    from crm.core.db import open_database
    from crm.core.upkeep.duplicates import find_duplicates

    work = Path(tempfile.mkdtemp(prefix="crm-dups-"))
    try:
        path, twins = planted(people, work)
        db = open_database(str(path))
        try:
            with db.read() as s:
                found = find_duplicates(s)
                size = f"{people:,} people, {twins} twins planted ({len(found)} pairs found)"
                inproc = measure(lambda: find_duplicates(s), runs, warmup=1)
        finally:
            db.dispose()
        env = dict(os.environ)
        env.pop("CRM_DATABASE_URL", None)
        whole = measure_process([sys.executable, "-m", "crm", "duplicates", "--json", "--db",
                                 str(path)], runs=runs, env=env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = [Result("`find_duplicates` in-process", size, inproc)]
    what = "`crm duplicates --json`, whole process"
    if people >= 100_000:
        results.append(within(whole, GOAL, what, size, seconds_goal(GOAL)))
    else:
        results.append(Result(what, size, whole))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates_bench")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores, load average {load_average():.2f}, "
          f"Python {sys.version.split()[0]}\n")
    results = []
    for people in (int(x) for x in args.sizes.split(",")):
        results += bench_duplicates(people, args.runs)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
