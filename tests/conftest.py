"""Test harness: a real database and a real Redis for every test.

Backends (choose with `--backend` or SALES_AGENT_TEST_BACKEND):
- `sqlite` (default): a SQLite file and the embedded redis-server, as on a fresh machine;
- `postgres`: PostgreSQL at TEST_DATABASE_URL (default 127.0.0.1:5432/test) and Redis at TEST_REDIS_URL
  (default 127.0.0.1:6379/15). When asked for, they must be there: the run fails, it never skips.

The environment is set before any project module reads its settings, so in-process code and the worker
processes the tests start see the same database and Redis.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

BACKENDS = ("sqlite", "postgres")
DEFAULT_PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("SALES_AGENT_TEST_BACKEND", "sqlite"),
        help="sqlite (+ embedded Redis) or postgres (+ Redis on 127.0.0.1:6379)",
    )


def pytest_configure(config: pytest.Config) -> None:
    backend = config.getoption("--backend")
    # A short path: unix socket paths are limited to ~100 characters.
    data_dir = Path(tempfile.mkdtemp(prefix="sa-test-"))
    config._sa_data_dir = data_dir  # type: ignore[attr-defined]
    os.environ["ENVIRONMENT"] = "test"
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ["AGENT_MODE"] = "shadow"
    os.environ["AGENT_SEND_ENABLED"] = "false"
    # Nothing outside this machine: no real keys leak in from a developer's shell or .env.
    for key in ("ANTHROPIC_API_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "MINDSTUDIO_API_KEY"):
        os.environ.pop(key, None)
    if backend == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
        os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'test.db'}"
        os.environ.pop("REDIS_URL", None)


def pytest_report_header(config: pytest.Config) -> str:
    return f"backend: {config.getoption('--backend')} (DATABASE_URL={os.environ['DATABASE_URL'].split('@')[-1]})"


def pytest_unconfigure(config: pytest.Config) -> None:
    data_dir = getattr(config, "_sa_data_dir", None)
    if data_dir is not None:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    """The backend this run uses."""
    return str(pytestconfig.getoption("--backend"))


@pytest.fixture(scope="session")
def settings():  # type: ignore[no-untyped-def]
    """The settings every project module will read during the run."""
    from core.config import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def migrated_engine(settings, backend) -> Iterator[sa.Engine]:  # type: ignore[no-untyped-def]
    """The test database, emptied and migrated once per run with the project's one migration command."""
    from core.db import check_database, get_engine, upgrade_database

    engine = get_engine(settings)
    check_database(engine)  # postgres asked for and absent: fail loudly here, never skip
    if backend == "postgres":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    upgrade_database(settings)
    yield engine


def _empty_tables(engine: sa.Engine) -> None:
    from sqlmodel import SQLModel

    import core.models  # noqa: F401

    tables = [table.name for table in SQLModel.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                connection.execute(sa.text(f"DELETE FROM {name}"))
        connection.execute(
            sa.text(
                "INSERT INTO controls (id, created_at, mode, send_enabled, kill_switch, updated_at, updated_by) "
                "VALUES (1, CURRENT_TIMESTAMP, 'shadow', false, false, CURRENT_TIMESTAMP, 'test')"
            )
        )


@pytest.fixture
def engine(migrated_engine: sa.Engine) -> Iterator[sa.Engine]:
    """The migrated test database, emptied before each test (controls back to shadow/off/off)."""
    _empty_tables(migrated_engine)
    yield migrated_engine


@pytest.fixture
def session(engine: sa.Engine):  # type: ignore[no-untyped-def]
    """A session on the emptied test database; committed by the test when it wants to."""
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def redis_server(settings, backend) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A real Redis for the run: the embedded redis-server (sqlite backend) or the local one (postgres)."""
    from core.redis_conn import check_redis, connect, embedded_redis

    if backend == "postgres":
        check_redis(connect(settings.effective_redis_url))
        yield settings.effective_redis_url
        return
    server = embedded_redis(settings)
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def redis_conn(redis_server: str):  # type: ignore[no-untyped-def]
    """A connection to an empty Redis database, flushed before and after the test."""
    from core.redis_conn import connect

    connection = connect(redis_server)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()
