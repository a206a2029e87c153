"""Lead research: a handful of facts about a company, each with the page it came from.

Research text is data. Nothing here interprets it: a page that says "ignore your rules" yields that sentence
as a fact like any other, and it is the agent's prompts that keep data apart from instructions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from core.config import Settings
from core.demo.companies import demo_company
from integrations.lead_sources import InvalidDomain, normalise_domain
from integrations.web_reader import PageReader, WebReadError, fetch_page

log = logging.getLogger(__name__)

MAX_FACTS = 8
MAX_FACT_CHARS = 300
MIN_FACT_CHARS = 25
# Words that mark a sentence as news about the company rather than marketing copy.
_SIGNALS = re.compile(
    r"\b(rais(?:ed|es|ing)|funding|series [a-f]|seed round|investors?|valuation|hir(?:ing|es|ed)|jobs|careers"
    r"|launch(?:ed|es|ing)?|releas(?:ed|es)|introduc(?:ed|es)|expan(?:d|ds|ded|ding|sion)|open(?:ed|s|ing)"
    r"|acquir(?:ed|es|ition)|partner(?:ed|ship|s)?|customers|clients|employees|founded|headquarter(?:ed|s)?"
    r"|offices?|revenue|arr|grew|growth|announc(?:ed|es))\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class SourcedFact:
    """One statement about a company and the URL it was read from."""

    text: str
    source_url: str


@dataclass(frozen=True)
class ResearchResult:
    """What research found; `notes` say what could not be read or why nothing was found."""

    facts: list[SourcedFact]
    provider: str
    notes: tuple[str, ...] = field(default=())


class LeadResearcher(Protocol):
    """Finds sourced facts about a lead's company; never raises for a company it knows nothing about."""

    def research(self, domain: str, company: str) -> ResearchResult:
        """Facts about the company at domain, each with its source URL."""
        ...


class DemoResearcher:
    """The bundled demo companies' facts, verbatim (hostile ones included: they are data too)."""

    provider = "demo"

    def research(self, domain: str, company: str) -> ResearchResult:
        """The demo facts for domain, or an empty result with a note when it is not a demo company."""
        found = demo_company(domain)
        if found is None:
            return ResearchResult(facts=[], provider=self.provider, notes=(f"{domain} is not a demo company",))
        return ResearchResult(
            facts=[SourcedFact(text=fact.text, source_url=fact.source_url) for fact in found.facts],
            provider=self.provider,
        )


class WebResearcher:
    """Reads the company's own site through the SSRF-guarded reader and keeps its most factual sentences."""

    provider = "web"

    def __init__(
        self,
        reader: PageReader = fetch_page,
        *,
        paths: Sequence[str] = ("/", "/about"),
        max_facts: int = MAX_FACTS,
        max_fact_chars: int = MAX_FACT_CHARS,
    ) -> None:
        self.reader = reader
        self.paths = tuple(paths)
        self.max_facts = max_facts
        self.max_fact_chars = max_fact_chars

    def research(self, domain: str, company: str) -> ResearchResult:
        """Facts from https://{domain}/ and its about page; unreadable pages become notes, not errors."""
        try:
            domain = normalise_domain(domain)
        except InvalidDomain as exc:
            return ResearchResult(facts=[], provider=self.provider, notes=(str(exc),))
        facts: list[SourcedFact] = []
        notes: list[str] = []
        seen: set[str] = set()
        for path in self.paths:
            url = f"https://{domain}{path}"
            try:
                page = self.reader(url)
            except WebReadError as exc:
                log.info("research of %s: %s", domain, exc)
                notes.append(f"{url}: {exc}")
                continue
            if page.truncated:
                notes.append(f"{page.final_url}: only the first part of the page was read")
            for sentence in factual_sentences(page.text, company, max_chars=self.max_fact_chars, limit=self.max_facts):
                if sentence not in seen:
                    seen.add(sentence)
                    facts.append(SourcedFact(text=sentence, source_url=page.final_url))
        if not facts:
            notes.append(f"no factual sentences found on {domain}")
        return ResearchResult(facts=facts[: self.max_facts], provider=self.provider, notes=tuple(notes))


def factual_sentences(
    text: str, company: str = "", *, max_chars: int = MAX_FACT_CHARS, limit: int = MAX_FACTS
) -> list[str]:
    """The sentences of text most likely to be facts (numbers, funding, hiring, launches...), in page order."""
    sentences = [
        sentence.strip()
        for line in text.splitlines()
        for sentence in _SENTENCE_END.split(line)
        if MIN_FACT_CHARS <= len(sentence.strip()) <= max_chars
    ]
    scored = []
    for index, sentence in enumerate(dict.fromkeys(sentences)):
        score = 2 * bool(_SIGNALS.search(sentence)) + bool(_DIGIT.search(sentence))
        if score:
            if company and company.lower() in sentence.lower():
                score += 1
            scored.append((-score, index, sentence))
    best = sorted(scored)[:limit]
    return [sentence for _score, _index, sentence in sorted(best, key=lambda item: item[1])]


def build_researcher(settings: Settings) -> LeadResearcher:
    """The web researcher when real leads come in (a MindStudio source or a CSV drop), else the demo one."""
    if settings.mindstudio_leads_url or settings.lead_csv_drop_dir:
        return WebResearcher()
    return DemoResearcher()
