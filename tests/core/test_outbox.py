"""Queueing to the outbox is idempotent and the database's PIP rule holds through it."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.models import MessagePurpose, OutboundMessage
from core.outbox import queue_sms
from tests.factories import create_founder, create_rep


def test_same_key_queues_once(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    first, new = queue_sms(
        session=session,
        idempotency_key="nudge:1:2026-11-24",
        to_number=rep.phone,
        body="hi",
        purpose=MessagePurpose.NUDGE,
        rep_id=rep.id,
    )
    again, new_again = queue_sms(
        session=session,
        idempotency_key="nudge:1:2026-11-24",
        to_number=rep.phone,
        body="different",
        purpose=MessagePurpose.NUDGE,
        rep_id=rep.id,
    )
    session.commit()
    assert new and not new_again and again.id == first.id and again.body == "hi"
    assert len(session.exec(select(OutboundMessage)).all()) == 1


def test_pip_without_founder_is_refused_by_the_database(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    with pytest.raises(IntegrityError):
        queue_sms(session=session, idempotency_key="pip:1", to_number=rep.phone, body="x", purpose=MessagePurpose.PIP)
    session.rollback()
    founder = create_founder(session)
    message, new = queue_sms(
        session=session,
        idempotency_key="pip:1",
        to_number=rep.phone,
        body="x",
        purpose=MessagePurpose.PIP,
        approved_by=founder.id,
    )
    assert new and message.approved_by == founder.id


def test_body_over_sms_limit_is_refused(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="1600"):
        queue_sms(
            session=session,
            idempotency_key="k",
            to_number="+12125550100",
            body="x" * 1601,
            purpose=MessagePurpose.NUDGE,
        )
