"""The weekly metrics view (`rep_weekly_metrics`): refreshed on PostgreSQL, always current on SQLite."""

from __future__ import annotations

import logging

import sqlalchemy as sa

log = logging.getLogger(__name__)


def refresh_rep_weekly_metrics(engine: sa.Engine) -> None:
    """Bring the view up to date: a concurrent refresh of the materialized view on PostgreSQL (readers are
    never blocked); nothing to do on SQLite, where it is a plain view."""
    if engine.dialect.name != "postgresql":
        return
    # CONCURRENTLY cannot run inside a transaction block.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("REFRESH MATERIALIZED VIEW CONCURRENTLY rep_weekly_metrics"))
