"""Opening the terminal UI from ``crm`` with no subcommand."""

from __future__ import annotations

import click

from crm.cli.output import message


def launch_tui(ctx: click.Context) -> None:
    """Placeholder until the TUI lands: say what the CLI can do instead."""
    from crm.cli.context import get_db

    get_db(ctx)
    message("crm: the terminal UI is not built yet; see `crm --help` for the commands.")
