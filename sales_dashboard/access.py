"""Founders' sessions as the dashboard sees them: log in, check a token, log out (each one unit of work).

Every page load and every event handler that reads or changes private data calls `signed_in` with the
browser's token: the check happens on the server, every time; a redirect alone protects nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import founders
from core.config import Settings
from core.db import session_scope
from core.models import Founder


@dataclass(frozen=True)
class SignedIn:
    """The founder behind a valid session token."""

    founder_id: int
    name: str
    email: str

    @property
    def actor(self) -> str:
        """How audit events name this founder."""
        return f"founder:{self.founder_id}"


@dataclass(frozen=True)
class NewSession:
    """A successful login: who, and the token for the browser to keep."""

    founder: SignedIn
    token: str
    expires_at: datetime


def _signed_in(founder: Founder) -> SignedIn:
    assert founder.id is not None  # a stored founder always has an id
    return SignedIn(founder_id=founder.id, name=founder.name, email=founder.email)


def sign_in(*, email: str, password: str, now: datetime, settings: Settings) -> NewSession:
    """Check the password and open a session; raises core.errors.AuthenticationError with a line to show."""
    with session_scope() as session:
        result = founders.login(
            session=session, email=email, password=password, now=now, session_hours=settings.session_hours
        )
        return NewSession(founder=_signed_in(result.founder), token=result.token, expires_at=result.expires_at)


def signed_in(*, token: str, now: datetime) -> SignedIn | None:
    """The founder a token belongs to, or None if it is empty, unknown, expired or revoked."""
    if not token:
        return None
    with session_scope() as session:
        founder = founders.founder_for_token(session=session, token=token, now=now)
        return _signed_in(founder) if founder is not None else None


def sign_out(*, token: str, now: datetime) -> None:
    """Revoke the session (a no-op for an empty or unknown token)."""
    if not token:
        return
    with session_scope() as session:
        founders.logout(session=session, token=token, now=now)
