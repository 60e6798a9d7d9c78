"""Migrations: one head, models match the DDL, upgrade/downgrade round trip, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from crm.core.contacts.search import include_name
from crm.core.db import SCHEMA_HEAD, alembic_config, open_database, run_downgrade, run_upgrade
from crm.core.models import Base


def test_there_is_exactly_one_head_and_the_code_knows_it() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [SCHEMA_HEAD]


def test_models_match_the_migrated_schema(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                    "include_name": include_name})
            diff = compare_metadata(ctx, Base.metadata)
            if conn.dialect.name == "sqlite":
                diff = _without_inline_fk(conn, diff)
        assert diff == []
    finally:
        db.dispose()


# Columns SQLite could only be given a column-level REFERENCES (ALTER TABLE ADD COLUMN
# takes no table constraint, and copying the table would drop what points to it), which
# SQLAlchemy reflects with no name and no ON DELETE (it reads those from table-level
# constraints only): checked here by SQLite's own foreign_key_list instead.
_INLINE_FKS = {("position", "ended_by_import_id"): ("import_record", "id", "SET NULL")}


def _without_inline_fk(conn: Any, diff: list[Any]) -> list[Any]:
    seen = set()
    for (tname, column), (target, tcol, on_delete) in _INLINE_FKS.items():
        rows = conn.exec_driver_sql(f"PRAGMA foreign_key_list({tname})").all()
        assert any((r[2], r[3], r[4], r[6]) == (target, column, tcol, on_delete)
                   for r in rows), f"{tname}.{column}: no foreign key to {target}"
        seen.add((tname, column))

    def inline(entry: Any) -> bool:
        if not (isinstance(entry, tuple) and entry[0] in ("add_fk", "remove_fk")):
            return False
        fk = entry[1]
        return (fk.table.name, *[c.name for c in fk.columns]) in seen

    return [d for d in diff if not inline(d)]


def test_upgrade_downgrade_round_trip(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        expected = {t.name for t in Base.metadata.sorted_tables}
        assert expected <= set(inspect(db.engine).get_table_names())
        run_downgrade(db.engine, "base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        run_upgrade(db.engine)
        assert expected <= set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()


def _person_and_company(conn: Any, person: str, company: str, at: str) -> None:
    """Person #1 and company #1, written as an older schema has them (raw SQL)."""
    from sqlalchemy import text

    conn.execute(text(
        "INSERT INTO person (id, display_name, is_me, source, sort_key, search_text, "
        "created_at, updated_at) VALUES (1, :name, false, 'manual', :key, '', :t, :t)"),
        {"name": person, "key": person.lower(), "t": at})
    conn.execute(text(
        "INSERT INTO company (id, name, name_key, source, created_at, updated_at) "
        "VALUES (1, :name, :key, 'manual', :t, :t)"),
        {"name": company, "key": company.lower(), "t": at})


def _import_record(conn: Any, rid: int, how: str | None, at: str, raw: str = "") -> None:
    """Import record #``rid`` of person #1 (raw SQL, as an older schema has it)."""
    from sqlalchemy import text

    conn.execute(text(
        "INSERT INTO import_record (id, person_id, source_file, line, raw, raw_hash, status, "
        "matched_by, imported_at) VALUES (:id, 1, 'b.vcf', :id, :raw, '', 'imported', :how, "
        ":at)"), {"id": rid, "raw": raw, "how": how, "at": at})


def test_0006_folds_repeated_uses_of_a_reference_for_one_application(db_url: str) -> None:
    """Before 0006 every re-export logged another use; the upgrade keeps the first of each
    reference and application, notified if any of them was."""
    from sqlalchemy import text

    db = open_database(db_url)
    try:
        run_downgrade(db.engine, "0005_import_truth")
        with db.engine.begin() as conn:
            now = "2026-01-01 00:00:00"
            _person_and_company(conn, "Priya", "Stripe", now)
            conn.execute(text(
                "INSERT INTO application (id, company_id, role, stage, created_at, updated_at) "
                "VALUES (1, 1, 'SWE', 'applied', :t, :t)"), {"t": now})
            conn.execute(text(
                "INSERT INTO reference (id, person_id, status, strength, created_at, "
                "updated_at) VALUES (1, 1, 'agreed', 3, :t, :t)"), {"t": now})
            for uid, app, used, notified in ((1, 1, "2026-02-01", False),
                                             (2, 1, "2026-02-03", True),
                                             (3, 1, "2026-02-05", False),
                                             (4, None, "2026-02-06", False),
                                             (5, None, "2026-02-07", False)):
                conn.execute(text(
                    "INSERT INTO reference_use (id, reference_id, application_id, company_id, "
                    "used_on, notified, notified_on) VALUES (:id, 1, :app, 1, :used, :n, "
                    ":on)"), {"id": uid, "app": app, "used": used, "n": notified,
                              "on": "2026-02-04" if notified else None})
        run_upgrade(db.engine)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, application_id, notified, notified_on "
                                     "FROM reference_use ORDER BY id")).all()
        assert [(r[0], r[1], bool(r[2]), str(r[3]) if r[3] else None) for r in rows] == [
            (1, 1, True, "2026-02-04"), (4, None, False, None), (5, None, False, None)]
    finally:
        db.dispose()


