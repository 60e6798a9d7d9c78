"""Opening the terminal UI from ``crm`` with no subcommand.

The first screen (the people list) is painted from a page read with the database driver
alone (``crm.core.contacts.first_page``), read while Textual loads; the database is opened
the usual way just after. A database that page cannot vouch for (new, empty, to upgrade,
locked…) is opened first, as every command opens it, and the list reads its first page
from it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from crm.core.contacts.first_page import FirstPage

# The people list's page (PeopleScreen.PAGE_SIZE, which a test checks), known here so that
# the first page is read while Textual is being imported.
FIRST_PAGE_ROWS = 100


def launch_tui(ctx: click.Context) -> None:
    """Open the TUI on the database selected by ``--db`` / ``CRM_DATABASE_URL``."""
    from crm.cli.context import _find_db_arg, get_db

    where = _find_db_arg(ctx)
    first_page = _read_meanwhile(where)
    from crm.tui.app import make_app

    page = first_page()
    if page is None:
        app = make_app(get_db(ctx))
    else:
        from crm.startup import resume_collector

        app = make_app(where, first_page=page)
        app.when_database_open(lambda _db: resume_collector())  # startup is over (crm.startup)

    async def session() -> None:
        await app.run_async()
        # Closed while an import or an edit was still being saved: the terminal is back,
        # and the process waits for the write (one transaction) before it exits; each
        # write tells its outcome here when it is done (CrmApp.saved).
        pending = app.still_saving()
        if pending:
            click.echo(f"crm: still saving {', '.join(pending)}; crm exits when it is "
                       "done…", err=True)

    asyncio.run(session())
    if app.failure is not None:  # the database could not be opened after the first screen
        raise app.failure


def _read_meanwhile(where: str | None) -> Callable[[], FirstPage | None]:
    """Start reading the first page in a thread (the driver waits on the file with the
    interpreter free); the returned call waits for it."""
    read: list[FirstPage | None] = []

    def run() -> None:
        from crm.core.contacts.first_page import read_first_page

        read.append(read_first_page(where, FIRST_PAGE_ROWS))

    thread = threading.Thread(target=run, name="crm: reading the first page", daemon=True)
    thread.start()

    def wait() -> FirstPage | None:
        thread.join()
        return read[0] if read else None

    return wait
