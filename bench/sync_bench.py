"""CardDAV sync speed against a real Radicale on 127.0.0.1 (goals: first sync of 5,000
contacts ≤ 30 s, a resync with no change ≤ 3 s).

``python -m bench.sync_bench [--contacts 5000] [--runs 3]`` fills a Radicale address book
with phone-style cards (iPhone 3.0 with item groups, labels, notes with commas, a photo on
one card in ten: ``bench.cards``, each with a UID as CardDAV cards have), written into its
storage folder and listed once so that Radicale has read them (its own first read is not
crm's cost; it is reported on its own line). Then, for each run, a fresh SQLite database
syncs with it (timed: the first sync), and syncs again with nothing changed (timed). Each
figure is the median (min–max) of the runs, in-process, with CPU time.

Each timed sync also prints where its wall time went: per phase of crm's loop (listing,
fetching, importing, merging, comparing, writing) the wall and crm's CPU time, and the CPU
time the server used meanwhile. (Measured at load 11–12 on 2 cores: every phase's wall was
3–4× crm's CPU plus the server's, i.e. waiting for a core, not for the disk or network.)
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import tempfile
import time
from pathlib import Path

from bench.carddav_server import PASSWORD, USER, Radicale
from bench.cards import phone_card
from bench.report import Result, markdown, seconds_goal, within
from bench.timing import Timing, measure

FIRST_GOAL = 30.0
RESYNC_GOAL = 3.0


def _cards(n: int) -> dict[str, str]:
    rnd = random.Random(n)
    out = {}
    for i in range(n):
        text = phone_card(i, rnd).replace("VERSION:3.0\r\n",
                                          f"VERSION:3.0\r\nUID:bench-{i:06d}\r\n", 1)
        out[f"bench-{i:06d}.vcf"] = text
    return out


def run(contacts: int, runs: int) -> list[Result]:
    from crm.core.db import open_database
    from crm.sync.carddav import CardDavStore
    from crm.sync.engine import sync

    work = Path(tempfile.mkdtemp(prefix="crm-sync-bench-"))
    server = Radicale(work / "radicale")
    try:
        book = work / "radicale" / "storage" / "collection-root" / USER / "contacts"
        for name, text in _cards(contacts).items():
            (book / name).write_text(text, "utf-8", newline="")
        began = time.perf_counter()
        probe = CardDavStore(server.url, USER, PASSWORD)
        assert len(probe.listing()) == contacts
        probe.close()
        cold = time.perf_counter() - began

        def listing() -> None:
            store = CardDavStore(server.url, USER, PASSWORD)
            try:
                assert len(store.listing()) == contacts
            finally:
                store.close()

        # Radicale's part of any sync: one PROPFIND of the whole address book, warm.
        server_listing = measure(listing, runs)

        dbs: list[object] = []

        def fresh() -> None:
            path = work / f"crm-{len(dbs)}.sqlite3"
            dbs.append(open_database(str(path)))

        def once(first: bool) -> None:
            store = CardDavStore(server.url, USER, PASSWORD)
            marks: list[tuple[str, float, float]] = [("start", time.perf_counter(),
                                                      time.process_time())]

            def tell(phase: str, _done: int, _total: int) -> None:
                if marks[-1][0] != phase:
                    marks.append((phase, time.perf_counter(), time.process_time()))

            server_before = server.cpu_seconds()
            try:
                report = sync(dbs[-1], store, username=USER,  # type: ignore[arg-type]
                              progress=tell)
            finally:
                store.close()
            marks.append(("end", time.perf_counter(), time.process_time()))
            server_after = server.cpu_seconds()
            phases = ", ".join(f"{a} {t2 - t1:.2f}/{c2 - c1:.2f}"
                               for (a, t1, c1), (_b, t2, c2) in itertools.pairwise(marks))
            used = (f"{server_after - server_before:.2f} s" if server_before is not None
                    and server_after is not None else "unknown")
            print(f"  {'first' if first else 'resync'} phases (wall/crm CPU s): {phases}; "
                  f"server CPU {used}; load {os.getloadavg()[0]:.1f}", flush=True)
            if first:
                assert report.count("crm", "created") == contacts, report.summary()
            else:
                assert report.changed_nothing and report.unchanged == contacts
            pushed = sum(report.count("remote", a) for a in ("created", "updated"))
            print(f"  {'first' if first else 'resync'}: {report.summary()} "
                  f"({pushed} written to the server)", flush=True)

        # The resync right after the first sync lists every card; the next one finds the
        # address book's CTag as that resync left it and lists nothing (both timed).
        timings: dict[bool, list[Timing]] = {True: [], False: []}
        again: list[Timing] = []
        for _ in range(runs):
            timings[True].append(measure(lambda: once(True), 1, setup=fresh))
            timings[False].append(measure(lambda: once(False), 1))
            again.append(measure(lambda: once(False), 1))
    finally:
        server.stop()

    def merged(ts: list[Timing]) -> Timing:
        from bench.timing import from_samples

        return from_samples([t.median for t in ts], [t.cpu or 0.0 for t in ts])

    size = f"{contacts:,} contacts"
    return [
        Result("Radicale's own first listing of the address book (not crm's)", size,
               f"{cold:.2f} s"),
        Result("Radicale answering one listing (PROPFIND, warm): the floor of any sync",
               size, server_listing),
        within(merged(timings[True]), FIRST_GOAL, "CardDAV first sync into an empty crm",
               size, seconds_goal(FIRST_GOAL)),
        within(merged(timings[False]), RESYNC_GOAL, "CardDAV resync, nothing changed "
               "(right after the first: lists every card)", size, seconds_goal(RESYNC_GOAL)),
        within(merged(again), RESYNC_GOAL, "CardDAV resync, nothing changed again "
               "(the CTag as the last sync left it: no listing)",
               size, seconds_goal(RESYNC_GOAL)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(markdown(run(args.contacts, args.runs)))


if __name__ == "__main__":
    main()
