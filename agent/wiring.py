"""The one place that decides which provider runs: Claude when ANTHROPIC_API_KEY is set, else the offline rules."""

from __future__ import annotations

import logging

import httpx2

from agent.llm.base import CostLedger, LlmProvider
from agent.llm.claude import ClaudeProvider
from agent.llm.claude_client import build_client
from agent.llm.ledger import InMemoryCostLedger
from agent.offline import OfflineProvider
from agent.tools import Enricher, Researcher
from core.config import Settings
from core.demo.icp import Icp, load_icp
from integrations.enrichment import build_enricher
from integrations.research import build_researcher

log = logging.getLogger(__name__)


def build_provider(
    settings: Settings,
    *,
    ledger: CostLedger | None = None,
    researcher: Researcher | None = None,
    enricher: Enricher | None = None,
    icp: Icp | None = None,
    http_client: httpx2.Client | None = None,
) -> LlmProvider:
    """The configured provider; a worker passes its DbCostLedger (without one, an in-memory ledger caps spend)."""
    icp = icp or load_icp(settings.icp_path)
    researcher = researcher or build_researcher(settings)
    enricher = enricher or build_enricher(settings)
    if settings.anthropic_api_key is None or not settings.anthropic_api_key.get_secret_value():
        log.info("no ANTHROPIC_API_KEY: using the offline rule-based provider")
        return OfflineProvider(icp=icp, researcher=researcher, enricher=enricher)
    return ClaudeProvider(
        client=build_client(settings, http_client=http_client),
        model=settings.anthropic_model,
        light_model=settings.anthropic_light_model,
        ledger=ledger or InMemoryCostLedger.from_settings(settings),
        icp=icp,
        researcher=researcher,
        enricher=enricher,
    )
