"""`crm edit KIND ID`, `crm end position`, `crm rm KIND ID`, `crm log`: every record can be
corrected or removed, and what the database holds afterwards is what the user asked for."""

from __future__ import annotations

from typing import Any


def _show(crm: Any, who: str) -> dict[str, Any]:
    r = crm("show", who, "--json")
    assert r.exit_code == 0, r.stderr
    return r.json()  # type: ignore[no-any-return]


def test_edit_person_me_and_via(crm: Any) -> None:
    crm("add", "person", "Jordan Lee")
    crm("add", "person", "Priya Natarajan")
    crm("add", "person", "Ada Lovelace")
    r = crm("edit", "person", "jordan", "--me", "--headline", "Student", "--tags", "cs, 2027")
    assert r.exit_code == 0, r.stderr
    me = _show(crm, "me")
    assert me["name"] == "Jordan Lee" and me["headline"] == "Student"
    assert me["tags"] == ["2027", "cs"]
    crm("edit", "person", "ada", "--via", "priya")
    assert _show(crm, "ada")["known_via"] == "Priya Natarajan"
    crm("edit", "person", "ada", "--no-via", "--name", "Ada King")
    ada = _show(crm, "ada king")
    assert "known_via" not in ada and ada["name"] == "Ada King"
    crm("edit", "person", "priya", "--me")
    assert _show(crm, "me")["name"] == "Priya Natarajan"
    assert _show(crm, "jordan")["me"] is False
    crm("edit", "person", "priya", "--not-me")
    r = crm("edit", "person", "ada king", "--birthday", "1815-02-30")
    assert r.exit_code == 2 and "bad birthday" in r.stderr
    r = crm("edit", "person", "ada king", "--via", "ada king")
    assert r.exit_code == 2 and "themselves" in r.stderr


def test_positions_edit_end_and_delete(crm: Any) -> None:
    crm("add", "person", "Grace Hopper")
    crm("add", "position", "grace", "Globex", "--title", "Intern", "--start", "2023-06")
    pid = _show(crm, "grace")["positions"][0]["id"]
    r = crm("edit", "position", f"#{pid}", "--title", "Software Intern", "--team", "Payments",
            "--kind", "intern", "--start", "2023-05")
    assert r.exit_code == 0, r.stderr
    (pos,) = _show(crm, "grace")["positions"]
    assert (pos["title"], pos["department"], pos["kind"], pos["start"], pos["current"]) == (
        "Software Intern", "Payments", "intern", "2023-05", True)
    r = crm("end", "position", str(pid), "--on", "2023-08")
    assert r.exit_code == 0, r.stderr
    (pos,) = _show(crm, "grace")["positions"]
    assert (pos["end"], pos["current"]) == ("2023-08", False)
    assert _show(crm, "grace")["company"] is None
    r = crm("edit", "position", str(pid), "--end", "2022")
    assert r.exit_code == 2 and "before it starts" in r.stderr
    assert _show(crm, "grace")["positions"][0]["end"] == "2023-08"  # refused: unchanged
    crm("edit", "position", str(pid), "--end", "")
    assert _show(crm, "grace")["positions"][0]["current"] is True
    r = crm("rm", "position", str(pid))
    assert r.exit_code == 2 and "--yes" in r.stderr
    r = crm("rm", "position", str(pid), "--yes")
    assert r.exit_code == 0, r.stderr
    assert _show(crm, "grace")["positions"] == []
    assert crm("who", "globex", "--json").json()["current"] == []
    r = crm("rm", "position", str(pid), "--yes")
    assert r.exit_code == 2 and f"no position with id {pid}" in r.stderr


