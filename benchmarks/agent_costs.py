"""Tokens and dollars per drafted sequence, for both providers, against the per-draft cap.

    python -m benchmarks.agent_costs [--companies N] [--scripted]

Each lead is qualified (ICP) and drafted, as the daily job does. The offline provider costs nothing.
For Claude, without ANTHROPIC_API_KEY (or with --scripted) the real provider and SDK talk over HTTP to the
local fake Anthropic server, which plays the model and reports usage estimated from the request size
(about four characters a token, prompt caching included): the recorded usage of scripted runs. With a
key set, the real API drafts the first N demo companies and the SDK's reported usage is priced.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from agent.drafter import draft_sequence
from agent.llm.base import LeadInput, LlmProvider
from agent.llm.ledger import InMemoryCostLedger
from agent.offline import OfflineProvider
from agent.tools import gather_context
from agent.wiring import build_provider
from core.config import Settings, get_settings
from core.demo.companies import DemoCompany, ExpectedFit, demo_companies
from core.demo.icp import load_icp
from core.pricing import Usage
from integrations.enrichment import DemoEnricher
from integrations.research import DemoResearcher
from tests.fakes.anthropic_server import FakeAnthropicServer, ScriptedSalesAgent


@dataclass
class Row:
    """One provider and scenario over many leads."""

    provider: str
    model: str
    scenario: str
    leads: int = 0
    drafted: int = 0
    calls: int = 0
    usage: Usage = field(default_factory=Usage)
    costs: list[Decimal] = field(default_factory=list)

    def add(self, ledger: InMemoryCostLedger, ok: bool) -> None:
        """Count one lead's spend."""
        self.leads += 1
        self.drafted += ok
        self.calls += len(ledger.entries)
        total = ledger.usage
        self.usage = Usage(
            input_tokens=self.usage.input_tokens + total.input_tokens,
            output_tokens=self.usage.output_tokens + total.output_tokens,
            cache_write_tokens=self.usage.cache_write_tokens + total.cache_write_tokens,
            cache_read_tokens=self.usage.cache_read_tokens + total.cache_read_tokens,
        )
        self.costs.append(ledger.spent_usd)


def lead_of(company: DemoCompany) -> LeadInput:
    """The demo company as the worker would hand it over."""
    return LeadInput(
        domain=company.domain,
        company=company.name,
        contact_name=company.contact.name,
        contact_email=company.contact.email,
        contact_title=company.contact.title,
    )


def run(row: Row, provider_for: Callable[[InMemoryCostLedger], LlmProvider], companies: list[DemoCompany],
        settings: Settings) -> Row:  # fmt: skip
    """Qualify and draft each company with a fresh ledger (the draft cap is per sequence)."""
    icp = load_icp(settings.icp_path)
    for company in companies:
        ledger = InMemoryCostLedger.from_settings(settings)
        provider = provider_for(ledger)
        lead = lead_of(company)
        provider.qualify(gather_context(lead, researcher=DemoResearcher(), enricher=DemoEnricher()), icp)
        row.add(ledger, draft_sequence(provider, lead).ok)
    return row


@contextmanager
def scripted_claude(settings: Settings, *, redraft_once: bool) -> Iterator[Callable[[InMemoryCostLedger], LlmProvider]]:
    """Claude providers talking to the local fake server, which drafts like the offline templates."""
    offline = OfflineProvider(icp=load_icp(settings.icp_path), researcher=DemoResearcher(), enricher=DemoEnricher())
    leads = {company.domain: lead_of(company) for company in demo_companies()}
    failed_once: set[str] = set()

    def draft_for(domain: str) -> dict[str, Any]:
        outcome = offline.draft(leads[domain])
        assert outcome.draft is not None
        draft = outcome.draft.model_dump(mode="json", exclude_none=True)
        if redraft_once and domain not in failed_once:
            failed_once.add(domain)  # the first draft breaks a rule, so the conversation takes a redraft
            draft["touches"][0]["body"] += " We would love to help."
        return draft

    with FakeAnthropicServer(ScriptedSalesAgent(draft_for)) as server:
        fake = settings.model_copy(
            update={"anthropic_api_key": SecretStr("scripted"), "anthropic_base_url": server.url}
        )
        yield lambda ledger: build_provider(fake, ledger=ledger, researcher=DemoResearcher(), enricher=DemoEnricher())


def report(rows: list[Row], settings: Settings, *, note: str) -> None:
    """Print the table."""
    cap = Decimal(str(settings.llm_draft_cap_usd))
    print(f"Agent cost per drafted sequence (ICP qualification + drafting); cap ${cap:.2f} per sequence, "
          f"${settings.llm_daily_cap_usd:.2f} per day")  # fmt: skip
    print(note)
    header = ("provider", "model", "scenario", "drafted", "calls/seq", "input", "cache_w", "cache_r", "output",
              "$/seq mean", "$/seq max", "max % cap", "seq/day")  # fmt: skip
    print("  ".join(f"{h:>10}" if i > 2 else f"{h:<18}" for i, h in enumerate(header)))
    for row in rows:
        n = max(row.leads, 1)
        mean = sum(row.costs, Decimal(0)) / n
        worst = max(row.costs, default=Decimal(0))
        per_day = "unlimited" if mean == 0 else f"{int(Decimal(str(settings.llm_daily_cap_usd)) / mean):,}"
        cells = [
            row.provider, row.model, row.scenario, f"{row.drafted}/{row.leads}", f"{row.calls / n:.1f}",
            f"{row.usage.input_tokens // n:,}", f"{row.usage.cache_write_tokens // n:,}",
            f"{row.usage.cache_read_tokens // n:,}", f"{row.usage.output_tokens // n:,}", f"{mean:.4f}",
            f"{worst:.4f}", f"{100 * worst / cap:.1f}%", per_day,
        ]  # fmt: skip
        print("  ".join(f"{c:>10}" if i > 2 else f"{c:<18}" for i, c in enumerate(cells)))
    print("Token columns are per sequence; input excludes cache writes and reads, as the API reports it.")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.agent_costs", description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=0, help="how many demo fit companies (default: all; 3 live)")
    parser.add_argument("--scripted", action="store_true", help="use the local fake server even with a key set")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    settings = get_settings()
    fits = [company for company in demo_companies() if company.expected_fit is ExpectedFit.FIT]
    live = settings.anthropic_api_key is not None and not args.scripted
    companies = fits[: args.companies or (3 if live else len(fits))]
    icp = load_icp(settings.icp_path)

    offline = Row("offline-rules", "offline-rules", "templates")
    run(offline, lambda _: OfflineProvider(icp=icp, researcher=DemoResearcher(), enricher=DemoEnricher()),
        companies, settings)  # fmt: skip
    rows = [offline]
    if live:
        rows.append(run(Row("anthropic", settings.anthropic_model, "live API"),
                        lambda ledger: build_provider(settings, ledger=ledger), companies, settings))  # fmt: skip
        note = "Claude: real API calls; usage as the SDK reports it."
    else:
        for scenario, redraft in (("scripted", False), ("scripted+redraft", True)):
            with scripted_claude(settings, redraft_once=redraft) as provider_for:
                rows.append(
                    run(Row("anthropic", settings.anthropic_model, scenario), provider_for, companies, settings)
                )
        note = ("Claude: scripted runs against the local fake server; token counts are its estimates "
                "(~4 characters a token). Set ANTHROPIC_API_KEY for the SDK's real counts.")  # fmt: skip
    report(rows, settings, note=note)


if __name__ == "__main__":
    main()
