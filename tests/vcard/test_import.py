"""Importing into the database (SQLite and PostgreSQL): mapping, matching, merging, re-import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.models import Company, Connection, ImportRecord, Person, Position
from crm.vcard.importer import import_paths
from tests.vcard.conftest import JPEG, PNG, contacts, fixture, person, snapshot

ALL = ["iphone.vcf", "android.vcf", "google.vcf", "outlook.vcf", "vcard4.vcf", "messy.vcf"]


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.replace("\n", "\r\n"), encoding="utf-8", newline="")
    return path


def test_iphone_file_maps_every_field(db: Database) -> None:
    report = import_paths(db, [fixture("iphone.vcf")])
    assert report.to_json() == {"created": 2, "updated": 0, "unchanged": 0, "merged": 0,
                                "companies_created": 1, "rejected": [], "suggestions": [],
                                "skipped_deleted": 0, "warnings": [], "matches": []}
    chidi = person(db, "Dr. Chidi Emeka Okafor Jr.")
    assert (chidi["given_name"], chidi["family_name"], chidi["additional_names"],
            chidi["name_prefix"], chidi["name_suffix"]) == ("Chidi", "Okafor", "Emeka", "Dr.",
                                                            "Jr.")
    assert chidi["nickname"] == "Chi"
    assert (chidi["company"], chidi["title"]) == ("Stripe", "Staff Engineer, Payments")
    assert chidi["positions"][0]["department"] == "Payments Infrastructure"
    assert chidi["positions"][0]["current"] is True
    assert chidi["note"] == ("Met at PyCon 2023, talked about payments, ledgers; wants intros "
                             "to\nfintech folks.")
    assert chidi["birthday"] == "--04-15"
    assert chidi["tags"] == ["fintech", "pycon"]
    assert chidi["photo"] == JPEG and chidi["photo_type"] == "image/jpeg"
    assert contacts(chidi) == [
        ("email", "chidi@stripe.com", "other", True),
        ("email", "chidi.okafor@gmail.com", "home", False),
        ("phone", "(415) 555-0134", "cell", True),
        ("phone", "+44 20 7946 0958", "London desk", False),
        ("url", "https://chidi.dev/blog", "homepage", True),
        ("social", "http://www.linkedin.com/in/chidiokafor", "linkedin", False),
    ]
    assert chidi["source"] == "vcard:iphone.vcf"
    # X-ABRELATEDNAMES "Manager" naming someone in the same file: a connection.
    explicit = [c for c in chidi["connections"] if not c["derived"]]
    assert [(c["person"], c["kind"]) for c in explicit] == [("Amara Nwosu", "manager")]
    # The company card became a company (with its domain and website), not a person.
    with db.read() as s:
        stripe = s.scalars(select(Company)).one()
        assert (stripe.name, stripe.website) == ("Stripe", "https://stripe.com")
        assert [d.domain for d in stripe.domains] == ["stripe.com"]
        assert s.scalar(select(func.count()).select_from(Person)) == 2
        records = s.scalars(select(ImportRecord).order_by(ImportRecord.line)).all()
        assert [(r.line, r.status, r.company_id is not None) for r in records] == [
            (1, "imported", False), (37, "imported", False), (46, "imported", True)]
        assert records[0].raw.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
        assert records[0].source_file == str(fixture("iphone.vcf"))


def test_android_outlook_google_v4_map(db: Database) -> None:
    report = import_paths(db, [fixture("android.vcf"), fixture("google.vcf"),
                               fixture("outlook.vcf"), fixture("vcard4.vcf")])
    assert (report.created, report.companies_created, report.connections) == (7, 4, 3)
    juergen = person(db, "Jürgen Müller")
    assert (juergen["company"], juergen["title"]) == ("Deutsche Bahn, Fernverkehr Köln",
                                                      "Product Owner, Ticketing")
    assert juergen["nickname"] == "Jürgi"
    assert juergen["birthday"] == "1980-03-22"
    assert juergen["note"].endswith("Grüße aus Berlin; und mehr")
    assert juergen["photo"] == JPEG
    assert [(c["person"], c["kind"]) for c in juergen["connections"]] == [
        ("Lena Schmidt", "manager")]
    priya = person(db, "Priya Raman")
    assert priya["tags"] == ["myContacts", "recruiters"]
    assert ("address", "1 Market St, Suite 300, San Francisco, CA, 94105, US", "work",
            False) in contacts(priya)
    assert priya["urls"] == ["https://acme-robotics.com/careers", "https://github.com/priyar"]
    # "Acme Robotics" and "Acme Robotics, Inc." are one company.
    yuki = person(db, "Yuki Tanaka")
    assert yuki["company"] == priya["company"] == "Acme Robotics, Inc."
    zoe = person(db, "Zoë Lefèvre")
    assert zoe["title"] == "Directrice commerciale – EMEA"
    assert zoe["note"] == "Rencontrée au salon, très sympa.\nParle français; anglais."
    mei = person(db, "Mei Chen")
    assert mei["uid"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert mei["photo"] == PNG and mei["birthday"] == "--07-04"
    assert mei["phones"] == ["+1-212-555-0147"]
    assert sorted((c["person"], c["kind"]) for c in mei["connections"] if not c["derived"]) == [
        ("Sam Ortiz", "co-worker"), ("Sam Ortiz", "mentor")]


def test_messy_file_imports_the_good_cards_and_keeps_the_bad(db: Database) -> None:
    report = import_paths(db, [fixture("messy.vcf")])
    data = report.to_json()
    assert (data["created"], data["companies_created"]) == (6, 1)
    assert [(r["line"], r["message"]) for r in data["rejected"]] == [
        (7, "text outside any card (1 line, not between BEGIN:VCARD and END:VCARD)"),
    ]
    # A card with one bad line is imported; the line is reported (and stays in its raw text).
    assert [(w["line"], w["message"], w["damaged"]) for w in data["warnings"]] == [
        (12, "PHOTO is not valid base64 (damaged or cut short): left out, kept in the raw "
             "card", True),
        (17, "not a vCard property (no NAME: before a value): left out, kept in the raw "
             "card", True),
        (19, "card has no END:VCARD; read up to line 22", True),
    ]
    assert person(db, "No End")["emails"] == ["noend@example.com"]
    assert all(r["file"] == str(fixture("messy.vcf")) for r in data["rejected"])
    assert person(db, "nofn@example.com")["emails"] == ["nofn@example.com"]
    with db.read() as s:
        rejected = s.scalars(select(ImportRecord).where(ImportRecord.status == "rejected")
                             .order_by(ImportRecord.line)).all()
        assert [r.line for r in rejected] == [7]
        kept = s.scalars(select(ImportRecord.raw).where(ImportRecord.line == 14)).one()
        assert "garbage line without colon" in kept
        assert s.scalars(select(Company.name)).all() == ["Globex Corporation"]
    # Importing it again neither duplicates the rejected records nor anything else.
    again = import_paths(db, [fixture("messy.vcf")])
    assert (again.created, again.unchanged, len(again.rejected)) == (0, 7, 1)
    assert count(db, ImportRecord) == 8


def test_reimporting_the_same_files_changes_nothing(db: Database) -> None:
    files = [fixture(n) for n in ALL]
    import_paths(db, files)
    before = snapshot(db)
    records = count(db, ImportRecord)
    report = import_paths(db, files)
    assert (report.created, report.updated, report.merged, report.companies_created) == (
        0, 0, 0, 0)
    assert report.unchanged == 17
    assert snapshot(db) == before
    assert count(db, ImportRecord) == records
    assert count(db, Connection) == 4


def test_dry_run_writes_nothing_and_previews(db: Database) -> None:
    report = import_paths(db, [fixture("iphone.vcf"), fixture("messy.vcf")], dry_run=True)
    assert report.dry_run and report.created == 8
    assert report.names("created") == ["Dr. Chidi Emeka Okafor Jr.", "Amara Nwosu",
                                       "Good One", "Broken Photo", "Garbage Inside", "No End",
                                       "nofn@example.com", "Good Two"]
    assert len(report.rejected) == 1 and len(report.warnings) == 3
    for model in (Person, Company, ImportRecord, Connection):
        assert count(db, model) == 0


def test_a_failing_import_leaves_the_database_as_before(db: Database) -> None:
    def boom(done: int, total: int) -> None:
        if done == total:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        import_paths(db, [fixture("iphone.vcf")], progress=boom)
    assert count(db, Person) == 0 and count(db, ImportRecord) == 0


def test_match_by_email_merges_into_what_the_user_entered(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        ada = create_person(s, "Ada Lovelace", emails=["ADA@example.com"], note="my note")
        add_position(s, ada, "Analytical Engines", title="Programmer")
    path = write(tmp_path, "a.vcf", """BEGIN:VCARD
