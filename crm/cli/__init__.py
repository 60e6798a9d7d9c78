"""The ``crm`` command: a thin face over crm.core (and the TUI when run bare)."""

from crm.cli.main import cli, run

__all__ = ["cli", "run"]
