"""The cost ledger and the budget guard: every LLM call is priced into `agent_costs`, and checked first.

The guard compares the worst case of the next call with what is left under the day's cap (company-local
date) and the draft's cap (per sequence). Over either, it writes a `budget.exhausted` audit event to the
caller's session and raises `BudgetExhausted`; the caller records the stop (for a sequence, the
`budget_exhausted` state) and commits both together.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from core.audit import record_audit
from core.config import Settings
from core.errors import SalesAgentError
from core.models import AgentCost, Sequence
from core.pricing import UnknownModelPrice, Usage, price_usage, worst_case_cost

log = logging.getLogger(__name__)

DAILY_CAP = "daily_cap"
DRAFT_CAP = "draft_cap"


class BudgetExhausted(SalesAgentError):
    """The next LLM call could take the day's or the draft's spend over its cap; the step stops cleanly."""

    def __init__(self, message: str, *, reasons: list[str], figures: dict[str, Any]) -> None:
        super().__init__(message)
        self.reasons = reasons
        self.figures = figures

    @property
    def reason(self) -> str:
        """The first cap that would be exceeded: `daily_cap` or `draft_cap`."""
        return self.reasons[0]


def local_date_of(now: datetime, tz: ZoneInfo) -> date:
    """The company-local date a spend at the aware instant `now` counts against."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime given; pass a timezone-aware instant")
    return now.astimezone(tz).date()


def record_cost(
    *,
    session: Session,
    model: str,
    usage: Usage,
    purpose: str,
    rep_id: int | None,
    sequence_id: int | None,
    batch: bool,
    now: datetime,
    tz: ZoneInfo,
) -> AgentCost:
    """Price one call's usage into `agent_costs` (and the sequence's running cost) in the caller's session."""
    usd = float(price_usage(model, usage, batch=batch))
    row = AgentCost(
        created_at=now,
        rep_id=rep_id,
        sequence_id=sequence_id,
        purpose=purpose,
        model=model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        batch=batch,
        usd=usd,
        local_date=local_date_of(now, tz),
    )
    session.add(row)
    if sequence_id is not None:
        # Added in SQL, not read-modify-write: two workers pricing calls of one sequence both count.
        session.execute(
            sa.update(Sequence).where(col(Sequence.id) == sequence_id).values(cost_usd=col(Sequence.cost_usd) + usd)
        )
    session.flush()
    log.info("llm cost %s %s $%.6f (sequence %s)", purpose, model, usd, sequence_id)
    return row


def spent_today(*, session: Session, local_date: date) -> float:
    """USD spent on LLM calls on one company-local date."""
    total = session.exec(select(func.coalesce(func.sum(AgentCost.usd), 0.0)).where(AgentCost.local_date == local_date))
    return float(total.one())


def spent_on_sequence(*, session: Session, sequence_id: int) -> float:
    """USD spent on LLM calls for one sequence (all its drafts and redrafts)."""
    total = session.exec(
        select(func.coalesce(func.sum(AgentCost.usd), 0.0)).where(AgentCost.sequence_id == sequence_id)
    )
    return float(total.one())


def remaining_daily_budget(*, session: Session, now: datetime, settings: Settings) -> float:
    """USD left under today's cap (company-local day), never below zero."""
    spent = spent_today(session=session, local_date=local_date_of(now, settings.tz))
    return float(max(Decimal(0), _usd(settings.llm_daily_cap_usd) - _usd(spent)))


def check_budget(
    *,
    session: Session,
    model: str,
    input_tokens: int,
    max_output_tokens: int,
    sequence_id: int | None,
    now: datetime,
    settings: Settings,
) -> None:
    """Refuse the next call (BudgetExhausted, UnknownModelPrice) unless its worst case fits under both caps."""
    try:
        worst = worst_case_cost(model, input_tokens=input_tokens, max_output_tokens=max_output_tokens)
    except UnknownModelPrice:
        record_audit(
            session=session, actor="system", action="budget.unknown_model", subject_type=_subject(sequence_id),
            subject_id=sequence_id, details={"model": model}, at=now,
        )  # fmt: skip
        session.flush()
        raise

    day = local_date_of(now, settings.tz)
    spent_day = _usd(spent_today(session=session, local_date=day))
    daily_cap = _usd(settings.llm_daily_cap_usd)
    figures: dict[str, Any] = {
        "model": model,
        "local_date": day.isoformat(),
        "worst_case_usd": float(worst),
        "spent_today_usd": float(spent_day),
        "daily_cap_usd": float(daily_cap),
    }
    reasons = []
    problems = []
    if spent_day + worst > daily_cap:
        reasons.append(DAILY_CAP)
        problems.append(f"today's spend ${spent_day:.4f} + worst case ${worst:.4f} > daily cap ${daily_cap:.2f}")
    if sequence_id is not None:
        spent_draft = _usd(spent_on_sequence(session=session, sequence_id=sequence_id))
        draft_cap = _usd(settings.llm_draft_cap_usd)
        figures |= {
            "sequence_id": sequence_id,
            "spent_on_draft_usd": float(spent_draft),
            "draft_cap_usd": float(draft_cap),
        }
        if spent_draft + worst > draft_cap:
            reasons.append(DRAFT_CAP)
            problems.append(f"this draft's spend ${spent_draft:.4f} + worst case ${worst:.4f} > cap ${draft_cap:.2f}")
    if not reasons:
        return

    figures["reasons"] = reasons
    record_audit(
        session=session, actor="system", action="budget.exhausted", subject_type=_subject(sequence_id),
        subject_id=sequence_id, details=figures, at=now,
    )  # fmt: skip
    session.flush()
    message = "LLM budget exhausted: " + "; ".join(problems)
    log.warning(message)
    raise BudgetExhausted(message, reasons=reasons, figures=figures)


def _usd(value: float) -> Decimal:
    # Through str: Decimal(0.1) would carry the float's binary error into an exact comparison.
    return Decimal(str(value))


def _subject(sequence_id: int | None) -> str | None:
    return "sequence" if sequence_id is not None else None
