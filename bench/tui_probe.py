"""Child process for the TUI benchmark: open the people list headless, exit after first paint.

``python -m bench.tui_probe DB`` prints the seconds from interpreter start to the first
painted page of rows (the parent times the whole process too).
"""

from __future__ import annotations

import asyncio
import sys
import time

START = time.perf_counter()


async def first_paint(db: str, size: tuple[int, int] = (120, 36)) -> float:
    from crm.tui.app import make_app
    from crm.tui.widgets.lazy_table import LazyTable

    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        table = app.screen.query_one(LazyTable)
        while table.row_at(0) is None and table.total != 0:
            await asyncio.sleep(0.001)
        await pilot.pause()  # the rows have been rendered
        return time.perf_counter() - START


def main() -> int:
    print(f"{asyncio.run(first_paint(sys.argv[1])):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
