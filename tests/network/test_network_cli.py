"""The CLI faces: crm who, crm path, crm stale, crm demo --people."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def small_network(crm: Any) -> None:
    for args in (
        ("add", "person", "Jordan Me", "--me"),
        ("add", "person", "Alice Archer"),
        ("add", "person", "Dan Dorsey", "--via", "Alice"),
        ("add", "position", "Alice", "Stripe, Inc.", "--title", "Staff Engineer",
         "--start", "2022"),
        ("add", "position", "Dan", "Stripe", "--title", "Manager", "--start", "2021"),
        ("add", "position", "Alice", "Acme Foods", "--start", "2015", "--end", "2016"),
        ("add", "position", "Dan", "Acme Robotics", "--start", "2012", "--end", "2014"),
        ("link", "me", "Alice", "--kind", "friend", "--strength", "5"),
    ):
        r = crm(*args)
        assert r.exit_code == 0, (args, r.stderr)


def test_who_json_and_resolution_message(crm: Any) -> None:
    small_network(crm)
    r = crm("who", "stripe inc", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == "crm: Stripe, Inc. (#1, by name)"
    data = r.json()
    assert data["company"] == "Stripe, Inc."
    assert [p["name"] for p in data["current"]] == ["Alice Archer"]
    assert data["former"] == []
    assert [(e["person"]["name"], [v["name"] for v in e["via"]])
            for e in data["second_degree"]] == [("Dan Dorsey", ["Alice Archer"])]
    text = crm("who", "STRIPE")
    assert text.exit_code == 0 and "Alice Archer" in text.stdout and "Dan Dorsey" in text.stdout


def test_who_bad_company_is_one_line(crm: Any) -> None:
    small_network(crm)
    ambiguous = crm("who", "acme")
    assert ambiguous.exit_code != 0 and ambiguous.stdout == ""
    assert ambiguous.stderr.strip() == ("crm: company 'acme' is ambiguous: Acme Foods (#2), "
                                        "Acme Robotics (#3)")
    unknown = crm("who", "Strpie", "--json")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == ("crm: no company matches 'Strpie'; "
                                      "did you mean 'Stripe, Inc.'?")
    # Under --json, stdout carries the same line as a JSON error object (and nothing else).
    assert unknown.json() == {"error": {
        "message": "no company matches 'Strpie'; did you mean 'Stripe, Inc.'?",
        "kind": "bad-input", "exit_code": 2}}


def test_path_to_a_person_and_to_a_company(crm: Any) -> None:
    small_network(crm)
    r = crm("path", "dan", "--json")
    assert r.exit_code == 0, r.stderr
    data = r.json()
    assert data["target"] == "Dan Dorsey"
    assert [[p["name"] for p in path["people"]] for path in data["paths"]] == [
        ["Alice Archer", "Dan Dorsey"]]
    assert data["paths"][0]["hops"] == 2 and data["paths"][0]["strength"] == 3
    company = crm("path", "Stripe", "--json").json()
    assert [[p["name"] for p in path["people"]] for path in company["paths"]] == [
        ["Alice Archer"]]
    text = crm("path", "dan")
    assert "me -> Alice Archer [friend 5] -> Dan Dorsey" in text.stdout


def test_path_takes_an_exact_company_name_before_a_part_of_a_persons_name(crm: Any) -> None:
    """"Stripe" names the company exactly: not a person whose name merely contains it (or
    is spelled close to it); a name that starts with it is still a person first."""
    small_network(crm)
    for args in (("add", "person", "Bo Stripeson"), ("add", "person", "Acme Jones"),
                 ("add", "position", "Bo", "Acme", "--start", "2020", "--new-company")):
        assert crm(*args).exit_code == 0
    company = crm("path", "Stripe", "--json")
    assert company.exit_code == 0, company.stderr
    assert company.stderr.strip() == "crm: paths to anyone now at Stripe, Inc. (#1, by name)"
    assert [[p["name"] for p in path["people"]] for path in company.json()["paths"]] == [
        ["Alice Archer"]]
    # Not a company's exact name: parts of a person's name still find the person.
    assert crm("path", "stripeson", "--json").json()["target"] == "Bo Stripeson"
    # A person whose name starts with the words comes before a company of that name.
    assert crm("path", "Acme", "--json").json()["target"] == "Acme Jones"


def test_stale_lists_people_never_contacted(crm: Any) -> None:
    small_network(crm)
    data = crm("stale", "--days", "30", "--json").json()
    assert [(p["name"], p["strength"], p["last_contacted"]) for p in data] == [
        ("Alice Archer", 5, None)]


def test_demo_generates_a_network(crm: Any) -> None:
    r = crm("demo", "--people", "150", "--seed", "4", "--json")
    assert r.exit_code == 0, r.stderr
    made = r.json()
    assert made["people"] == 150 and made["connections"] >= 300
    assert "generated 150 people" in r.stderr
    people = crm("people", "--json", "--limit", "500").json()
    assert len(people) == 150 and sum(p["me"] for p in people) == 1
    again = crm("demo", "--people", "150")
    assert again.exit_code != 0 and "already has people" in again.stderr


def test_who_path_imports_no_textual_or_vobject(tmp_path: Path) -> None:
    code = (
        "import os, sys, json\n"
        f"db = {str(tmp_path / 'x.sqlite3')!r}\n"
        "from crm.cli import run\n"
        "assert run(['add', 'position', 'Ann', 'Globex', '--db', db]) != 0\n"
        "assert run(['add', 'person', 'Ann', '--db', db]) == 0\n"
        "assert run(['add', 'position', 'Ann', 'Globex', '--db', db]) == 0\n"
        "assert run(['who', 'globex', '--json', '--db', db]) == 0\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"CRM_DATA_DIR": str(tmp_path), "PATH": ""}).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    assert not {m for m in loaded if m.split(".")[0] in {"textual", "vobject", "rich"}}
