"""Lead enrichment: firmographic fields about a company and its contact.

The MindStudio-compatible contract assumed here (the same shape serves any workflow exposed as an HTTP API):

    POST {MINDSTUDIO_ENRICH_URL}
    Authorization: Bearer {MINDSTUDIO_API_KEY}
    Content-Type: application/json
    {"domain": "acme.com", "email": "jane@acme.com"}        (email may be null)

    200 {"fields": {"industry": "Fintech", "employees": 180, "hq_city": "New York", ...}}

Field values must be strings or numbers; anything else (null, booleans, lists, objects) is dropped.
401/403 raise EnrichmentUnauthorized at once; 429, 5xx, timeouts and connection errors are retried a bounded
number of times, then raise EnrichmentFailed; any other status or a body that is not that JSON shape raises
EnrichmentFailed. The key is only ever put in the Authorization header: never in a message or a log line.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import SecretStr

from core.config import Settings
from core.demo.companies import demo_company
from core.errors import SalesAgentError
from integrations.mindstudio import MindStudioClient, mindstudio_key

log = logging.getLogger(__name__)

MAX_FIELDS = 50
MAX_VALUE_CHARS = 500


class EnrichmentError(SalesAgentError):
    """Enrichment could not be done."""


class EnrichmentUnauthorized(EnrichmentError):
    """The enrichment service refused the API key."""


class EnrichmentFailed(EnrichmentError):
    """The enrichment service failed or answered something unreadable."""


@dataclass(frozen=True)
class Enrichment:
    """Fields known about a lead (industry, employees, hq_city, contact_title, ...) and who supplied them."""

    fields: dict[str, str | int | float]
    provider: str
    notes: tuple[str, ...] = field(default=())


class LeadEnricher(Protocol):
    """Adds firmographic fields to a lead."""

    def enrich(self, domain: str, contact_email: str | None) -> Enrichment:
        """The fields known for the company at domain (and its contact, when given)."""
        ...


class MindStudioEnricher:
    """Enrichment from a MindStudio-compatible HTTP API (contract in the module docstring)."""

    provider = "mindstudio"

    def __init__(self, url: str, api_key: SecretStr, **client_options: Any) -> None:
        self.client = MindStudioClient(
            url=url,
            api_key=api_key,
            what="MindStudio enrichment",
            unauthorized=EnrichmentUnauthorized,
            failed=EnrichmentFailed,
            **client_options,
        )

    def enrich(self, domain: str, contact_email: str | None) -> Enrichment:
        """Ask the API for the fields of domain (and contact_email)."""
        answer = self.client.post({"domain": domain, "email": contact_email})
        raw = answer.get("fields") if isinstance(answer, dict) else None
        if not isinstance(raw, dict):
            raise EnrichmentFailed('MindStudio enrichment answered without a "fields" object')
        fields = {key: value for key, value in raw.items() if _usable(value)}
        dropped = sorted(set(raw) - set(fields))
        if dropped:
            log.debug("MindStudio enrichment for %s: dropped fields %s", domain, ", ".join(map(str, dropped)))
        if len(fields) > MAX_FIELDS:
            fields = dict(list(fields.items())[:MAX_FIELDS])
        notes = (f"dropped fields that are not text or numbers: {', '.join(dropped)}",) if dropped else ()
        return Enrichment(fields=fields, provider=self.provider, notes=notes)


def _usable(value: object) -> bool:
    # bool is an int subclass, and NaN/inf are valid in Python's JSON but mean nothing as a fact.
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return 0 < len(value) <= MAX_VALUE_CHARS
    return isinstance(value, int)


class DemoEnricher:
    """Fields of the bundled demo companies; the contact's fields only for that contact (or when none is given)."""

    provider = "demo"

    def enrich(self, domain: str, contact_email: str | None) -> Enrichment:
        """The demo fields for domain, or empty fields with a note when it is not a demo company."""
        company = demo_company(domain)
        if company is None:
            return Enrichment(fields={}, provider=self.provider, notes=(f"{domain} is not a demo company",))
        fields: dict[str, str | int | float] = {
            "company": company.name,
            "industry": company.industry,
            "employees": company.employees,
            "hq_city": company.hq_city,
            "hq_country": company.hq_country,
        }
        if contact_email is None or contact_email.strip().lower() == company.contact.email:
            fields |= {"contact_name": company.contact.name, "contact_title": company.contact.title}
        return Enrichment(fields=fields, provider=self.provider)


def build_enricher(settings: Settings) -> LeadEnricher:
    """MindStudio when MINDSTUDIO_ENRICH_URL is set (the key is then required), else the demo enricher."""
    if settings.mindstudio_enrich_url:
        return MindStudioEnricher(settings.mindstudio_enrich_url, mindstudio_key(settings, "mindstudio_enrich_url"))
    return DemoEnricher()
