"""The companies list counts the people the company page shows (issue 14: Microsoft "Now 2"
in `crm companies` beside one person on `crm who Microsoft`): never me, nor someone I know
only through another person, and each person once (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any


def test_list_counts_are_the_company_pages(crm: Any) -> None:
    def ok(*args: str) -> None:
        result = crm(*args)
        assert result.exit_code == 0, result.stderr

    ok("add", "person", "Jordan Lee", "--me")
    ok("add", "position", "Jordan Lee", "Microsoft", "--title", "Intern", "--start", "2024")
    ok("add", "person", "Priya Raman")
    ok("add", "position", "Priya Raman", "Microsoft", "--title", "PM", "--start", "2023")
    # Someone there before and now again: one person, counted as there now.
    ok("add", "position", "Priya Raman", "Microsoft", "--title", "Intern", "--start", "2019",
       "--end", "2020")
    ok("add", "person", "Kim Ode")
    ok("add", "position", "Kim Ode", "Microsoft", "--start", "2018", "--end", "2021")
    # Known only through Priya (and there before my time): not on the page, not counted...
    ok("add", "person", "Lee Park", "--via", "Priya Raman")
    ok("add", "position", "Lee Park", "Microsoft", "--title", "SDE", "--start", "2015",
       "--end", "2016")
    # ...unless linked to me.
    ok("add", "person", "Ana Ruiz", "--via", "Priya Raman")
    ok("add", "position", "Ana Ruiz", "Microsoft", "--title", "SDE")
    ok("link", "Jordan Lee", "Ana Ruiz", "--kind", "friend")

    page: Any = crm("who", "Microsoft", "--json").json()
    [listed] = [c for c in crm("companies", "--json").json() if c["name"] == "Microsoft"]
    assert sorted(s["name"] for s in page["current"]) == ["Ana Ruiz", "Priya Raman"]
    assert [s["name"] for s in page["former"]] == ["Kim Ode"]
    assert page["second_degree"] == []
    assert (listed["people_current"], listed["people_former"]) == (2, 1)
