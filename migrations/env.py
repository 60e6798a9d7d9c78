"""Alembic environment for crm.

crm passes an open connection in ``config.attributes["connection"]``; the alembic command
line falls back to CRM_DATABASE_URL / the default database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from crm.core.contacts.search import include_name
from crm.core.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
        compare_type=True,
        include_name=include_name,  # hand-made search index objects (migration 0002)
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from crm.core.db import make_engine
    from crm.core.paths import database_url

    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = make_engine(url)
    with engine.begin() as conn:
        _configure_and_run(conn)
    engine.dispose()


def run_migrations_offline() -> None:
    from crm.core.paths import database_url

    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
