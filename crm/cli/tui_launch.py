"""Opening the terminal UI from ``crm`` with no subcommand."""

from __future__ import annotations

import asyncio

import click


def launch_tui(ctx: click.Context) -> None:
    """Open the TUI on the database selected by ``--db`` / ``CRM_DATABASE_URL``."""
    from crm.cli.context import get_db
    from crm.tui.app import make_app

    app = make_app(get_db(ctx))

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
