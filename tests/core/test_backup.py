"""The JSON backup round-trips everything the user entered, on both backends."""

from __future__ import annotations

import json

import pytest

from crm.core.backup import dump_database, restore_database
from crm.core.contacts.people import create_person, resolve_person
from crm.core.contacts.profile import person_detail
from crm.core.db import Database, open_database
from crm.core.errors import CrmError
from crm.core.samples.demo import load_demo


def _fill(db: Database) -> None:
    with db.write() as s:
        load_demo(s)
        p = resolve_person(s, "Zoë Müller")
        p.photo, p.photo_type = b"\x89PNG\r\n\x00binary", "image/png"
        p.note = "commas, semicolons; backslash \\ newline\n日本語"


def test_backup_round_trips_the_whole_database(db: Database, empty_db_url: str) -> None:
    _fill(db)
    with db.read() as s:
        data = json.loads(json.dumps(dump_database(s)))
        before = {pid: person_detail(s, pid).to_json() for pid in range(1, 32)}
    target = open_database(empty_db_url)
    try:
        with target.write() as s:
            counts = restore_database(s, data)
        assert counts["person"] == 31 and counts["import_record"] == 0
        with target.read() as s:
            after = {pid: person_detail(s, pid).to_json() for pid in range(1, 32)}
            zoe = resolve_person(s, "Zoë Müller")
            assert zoe.photo == b"\x89PNG\r\n\x00binary"
        for pid in before:
            b, a = before[pid], after[pid]
            # Timestamps may differ in timezone rendering between backends; the rest is equal.
            for key in ("created_at", "updated_at"):
                b.pop(key), a.pop(key)
            assert a == b
        # New rows after a restore get fresh ids (sequences moved past restored ids).
        with target.write() as s:
            assert create_person(s, "After Restore").id == 32
    finally:
        target.dispose()


def test_restore_refuses_a_non_empty_database_and_foreign_json(db: Database) -> None:
    _fill(db)
    with db.read() as s:
        data = dump_database(s)
    with pytest.raises(CrmError, match="empty database"), db.write() as s:
        restore_database(s, data)
    with pytest.raises(CrmError, match="not a crm JSON backup"), db.write() as s:
        restore_database(s, {"people": []})
