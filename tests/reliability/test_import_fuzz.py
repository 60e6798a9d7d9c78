"""The importer never fails on a mangled phone export: good cards land, nothing is lost.

The default run tries a fixed set of derandomized cases on each backend; the slow run
(``make test-slow``) explores many more at random.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests.conftest import _truncate_all
from tests.reliability.fuzz import Case, build, cases, check_import

# No shrinking: a case with a 2 MB line shrinks for many minutes; the failing case printed
# as generated is readable enough (a handful of operations on one card).
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
FAST = settings(max_examples=25, derandomize=True, deadline=None, database=None, phases=PHASES,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=1200, deadline=None, phases=PHASES,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, sqlite_template: Path,
              pg_session_url: str | None) -> Iterator[object]:
    """A callable giving the URL of an empty database, fresh for each hypothesis example."""
    work = Path(tempfile.mkdtemp(prefix="crm-fuzz-"))
    if request.param == "postgresql" and pg_session_url is None:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set")

    def fresh() -> tuple[str, Path]:
        if request.param == "postgresql":
            assert pg_session_url is not None
            _truncate_all(pg_session_url)
            return pg_session_url, work
        path = work / "crm.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}", work

    yield fresh
    shutil.rmtree(work, ignore_errors=True)


def _one(fresh: object, case: Case) -> None:
    url, work = fresh()  # type: ignore[operator]
    data, good = build(case)
    path = work / "contacts.vcf"
    path.write_bytes(data)
    check_import(path, url, good)


@FAST
@given(case=cases)
# A stray byte inside a parameter name of a SHIFT_JIS-declared line: read in that charset it
# takes the next ASCII byte with it, and the line is kept as declared (the slow run found it).
@example(case=Case(victim=1, where=1, newline="\r\n", bom=False,
                   ops=[("declare", "SHIFT_JIS"), ("insert", 127, b"\xe1"),
                        ("drop_line", 14172), ("declare", "idna")]))
# The same in QUOTED-PRINTABLE's name, on a NOTE whose value has a NUL before it.
@example(case=Case(victim=2, where=0, newline="\r\r\n", bom=False,
                   ops=[("declare", "SHIFT_JIS"), ("insert", 1145, b"\x00"),
                        ("insert", 212, b"\xe6")]))
def test_mangled_exports_import_the_good_cards_and_lose_nothing(fresh_url: object,
                                                                case: Case) -> None:
    _one(fresh_url, case)


@pytest.mark.slow
@SLOW
@given(case=cases)
def test_mangled_exports_many_random_cases(fresh_url: object, case: Case) -> None:
    _one(fresh_url, case)
