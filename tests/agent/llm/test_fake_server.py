"""End to end: the providers built from settings, the real SDK over HTTP, a local fake Anthropic server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from agent.drafter import draft_sequence
from agent.llm.claude import ClaudeProvider
from agent.llm.ledger import InMemoryCostLedger
from agent.tools import gather_context
from agent.wiring import build_provider
from core.config import Settings
from integrations.enrichment import DemoEnricher
from integrations.research import DemoResearcher
from tests.agent.llm.scripted import lead, passing_draft
from tests.fakes.anthropic_server import ErrorReply, FakeAnthropicServer, Reply, ScriptedSalesAgent


@pytest.fixture
def server() -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(ScriptedSalesAgent(passing_draft)) as running:
        yield running


def _provider(server: FakeAnthropicServer, ledger: InMemoryCostLedger) -> ClaudeProvider:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, anthropic_api_key=SecretStr("sk-fake-key"), anthropic_base_url=server.url
    )
    provider = build_provider(settings, ledger=ledger, researcher=DemoResearcher(), enricher=DemoEnricher())
    assert isinstance(provider, ClaudeProvider)
    return provider


def test_qualify_and_draft_a_lead_over_http(server: FakeAnthropicServer) -> None:
    ledger = InMemoryCostLedger()
    provider = _provider(server, ledger)
    context = gather_context(lead(), researcher=DemoResearcher(), enricher=DemoEnricher())

    result = provider.qualify(context, provider.icp)
    outcome = draft_sequence(provider, lead())

    assert result.fit and result.model == "claude-haiku-5-5"
    assert outcome.ok and outcome.turns == 2 and outcome.provider == "anthropic"
    assert [r.path for r in server.requests] == ["/v1/messages"] * 3
    for request in server.requests:
        assert "sk-fake-key" in (request.headers.get("x-api-key", ""), request.headers.get("authorization", "")[7:])
        assert request.headers["anthropic-version"] and request.headers["x-stainless-read-timeout"] == "60.0"
    assert [entry.model for entry in ledger.entries] == ["claude-haiku-5-5", "claude-sonnet-5-5", "claude-sonnet-5-5"]
    # The drafting prefix is cached on the first turn and read back on the second.
    _icp, first, second = (entry.usage for entry in ledger.entries)
    assert first.cache_write_tokens > 1_000 and first.cache_read_tokens == 0
    assert second.cache_read_tokens == first.cache_write_tokens and second.cache_write_tokens == 0
    assert outcome.cost_usd < ledger.draft_cap_usd


def test_a_second_lead_reads_the_prefix_from_the_cache(server: FakeAnthropicServer) -> None:
    ledger = InMemoryCostLedger()
    provider = _provider(server, ledger)
    assert provider.draft(lead()).ok and provider.draft(lead("cinderwall.example")).ok
    assert [entry.usage.cache_write_tokens > 0 for entry in ledger.entries] == [True, False, False, False]


def test_overload_is_retried_over_http(server: FakeAnthropicServer) -> None:
    agent = ScriptedSalesAgent(passing_draft)
    answers: list[Any] = [ErrorReply(529, "overloaded_error", headers={"retry-after-ms": "1"})]

    def flaky(body: dict[str, Any]) -> Reply | ErrorReply:
        return answers.pop() if answers else agent(body)

    server.responder = flaky
    assert _provider(server, InMemoryCostLedger()).draft(lead()).ok
    assert len(server.requests) == 3
