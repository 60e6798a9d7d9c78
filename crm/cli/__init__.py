"""The ``crm`` command: a thin face over crm.core (and the TUI when run bare).

Feature modules attach their commands to ``cli`` when imported; keep their imports of heavy
libraries (vobject, textual, fpdf) inside the command functions.
"""

from crm.cli.main import cli, run

# isort: off
# Feature command modules, one per line (each registers on `cli`):
from crm.cli import network  # noqa: F401  (who, path, stale)
# isort: on

__all__ = ["cli", "run"]
