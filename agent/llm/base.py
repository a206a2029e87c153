"""The provider interface: task-level calls (qualify a lead, draft a sequence) and what they return.

A provider never opens a database session and never sends anything. Spend goes through a `CostLedger`
the caller binds to its unit of work (session, rep, sequence); every output carries the provider, the
model and the prompt version it came from, so a stored draft or score can always be explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from agent.drafting.schema import LeadContext, SequenceDraft
from agent.drafting.slop import SlopReport
from agent.icp import IcpResult
from core.demo.icp import Icp
from core.pricing import Usage

OFFLINE_PROVIDER = "offline-rules"
ANTHROPIC_PROVIDER = "anthropic"


class LeadInput(BaseModel):
    """What the caller knows about a lead before research: the company and the person to write to."""

    model_config = ConfigDict(frozen=True)

    domain: str = Field(min_length=1, max_length=253)
    company: str = Field(min_length=1, max_length=200)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=320)
    contact_title: str | None = Field(default=None, max_length=200)
    industry: str | None = Field(default=None, max_length=200)


class DraftStatus(StrEnum):
    """How a drafting run ended."""

    DRAFTED = "drafted"
    DRAFT_FAILED = "draft_failed"


class DraftFailure(StrEnum):
    """Why a drafting run failed (stored with the sequence's failure reason)."""

    REJECTED = "rejected"  # every attempt broke the slop or schema rules
    TURN_LIMIT = "turn_limit"  # the model used up its turns without an accepted draft
    NO_TOOL_CALL = "no_tool_call"  # the model stopped without calling a tool


@dataclass
class DraftOutcome:
    """The result of drafting one lead's sequence: the accepted draft, or why there is none."""

    status: DraftStatus
    provider: str
    model: str
    prompt_version: str
    context: LeadContext
    draft: SequenceDraft | None = None
    report: SlopReport | None = None
    failure: DraftFailure | None = None
    reasons: list[str] = field(default_factory=list)
    feedback: str | None = None
    attempts: int = 0
    turns: int = 0
    usage: Usage = field(default_factory=Usage)
    cost_usd: Decimal = Decimal(0)

    @property
    def ok(self) -> bool:
        """True when a draft passed every rule."""
        return self.status is DraftStatus.DRAFTED and self.draft is not None

    def research_record(self) -> dict[str, Any]:
        """The research and enrichment the draft is grounded in, as JSON for `sequences.research`."""
        return {
            "facts": [fact.model_dump() for fact in self.context.facts],
            "enrichment": dict(self.context.enrichment),
            "provider": self.provider,
            "model": self.model,
            "prompt_version": self.prompt_version,
        }


class CostLedger(Protocol):
    """Where a provider checks and records spend; the worker binds it to a session, rep and sequence."""

    def check(self, model: str, input_tokens_upper_bound: int, max_output_tokens: int) -> None:
        """Raise BudgetExhausted (or UnknownModelPrice) unless the call's worst case fits the caps."""
        ...

    def record(self, model: str, usage: Usage, purpose: str) -> None:
        """Price one call's reported usage into the ledger."""
        ...


class LlmProvider(Protocol):
    """The agent's judgement, task by task; implemented by the Claude and the offline providers."""

    name: str

    @property
    def model(self) -> str:
        """The model the outputs are labelled with (`offline-rules` for the rules)."""
        ...

    def qualify(self, lead: LeadContext, icp: Icp) -> IcpResult:
        """Score a researched lead against the ICP, with reasons."""
        ...

    def draft(self, lead: LeadInput, *, feedback: str | None = None) -> DraftOutcome:
        """Research the lead with the tools and draft its 3-touch sequence; `feedback` is a failed run's report."""
        ...


def add_usage(total: Usage, usage: Usage) -> Usage:
    """The sum of two usages."""
    return Usage(
        input_tokens=total.input_tokens + usage.input_tokens,
        output_tokens=total.output_tokens + usage.output_tokens,
        cache_write_tokens=total.cache_write_tokens + usage.cache_write_tokens,
        cache_read_tokens=total.cache_read_tokens + usage.cache_read_tokens,
    )
