"""Founders' logins: hashed passwords, throttling, expiring and revocable sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.errors import AuthenticationError
from core.founders import MAX_FAILED_LOGINS, founder_for_token, login, logout
from core.models import FounderSession
from tests.factories import create_founder

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _login(session, email: str, password: str = PASSWORD, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return login(session=session, email=email, password=password, now=now, session_hours=12)


def test_login_gives_a_token_that_only_its_hash_is_stored(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    result = _login(session, founder.email.upper())
    assert result.founder.id == founder.id
    stored = session.exec(select(FounderSession)).one()
    assert stored.token_hash != result.token and len(stored.token_hash) == 64
    assert founder_for_token(session=session, token=result.token, now=NOW + timedelta(hours=11)).id == founder.id


def test_wrong_password_and_unknown_email_fail_alike(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    with pytest.raises(AuthenticationError, match="wrong email or password"):
        _login(session, founder.email, "not the password")
    with pytest.raises(AuthenticationError, match="wrong email or password"):
        _login(session, "nobody@example.com")


def test_repeated_failures_lock_the_email_for_the_window(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            _login(session, founder.email, "guess")
    with pytest.raises(AuthenticationError, match="too many failed attempts"):
        _login(session, founder.email)  # even the right password is refused while locked
    assert _login(session, founder.email, now=NOW + timedelta(minutes=16)).founder.id == founder.id


def test_sessions_expire_and_logout_revokes(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    token = _login(session, founder.email).token
    assert founder_for_token(session=session, token=token, now=NOW + timedelta(hours=12)) is None
    other = _login(session, founder.email).token
    logout(session=session, token=other, now=NOW)
    assert founder_for_token(session=session, token=other, now=NOW) is None
    assert founder_for_token(session=session, token="", now=NOW) is None
    assert founder_for_token(session=session, token="forged", now=NOW) is None


def test_inactive_founder_cannot_log_in_or_use_a_session(session) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    token = _login(session, founder.email).token
    founder.active = False
    session.add(founder)
    assert founder_for_token(session=session, token=token, now=NOW) is None
    with pytest.raises(AuthenticationError):
        _login(session, founder.email)


def test_failed_attempts_survive_the_callers_rollback(engine) -> None:  # type: ignore[no-untyped-def]
    """A caller's unit of work ends in the exception; the throttle must still see the failures."""
    from core.db import session_scope
    from core.founders import recent_failures

    with session_scope(engine) as session:
        founder = create_founder(session, password=PASSWORD)
        email = founder.email
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError), session_scope(engine) as session:
            _login(session, email, "guess")
    with session_scope(engine) as session:
        assert recent_failures(session=session, email=email, now=NOW) == MAX_FAILED_LOGINS
        with pytest.raises(AuthenticationError, match="too many failed attempts"):
            _login(session, email)
