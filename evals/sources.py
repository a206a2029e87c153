"""In-memory research and enrichment built from golden cases, so no case depends on the demo data."""

from __future__ import annotations

from collections.abc import Iterable

from agent.llm.base import LeadInput
from evals.cases import CaseCompany
from integrations.enrichment import Enrichment
from integrations.research import ResearchResult, SourcedFact

PROVIDER = "golden"


class CaseResearcher:
    """Research for the companies of the golden cases, by domain (injected facts included: they are data)."""

    provider = PROVIDER

    def __init__(self, companies: Iterable[CaseCompany], *, drop_injections: bool = False) -> None:
        self._companies = {company.domain: company for company in companies}
        self._drop = drop_injections

    def research(self, domain: str, company: str) -> ResearchResult:
        """The case's facts for domain, or an empty result with a note."""
        found = self._companies.get(domain.strip().lower())
        if found is None:
            return ResearchResult(facts=[], provider=self.provider, notes=(f"{domain} is not in the golden set",))
        facts = [f for f in found.facts if not (self._drop and f.injection)]
        return ResearchResult(
            facts=[SourcedFact(text=f.text, source_url=f.source_url) for f in facts], provider=self.provider
        )


class CaseEnricher:
    """Firmographics and contact fields of the golden cases' companies, by domain."""

    provider = PROVIDER

    def __init__(self, companies: Iterable[CaseCompany]) -> None:
        self._companies = {company.domain: company for company in companies}

    def enrich(self, domain: str, contact_email: str | None) -> Enrichment:
        """The case's fields for domain (only the ones it has), or empty fields with a note."""
        found = self._companies.get(domain.strip().lower())
        if found is None:
            return Enrichment(fields={}, provider=self.provider, notes=(f"{domain} is not in the golden set",))
        fields: dict[str, str | int | float] = {"company": found.name}
        for key, value in (
            ("industry", found.industry),
            ("employees", found.employees),
            ("hq_city", found.hq_city),
            ("hq_country", found.hq_country),
            ("contact_name", found.contact.name),
            ("contact_title", found.contact.title),
        ):
            if value is not None:
                fields[key] = value
        return Enrichment(fields=fields, provider=self.provider)


def lead_input(company: CaseCompany) -> LeadInput:
    """What the caller knows before research: the company and its contact."""
    return LeadInput(
        domain=company.domain,
        company=company.name,
        contact_name=company.contact.name,
        contact_email=company.contact.email,
        contact_title=company.contact.title,
    )
