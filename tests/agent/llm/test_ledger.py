"""Cost ledgers: the in-memory caps, and the database ledger writing agent_costs through core.costs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agent.llm.ledger import DbCostLedger, InMemoryCostLedger
from core.clock import FixedClock
from core.config import Settings
from core.costs import BudgetExhausted
from core.models import AgentCost, AuditEvent, Sequence
from core.pricing import UnknownModelPrice, Usage
from tests.agent.llm.scripted import MODEL, Script, claude, lead, message, passing_draft, tool_use, usage
from tests.factories import create_lead, create_rep

SETTINGS = Settings(_env_file=None, llm_daily_cap_usd=10.0, llm_draft_cap_usd=0.30)  # type: ignore[call-arg]
# 21:00 in New York on 2026-03-09 is already 2026-03-10 in UTC: spend counts on the local date.
EVENING = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def test_in_memory_ledger_prices_and_caps() -> None:
    ledger = InMemoryCostLedger(draft_cap_usd=Decimal("0.05"))
    ledger.check(MODEL, 10_000, 1_000)  # worst case $0.025 + $0.01
    ledger.record(MODEL, Usage(input_tokens=10_000, output_tokens=1_000), "draft")
    assert ledger.spent_usd == Decimal("0.03") and ledger.usage.input_tokens == 10_000
    with pytest.raises(BudgetExhausted) as raised:
        ledger.check(MODEL, 10_000, 1_000)
    assert raised.value.reasons == ["draft_cap"]
    with pytest.raises(UnknownModelPrice):
        ledger.check("gpt-unknown", 1, 1)


def test_in_memory_ledger_takes_the_caps_from_settings() -> None:
    ledger = InMemoryCostLedger.from_settings(SETTINGS)
    assert (ledger.daily_cap_usd, ledger.draft_cap_usd) == (Decimal("10.0"), Decimal("0.3"))


def _sequence(session: Session) -> Sequence:
    rep = create_rep(session)
    sequence = Sequence(lead_id=create_lead(session, assigned_rep_id=rep.id).id, rep_id=rep.id)  # type: ignore[arg-type]
    session.add(sequence)
    session.flush()
    return sequence


def _ledger(session: Session, sequence: Sequence) -> DbCostLedger:
    clock = FixedClock(EVENING)
    return DbCostLedger(
        session=session, rep_id=sequence.rep_id, sequence_id=sequence.id, now=clock.now, settings=SETTINGS
    )


def test_db_ledger_records_every_call_of_a_draft_into_agent_costs(session: Session) -> None:
    sequence = _sequence(session)
    first, cached = usage(1000, 500, write=4000), usage(1200, 1500, read=4000)
    script = Script(
        message(tool_use("research_lead", {"domain": "ledgerline.example"}), usage=first),
        message(tool_use("draft_outreach", passing_draft()), usage=cached),
    )
    outcome = claude(script, ledger=_ledger(session, sequence)).draft(lead())
    session.commit()

    rows = list(session.exec(select(AgentCost).order_by(AgentCost.id)))  # type: ignore[arg-type]
    assert outcome.ok and [row.purpose for row in rows] == ["draft", "draft"]
    assert all((row.rep_id, row.sequence_id, row.model) == (sequence.rep_id, sequence.id, MODEL) for row in rows)
    assert (rows[0].cache_write_tokens, rows[1].cache_read_tokens) == (4000, 4000)
    # $2 in, $10 out, $2.50 cache write, $0.10 cache read per million tokens.
    assert [row.usd for row in rows] == pytest.approx([0.017, 0.0178])
    assert rows[0].local_date == date(2026, 3, 9)
    session.refresh(sequence)
    assert sequence.cost_usd == pytest.approx(0.0348) == float(outcome.cost_usd)


def test_db_ledger_refuses_over_the_draft_cap_with_an_audit_event_and_no_request(session: Session) -> None:
    sequence = _sequence(session)
    session.add(AgentCost(purpose="draft", model=MODEL, usd=0.29, local_date=date(2026, 3, 9), sequence_id=sequence.id))
    session.flush()
    script = Script(message(tool_use("research_lead", {"domain": "ledgerline.example"})))

    with pytest.raises(BudgetExhausted) as raised:
        claude(script, ledger=_ledger(session, sequence)).draft(lead())
    assert raised.value.reason == "draft_cap" and script.requests == []
    [audit] = session.exec(select(AuditEvent).where(AuditEvent.action == "budget.exhausted"))
    assert audit.subject_id == sequence.id