VERSION:3.0
FN:Augusta Ada King
N:King;Augusta;Ada;;
EMAIL:ada@example.com
TEL:+1 415 555 0100
NOTE:met at the royal society
ORG:Analytical Engines
TITLE:Programmer
END:VCARD
""")
    report = import_paths(db, [path])
    assert (report.created, report.merged, report.updated) == (0, 1, 0)
    ada_now = person(db, "Ada Lovelace")  # the name the user typed is kept
    assert ada_now["note"] == "my note\n\nmet at the royal society"
    assert ada_now["emails"] == ["ADA@example.com"]
    assert ada_now["phones"] == ["+1 415 555 0100"]
    assert ada_now["additional_names"] == "Ada"
    assert [(p["company"], p["title"], p["current"]) for p in ada_now["positions"]] == [
        ("Analytical Engines", "Programmer", True)]


def test_match_by_phone_then_a_new_job_closes_the_old_position(db: Database,
                                                               tmp_path: Path) -> None:
    first = write(tmp_path, "old.vcf", """BEGIN:VCARD
VERSION:3.0
FN:Bo Chen
TEL;TYPE=CELL:(415) 555-0177
ORG:Initech
TITLE:Intern
END:VCARD
""")
    later = write(tmp_path, "new.vcf", """BEGIN:VCARD
