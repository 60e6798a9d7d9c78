"""``crm agenda`` as a whole process at 100k generated people (goal: ≤ 0.5 s).

    python -m bench.agenda_bench [--sizes 100000] [--runs 7]

The network comes from ``bench.cache`` (``crm demo --people N``, seed 1) and is copied
first, so the cached file stays at the schema other checkouts expect; the copy is upgraded
once and given a working week: to-dos (overdue, due, proposed), an application with an
interview at the biggest company, references, birthdays, keep-in-touch intervals on a tag.
Printed: medians (min–max) of wall and CPU time, with ``import sqlalchemy.orm`` (the floor)
measured in the same run, and the load average.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.cache import network_db
from bench.network_bench import crm_argv, crm_env, floor
from bench.report import Result, markdown, seconds_goal, within
from bench.timing import Timing, load_average, measure, measure_process

AGENDA_GOAL = 0.5  # issue 17: `crm agenda` at 100k people, whole process
TODAY_GOAL = 0.6  # issue 17: the Today screen to first paint


async def _today_once(path: Path) -> float:
    """In-process (Pilot): from f6 on the first screen, once the app is idle (the first
    page shown, what it does after opening done: a user's first key comes later than
    that), until the agenda's rows are there."""
    import asyncio
    import time

    from crm.tui.app import make_app
    from crm.tui.widgets.rows import ItemRow

    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        began = time.perf_counter()
        await pilot.press("f6")
        deadline = time.monotonic() + 30
        while not (app.screen.id != "_default" and type(app.screen).__name__ == "TodayScreen"
                   and app.screen.query(ItemRow)):
            if time.monotonic() > deadline:
                raise RuntimeError("the Today screen never showed its items")
            await asyncio.sleep(0.0005)
        return time.perf_counter() - began


def today_screen(path: Path, runs: int) -> Timing:
    import asyncio

    from bench.timing import from_samples

    return from_samples([asyncio.run(_today_once(path)) for _ in range(runs)])


def prepare(source: Path, workdir: Path) -> Path:
    """A copy of the network, upgraded, with a week's worth of agenda in it."""
    from sqlalchemy import select

    from crm.core.agenda.todos import add_todo
    from crm.core.db import open_database
    from crm.core.jobhunt.applications import add_application
    from crm.core.jobhunt.references import set_reference
    from crm.core.models import Company, Person, Tag

    path = workdir / "agenda.sqlite3"
    shutil.copyfile(source, path)
    db = open_database(str(path))
    try:
        today = date.today()
        with db.write() as s:
            people = list(s.scalars(select(Person).where(Person.is_me.is_(False))
                                    .order_by(Person.id).limit(400)))
            company = s.scalars(select(Company).order_by(Company.id).limit(1)).one()
            app = add_application(s, company, "Software Engineer", stage="interviewing",
                                  interview_on=today + timedelta(days=3))
            for i, p in enumerate(people[:40]):
                add_todo(s, f"follow up {i}", person=p,
                         due_on=today + timedelta(days=i % 14 - 5))
            for p in people[40:52]:
                set_reference(s, p, status="agreed")
            for i, p in enumerate(people[52:400]):
                day = today + timedelta(days=i % 30)
                p.birthday_month, p.birthday_day = day.month, day.day
            tag = Tag(name="mentors", keep_every_days=30, keep_at_most_days=60)
            s.add(tag)
            s.flush()
            for p in people[:25]:
                p.tags.append(tag)
            add_todo(s, "prepare", application=app, due_on=today + timedelta(days=1))
    finally:
        db.dispose()
    return path


def bench_agenda(people: int, runs: int) -> list[Result]:
    source = network_db(people)
    label = f"{people:,} people"
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="crm-agenda-bench-") as tmp:
        path = prepare(source, Path(tmp))
        from crm.core.agenda.today import build_agenda
        from crm.core.db import open_database

        db = open_database(str(path))
        try:
            def in_process() -> None:
                with db.read() as s:
                    build_agenda(s)

            core = measure(in_process, runs=runs, warmup=1)
            with db.read() as s:
                agenda = build_agenda(s)
            shape = (f"{len(agenda.todos)} to-dos, {len(agenda.interviews)} interviews, "
                     f"{len(agenda.birthdays)} birthdays, {len(agenda.contacts)} contacts")
        finally:
            db.dispose()
        whole = measure_process(crm_argv("--db", str(path), "agenda", "--json"), runs=runs,
                                env=crm_env())
        base = floor(runs)
        today = today_screen(path, runs)
    load_after = load_average()
    agenda_row = (within(whole, AGENDA_GOAL, "`crm agenda --json`, whole process", label,
                         seconds_goal(AGENDA_GOAL)) if people >= 100_000
                  else Result("`crm agenda --json`, whole process", label, whole))
    return [
        Result("`build_agenda` in-process", f"{label} ({shape})", core),
        agenda_row,
        Result("`python -c 'import sqlalchemy.orm'` (floor), same run", label, base),
        within(today, TODAY_GOAL, "Today screen: f6 until its items are on screen (Pilot, "
               "in-process)", label, seconds_goal(TODAY_GOAL)),
        Result("load average (1 min) before / after", label,
               f"{load_before:.1f} / {load_after:.1f}"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    results: list[Result] = []
    for n in (int(x) for x in args.sizes.split(",")):
        results += bench_agenda(n, args.runs)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
