"""Scripted Messages API answers for the real anthropic SDK over httpx2.MockTransport, and demo leads."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import anthropic
import httpx2

from agent.llm.base import CostLedger, LeadInput
from agent.llm.claude import ClaudeProvider
from agent.llm.ledger import InMemoryCostLedger
from agent.offline import OfflineProvider
from core.demo.companies import demo_company
from core.demo.icp import load_icp
from integrations.enrichment import DemoEnricher
from integrations.research import DemoResearcher

MODEL = "claude-sonnet-5-5"
LIGHT_MODEL = "claude-haiku-5-5"
ICP = load_icp()
USAGE = {"input_tokens": 100, "output_tokens": 50, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}

Answer = dict[str, Any] | httpx2.Response | Callable[[httpx2.Request], httpx2.Response]


def usage(input: int = 100, output: int = 50, *, write: int = 0, read: int = 0) -> dict[str, int]:  # noqa: A002
    """A usage object as the API reports it (input excludes the cache tokens)."""
    return {
        "input_tokens": input,
        "output_tokens": output,
        "cache_creation_input_tokens": write,
        "cache_read_input_tokens": read,
    }


def tool_use(name: str, tool_input: Any, tool_id: str | None = None) -> dict[str, Any]:
    """A tool_use content block."""
    return {"type": "tool_use", "id": tool_id or f"toolu_{name}", "name": name, "input": tool_input}


def text(value: str) -> dict[str, Any]:
    """A text content block."""
    return {"type": "text", "text": value}


def message(*content: dict[str, Any], stop_reason: str = "tool_use", usage: dict[str, int] | None = None) -> dict:
    """A Messages API response body."""
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": list(content),
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage or USAGE,
    }


def api_error(status: int, kind: str, *, retry_after_ms: int | None = 1) -> httpx2.Response:
    """An API error response; `retry-after-ms` keeps the SDK's retry wait negligible."""
    headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    return httpx2.Response(status, headers=headers, json={"type": "error", "error": {"type": kind, "message": kind}})


class Script:
    """A MockTransport handler answering each request with the next scripted answer, recording the bodies."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx2.Request] = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """Each request's JSON body."""
        return [json.loads(request.content) for request in self.requests]

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {len(self.requests)}: the script is over")
        answer = self.answers.pop(0)
        if isinstance(answer, httpx2.Response):
            return answer
        if callable(answer):
            return answer(request)
        return httpx2.Response(200, json=answer)


def sdk_client(script: Script, *, max_retries: int = 0) -> anthropic.Anthropic:
    """The real SDK client over the script."""
    transport = httpx2.MockTransport(script)
    return anthropic.Anthropic(api_key="test", max_retries=max_retries, http_client=httpx2.Client(transport=transport))


def lead(domain: str = "ledgerline.example") -> LeadInput:
    """The LeadInput of a demo company."""
    company = demo_company(domain)
    assert company is not None
    return LeadInput(
        domain=company.domain,
        company=company.name,
        contact_name=company.contact.name,
        contact_email=company.contact.email,
        contact_title=company.contact.title,
    )


def offline() -> OfflineProvider:
    """The offline provider over the demo researcher and enricher."""
    return OfflineProvider(icp=ICP, researcher=DemoResearcher(), enricher=DemoEnricher())


def passing_draft(domain: str = "ledgerline.example") -> dict[str, Any]:
    """A draft_outreach input that passes every rule for the demo company (the offline provider's draft)."""
    outcome = offline().draft(lead(domain))
    assert outcome.draft is not None
    return outcome.draft.model_dump(mode="json", exclude_none=True)


def failing_draft(domain: str = "ledgerline.example") -> dict[str, Any]:
    """The passing draft with touch 1 speaking as "we" and too short: two slop failures."""
    draft = passing_draft(domain)
    draft["touches"][0]["body"] = "We can help your team hit quota."
    return draft


def claude(
    script: Script,
    *,
    ledger: CostLedger | None = None,
    model: str = MODEL,
    max_turns: int = 8,
    max_retries: int = 0,
) -> ClaudeProvider:
    """A Claude provider over the scripted SDK client."""
    return ClaudeProvider(
        client=sdk_client(script, max_retries=max_retries),
        model=model,
        light_model=LIGHT_MODEL,
        ledger=ledger if ledger is not None else InMemoryCostLedger(),
        icp=ICP,
        researcher=DemoResearcher(),
        enricher=DemoEnricher(),
        max_turns=max_turns,
    )


def usd(value: str) -> Decimal:
    """A Decimal amount."""
    return Decimal(value)
