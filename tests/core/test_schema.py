"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

import core.models  # noqa: F401
from core.models import (
    ActivityEvent,
    ActivityKind,
    Approval,
    ApprovalKind,
    MessagePurpose,
    OutboundMessage,
    Touch,
    rep_weekly_metrics,
)
from tests.factories import create_founder, create_lead, create_rep


def test_migrations_match_models(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_every_design_table_exists(engine: sa.Engine) -> None:
    expected = {
        "reps", "founders", "leads", "discovery_runs", "sequences", "touches", "approvals", "outbound_messages",
        "inbound_messages", "activity_events", "deliverability_snapshots", "verdicts", "reviews", "agent_costs",
        "eval_runs", "audit_events", "controls",
    }
    assert expected <= set(sa.inspect(engine).get_table_names())


def test_controls_row_starts_in_shadow(session) -> None:  # type: ignore[no-untyped-def]
    row = session.exec(sa.text("SELECT mode, send_enabled, kill_switch FROM controls")).one()
    assert (row[0], bool(row[1]), bool(row[2])) == ("shadow", False, False)


@pytest.mark.parametrize("purpose", [MessagePurpose.PIP, MessagePurpose.TERMINATE])
def test_database_refuses_pip_or_terminate_without_founder(session, purpose) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    session.add(OutboundMessage(idempotency_key="k1", to_number=rep.phone, rep_id=rep.id, body="x", purpose=purpose))
    with pytest.raises(IntegrityError):
        session.flush()


def test_database_accepts_pip_with_founder(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    founder = create_founder(session)
    session.add(OutboundMessage(idempotency_key="k1", to_number=rep.phone, rep_id=rep.id, body="x",
                                purpose=MessagePurpose.PIP, approved_by=founder.id))
    session.flush()


def test_outbox_idempotency_key_is_unique(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    for _ in range(2):
        session.add(OutboundMessage(idempotency_key="same", to_number=rep.phone, body="x",
                                    purpose=MessagePurpose.NUDGE))
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_pending_draft_approval_per_rep(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    expires = datetime(2026, 11, 26, tzinfo=UTC)
    session.add(Approval(kind=ApprovalKind.DRAFT, subject_id=1, rep_id=rep.id, expires_at=expires))
    session.flush()
    session.add(Approval(kind=ApprovalKind.DRAFT, subject_id=2, rep_id=rep.id, expires_at=expires))
    with pytest.raises(IntegrityError):
        session.flush()


def test_touch_step_and_day_must_agree(session) -> None:  # type: ignore[no-untyped-def]
    session.execute(sa.text("PRAGMA foreign_keys=OFF")) if session.bind.dialect.name == "sqlite" else None
    session.add(Touch(sequence_id=1, step=2, day_offset=7, subject="s", body="b"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_unknown_enum_value_is_refused_by_the_database(session) -> None:  # type: ignore[no-untyped-def]
    lead = create_lead(session)
    with pytest.raises(IntegrityError):
        session.execute(sa.text("UPDATE leads SET status = 'bogus' WHERE id = :id"), {"id": lead.id})


def test_timestamps_read_back_as_aware_utc(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    at = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    session.add(ActivityEvent(rep_id=rep.id, kind=ActivityKind.CALL, occurred_at=at, week_start=date(2026, 3, 2),
                              source="t", external_id="1"))
    session.commit()
    session.expire_all()
    event = session.exec(select(ActivityEvent)).one()
    assert event.occurred_at == at and event.occurred_at.tzinfo is not None


def test_weekly_metrics_view_groups_by_stored_week(session, engine) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    week = date(2026, 11, 16)
    kinds = [ActivityKind.EMAIL_SENT] * 4 + [ActivityKind.REPLY, ActivityKind.MEETING_BOOKED, ActivityKind.CALL]
    for n, kind in enumerate(kinds):
        session.add(ActivityEvent(rep_id=rep.id, kind=kind, occurred_at=datetime(2026, 11, 17, tzinfo=UTC),
                                  week_start=week, source="t", external_id=str(n)))
    session.commit()
    from core.metrics import refresh_rep_weekly_metrics

    refresh_rep_weekly_metrics(engine)
    with engine.connect() as connection:
        row = connection.execute(sa.select(rep_weekly_metrics)).one()
    assert (row.rep_id, row.week_start, row.emails_sent, row.replies, row.meetings, row.calls) == (
        rep.id, week, 4, 1, 1, 1)
    assert row.reply_rate == pytest.approx(0.25)
