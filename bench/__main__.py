"""``python -m bench`` (``make bench``): every benchmark, one table, also written to a file.

Generated networks (``crm demo --people N``, seed 1) and phone-style card files are built
once and cached outside the repository (``$CRM_BENCH_CACHE``, default ``crm-bench`` in the
temp dir). Figures are medians (min–max) of ``--runs`` runs; goals come from SPEC.md
("Scale and speed"). khard is compared when ``KHARD`` names its executable or it is on PATH
(``make bench`` installs it into ``.venv-khard``). With ``--postgres URL`` (or
``$CRM_BENCH_POSTGRES_URL``) the network queries run on PostgreSQL as well, on copies of the
same networks generated into databases of their own on that server.

A million people is behind ``--sizes``: ``make bench BENCH_ARGS="--sizes
1000,10000,100000,1000000"`` (the first run generates it: minutes; later runs reuse it).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench.report import Result, markdown
from bench.timing import load_average

SECTIONS = ("network", "tui", "scale", "import", "khard")
DEFAULT_OUT = Path(__file__).parent / "results" / "latest.md"


def sizes(text: str) -> list[int]:
    try:
        values = [int(x.replace("_", "").replace("k", "000")) for x in text.split(",") if x]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of sizes: {text!r}") from None
    if not values or min(values) < 2:
        raise argparse.ArgumentTypeError("sizes are whole numbers of 2 or more")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=sizes, default=[1000, 10000, 100000],
                        help="people in the generated networks (default: 1k,10k,100k)")
    parser.add_argument("--cards", type=sizes, default=[1000, 10000],
                        help="vCards in the phone exports (default: 1k,10k)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (5)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"sections to run, of {','.join(SECTIONS)} (default: all)")
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="the markdown file to write ('-': none; default: "
                             "bench/results/latest.md)")
    parser.add_argument("--postgres", metavar="URL",
                        default=os.environ.get("CRM_BENCH_POSTGRES_URL"),
                        help="also measure the network queries on PostgreSQL: a server URL "
                             "(default: $CRM_BENCH_POSTGRES_URL; unset: SQLite only)")
    parser.add_argument("--cache-dir", help="where generated inputs are kept "
                                            "(default: $CRM_BENCH_CACHE or the temp dir)")
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(SECTIONS)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


class LoadSampler:
    """The 1-minute load average at the start, the end and its highest value in between."""

    def __init__(self, every: float = 5.0) -> None:
        self.start = self.peak = load_average()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.peak = max(self.peak, load_average())

    def stop(self) -> str:
        self._stop.set()
        end = load_average()
        self.peak = max(self.peak, end)
        return f"{self.start:.2f} at the start, {end:.2f} at the end, {self.peak:.2f} at most"


def git_commit() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                          text=True, check=False, cwd=Path(__file__).parent)
    return done.stdout.strip() or "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def postgres_version(url: str | None) -> str:
    """", PostgreSQL 15.x (server)" for the run's header, or "" when PostgreSQL is not measured."""
    if not url:
        return ""
    from sqlalchemy import create_engine, text

    from crm.core.paths import database_url

    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return f", PostgreSQL {conn.scalar(text('SHOW server_version'))} (server)"
    except Exception as err:
        return f", PostgreSQL (unreachable: {str(err).splitlines()[0][:80]})"
    finally:
        engine.dispose()


def attempt(what: str, size: str, fn: Callable[..., list[Result]],
            *args: object) -> list[Result]:
    """``fn(*args)``; if it fails, a row saying so (and the trace on stderr), and on we go."""
    print(f"  {what}, {size} …", file=sys.stderr, flush=True)
    try:
        return fn(*args)
    except Exception as err:
        traceback.print_exc()
        return [Result(what, size, f"failed: {str(err).splitlines()[0][:120]}")]


