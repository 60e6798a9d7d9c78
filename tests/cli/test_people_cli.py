"""The CLI contract for people, positions, companies, links, demo and the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_add_person_and_list_as_json(crm: Any) -> None:
    r = crm("add", "person", "Ada Lovelace", "--email", "Ada@Example.com", "--phone",
            "(415) 555-0100", "--tag", "mentor")
    assert r.exit_code == 0, r.stderr
    assert "Ada Lovelace" in r.stderr and r.stdout == ""
    people = crm("people", "--json").json()
    assert len(people) == 1
    ada = people[0]
    assert ada["name"] == "Ada Lovelace"
    assert ada["emails"] == ["Ada@Example.com"]
    assert ada["phones"] == ["(415) 555-0100"]
    assert ada["tags"] == ["mentor"]
    for key in ("id", "urls", "company", "title", "note"):
        assert key in ada


def test_people_search_is_accent_insensitive_and_covers_companies(crm: Any) -> None:
    crm("add", "person", "Zoë Müller")
    crm("add", "person", "Bob Stone")
    crm("add", "position", "Zoë", "Acme Robotics, Inc.", "--title", "Robotics Engineer")
    assert [p["name"] for p in crm("people", "muller", "--json").json()] == ["Zoë Müller"]
    assert [p["name"] for p in crm("people", "acme robotics", "--json").json()] == ["Zoë Müller"]
    assert [p["name"] for p in crm("people", "robotics engineer", "--json").json()] == [
        "Zoë Müller"]
    assert crm("people", "nobody-like-this", "--json").json() == []


def test_positions_show_history_with_current_first(crm: Any) -> None:
    crm("add", "person", "Grace Hopper")
    r = crm("add", "position", "grace", "Globex", "--title", "Intern", "--kind", "intern",
            "--start", "2023-06", "--end", "2023-08")
    assert r.exit_code == 0, r.stderr
    crm("add", "position", "grace", "Initech", "--title", "Engineer", "--start", "2024")
    shown = crm("show", "Grace Hopper", "--json").json()
    assert shown["company"] == "Initech"
    assert shown["title"] == "Engineer"
    assert [(p["company"], p["current"], p["start"], p["end"]) for p in shown["positions"]] == [
        ("Initech", True, "2024", None), ("Globex", False, "2023-06", "2023-08")]
    assert shown["positions"][1]["kind"] == "intern"


def test_show_names_the_team_of_a_position(crm: Any) -> None:
    crm("add", "person", "Grace Hopper")
    crm("add", "position", "grace", "Globex", "--title", " Engineer  ", "--department",
        "Payments Infrastructure ", "--start", "2024")
    assert "  2024 - now           Engineer, Payments Infrastructure at Globex\n" in crm(
        "show", "grace").stdout


def test_overlapping_positions_make_derived_coworkers(crm: Any) -> None:
    crm("add", "person", "Me Myself", "--me")
    crm("add", "person", "Pat Peer")
    crm("add", "position", "me", "Globex", "--kind", "intern", "--start", "2024-05",
        "--end", "2024-08")
    crm("add", "position", "pat", "Globex", "--kind", "intern", "--start", "2024-06",
        "--end", "2024-09")
    conns = crm("show", "me", "--json").json()["connections"]
    assert conns == [{"person": "Pat Peer", "person_id": 2, "kind": "fellow-intern",
                      "strength": 2, "derived": True, "company": "Globex",
                      "overlap": {"from": "2024-06-01", "to": "2024-08-31"},
                      "maybe": False}]  # both dated: evidence, not a guess
    assert ("  Pat Peer: fellow-intern, strength 2 (derived: Globex 2024-06-01..2024-08-31)"
            in crm("show", "me").stdout.splitlines())


def test_undated_coworkers_read_as_of_the_day_they_were_known(crm: Any,
                                                              tmp_path: Path) -> None:
    """Two phone cards with ORG:Globex and no dates made co-workers shown
    "2026-12-07..2026-12-07", as if for that one day: it is what was known that day."""
    from datetime import date

    path = tmp_path / "phone.vcf"
    path.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{n}\r\nORG:Globex\r\n"
                            "END:VCARD\r\n" for n in ("Una Undated", "Ulf Undated")))
    assert crm("import", str(path)).exit_code == 0
    today = date.today().isoformat()
    assert (f"  Ulf Undated: co-worker, strength 1 (maybe, from undated positions: Globex "
            f"as of {today})" in crm("show", "una").stdout.splitlines())


def test_only_one_person_is_me(crm: Any) -> None:
    crm("add", "person", "First", "--me")
    crm("add", "person", "Second", "--me")
    people = {p["name"]: p["me"] for p in crm("people", "--json").json()}
    assert people == {"First": False, "Second": True}


def test_via_records_someone_known_through_another(crm: Any) -> None:
    crm("add", "person", "Marcus Webb")
    assert crm("add", "person", "Felix Wagner", "--via", "marcus").exit_code == 0
    assert crm("show", "felix", "--json").json()["known_via"] == "Marcus Webb"


def test_link_records_a_connection(crm: Any) -> None:
    crm("add", "person", "Jordan Lee", "--me")
    crm("add", "person", "Priya Natarajan")
    r = crm("link", "me", "priya", "--kind", "manager", "--strength", "5", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["kind"] == "manager"
    conns = crm("show", "priya", "--json").json()["connections"]
    assert conns[0]["person"] == "Jordan Lee" and conns[0]["kind"] == "report"
    assert conns[0]["strength"] == 5 and conns[0]["derived"] is False


def test_bad_input_gets_one_line_and_non_zero_exit(crm: Any) -> None:
    crm("add", "person", "Sam One")
    crm("add", "person", "Sam Two")
    cases = [
        (("show", "nobody"), "no person matches 'nobody'"),
        (("show", "sam"), "ambiguous: Sam One (#1), Sam Two (#2)"),
        (("add", "position", "Sam One", "X", "--start", "2024-13"), "month must be 01-12"),
        (("add", "person", "Bad", "--email", "not-an-email"), "bad email address"),
        (("link", "Sam One", "Sam One", "--kind", "friend"), "themselves"),
        (("link", "Sam One", "Sam Two", "--kind", "bestie"), "bad connection kind"),
        (("add", "position", "Sam One", "X", "--kind", "pirate"), "bad position kind"),
    ]
    for args, expected in cases:
        r = crm(*args)
        assert r.exit_code != 0, args
        assert expected in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr
        assert r.stdout == ""
    assert [p["name"] for p in crm("people", "--json").json()] == ["Sam One", "Sam Two"]


def test_usage_errors_exit_non_zero_without_traceback(crm: Any) -> None:
    r = crm("show")
    assert r.exit_code == 2
    assert "Traceback" not in r.stderr


def test_demo_loads_a_meaningful_network(crm: Any) -> None:
    r = crm("demo")
    assert r.exit_code == 0, r.stderr
    people = crm("people", "--json").json()
    assert 25 <= len(people) <= 60
    me = [p for p in people if p["me"]]
    assert [p["name"] for p in me] == ["Jordan Lee"]
    jordan = crm("show", "me", "--json").json()
    kinds = {p["kind"] for p in jordan["positions"]}
    assert {"intern", "full-time"} <= kinds
    assert any(c["derived"] for c in jordan["connections"])
    assert any(p.get("known_via") for p in people)
    companies = crm("companies", "--json").json()
    stripe = next(c for c in companies if c["name"] == "Stripe, Inc.")
    assert "stripe.com" in stripe["domains"]
    again = crm("demo")
    assert again.exit_code != 0 and "already has people" in again.stderr


def test_companies_search_by_alias_and_domain(crm: Any) -> None:
    crm("demo")
    assert [c["name"] for c in crm("companies", "northwind", "--json").json()] == [
        "Northwind Analytics"]
    assert [c["name"] for c in crm("companies", "hooli.xyz", "--json").json()] == ["Hooli"]
    assert [c["name"] for c in crm("companies", "Hooli XYZ", "--json").json()] == ["Hooli"]


def test_contact_text_is_printed_literally_in_tables(crm: Any) -> None:
    crm("add", "person", "Evil \x1b[31mRed\x1b[0m [b]x[/b]")
    out = crm("people").stdout
    assert "\x1b" not in out
    assert "\\x1b[31mRed" in out and "[b]x[/b]" in out


def test_db_current_and_backup(crm: Any, db_url: str, tmp_path: Path) -> None:
    info = crm("db", "current", "--json").json()
    assert info["revision"] == info["head"] and info["up_to_date"] is True
    assert crm("db", "upgrade").exit_code == 0
    r = crm("db", "backup")
    if db_url.startswith("sqlite"):
        assert r.exit_code == 0, r.stderr
        backup = Path(r.stdout.strip())
        assert backup.exists() and (backup.stat().st_mode & 0o777) == 0o600
    else:
        assert r.exit_code != 0 and "pg_dump" in r.stderr


def test_people_search_lists_the_best_match_first(crm: Any) -> None:
    assert crm("demo").exit_code == 0
    found = [p["name"] for p in crm("people", "marcus", "--json").json()]
    # Felix Wagner's note ("Marcus's manager.") mentions him: found, after Marcus.
    assert found == ["Marcus Webb", "Felix Wagner"]
    table = crm("people", "marcus").stdout.splitlines()
    assert "Marcus Webb" in table[1] and "Felix Wagner" in table[2]
    # The same order streamed (--json) and paged (--limit).
    assert [p["name"] for p in crm("people", "marcus", "--json", "--limit", "1").json()] == [
        "Marcus Webb"]