def test_0017_names_the_card_whose_import_ended_a_position_by_the_old_guess(
        db_url: str) -> None:
    """Positions ended before 0017 get the import record split guessed by time then: the
    first card matched (not created) into the person at most ten minutes after the
    position last changed, when it is past with no end date."""
    from sqlalchemy import text

    db = open_database(db_url)
    try:
        run_downgrade(db.engine, "0016_import_match")
        with db.engine.begin() as conn:
            t = "2026-01-01 10:00:00"
            _person_and_company(conn, "Marcus", "Acme", t)
            for pid, current, end, changed in ((1, False, None, "2026-01-01 10:00:00"),
                                               (2, False, None, "2026-01-01 09:00:00"),
                                               (3, False, "2025", "2026-01-01 10:00:00"),
                                               (4, True, None, "2026-01-01 10:00:00")):
                conn.execute(text(
                    'INSERT INTO position (id, person_id, company_id, "end", is_current, '
                    "source, created_at, updated_at) VALUES (:id, 1, 1, :end, :cur, 'vcard', "
                    ":t, :changed)"), {"id": pid, "end": end, "cur": current, "t": t,
                                       "changed": changed})
            for rid, how, at in ((1, "created", "2026-01-01 10:00:01"),
                                 (2, "phone", "2026-01-01 10:00:05"),
                                 (3, "email", "2026-01-01 10:05:00")):
                _import_record(conn, rid, how, at)
        run_upgrade(db.engine)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, ended_by_import_id FROM position "
                                     "ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 2), (2, None), (3, None), (4, None)]
    finally:
        db.dispose()


def test_0018_tells_the_rows_of_a_linkedin_export_from_cards(db_url: str) -> None:
    """Rows kept of LinkedIn's other files (a message, an invitation, my positions) were
    written like cards of before 0016 (no ``matched_by``) and listed as the person's cards:
    the upgrade marks them by their header; cards (a vCard, a connection, a Google CSV row)
    and records that say how they matched are left as they are."""
    from sqlalchemy import text

    rows = {
        1: (None, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marcus Webb\r\nEND:VCARD\r\n"),
        2: (None, "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                  "Marcus,Webb,https://www.linkedin.com/in/mw,,Acme,Engineer,03 Nov 2025\n"),
        3: (None, "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
                  "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n"
                  "c1,,Marcus Webb,https://www.linkedin.com/in/mw,Me,,2026-11-20 10:00:00 UTC,"
                  ",\"Hi, Jordan\",INBOX\n"),
        4: (None, "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
                  "Marcus Webb,Me,\"11/20/25, 10:00 AM\",,INCOMING,https://x,https://y\n"),
        5: (None, '"Company Name","Title","Description","Location","Started On",'
                  '"Finished On"\nAcme,Intern,,,Jun 2024,Aug 2024\n'),
        6: (None, "Name,Given Name,Family Name,E-mail 1 - Value\nAna Lima,Ana,Lima,a@b.c\n"),
        7: ("email", "CONVERSATION ID,FROM,TO,DATE\nc2,a,b,2026-01-01 00:00:00 UTC\n"),
    }
    db = open_database(db_url)
    try:
        run_downgrade(db.engine, "0017_position_ended_by_import")
        with db.engine.begin() as conn:
            _person_and_company(conn, "Marcus", "Acme", "2026-01-01 10:00:00")
            for rid, (how, raw) in rows.items():
                _import_record(conn, rid, how, "2026-01-01 10:00:00", raw)
        run_upgrade(db.engine)
        with db.engine.connect() as conn:
            found = dict(conn.execute(text("SELECT id, matched_by FROM import_record")).all())
        assert found == {1: None, 2: None, 3: "row", 4: "row", 5: "row", 6: None, 7: "email"}
        run_downgrade(db.engine, "0017_position_ended_by_import")
        with db.engine.connect() as conn:
            found = dict(conn.execute(text("SELECT id, matched_by FROM import_record")).all())
        assert found == {1: None, 2: None, 3: None, 4: None, 5: None, 6: None, 7: "email"}
    finally:
        db.dispose()
