"""Shared CLI plumbing: the --db option on every command and opening the database once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # (imported when a command opens it: `crm` alone paints before SQLAlchemy)
    from crm.core.db import Database

F = TypeVar("F", bound=Callable[..., Any])


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        ctx.ensure_object(dict)["db"] = value
    return value


def db_option(f: F) -> F:
    """``--db URL-or-PATH`` on a command (also accepted before the subcommand)."""
    return click.option(
        "--db", "db_arg", metavar="URL-or-PATH", expose_value=False, is_eager=True,
        callback=_remember_db,
        help="Database URL or SQLite file (default: $CRM_DATABASE_URL or the user data dir).",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(f)


def new_company_option(f: F) -> F:
    return click.option(
        "--new-company", is_flag=True,
        help="Create the company even if its name is close to one you have.")(f)


@contextmanager
def hint_new_company() -> Iterator[None]:
    """A company name close to known ones fails saying how to create it anyway."""
    from crm.core.errors import NotFound, NotSureWhichCompany

    try:
        yield
    except NotSureWhichCompany as err:
        raise NotFound(f"{err} (use --new-company to create {err.query!r})") from None


def get_db(ctx: click.Context | None = None) -> Database:
    """The database selected by --db / CRM_DATABASE_URL, opened (and upgraded) once."""
    from crm.cli.output import literal, message
    from crm.core.db import Database, open_database
    from crm.startup import resume_collector

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    obj = root.ensure_object(dict)
    db = obj.get("database")
    if db is None:
        db = open_database(_find_db_arg(ctx))
        db.on_wait = lambda: message("crm: waiting for another crm process to finish writing "
                                     "to this database…")
        for warning in db.warnings:
            message(f"crm: warning: {literal(warning)}")
        if db.backup_path is not None:
            message(f"crm: upgraded database schema; backup of the old file: {db.backup_path}")
        obj["database"] = db
        root.call_on_close(db.dispose)
        resume_collector()  # startup is over (see crm.startup)
    assert isinstance(db, Database)
    return db


def _find_db_arg(ctx: click.Context) -> str | None:
    c: click.Context | None = ctx
    while c is not None:
        if isinstance(c.obj, dict) and c.obj.get("db"):
            return str(c.obj["db"])
        c = c.parent
    return None
