"""Leads and the discovery runs that found them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, enum_check, enum_field, id_field, json_field, utc_field


class LeadStatus(StrEnum):
    """Where a lead stands in the pipeline."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_SEQUENCE = "in_sequence"
    REPLIED = "replied"
    DISQUALIFIED = "disqualified"


class DiscoveryStatus(StrEnum):
    """How a discovery run ended."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    EMPTY = "empty"
    FAILED = "failed"


class DiscoveryRun(SQLModel, table=True):
    """One pull of fresh domains from a lead source."""

    __tablename__ = "discovery_runs"
    __table_args__ = (enum_check("status", DiscoveryStatus, name="status"),)

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    source: str = Field(max_length=64)
    local_date: date = Field(index=True)
    status: DiscoveryStatus = enum_field(DiscoveryStatus, DiscoveryStatus.RUNNING)
    requested: int = Field(default=0, ge=0)
    found: int = Field(default=0, ge=0)
    added: int = Field(default=0, ge=0)
    duplicates: int = Field(default=0, ge=0)
    error: str | None = Field(default=None, max_length=2000)
    finished_at: datetime | None = utc_field()


class Lead(SQLModel, table=True):
    """A company to reach, deduplicated by domain."""

    __tablename__ = "leads"
    __table_args__ = (enum_check("status", LeadStatus, name="status"),)

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    domain: str = Field(max_length=253, unique=True)
    company: str = Field(max_length=200)
    contact_name: str | None = Field(default=None, max_length=120)
    contact_title: str | None = Field(default=None, max_length=120)
    contact_email: str | None = Field(default=None, max_length=254)
    status: LeadStatus = enum_field(LeadStatus, LeadStatus.NEW, index=True)
    icp_fit: float | None = Field(default=None, ge=0, le=1)
    icp_reasons: list[Any] = json_field(list)
    assigned_rep_id: int | None = Field(default=None, foreign_key="reps.id", index=True)
    source: str = Field(max_length=64)
    discovery_run_id: int | None = Field(default=None, foreign_key="discovery_runs.id")
