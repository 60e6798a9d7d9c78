"""The one place that builds engines and sessions, and keeps the schema current.

Opening a database checks its Alembic revision first (cheaply, without importing Alembic
when it is already current), refuses one written by a newer crm without touching it,
backs a SQLite file up before upgrading it, and then upgrades it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crm.core import limits
from crm.core.errors import CrmError, SchemaTooNew
from crm.core.paths import database_url, sqlite_path

# The newest migration this code knows; a test checks it equals Alembic's head.
SCHEMA_HEAD = "0015_import_match"
BUSY_TIMEOUT_MS = 15_000
# A write waits up to this many busy timeouts for another writer to finish.
WRITE_ATTEMPTS = 8
# A write still waiting for another writer after this long says so (``Database.on_wait``).
WAIT_NOTICE_S = 1.0
# PostgreSQL advisory lock that serializes crm's write transactions (any constant will do).
WRITE_LOCK_KEY = 0x63726D  # "crm"


@dataclass
class Database:
    """An open, current database: its URL, engine and session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None  # the backup taken before an automatic upgrade
    upgraded_from: str | None = field(default=None)
    # Called when a write has waited WAIT_NOTICE_S for another writer (see ``write``).
    on_wait: Callable[[], None] | None = field(default=None, repr=False)
    # A SQLite file (or directory) this process may not write: opened read-only, and every
    # write is refused before it starts.
    read_only: bool = False
    # What the user should know about the file (told once, by the face that opened it): a
    # database other users may read that crm could not make private.
    warnings: list[str] = field(default_factory=list)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def label(self) -> str:
        """Which database this is, short enough for a header and never with a password: a
        SQLite file's name, or a PostgreSQL server's host/database."""
        path = self.path
        if path is not None:
            return path.name
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return "in memory"
        host = url.host or "localhost"
        if url.port:
            host = f"{host}:{url.port}"
        return f"{host}/{url.database or ''}"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only unit; nothing is committed."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self, on_wait: Callable[[], None] | None = None) -> Iterator[Session]:
        """A short write unit, committed on success and rolled back on any error.

        On SQLite the transaction starts with BEGIN IMMEDIATE so that two writers queue on
        the busy timeout instead of failing with "database is locked" half-way. Waiting can
        take as long as another writer's import: ``on_wait`` (default: the database's own)
        is called, from another thread, if the write has not started after ``WAIT_NOTICE_S``,
        so that the user hears why nothing seems to happen.
        """
        if self.read_only:
            from crm.core.errors import Failure

            raise Failure(f"{self.path}: the database is read-only here (the file or its "
                          "directory cannot be written); nothing was written")
        notice = on_wait or self.on_wait
        timer = threading.Timer(WAIT_NOTICE_S, notice) if notice else None
        try:
            with self.engine.connect() as conn:
                if timer is not None:  # (counted from here: a slow connection is no wait)
                    timer.daemon = True
                    timer.start()
                transaction = self._begin_immediate(conn) if self.is_sqlite else conn.begin()
                with transaction, Session(bind=conn, expire_on_commit=False) as session:
                    if not self.is_sqlite:
                        self._lock_writes(session)
                    if timer is not None:
                        timer.cancel()
                    yield session
                    session.flush()
        finally:
            if timer is not None:
                timer.cancel()

    def _lock_writes(self, session: Session) -> None:
        """One writer at a time on PostgreSQL, as on SQLite.

        Two imports of one file would otherwise both see it new and create everyone twice
        (or collide on a UID). Readers are not blocked; the lock ends with the transaction,
        and a writer waits as long as on SQLite before getting one clear line.
        """
        wait_ms = WRITE_ATTEMPTS * BUSY_TIMEOUT_MS
        session.execute(text("SELECT set_config('lock_timeout', :ms, true)"),
                        {"ms": f"{wait_ms}ms"})
        try:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
        except OperationalError as err:
            if "lock timeout" not in str(err.orig):
                raise
            where = self.engine.url.render_as_string(hide_password=True)
            raise CrmError(f"{where}: another crm process has been writing to this database "
                           f"for over {wait_ms // 1000} s; try again when it is done") from None

    def _begin_immediate(self, conn: Connection) -> RootTransaction:
        """Start a write on SQLite, waiting for another writer (a long import) to finish.

        Each attempt waits the busy timeout; only starting is retried, as nothing has been
        done yet. A writer that holds on for longer gets one clear line, not "locked".
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            conn.info["crm_begin"] = "BEGIN IMMEDIATE"
            try:
                return conn.begin()
            except OperationalError as err:
                if "locked" not in str(err.orig) and "busy" not in str(err.orig):
                    raise
                if attempt == WRITE_ATTEMPTS:
                    wait = WRITE_ATTEMPTS * BUSY_TIMEOUT_MS // 1000
                    raise CrmError(f"{self.path}: another crm process has been writing to "
                                   f"this database for over {wait} s; try again when it "
                                   "is done") from None
                conn.rollback()
        raise AssertionError("unreachable")  # pragma: no cover

    def check_sound(self) -> None:
        """Refuse to go on with a damaged SQLite file (``PRAGMA quick_check``).

        Called before an import or a restore writes: SQLite can append to a file whose
        other pages are damaged, and the user would not hear of it until a read fails.
        """
        path = self.path
        if path is None:
            return
        from crm.core.faults import damaged, quick_check

        problems = quick_check(path)
        if problems:
            raise damaged(path, problems)

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine with crm's settings: SQLite pragmas, or a pre-pinged PostgreSQL pool.

    ``read_only`` (SQLite files only) opens the file so that SQLite never tries to write it.
    """
    limits.install()
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if read_only and path is not None:
            engine = create_engine(url, creator=lambda: _readonly_connect(path, threads=True))
        else:
            engine = create_engine(
                url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                   "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # We emit BEGIN ourselves (see _sqlite_begin) so transactions mean what they say.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if path is not None and not read_only:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql(conn.info.pop("crm_begin", "BEGIN"))

        return engine
    # No server-side prepared statements: psycopg prepares a query run five times, and
    # PostgreSQL may then keep a generic plan made while a table was small (a seq scan) for
    # the whole of an import that grows it, chunk after chunk: 2x slower at 24k cards.
    # (Poolers in transaction mode, such as PgBouncer's, also need this.)
    psycopg = url.startswith("postgresql+psycopg://")  # (not another driver's URL)
    return create_engine(url, pool_pre_ping=True,
                         connect_args={"prepare_threshold": None} if psycopg else {})


def open_database(url_or_path: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (creating if needed) the selected database and bring its schema to head."""
    url = database_url(url_or_path)
    path = sqlite_path(url)
    read_only = False
    notes: list[str] = []
    if path is not None:
        read_only = _cannot_write(path)
        if not read_only:
            _prepare_sqlite_file(path)
        notes = _tighten(path)
        revision = _sqlite_revision(path)
    else:
        revision = None
    engine = make_engine(url, read_only=read_only)
    try:
        if path is None:
            revision = _engine_revision(engine)
        if revision == SCHEMA_HEAD:
            return Database(url, engine, _session_factory(engine), read_only=read_only,
                            warnings=notes)
        _refuse_if_newer(revision, url)
        if read_only:
            from crm.core.errors import Failure

            what = "is empty" if revision is None else f"has schema {revision!r}"
            raise Failure(f"{path}: the database {what} and needs upgrading, but it is "
                          "read-only here; nothing was written")
        db = Database(url, engine, _session_factory(engine), warnings=notes)
        if upgrade:
            if path is not None and (revision is not None or _has_tables(path)):
                db.backup_path = backup_sqlite(path)
            db.upgraded_from = revision
            run_upgrade(engine)
        return db
    except BaseException:
        engine.dispose()
        raise


def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _cannot_write(path: Path) -> bool:
    """An existing SQLite file that this process may not write, or whose directory it may
    not write (SQLite writes its -wal and -shm files there): a read-only filesystem, say."""
    if not path.is_file():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK))


def _prepare_sqlite_file(path: Path) -> None:
    """Create the file 0600 (and its directory 0700) before SQLite ever touches it."""
    if path.is_dir():
        raise CrmError(f"{path}: is a directory, not a database file")
    if path.exists():
        return
    try:
        _private_dirs(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as err:
        raise CrmError(f"{path}: cannot create database: {err.strerror}") from None


def _private_dirs(directory: Path) -> None:
    """Create ``directory`` and every missing parent 0700 whatever the umask (``mkdir -p``
    gives the parents the umask's mode: 0777 under umask 000). Existing ones are left."""
    missing = []
    for d in (directory, *directory.parents):
        if d.exists():
            break
        missing.append(d)
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it meanwhile
        os.chmod(d, 0o700)


def _tighten(path: Path) -> list[str]:
    """The database file and its -wal/-shm made 0600 when this user owns them (a file made
    0644 by another tool, or before crm made its files private); a warning for each one
    this user may not change. SQLite gives new -wal/-shm files the database file's mode."""
    notes = []
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = f.stat()
        except OSError:
            continue
        if not st.st_mode & 0o077:
            continue
        mode = oct(st.st_mode & 0o777)[2:]
        if st.st_uid == os.geteuid():
            try:
                os.chmod(f, 0o600)
                continue
            except OSError:
                pass
        notes.append(f"{f} is readable by others (mode {mode}) and crm cannot change that; "
                     f"run: chmod 600 {f}")
    return notes


def _sqlite_revision(path: Path) -> str | None:
    """Read the schema revision read-only, so a refused database stays byte-identical."""
    if path.stat().st_size == 0:
        return None
    try:
        conn = _readonly_connect(path)
    except sqlite3.Error as err:
        raise CrmError(f"{path}: cannot open database: {err}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            if tables:
                raise CrmError(f"{path}: not a crm database (it has other tables)")
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as err:
        from crm.core.faults import damaged, quick_check

        if "malformed" in str(err) or "corrupt" in str(err):
            raise damaged(path, quick_check(path)) from None
        raise CrmError(f"{path}: not a crm database ({err})") from None
    finally:
        conn.close()


def _readonly_connect(path: Path, *, threads: bool = False) -> sqlite3.Connection:
    """A connection that cannot change the file or leave -wal/-shm files behind.

    With no WAL file present the database is opened immutable (no locks, no side files);
    when another process has a WAL open we must read through it to see recent commits.
    """
    wal = Path(str(path) + "-wal")
    params = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return sqlite3.connect(f"file:{path}?{params}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=not threads)


def _has_tables(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    conn = _readonly_connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        conn.close()


def _engine_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "alembic_version" not in tables:
                if tables - {"alembic_version"}:
                    raise CrmError(f"{engine.url.render_as_string()}: not a crm database "
                                   "(it has other tables)")
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).fetchone()
            return row[0] if row else None
    except CrmError:
        raise
    except Exception as err:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CrmError(f"cannot connect to {where}: {reason}") from None


def _refuse_if_newer(revision: str | None, url: str) -> None:
    if revision is None:
        return
    if revision not in known_revisions():
        raise SchemaTooNew(
            f"database schema {revision!r} is newer than this crm (it knows up to "
            f"{SCHEMA_HEAD!r}); upgrade crm to open it - the database was not touched"
        )


def alembic_config(engine: Engine | None = None) -> Any:
    from alembic.config import Config

    from crm.core.paths import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url",
                            engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def run_upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def run_downgrade(engine: Engine, target: str) -> None:
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def current_revision(db: Database) -> str | None:
    path = db.path
    if path is not None:
        return _sqlite_revision(path)
    return _engine_revision(db.engine)


def backup_sqlite(path: Path, dest: Path | None = None) -> Path:
    """Copy a SQLite database (consistently, WAL included) to a timestamped 0600 file.

    The copy is made into a temporary file beside ``dest`` and renamed over it only when
    whole (``crm.core.files``): on a full disk an older backup at ``dest`` is left as it was.
    """
    from crm.core.files import replacing

    if dest is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        dest = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix or '.sqlite3'}")
    if dest.is_dir():
        raise CrmError(f"{dest}: is a directory")
    with replacing(dest) as tmp:
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
            except sqlite3.Error as err:
                raise _backup_failure(dest, err) from None
            finally:
                out.close()
        finally:
            src.close()
    return dest


def _backup_failure(dest: Path, err: sqlite3.Error) -> CrmError:
    from crm.core.errors import Failure

    reason = str(err) or type(err).__name__
    if "full" in reason or "I/O" in reason:
        return Failure(f"cannot write {dest}: {reason}; the previous file, if any, is "
                       "unchanged")
    return Failure(f"cannot back up to {dest}: {reason}")
