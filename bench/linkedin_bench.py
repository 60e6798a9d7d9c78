"""LinkedIn export import speed (issue 16: 30,000 connections + 50,000 messages import in
<= 10 s on SQLite, re-import <= 2 s).

``python -m bench.linkedin_bench [--runs N] [--connections 30000] [--messages 50000]`` writes
a generated export folder (Connections.csv with LinkedIn's notes, messages.csv with quoted
multi-line messages between me and the connections, Profile.csv, Positions.csv) and prints
the median (min–max) of N runs of the import into a fresh SQLite database, and of the
re-import of the same export into the last one. Database creation is not timed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.report import Result, markdown
from bench.timing import measure

IMPORT_GOAL, REIMPORT_GOAL = 10.0, 2.0
FIRST = ["Ada", "Bo", "Chidi", "Dana", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jia", "Kofi",
         "Lena", "Mei", "Nils", "Omar", "Priya", "小龙", "Véronique", "Jürgen", "Søren"]
LAST = ["Okafor", "Chen", "Müller", "Raman", "García", "Kowalski", "Nakamura", "Петрова"]
COMPANIES = ["Stripe, Inc.", "Acme Robotics", "Globex", "Initech", "Datadog", "Hooli",
             "Universidade de Lisboa", "字节跳动"]
TITLES = ["Staff Engineer, Payments", "Recruiter", "Software Engineer Intern",
          "Engineering Manager", "Designer", "Data Scientist", "Student"]
NOTES = ('Notes:\n"When exporting your connection data, you may notice that some of the '
         'email addresses are missing."\n\n')


def write_export(folder: Path, connections: int, messages: int, seed: int = 16) -> None:
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = date(2015, 1, 1)
    with (folder / "Connections.csv").open("w", newline="", encoding="utf-8") as f:
        f.write(NOTES)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                    "Connected On"])
        for i in range(connections):
            on = start + timedelta(days=rnd.randrange(3500))
            w.writerow([rnd.choice(FIRST), f"{rnd.choice(LAST)}{i}",
                        f"https://www.linkedin.com/in/member-{i}",
                        f"m{i}@example.com" if i % 10 == 0 else "", rnd.choice(COMPANIES),
                        rnd.choice(TITLES), on.strftime("%d %b %Y")])
    me = "https://www.linkedin.com/in/me-myself"
    with (folder / "messages.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL",
                    "TO", "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"])
        for i in range(messages):
            other = rnd.randrange(connections)
            url = f"https://www.linkedin.com/in/member-{other}"
            when = start + timedelta(days=rnd.randrange(3600))
            mine = i % 2 == 0
            w.writerow([f"2-conv{other}", "", "Me Myself" if mine else f"Member {other}",
                        me if mine else url, f"Member {other}" if mine else "Me Myself",
                        url if mine else me, f"{when.isoformat()} 10:{i % 60:02d}:00 UTC", "",
                        f"Message {i}, about the role.\nThanks, talk soon!", "INBOX"])
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Headline,Summary,Geo Location,Websites\n"
        "Me,Myself,Student,,Lisbon,\n", encoding="utf-8")
    (folder / "Positions.csv").write_text(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "Stripe,Software Engineer Intern,,Dublin,Jun 2024,Aug 2024\n", encoding="utf-8")


def bench(connections: int, messages: int, runs: int, work: Path) -> list[Result]:
    from crm.core.db import Database, open_database
    from crm.sources.importer import import_any

    export = work / "export"
    write_export(export, connections, messages)
    dbs: list[Database] = []

    def fresh_db() -> None:
        if dbs:
            dbs.pop().dispose()
        dbs.append(open_database(str(work / f"fresh-{len(list(work.glob('*.sqlite3')))}"
                                             ".sqlite3")))

    def first() -> None:
        report = import_any(dbs[-1], [export])
        assert report.created == connections and not report.rejected, report.to_json()
        assert report.extras is not None and report.extras.interactions >= messages

    def again() -> None:
        report = import_any(dbs[-1], [export])
        assert report.created == 0 and report.unchanged == connections
        assert report.extras is not None and report.extras.interactions == 0

    size = f"{connections:,} connections + {messages:,} messages"
    t_first = measure(first, runs, setup=fresh_db)
    t_again = measure(again, runs)
    dbs.pop().dispose()
    return [
        Result("LinkedIn export import, fresh SQLite database", size, t_first,
               f"≤ {IMPORT_GOAL:.0f} s", t_first.median <= IMPORT_GOAL),
        Result("re-import of the same export (all unchanged)", size, t_again,
               f"≤ {REIMPORT_GOAL:.0f} s", t_again.median <= REIMPORT_GOAL),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crm-linkedin-bench-") as tmp:
        results = bench(args.connections, args.messages, args.runs, Path(tmp))
    print(markdown(results))
    return 0 if all(r.met is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
