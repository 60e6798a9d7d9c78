"""Small timing helpers shared by the benchmarks: medians with min-max of repeated runs."""

from __future__ import annotations

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

    def __str__(self) -> str:
        return f"{fmt_seconds(self.median)} ({fmt_seconds(self.low)}–{fmt_seconds(self.high)})"


def fmt_seconds(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def measure(fn: Callable[[], object], runs: int = 5, warmup: int = 0) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return Timing(statistics.median(samples), min(samples), max(samples), runs)


def measure_process(argv: Sequence[str], runs: int = 5, env: dict[str, str] | None = None,
                    stdin: str | None = None) -> Timing:
    """Whole-process wall time of a command (its output discarded; failure raises)."""

    def once() -> None:
        subprocess.run(argv, check=True, env=env, input=stdin, text=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return measure(once, runs=runs)