def test_connections_interactions_and_contacts(crm: Any) -> None:
    crm("add", "person", "Me Myself", "--me")
    crm("add", "person", "Priya Natarajan", "--email", "priya@stripe.com")
    cid = crm("link", "me", "priya", "--kind", "mentor", "--json").json()["id"]
    crm("edit", "connection", str(cid), "--strength", "5", "--note", "weekly 1:1")
    (c,) = _show(crm, "priya")["connections"]
    assert (c["kind"], c["strength"], c["note"]) == ("mentee", 5, "weekly 1:1")
    r = crm("edit", "connection", str(cid), "--kind", "boss")
    assert r.exit_code == 2 and "bad connection kind" in r.stderr
    crm("rm", "connection", str(cid), "--yes")
    assert _show(crm, "priya")["connections"] == []

    r = crm("log", "priya", "Coffee near the office", "--kind", "coffee", "--on", "2026-03-01",
            "--json")
    assert r.exit_code == 0, r.stderr
    iid = r.json()["id"]
    crm("log", "priya", "Met at the career fair", "--kind", "met", "--on", "2026-02-01")
    assert _show(crm, "priya")["last_contacted"] == "2026-03-01"
    crm("edit", "interaction", str(iid), "--on", "2026-01-15", "--text", "Coffee, rescheduled")
    shown = _show(crm, "priya")
    assert [(i["date"], i["kind"], i["summary"]) for i in shown["interactions"]] == [
        ("2026-02-01", "met", "Met at the career fair"),
        ("2026-01-15", "coffee", "Coffee, rescheduled")]
    crm("rm", "interaction", str(iid), "--yes")
    assert [i["kind"] for i in _show(crm, "priya")["interactions"]] == ["met"]
    r = crm("log", "priya", "x", "--on", "yesterday")
    assert r.exit_code == 2 and "bad date" in r.stderr

    (cp,) = _show(crm, "priya")["contact_points"]
    crm("edit", "contact", str(cp["id"]), "--value", "priya@stripe.dev", "--label", "work")
    (cp2,) = _show(crm, "priya")["contact_points"]
    assert (cp2["id"], cp2["value"], cp2["label"]) == (cp["id"], "priya@stripe.dev", "work")
    assert [p["name"] for p in crm("people", "stripe.dev", "--json").json()] == [
        "Priya Natarajan"]
    r = crm("edit", "contact", str(cp["id"]), "--value", "not an email")
    assert r.exit_code == 2 and "bad email" in r.stderr
    crm("rm", "contact", str(cp["id"]), "--yes")
    assert _show(crm, "priya")["contact_points"] == []


def test_applications_referrals_references_and_companies(crm: Any) -> None:
    crm("add", "person", "Me Myself", "--me")
    crm("add", "person", "Priya Natarajan")
    crm("add", "position", "priya", "Stripe", "--title", "Engineer")
    app = crm("apps", "add", "Stripe", "SWE Intern", "--json").json()
    crm("add", "position", "me", "Globex Labs", "--title", "Intern", "--end", "2025")
    crm("companies")  # (Globex Labs exists now)
    r = crm("edit", "application", str(app["id"]), "--company", "Globex Labs", "--role",
            "Software Intern", "--applied", "2026-01-10", "--interview", "2026-02-01")
    assert r.exit_code == 0, r.stderr
    shown = crm("apps", "show", f"#{app['id']}", "--json").json()
    assert (shown["company"], shown["role"], shown["applied_on"], shown["interview_on"]) == (
        "Globex Labs", "Software Intern", "2026-01-10", "2026-02-01")
    crm("edit", "application", str(app["id"]), "--interview", "")
    assert crm("apps", "show", f"#{app['id']}", "--json").json()["interview_on"] is None

    ref = crm("referrals", "add", "priya", "--for", f"#{app['id']}", "--json")
    assert ref.exit_code == 0, ref.stderr
    rid = ref.json()["id"]
    crm("edit", "referral", str(rid), "--status", "referred", "--note", "sent to the recruiter")
    (referral,) = _show(crm, "priya")["referrals"]
    assert (referral["status"], referral["note"]) == ("referred", "sent to the recruiter")
    crm("rm", "referral", str(rid), "--yes")
    assert _show(crm, "priya")["referrals"] == []

    crm("refs", "add", "priya", "--status", "asked")
    crm("edit", "reference", "priya", "--status", "agreed", "--preferred-contact", "phone",
        "--strength", "5")
    refs = crm("refs", "list", "--json").json()
    assert [(r["name"], r["status"], r["preferred_contact"], r["strength"]) for r in refs] == [
        ("Priya Natarajan", "agreed", "phone", 5)]
    crm("rm", "reference", "priya", "--yes")
    assert crm("refs", "list", "--json").json() == []

    r = crm("rm", "company", "Globex Labs", "--yes")
    assert r.exit_code == 2
    assert "Globex Labs is still used by 1 position and 1 application" in r.stderr
    crm("rm", "application", str(app["id"]), "--yes")
    assert crm("apps", "list", "--json").json() == []
    crm("edit", "company", "Stripe", "--name", "Stripe, Inc.", "--industry", "Payments")
    assert _show(crm, "priya")["company"] == "Stripe, Inc."
    crm("add", "position", "me", "Initech", "--end", "2024")
    pos = next(p for p in _show(crm, "me")["positions"] if p["company"] == "Initech")
    crm("rm", "position", str(pos["id"]), "--yes")
    r = crm("rm", "company", "Initech", "--yes")
    assert r.exit_code == 0, r.stderr
    assert "Initech" not in [c["name"] for c in crm("companies", "--json").json()]
