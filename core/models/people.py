"""The people: sales reps (who answer over SMS) and founders (who use the dashboard)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, id_field, utc_field


class Rep(SQLModel, table=True):
    """A sales rep: drafts are made for them, approvals asked of them, verdicts written about them."""

    __tablename__ = "reps"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, unique=True)
    # E.164 (+15551234567): the SMS allowlist matches on it exactly.
    phone: str = Field(max_length=16, unique=True)
    active: bool = Field(default=True)
    opted_out: bool = Field(default=False)
    # "local" (drafts written under data/) or the Gmail address drafts are pushed to.
    mailbox: str = Field(default="local", max_length=254)
    timezone: str | None = Field(default=None, max_length=64)


class Founder(SQLModel, table=True):
    """A founder: logs into the dashboard, reviews the agent's calls, approves PIP and termination."""

    __tablename__ = "founders"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, unique=True)
    phone: str | None = Field(default=None, max_length=16, unique=True)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)


class FounderSession(SQLModel, table=True):
    """A logged-in dashboard session; only the token's hash is stored."""

    __tablename__ = "founder_sessions"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    founder_id: int = Field(foreign_key="founders.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = utc_field(nullable=False)
    revoked_at: datetime | None = utc_field()


class LoginAttempt(SQLModel, table=True):
    """One login attempt, kept for throttling and for the audit of who tried."""

    __tablename__ = "login_attempts"

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    email: str = Field(max_length=254, index=True)
    succeeded: bool = Field(default=False)
    attempted_at: datetime = utc_field(nullable=False, index=True)
