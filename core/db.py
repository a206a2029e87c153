"""The database: one engine per process, a session per unit of work, and the one migration command."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from core.config import PROJECT_ROOT, Settings, get_settings
from core.errors import ConfigurationError, DatabaseUnavailable

log = logging.getLogger(__name__)

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
# An arbitrary constant naming the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK_KEY = 7_304_211


def normalize_database_url(url: str) -> str:
    """Check a database URL and pin the PostgreSQL driver to psycopg 3; raise one clear line if malformed."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"DATABASE_URL is malformed ({url.split('@')[-1]!r}); expected sqlite:///path/to.db or "
            "postgresql://user@host:5432/dbname"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in SUPPORTED_BACKENDS:
        raise ConfigurationError(f"DATABASE_URL uses {backend!r}; only sqlite and postgresql are supported")
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Several processes (dashboard, worker, scheduler) share the file: WAL lets readers and one
    # writer work at once, busy_timeout waits for a lock instead of failing, and foreign keys are
    # off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """Make an engine for a (normalized) URL, creating the SQLite file's folder if needed."""
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # NullPool: RQ forks a work horse per job, and a pooled SQLite connection must never cross a fork.
        engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": 10})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    # A forked child must open its own connections rather than share the parent's sockets.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


@cache
def _engine_for(url: str) -> Engine:
    return create_db_engine(url)


def get_engine(settings: Settings | None = None) -> Engine:
    """The process's engine for the configured database (made once per URL)."""
    settings = settings or get_settings()
    return _engine_for(settings.effective_database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session for one unit of work: committed if the block succeeds, rolled back if it raises."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def check_database(engine: Engine) -> None:
    """Open a connection or raise DatabaseUnavailable with what to fix."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except OperationalError as exc:
        target = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open the database at {target}: {reason}. Check DATABASE_URL.") from exc


def alembic_config(url: str) -> Any:
    """The Alembic config for this project, pointed at `url` (alembic.ini holds no URL)."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["database_url"] = normalize_database_url(url)
    # The processes configure their own logging; alembic.ini's would reset it at every migration.
    config.attributes["configure_logging"] = False
    return config


def upgrade_database(settings: Settings | None = None, revision: str = "head") -> None:
    """The one migration command: bring the configured database to `revision` (the CLI, workers and
    dashboard all call this)."""
    from alembic import command

    settings = settings or get_settings()
    engine = get_engine(settings)
    check_database(engine)
    log.info("migrating %s to %s", engine.url.render_as_string(hide_password=True), revision)
    # Several processes start at once (workers, scheduler, dashboard): one migrates, the others wait and
    # then find nothing to do.
    with _migration_lock(engine, settings):
        command.upgrade(alembic_config(settings.effective_database_url), revision)


@contextmanager
def _migration_lock(engine: Engine, settings: Settings) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "migrate.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None if never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
