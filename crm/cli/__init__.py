"""The ``crm`` command: a thin face over crm.core (and the TUI when run bare).

Feature modules (crm.cli.network, refs, vcard, ...) register their commands on ``cli`` when
imported; ``crm.cli.main.LAZY_COMMANDS`` says which module defines which command, so that a
command imports only what it uses. Keep heavy imports (vobject, textual, fpdf) inside command
functions.
"""

from crm.cli.main import cli, run

__all__ = ["cli", "run"]
