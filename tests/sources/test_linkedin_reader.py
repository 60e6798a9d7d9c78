"""LinkedIn's export read into typed rows: every field of every file crm takes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from crm.sources.linkedin import (
    Connection,
    Invitation,
    JobApplication,
    Message,
    MyPosition,
    MyStudy,
    Recommendation,
    read_export,
    read_message,
)
from crm.sources.table import decode, read_table
from tests.sources.conftest import FIXTURES, LINKEDIN


def _strip(records: list) -> list[dict]:
    return [{k: v for k, v in r.__dict__.items() if k not in ("file", "raw")} for r in records]


def test_connections_after_the_notes_with_a_bom_and_non_latin_names() -> None:
    export = read_export(LINKEDIN / "Connections.csv")
    assert _strip(export.connections) == [
        {"line": 5, "first_name": "Ana", "last_name": "Lima",
         "url": "https://www.linkedin.com/in/ana-lima", "email": None, "company": "Stripe",
         "position": "Software Engineer Intern", "connected_on": date(2024, 3, 15)},
        {"line": 6, "first_name": "Bo", "last_name": "Chen",
         "url": "https://www.linkedin.com/in/bochen", "email": "bo.chen@example.org",
         "company": "Acme Robotics, Inc.", "position": "Senior Engineer, Platform",
         "connected_on": date(2023, 1, 2)},
        {"line": 7, "first_name": "小龙", "last_name": "李",
         "url": "https://www.linkedin.com/in/xiaolong-li-3a9b", "email": None,
         "company": "字节跳动", "position": "产品经理", "connected_on": date(2022, 2, 28)},
        {"line": 8, "first_name": "Žofie", "last_name": "Dvořáková",
         "url": "https://www.linkedin.com/in/zofie", "email": None, "company": None,
         "position": None, "connected_on": date(2021, 9, 1)},
    ]
    assert export.connections[2].name == "小龙 李"
    # Bad rows are kept whole with their line and what is wrong, never their text.
    assert [(r.line, r.message) for r in export.rejected] == [
        (9, "First Name and Last Name are both empty"),
        (10, "Connected On is not a date crm reads (like 15 Mar 2024)"),
    ]
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    assert export.rejected[1].raw == (header + "Olga,Петрова,https://www.linkedin.com/in/olga-p,"
                                      "olga@example.ru,Yandex,Recruiter,31 Feb 2024\n")
    assert "Olga" not in export.rejected[1].message


def test_a_row_keeps_its_header_and_its_exact_text_as_provenance() -> None:
    export = read_export(LINKEDIN / "messages.csv")
    first = export.messages[0]
    assert first.raw == (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER\n"
        "2-abc,,Ana Lima,https://www.linkedin.com/in/ana-lima,Maria Sousa,"
        "https://www.linkedin.com/in/maria-sousa,2024-04-02 10:15:00 UTC,,"
        "\"Sure, let's talk Friday.\nBring your CV!\",INBOX\n")


def test_deferred_messages_are_checked_when_read_and_read_the_same_later() -> None:
    whole = read_export(LINKEDIN)
    deferred = read_export(LINKEDIN, defer_messages=True)
    assert deferred.messages == [] and len(deferred.message_rows) == len(whole.messages) == 2
    assert [read_message(row) for row in deferred.message_rows] == whole.messages
    assert [row.raw for row in deferred.message_rows] == [m.raw for m in whole.messages]
    # A row that cannot be read is refused while reading, as when read whole.
    assert deferred.rejected == whole.rejected
    assert any(r.file.endswith("messages.csv") and r.line == 5 for r in deferred.rejected)
    assert deferred.rows == whole.rows


def test_an_older_export_without_url_or_notes() -> None:
    export = read_export(FIXTURES / "Connections_2019.csv")
    assert _strip(export.connections) == [
        {"line": 1 + 1, "first_name": "Ana", "last_name": "Lima", "url": None,
         "email": "ana@example.com", "company": "Universidade de Lisboa",
         "position": "Student", "connected_on": date(2019, 3, 15)}]
    assert export.rejected == []


def test_my_positions_in_another_column_order_with_a_multiline_description() -> None:
    export = read_export(LINKEDIN / "Positions.csv")
    assert export.positions == [
        MyPosition(str(LINKEDIN / "Positions.csv"), 2, export.positions[0].raw,
                   company="Stripe", title="Software Engineer Intern",
                   description="Payments team.\nShipped the retry queue.",
                   location="Dublin, Ireland", started_on="2024-06", finished_on="2024-08"),
        MyPosition(str(LINKEDIN / "Positions.csv"), 4, export.positions[1].raw,
                   company="Acme Robotics", title="Research Assistant", description=None,
                   location="Lisbon", started_on="2023", finished_on=None),
    ]


def test_studies_profile_invitations_recommendations_applications() -> None:
    export = read_export(LINKEDIN)
    f = str
    assert export.studies == [MyStudy(
        f(LINKEDIN / "Education.csv"), 2, export.studies[0].raw,
        school="Universidade de Lisboa", degree="BSc Computer Science", notes=None,
        activities="Robotics club", started_on="2021-09", finished_on="2025-07")]
    profile = export.profile
    assert profile is not None
    assert (profile.name, profile.first_name, profile.last_name, profile.maiden_name,
            profile.headline, profile.summary, profile.industry, profile.location,
            profile.websites, profile.twitter) == (
        "Maria Sousa", "Maria", "Sousa", None, "CS student looking for a 2025 internship",
        "I build robots.\nAnd compilers.", "Computer Software", "Lisbon, Portugal",
        ["https://maria.example.com"], ["msousa"])
    inv = export.invitations
    assert inv == [
        Invitation(f(LINKEDIN / "Invitations.csv"), 2, inv[0].raw, from_name="Maria Sousa",
                   to_name="Ana Lima", sent_on=date(2024, 3, 14),
                   message="Hi Ana, great talk today!", incoming=False,
                   inviter_url="https://www.linkedin.com/in/maria-sousa",
                   invitee_url="https://www.linkedin.com/in/ana-lima"),
        Invitation(f(LINKEDIN / "Invitations.csv"), 3, inv[1].raw, from_name="Bo Chen",
                   to_name="Maria Sousa", sent_on=date(2022, 12, 30), message=None,
                   incoming=True, inviter_url="https://www.linkedin.com/in/bochen",
                   invitee_url="https://www.linkedin.com/in/maria-sousa"),
    ]
    assert (inv[0].other_name, inv[0].other_url) == ("Ana Lima",
                                                     "https://www.linkedin.com/in/ana-lima")
    assert (inv[1].other_name, inv[1].other_url) == ("Bo Chen",
                                                     "https://www.linkedin.com/in/bochen")
    msgs = export.messages
    assert msgs == [
        Message(f(LINKEDIN / "messages.csv"), 2, msgs[0].raw, conversation_id="2-abc",
                conversation_title=None, from_name="Ana Lima",
                sender_url="https://www.linkedin.com/in/ana-lima", to_names="Maria Sousa",
                recipient_urls=["https://www.linkedin.com/in/maria-sousa"],
                sent_on=date(2024, 4, 2), subject=None,
                content="Sure, let's talk Friday.\nBring your CV!", folder="INBOX"),
        Message(f(LINKEDIN / "messages.csv"), 4, msgs[1].raw, conversation_id="2-abc",
                conversation_title=None, from_name="Maria Sousa",
                sender_url="https://www.linkedin.com/in/maria-sousa", to_names="Ana Lima",
                recipient_urls=["https://www.linkedin.com/in/ana-lima"],
                sent_on=date(2024, 4, 3), subject=None, content="Thanks!", folder="INBOX"),
    ]
    assert export.recommendations == [Recommendation(
        f(LINKEDIN / "Recommendations_Received.csv"), 2, export.recommendations[0].raw,
        first_name="Bo", last_name="Chen", company="Acme Robotics, Inc.",
        job_title="Senior Engineer",
        text="Maria wrote our arm controller.\nShe tests everything.",
        created_on=date(2024, 5, 20), status="VISIBLE")]
    assert export.applications == [JobApplication(
        f(LINKEDIN / "Jobs" / "Job Applications.csv"), 2, export.applications[0].raw,
        applied_on=date(2024, 10, 1), company="Stripe",
        job_title="Software Engineer Intern 2025",
        job_url="https://www.linkedin.com/jobs/view/123", contact_email="maria@example.com",
        contact_phone="+351 912 345 678", resume_name="Maria_Sousa_CV.pdf",
        questions="Are you authorized to work?:Yes")]
    # Given recommendations share the received ones' header: only the name tells them apart.
    assert sorted(os.path.basename(p) for p in export.skipped_files) == [
        "Recommendations_Given.csv", "Rich_Media.csv"]
    assert [(os.path.basename(r.file), r.line, r.message) for r in export.rejected] == [
        ("Connections.csv", 9, "First Name and Last Name are both empty"),
        ("Connections.csv", 10, "Connected On is not a date crm reads (like 15 Mar 2024)"),
        ("messages.csv", 5, "DATE is not a date crm reads (like 15 Mar 2024)"),
    ]


def test_the_zip_reads_as_the_folder_and_dates_the_export(linkedin_zip: Path) -> None:
    from_zip, from_folder = read_export(linkedin_zip), read_export(LINKEDIN)
    assert from_zip.exported_on == date(2024, 6, 1)
    assert _strip(from_zip.connections) == _strip(from_folder.connections)
    assert _strip(from_zip.messages) == _strip(from_folder.messages)
    assert _strip(from_zip.applications) == _strip(from_folder.applications)
    assert from_zip.connections[0].file == f"{linkedin_zip}/Connections.csv"
    assert from_zip.applications[0].file == f"{linkedin_zip}/Jobs/Job Applications.csv"
    assert [r.raw for r in from_zip.connections] == [r.raw for r in from_folder.connections]


def test_a_folder_export_is_dated_by_its_newest_file(tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.mkdir()
    (target / "Connections.csv").write_bytes((LINKEDIN / "Connections.csv").read_bytes())
    stamp = 1_700_000_000  # 14 Nov 2023
    os.utime(target / "Connections.csv", (stamp, stamp))
    export = read_export(target)
    assert export.exported_on == date.fromtimestamp(stamp)


def test_kept_rows_written_out_together_read_again_as_one_file() -> None:
    export = read_export(LINKEDIN / "Connections.csv")
    fixed = "".join(r.raw for r in export.rejected).replace(",,https://www.linkedin.com/in/nobody",
                                                            "No,Body,https://www.linkedin.com/in/nobody")
    again = read_export_text(fixed.replace("31 Feb 2024", "28 Feb 2024"))
    assert [(c.name, c.line, c.connected_on) for c in again] == [
        ("No Body", 2, date(2021, 9, 1)), ("Olga Петрова", 4, date(2024, 2, 28))]


def read_export_text(text: str) -> list[Connection]:
    from crm.sources.linkedin import LinkedInExport, read_csv_text

    export = LinkedInExport("kept.csv", date(2024, 1, 1))
    assert read_csv_text(export, text, "kept.csv")
    assert export.rejected == []
    return export.connections


def test_an_unclosed_quote_and_a_row_too_wide_are_kept_not_cut() -> None:
    text = decode(b"\xef\xbb\xbfFirst Name,Last Name,Connected On\n"
                  b"Ana,Lima,15 Mar 2024,extra\n"
                  b"Bo,Chen,2 Jan 2023\n"
                  b"\"Cy,Unclosed,1 Jan 2020\nDee,Ray,1 Jan 2020\n")
    table = read_table(text, "c.csv", lambda h: "Connected On" in h)
    assert table.header == ["First Name", "Last Name", "Connected On"]
    kinds = [(type(r).__name__, r.line) for r in table.rows]
    assert kinds == [("BadRow", 2), ("Row", 3), ("BadRow", 4)]
    assert table.rows[0].message == "this row has 4 fields, the header 3"  # type: ignore[union-attr]
    assert table.rows[2].message == (  # type: ignore[union-attr]
        "cannot read this row as CSV (a quoted field is never closed)")
    # Everything from the broken row to the end is kept, to fix and import again.
    assert table.rows[2].raw.endswith('"Cy,Unclosed,1 Jan 2020\nDee,Ray,1 Jan 2020\n')
