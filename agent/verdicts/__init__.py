"""Weekly accountability verdicts: the input, the schema, the offline and Claude providers, and the one
function the worker and the eval gate call (`write_verdict` / `judge_verdict`)."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx2

from agent.llm.base import ANTHROPIC_PROVIDER, OFFLINE_PROVIDER, CostLedger
from agent.llm.claude_client import build_client
from agent.llm.ledger import InMemoryCostLedger
from agent.verdicts.claude import ClaudeVerdictProvider
from agent.verdicts.offline import OfflineVerdictProvider
from agent.verdicts.schema import (
    ALLOWED_ACTIONS,
    DeliverabilityRow,
    VerdictAnswer,
    VerdictInput,
    VerdictOutcome,
    WeekRow,
    default_action,
)
from core.config import Settings
from core.policy import PolicyThresholds

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_ACTIONS",
    "ClaudeVerdictProvider",
    "DeliverabilityRow",
    "OfflineVerdictProvider",
    "VerdictAnswer",
    "VerdictInput",
    "VerdictOutcome",
    "VerdictProvider",
    "WeekRow",
    "build_verdict_provider",
    "default_action",
    "judge_verdict",
    "write_verdict",
]


class VerdictProvider(Protocol):
    """Anything that writes a verdict for one rep and week."""

    name: str
    model: str

    def write(self, data: VerdictInput) -> VerdictOutcome:
        """The verdict for `data`."""
        ...


def write_verdict(provider: VerdictProvider, data: VerdictInput) -> VerdictOutcome:
    """The provider's verdict for one rep and week (LLM errors propagate as agent.llm.errors.LlmError)."""
    outcome = provider.write(data)
    log.info("verdict for rep %s week %s by %s/%s: %s (%s)", data.rep_id, data.judged_week, outcome.provider,
             outcome.model, outcome.verdict.value, outcome.action.value)  # fmt: skip
    return outcome


def build_verdict_provider(
    settings: Settings,
    *,
    provider: str | None = None,
    ledger: CostLedger | None = None,
    http_client: httpx2.Client | None = None,
) -> VerdictProvider:
    """The verdict provider by name (`offline`, `anthropic`); by default Claude when a key is set, else offline."""
    thresholds = PolicyThresholds(weekly_email_floor=settings.weekly_email_floor)
    key_set = settings.anthropic_api_key is not None and bool(settings.anthropic_api_key.get_secret_value())
    name = provider or (ANTHROPIC_PROVIDER if key_set else OFFLINE_PROVIDER)
    if name in {"offline", OFFLINE_PROVIDER}:
        return OfflineVerdictProvider(thresholds)
    if name in {ANTHROPIC_PROVIDER, "claude"}:
        return ClaudeVerdictProvider(
            client=build_client(settings, http_client=http_client),
            model=settings.anthropic_model,
            ledger=ledger or InMemoryCostLedger.from_settings(settings),
        )
    raise ValueError(f"unknown verdict provider {name!r}; use 'offline' or 'anthropic'")


def judge_verdict(
    input: VerdictInput,  # noqa: A002 (the eval gate's agreed signature)
    *,
    settings: Settings,
    provider: str = "offline",
    ledger: CostLedger | None = None,
    http_client: httpx2.Client | None = None,
) -> VerdictOutcome:
    """The verdict for plain data, no database: what the eval gate grades."""
    return write_verdict(
        build_verdict_provider(settings, provider=provider, ledger=ledger, http_client=http_client), input
    )
