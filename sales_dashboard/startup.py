"""What the dashboard's backend does once when it starts."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from core.config import get_settings
from core.db import upgrade_database
from core.errors import SalesAgentError

log = logging.getLogger(__name__)


def migrate_database() -> None:
    """Bring the database to the current schema (idempotent), so the dashboard alone works on a fresh one.

    A database that cannot be reached is logged, not fatal: /api/health then says what is wrong.
    """
    try:
        upgrade_database(get_settings())
    except (SalesAgentError, SQLAlchemyError) as exc:
        log.error("database not migrated: %s", str(exc).splitlines()[0])
    # alembic.ini's logging (applied by the migration) would log two INFO lines at every health check,
    # which reads the schema revision.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
