"""Network benchmark: who-at and search at 1k / 10k / 100k generated people.

    python -m bench.network_bench [--sizes 1000,10000,100000] [--runs 7]

Builds each network once with crm's generator (``crm demo --people N``, seed 1) and caches
the SQLite files under the temp dir (``$TMPDIR/crm-bench``), then prints the median (min-max)
of several runs (and the median CPU time, which a busy shared machine does not inflate) of:
- who-at in-process (``crm.core.network.who_at``) for the biggest company;
- ``crm who '#ID' --json`` as a whole process;
- a search in-process (``search_ids`` first page of 50) for a few queries;
- ``crm people QUERY --json --limit 50`` as a whole process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GENERATOR_VERSION = 1  # bump when crm.core.generate changes shape, to rebuild the cache
SEARCHES = ["mul", "software eng", "a"]


def cache_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "crm-bench"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def network_db(people: int) -> Path:
    """The cached generated network of ``people`` people, built if missing."""
    path = cache_dir() / f"network-{people}-seed1-v{GENERATOR_VERSION}.sqlite3"
    if path.exists():
        return path
    from crm.core.db import open_database
    from crm.core.generate import generate_network

    partial = path.with_suffix(".building")
    for leftover in cache_dir().glob(partial.name + "*"):
        leftover.unlink()
    began = time.perf_counter()
    db = open_database(str(partial))
    with db.write() as s:
        generate_network(s, people, seed=1)
    db.dispose()
    partial.rename(path)
    print(f"  generated {people} people in {time.perf_counter() - began:.1f} s -> {path}",
          file=sys.stderr)
    return path


def _cpu(children: bool) -> float:
    """CPU seconds used so far by this process, or by its finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], object], runs: int,
          children: bool = False) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time shows the cost on a busy machine)."""
    fn()  # warm caches (file pages, statement cache) once, as a user's second query would
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), _cpu(children)
        fn()
        wall.append(time.perf_counter() - began)
        cpu.append(_cpu(children) - began_cpu)
    return wall, cpu


def fmt(times: tuple[list[float], list[float]]) -> str:
    ms = [s * 1000 for s in times[0]]
    cpu = statistics.median(times[1]) * 1000
    return (f"{statistics.median(ms):8.1f} ms ({min(ms):.1f}-{max(ms):.1f})"
            f"  cpu {cpu:6.1f} ms")


def crm_process(*args: str) -> Callable[[], object]:
    env = dict(os.environ)
    env.pop("CRM_DATABASE_URL", None)

    def run() -> object:
        done = subprocess.run([sys.executable, "-m", "crm", *args], capture_output=True,
                              env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"crm {' '.join(args)} failed: {done.stderr.decode()}")
        return done

    return run


def python_process(code: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run([sys.executable, "-c", code], check=True)

    return run


def bench_size(people: int, runs: int) -> list[tuple[str, str]]:
    from sqlalchemy import func, select

    from crm.core.db import open_database
    from crm.core.models import Company, Position
    from crm.core.network import who_at
    from crm.core.people import search_ids

    path = network_db(people)
    db = open_database(str(path))
    rows: list[tuple[str, str]] = []
    with db.read() as s:
        biggest = s.scalar(select(Position.company_id).group_by(Position.company_id)
                           .order_by(func.count().desc()).limit(1))
        company = s.get(Company, biggest)
        assert company is not None
        staff = s.scalar(select(func.count(func.distinct(Position.person_id)))
                         .where(Position.company_id == company.id))
        answer = who_at(s, company)
        label = (f"who-at in-process ({staff} ever there; {len(answer.current)} now, "
                 f"{len(answer.former)} before, {len(answer.second_degree)} 2nd degree)")
        rows.append((label, fmt(timed(lambda: who_at(s, company), runs * 3))))
        for q in SEARCHES:
            rows.append((f"search_ids({q!r}, limit=50) in-process",
                         fmt(timed(lambda q=q: search_ids(s, q, limit=50), runs * 3))))
    db.dispose()
    rows.append((f"crm who '#{company.id}' --json (whole process)",
                 fmt(timed(crm_process("who", f"#{company.id}", "--json", "--db", str(path)),
                           runs, children=True))))
    rows.append(("python -c 'import sqlalchemy.orm' (the floor, for comparison)",
                 fmt(timed(python_process("import sqlalchemy.orm"), runs, children=True))))
    rows.append(("crm people mul --json --limit 50 (whole process)",
                 fmt(timed(crm_process("people", "mul", "--json", "--limit", "50", "--db",
                                       str(path)), runs, children=True))))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.network_bench")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"crm network benchmark: wall-clock median (min-max) of {args.runs}+ runs and the "
          f"median CPU time; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; Python {sys.version.split()[0]}")
    for size in (int(x) for x in args.sizes.split(",")):
        print(f"\n{size:,} people")
        for label, value in bench_size(size, args.runs):
            print(f"  {label:<72} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
