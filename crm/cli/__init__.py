"""The ``crm`` command: a thin face over crm.core (and the TUI when run bare).

Feature modules attach their commands to ``cli`` when imported; keep their imports of heavy
libraries (vobject, textual, fpdf) inside the command functions.
"""

from crm.cli.main import cli, run

# Feature command modules, one per line (each registers on `cli`):
from crm.cli.refs import refs as _refs  # noqa: F401
from crm.cli.vcard import import_cmd as _vcard  # noqa: F401

__all__ = ["cli", "run"]
