"""The drafting entry point the workers call: one lead in, an accepted draft or a clean failure out."""

from __future__ import annotations

import dataclasses
import logging

from agent.llm.base import DraftFailure, DraftOutcome, LeadInput, LlmProvider, add_usage

log = logging.getLogger(__name__)

MAX_REDRAFTS = 2


def draft_sequence(provider: LlmProvider, lead: LeadInput, *, max_redrafts: int = MAX_REDRAFTS) -> DraftOutcome:
    """Draft, and while the rules reject it, redraft with the report as feedback: at most 1 + max_redrafts tries.

    A provider that redrafts inside one call (Claude's tool loop, the offline variants) reports its tries in
    `attempts`, which count against the same limit, so no provider gets more than 1 + max_redrafts drafts.
    Budget and API errors propagate (BudgetExhausted, LlmError): the caller records those stops.
    """
    outcome = provider.draft(lead)
    attempts, usage, cost, turns = outcome.attempts, outcome.usage, outcome.cost_usd, outcome.turns
    while (
        not outcome.ok and outcome.failure is DraftFailure.REJECTED and outcome.feedback and attempts < 1 + max_redrafts
    ):
        log.info("redrafting %s with feedback (attempt %d)", lead.domain, attempts + 1)
        outcome = provider.draft(lead, feedback=outcome.feedback)
        attempts += outcome.attempts
        usage, cost, turns = add_usage(usage, outcome.usage), cost + outcome.cost_usd, turns + outcome.turns
    return dataclasses.replace(outcome, attempts=attempts, usage=usage, cost_usd=cost, turns=turns)
