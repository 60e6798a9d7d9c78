"""Migrations: one head, models match the DDL, upgrade/downgrade round trip, on both backends."""

from __future__ import annotations

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
        assert diff == []
    finally:
        db.dispose()


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
