"""One results table: what was measured, at which size, the figure, and the goal it answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.timing import Timing, fmt_seconds


@dataclass(frozen=True)
class Result:
    what: str
    size: str
    value: Timing | str
    goal: str = ""
    met: bool | None = None  # None: no goal, or not comparable

    @property
    def figure(self) -> str:
        return str(self.value)

    @property
    def cpu(self) -> str:
        return self.value.cpu_text if isinstance(self.value, Timing) else ""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return self.goal
        return f"{self.goal} {'✓' if self.met else '✗ missed'}"


def within(value: Timing, limit: float, what: str, size: str, goal: str) -> Result:
    """A timing checked against a goal on its median."""
    return Result(what, size, value, goal, value.median <= limit)


def seconds_goal(limit: float) -> str:
    return f"≤ {fmt_seconds(limit)}"


def grouped(results: Sequence[Result]) -> list[Result]:
    """The rows of one measure together (in the order measures first appear), sizes in the
    order they were run."""
    first: dict[str, int] = {}
    for i, r in enumerate(results):
        first.setdefault(r.what, i)
    return sorted(results, key=lambda r: first[r.what])


def markdown(results: Sequence[Result]) -> str:
    header = ["What", "Size", "Median (min–max)", "CPU", "Goal"]
    rows = [[r.what, r.size, r.figure, r.cpu, r.verdict] for r in grouped(results)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
              for row in rows]
    return "\n".join(lines)
