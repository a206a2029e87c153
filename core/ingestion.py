"""Activity ingestion: sources with bearer keys, and idempotent storage of validated event batches.

`ingest_events` is the one core both the HTTP endpoint and the CSV import call. Every item is validated
on its own (bad ones are reported by index with reasons, never stored); the valid ones are inserted with
`ON CONFLICT (source, external_id) DO NOTHING` in the caller's transaction, so a re-sent event changes
nothing (it is counted as a duplicate) and a batch's valid items are committed together or not at all.
The company-local `week_start` is computed here, once, at ingestion.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.models import ActivityEvent, ActivityKind, IngestionSource, Lead, LeadStatus, Rep
from core.weeks import local_week_start

log = logging.getLogger(__name__)

MAX_BATCH = 5000
KEY_PREFIX = "sk_act_"
# Rows per INSERT statement (well under SQLite's and PostgreSQL's bound-parameter limits).
_INSERT_CHUNK = 500


class ActivityItem(BaseModel):
    """One event as a source sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str = Field(min_length=1, max_length=200)
    rep_email: str | None = Field(default=None, max_length=254)
    rep_id: int | None = Field(default=None, ge=1)
    kind: ActivityKind
    occurred_at: AwareDatetime
    # For a reply: the lead's domain (or an email address at it). A reply stops that lead's sequence.
    lead_domain: str | None = Field(default=None, max_length=254)

    @model_validator(mode="after")
    def _names_a_rep(self) -> ActivityItem:
        if self.rep_email is None and self.rep_id is None:
            raise ValueError("give rep_email or rep_id")
        if self.lead_domain is not None:
            self.lead_domain = lead_domain_of(self.lead_domain)
        return self


def lead_domain_of(raw: str) -> str:
    """A lead's domain from a domain, URL or email address ("Jane@Acme.com" -> "acme.com")."""
    text = raw.strip().lower().rsplit("@", 1)[-1]
    text = text.split("://", 1)[-1].split("/", 1)[0]
    return text.removeprefix("www.")


@dataclass(frozen=True)
class Rejection:
    """A bad item: its position in the batch (0-based) or file row, and why."""

    index: int
    reasons: list[str]


