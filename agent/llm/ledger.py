"""Cost ledgers: the in-memory one (tests, benchmarks, a provider built without a database) and the
database one that writes `agent_costs` through core.costs in the worker's session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from agent.llm.base import add_usage
from core.config import Settings
from core.costs import DAILY_CAP, DRAFT_CAP, BudgetExhausted, check_budget, record_cost
from core.pricing import Usage, price_usage, worst_case_cost

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LedgerEntry:
    """One priced call."""

    model: str
    usage: Usage
    purpose: str
    usd: Decimal


@dataclass
class InMemoryCostLedger:
    """Prices calls into a list and enforces both caps as if everything recorded were one day and one draft."""

    daily_cap_usd: Decimal = Decimal("10")
    draft_cap_usd: Decimal = Decimal("0.30")
    entries: list[LedgerEntry] = field(default_factory=list)
    checks: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> InMemoryCostLedger:
        """A ledger with the configured caps."""
        return cls(
            daily_cap_usd=Decimal(str(settings.llm_daily_cap_usd)),
            draft_cap_usd=Decimal(str(settings.llm_draft_cap_usd)),
        )

    @property
    def spent_usd(self) -> Decimal:
        """USD recorded so far."""
        return sum((entry.usd for entry in self.entries), Decimal(0))

    @property
    def usage(self) -> Usage:
        """Every recorded token, summed."""
        total = Usage()
        for entry in self.entries:
            total = add_usage(total, entry.usage)
        return total

    def check(self, model: str, input_tokens_upper_bound: int, max_output_tokens: int) -> None:
        """Raise BudgetExhausted (or UnknownModelPrice) unless the worst case fits under both caps."""
        self.checks += 1
        worst = worst_case_cost(model, input_tokens=input_tokens_upper_bound, max_output_tokens=max_output_tokens)
        spent = self.spent_usd
        figures: dict[str, Any] = {"model": model, "worst_case_usd": float(worst), "spent_usd": float(spent)}
        reasons = [
            reason
            for reason, cap in ((DAILY_CAP, self.daily_cap_usd), (DRAFT_CAP, self.draft_cap_usd))
            if spent + worst > cap
        ]
        if reasons:
            message = f"LLM budget exhausted: spent ${spent:.4f} + worst case ${worst:.4f} is over the {reasons[0]}"
            log.warning(message)
            raise BudgetExhausted(message, reasons=reasons, figures=figures | {"reasons": reasons})

    def record(self, model: str, usage: Usage, purpose: str) -> None:
        """Price the usage and keep it."""
        self.entries.append(LedgerEntry(model=model, usage=usage, purpose=purpose, usd=price_usage(model, usage)))


class DbCostLedger:
    """The worker's ledger: checks and records through core.costs in the caller's session (never commits)."""

    def __init__(
        self,
        *,
        session: Session,
        rep_id: int | None,
        sequence_id: int | None,
        now: Callable[[], datetime],
        settings: Settings,
    ) -> None:
        self.session = session
        self.rep_id = rep_id
        self.sequence_id = sequence_id
        # A clock, not a datetime: a drafting run spans several calls and may cross local midnight.
        self.now = now
        self.settings = settings

    def check(self, model: str, input_tokens_upper_bound: int, max_output_tokens: int) -> None:
        """core.costs.check_budget for this sequence (writes the audit event when it refuses)."""
        check_budget(
            session=self.session,
            model=model,
            input_tokens=input_tokens_upper_bound,
            max_output_tokens=max_output_tokens,
            sequence_id=self.sequence_id,
            now=self.now(),
            settings=self.settings,
        )

    def record(self, model: str, usage: Usage, purpose: str) -> None:
        """core.costs.record_cost for this rep and sequence."""
        record_cost(
            session=self.session,
            model=model,
            usage=usage,
            purpose=purpose,
            rep_id=self.rep_id,
            sequence_id=self.sequence_id,
            batch=False,
            now=self.now(),
            tz=self.settings.tz,
        )
