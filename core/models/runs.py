"""Runs of once-a-day jobs: a row per (job name, company-local date), claimed by an insert."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, json_field, utc_field


class JobRunStatus(StrEnum):
    """A daily run's life: claimed (`running`) and then `done` or `failed`."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobRun(SQLModel, table=True):
    """One run of a daily job; the unique (name, local_date) makes a second scheduler's run a no-op."""

    __tablename__ = "job_runs"
    __table_args__ = (
        sa.UniqueConstraint("name", "local_date", name="uq_job_runs_name_local_date"),
        enum_check("status", JobRunStatus, name="status"),
    )

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    name: str = Field(max_length=64)
    local_date: date
    status: JobRunStatus = enum_field(JobRunStatus, JobRunStatus.RUNNING)
    claimed_at: datetime = utc_field(nullable=False)
    finished_at: datetime | None = utc_field()
    summary: dict[str, Any] = json_field(dict)
