"""Follow-ups: to-dos typed by the user and the ones crm proposes from what happens."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crm.core.db import Database
from tests.refs.conftest import build_network


def _open(crm: Any) -> list[dict[str, Any]]:
    data = crm("todo", "list", "--json").json()
    assert isinstance(data, list)
    return data


def test_add_list_done_snooze_and_rm(crm: Any) -> None:
    crm("add", "person", "Priya Natarajan")
    crm("apps", "add", "Stripe", "Software Engineer")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    r = crm("todo", "add", "priya", "Send her the deck", "--due", "tomorrow", "--json")
    assert r.exit_code == 0, r.stderr
    first = r.json()
    assert (first["person"], first["due_on"], first["automatic"]) == (
        "Priya Natarajan", tomorrow, False)
    r = crm("todo", "add", "Stripe Software Engineer", "Prepare the system design",
            "--due", "2026-01-05", "--json")
    assert r.exit_code == 0, r.stderr
    second = r.json()
    assert second["application"] == "Software Engineer at Stripe"
    # Soonest first.
    assert [t["id"] for t in _open(crm)] == [second["id"], first["id"]]
    assert "Send her the deck" in crm("todo", "list").stdout
    r = crm("todo", "snooze", str(second["id"]), "--days", "3", "--json")
    assert r.json()["snoozed_until"] == (date.today() + timedelta(days=3)).isoformat()
    assert r.json()["due_on"] == "2026-01-05"  # the due date stays
    assert crm("todo", "done", f"#{first['id']}").exit_code == 0
    assert [t["id"] for t in _open(crm)] == [second["id"]]
    assert crm("todo", "done", str(first["id"])).exit_code == 2  # already done
    everything = crm("todo", "list", "--all", "--json").json()
    assert {t["id"]: t["status"] for t in everything} == {first["id"]: "done",
                                                           second["id"]: "open"}
    r = crm("todo", "rm", str(second["id"]), "--json")
    assert r.json()["deleted"] is True
    assert _open(crm) == []


def test_bad_input_is_one_line_and_writes_nothing(crm: Any) -> None:
    crm("add", "person", "Priya Natarajan")
    crm("apps", "add", "Stripe", "Software Engineer")
    for args in (("todo", "add", "priya", "x", "--due", "someday"),
                 ("todo", "add", "nobody-here", "x"),
                 ("todo", "add", "Stripe", "x"),  # a company, not an application
                 ("todo", "add", "priya", "  "),
                 ("todo", "done", "99"),
                 ("todo", "snooze", "1"),
                 ("todo", "rm", "abc")):
        r = crm(*args)
        assert r.exit_code == 2, (args, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, (args, r.stderr)
    assert crm("todo", "list", "--all", "--json").json() == []
    crm("todo", "add", "priya", "x")
    assert crm("todo", "snooze", "1", "--until", date.today().isoformat()).exit_code == 2


def test_a_reference_export_proposes_telling_each_reference_once(
        db: Database, crm: Any, tmp_path: Path) -> None:
    net = build_network(db)
    r = crm("refs", "export", "--for", f"#{net.app_id}", "--format", "md", "-o",
            str(tmp_path / "r.md"), "--json")
    assert r.exit_code == 0, r.stderr
    notify = {n["name"]: n["use_id"] for n in r.json()["notify"]}
    todos = _open(crm)
    assert sorted(t["person"] for t in todos) == sorted(notify)
    assert all(t["automatic"] and t["origin"] == "notify-reference" for t in todos)
    assert all(t["text"].startswith("Tell ") and "Software Engineer II" in t["text"]
               for t in todos)
    assert "proposed: after a reference export" in crm("todo", "list").stdout
    # Exported again: the same uses, no new to-dos.
    crm("refs", "export", "--for", f"#{net.app_id}", "--format", "md", "-o",
        str(tmp_path / "r2.md"))
    assert len(_open(crm)) == len(notify)
    # Done on the to-do marks the reference as told...
    priya = next(t for t in todos if t["person"] == "Priya Natarajan")
    assert crm("todo", "done", str(priya["id"])).exit_code == 0
    uses = crm("refs", "list", "--json").json()
    told = {v["name"]: [u["notified"] for u in v["uses"]] for v in uses}
    assert told["Priya Natarajan"] == [True] and told["Marcus Webb"] == [False]
    # ...and telling them (crm refs notified) closes the to-do.
    assert crm("refs", "notified", "--use", str(notify["Marcus Webb"])).exit_code == 0
    assert "Marcus Webb" not in {t["person"] for t in _open(crm)}
    # A dismissed proposal is never proposed again.
    left = _open(crm)[0]
    r = crm("todo", "rm", str(left["id"]), "--json")
    assert r.json()["dismissed"] is True
    crm("refs", "export", "--for", f"#{net.app_id}", "--format", "md", "-o",
        str(tmp_path / "r3.md"))
    assert _open(crm) == []


def test_an_interview_date_proposes_a_thank_you_the_day_after(crm: Any) -> None:
    r = crm("apps", "add", "Stripe", "Software Engineer", "--interview", "2026-12-10",
            "--json")
    app = r.json()["id"]
    todos = _open(crm)
    assert [(t["due_on"], t["origin"], t["application_id"]) for t in todos] == [
        ("2026-12-11", "thank-you", app)]
    assert "thank-you note" in todos[0]["text"] and "Stripe" in todos[0]["text"]
    # The interview moves: so does the thank-you (still one).
    assert crm("edit", "application", str(app), "--interview", "2026-12-14").exit_code == 0
    assert [t["due_on"] for t in _open(crm)] == ["2026-12-15"]
    assert crm("apps", "stage", f"#{app}", "interviewing").exit_code == 0
    assert len(_open(crm)) == 1


def test_an_intro_asked_for_is_chased_after_a_week(crm: Any) -> None:
    crm("add", "person", "Jordan Me", "--me")
    crm("add", "person", "Marcus Webb")
    crm("add", "person", "Dana Director")
    crm("apps", "add", "Stripe", "Software Engineer")
    r = crm("referrals", "add", "Marcus", "--to", "Dana", "--on", "2026-12-01", "--json")
    assert r.exit_code == 0, r.stderr
    referral = r.json()["id"]
    todos = _open(crm)
    assert [(t["due_on"], t["origin"], t["person"]) for t in todos] == [
        ("2026-12-08", "chase-intro", "Marcus Webb")]
    assert todos[0]["text"] == "Chase Marcus Webb about the intro to Dana Director"
    # The intro happened: nothing left to chase.
    crm("referrals", "status", str(referral), "introduced")
    assert _open(crm) == []
    # A referral already made is not chased.
    crm("referrals", "add", "Marcus", "--for", "Stripe Software Engineer", "--status",
        "referred")
    assert _open(crm) == []
