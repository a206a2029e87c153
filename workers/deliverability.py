"""The daily deliverability job: fetch the last days' Postmaster figures per sending domain, store them
idempotently (one snapshot per domain and day; a re-fetch updates the figures Google revised)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.clock import Clock, SystemClock
from core.config import Settings, get_settings
from core.db import get_engine
from core.models import DeliverabilitySnapshot, Rep
from core.weeks import local_date
from integrations.postmaster import DailyStats, DeliverabilitySource, build_deliverability_source, classify_spam_rate

log = logging.getLogger(__name__)

# Postmaster data lags a day or two and is sometimes revised: each run re-reads a short window.
LOOKBACK_DAYS = 7


def sending_domains(*, session: Session) -> list[str]:
    """The domains reps send from (their email addresses' domains), sorted."""
    emails = session.exec(select(Rep.email).where(col(Rep.active).is_(True))).all()
    return sorted({email.rsplit("@", 1)[-1].lower() for email in emails if "@" in email})


def store_snapshots(*, session: Session, stats: list[DailyStats], source: str, fetched_at: datetime) -> int:
    """Upsert one snapshot per (domain, day); returns the rows written."""
    if not stats:
        return 0
    rows: list[dict[str, Any]] = [
        {
            "created_at": fetched_at,
            "domain": s.domain,
            "day": s.day,
            "spam_rate": s.spam_rate,
            "spf_pass_rate": s.spf_pass_rate,
            "dkim_pass_rate": s.dkim_pass_rate,
            "dmarc_pass_rate": s.dmarc_pass_rate,
            "delivery_errors": s.delivery_errors,
            "compliant": s.compliant,
            "source": source,
            "fetched_at": fetched_at,
        }
        for s in stats
    ]
    insert_fn = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert_fn(DeliverabilitySnapshot.__table__).values(rows)  # type: ignore[attr-defined]
    updated = {
        name: statement.excluded[name]
        for name in (
            "spam_rate",
            "spf_pass_rate",
            "dkim_pass_rate",
            "dmarc_pass_rate",
            "delivery_errors",
            "compliant",
            "source",
            "fetched_at",
        )
    }
    session.execute(statement.on_conflict_do_update(index_elements=["domain", "day"], set_=updated))
    return len(rows)


def collect_deliverability(
    *, session: Session, source: DeliverabilitySource, today: date, now: datetime, lookback_days: int = LOOKBACK_DAYS
) -> dict[str, int]:
    """Fetch and store [today - lookback, yesterday] for every sending domain; returns rows per domain."""
    start, end = today - timedelta(days=lookback_days), today - timedelta(days=1)
    written: dict[str, int] = {}
    for domain in sending_domains(session=session):
        stats = source.daily_stats(domain, start, end)
        written[domain] = store_snapshots(session=session, stats=stats, source=source.name, fetched_at=now)
        if stats:
            level = classify_spam_rate(stats[-1].spam_rate)
            log.log(
                logging.WARNING if level in ("warn", "critical") else logging.INFO,
                "deliverability %s %s: spam rate %s (%s)",
                domain,
                stats[-1].day,
                stats[-1].spam_rate,
                level.value,
            )
    return written


def deliverability_job(
    *, clock: Clock | None = None, settings: Settings | None = None, source: DeliverabilitySource | None = None
) -> dict[str, int]:
    """RQ job (daily): collect deliverability for every sending domain; safe to run twice."""
    settings = settings or get_settings()
    now = (clock or SystemClock()).now()
    source = source or build_deliverability_source(settings)
    with Session(get_engine(settings), expire_on_commit=False) as session:
        written = collect_deliverability(session=session, source=source, today=local_date(now, settings.tz), now=now)
        session.commit()
    return written
