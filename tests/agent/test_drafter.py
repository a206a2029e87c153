"""draft_sequence: the redraft-with-feedback loop, bounded by the same attempt limit for every provider."""

from __future__ import annotations

from decimal import Decimal

from agent.drafter import draft_sequence
from agent.drafting.schema import LeadContext
from agent.icp import IcpResult
from agent.llm.base import DraftFailure, DraftOutcome, DraftStatus, LeadInput
from core.demo.icp import Icp
from core.pricing import Usage
from tests.agent.llm.scripted import lead, offline, passing_draft

LEAD = lead()


class OneShotProvider:
    """A provider that tries once per call and passes on the call number `passes_on`."""

    name = "one-shot"
    model = "one-shot"

    def __init__(self, passes_on: int | None, *, attempts_per_call: int = 1) -> None:
        self.passes_on = passes_on
        self.attempts_per_call = attempts_per_call
        self.feedback: list[str | None] = []

    def qualify(self, lead: LeadContext, icp: Icp) -> IcpResult:
        raise NotImplementedError

    def draft(self, lead: LeadInput, *, feedback: str | None = None) -> DraftOutcome:
        self.feedback.append(feedback)
        passed = len(self.feedback) == self.passes_on
        return DraftOutcome(
            status=DraftStatus.DRAFTED if passed else DraftStatus.DRAFT_FAILED,
            provider=self.name,
            model=self.model,
            prompt_version="v1",
            context=LeadContext(company=lead.company, domain=lead.domain),
            draft=offline().draft(lead).draft if passed else None,
            failure=None if passed else DraftFailure.REJECTED,
            feedback=None if passed else f"report {len(self.feedback)}",
            attempts=self.attempts_per_call,
            turns=1,
            usage=Usage(input_tokens=10),
            cost_usd=Decimal("0.01"),
        )


def test_a_failed_draft_is_redrafted_with_its_report_until_it_passes() -> None:
    provider = OneShotProvider(passes_on=3)
    outcome = draft_sequence(provider, LEAD)
    assert outcome.ok and provider.feedback == [None, "report 1", "report 2"]
    assert (outcome.attempts, outcome.turns, outcome.usage.input_tokens, outcome.cost_usd) == (
        3,
        3,
        30,
        Decimal("0.03"),
    )


def test_at_most_two_redrafts_then_draft_failed_with_the_last_report() -> None:
    provider = OneShotProvider(passes_on=None)
    outcome = draft_sequence(provider, LEAD)
    assert len(provider.feedback) == 3 and outcome.status is DraftStatus.DRAFT_FAILED
    assert outcome.failure is DraftFailure.REJECTED and outcome.feedback == "report 3"
    assert len(OneShotProvider(None).feedback) == 0
    fewer = OneShotProvider(passes_on=None)
    draft_sequence(fewer, LEAD, max_redrafts=0)
    assert len(fewer.feedback) == 1


def test_a_provider_that_redrafts_inside_one_call_is_not_called_again() -> None:
    provider = OneShotProvider(passes_on=None, attempts_per_call=3)
    assert not draft_sequence(provider, LEAD).ok and len(provider.feedback) == 1


def test_the_offline_provider_drafts_in_one_call() -> None:
    outcome = draft_sequence(offline(), LEAD)
    assert outcome.ok and outcome.attempts == 1 and outcome.draft is not None
    assert outcome.draft.model_dump(mode="json", exclude_none=True) == passing_draft()
    assert outcome.research_record()["provider"] == "offline-rules" and outcome.research_record()["facts"]