def run(args: argparse.Namespace) -> list[Result]:
    from bench.import_bench import bench_import
    from bench.network_bench import bench_network

    results: list[Result] = []
    dbs = {}
    if {"network", "tui", "scale"} & set(args.only):
        from bench.cache import network_db

        for people in args.sizes:
            dbs[people] = network_db(people)
    for people in args.sizes:
        size = f"{people:,} people"
        if "network" in args.only:
            results += attempt("network queries", size, bench_network, people, args.runs,
                               False)
            if args.postgres:
                results += attempt("network queries on PostgreSQL", size, bench_network,
                                   people, args.runs, True, args.postgres)
        if "tui" in args.only:
            from bench.tui_bench import bench_tui, tui_available

            if not tui_available():
                results.append(Result("TUI", size, "not built yet (no crm.tui.app)"))
            else:
                results += attempt("TUI", size, bench_tui, dbs[people], people, args.runs)
                if args.postgres and people == 100_000:
                    from bench.tui_bench import bench_first_screen_pg

                    results += attempt("TUI on PostgreSQL", size, bench_first_screen_pg,
                                       people, args.runs, args.postgres)
    if "scale" in args.only:
        from bench.scale_bench import bench_scale, bench_scale_pg

        for people in args.sizes:
            if people >= 100_000:  # sorting, paths, JSON and generation at size
                results += attempt("scale", f"{people:,} people", bench_scale, people,
                                   args.runs)
            if people == 100_000 and args.postgres:  # issue 19: the TUI targets on PG
                results += attempt("scale, PostgreSQL", f"{people:,} people",
                                   bench_scale_pg, people, args.runs, args.postgres)
    if "tui" in args.only and args.sizes:
        from bench.tui_bench import bench_rss, tui_available

        if tui_available():
            biggest = max(args.sizes)
            results += attempt("TUI peak RSS", f"{biggest:,} people", bench_rss,
                               dbs[biggest], biggest)
    if "import" in args.only or "khard" in args.only:
        from bench.cache import phone_export

        with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
            for cards in args.cards:
                size = f"{cards:,} cards"
                imported: list[Path] = []
                rows = attempt("vCard import", size, bench_import, cards, args.runs, Path(tmp),
                               imported)
                if "import" in args.only:
                    results += rows
                    if args.postgres:
                        from bench.import_bench import bench_import_pg, parse_timing

                        results += attempt("vCard import on PostgreSQL", size, bench_import_pg,
                                           cards, args.runs, args.postgres, parse_timing(rows))
                if "khard" in args.only and cards == max(args.cards) and imported:
                    from bench.khard_bench import bench_side_by_side

                    results += attempt("khard side by side", size, bench_side_by_side,
                                       phone_export(cards), cards, imported[0], args.runs)
    return results


def document(args: argparse.Namespace, results: list[Result], load: str,
             elapsed: float) -> str:
    missed = [r for r in results if r.met is False]
    failed = [r for r in results if isinstance(r.value, str) and r.value.startswith("failed")]
    lines = [
        "# crm benchmark results",
        "",
        f"`python -m bench --sizes {','.join(map(str, args.sizes))} --cards "
        f"{','.join(map(str, args.cards))} --runs {args.runs}` (what `make bench` runs), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, "
        f"{elapsed / 60:.1f} min.",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu_model()}), {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, SQLAlchemy {version('sqlalchemy')}, Textual "
        f"{version('textual')}{postgres_version(args.postgres)}. Load average (1 min) during "
        f"the run: {load}.",
        "",
        "Median (min–max) of the timed runs, after one untimed warm-up; CPU is the median CPU "
        "time of the process (or of the child, for whole-process figures), which a busy "
        "shared machine inflates less than wall-clock time. ✓/✗: the goal from SPEC.md.",
        "",
        markdown(results),
        "",
    ]
    if missed:
        lines.append("Missed: " + "; ".join(f"{r.what} at {r.size}: {r.figure} "
                                            f"(goal {r.goal})" for r in missed) + ".")
    else:
        lines.append("Every goal measured in this run was met.")
    if failed:
        lines.append("")
        lines.append("Failed: " + "; ".join(f"{r.what} at {r.size}" for r in failed) + ".")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.cache_dir:
        os.environ["CRM_BENCH_CACHE"] = args.cache_dir
    began = time.perf_counter()
    load = LoadSampler()
    results = run(args)
    text = document(args, results, load.stop(), time.perf_counter() - began)
    print(text)
    if args.out != "-":
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(out)
        print(f"written to {out}", file=sys.stderr)
    failed = any(isinstance(r.value, str) and r.value.startswith("failed") for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
