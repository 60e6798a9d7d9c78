"""TUI speed at scale: first screen (whole process) and search keystroke to updated list.

    python -m bench.tui_bench DB [DB...]      (e.g. after `crm --db DB demo --people 100000`)

Prints, per database: people count, whole-process time to the first painted page (median
and min-max of several runs), peak RSS of those processes, and keystroke-to-updated-list
times in-process (until a row of the new result is drawn on screen), as medians.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import time
from typing import Any

from bench.timing import fmt_seconds, measure_process

QUERIES = ("s", "sa", "sam", "sam y", "eng", "zzzz")


async def keystrokes(db: str) -> dict[str, float]:
    from textual.widgets import Input

    from crm.tui.app import make_app
    from crm.tui.screens.people import PeopleScreen
    from crm.tui.widgets.lazy_table import LazyTable

    painted: dict[int, float] = {}  # generation -> when a row of it was first drawn
    draw = LazyTable.render_line

    def render_line(self: LazyTable, y: int) -> Any:
        strip = draw(self, y)
        shown = self.row_at(int(self.scroll_offset.y)) is not None or self.total == 0
        if y > 0 and shown:
            painted.setdefault(self.generation, time.perf_counter())
        return strip

    LazyTable.render_line = render_line  # type: ignore[method-assign]
    app = make_app(db)
    out: dict[str, list[float]] = {q: [] for q in QUERIES}
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        table = screen.query_one(LazyTable)
        search = screen.query_one("#people-search", Input)
        while table.row_at(0) is None and table.total != 0:
            await asyncio.sleep(0.001)
        for _ in range(3):
            for q in QUERIES:
                search.value = ""
                await asyncio.sleep(0.2)
                await pilot.pause()
                t0 = time.perf_counter()
                search.value = q  # one keystroke's worth of change, after a pause
                gen = table.generation + 1
                while gen not in painted:
                    await asyncio.sleep(0.0005)
                out[q].append(painted[gen] - t0)
    return {q: statistics.median(v) for q, v in out.items()}


def people_count(db: str) -> int:
    from crm.core.db import open_database
    from crm.core.listing import count_matching_people

    database = open_database(db)
    try:
        with database.read() as s:
            return count_matching_people(s, None)
    finally:
        database.dispose()


def main(argv: list[str]) -> int:
    for db in argv:
        n = people_count(db)
        first = measure_process([sys.executable, "-m", "bench.tui_probe", db], runs=5)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        keys = asyncio.run(keystrokes(db))
        print(f"{n:>8,} people  first screen (whole process): {first}  "
              f"peak RSS {rss_mb:.0f} MB")
        for q, t in keys.items():
            print(f"          keystroke -> updated list, {q!r:>8}: {fmt_seconds(t)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
