"""Generated inputs, built once and kept outside the repository.

The cache lives in ``$CRM_BENCH_CACHE`` (default: ``crm-bench`` under the temp dir). A file
is built under a temporary name and renamed when complete, so an interrupted run never
leaves a half-built input behind to be measured later.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 3  # bump when crm.core.samples.generate changes shape, to rebuild the cache
CARDS_VERSION = 1  # bump when bench.cards.phone_card changes


def cache_dir() -> Path:
    path = Path(os.environ.get("CRM_BENCH_CACHE") or Path(tempfile.gettempdir()) / "crm-bench")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def network_db(people: int) -> Path:
    """The generated network of ``people`` people (``crm demo --people N``, seed 1), built
    by running that command once; how long it took is kept beside it (``network_meta``)."""
    path = cache_dir() / f"network-{people}-seed1-v{GENERATOR_VERSION}.sqlite3"
    if path.exists():
        return path
    partial = path.with_suffix(".building")
    for leftover in cache_dir().glob(partial.name + "*"):
        leftover.unlink()
    from bench.timing import spawn

    load = os.getloadavg()[0]
    wall, cpu, rss = spawn([sys.executable, "-m", "crm", "--db", str(partial), "demo",
                            "--people", str(people), "--seed", "1"])
    partial.rename(path)
    meta = {"wall": wall, "cpu": cpu, "rss": rss, "load": max(load, os.getloadavg()[0]),
            "how": "`crm demo` as a child, wait4"}
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    print(f"  generated {people:,} people in {wall:.1f} s (CPU {cpu:.1f} s, peak RSS "
          f"{rss / 10**6:.0f} MB) -> {path}", file=sys.stderr)
    return path


def network_meta(people: int) -> dict[str, Any] | None:
    """Wall and CPU seconds, peak RSS and load average of the run that built the cached
    network of ``people`` people, when it was recorded."""
    meta = (cache_dir() / f"network-{people}-seed1-v{GENERATOR_VERSION}.json")
    if not meta.exists():
        return None
    data: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    return data


def network_pg(people: int, server_url: str) -> str:
    """The same generated network in a PostgreSQL database on the server ``server_url``
    (any database URL there; the network gets a database of its own, named for its size and
    the generator version, built under another name and renamed when complete)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from crm.core.paths import database_url

    url = make_url(database_url(server_url))
    name = f"crm_bench_{people}_seed1_v{GENERATOR_VERSION}"
    target = url.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": name})
            if exists:
                return target
            building = name + "_building"
            conn.execute(text(f'DROP DATABASE IF EXISTS "{building}"'))
            conn.execute(text(f'CREATE DATABASE "{building}"'))
            from crm.core.db import open_database
            from crm.core.samples.generate import generate_network

            began = time.perf_counter()
            db = open_database(url.set(database=building).render_as_string(
                hide_password=False))
            with db.write() as s:
                generate_network(s, people, seed=1)
            db.dispose()
            conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
            print(f"  generated {people:,} people on PostgreSQL in "
                  f"{time.perf_counter() - began:.1f} s -> {name}", file=sys.stderr)
    finally:
        admin.dispose()
    return target


def phone_export(cards: int) -> Path:
    """A phone-style export of ``cards`` vCards (see ``bench.cards.phone_card``)."""
    from bench.cards import write_phone_export

    path = cache_dir() / f"phone-{cards}-v{CARDS_VERSION}.vcf"
    if not path.exists():
        partial = path.with_suffix(".building")
        write_phone_export(partial, cards)
        partial.rename(path)
    return path
