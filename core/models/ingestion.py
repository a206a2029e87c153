"""Who may send activity (ingestion sources, by key hash) and the company-local week calendar."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, id_field, utc_field


class IngestionSource(SQLModel, table=True):
    """A system allowed to post activity; only the SHA-256 of its bearer key is stored."""

    __tablename__ = "ingestion_sources"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    name: str = Field(max_length=64, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    active: bool = Field(default=True)


class CompanyWeek(SQLModel, table=True):
    """One company-local week as a UTC interval [starts_at, ends_at): lets SQL on both backends bucket a
    UTC timestamp (a touch's created_at) into the same local week that ingestion stores for activity."""

    __tablename__ = "company_weeks"
    __table_args__ = (sa.Index("ix_company_weeks_starts_at", "starts_at", "ends_at"),)

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    week_start: date = Field(unique=True)
    starts_at: datetime = utc_field(nullable=False)
    ends_at: datetime = utc_field(nullable=False)
    tz: str = Field(max_length=64)
