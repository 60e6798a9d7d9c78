"""sort keys for the people list at any size: current company and last contacted

person.company_key: the name key of the person's current company (of two current positions,
the one that started last, then the later one recorded), NULL without one.
person.last_contacted: the date of the person's latest interaction, NULL without one.
Both are kept by triggers on position, company and interaction (every writer, whatever its
path, keeps them true) and indexed with the name key after them, so sorting a million people
by company or by last contact walks an index to its first page instead of sorting everyone.

Revision ID: 0008_scale
Revises: 0006_agenda
Create Date: 2026-12-06 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_scale"
down_revision: str | None = "0006_agenda"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The company key of person ``{pid}`` (an SQL expression naming the person's id); NULL start
# counts as the earliest, as crm.core.contacts.listing.people_rows picks the company it shows.
COMPANY_KEY = """(SELECT c.name_key FROM position p JOIN company c ON c.id = p.company_id
    WHERE p.person_id = {pid} AND p.is_current
    ORDER BY coalesce(p.start, '') DESC, p.id DESC LIMIT 1)"""
LAST_CONTACTED = "(SELECT max(i.occurred_on) FROM interaction i WHERE i.person_id = {pid})"


def _key(pid: str) -> str:
    return COMPANY_KEY.format(pid=pid)


def _last(pid: str) -> str:
    return LAST_CONTACTED.format(pid=pid)


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER person_company_key_ai AFTER INSERT ON position BEGIN
        UPDATE person SET company_key = {_key('new.person_id')} WHERE id = new.person_id;
    END""",
    f"""CREATE TRIGGER person_company_key_ad AFTER DELETE ON position BEGIN
        UPDATE person SET company_key = {_key('old.person_id')} WHERE id = old.person_id;
    END""",
    f"""CREATE TRIGGER person_company_key_au
        AFTER UPDATE OF person_id, company_id, is_current, start ON position BEGIN
        UPDATE person SET company_key = {_key('person.id')}
        WHERE id IN (old.person_id, new.person_id);
    END""",
    f"""CREATE TRIGGER person_company_key_cu AFTER UPDATE OF name_key ON company BEGIN
        UPDATE person SET company_key = {_key('person.id')}
        WHERE id IN (SELECT person_id FROM position WHERE company_id = new.id);
    END""",
    f"""CREATE TRIGGER person_last_contacted_ai AFTER INSERT ON interaction BEGIN
        UPDATE person SET last_contacted = {_last('new.person_id')} WHERE id = new.person_id;
    END""",
    f"""CREATE TRIGGER person_last_contacted_ad AFTER DELETE ON interaction BEGIN
        UPDATE person SET last_contacted = {_last('old.person_id')} WHERE id = old.person_id;
    END""",
    f"""CREATE TRIGGER person_last_contacted_au
        AFTER UPDATE OF person_id, occurred_on ON interaction BEGIN
        UPDATE person SET last_contacted = {_last('person.id')}
        WHERE id IN (old.person_id, new.person_id);
    END""",
]
SQLITE_TRIGGER_NAMES = ["person_company_key_ai", "person_company_key_ad",
                        "person_company_key_au", "person_company_key_cu",
                        "person_last_contacted_ai", "person_last_contacted_ad",
                        "person_last_contacted_au"]

PG_UP = [
    f"""CREATE FUNCTION crm_position_company_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE person SET company_key = {_key('OLD.person_id')} WHERE id = OLD.person_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            UPDATE person SET company_key = {_key('NEW.person_id')} WHERE id = NEW.person_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER person_company_key AFTER INSERT OR DELETE
        OR UPDATE OF person_id, company_id, is_current, start ON position
        FOR EACH ROW EXECUTE FUNCTION crm_position_company_key()""",
    f"""CREATE FUNCTION crm_company_company_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE person SET company_key = {_key('person.id')}
        WHERE id IN (SELECT person_id FROM position WHERE company_id = NEW.id);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER person_company_key_cu AFTER UPDATE OF name_key ON company
        FOR EACH ROW EXECUTE FUNCTION crm_company_company_key()""",
    f"""CREATE FUNCTION crm_interaction_last_contacted() RETURNS trigger LANGUAGE plpgsql
    AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE person SET last_contacted = {_last('OLD.person_id')}
            WHERE id = OLD.person_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            UPDATE person SET last_contacted = {_last('NEW.person_id')}
            WHERE id = NEW.person_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER person_last_contacted AFTER INSERT OR DELETE
        OR UPDATE OF person_id, occurred_on ON interaction
        FOR EACH ROW EXECUTE FUNCTION crm_interaction_last_contacted()""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS person_last_contacted ON interaction",
    "DROP TRIGGER IF EXISTS person_company_key_cu ON company",
    "DROP TRIGGER IF EXISTS person_company_key ON position",
    "DROP FUNCTION IF EXISTS crm_interaction_last_contacted()",
    "DROP FUNCTION IF EXISTS crm_company_company_key()",
    "DROP FUNCTION IF EXISTS crm_position_company_key()",
]

BACKFILL = (f"UPDATE person SET company_key = {_key('person.id')}, "
            f"last_contacted = {_last('person.id')}")


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_key", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("last_contacted", sa.Date(), nullable=True))
        batch_op.create_index("ix_person_company_order", ["company_key", "sort_key", "id"])
        batch_op.create_index("ix_person_contacted_order",
                              ["last_contacted", "sort_key", "id"])
    op.execute(BACKFILL)
    statements = PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for sql in statements:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in PG_DOWN:
            op.execute(sql)
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_contacted_order")
        batch_op.drop_index("ix_person_company_order")
        batch_op.drop_column("last_contacted")
        batch_op.drop_column("company_key")
