"""Founders' accounts and dashboard sessions: hashed passwords, expiring tokens, throttled logins.

There is no registration path: founders are added from the CLI (`salesagent founders add`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, col, func, select

from core.audit import record_audit
from core.errors import AuthenticationError
from core.models import Founder, FounderSession, LoginAttempt
from core.phones import normalize_phone

_hasher = PasswordHash.recommended()  # Argon2id

MIN_PASSWORD_LENGTH = 10
# Five wrong passwords for one email within 15 minutes lock that email out until the window passes.
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
# A fixed hash to verify against for unknown emails, so a miss takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the founder and the session token to keep in the browser."""

    founder: Founder
    token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher.hash(password)


def create_founder(
    *, session: Session, name: str, email: str, password: str, phone: str | None = None, actor: str = "cli"
) -> Founder:
    """Add a founder; refuses short passwords, duplicate emails and malformed phone numbers."""
    email = email.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if "@" not in email:
        raise ValueError(f"{email!r} is not an email address")
    if session.exec(select(Founder).where(Founder.email == email)).first():
        raise ValueError(f"a founder with email {email} already exists")
    founder = Founder(
        name=name.strip(),
        email=email,
        phone=normalize_phone(phone) if phone else None,
        password_hash=hash_password(password),
    )
    session.add(founder)
    session.flush()
    record_audit(
        session=session,
        actor=actor,
        action="founder.created",
        subject_type="founder",
        subject_id=founder.id,
        details={"email": email},
    )
    return founder


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def recent_failures(*, session: Session, email: str, now: datetime) -> int:
    """Failed logins for `email` within the throttle window."""
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.email == email,
            col(LoginAttempt.succeeded).is_(False),
            LoginAttempt.attempted_at > now - FAILED_LOGIN_WINDOW,
        )
    )
    return int(session.exec(query).one())


def login(*, session: Session, email: str, password: str, now: datetime, session_hours: int) -> LoginResult:
    """Check a founder's password and open a session; raises AuthenticationError with a safe message.

    A failed attempt is committed before raising (the throttle must see it); a success is left to the caller.
    """
    email = email.strip().lower()
    if recent_failures(session=session, email=email, now=now) >= MAX_FAILED_LOGINS:
        raise AuthenticationError("too many failed attempts; wait 15 minutes and try again")
    founder = session.exec(select(Founder).where(Founder.email == email)).first()
    valid = _hasher.verify(password, founder.password_hash if founder else _DUMMY_HASH)
    ok = bool(founder and founder.active and valid)
    session.add(LoginAttempt(email=email, succeeded=ok, attempted_at=now))
    if not ok or founder is None or founder.id is None:
        # A failed attempt must outlive the failure: the throttle counts it. The caller's unit of work
        # ends in an exception, which would roll it back, so it is committed here.
        session.commit()
        raise AuthenticationError("wrong email or password")
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=session_hours)
    session.add(FounderSession(founder_id=founder.id, token_hash=_token_hash(token), expires_at=expires_at))
    record_audit(
        session=session,
        actor=f"founder:{founder.id}",
        action="founder.login",
        subject_type="founder",
        subject_id=founder.id,
        at=now,
    )
    return LoginResult(founder=founder, token=token, expires_at=expires_at)


def founder_for_token(*, session: Session, token: str, now: datetime) -> Founder | None:
    """The founder a session token belongs to, or None if it is unknown, expired or revoked."""
    if not token:
        return None
    row = session.exec(select(FounderSession).where(FounderSession.token_hash == _token_hash(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    founder = session.get(Founder, row.founder_id)
    return founder if founder and founder.active else None


def logout(*, session: Session, token: str, now: datetime) -> None:
    """Revoke a session token (a no-op for an unknown one)."""
    row = session.exec(select(FounderSession).where(FounderSession.token_hash == _token_hash(token))).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
