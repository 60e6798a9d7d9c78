"""The one way the benchmarks time things: the median (min–max) of repeated runs, with the
median CPU time, which a busy shared machine inflates far less than wall-clock time."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    median: float
    low: float
    high: float
    runs: int
    cpu: float | None = None  # median CPU seconds per run, when measured

    def __str__(self) -> str:
        return f"{fmt_seconds(self.median)} ({fmt_range(self.low, self.high)})"

    @property
    def cpu_text(self) -> str:
        return "" if self.cpu is None else fmt_seconds(self.cpu)


def fmt_seconds(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def fmt_range(low: float, high: float) -> str:
    if high < 1:
        return f"{low * 1000:.1f}–{high * 1000:.1f}"
    return f"{low:.2f}–{high:.2f}"


def from_samples(samples: Sequence[float], cpu: Sequence[float] = ()) -> Timing:
    if not samples:
        raise ValueError("no samples")
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples),
                  statistics.median(cpu) if cpu else None)


def cpu_seconds(children: bool = False) -> float:
    """CPU seconds used so far by this process, or by its children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(fn: Callable[[], object], runs: int = 5, warmup: int = 0,
            setup: Callable[[], object] | None = None, children: bool = False) -> Timing:
    """Time ``fn`` ``runs`` times (``setup`` before each run, untimed)."""
    for _ in range(warmup):
        if setup is not None:
            setup()
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        if setup is not None:
            setup()
        began, began_cpu = time.perf_counter(), cpu_seconds(children)
        fn()
        wall.append(time.perf_counter() - began)
        cpu.append(cpu_seconds(children) - began_cpu)
    return from_samples(wall, cpu)


def measure_process(argv: Sequence[str], runs: int = 5, env: dict[str, str] | None = None,
                    stdin: str | None = None, warmup: int = 1) -> Timing:
    """Whole-process wall and CPU time of a command (its output discarded; failure raises).

    One untimed warm-up run first, so every timed run finds the files in the page cache."""

    def once() -> None:
        done = subprocess.run(argv, env=env, input=stdin, text=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): "
                               f"{done.stderr.strip()[-500:]}")

    return measure(once, runs=runs, warmup=warmup, children=True)


def load_average() -> float:
    return os.getloadavg()[0]


def spawn(argv: Sequence[str]) -> tuple[float, float, int]:
    """Run ``argv`` (stdout discarded) and return its wall seconds, CPU seconds and peak RSS
    in bytes. ``posix_spawn``: a forked child would count this process's RSS as its own."""
    import tempfile

    env = dict(os.environ)
    env.pop("CRM_DATABASE_URL", None)
    with tempfile.TemporaryFile() as err:
        actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        began = time.perf_counter()
        pid = os.posix_spawn(argv[0], list(argv), env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} failed: {err.read().decode()[-400:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024
