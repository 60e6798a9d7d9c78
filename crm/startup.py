"""The cyclic garbage collector is paused while a ``crm`` process starts.

Starting up (SQLAlchemy, click, the mapped models, Textual) allocates a heap that lives as
long as the process, and the collector walks it again and again while it grows: about 70 ms
of CPU in a 0.4 s ``crm who``. ``crm.__main__`` pauses collection before its first import;
``crm.cli.context.get_db`` resumes it once the database is open, after moving that startup
heap out of the collector's sight (``gc.freeze``), so that long commands and the TUI collect
as usual and never rescan it.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Collect again (a no-op unless ``pause_collector`` paused it)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
