"""build_provider: Claude when ANTHROPIC_API_KEY is set, the offline rules otherwise."""

from __future__ import annotations

from pydantic import SecretStr

from agent.llm.claude import ClaudeProvider
from agent.llm.ledger import InMemoryCostLedger
from agent.offline import OfflineProvider
from agent.wiring import build_provider
from core.config import Settings
from integrations.enrichment import DemoEnricher
from integrations.research import DemoResearcher


def test_without_a_key_the_offline_rules_run() -> None:
    provider = build_provider(Settings(_env_file=None))  # type: ignore[call-arg]
    assert isinstance(provider, OfflineProvider) and (provider.name, provider.model) == (
        "offline-rules",
        "offline-rules",
    )
    assert isinstance(provider.researcher, DemoResearcher) and isinstance(provider.enricher, DemoEnricher)


def test_with_a_key_claude_runs_with_the_configured_models_and_caps() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        anthropic_api_key=SecretStr("sk-test"),
        anthropic_base_url="http://127.0.0.1:9",
        anthropic_model="claude-haiku-4-5",
        anthropic_light_model="claude-haiku-5-5",
        llm_draft_cap_usd=0.2,
    )
    provider = build_provider(settings)
    assert isinstance(provider, ClaudeProvider)
    assert (provider.name, provider.model, provider.light_model) == (
        "anthropic",
        "claude-haiku-4-5",
        "claude-haiku-5-5",
    )
    assert str(provider.client.base_url).startswith("http://127.0.0.1:9") and provider.client.max_retries == 2
    assert isinstance(provider.ledger, InMemoryCostLedger) and str(provider.ledger.draft_cap_usd) == "0.2"


def test_the_worker_passes_its_own_ledger() -> None:
    ledger = InMemoryCostLedger()
    settings = Settings(_env_file=None, anthropic_api_key=SecretStr("sk-test"))  # type: ignore[call-arg]
    provider = build_provider(settings, ledger=ledger)
    assert isinstance(provider, ClaudeProvider) and provider.ledger is ledger
