"""The costs that grow with the number of people: sorting the people list, a keystroke while
sorted, the capped match count, ``crm path COMPANY``, ``crm people --json`` of everyone and
``crm demo --people N``.

    python -m bench.scale_bench [--sizes 100000,1000000] [--runs 5]

In-process figures time the core calls the TUI makes (``crm.core.contacts.listing``): a sort is the
first page of 100 plus the capped count; a keystroke while sorted is the same for each prefix
of a word typed one character at a time. Whole-process figures run ``crm`` as a child and
take its wall time, CPU time and peak RSS (``wait4``'s ``ru_maxrss``; the child is started
with ``posix_spawn``, so it does not inherit this process's RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from bench.cache import network_db, network_meta
from bench.report import Result, markdown, seconds_goal, within
from bench.timing import Timing, from_samples, load_average, measure, spawn

SORT_GOAL = 0.100  # a sort to its first page, 1M people
KEYSTROKE_GOAL = 0.050  # a keystroke to the repainted list in any order, 1M people
PATH_GOAL = 0.4  # `crm path COMPANY`, whole process, 1M people
JSON_GOAL, JSON_RSS_GOAL = 1.5, 150 * 10**6  # `crm people --json` of 100k people
DEMO_GOAL, DEMO_RSS_GOAL = 180.0, 10**9  # `crm demo --people 1000000`
TYPED = ["software", "mul"]
COUNT_CAP = 1000  # as the TUI's people list counts


def crm_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "crm", *args]


def run_child(argv: Sequence[str], runs: int) -> tuple[Timing, int]:
    """Whole-process wall and CPU time (median of ``runs`` after a warm-up that fills the
    page cache) and the highest peak RSS of the child."""
    spawn(argv)
    samples = [spawn(argv) for _ in range(runs)]
    return (from_samples([w for w, _, _ in samples], [c for _, c, _ in samples]),
            max(r for _, _, r in samples))


def _sort_once(s: object, query: str, sort: str) -> None:
    from crm.core.contacts.listing import count_matching_people, people_page

    people_page(s, query, 0, 100, sort)  # type: ignore[arg-type]
    count_matching_people(s, query, cap=COUNT_CAP)  # type: ignore[arg-type]


def _typing(s: object, word: str, sort: str) -> None:
    for i in range(1, len(word) + 1):
        _sort_once(s, word[:i], sort)


def in_process(path: Path | str, people: int, runs: int, backend: str = "") -> list[Result]:
    """The sorts and keystrokes on the network at ``path`` (a SQLite file, or a database URL
    with ``backend`` naming it: on PostgreSQL the goals hold from 100k people, issue 19)."""
    from crm.core.db import open_database

    size = f"{people:,} people" + (f", {backend}" if backend else "")
    at_scale = people >= (100_000 if backend else 1_000_000)
    results = []
    db = open_database(str(path))
    try:
        with db.read() as s:
            for sort in ("company", "last-contacted"):
                what = f"sort by {sort.replace('-', ' ')}: first page + count, in-process"
                t = measure(partial(_sort_once, s, "", sort), runs * 3, warmup=1)
                results.append(within(t, SORT_GOAL, what, size, seconds_goal(SORT_GOAL))
                               if at_scale else Result(what, size, t))
            for sort in ("name", "company", "last-contacted"):
                keys: list[float] = []
                cpus: list[float] = []
                for word in TYPED:
                    for i in range(1, len(word) + 1):
                        t = measure(partial(_sort_once, s, word[:i], sort), runs, warmup=1)
                        keys.append(t.median)
                        cpus.append(t.cpu or 0.0)
                worst = max(keys)
                timing = Timing(statistics.median(keys), min(keys), worst, len(keys),
                                statistics.median(cpus))
                what = (f"keystroke sorted by {sort.replace('-', ' ')}: page + capped count "
                        f"(each prefix of {', '.join(map(repr, TYPED))}; median, min–max "
                        "over prefixes)")
                results.append(Result(what, size, timing, seconds_goal(KEYSTROKE_GOAL),
                                       worst <= KEYSTROKE_GOAL) if at_scale
                               else Result(what, size, timing))
    finally:
        db.dispose()
    return results


def biggest_company_name(path: Path) -> str:
    from sqlalchemy import func, select

    from crm.core.db import open_database
    from crm.core.models import Company, Position

    db = open_database(str(path))
    try:
        with db.read() as s:
            biggest = s.scalar(select(Position.company_id).group_by(Position.company_id)
                               .order_by(func.count().desc()).limit(1))
            return str(s.scalar(select(Company.name).where(Company.id == biggest)))
    finally:
        db.dispose()


def whole_process(path: Path, people: int, runs: int) -> list[Result]:
    size = f"{people:,} people"
    results = []
    company = biggest_company_name(path)
    t, _ = run_child(crm_argv("path", company, "--json", "--db", str(path)), runs)
    what = f"`crm path '{company}' --json`, whole process"
    results.append(within(t, PATH_GOAL, what, size, seconds_goal(PATH_GOAL))
                   if people >= 1_000_000 else Result(what, size, t))
    if people == 100_000:
        t, rss = run_child(crm_argv("people", "--json", "--db", str(path)), runs)
        what = "`crm people --json` of everyone, whole process"
        results.append(within(t, JSON_GOAL, what, size, seconds_goal(JSON_GOAL)))
        results.append(Result(f"{what}: peak RSS", size, f"{rss / 10**6:.0f} MB",
                              f"≤ {JSON_RSS_GOAL // 10**6} MB", rss <= JSON_RSS_GOAL))
    return results


def generation(people: int) -> list[Result]:
    """How the cached network was built (``crm demo --people N`` as a child, once)."""
    meta = network_meta(people)
    size = f"{people:,} people"
    if meta is None:
        return [Result("`crm demo --people N`", size, "not recorded (cache built before "
                       "this benchmark recorded it)")]
    what = (f"`crm demo --people N`, whole process, once ({meta['how']}; load "
            f"{meta['load']:.1f})")
    t = Timing(meta["wall"], meta["wall"], meta["wall"], 1, meta["cpu"])
    results = [Result(what, size, t)]
    if people >= 1_000_000:
        results = [Result(what, size, t, f"≤ {DEMO_GOAL:.0f} s", meta["wall"] <= DEMO_GOAL)]
        results.append(Result("  its CPU time (what a quiet machine's wall time would be)",
                              size, f"{meta['cpu']:.0f} s", f"≤ {DEMO_GOAL:.0f} s",
                              meta["cpu"] <= DEMO_GOAL))
    rss = meta["rss"]
    results.append(Result("`crm demo --people N`: peak RSS", size, f"{rss / 10**6:.0f} MB",
                          f"≤ {DEMO_RSS_GOAL // 10**6} MB" if people >= 1_000_000 else "",
                          rss <= DEMO_RSS_GOAL if people >= 1_000_000 else None))
    return results


def bench_scale(people: int, runs: int) -> list[Result]:
    path = network_db(people)
    return generation(people) + in_process(path, people, runs) + whole_process(path, people,
                                                                                runs)


def bench_scale_pg(people: int, runs: int, server_url: str) -> list[Result]:
    """The in-process sorts and keystrokes on the same network generated into a PostgreSQL
    database of its own on ``server_url`` (``bench.cache.network_pg``)."""
    from bench.cache import network_pg

    return in_process(network_pg(people, server_url), people, runs, backend="PostgreSQL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_bench")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", metavar="URL",
                        default=os.environ.get("CRM_BENCH_POSTGRES_URL"),
                        help="also on PostgreSQL (sizes up to 100k): a server URL (default: "
                             "$CRM_BENCH_POSTGRES_URL)")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores, load average {load_average():.2f}\n", file=sys.stderr)
    results = []
    for people in (int(x) for x in args.sizes.split(",")):
        results += bench_scale(people, args.runs)
        if args.postgres and people <= 100_000:
            results += bench_scale_pg(people, args.runs, args.postgres)
    print(markdown(results))
    print(json.dumps({"load": load_average()}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
