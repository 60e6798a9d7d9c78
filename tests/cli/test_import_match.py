"""A card matched to someone of another name by a shared phone is told as a merge, with its
evidence, listed on the person's page, and can be split off again (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MARCUS = """BEGIN:VCARD
VERSION:3.0
FN:Marcus Webb
N:Webb;Marcus;;;
TEL;TYPE=CELL:+1 415 555 0101
ORG:Acme
END:VCARD
"""
MARC = """BEGIN:VCARD
VERSION:3.0
FN:Marc Webb
N:Webb;Marc;;;
TEL;TYPE=CELL:+1 415 555 0101
EMAIL:marc@example.com
END:VCARD
"""
# Marc's card exported again later: changed (a note), and without the email.
MARC_LATER = """BEGIN:VCARD
VERSION:3.0
FN:Marc Webb
N:Webb;Marc;;;
TEL;TYPE=CELL:+1 415 555 0101
NOTE:met at the meetup
END:VCARD
"""


def _import_both(crm: Any, tmp_path: Path, second: str = MARC) -> dict[str, Any]:
    """Marcus's card imported, then ``second`` (Marc's, by default): the second's report."""
    (tmp_path / "a.vcf").write_text(MARCUS)
    (tmp_path / "b.vcf").write_text(second)
    assert crm("import", str(tmp_path / "a.vcf")).exit_code == 0
    r = crm("import", str(tmp_path / "b.vcf"), "--json")
    assert r.exit_code == 0, r.stderr
    report: dict[str, Any] = r.json()
    return report


def _person(crm: Any, name: str) -> dict[str, Any]:
    found = [p for p in crm("people", "--json").json() if p["name"] == name]
    assert len(found) == 1, found
    shown: dict[str, Any] = crm("show", f"#{found[0]['id']}", "--json").json()
    return shown


def test_a_card_matched_by_a_shared_phone_is_a_merge_shown_with_its_evidence(
        crm: Any, tmp_path: Path) -> None:
    report = _import_both(crm, tmp_path)
    assert (report["created"], report["updated"], report["merged"]) == (0, 0, 1)
    marcus = _person(crm, "Marcus Webb")
    assert report["matches"] == [{
        "file": str(tmp_path / "b.vcf"), "line": 1, "name": "Marc Webb",
        "person_id": marcus["id"], "person": "Marcus Webb", "matched_by": "phone",
        "evidence": "+1 415 555 0101"}]
    cards = marcus["imported_cards"]
    assert [(c["name"], c["matched_by"], c["inferred"], c["other_name"]) for c in cards] == [
        ("Marcus Webb", "created", False, False), ("Marc Webb", "phone", True, True)]
    assert cards[1]["evidence"] == "+1 415 555 0101"
    text = crm("show", f"#{marcus['id']}").stdout
    assert (f"#{cards[1]['id']}" in text and "Marc Webb: matched by the same phone "
            "+1 415 555 0101 (inferred)" in text)
    # The text report names the card and the evidence too.
    (tmp_path / "c.vcf").write_text(MARC.replace("marc@", "marc.webb@"))
    r = crm("import", str(tmp_path / "c.vcf"), "--dry-run")
    assert "Marc Webb  (into Marcus Webb" in r.stderr and "same phone" in r.stderr