@dataclass
class IngestReport:
    """What one batch did."""

    accepted: int = 0
    leads_replied: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The response body of `POST /api/activity`."""
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "leads_replied": self.leads_replied,
            "rejected": [{"index": r.index, "reasons": r.reasons} for r in self.rejected],
        }


# --- sources and keys -------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    """The stored form of a bearer key (SHA-256 hex: keys are random, so no salt or slow hash is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_source(*, session: Session, name: str) -> tuple[IngestionSource, str]:
    """Register a source; returns it and its new key, which is shown once and stored only as a hash."""
    name = name.strip()
    if not name or len(name) > 64:
        raise ValueError("a source name is 1 to 64 characters")
    if session.exec(select(IngestionSource).where(IngestionSource.name == name)).first() is not None:
        raise ValueError(f"source {name!r} already exists")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    source = IngestionSource(name=name, key_hash=hash_key(key))
    session.add(source)
    session.flush()
    return source, key


def authenticate_source(*, session: Session, key: str) -> IngestionSource | None:
    """The active source whose key this is, or None."""
    if not key:
        return None
    source = session.exec(select(IngestionSource).where(IngestionSource.key_hash == hash_key(key))).first()
    return source if source is not None and source.active else None


def get_source(*, session: Session, name: str) -> IngestionSource | None:
    """The active source called `name`, or None."""
    source = session.exec(select(IngestionSource).where(IngestionSource.name == name)).first()
    return source if source is not None and source.active else None


# --- ingestion --------------------------------------------------------------------------------------


def ingest_events(
    *,
    session: Session,
    source: str,
    items: Sequence[Any],
    tz: ZoneInfo,
    now: datetime | None = None,
    index_offset: int = 0,
) -> IngestReport:
    """Validate each item, then store the valid ones idempotently on (source, external_id).

    Rejected items carry `index + index_offset`. The caller owns the transaction: commit to keep the batch.
    """
    report = IngestReport()
    parsed: list[tuple[int, ActivityItem]] = []
    for index, raw in enumerate(items):
        if not isinstance(raw, Mapping):
            report.rejected.append(Rejection(index + index_offset, ["an event must be a JSON object"]))
            continue
        try:
            parsed.append((index, ActivityItem.model_validate(dict(raw))))
        except ValidationError as exc:
            report.rejected.append(Rejection(index + index_offset, _reasons(exc)))

    reps_by_email, active_ids = _resolve_reps(session, [item for _, item in parsed])
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    created_at = now or utcnow()
    for index, item in parsed:
        rep_id, problem = _rep_for(item, reps_by_email, active_ids)
        if problem:
            report.rejected.append(Rejection(index + index_offset, [problem]))
            continue
        if item.external_id in seen:  # the same event twice in one batch: the second is a duplicate
            report.duplicates += 1
            continue
        seen.add(item.external_id)
        rows.append(
            {
                "created_at": created_at,
                "rep_id": rep_id,
                "kind": item.kind.value,
                "occurred_at": item.occurred_at,
                "week_start": local_week_start(item.occurred_at, tz),
                "source": source,
                "external_id": item.external_id,
            }
        )
    inserted = _insert_new(session, rows)
    report.accepted += inserted
    report.duplicates += len(rows) - inserted
    replied = {item.lead_domain for _, item in parsed if item.kind is ActivityKind.REPLY and item.lead_domain}
    report.leads_replied = mark_leads_replied(session=session, domains=replied)
    report.rejected.sort(key=lambda r: r.index)
    return report


def mark_leads_replied(*, session: Session, domains: Collection[str]) -> int:
    """Mark the leads at these domains as replied (a conditional update; the sweeps then stop their
    sequences); returns how many changed."""
    if not domains:
        return 0
    open_states = [LeadStatus.NEW.value, LeadStatus.ASSIGNED.value, LeadStatus.IN_SEQUENCE.value]
    result = session.execute(
        sa.update(Lead)
        .where(col(Lead.domain).in_(sorted(domains)), col(Lead.status).in_(open_states))
        .values(status=LeadStatus.REPLIED.value)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _reasons(exc: ValidationError) -> list[str]:
    reasons = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        reasons.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return reasons


def _resolve_reps(session: Session, items: list[ActivityItem]) -> tuple[dict[str, int], set[int]]:
    emails = {item.rep_email.lower() for item in items if item.rep_email}
    ids = {item.rep_id for item in items if item.rep_id is not None}
    by_email: dict[str, int] = {}
    known: set[int] = set()
    if emails:
        for rep_id, email in session.exec(
            select(col(Rep.id), col(Rep.email)).where(sa.func.lower(Rep.email).in_(emails))
        ):
            if rep_id is not None:
                by_email[email.lower()] = rep_id
                known.add(rep_id)
    if ids:
        known.update(r for r in session.exec(select(Rep.id).where(col(Rep.id).in_(ids))) if r is not None)
    return by_email, known


def _rep_for(item: ActivityItem, by_email: dict[str, int], known: set[int]) -> tuple[int, str | None]:
    from_email = by_email.get(item.rep_email.lower()) if item.rep_email else None
    if item.rep_email and from_email is None:
        return 0, f"rep_email: no rep with email {item.rep_email!r}"
    if item.rep_id is not None and item.rep_id not in known:
        return 0, f"rep_id: no rep with id {item.rep_id}"
    if from_email is not None and item.rep_id is not None and from_email != item.rep_id:
        return 0, "rep_email and rep_id name different reps"
    rep_id = from_email if from_email is not None else item.rep_id
    assert rep_id is not None
    return rep_id, None


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns how many rows were new (races with a concurrent
    ingestion of the same events resolve in the database, not here)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ActivityEvent.__table__  # type: ignore[attr-defined]
    inserted = 0
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        statement = (
            insert_fn(table)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=["source", "external_id"])
            .returning(table.c.id)
        )
        inserted += len(session.execute(statement).all())
    return inserted
