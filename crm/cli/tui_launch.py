"""Opening the terminal UI from ``crm`` with no subcommand."""

from __future__ import annotations

import click


def launch_tui(ctx: click.Context) -> None:
    """Open the TUI on the database selected by ``--db`` / ``CRM_DATABASE_URL``."""
    from crm.cli.context import get_db
    from crm.tui.app import make_app

    make_app(get_db(ctx)).run()