VERSION:3.0
FN:Bo Chen
TEL;TYPE=CELL:+1 415-555-0177
ORG:Globex
TITLE:Engineer
END:VCARD
""")
    import_paths(db, [first])
    report = import_paths(db, [later])
    assert (report.created, report.updated, report.merged) == (0, 1, 0)
    bo = person(db, "Bo Chen")
    assert [(p["company"], p["title"], p["current"]) for p in bo["positions"]] == [
        ("Globex", "Engineer", True), ("Initech", "Intern", False)]
    assert bo["phones"] == ["(415) 555-0177"]  # the same number, not added twice
    # The older export again (here with a note added) does not undo the change.
    older = write(tmp_path, "older.vcf", first.read_text().replace(
        "TITLE:Intern\n", "TITLE:Intern\nNOTE:from the old phone\n"))
    again = import_paths(db, [older])
    assert again.updated == 1
    bo = person(db, "Bo Chen")
    assert bo["note"] == "from the old phone"
    assert [(p["company"], p["title"], p["current"]) for p in bo["positions"]] == [
        ("Globex", "Engineer", True), ("Initech", "Intern", False)]


def test_match_by_uid_wins_over_email(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        create_person(s, "Other Person", emails=["shared@example.com"])
        target = create_person(s, "Uma Uid")
        target.uid = "uid-123"
    path = write(tmp_path, "u.vcf", """BEGIN:VCARD
