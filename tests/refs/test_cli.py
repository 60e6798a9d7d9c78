"""The CLI faces: crm refs, crm referrals, crm apps (on both backends)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from crm.core.db import open_database
from tests.refs.conftest import NON_LATIN, Network, build_network


@pytest.fixture
def net(db_url: str) -> Network:
    db = open_database(db_url)
    try:
        return build_network(db)
    finally:
        db.dispose()


def test_refs_add_creates_then_updates(crm: Any) -> None:
    crm("add", "person", "Ada Lovelace", "--email", "ada@example.com")
    r = crm("refs", "add", "ada", "--status", "asked", "--relationship", "Professor",
            "--speaks-to", "Analytical engines")
    assert r.exit_code == 0, r.stderr
    assert "Ada Lovelace is a reference (asked)" in r.stderr
    r = crm("refs", "add", "Ada Lovelace", "--status", "agreed", "--json")
    assert r.json()["status"] == "agreed" and r.json()["relationship"] == "Professor"
    [ref] = crm("refs", "list", "--json").json()
    assert {k: ref[k] for k in ("name", "status", "relationship", "speaks_to", "uses")} == {
        "name": "Ada Lovelace", "status": "agreed", "relationship": "Professor",
        "speaks_to": "Analytical engines", "uses": []}
    assert ref["asked_on"] and ref["agreed_on"]
    bad = crm("refs", "add", "nobody at all")
    assert bad.exit_code != 0 and bad.stderr.startswith("crm: no person matches")


def test_refs_list_for_ranks_candidates_with_reasons(crm: Any, net: Network) -> None:
    r = crm("refs", "list", "--for", "Stripe Software Engineer II", "--json")
    assert r.exit_code == 0, r.stderr
    cands = r.json()
    assert [c["name"] for c in cands][:3] == ["Priya Natarajan", "Marcus Webb", NON_LATIN]
    assert "works at Stripe, Inc. now" in cands[1]["reasons"]
    text = crm("refs", "list", "--for", "stripe")
    assert "reference candidates for Stripe, Inc." in text.stderr
    assert "your manager" in text.stdout and "Olivia Park" not in text.stdout


def test_refs_export_writes_file_prints_checklist_and_logs_uses(
        crm: Any, net: Network, tmp_path: Path) -> None:
    out = tmp_path / "refs.md"
    r = crm("refs", "export", "--for", f"#{net.app_id}", "--format", "md", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Priya Natarajan" in out.read_text() and "Sam Okafor" not in out.read_text()
    assert "3 references for Software Engineer II at Stripe, Inc." in r.stderr
    assert "[ ] Priya Natarajan - priya@northwind.io" in r.stdout
    assert "Zoë" not in r.stdout
    refs = {x["name"]: x for x in crm("refs", "list", "--json").json()}
    [use] = refs["Priya Natarajan"]["uses"]
    assert (use["application"], use["company"], use["notified"]) == (
        "Software Engineer II", "Stripe, Inc.", False)
    assert refs["Zoë Müller"]["uses"] == []
    done = crm("refs", "notified", "priya", "--for", "app:" + str(net.app_id), "--json")
    assert done.exit_code == 0, done.stderr
    assert [u["notified"] for u in done.json()] == [True]
    marcus_use = refs["Marcus Webb"]["uses"][0]["id"]
    assert crm("refs", "notified", "--use", str(marcus_use)).exit_code == 0
    refs = {x["name"]: x for x in crm("refs", "list", "--json").json()}
    assert refs["Marcus Webb"]["uses"][0]["notified"] is True
    assert refs[NON_LATIN]["uses"][0]["notified"] is False


def test_refs_export_json_include_and_errors(crm: Any, net: Network, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    r = crm("refs", "export", "--for", "stripe", "--format", "csv", "-o", str(out),
            "--include", "Zoë", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["references"] == ["Zoë Müller"]
    assert r.json()["notify"][0]["contact"] == "zoe@example.de"
    for args, expected in [
        (["--for", "stripe", "--format", "docx"], "crm: unknown format 'docx'"),
        (["--for", "Umbrella Corp", "--format", "md"],
         "crm: no company or application matches 'Umbrella Corp'"),
        (["--format", "md"], "crm: refs export needs --for"),
        (["--for", "stripe", "--format", "md", "--include", "Olivia"],
         "crm: Olivia Park declined to be a reference"),
    ]:
        bad = crm("refs", "export", *args, "-o", str(tmp_path / "bad.out"))
        assert bad.exit_code != 0
        assert bad.stderr.startswith(expected), bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
        assert "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.out").exists()


def test_refs_export_without_me_or_agreed_references_fails(crm: Any, tmp_path: Path) -> None:
    crm("add", "person", "Ada Lovelace")
    crm("add", "position", "Ada", "Initech")
    crm("refs", "add", "Ada", "--status", "agreed")
    r = crm("refs", "export", "--for", "initech", "--format", "md", "-o",
            str(tmp_path / "r.md"))
    assert r.exit_code != 0
    # (it read "…so the list has no header", as if the list had been written without one)
    assert r.stderr == ("crm: nobody is marked as you (the list is headed by your own name and "
                        "contact details): nothing written; mark yourself with crm add person "
                        "'Your Name' --me --email ... --phone ...\n")
    assert not (tmp_path / "r.md").exists()
    crm("add", "person", "Jordan Lee", "--me", "--email", "j@example.com")
    crm("refs", "add", "Ada", "--status", "asked")
    r = crm("refs", "export", "--for", "initech", "--format", "pdf", "-o",
            str(tmp_path / "r.pdf"))
    assert r.exit_code != 0
    assert r.stderr.startswith("crm: no references have agreed yet")
    assert not (tmp_path / "r.pdf").exists()


def test_apps_add_list_show(crm: Any, net: Network) -> None:
    r = crm("apps", "add", "Stripe", "Data Engineer", "--applied", "2026-05-02", "--stage",
            "screening", "--json")
    assert r.exit_code == 0, r.stderr
    app = r.json()
    assert (app["company"], app["role"], app["stage"], app["applied_on"]) == (
        "Stripe, Inc.", "Data Engineer", "screening", "2026-05-02")
    listed = crm("apps", "list", "--json").json()
    assert {a["role"] for a in listed} == {"Data Engineer", "Software Engineer II"}
    assert [a["role"] for a in crm("apps", "list", "--stage", "screening", "--json").json()] \
        == ["Data Engineer"]
    crm("referrals", "add", "Marcus", "--for", "Stripe Data Engineer", "--status", "referred")
    shown = crm("apps", "show", "stripe data eng", "--json").json()
    assert shown["id"] == app["id"]
    assert [(x["referrer"], x["referred"], x["status"]) for x in shown["referrals"]] == [
        ("Marcus Webb", "me", "referred")]
    text = crm("apps", "show", f"#{app['id']}")
    assert "Data Engineer at Stripe, Inc." in text.stdout
    assert "Marcus Webb -> me [referred]" in text.stdout
    new_co = crm("apps", "add", "Umbrella Corp", "Chemist", "--json")
    assert new_co.exit_code == 0 and new_co.json()["company"] == "Umbrella Corp"
    bad = crm("apps", "add", "Stripe", "X", "--applied", "May 2nd")
    assert bad.exit_code != 0 and "bad --applied date 'May 2nd'" in bad.stderr
    ambiguous = crm("apps", "show", "stripe engineer")
    assert ambiguous.exit_code != 0 and "is ambiguous" in ambiguous.stderr
    assert "is a company" in crm("apps", "show", "stripe").stderr
    staged = crm("apps", "stage", f"app:{app['id']}", "rejected", "--json").json()
    assert staged["stage"] == "rejected" and staged["closed_on"]


def test_referrals_add_list_and_status(crm: Any, net: Network) -> None:
    r = crm("referrals", "add", "Marcus", "--for", "stripe", "--status", "offered",
            "--on", "2026-05-20", "--note", "will submit", "--json")
    assert r.exit_code == 0, r.stderr
    ref = r.json()
    assert (ref["referrer"], ref["referred"], ref["to_company"], ref["status"],
            ref["asked_on"]) == ("Marcus Webb", "me", "Stripe, Inc.", "offered", "2026-05-20")
    intro = crm("referrals", "add", "Priya", "--to", "Marcus", "--referred", "Zoë",
                "--status", "introduced", "--json").json()
    assert (intro["referred"], intro["to_person"]) == ("Zoë Müller", "Marcus Webb")
    assert [x["id"] for x in crm("referrals", "list", "--json").json()] == [intro["id"],
                                                                          ref["id"]]
    assert [x["id"] for x in crm("referrals", "list", "--for", "stripe", "--json").json()] \
        == [ref["id"]]
    moved = crm("referrals", "status", str(ref["id"]), "interviewing", "--json").json()
    assert moved["status"] == "interviewing" and moved["status_on"]
    bad = crm("referrals", "add", "Marcus")
    assert bad.exit_code != 0 and "needs a target" in bad.stderr
    assert "Marcus Webb" in crm("referrals", "list").stdout
