"""Work on hundreds of thousands of rows at once (an import, the duplicates scan)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk read or write.

    Such work allocates hundreds of thousands of objects that live until it ends (rows,
    records, pairs), and each collection walks every one of them again: a re-import of 80k
    LinkedIn rows spent 1.0 s of 3 s collecting, ``crm duplicates`` at 100k people 0.5 s
    of 1.8 s, and neither had a cycle to free. What the work allocates is still freed by
    reference counting; a cycle waits until the end (peak memory measured the same)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
