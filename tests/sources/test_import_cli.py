"""`crm import` of LinkedIn's export, Google and Outlook CSVs, as a user runs it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crm.core.db import open_database
from crm.core.models import Application, Interaction, Person, Position, Reference
from tests.sources.conftest import FIXTURES, LINKEDIN, zip_export

KEYS = ["created", "updated", "unchanged", "merged", "companies_created", "rejected",
        "suggestions", "skipped_deleted", "warnings", "me_created", "my_positions",
        "interactions", "interactions_without_person", "references", "applications",
        "job_changes", "tie_suggestions", "skipped_files", "matches"]


def _show(crm: Any, name: str) -> dict[str, Any]:
    result = crm("show", name, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_a_linkedin_zip(crm: Any, linkedin_zip: Path) -> None:
    result = crm("import", str(linkedin_zip), "--json")
    assert result.exit_code == 1, result.stderr  # some rows rejected, the rest imported
    data = result.json()
    assert list(data) == KEYS
    assert (data["created"], data["merged"], data["companies_created"]) == (4, 0, 3)
    assert data["rejected"] == [
        {"file": f"{linkedin_zip}/Connections.csv", "line": 9,
         "message": "First Name and Last Name are both empty"},
        {"file": f"{linkedin_zip}/Connections.csv", "line": 10,
         "message": "Connected On is not a date crm reads (like 15 Mar 2024)"},
        {"file": f"{linkedin_zip}/messages.csv", "line": 5,
         "message": "DATE is not a date crm reads (like 15 Mar 2024)"}]
    # 4 connected-on, 2 invitations, 2 messages with Ana
    assert (data["me_created"], data["my_positions"], data["interactions"],
            data["interactions_without_person"], data["references"],
            data["applications"], data["job_changes"]) == (True, 3, 8, 0, 1, 1, [])
    # Connected with Bo on 2 Jan 2023, while I was at Acme (since 2023), where he is.
    assert [(s["other"]["name"], s["connection_kind"], s["since"], s["status"])
            for s in data["tie_suggestions"]] == [
        ("Bo Chen", "co-worker", "2023-01-02", "open")]
    assert data["tie_suggestions"][0]["evidence"] == (
        "connected on 2023-01-02 while I was Research Assistant at Acme Robotics, Inc. "
        "(2023 to now); they are or were Senior Engineer, Platform at Acme Robotics, Inc. "
        "(? to now) (as of 2024-06-01)")
    listed = crm("suggestions", "--json").json()
    assert [s["id"] for s in listed] == [data["tie_suggestions"][0]["id"]]
    accepted = crm("suggestions", "--accept", str(listed[0]["id"]))
    assert accepted.exit_code == 0, accepted.stderr
    assert "accepted: Bo Chen is Maria Sousa's co-worker" in accepted.stderr
    assert crm("suggestions", "--accept", str(listed[0]["id"])).exit_code == 2
    assert data["skipped_files"] == [f"{linkedin_zip}/Recommendations_Given.csv",
                                     f"{linkedin_zip}/Rich_Media.csv"]
    ana = _show(crm, "Ana Lima")
    assert (ana["emails"], ana["urls"], ana["company"], ana["title"]) == (
        [], ["https://www.linkedin.com/in/ana-lima"], "Stripe", "Software Engineer Intern")
    assert [cp["kind"] + ":" + (cp["label"] or "") for cp in ana["contact_points"]] == [
        "social:linkedin"]
    assert sorted((i["date"], i["kind"], i["summary"]) for i in ana["interactions"]) == [
        ("2024-03-14", "message", "I invited them on LinkedIn: Hi Ana, great talk today!"),
        ("2024-03-15", "other", "connected on LinkedIn"),
        ("2024-04-02", "message", "Sure, let's talk Friday.\nBring your CV!"),
        ("2024-04-03", "message", "Thanks!")]
    li = _show(crm, "李")
    assert (li["name"], li["company"], li["title"]) == ("小龙 李", "字节跳动", "产品经理")
    me = _show(crm, "Maria Sousa")
    assert me["me"] is True
    assert (me["headline"], me["location"], me["note"]) == (
        "CS student looking for a 2025 internship", "Lisbon, Portugal",
        "I build robots.\nAnd compilers.")
    assert sorted((p["company"], p["title"], p["kind"], p["start"], p["end"], p["current"])
                  for p in me["positions"]) == [
        # (the company Bo's row created: "Acme Robotics" is the same company by its name)
        ("Acme Robotics, Inc.", "Research Assistant", None, "2023", None, True),
        ("Stripe", "Software Engineer Intern", "intern", "2024-06", "2024-08", False),
        ("Universidade de Lisboa", "BSc Computer Science", "student", "2021-09", "2025-07",
         False)]
    bo = _show(crm, "Bo Chen")
    assert bo["reference"]["status"] == "not-asked"
    assert bo["reference"]["speaks_to"] == "Maria wrote our arm controller.\nShe tests everything."
    assert bo["reference"]["relationship"] == "Senior Engineer at Acme Robotics, Inc."
    assert sorted((i["date"], i["summary"]) for i in bo["interactions"]) == [
        ("2022-12-30", "invited me on LinkedIn"), ("2023-01-02", "connected on LinkedIn")]


def test_applications_and_nothing_changes_on_reimport(crm: Any, linkedin_zip: Path,
                                                      db_url: str) -> None:
    crm("import", str(linkedin_zip))
    database = open_database(db_url)
    try:
        def counts() -> tuple[int, ...]:
            with database.read() as s:
                return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                             for m in (Person, Position, Interaction, Reference, Application))

        before = counts()
        with database.read() as s:
            app = s.scalars(select(Application)).one()
            assert (app.company.name, app.role, app.stage, app.applied_on, app.url) == (
                "Stripe", "Software Engineer Intern 2025", "applied", date(2024, 10, 1),
                "https://www.linkedin.com/jobs/view/123")
            assert app.note == ("Resume: Maria_Sousa_CV.pdf\nContact: maria@example.com\n"
                                "Contact phone: +351 912 345 678\n"
                                "Are you authorized to work?:Yes")
        again = crm("import", str(linkedin_zip), "--json").json()
        assert (again["created"], again["merged"], again["unchanged"], again["interactions"],
                again["my_positions"], again["references"], again["applications"],
                again["job_changes"]) == (0, 0, 4, 0, 0, 0, 0, [])
        assert counts() == before
    finally:
        database.dispose()


def test_a_later_export_reports_who_changed_jobs(crm: Any, tmp_path: Path) -> None:
    first = zip_export(LINKEDIN, tmp_path / "first.zip", (2024, 6, 1))
    later_dir = tmp_path / "later"
    shutil.copytree(LINKEDIN, later_dir)
    connections = later_dir / "Connections.csv"
    connections.write_bytes(connections.read_bytes().replace(
        b"ana-lima,,Stripe,Software Engineer Intern,15 Mar 2024",
        b"ana-lima,,Datadog,Software Engineer,15 Mar 2024"))
    later = zip_export(later_dir, tmp_path / "later.zip", (2024, 9, 1))
    crm("import", str(first))
    data = crm("import", str(later), "--json").json()
    assert data["job_changes"] == [{
        "person_id": _show(crm, "Ana Lima")["id"], "name": "Ana Lima",
        "from": {"company": "Stripe", "title": "Software Engineer Intern"},
        "to": {"company": "Datadog", "title": "Software Engineer"}, "as_of": "2024-09-01"}]
    # Matched by her profile URL (no email): updated, not a second Ana.
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 1, 3)
    ana = _show(crm, "Ana Lima")
    assert sorted((p["company"], p["title"], p["end"], p["current"])
                  for p in ana["positions"]) == [
        ("Datadog", "Software Engineer", None, True),
        ("Stripe", "Software Engineer Intern", "2024-09-01", False)]
    # The connected-on date is not logged twice.
    assert [i["summary"] for i in ana["interactions"]].count("connected on LinkedIn") == 1
    human = crm("import", str(later))
    assert "job change" not in human.stderr  # nothing changed since


def test_google_and_outlook_csvs(crm: Any) -> None:
    result = crm("import", str(FIXTURES / "google_new.csv"), str(FIXTURES / "google_old.csv"),
                 str(FIXTURES / "outlook.csv"), str(FIXTURES / "outlook_short.csv"), "--json")
    assert result.exit_code == 1
    data = result.json()
    assert [(r["file"].rsplit("/", 1)[-1], r["line"], r["message"]) for r in data["rejected"]] == [
        ("outlook_short.csv", 3, "this row has 6 fields, the header 5")]
    # A birthday crm cannot read no longer costs the contact: Carl is kept without it, and
    # the line says so (damaged: a value of the row is not taken; the exit says "in part").
    assert [(w["file"].rsplit("/", 1)[-1], w["line"], w["message"], w["damaged"])
            for w in data["warnings"]] == [
        ("google_new.csv", 8, "Birthday is not a date crm reads (like 1990-04-15, --04-15 "
                              "or 4/15/1990): not taken as a birthday, kept in the row as "
                              "written", True)]
    assert data["created"] == 7
    carl = _show(crm, "Carl Berg")
    assert (carl["emails"], carl["birthday"]) == (["carl@example.se"], None)
    human = crm("import", str(FIXTURES / "google_new.csv"))
    assert human.exit_code == 0  # (imported before: unchanged)
    ana = _show(crm, "Ana Maria Lima")
    assert (ana["emails"], ana["phones"], ana["company"], ana["title"], ana["tags"],
            ana["note"], ana["birthday"]) == (
        ["ana@stripe.com", "ana.lima@gmail.com"], ["+351 912 000 111"], "Stripe",
        "Software Engineer", ["Lisbon", "Mentors"], "Met at the Lisbon meetup.\nLikes Rust.",
        "1999-04-15")
    jose = _show(crm, "José Müller")
    assert (jose["emails"], jose["company"], jose["title"], jose["note"]) == (
        ["jose@contoso.com", "jose.m@hotmail.com"], "Contoso GmbH", "Hiring Manager",
        'Interviewed me in May.\nSaid to follow up, "soon".')
    companies = crm("companies", "--json").json()
    assert "Globex" in [c["name"] for c in companies]


def test_a_google_card_with_a_linkedin_url_merges_into_that_connection(
        crm: Any, linkedin_zip: Path) -> None:
    crm("import", str(linkedin_zip))
    data = crm("import", str(FIXTURES / "google_new.csv"), "--json").json()
    # (an imported person a later import adds to is "updated"; Carl, whose birthday crm
    # cannot read, is created without it)
    assert (data["created"], data["updated"], data["merged"]) == (2, 1, 0)
    ana = _show(crm, "Ana Lima")
    assert ana["emails"] == ["ana@stripe.com", "ana.lima@gmail.com"]


def test_dry_run_writes_nothing(crm: Any, linkedin_zip: Path) -> None:
    result = crm("import", str(linkedin_zip), str(FIXTURES / "outlook.csv"), "--dry-run")
    assert result.exit_code == 1
    assert "dry run" in result.stderr
    assert "  created  Ana Lima" in result.stderr.splitlines()
    assert crm("people", "--json").json() == []


def test_rejected_rows_can_be_written_out_fixed_and_retried(crm: Any, linkedin_zip: Path,
                                                            tmp_path: Path) -> None:
    crm("import", str(linkedin_zip))
    out = tmp_path / "kept.csv"
    assert crm("import", "--rejected", "-o", str(out)).exit_code == 0
    text = out.read_text()
    fixed = (text.replace("31 Feb 2024", "28 Feb 2024")
             .replace(",,https://www.linkedin.com/in/nobody", "No,Body,https://www.linkedin.com/in/nobody")
             .replace("not a date", "2024-05-01 09:00:00 UTC"))
    out.write_text(fixed)
    result = crm("import", str(out), "--json")
    assert result.exit_code == 0, result.stdout
    data = result.json()
    # two connected-on dates and the message
    assert (data["created"], data["rejected"], data["interactions"]) == (2, [], 3)
    assert _show(crm, "Olga Петрова")["company"] == "Yandex"


def test_a_reimport_reads_the_messages_that_changed_and_only_those(crm: Any,
                                                                   tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(LINKEDIN, export)
    crm("import", str(export))
    messages = export / "messages.csv"
    text = messages.read_bytes()
    assert b"Thanks!" in text
    # One message edited (a later export), one added; every other row is as it was.
    messages.write_bytes(text.replace(b"Thanks!", b"Thanks; see you Friday!") + (
        b"2-abc,,Ana Lima,https://www.linkedin.com/in/ana-lima,Maria Sousa,"
        b"https://www.linkedin.com/in/maria-sousa,2024-04-05 18:00:00 UTC,,"
        b"\"Great talk.\nI'll send the referral.\",INBOX\n"))
    result = crm("import", str(export), "--json")
    data = result.json()
    assert (data["created"], data["updated"], data["unchanged"], data["interactions"],
            data["job_changes"]) == (0, 0, 4, 2, [])
    # The bad row is refused again, where it is.
    assert {"file": str(messages), "line": 5,
            "message": "DATE is not a date crm reads (like 15 Mar 2024)"} in data["rejected"]
    ana = _show(crm, "Ana Lima")
    assert sorted((i["date"], i["summary"]) for i in ana["interactions"]
                  if i["kind"] == "message") == [
        ("2024-03-14", "I invited them on LinkedIn: Hi Ana, great talk today!"),
        ("2024-04-02", "Sure, let's talk Friday.\nBring your CV!"),
        ("2024-04-03", "Thanks!"),
        ("2024-04-03", "Thanks; see you Friday!"),
        ("2024-04-05", "Great talk.\nI'll send the referral.")]
    again = crm("import", str(export), "--json").json()
    assert (again["interactions"], again["unchanged"]) == (0, 4)


def test_an_earlier_export_imported_after_a_later_one_dates_positions_earlier(
        crm: Any, tmp_path: Path, db_url: str) -> None:
    """Every row of the earlier export was imported before (the same text): nothing is
    written but the day each position is known since."""
    later = zip_export(LINKEDIN, tmp_path / "later.zip", (2024, 9, 1))
    earlier = zip_export(LINKEDIN, tmp_path / "earlier.zip", (2024, 6, 1))
    crm("import", str(later))
    data = crm("import", str(earlier), "--json").json()
    assert (data["created"], data["interactions"], data["job_changes"]) == (0, 0, [])
    database = open_database(db_url)
    try:
        with database.read() as s:
            known = {(p.person.display_name, p.known_on) for p in s.scalars(
                select(Position).where(Position.is_current.is_(True)))
                if not p.person.is_me}
    finally:
        database.dispose()
    assert ("Ana Lima", date(2024, 6, 1)) in known
    assert all(on == date(2024, 6, 1) for _name, on in known)


def test_a_row_rejected_before_and_read_now_leaves_the_rejected_list(
        crm: Any, db_url: str, tmp_path: Path) -> None:
    """Carl's row was rejected by an earlier crm (his birthday): imported now, it stayed
    listed by `crm import --rejected` as still to fix."""
    from crm.core.cards import raw_hash
    from crm.core.models import ImportRecord

    other = open_database(str(tmp_path / "other.sqlite3"))
    try:
        from crm.sources.importer import import_any

        import_any(other, [FIXTURES / "google_new.csv"])
        with other.read() as s:
            raw = s.scalar(select(ImportRecord.raw).where(ImportRecord.card_name == "Carl Berg"))
    finally:
        other.dispose()
    assert raw is not None
    db = open_database(db_url)
    try:
        with db.write() as s:  # as the earlier crm kept it
            s.add(ImportRecord(source_file=str(FIXTURES / "google_new.csv"), line=8, raw=raw,
                               raw_hash=raw_hash(raw), status="rejected",
                               error="Birthday is not a date crm reads"))
    finally:
        db.dispose()
    assert "google_new.csv:8" in crm("import", "--rejected").stdout
    crm("import", str(FIXTURES / "google_new.csv"))
    assert _show(crm, "Carl Berg")["emails"] == ["carl@example.se"]
    assert crm("import", "--rejected", "--json").json() == []
