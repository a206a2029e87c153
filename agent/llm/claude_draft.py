"""The drafting conversation: Claude calls research_lead and enrich_lead, then draft_outreach until a
draft passes (at most `max_redrafts` more tries), within a limit on model turns.

The loop ends the moment a draft is accepted: there is nothing to gain from another paid turn. Every
turn forces a tool call (`tool_choice: any`), so the model cannot drift into prose.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from anthropic.types import Message

from agent.llm.base import ANTHROPIC_PROVIDER, DraftFailure, DraftOutcome, DraftStatus
from agent.llm.claude_client import GuardedMessages
from agent.tools import AGENT_TOOLS, ToolRun

log = logging.getLogger(__name__)

DRAFT_MAX_TOKENS = 2_048
TOOL_PARAMS = [tool.as_param() for tool in AGENT_TOOLS]


@dataclass
class DraftConversation:
    """One lead's drafting conversation with the model."""

    messages: GuardedMessages
    model: str
    prompt_version: str
    system: list[dict[str, Any]]
    run: ToolRun
    max_turns: int
    max_redrafts: int

    def draft(self, first_message: str) -> DraftOutcome:
        """Run the conversation to an accepted draft or a clean failure."""
        conversation: list[dict[str, Any]] = [{"role": "user", "content": first_message}]
        for turn in range(1, self.max_turns + 1):
            response = self.messages.create(
                purpose="draft", model=self.model, max_tokens=DRAFT_MAX_TOKENS, system=self.system,
                tools=TOOL_PARAMS, tool_choice={"type": "any"}, messages=conversation,
            )  # fmt: skip
            calls = [block for block in response.content if block.type == "tool_use"]
            if not calls:
                return self._failed(turn, DraftFailure.NO_TOOL_CALL, f"the model stopped ({response.stop_reason})")
            conversation.append({"role": "assistant", "content": _assistant_blocks(response)})
            results = []
            for call in calls:
                result = self.run.call(call.name, call.input)
                results.append(
                    {"type": "tool_result", "tool_use_id": call.id, "content": result.content}
                    | ({"is_error": True} if result.is_error else {})
                )
                if self.run.accepted is not None:
                    return self._outcome(turn, DraftStatus.DRAFTED)
            if self.run.attempts > self.max_redrafts:
                return self._failed(turn, DraftFailure.REJECTED, f"{self.run.attempts} drafts broke the rules")
            conversation.append({"role": "user", "content": results})
        return self._failed(self.max_turns, DraftFailure.TURN_LIMIT, f"no accepted draft in {self.max_turns} turns")

    def _failed(self, turns: int, failure: DraftFailure, summary: str) -> DraftOutcome:
        log.warning("drafting %s failed (%s): %s", self.run.lead.domain, failure.value, summary)
        last = self.run.feedback[-1] if self.run.feedback else None
        reasons = [summary, *(last.splitlines() if last else [])]
        return self._outcome(turns, DraftStatus.DRAFT_FAILED, failure=failure, reasons=reasons, feedback=last)

    def _outcome(
        self,
        turns: int,
        status: DraftStatus,
        *,
        failure: DraftFailure | None = None,
        reasons: list[str] | None = None,
        feedback: str | None = None,
    ) -> DraftOutcome:
        return DraftOutcome(
            status=status,
            provider=ANTHROPIC_PROVIDER,
            model=self.model,
            prompt_version=self.prompt_version,
            context=self.run.context,
            draft=self.run.accepted,
            report=self.run.report,
            failure=failure,
            reasons=reasons or [],
            feedback=feedback,
            attempts=self.run.attempts,
            turns=turns,
            usage=self.messages.usage,
            cost_usd=self.messages.cost_usd,
        )


def _assistant_blocks(response: Message) -> list[dict[str, Any]]:
    """The model's turn as request content: its text and tool calls (nothing else is ever sent back)."""
    blocks: list[dict[str, Any]] = []
    for block in response.content:
        if block.type == "text" and block.text:
            blocks.append({"type": "text", "text": block.text})
        elif block.type == "tool_use":
            blocks.append({"type": "tool_use", "id": block.id, "name": block.name, "input": block.input})
    return blocks
