"""Network queries at 1k / 10k / 100k generated people: who-at, ``crm who``, search.

    python -m bench.network_bench [--sizes 1000,10000,100000] [--runs 7]

Each network is built once with crm's generator (``crm demo --people N``, seed 1) and cached
(``bench.cache``). Figures are medians (min–max) of several runs with the median CPU time:
- who-at in-process (``crm.core.network.who_at``) for the biggest company;
- ``crm who '#ID' --json`` as a whole process, next to ``python -c 'import sqlalchemy.orm'``
  measured in the same run (the floor no Python command using the ORM can go under);
- a search in-process (``search_ids``, first page of 50) and ``crm people QUERY --json``.

With ``--postgres URL`` (or ``$CRM_BENCH_POSTGRES_URL``) the same network is generated into a
database of its own on that PostgreSQL server and measured there too.
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from bench.cache import network_db, network_pg
from bench.report import Result, markdown, seconds_goal, within
from bench.timing import Timing, load_average, measure, measure_process

SEARCHES = ["mul", "software eng", "a"]
WHO_GOAL = 0.35  # SPEC: `crm who X --json` at 100k people, whole process


def crm_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "crm", *args]


def crm_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CRM_DATABASE_URL", None)
    return env


def biggest_company(path: Path | str) -> tuple[int, str]:
    """The company most people have worked at, and a description of who-at's answer there."""
    from sqlalchemy import func, select

    from crm.core.db import open_database
    from crm.core.models import Company, Position
    from crm.core.network import who_at

    db = open_database(str(path))
    try:
        with db.read() as s:
            biggest = s.scalar(select(Position.company_id).group_by(Position.company_id)
                               .order_by(func.count().desc()).limit(1))
            company = s.get(Company, biggest)
            assert company is not None
            answer = who_at(s, company)
            return company.id, (f"{len(answer.current)} now, {len(answer.former)} before, "
                                f"{len(answer.second_degree)} 2nd degree")
    finally:
        db.dispose()


def floor(runs: int, code: str = "import sqlalchemy.orm") -> Timing:
    return measure_process([sys.executable, "-c", code], runs=runs)


def bench_network(people: int, runs: int, searches: bool = True,
                  postgres: str | None = None) -> list[Result]:
    """The figures on the SQLite network, or with ``postgres`` (a server URL) on the same
    network generated into a PostgreSQL database there."""
    from crm.core.contacts.people import search_ids
    from crm.core.db import open_database
    from crm.core.models import Company
    from crm.core.network import who_at

    size = f"{people:,} people" + (", PostgreSQL" if postgres else "")
    path: Path | str = network_pg(people, postgres) if postgres else network_db(people)
    company_id, answer = biggest_company(path)
    results = []
    db = open_database(str(path))
    try:
        with db.read() as s:
            company = s.get(Company, company_id)
            assert company is not None
            results.append(Result("who-at in-process, biggest company", f"{size} ({answer})",
                                  measure(lambda: who_at(s, company), runs * 3, warmup=1)))
            for q in SEARCHES if searches else []:
                results.append(Result(f"search {q!r}, first 50, in-process", size,
                                      measure(partial(search_ids, s, q, limit=50),
                                              runs * 3, warmup=1)))
    finally:
        db.dispose()
    env = crm_env()
    who = measure_process(crm_argv("who", f"#{company_id}", "--json", "--db", str(path)),
                          runs=runs, env=env)
    if people >= 100_000 and not postgres:
        results.append(within(who, WHO_GOAL, "`crm who '#ID' --json`, whole process", size,
                              seconds_goal(WHO_GOAL)))
    else:
        results.append(Result("`crm who '#ID' --json`, whole process", size, who))
    if searches:
        results.append(Result("`crm people mul --json --limit 50`, whole process", size,
                              measure_process(crm_argv("people", "mul", "--json", "--limit",
                                                       "50", "--db", str(path)),
                                              runs=runs, env=env)))
    if postgres:  # the same-run floor and the ratio to it are in the SQLite rows
        return results
    base = floor(runs)
    results.append(Result("`python -c 'import sqlalchemy.orm'` (floor), same run", size, base))
    # crm pauses the garbage collector while it starts (crm.startup); so can the floor.
    results.append(Result("the same with the garbage collector off", size,
                          floor(runs, "import gc; gc.disable(); import sqlalchemy.orm")))
    results.append(Result("`crm who` / floor", size,
                          f"{who.median / base.median:.2f}× (CPU "
                          f"{(who.cpu or 0) / (base.cpu or 1):.2f}×)"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.network_bench")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL",
                        help="also on PostgreSQL: a server URL (default: $CRM_BENCH_POSTGRES_URL)")
    args = parser.parse_args(argv)
    postgres = args.postgres or os.environ.get("CRM_BENCH_POSTGRES_URL")
    print(f"{os.cpu_count()} cores, load average {load_average():.2f}, "
          f"Python {sys.version.split()[0]}\n")
    results = []
    for people in (int(x) for x in args.sizes.split(",")):
        results += bench_network(people, args.runs)
        if postgres:
            results += bench_network(people, args.runs, postgres=postgres)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
