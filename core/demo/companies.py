"""The bundled demo companies (`companies.toml`): the offline lead source and its research facts."""

from __future__ import annotations

import logging
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.demo._files import invalid, read_toml

log = logging.getLogger(__name__)

DEFAULT_COMPANIES_PATH = Path(__file__).with_name("companies.toml")


class ExpectedFit(StrEnum):
    """The label a careful human gives a demo company against the demo ICP."""

    FIT = "fit"
    NON_FIT = "non_fit"
    EDGE = "edge"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Entry):
    """The person to write to."""

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    email: str = Field(pattern=r"^[a-z0-9._%+-]+@[a-z0-9.-]+$")


class Fact(_Entry):
    """One research fact and the page it came from; `injection` marks deliberately hostile text."""

    text: str = Field(min_length=1)
    source_url: str
    injection: bool = False


class DemoCompany(_Entry):
    """A fictional company with a contact and 3-5 sourced facts."""

    domain: str = Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
    name: str = Field(min_length=1)
    industry: str = Field(min_length=1)
    employees: int = Field(ge=1)
    hq_country: str = Field(pattern=r"^[A-Z]{2}$")
    hq_city: str = Field(min_length=1)
    expected_fit: ExpectedFit
    fit_note: str = Field(min_length=1)
    # True when a fact carries a prompt injection: hostile data for the agent's safety tests.
    hostile: bool = False
    contact: Contact
    facts: tuple[Fact, ...] = Field(min_length=3, max_length=5)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # Facts must be grounded in the company's own site, or the drafts' citations mean nothing.
        if not self.contact.email.endswith("@" + self.domain):
            raise ValueError(f"contact email {self.contact.email} is not at {self.domain}")
        for fact in self.facts:
            parts = urlsplit(fact.source_url)
            host = parts.hostname or ""
            if parts.scheme != "https" or not (host == self.domain or host.endswith("." + self.domain)):
                raise ValueError(f"fact source {fact.source_url} is not an https page on {self.domain}")
        if self.hostile != any(fact.injection for fact in self.facts):
            raise ValueError("hostile must be true exactly when a fact is marked injection")
        return self


class _CompaniesFile(_Entry):
    companies: tuple[DemoCompany, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_domains(self) -> Self:
        domains = [company.domain for company in self.companies]
        duplicates = sorted({d for d in domains if domains.count(d) > 1})
        if duplicates:
            raise ValueError(f"duplicate domains: {', '.join(duplicates)}")
        return self


def load_companies(path: Path | str = DEFAULT_COMPANIES_PATH) -> tuple[DemoCompany, ...]:
    """Read and validate a companies file; raises ConfigurationError with one line saying what is wrong."""
    path = Path(path)
    try:
        companies = _CompaniesFile.model_validate(read_toml(path, "demo companies")).companies
    except ValidationError as exc:
        raise invalid(path, "demo companies", exc) from exc
    log.debug("loaded %d demo companies from %s", len(companies), path)
    return companies


@cache
def demo_companies() -> tuple[DemoCompany, ...]:
    """The bundled demo companies (read once per process)."""
    return load_companies(DEFAULT_COMPANIES_PATH)


def demo_company(domain: str) -> DemoCompany | None:
    """The bundled demo company with this domain, or None."""
    domain = domain.strip().lower()
    return next((company for company in demo_companies() if company.domain == domain), None)
