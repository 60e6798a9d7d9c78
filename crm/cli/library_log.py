"""What the libraries crm uses log, as a user of the CLI sees it.

A library's warning with no handler configured goes to Python's "last resort" handler: the
message as it is, on stderr, next to crm's own one-line error. Two things are wrong with that:
a message can carry text crm did not write (a server's words, a value's repr), which must
reach the terminal only through crm's escaping; and psycopg, when the server goes away during
a COPY, a pipeline or a rollback, logs the second error it met while cleaning up ("error
ignored terminating …") after raising the first, which crm already reports in its one line.

``install`` gives the root logger one handler: warnings and worse become one escaped line,
``crm: NAME: MESSAGE``, and psycopg's "error ignored …" records (by its own words, ignored)
are dropped. Under ``CRM_DEBUG=1`` nothing is dropped.
"""

from __future__ import annotations

import logging
import os

# psycopg's words for an error it met while cleaning up after the error it raised.
_IGNORED_BY_PSYCOPG = "error ignored "


class _OneLine(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        from crm.cli.output import message, one_line

        try:
            text = record.getMessage()
        except Exception:  # a library's own formatting fault: say what can be said
            text = str(record.msg)
        message(f"crm: {one_line(record.name)}: {one_line(text)}")


def _not_ignored(record: logging.LogRecord) -> bool:
    return not (record.name.startswith("psycopg")
                and isinstance(record.msg, str) and record.msg.startswith(_IGNORED_BY_PSYCOPG))


def install() -> None:
    """Route library logging through crm's one-line, escaped messages (once per process)."""
    root = logging.getLogger()
    if any(isinstance(h, _OneLine) for h in root.handlers):
        return
    handler = _OneLine(level=logging.WARNING)
    if not os.environ.get("CRM_DEBUG"):
        handler.addFilter(_not_ignored)
    root.addHandler(handler)
