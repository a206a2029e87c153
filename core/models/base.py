"""Shared column types and helpers for the models: UTC timestamps, JSON, enum CHECKs."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field

from core.clock import utcnow


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite and PostgreSQL alike.

    SQLite has no time zones; without this, the same row would read back naive there and aware on
    PostgreSQL, and comparisons against an injected clock would break on one backend only.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON on both backends (JSONB would be nicer on PostgreSQL, but the schema must be the same shape).
JSONType = sa.JSON()


def id_field() -> Any:
    """An integer primary key."""
    return Field(default=None, primary_key=True)


def created_at_field() -> Any:
    """`created_at`, set when the row is made."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def utc_field(*, nullable: bool = True, index: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def json_field(default_factory: Any = dict) -> Any:
    """A JSON column (lists or objects)."""
    return Field(default_factory=default_factory, sa_type=sa.JSON, nullable=False)


def enum_field(enum: type[StrEnum], default: StrEnum | None = None, *, index: bool = False) -> Any:
    """A string column holding an enum's value; pair it with `enum_check` for the database's guard."""
    length = max(len(member.value) for member in enum)
    if default is None:
        return Field(sa_type=sa.String(length), nullable=False, index=index)
    return Field(default=default, sa_type=sa.String(length), nullable=False, index=index)


def enum_check(column: str, enum: type[StrEnum], *, name: str) -> sa.CheckConstraint:
    """A CHECK that the column holds one of the enum's values."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)