VERSION:3.0
UID:uid-123
FN:Uma Uid
EMAIL:shared@example.com
END:VCARD
""")
    report = import_paths(db, [path])
    assert (report.updated, report.merged, report.created) == (1, 0, 0)
    assert person(db, "Uma Uid")["emails"] == ["shared@example.com"]
    assert person(db, "Other Person")["emails"] == ["shared@example.com"]


def test_same_name_only_is_a_suggestion_not_a_merge(db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        existing = create_person(s, "Sam Lee", emails=["sam@old.example"])
        existing_id = existing.id
    path = write(tmp_path, "s.vcf", """BEGIN:VCARD
VERSION:3.0
FN:Sam Lee
EMAIL:sam@new.example
END:VCARD
""")
    report = import_paths(db, [path])
    assert report.created == 1 and report.merged == 0
    (suggestion,) = report.suggestions
    assert suggestion.to_json()["candidates"] == [{"id": existing_id, "name": "Sam Lee"}]
    assert suggestion.person_id not in (None, existing_id)
    assert report.to_json()["suggestions"][0]["name"] == "Sam Lee"
    with db.read() as s:
        assert s.scalar(select(func.count()).where(Person.display_name == "Sam Lee")) == 2


def test_two_cards_of_one_person_in_one_file_become_one(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "d.vcf", """BEGIN:VCARD
VERSION:3.0
FN:Kim Park
EMAIL:kim@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Kim Park
EMAIL:KIM@example.com
TEL:+1 212 555 0101
END:VCARD
""")
    report = import_paths(db, [path])
    assert (report.created, report.merged) == (1, 1)
    assert person(db, "Kim Park")["phones"] == ["+1 212 555 0101"]


def test_company_matched_by_email_domain(db: Database, tmp_path: Path) -> None:
    from crm.core.contacts.companies import add_domain, get_or_create_company

    with db.write() as s:
        alphabet = get_or_create_company(s, "Alphabet")
        add_domain(s, alphabet, "google.com")
    path = write(tmp_path, "g.vcf", """BEGIN:VCARD
VERSION:3.0
FN:Gia Ng
EMAIL:gia@google.com
ORG:Google
TITLE:PM
END:VCARD
""")
    report = import_paths(db, [path])
    assert report.companies_created == 0
    assert person(db, "Gia Ng")["company"] == "Alphabet"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Position)) == 1


def test_progress_runs_from_reading_to_writing(db: Database) -> None:
    seen: list[tuple[int, int]] = []
    import_paths(db, [fixture("iphone.vcf")], progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (6, 6)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert {t for _, t in seen} == {6}
    assert any(d <= 3 for d, _ in seen) and any(3 < d < 6 for d, _ in seen)


def test_values_too_long_to_store_reject_the_card_not_the_file(db: Database,
                                                              tmp_path: Path) -> None:
    long_title = "Chief " + "Very " * 80 + "Officer"
    long_url = "https://example.com/?" + "x" * 700
    path = write(tmp_path, "long.vcf", f"""BEGIN:VCARD
VERSION:3.0
FN:Long Title
ORG:Acme
TITLE:{long_title}
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Long Url
URL:{long_url}
END:VCARD
""")
    report = import_paths(db, [path])
    assert [(r.line, r.message) for r in report.rejected] == [
        (1, "TITLE is longer than 300 characters")]
    assert person(db, "Long Url")["urls"] == [long_url]  # kept whole


def test_relation_to_a_card_imported_before(db: Database, tmp_path: Path) -> None:
    boss = """BEGIN:VCARD
VERSION:3.0
FN:Rita Boss
EMAIL:rita@example.com
END:VCARD
"""
    import_paths(db, [write(tmp_path, "1.vcf", boss)])
    report = import_paths(db, [write(tmp_path, "2.vcf", boss + """BEGIN:VCARD
VERSION:3.0
FN:Nam Report
EMAIL:nam@example.com
item1.X-ABRELATEDNAMES:Rita Boss
item1.X-ABLabel:_$!<Manager>!$_
END:VCARD
""")])
    assert (report.created, report.unchanged, report.connections) == (1, 1, 1)
    assert [(c["person"], c["kind"]) for c in person(db, "Nam Report")["connections"]] == [
        ("Rita Boss", "manager")]
