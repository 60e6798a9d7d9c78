"""Derived co-workers, fellow interns and classmates on boundary dates."""

from __future__ import annotations

from datetime import date

import pytest

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.network import derived_connections

TODAY = date(2026, 11, 26)

# (my start, my end, my current, their start, their end, their current) -> overlap or None
CASES = [
    # Months that touch: both were there in May 2024.
    (("2024-01", "2024-05", False), ("2024-05", "2024-09", False), ("2024-05-01", "2024-05-31")),
    # Adjacent months do not overlap.
    (("2024-01", "2024-05", False), ("2024-06", "2024-09", False), None),
    # Exact days that touch, and days that miss by one.
    (("2024-01-01", "2024-05-15", False), ("2024-05-15", "2024-09", False),
     ("2024-05-15", "2024-05-15")),
    (("2024-01-01", "2024-05-15", False), ("2024-05-16", "2024-09", False), None),
    # Year-only dates are read at their widest.
    (("2023", "2023", False), ("2023-11", "2024-02", False), ("2023-11-01", "2023-12-31")),
    (("2022", "2022", False), ("2023", None, True), None),
    # Unknown start: since before anything we know.
    ((None, "2020-03", False), ("2019-06", "2019-08", False), ("2019-06-01", "2019-08-31")),
    ((None, "2020-03", False), ("2021", "2021", False), None),
    ((None, "2020-03", False), (None, "2019-02", False), ("unknown", "2019-02-28")),
    # Open end on a current position: still there today.
    (("2025-01", None, True), ("2026-03", None, True), ("2026-03-01", "2026-11-26")),
    # A past position with no end lasted within its start period.
    (("2022-05", None, False), ("2022-06", "2022-07", False), None),
    (("2022-05", None, False), ("2022-05-15", "2022-07", False), ("2022-05-15", "2022-05-31")),
    # No dates at all: we cannot tell, so no overlap.
    ((None, None, False), ("2020", "2024", False), None),
]


@pytest.mark.parametrize(("mine", "theirs", "expected"), CASES)
def test_overlap_boundaries(db: Database, mine: tuple, theirs: tuple,  # type: ignore[type-arg]
                            expected: tuple[str, str] | None) -> None:
    with db.write() as s:
        me = create_person(s, "Me Myself", me=True)
        other = create_person(s, "Pat Peer")
        add_position(s, me, "Globex", start=mine[0], end=mine[1], current=mine[2])
        add_position(s, other, "Globex", start=theirs[0], end=theirs[1], current=theirs[2])
        found = derived_connections(s, me.id, today=TODAY)
        back = derived_connections(s, other.id, today=TODAY)
    if expected is None:
        assert found == [] and back == []
        return
    assert [(c.person, c.company, c.derived, c.overlap) for c in found] == [
        ("Pat Peer", "Globex", True, expected)]
    assert [c.overlap for c in back] == [expected]


def test_kinds_and_the_most_recent_overlap(db: Database) -> None:
    with db.write() as s:
        me = create_person(s, "Me Myself", me=True)
        intern = create_person(s, "Ida Intern")
        classmate = create_person(s, "Cal Mate")
        boss = create_person(s, "Bo Boss")
        add_position(s, me, "Globex", kind="intern", start="2023-06", end="2023-08")
        add_position(s, intern, "Globex", kind="intern", start="2023-07", end="2023-09")
        add_position(s, me, "State University", kind="student", start="2021-09",
                     end="2025-05")
        add_position(s, classmate, "State University", kind="student", start="2020-09",
                     end="2024-05")
        # Bo overlapped me twice (Globex 2023, Initech now): the later overlap is shown.
        add_position(s, boss, "Globex", kind="full-time", start="2015")
        add_position(s, me, "Initech", kind="full-time", start="2025-01")
        add_position(s, boss, "Initech", kind="full-time", start="2024-06", end="2025-03")
        found = derived_connections(s, me.id, today=TODAY)
    assert [(c.person, c.kind, c.company, c.overlap) for c in found] == [
        ("Ida Intern", "fellow-intern", "Globex", ("2023-07-01", "2023-08-31")),
        ("Bo Boss", "co-worker", "Initech", ("2025-01-01", "2025-03-31")),
        ("Cal Mate", "classmate", "State University", ("2021-09-01", "2024-05-31")),
    ]
