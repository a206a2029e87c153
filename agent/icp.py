"""ICP qualification: the result shape, the model's answer schema, and the deterministic rules.

The rules score a lead from the ICP file alone (industry, size, geography, buying signals, disqualifiers).
They are the offline provider's whole judgement, and for the Claude provider the hard floor: a
disqualifier proven by a structured field (industry, head count, country) holds whatever the model says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from agent.drafting.schema import LeadContext
from agent.llm.injection import looks_like_instructions
from core.demo.icp import Disqualifier, Icp

# A disqualified lead scores at most this (the ICP prompt tells the model the same).
DISQUALIFIED_MAX_SCORE = 0.2
WEIGHTS = {"industry": 0.30, "size": 0.25, "geography": 0.20}
SIGNAL_WEIGHT = 0.10
SIGNALS_MAX = 0.25
OUT_OF_RANGE_SIZE = 0.05
CAUTION_PENALTY = 0.20
# Not in the ICP file, but a careful human pauses on them: the buyer may be about to change or shrink.
CAUTIONS = {
    "laid off": "recent layoffs",
    "layoffs": "recent layoffs",
    "hiring freeze": "a hiring freeze",
    "acquired by": "a pending change of owner (acquired)",
}


@dataclass(frozen=True)
class IcpResult:
    """A lead's fit: score 0..1, fit or not, the disqualifiers that apply, and human-readable reasons."""

    score: float
    fit: bool
    disqualified: tuple[str, ...]
    reasons: tuple[str, ...]
    provider: str
    model: str
    prompt_version: str


class IcpAnswer(BaseModel):
    """The structured answer the model must give when qualifying a lead."""

    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0, le=1, description="0 = clearly not a fit, 1 = ideal")
    fit: bool = Field(description="true when the company should get outreach now")
    disqualified: list[str] = Field(default_factory=list, description="keys of every disqualifier that applies")
    reasons: list[str] = Field(min_length=1, max_length=5, description="short reasons, each naming its ICP entry")


@dataclass(frozen=True)
class LeadFirmographics:
    """The structured fields the rules read, from the lead context and its enrichment."""

    industry: str | None
    employees: int | None
    country: str | None


def firmographics(lead: LeadContext) -> LeadFirmographics:
    """Industry, head count and HQ country, when known."""
    enrichment = lead.enrichment
    industry = lead.industry or _text(enrichment.get("industry"))
    employees = enrichment.get("employees")
    count = int(employees) if isinstance(employees, int | float) and not isinstance(employees, bool) else None
    country = _text(enrichment.get("hq_country") or enrichment.get("country"))
    return LeadFirmographics(industry, count, country.upper() if country else None)


def structural_disqualifiers(lead: LeadContext, icp: Icp) -> list[tuple[Disqualifier, str]]:
    """Disqualifiers proven by industry, head count or country, each with the fact that proves it."""
    found = firmographics(lead)
    hits: list[tuple[Disqualifier, str]] = []
    for rule in icp.disqualifiers:
        if found.industry and found.industry.casefold() in {name.casefold() for name in rule.industries}:
            hits.append((rule, f"industry is {found.industry}"))
        elif found.country and found.country in rule.countries:
            hits.append((rule, f"headquartered in {found.country}"))
        elif found.employees is not None and rule.employees_below and found.employees < rule.employees_below:
            hits.append((rule, f"{found.employees:,} employees, under {rule.employees_below:,}"))
        elif found.employees is not None and rule.employees_above and found.employees > rule.employees_above:
            hits.append((rule, f"{found.employees:,} employees, over {rule.employees_above:,}"))
    return hits


def score_icp(lead: LeadContext, icp: Icp, *, provider: str, model: str, prompt_version: str) -> IcpResult:
    """Score a lead by the ICP file's rules; fit needs industry, size, geography, a signal and no caution."""
    found = firmographics(lead)
    facts = [(fact.text, fact.source_url) for fact in lead.facts if not looks_like_instructions(fact.text)]
    reasons: list[str] = []
    score = 0.0

    wanted = (found.industry or "").casefold()
    industry = next((i for i in icp.industries if wanted and i.name.casefold() == wanted), None)
    if industry:
        score += WEIGHTS["industry"]
        reasons.append(f"Industry: {industry.name} is a target industry ({industry.why})")
    else:
        reasons.append(f"Industry: {found.industry or 'unknown'} is not a target industry")

    low, high = icp.employees.min, icp.employees.max
    size_ok = found.employees is not None and low <= found.employees <= high
    if size_ok:
        score += WEIGHTS["size"]
        reasons.append(f"Size: {found.employees:,} employees is within {low:,}-{high:,}")
    elif found.employees is None:
        reasons.append("Size: head count unknown")
    else:
        score += OUT_OF_RANGE_SIZE
        reasons.append(f"Size: {found.employees:,} employees is outside {low:,}-{high:,}")

    geography = next((g for g in icp.geographies if g.country == found.country), None)
    if geography:
        score += WEIGHTS["geography"]
        reasons.append(f"Geography: {geography.name} is served")
    else:
        reasons.append(f"Geography: {found.country or 'unknown country'} is not a served geography")

    signals = 0
    for signal in icp.buying_signals:
        hit = next(((text, url) for text, url in facts if _mentions(text, signal.keywords)), None)
        if hit:
            signals += 1
            reasons.append(f'Buying signal {signal.key}: "{hit[0]}" ({hit[1]})')
    score += min(SIGNALS_MAX, SIGNAL_WEIGHT * signals)
    if not signals:
        reasons.append("No buying signal in the research")

    cautions = sorted({label for text, _ in facts for phrase, label in CAUTIONS.items() if _mentions(text, [phrase])})
    for label in cautions:
        score -= CAUTION_PENALTY
        reasons.append(f"Caution: the research shows {label}; a human should judge the timing")

    disqualified = _disqualifiers(lead, icp, facts)
    for rule, proof in disqualified.values():
        reasons.insert(0, f"Disqualified ({rule.key}): {proof}; {rule.why}")
    score = max(0.0, min(1.0, score))
    if disqualified:
        score = min(score, DISQUALIFIED_MAX_SCORE)
    fit = not disqualified and bool(industry) and size_ok and bool(geography) and signals > 0 and not cautions
    return IcpResult(
        score=round(score, 2),
        fit=fit,
        disqualified=tuple(disqualified),
        reasons=tuple(reasons),
        provider=provider,
        model=model,
        prompt_version=prompt_version,
    )


def _disqualifiers(lead: LeadContext, icp: Icp, facts: list[tuple[str, str]]) -> dict[str, tuple[Disqualifier, str]]:
    found = {rule.key: (rule, proof) for rule, proof in structural_disqualifiers(lead, icp)}
    for rule in icp.disqualifiers:
        if rule.key in found or not rule.keywords:
            continue
        hit = next(((text, url) for text, url in facts if _mentions(text, rule.keywords)), None)
        if hit:
            found[rule.key] = (rule, f'"{hit[0]}" ({hit[1]})')
    return found


def _mentions(text: str, keywords: tuple[str, ...] | list[str]) -> bool:
    return any(_keyword(keyword).search(text) for keyword in keywords)


@cache
def _keyword(keyword: str) -> re.Pattern[str]:
    # Whole words only, so the "cro" signal does not fire on "micro"; a plural still counts ("3 business
    # development reps" mentions "business development rep").
    return re.compile(rf"\b{re.escape(keyword)}(?:s|es)?\b", re.IGNORECASE)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
