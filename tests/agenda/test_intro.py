"""`crm intro`: a forwardable intro request along the best path, from an editable template,
with the ask recorded and a chase proposed a week later."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def _network(crm: Any) -> None:
    for args in (("add", "person", "Jordan Lee", "--me", "--email", "jordan@example.com"),
                 ("add", "person", "Marcus Webb"),
                 ("add", "person", "Ana Lima"),
                 ("add", "person", "Dana Director", "--via", "Marcus"),
                 ("add", "position", "Dana", "Stripe", "--title", "Engineering Director",
                  "--start", "2020"),
                 ("add", "person", "Sam Close"),
                 ("add", "position", "Sam", "Globex", "--title", "Engineer", "--start", "2021"),
                 ("link", "me", "Marcus", "--kind", "friend", "--strength", "4"),
                 ("link", "me", "Ana", "--kind", "friend", "--strength", "2")):
        r = crm(*args)
        assert r.exit_code == 0, (args, r.stderr)


def test_intro_drafts_the_note_records_the_ask_and_a_chase(crm: Any) -> None:
    _network(crm)
    r = crm("intro", "Dana", "--why", "curious about the platform team")
    assert r.exit_code == 0, r.stderr
    note = r.stdout
    assert note.startswith("Subject: Could you introduce me to Dana Director?")
    assert "Hi Marcus," in note and "Hi Dana," in note
    assert "Dana Director (Engineering Director at Stripe)" in note
    assert "Curious about the platform team." in note
    assert "jordan@example.com" in note
    referrals = crm("referrals", "list", "--json").json()
    assert [(x["referrer"], x["to_person"], x["status"]) for x in referrals] == [
        ("Marcus Webb", "Dana Director", "asked")]
    todos = crm("todo", "list", "--json").json()
    assert [(t["origin"], t["person"], t["due_on"]) for t in todos] == [
        ("chase-intro", "Marcus Webb", (date.today() + timedelta(days=7)).isoformat())]


def test_dry_run_and_o_file(crm: Any, tmp_path: Path) -> None:
    _network(crm)
    out = tmp_path / "intro.txt"
    r = crm("intro", "Stripe", "--dry-run", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert "Hi Marcus," in text and "Stripe" in text
    assert crm("referrals", "list", "--json").json() == []  # nothing recorded
    assert crm("todo", "list", "--json").json() == []
    # --json holds the same text as the file, byte for byte.
    data = crm("intro", "Stripe", "--dry-run", "--json").json()
    assert data["text"] == text and data["path"] == ["Marcus Webb", "Dana Director"]


def test_the_template_in_the_data_dir_is_the_users_to_edit(crm: Any) -> None:
    _network(crm)
    first = crm("intro", "Dana", "--dry-run", "--json").json()
    template = Path(first["template"])
    assert template.is_relative_to(Path(os.environ["CRM_DATA_DIR"]))
    assert stat.S_IMODE(template.stat().st_mode) == 0o600
    template.write_text("Yo $via_first, meet me and $target? $unknown stays.\n",
                        encoding="utf-8")
    r = crm("intro", "Dana", "--dry-run")
    assert r.stdout == "Yo Marcus, meet me and Dana Director? $unknown stays.\n"


def test_no_intro_needed_no_path_or_not_through_them_is_refused(crm: Any) -> None:
    _network(crm)
    for args, said in ((("intro", "Marcus"), "no introduction needed"),
                       (("intro", "Globex"), "ask them directly"),
                       (("intro", "Dana", "--via", "Ana"), "no path to Dana Director through"),
                       (("intro", "nobody-at-all"), "")):
        r = crm(*args)
        assert r.exit_code == 2, (args, r.stderr)
        assert said in r.stderr and r.stderr.count("\n") == 1, (args, r.stderr)
    assert crm("referrals", "list", "--json").json() == []
