"""The CLI for duplicates and merge: two Priyas from two cards become one, ids keep working."""

from __future__ import annotations

from pathlib import Path
from typing import Any

WORK_CARD = """BEGIN:VCARD
VERSION:3.0
FN:Priya Natarajan
N:Natarajan;Priya;;;
EMAIL;TYPE=WORK:priya@stripe.com
ORG:Stripe
TITLE:Engineer
END:VCARD
"""
HOME_CARD = """BEGIN:VCARD
VERSION:3.0
FN:Priya Natarajan
N:Natarajan;Priya;;;
EMAIL;TYPE=HOME:priya.n@gmail.com
TEL;TYPE=CELL:+1 415 555 0100
UID:phone-uid-priya-home
END:VCARD
"""


def _two_priyas(crm: Any, tmp_path: Path) -> tuple[int, int]:
    (tmp_path / "work.vcf").write_text(WORK_CARD)
    (tmp_path / "home.vcf").write_text(HOME_CARD)
    assert crm("import", str(tmp_path / "work.vcf")).exit_code == 0
    report = crm("import", str(tmp_path / "home.vcf"), "--json").json()
    assert report["created"] == 1 and len(report["suggestions"]) == 1  # name only: not merged
    ids = sorted(p["id"] for p in crm("people", "priya", "--json").json())
    assert len(ids) == 2
    return ids[0], ids[1]


