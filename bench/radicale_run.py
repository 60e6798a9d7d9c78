"""Radicale as crm's tests and benchmarks run it: the stock server (``python -m radicale``)
with its storage's fsync off, as Radicale's own test suite runs it.

Its storage is a temporary folder that needs no durability, and with fsync on, its first
read of an address book written behind its back (``Side.put_many``, the benchmark's cards)
fsyncs one cache file per card: 2,000 cards took 37 s wall for 5.5 s of CPU (load 5–8).
Reads that are warm (every timed sync) write nothing, so the timed figures are the same.
"""

from __future__ import annotations

from typing import Any

from radicale import config
from radicale.__main__ import run

_load = config.load


def _load_without_fsync(*args: Any, **kwargs: Any) -> Any:
    configuration = _load(*args, **kwargs)
    # (an internal option: only code may set it, never a config file or argument)
    configuration.update({"storage": {"_filesystem_fsync": "False"}}, "crm's test server",
                         privileged=True)
    return configuration


if __name__ == "__main__":
    config.load = _load_without_fsync
    run()
