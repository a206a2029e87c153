"""The cost ledger and the budget guard, on the real test database with an injected `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from core.config import Settings
from core.costs import (
    DAILY_CAP,
    DRAFT_CAP,
    BudgetExhausted,
    check_budget,
    record_cost,
    remaining_daily_budget,
    spent_on_sequence,
    spent_today,
)
from core.errors import SalesAgentError
from core.models import AgentCost, AuditEvent, Sequence
from core.pricing import UnknownModelPrice, Usage
from tests.factories import create_lead, create_rep

NEW_YORK = ZoneInfo("America/New_York")
# 23:30 in New York on Monday 2026-03-09 (EDT, UTC-4) is already Tuesday 03:30 in UTC.
LATE_MONDAY = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)
TUESDAY_MORNING = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
SETTINGS = Settings(_env_file=None, llm_daily_cap_usd=10.0, llm_draft_cap_usd=0.30)  # type: ignore[call-arg]
# 1,000 x $3 + 500 x $15 + 2,000 x $3.75 + 10,000 x $0.30 per million = $0.021 on claude-sonnet-4-5.
USAGE = Usage(input_tokens=1_000, output_tokens=500, cache_write_tokens=2_000, cache_read_tokens=10_000)


def _sequence(session: Session) -> Sequence:
    rep = create_rep(session)
    lead = create_lead(session, assigned_rep_id=rep.id)
    sequence = Sequence(lead_id=lead.id, rep_id=rep.id)  # type: ignore[arg-type]
    session.add(sequence)
    session.flush()
    return sequence


def _spend(session: Session, usd: float, *, on: date, sequence_id: int | None = None) -> None:
    session.add(AgentCost(purpose="test", model="claude-haiku-4-5", usd=usd, local_date=on, sequence_id=sequence_id))
    session.flush()


def _check(session: Session, *, sequence_id: int | None, now: datetime = TUESDAY_MORNING, **kwargs: object) -> None:
    options: dict[str, object] = {"model": "claude-haiku-4-5", "input_tokens": 10_000, "max_output_tokens": 0}
    options.update(kwargs)
    check_budget(session=session, sequence_id=sequence_id, now=now, settings=SETTINGS, **options)  # type: ignore[arg-type]


def _audits(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_record_cost_prices_usage_into_the_ledger_and_the_sequence(session: Session) -> None:
    sequence = _sequence(session)
    row = record_cost(
        session=session, model="claude-sonnet-4-5", usage=USAGE, purpose="draft", rep_id=sequence.rep_id,
        sequence_id=sequence.id, batch=False, now=TUESDAY_MORNING, tz=NEW_YORK,
    )  # fmt: skip
    session.commit()
    stored = session.get(AgentCost, row.id)
    assert stored is not None
    assert (stored.usd, stored.purpose, stored.model, stored.batch) == (0.021, "draft", "claude-sonnet-4-5", False)
    assert (stored.input_tokens, stored.output_tokens, stored.cache_write_tokens, stored.cache_read_tokens) == (
        1_000, 500, 2_000, 10_000,
    )  # fmt: skip
    assert stored.local_date == date(2026, 3, 10)
    session.refresh(sequence)
    assert sequence.cost_usd == pytest.approx(0.021)


def test_batch_costs_half(session: Session) -> None:
    row = record_cost(
        session=session, model="claude-sonnet-4-5", usage=USAGE, purpose="draft", rep_id=None, sequence_id=None,
        batch=True, now=TUESDAY_MORNING, tz=NEW_YORK,
    )  # fmt: skip
    assert row.usd == 0.0105 and row.batch


def test_sequence_cost_accumulates_over_calls(session: Session) -> None:
    sequence = _sequence(session)
    for _ in range(3):
        record_cost(
            session=session, model="claude-sonnet-4-5", usage=USAGE, purpose="draft", rep_id=None,
            sequence_id=sequence.id, batch=False, now=TUESDAY_MORNING, tz=NEW_YORK,
        )  # fmt: skip
    session.commit()
    session.refresh(sequence)
    assert sequence.cost_usd == pytest.approx(0.063)
    assert spent_on_sequence(session=session, sequence_id=sequence.id) == pytest.approx(0.063)  # type: ignore[arg-type]


def test_late_evening_spend_counts_for_the_local_date(session: Session) -> None:
    row = record_cost(
        session=session, model="claude-sonnet-4-5", usage=USAGE, purpose="verdict", rep_id=None, sequence_id=None,
        batch=False, now=LATE_MONDAY, tz=NEW_YORK,
    )  # fmt: skip
    assert row.local_date == date(2026, 3, 9)
    assert spent_today(session=session, local_date=date(2026, 3, 9)) == pytest.approx(0.021)
    assert spent_today(session=session, local_date=date(2026, 3, 10)) == 0.0


def test_unknown_model_cost_is_refused_and_nothing_is_written(session: Session) -> None:
    with pytest.raises(UnknownModelPrice):
        record_cost(
            session=session, model="claude-unknown-1", usage=USAGE, purpose="draft", rep_id=None, sequence_id=None,
            batch=False, now=TUESDAY_MORNING, tz=NEW_YORK,
        )  # fmt: skip
    assert session.exec(select(AgentCost)).all() == []


def test_naive_now_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="naive"):
        record_cost(
            session=session, model="claude-sonnet-4-5", usage=USAGE, purpose="draft", rep_id=None, sequence_id=None,
            batch=False, now=datetime(2026, 3, 10, 12, 0), tz=NEW_YORK,
        )  # fmt: skip


def test_spend_is_summed_per_day_and_per_sequence(session: Session) -> None:
    one, two = _sequence(session), _sequence(session)
    _spend(session, 0.10, on=date(2026, 3, 10), sequence_id=one.id)
    _spend(session, 0.05, on=date(2026, 3, 10), sequence_id=two.id)
    _spend(session, 0.20, on=date(2026, 3, 9), sequence_id=one.id)
    assert spent_today(session=session, local_date=date(2026, 3, 10)) == pytest.approx(0.15)
    assert spent_on_sequence(session=session, sequence_id=one.id) == pytest.approx(0.30)  # type: ignore[arg-type]
    assert spent_on_sequence(session=session, sequence_id=two.id) == pytest.approx(0.05)  # type: ignore[arg-type]
    assert spent_today(session=session, local_date=date(2026, 3, 11)) == 0.0


def test_budget_allows_a_call_under_both_caps(session: Session) -> None:
    sequence = _sequence(session)
    _spend(session, 5.0, on=date(2026, 3, 10), sequence_id=sequence.id)
    _check(session, sequence_id=None)
    _check(session, sequence_id=_sequence(session).id)
    assert _audits(session, "budget.exhausted") == []


def test_budget_allows_a_call_that_lands_exactly_on_the_cap(session: Session) -> None:
    # Worst case: 10,000 prompt tokens x $1.25 (cache write) = $0.0125; $9.9875 + $0.0125 = $10.
    _spend(session, 9.9875, on=date(2026, 3, 10))
    _check(session, sequence_id=None)
    with pytest.raises(BudgetExhausted):
        _check(session, sequence_id=None, input_tokens=10_001)


def test_daily_cap_stops_the_call_and_audits_the_figures(session: Session) -> None:
    _spend(session, 9.99, on=date(2026, 3, 10))
    with pytest.raises(BudgetExhausted) as raised:
        _check(session, sequence_id=None)
    error = raised.value
    assert isinstance(error, SalesAgentError)
    assert error.reason == DAILY_CAP and error.reasons == [DAILY_CAP]
    assert "daily cap $10.00" in str(error)
    session.commit()  # the caller commits the stop; the audit event goes with it
    [event] = _audits(session, "budget.exhausted")
    assert event.actor == "system" and event.subject_type is None
    assert event.created_at == TUESDAY_MORNING
    assert event.details == {
        "model": "claude-haiku-4-5",
        "local_date": "2026-03-10",
        "worst_case_usd": 0.0125,
        "spent_today_usd": 9.99,
        "daily_cap_usd": 10.0,
        "reasons": [DAILY_CAP],
    }


def test_draft_cap_is_per_sequence(session: Session) -> None:
    spent, fresh = _sequence(session), _sequence(session)
    _spend(session, 0.29, on=date(2026, 3, 10), sequence_id=spent.id)
    with pytest.raises(BudgetExhausted) as raised:
        _check(session, sequence_id=spent.id)
    assert raised.value.reasons == [DRAFT_CAP]
    _check(session, sequence_id=fresh.id)
    _check(session, sequence_id=None)  # not a draft: only the daily cap applies
    [event] = _audits(session, "budget.exhausted")
    assert (event.subject_type, event.subject_id) == ("sequence", spent.id)
    assert event.details["spent_on_draft_usd"] == 0.29 and event.details["draft_cap_usd"] == 0.3


def test_draft_spend_from_earlier_days_still_counts(session: Session) -> None:
    sequence = _sequence(session)
    _spend(session, 0.295, on=date(2026, 3, 9), sequence_id=sequence.id)
    with pytest.raises(BudgetExhausted) as raised:
        _check(session, sequence_id=sequence.id)
    assert raised.value.reasons == [DRAFT_CAP]


def test_both_caps_are_reported_together(session: Session) -> None:
    sequence = _sequence(session)
    _spend(session, 9.80, on=date(2026, 3, 10))
    _spend(session, 0.25, on=date(2026, 3, 10), sequence_id=sequence.id)
    with pytest.raises(BudgetExhausted) as raised:
        _check(session, sequence_id=sequence.id, max_output_tokens=20_000)  # + 20,000 x $5 = $0.1125
    assert raised.value.reasons == [DAILY_CAP, DRAFT_CAP]


def test_daily_cap_follows_the_company_date_across_midnight_utc(session: Session) -> None:
    # 666,000 output tokens x $15 = $9.99, spent late on Monday 2026-03-09 in New York.
    record_cost(
        session=session, model="claude-sonnet-4-5", usage=Usage(output_tokens=666_000), purpose="draft",
        rep_id=None, sequence_id=None, batch=False, now=LATE_MONDAY, tz=NEW_YORK,
    )  # fmt: skip
    ten_to_midnight = datetime(2026, 3, 10, 3, 50, tzinfo=UTC)
    with pytest.raises(BudgetExhausted):
        _check(session, sequence_id=None, now=ten_to_midnight)
    _check(session, sequence_id=None, now=datetime(2026, 3, 10, 4, 0, tzinfo=UTC))  # Tuesday 00:00 in New York


def test_unknown_model_is_refused_before_the_call(session: Session) -> None:
    with pytest.raises(UnknownModelPrice):
        _check(session, sequence_id=None, model="claude-unknown-1")
    [event] = _audits(session, "budget.unknown_model")
    assert event.details == {"model": "claude-unknown-1"}


def test_remaining_daily_budget(session: Session) -> None:
    assert remaining_daily_budget(session=session, now=TUESDAY_MORNING, settings=SETTINGS) == 10.0
    _spend(session, 2.5, on=date(2026, 3, 10))
    _spend(session, 4.0, on=date(2026, 3, 9))
    assert remaining_daily_budget(session=session, now=TUESDAY_MORNING, settings=SETTINGS) == 7.5
    assert remaining_daily_budget(session=session, now=LATE_MONDAY, settings=SETTINGS) == 6.0
    _spend(session, 9.0, on=date(2026, 3, 10))
    assert remaining_daily_budget(session=session, now=TUESDAY_MORNING, settings=SETTINGS) == 0.0
