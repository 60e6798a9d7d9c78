"""Databases written by every released schema revision open in this crm with data intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from crm.core.contacts.people import resolve_person, search_people
from crm.core.contacts.profile import person_detail
from crm.core.db import SCHEMA_HEAD, current_revision, open_database

FIXTURES = sorted(Path(__file__).parent.parent.joinpath("fixtures", "db").glob("*.sqlite3"))


def test_there_is_a_fixture_for_the_first_revision() -> None:
    assert [f.stem for f in FIXTURES][:1] == ["0001"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_released_database_upgrades_with_data_intact(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(fixture, path)
    db = open_database(str(path))
    try:
        assert current_revision(db) == SCHEMA_HEAD
        if fixture.stem != SCHEMA_HEAD:
            # The backup is the old database, restorable as it was.
            assert db.backup_path is not None
            old = sqlite3.connect(db.backup_path)
            assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (
                fixture.stem,)
            assert old.execute("SELECT count(*) FROM person").fetchone() == (31,)
            old.close()
        with db.read() as s:
            everyone = search_people(s)
            assert len(everyone) == 31
            zoe = person_detail(s, resolve_person(s, "Zoë Müller").id).to_json()
            assert zoe["note"] == "Line one, with commas; semicolons\\ and\nline two: 日本語 ✓"
            assert any(i["summary"] == "fixture marker 0001" for i in zoe["interactions"])
            assert zoe["emails"] == ["zoe.mueller@acme-robotics.com"]
            assert [(p["company"], p["current"]) for p in zoe["positions"]] == [
                ("Acme Robotics, Inc.", True), ("State University", False)]
            priya = person_detail(s, resolve_person(s, "Priya Natarajan").id).to_json()
            assert priya["reference"]["status"] == "agreed"
            assert len(priya["reference"]["uses"]) == 1
            jordan = person_detail(s, resolve_person(s, "me").id).to_json()
            assert len([c for c in jordan["connections"] if not c["derived"]]) == 24
    finally:
        db.dispose()