def test_split_makes_two_people_and_a_reimport_does_not_merge_them_again(
        crm: Any, tmp_path: Path) -> None:
    _import_both(crm, tmp_path)
    marcus = _person(crm, "Marcus Webb")
    card = marcus["imported_cards"][1]["id"]

    dry = crm("split", f"#{marcus['id']}", str(card), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert dry.json()["removed"] == ["email marc@example.com"]
    no = crm("split", f"#{marcus['id']}", str(card))  # no terminal to ask on, no --yes
    assert no.exit_code == 2 and "--yes" in no.stderr
    assert len(crm("people", "--json").json()) == 1  # neither changed anything

    r = crm("split", f"#{marcus['id']}", str(card), "--yes", "--json")
    assert r.exit_code == 0, r.stderr
    assert any(k.startswith("phone +1 415 555 0101") for k in r.json()["kept_on_both"])
    marcus, marc = _person(crm, "Marcus Webb"), _person(crm, "Marc Webb")
    assert {c["value"] for c in marc["contact_points"]} == {"+1 415 555 0101",
                                                            "marc@example.com"}
    assert {c["value"] for c in marcus["contact_points"]} == {"+1 415 555 0101"}
    assert [p["company"] for p in marcus["positions"]] == ["Acme"]
    assert marc["positions"] == []
    assert [c["id"] for c in marc["imported_cards"]] == [card]
    assert [c["matched_by"] for c in marcus["imported_cards"]] == ["created"]
    assert crm("duplicates", "--json").json() == []  # not proposed again as the same

    again = crm("import", str(tmp_path / "b.vcf"), "--json").json()
    assert (again["unchanged"], again["merged"], again["updated"]) == (1, 0, 0)
    # A changed export of Marc's card (only the phone left to match on) is about Marc: the
    # split said they are not the same person.
    (tmp_path / "b2.vcf").write_text(MARC_LATER)
    later = crm("import", str(tmp_path / "b2.vcf"), "--json").json()
    assert (later["created"], later["merged"], later["matches"]) == (0, 0, [])
    assert _person(crm, "Marc Webb")["note"] == "met at the meetup"
    assert _person(crm, "Marcus Webb")["note"] is None
    assert len(crm("people", "--json").json()) == 2


def test_split_refuses_a_card_of_someone_else(crm: Any, tmp_path: Path) -> None:
    _import_both(crm, tmp_path)
    marcus = _person(crm, "Marcus Webb")
    r = crm("split", f"#{marcus['id']}", "9999", "--yes")
    assert r.exit_code != 0 and "no imported card #9999" in r.stderr
    r = crm("split", f"#{marcus['id']}", str(marcus["imported_cards"][0]["id"]), "--yes")
    assert r.exit_code == 0, r.stderr  # the card that made him: Marc's stays with him
    assert len(crm("people", "--json").json()) == 2


MARC_AT_BRIGHTLINE = MARC.replace("END:VCARD", "ORG:Brightline\nEND:VCARD")


def _card_id(crm: Any, card_name: str) -> int:
    """The id of the card named ``card_name`` imported into Marcus."""
    return int(next(c["id"] for c in _person(crm, "Marcus Webb")["imported_cards"]
                    if c["name"] == card_name))


def _split(crm: Any, card_id: int, *how: str) -> dict[str, Any]:
    """``crm split`` of that card off Marcus (``--yes`` unless ``how`` says otherwise)."""
    marcus = _person(crm, "Marcus Webb")
    r = crm("split", f"#{marcus['id']}", str(card_id), *(how or ("--yes",)), "--json")
    assert r.exit_code == 0, r.stderr
    out: dict[str, Any] = r.json()
    return out


def _add_initech(crm: Any) -> str:
    """A current job at Initech added to Marcus by hand: its position id."""
    marcus = _person(crm, "Marcus Webb")
    added = crm("add", "position", f"#{marcus['id']}", "Initech", "--json")
    assert added.exit_code == 0, added.stderr
    return str(added.json()["id"])


def _edit(crm: Any, position_id: str, *changes: str) -> None:
    r = crm("edit", "position", position_id, *changes)
    assert r.exit_code == 0, r.stderr


def test_splitting_a_card_off_makes_current_again_the_job_its_merge_had_ended(
        crm: Any, tmp_path: Path) -> None:
    # Marc's card named a new current job: merged into Marcus, it ended Marcus's Acme
    # position. The card split off, Marcus never left Acme: it is his current job again.
    _import_both(crm, tmp_path, MARC_AT_BRIGHTLINE)
    marcus = _person(crm, "Marcus Webb")
    assert marcus["company"] == "Brightline"  # (the wrong merge's doing)
    assert _split(crm, _card_id(crm, "Marc Webb"))["current_again"] == ["position Acme"]
    marcus = _person(crm, "Marcus Webb")
    assert marcus["company"] == "Acme"
    assert [(p["company"], p["current"]) for p in marcus["positions"]] == [("Acme", True)]
    assert _person(crm, "Marc Webb")["company"] == "Brightline"


def _move_card(db_url: str, record_id: int, minutes: int) -> None:
    """The card's import record stamped ``minutes`` later, as the last card of a long
    import is (its positions ended by its merge that long before)."""
    from datetime import timedelta

    from crm.core.db import open_database
    from crm.core.models import ImportRecord

    db = open_database(db_url)
    try:
        with db.write() as s:
            record = s.get(ImportRecord, record_id)
            assert record is not None
            record.imported_at += timedelta(minutes=minutes)
    finally:
        db.dispose()


def _filler(n: int) -> str:
    """``n`` unrelated cards: with them a file's records go in one COPY on PostgreSQL."""
    return "".join(f"BEGIN:VCARD\nVERSION:3.0\nFN:Filler {i}\nN:{i};Filler;;;\n"
                   f"EMAIL:filler{i}@example.org\nEND:VCARD\n" for i in range(n))


def test_a_job_ended_by_hand_just_before_the_import_is_not_current_again_after_a_split(
        crm: Any, tmp_path: Path) -> None:
    # Marcus left Initech (the user unticked "current", no end date known) minutes before
    # importing Marc's card. Splitting the card off undoes what its merge did (Acme), not
    # what the user did around that time.
    (tmp_path / "a.vcf").write_text(MARCUS)
    assert crm("import", str(tmp_path / "a.vcf")).exit_code == 0
    _edit(crm, _add_initech(crm), "--not-current")
    (tmp_path / "b.vcf").write_text(MARC_AT_BRIGHTLINE)
    assert crm("import", str(tmp_path / "b.vcf")).exit_code == 0
    assert _split(crm, _card_id(crm, "Marc Webb"))["current_again"] == ["position Acme"]
    positions = _person(crm, "Marcus Webb")["positions"]
    assert sorted((p["company"], p["current"], p["end"]) for p in positions) == [
        ("Acme", True, None), ("Initech", False, None)]


def test_a_job_ended_by_hand_just_after_the_import_is_not_current_again_after_a_split(
        crm: Any, db_url: str, tmp_path: Path) -> None:
    # The same, the user's change made after the import (Marc's card recorded at the end
    # of a long import, five minutes after its merge, is still later than it): Initech,
    # current then, was ended by the merge too, and then the user made it current and
    # past again by hand. What the user did last stands.
    (tmp_path / "a.vcf").write_text(MARCUS)
    assert crm("import", str(tmp_path / "a.vcf")).exit_code == 0
    initech = _add_initech(crm)
    (tmp_path / "b.vcf").write_text(MARC_AT_BRIGHTLINE)
    assert crm("import", str(tmp_path / "b.vcf")).exit_code == 0
    _edit(crm, initech, "--current")
    _edit(crm, initech, "--not-current")
    card = _card_id(crm, "Marc Webb")
    _move_card(db_url, card, 5)
    assert _split(crm, card)["current_again"] == ["position Acme"]
    positions = _person(crm, "Marcus Webb")["positions"]
    assert sorted((p["company"], p["current"]) for p in positions) == [
        ("Acme", True), ("Initech", False)]


def test_a_job_ended_early_in_a_long_import_is_current_again_after_a_split(
        crm: Any, db_url: str, tmp_path: Path) -> None:
    # Marc's card recorded twenty minutes after its merge ended Acme (a long import): the
    # split still makes Acme current again. (Eight more cards: on PostgreSQL the file's
    # records go in a COPY, their ids drawn first.)
    _import_both(crm, tmp_path, _filler(8) + MARC_AT_BRIGHTLINE)
    card = _card_id(crm, "Marc Webb")
    _move_card(db_url, card, 20)
    assert _split(crm, card, "--dry-run")["current_again"] == ["position Acme"]
    assert _split(crm, card)["current_again"] == ["position Acme"]
    assert [(p["company"], p["current"]) for p in _person(crm, "Marcus Webb")["positions"]
            ] == [("Acme", True)]


def test_splitting_the_second_of_two_job_changes_in_one_file_reopens_only_the_first(
        crm: Any, tmp_path: Path) -> None:
    # One file, two cards about Marcus, each with a new current job: the first ended Acme,
    # the second ended the first's Brightline (a position the same chunk opened). Split
    # off, the second card gives Brightline back; Acme stays as the first card left it.
    _import_both(crm, tmp_path, MARC_AT_BRIGHTLINE + MARC.replace(
        "END:VCARD", "ORG:Cyberdyne\nEND:VCARD").replace("FN:Marc Webb", "FN:M. Webb"))
    assert _person(crm, "Marcus Webb")["company"] == "Cyberdyne"
    assert _split(crm, _card_id(crm, "M. Webb"))["current_again"] == [
        "position Brightline"]
    positions = _person(crm, "Marcus Webb")["positions"]
    assert sorted((p["company"], p["current"]) for p in positions) == [
        ("Acme", False), ("Brightline", True)]


# A LinkedIn connection who shares Marc's email: another Marc, matched into Marcus by it.
CONNECTIONS = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Marc,Webb,https://www.linkedin.com/in/marc-webb-brightline,marc@example.com,Brightline,\
Designer,03 Nov 2025
"""


def test_a_linkedin_row_merged_by_email_splits_off_with_what_it_brought(
        crm: Any, tmp_path: Path) -> None:
    """A Connections.csv row matched by a shared email could not be split ("cannot be read
    again as a card"): the inferred match could not be undone, and its "connected on
    LinkedIn" kept the wrong person's keep-in-touch clock."""
    (tmp_path / "phone.vcf").write_text(MARC)
    (tmp_path / "Connections.csv").write_text(CONNECTIONS)
    assert crm("import", str(tmp_path / "phone.vcf")).exit_code == 0
    assert crm("import", str(tmp_path / "Connections.csv")).exit_code == 0
    marc = _person(crm, "Marc Webb")
    row = next(c for c in marc["imported_cards"] if c["matched_by"] == "email")
    assert [i["summary"] for i in marc["interactions"]] == ["connected on LinkedIn"]

    r = crm("split", f"#{marc['id']}", str(row["id"]), "--yes", "--json")
    assert r.exit_code == 0, r.stderr
    plan = r.json()
    assert plan["removed"] == [
        "social https://www.linkedin.com/in/marc-webb-brightline",
        "position Designer at Brightline",
        "interaction 2025-11-03 connected on LinkedIn"]
    assert plan["kept_on_both"] == [
        "email marc@example.com (the match was made on it: both had it)"]
    phone = crm("show", f"#{marc['id']}", "--json").json()
    linkedin = crm("show", f"#{plan['new_person']['id']}", "--json").json()
    assert {c["value"] for c in phone["contact_points"]} == {"+1 415 555 0101",
                                                             "marc@example.com"}
    assert (phone["positions"], phone["interactions"], phone["last_contacted"]) == ([], [],
                                                                                    None)
    assert [(p["company"], p["title"]) for p in linkedin["positions"]] == [
        ("Brightline", "Designer")]
    assert [(i["date"], i["summary"]) for i in linkedin["interactions"]] == [
        ("2025-11-03", "connected on LinkedIn")]
    assert linkedin["last_contacted"] == "2025-11-03"
    # Imported again, the row stays with the person it made.
    again = crm("import", str(tmp_path / "Connections.csv"), "--json").json()
    assert (again["created"], again["merged"], again["updated"]) == (0, 0, 0)
    assert len(crm("people", "--json").json()) == 2


MESSAGES = """CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,\
DATE,SUBJECT,CONTENT,FOLDER
c1,,Marc Webb,https://www.linkedin.com/in/marc-webb-brightline,Me,,2026-11-20 10:00:00 UTC,,\
Happy to refer you,INBOX
"""
# Marc's phone card (merged into Marcus by the phone) with a line crm does not map.
MARC_CUSTOM = MARC.replace("END:VCARD", "X-CUSTOM-THING:keep me\nEND:VCARD")


def test_a_linkedin_message_is_no_card_of_the_person(crm: Any, tmp_path: Path,
                                                     db_url: str) -> None:
    """A LinkedIn message was listed among the person's imported cards ("how it was matched
    is not recorded (imported before crm kept it)"), and, being no card crm could read
    again, made a split keep everything on both ("crm cannot read another of their cards");
    an export after the LinkedIn import lost the phone card's unmapped lines."""
    (tmp_path / "a.vcf").write_text(MARCUS)
    (tmp_path / "b.vcf").write_text(MARC_CUSTOM)
    export = tmp_path / "export"
    export.mkdir()
    (export / "Connections.csv").write_text(CONNECTIONS)
    (export / "messages.csv").write_text(MESSAGES)
    for path in (tmp_path / "a.vcf", tmp_path / "b.vcf", export):
        assert crm("import", str(path)).exit_code == 0
    marcus = _person(crm, "Marcus Webb")
    assert [c["file"] for c in marcus["imported_cards"]] == [
        str(tmp_path / "a.vcf"), str(tmp_path / "b.vcf"), str(export / "Connections.csv")]
    assert "Happy to refer you" in [i["summary"] for i in marcus["interactions"]]
    assert "X-CUSTOM-THING:keep me" in crm("export", "vcard").stdout

    card = marcus["imported_cards"][1]["id"]  # Marc's phone card
    plan = crm("split", f"#{marcus['id']}", str(card), "--dry-run", "--json").json()
    assert plan["removed"] == []  # Marc's email is the LinkedIn row's too: it stays
    assert not any("cannot read" in k for k in plan["kept_on_both"]), plan["kept_on_both"]
    from sqlalchemy import select

    from crm.core.db import open_database
    from crm.core.models import ImportRecord

    db = open_database(db_url)
    try:
        with db.read() as s:
            message = s.scalar(select(ImportRecord.id).where(
                ImportRecord.source_file.endswith("messages.csv")))
    finally:
        db.dispose()
    refused = crm("split", f"#{marcus['id']}", str(message), "--yes")
    assert refused.exit_code != 0 and f"no imported card #{message}" in refused.stderr


INVITATIONS = """From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl
Marc Webb,Me,"11/1/25, 9:00 AM",Let's connect,INCOMING,\
https://www.linkedin.com/in/marc-webb-brightline,https://www.linkedin.com/in/me
"""


def test_a_split_linkedin_row_takes_the_messages_its_profile_brought(
        crm: Any, tmp_path: Path) -> None:
    """Messages and invitations found their person by the row's profile URL: after the row
    was split off, they stayed with the wrong person (and kept their clock)."""
    (tmp_path / "phone.vcf").write_text(MARC)
    export = tmp_path / "export"
    export.mkdir()
    (export / "Connections.csv").write_text(CONNECTIONS)
    (export / "messages.csv").write_text(MESSAGES)
    (export / "Invitations.csv").write_text(INVITATIONS)
    for path in (tmp_path / "phone.vcf", export):
        assert crm("import", str(path)).exit_code == 0
    marc = _person(crm, "Marc Webb")
    assert sorted(i["summary"] for i in marc["interactions"]) == [
        "Happy to refer you", "connected on LinkedIn", "invited me on LinkedIn: Let's connect"]
    row = next(c for c in marc["imported_cards"] if c["matched_by"] == "email")

    plan = crm("split", f"#{marc['id']}", str(row["id"]), "--dry-run", "--json").json()
    assert "interaction 2026-11-20 Happy to refer you" in plan["removed"]
    assert len(crm("show", f"#{marc['id']}", "--json").json()["interactions"]) == 3

    r = crm("split", f"#{marc['id']}", str(row["id"]), "--yes", "--json")
    assert r.exit_code == 0, r.stderr
    new_id = r.json()["new_person"]["id"]
    phone = crm("show", f"#{marc['id']}", "--json").json()
    linkedin = crm("show", f"#{new_id}", "--json").json()
    assert (phone["interactions"], phone["last_contacted"]) == ([], None)
    assert sorted(i["summary"] for i in linkedin["interactions"]) == [
        "Happy to refer you", "connected on LinkedIn", "invited me on LinkedIn: Let's connect"]
    assert linkedin["last_contacted"] == "2026-11-20"
    # Imported again, the export's rows stay with the person they came to.
    assert crm("import", str(export)).exit_code == 0
    assert crm("show", f"#{marc['id']}", "--json").json()["interactions"] == []
    assert len(crm("show", f"#{new_id}", "--json").json()["interactions"]) == 3
