"""Running the system: switches, costs, eval runs, the audit log, worker heartbeats and alerts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.config import AgentMode
from core.models.base import created_at_field, enum_check, enum_field, id_field, json_field, utc_field


class Controls(SQLModel, table=True):
    """The switches (a single row, id 1): read at every send; every change is an audit event."""

    __tablename__ = "controls"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        enum_check("mode", AgentMode, name="mode"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    mode: AgentMode = enum_field(AgentMode, AgentMode.SHADOW)
    send_enabled: bool = Field(default=False)
    kill_switch: bool = Field(default=False)
    updated_at: datetime = created_at_field()
    updated_by: str = Field(default="system", max_length=64)


class AgentCost(SQLModel, table=True):
    """One LLM call, priced from its reported usage."""

    __tablename__ = "agent_costs"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    rep_id: int | None = Field(default=None, foreign_key="reps.id", index=True)
    sequence_id: int | None = Field(default=None, foreign_key="sequences.id", index=True)
    purpose: str = Field(max_length=64)
    model: str = Field(max_length=64)
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cache_write_tokens: int = Field(default=0, ge=0)
    cache_read_tokens: int = Field(default=0, ge=0)
    batch: bool = Field(default=False)
    usd: float = Field(default=0.0, ge=0)
    # The company-local day the spend counts against (the daily cap).
    local_date: date = Field(index=True)


class EvalRun(SQLModel, table=True):
    """One run of the eval gate for a provider, model and prompt version."""

    __tablename__ = "eval_runs"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    provider: str = Field(max_length=64)
    model: str = Field(max_length=64)
    prompt_version: str = Field(max_length=64)
    threshold: float = Field(default=0.9, ge=0, le=1)
    pass_rate: float = Field(ge=0, le=1)
    suite_results: dict[str, Any] = json_field(dict)
    passed: bool
    finished_at: datetime | None = utc_field()


class AuditEvent(SQLModel, table=True):
    """Something a person or the system did that someone may later need to account for."""

    __tablename__ = "audit_events"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    # "founder:<id>", "rep:<id>", "system", "cli".
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64, index=True)
    subject_type: str | None = Field(default=None, max_length=64)
    subject_id: int | None = None
    details: dict[str, Any] = json_field(dict)


class Heartbeat(SQLModel, table=True):
    """A worker proved it is alive by running the scheduled heartbeat job."""

    __tablename__ = "heartbeats"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    worker: str = Field(max_length=200)
    job_id: str | None = Field(default=None, max_length=64)
    beat_at: datetime = utc_field(nullable=False, index=True)


class AlertSeverity(StrEnum):
    """How loud an alert is."""

    WARNING = "warning"
    CRITICAL = "critical"


class Alert(SQLModel, table=True):
    """Something a founder should look at (empty discovery runs, unknown sends, ...), open until acknowledged."""

    __tablename__ = "alerts"
    __table_args__ = (enum_check("severity", AlertSeverity, name="severity"),)

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    kind: str = Field(max_length=64, index=True)
    severity: AlertSeverity = enum_field(AlertSeverity, AlertSeverity.WARNING)
    message: str = Field(max_length=2000)
    details: dict[str, Any] = json_field(dict)
    acknowledged_at: datetime | None = utc_field()
    acknowledged_by: int | None = Field(default=None, foreign_key="founders.id")
