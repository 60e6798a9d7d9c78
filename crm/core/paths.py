"""Where crm keeps its data. Nothing is created at import time."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "crm"
ENV_DATABASE_URL = "CRM_DATABASE_URL"
DEFAULT_DB_FILENAME = "crm.sqlite3"


def data_dir() -> Path:
    """The per-user data directory (not created here)."""
    override = os.environ.get("CRM_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The per-user configuration directory (the TUI's keymap.toml; not created here)."""
    override = os.environ.get("CRM_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / DEFAULT_DB_FILENAME


def database_url(url_or_path: str | None = None) -> str:
    """Turn ``--db`` / ``CRM_DATABASE_URL`` / the default into an SQLAlchemy URL.

    A value containing ``://`` is taken as a URL; anything else is a SQLite file path.
    """
    value = url_or_path or os.environ.get(ENV_DATABASE_URL) or ""
    if not value:
        return sqlite_url(default_database_path())
    if "://" in value:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # Plain libpq URLs mean psycopg 3 for us.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return sqlite_url(Path(value))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().absolute()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other backends and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    rest = rest[1:] if rest.startswith("/") else rest
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def inside_git_checkout(directory: Path) -> bool:
    """``directory`` is in a git working tree (a file written there could be committed)."""
    here = directory.absolute()
    return any((d / ".git").exists() for d in (here, *here.parents))


def default_export_dir(cwd: Path | None = None) -> Path:
    """Where a document goes when the user names no path: their Documents folder, else
    Downloads, else the current directory when it is not inside a git checkout (never
    silently into a repository), else their home."""
    from platformdirs import user_documents_dir, user_downloads_dir

    for folder in (user_documents_dir(), user_downloads_dir()):
        if folder and Path(folder).is_dir():
            return Path(folder)
    here = cwd if cwd is not None else Path.cwd()
    if not inside_git_checkout(here):
        return here
    return Path.home()


def migrations_dir() -> Path:
    """The Alembic scripts: shipped inside the wheel, or beside the package in a checkout."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_migrations"
    if shipped.is_dir():
        return shipped
    return package.parent / "migrations"
