"""The Claude provider: ICP qualification on the light model, drafting as a tool-use conversation."""

from __future__ import annotations

import logging

import anthropic

from agent.drafting.schema import LeadContext
from agent.icp import IcpResult
from agent.llm.base import ANTHROPIC_PROVIDER, CostLedger, DraftOutcome, LeadInput
from agent.llm.claude_client import GuardedMessages
from agent.llm.claude_draft import DraftConversation
from agent.llm.claude_icp import qualify_with_claude
from agent.llm.claude_prompts import drafting_system, drafting_user
from agent.prompt_files import prompt_version
from agent.tools import Enricher, Researcher, ToolRun, seller_terms
from core.demo.icp import Icp

log = logging.getLogger(__name__)

MAX_TURNS = 8
MAX_REDRAFTS = 2


class ClaudeProvider:
    """Claude through the anthropic SDK; spend is checked and recorded through the given ledger."""

    name = ANTHROPIC_PROVIDER

    def __init__(
        self,
        *,
        client: anthropic.Anthropic,
        model: str,
        light_model: str,
        ledger: CostLedger,
        icp: Icp,
        researcher: Researcher,
        enricher: Enricher,
        max_turns: int = MAX_TURNS,
        max_redrafts: int = MAX_REDRAFTS,
    ) -> None:
        self.client = client
        self._model = model
        self.light_model = light_model
        self.ledger = ledger
        self.icp = icp
        self.researcher = researcher
        self.enricher = enricher
        self.max_turns = max_turns
        self.max_redrafts = max_redrafts

    @property
    def model(self) -> str:
        """The drafting model (ICP qualification uses `light_model`)."""
        return self._model

    @property
    def prompt_version(self) -> str:
        """The drafting prompt's version."""
        return prompt_version("drafting")

    def qualify(self, lead: LeadContext, icp: Icp) -> IcpResult:
        """Score the lead against the ICP with the light model (structured output)."""
        messages = GuardedMessages(self.client, self.ledger)
        return qualify_with_claude(messages, model=self.light_model, lead=lead, icp=icp)

    def draft(self, lead: LeadInput, *, feedback: str | None = None) -> DraftOutcome:
        """Draft the sequence in a tool-use conversation; redrafts happen inside it, with the checker's report."""
        run = ToolRun(lead, researcher=self.researcher, enricher=self.enricher, known_terms=seller_terms(self.icp))
        conversation = DraftConversation(
            messages=GuardedMessages(self.client, self.ledger),
            model=self._model,
            prompt_version=self.prompt_version,
            system=drafting_system(self.icp),
            run=run,
            max_turns=self.max_turns,
            max_redrafts=self.max_redrafts,
        )
        return conversation.draft(drafting_user(lead, self.icp, feedback=feedback))
