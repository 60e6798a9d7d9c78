"""Opening the terminal UI from ``crm`` with no subcommand.

The first screen (the people list) is painted from a page read with the database driver
alone (``crm.core.contacts.first_page``); the database is opened the usual way just after.
A database that page cannot vouch for (new, empty, to upgrade, locked…) is opened first, as
every command opens it, and the people list then reads its first page from it.
"""

from __future__ import annotations

import asyncio

import click


def launch_tui(ctx: click.Context) -> None:
    """Open the TUI on the database selected by ``--db`` / ``CRM_DATABASE_URL``."""
    from crm.cli.context import _find_db_arg, get_db
    from crm.core.contacts.first_page import read_first_page
    from crm.tui.app import make_app
    from crm.tui.screens.people import PeopleScreen

    where = _find_db_arg(ctx)
    first_page = read_first_page(where, PeopleScreen.PAGE_SIZE)
    if first_page is None:
        app = make_app(get_db(ctx))
    else:
        from crm.startup import resume_collector

        app = make_app(where, first_page=first_page)
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