def test_duplicates_lists_the_import_suggestion_and_merge_makes_one(crm: Any,
                                                                   tmp_path: Path) -> None:
    keep, other = _two_priyas(crm, tmp_path)
    r = crm("show", "priya")
    assert r.exit_code == 2 and "ambiguous" in r.stderr
    pairs = crm("duplicates", "--json").json()
    assert pairs[0]["keep"] == {"id": keep, "name": "Priya Natarajan"}
    assert pairs[0]["other"]["id"] == other
    assert {"kind": "name", "detail": "Priya Natarajan"} in pairs[0]["evidence"]
    assert "Priya Natarajan" in crm("duplicates").stdout

    dry = crm("merge", f"#{keep}", f"#{other}", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert dry.json()["dry_run"] is True
    assert dry.json()["moved"]["contact_points"] == 2
    assert len(crm("people", "priya", "--json").json()) == 2  # nothing changed

    r = crm("merge", f"#{keep}", f"#{other}")
    assert r.exit_code == 0, r.stderr
    assert "merged" in r.stderr
    shown = crm("show", "priya", "--json").json()
    assert shown["id"] == keep
    assert sorted(shown["emails"]) == ["priya.n@gmail.com", "priya@stripe.com"]
    assert shown["phones"] == ["+1 415 555 0100"]
    assert shown["company"] == "Stripe"
    # The merged-away id still leads to her, and her cards land on her.
    assert crm("show", f"#{other}", "--json").json()["id"] == keep
    again = crm("import", str(tmp_path / "home.vcf"), "--json").json()
    assert again["created"] == 0 and again["unchanged"] == 1
    (tmp_path / "home2.vcf").write_text(HOME_CARD.replace("END:VCARD",
                                                          "NOTE:new phone\nEND:VCARD"))
    later = crm("import", str(tmp_path / "home2.vcf"), "--json").json()
    assert later["created"] == 0
    assert len(crm("people", "priya", "--json").json()) == 1
    assert crm("duplicates", "--json").json() == []


def test_merge_refuses_bad_input_with_one_line(crm: Any) -> None:
    crm("add", "person", "Ada Lovelace")
    r = crm("merge", "ada", "ada")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "themselves" in r.stderr
    r = crm("merge", "ada", "nobody-like-this")
    assert r.exit_code == 2 and "no person matches" in r.stderr
    crm("add", "person", "Ada King")
    r = crm("merge", "Ada Lovelace", "Ada King", "--take", "salary=other")
    assert r.exit_code == 2 and "cannot choose salary" in r.stderr


def test_company_merge_from_the_cli(crm: Any) -> None:
    crm("add", "person", "Ada Lovelace")
    crm("add", "position", "ada", "Stripe", "--title", "Engineer")
    crm("add", "person", "Bob Stone")
    crm("add", "position", "bob", "Stripe Payments", "--new-company")
    companies = {c["name"]: c["id"] for c in crm("companies", "--json").json()}
    r = crm("merge", "--company", "Stripe", "Stripe Payments", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["moved"]["positions"] == 1
    listed = crm("companies", "--json").json()
    assert [(c["name"], c["aliases"]) for c in listed] == [("Stripe", ["Stripe Payments"])]
    assert crm("who", f"#{companies['Stripe Payments']}", "--json").json()[
        "company"] == "Stripe"
    assert {p["name"] for p in crm("who", "stripe", "--json").json()["current"]} == {
        "Ada Lovelace", "Bob Stone"}


def test_rm_person_asks_or_refuses_then_deleted_and_undelete(crm: Any) -> None:
    crm("add", "person", "Ada Lovelace", "--email", "ada@example.com")
    crm("add", "position", "ada", "Stripe", "--title", "Engineer")
    crm("add", "person", "Bob Stone")
    crm("link", "ada", "bob", "--kind", "friend")
    r = crm("rm", "person", "ada")  # no terminal here and no --yes
    assert r.exit_code == 2 and r.stderr == "crm: not deleting without --yes (no terminal " \
                                            "to ask on)\n"
    assert len(crm("people", "--json").json()) == 2
    r = crm("rm", "person", "ada", "--yes")
    assert r.exit_code == 0, r.stderr
    assert "1 contact point, 1 position, 1 connection" in r.stderr
    assert [p["name"] for p in crm("people", "--json").json()] == ["Bob Stone"]
    stones = crm("deleted", "--json").json()
    assert [(t["name"], t["emails"]) for t in stones] == [("Ada Lovelace",
                                                           ["ada@example.com"])]
    assert "Ada Lovelace" in crm("deleted").stdout
    r = crm("undelete", "ada", "--json")
    assert r.exit_code == 0, r.stderr
    shown = crm("show", "ada", "--json").json()
    assert shown["company"] == "Stripe" and shown["emails"] == ["ada@example.com"]
    assert [c["person"] for c in shown["connections"]] == ["Bob Stone"]
    assert crm("deleted", "--json").json() == []
    r = crm("undelete", "ada")
    assert r.exit_code == 2 and "no deleted person matches" in r.stderr


def test_a_card_with_the_merged_away_uid_lands_on_the_survivor(crm: Any,
                                                              tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_text(WORK_CARD.replace("END:VCARD", "UID:uid-work\nEND:VCARD"))
    (tmp_path / "b.vcf").write_text(HOME_CARD)
    crm("import", str(tmp_path / "a.vcf"))
    crm("import", str(tmp_path / "b.vcf"))
    keep, other = sorted(p["id"] for p in crm("people", "priya", "--json").json())
    assert crm("merge", f"#{keep}", f"#{other}").exit_code == 0
    # Her home card again, with only its UID in common (no email, no phone): still her.
    (tmp_path / "c.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Priya N.\n"
                                    "UID:phone-uid-priya-home\nNOTE:new\nEND:VCARD\n")
    report = crm("import", str(tmp_path / "c.vcf"), "--json").json()
    assert report["created"] == 0
    assert [p["id"] for p in crm("people", "priya", "--json").json()] == [keep]


def test_the_import_suggestion_points_to_duplicates_and_merge(crm: Any, tmp_path: Path) -> None:
    (tmp_path / "work.vcf").write_text(WORK_CARD)
    (tmp_path / "home.vcf").write_text(HOME_CARD)
    crm("import", str(tmp_path / "work.vcf"))
    r = crm("import", str(tmp_path / "home.vcf"))
    assert "not merged (review them: crm duplicates, crm merge)" in r.stderr


def test_merge_takes_the_others_keep_in_touch_when_asked(crm: Any, tmp_path: Path) -> None:
    keep, other = _two_priyas(crm, tmp_path)
    assert crm("edit", "person", f"#{keep}", "--every", "3m").exit_code == 0
    assert crm("edit", "person", f"#{other}", "--every", "2w", "--at-most", "1m").exit_code == 0
    r = crm("merge", f"#{keep}", f"#{other}", "--take", "keep_in_touch=other", "--json")
    assert r.exit_code == 0, r.stderr
    assert [(f["keep"], f["other"], f["taken"]) for f in r.json()["fields"]
            if f["field"] == "keep_in_touch"] == [("every 3m", "every 2w, at most 1m", "other")]
    assert crm("show", f"#{keep}", "--json").json()["keep_in_touch"] == {
        "every_days": 14, "at_most_days": 30}


CONNECTIONS = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Zoë,Müller,https://www.linkedin.com/in/zoemuller,,Hooli,Technical Recruiter,03 Jan 2026
"""
ZOE_CARD = """BEGIN:VCARD
VERSION:3.0
N:Müller;Zoë;;;
FN:Zoë Müller
ORG:Hooli
TITLE:Recruiter
EMAIL:zoe@hooli.com
END:VCARD
"""


def test_merging_the_two_a_same_name_suggestion_is_about(crm: Any, tmp_path: Path) -> None:
    """A phone card and a LinkedIn connection of the same name make a same-name suggestion
    (a row); merging those two settled it — it failed with an unexpected IntegrityError
    (the suggestion would have paired the survivor with herself), exit 3."""
    (tmp_path / "phone.vcf").write_text(ZOE_CARD, encoding="utf-8")
    (tmp_path / "Connections.csv").write_text(CONNECTIONS, encoding="utf-8")
    assert crm("import", str(tmp_path / "phone.vcf")).exit_code == 0
    assert crm("import", str(tmp_path / "Connections.csv")).exit_code == 0
    keep, other = sorted(p["id"] for p in crm("people", "zoë", "--json").json())
    assert crm("suggestions", "--json").json(), "the import suggests the two are one"
    dry = crm("merge", f"#{keep}", f"#{other}", "--dry-run", "--json").json()
    assert not any(k.startswith("suggestion") for k in dry["moved"]), dry["moved"]
    r = crm("merge", f"#{keep}", f"#{other}")
    assert r.exit_code == 0, r.stderr
    assert crm("suggestions", "--json").json() == []
    shown = crm("show", f"#{keep}", "--json").json()
    assert {p["title"] for p in shown["positions"]} == {"Recruiter", "Technical Recruiter"}
