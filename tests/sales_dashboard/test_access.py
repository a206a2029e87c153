"""The dashboard's session checks: one unit of work each, failures counted, expiry and logout honoured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import AuthenticationError
from core.founders import MAX_FAILED_LOGINS
from sales_dashboard.access import sign_in, sign_out, signed_in
from tests.factories import create_founder

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def test_sign_in_then_the_token_names_the_founder(session, settings) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    session.commit()
    new = sign_in(email=founder.email, password=PASSWORD, now=NOW, settings=settings)
    assert new.expires_at == NOW + timedelta(hours=settings.session_hours)
    who = signed_in(token=new.token, now=NOW + timedelta(minutes=5))
    assert who is not None and who.founder_id == founder.id and who.actor == f"founder:{founder.id}"


def test_failed_logins_are_kept_so_the_throttle_counts_them(session, settings) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    session.commit()
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError, match="wrong email or password"):
            sign_in(email=founder.email, password="a wrong guess", now=NOW, settings=settings)
    with pytest.raises(AuthenticationError, match="too many failed attempts"):
        sign_in(email=founder.email, password=PASSWORD, now=NOW, settings=settings)


def test_expired_revoked_and_empty_tokens_name_nobody(session, settings) -> None:  # type: ignore[no-untyped-def]
    founder = create_founder(session, password=PASSWORD)
    session.commit()
    new = sign_in(email=founder.email, password=PASSWORD, now=NOW, settings=settings)
    assert signed_in(token=new.token, now=new.expires_at) is None
    assert signed_in(token="", now=NOW) is None
    assert signed_in(token="not-a-token", now=NOW) is None
    sign_out(token=new.token, now=NOW)
    assert signed_in(token=new.token, now=NOW + timedelta(seconds=1)) is None
    sign_out(token="", now=NOW)  # a no-op
