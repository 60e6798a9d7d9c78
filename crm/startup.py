"""How a ``crm`` process starts and ends: the collector paused while it starts, and no
interpreter teardown once it is done.

Starting up (SQLAlchemy, click, the mapped models, Textual) allocates a heap that lives as
long as the process, and the collector walks it again and again while it grows: about 70 ms
of CPU in a 0.4 s ``crm who``. ``crm.__main__`` pauses collection before its first import;
``crm.cli.context.get_db`` resumes it once the database is open, after moving that startup
heap out of the collector's sight (``gc.freeze``), so that long commands and the TUI collect
as usual and never rescan it.

Ending, Python would then take that heap apart module by module (and collect it once more)
only for the process to exit: 8% of the instructions of a bare ``import sqlalchemy.orm``
(callgrind), and more of its CPU time, freeing memory being slow on a busy machine.
``finish`` ends the process as Python would, bar that teardown: the standard streams are
flushed and the ``atexit`` handlers run (temporary directories, logging, anything else
registered), the database connections having been closed by the command's own context. It
only skips the teardown when the main thread is the last one running: otherwise it exits
the usual way, which waits for the other threads.
"""

from __future__ import annotations

import gc
import sys

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


def finish(code: int) -> None:
    """End the process with exit status ``code``, skipping the interpreter's teardown when
    that changes nothing the user can see (see the module's docstring)."""
    import threading

    if threading.active_count() > 1 or threading.current_thread() is not threading.main_thread():
        sys.exit(code)
    import atexit
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            code = code or 120  # what Python's own teardown makes of it
    os._exit(code)
