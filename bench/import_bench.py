"""vCard import speed against vobject's own parse time (SPEC: import <= 1.3x, re-import no slower).

``python -m bench.import_bench [--runs N] [--sizes 1000,10000]`` generates phone-style
exports (iPhone 3.0 with item groups, labels, notes with commas, some photos) and prints the
median (min-max) of N runs of: vobject parse only, crm import into a fresh SQLite database,
and re-import of the same file; then the ratios. Database creation (migrations) is not timed.
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FIRST = ["Ada", "Bo", "Chidi", "Dana", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jia",
         "Kofi", "Lena", "Mei", "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
         "Uma", "Véronique", "Wen", "Xavier", "Yuki", "Zoë", "Jürgen", "Søren", "Ngozi", "Ana"]
LAST = ["Okafor", "Chen", "Müller", "Raman", "García", "Kowalski", "Nakamura", "Smith",
        "Ivanova", "Haddad", "O'Brien", "Lefèvre", "Park", "Nguyen", "Schmidt", "Rossi"]
COMPANIES = ["Stripe, Inc.", "Acme Robotics", "Globex", "Initech", "Datadog",
             "Deutsche Bahn, Fernverkehr", "Café Société", "Hooli", "Umbrella Corp",
             "Wayne Enterprises", "Stark Industries", "Pied Piper"]
TITLES = ["Staff Engineer, Payments", "Recruiter", "Intern, Perception", "Engineering Manager",
          "Product Owner, Ticketing", "Designer", "Data Scientist", "CTO, Co-founder"]
PHOTO = base64.b64encode(bytes(range(256)) * 12).decode()  # ~3 KB, as phones embed thumbnails


def phone_card(i: int, rnd: random.Random) -> str:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    org = rnd.choice(COMPANIES).replace(",", "\\,")
    title = rnd.choice(TITLES).replace(",", "\\,")
    lines = [
        "BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        f"N:{last};{first};;;", f"FN:{first} {last}",
        f"ORG:{org};", f"TITLE:{title}",
        f"item1.EMAIL;type=INTERNET;type=pref:{first.lower()}.{i}@example.com",
        "item1.X-ABLabel:_$!<Other>!$_",
        f"TEL;type=CELL;type=VOICE;type=pref:(415) 555-{i % 10000:04d}",
        f"TEL;type=WORK;type=VOICE:+1 212 {i % 1000:03d} {rnd.randint(1000, 9999)}",
        f"NOTE:Met at event {i}, talked about jobs, referrals; follow up\\nnext month.",
        f"BDAY;X-APPLE-OMIT-YEAR=1604:1604-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        f"item2.URL;type=pref:https\\://example.com/{i}", "item2.X-ABLabel:_$!<HomePage>!$_",
        "CATEGORIES:work,phone",
    ]
    if i % 10 == 0:
        photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO
        lines.append(photo[:75] + "".join("\r\n " + photo[j: j + 74]
                                          for j in range(75, len(photo), 74)))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def make_file(path: Path, n: int) -> None:
    rnd = random.Random(n)
    path.write_text("".join(phone_card(i, rnd) for i in range(n)), encoding="utf-8",
                    newline="")


def timed(fn: Callable[[], object], runs: int,
          setup: Callable[[], None] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def fmt(times: list[float]) -> str:
    return f"{statistics.median(times):7.3f} s ({min(times):.3f}-{max(times):.3f})"


def bench_size(n: int, runs: int, work: Path) -> dict[str, float]:
    import vobject

    from crm.core.db import Database, open_database
    from crm.vcard.importer import import_paths

    path = work / f"phone-{n}.vcf"
    make_file(path, n)

    def vobject_parse() -> None:
        text = path.read_bytes().decode("utf-8")
        count = 0
        for card in vobject.readComponents(text):
            count += len(card.contents)
        assert count > 0

    state: dict[str, Database] = {}
    counter = iter(range(10**6))

    def fresh_db() -> None:
        if "db" in state:
            state["db"].dispose()
        state["db"] = open_database(str(work / f"fresh-{n}-{next(counter)}.sqlite3"))

    def our_import() -> None:
        report = import_paths(state["db"], [path])
        assert report.created > 0 and not report.rejected

    def reimport() -> None:
        report = import_paths(state["db"], [path])
        assert report.created == 0 and report.unchanged == n

    t_vobject = timed(vobject_parse, runs)
    t_import = timed(our_import, runs, setup=fresh_db)
    t_reimport = timed(reimport, runs)  # the last fresh db already holds the import
    state["db"].dispose()
    print(f"{n:>6} cards  vobject parse {fmt(t_vobject)}  crm import {fmt(t_import)}  "
          f"re-import {fmt(t_reimport)}")
    ratio = statistics.median(t_import) / statistics.median(t_vobject)
    re_ratio = statistics.median(t_reimport) / statistics.median(t_vobject)
    print(f"{'':>6}        import / vobject = {ratio:.2f}x (target <= 1.30x)   "
          f"re-import / vobject = {re_ratio:.2f}x   re-import / import = "
          f"{statistics.median(t_reimport) / statistics.median(t_import):.2f}x")
    return {"import_ratio": ratio, "reimport_ratio": re_ratio}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            bench_size(n, args.runs, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
