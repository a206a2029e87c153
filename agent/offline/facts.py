"""Research facts as the offline drafter uses them: which are safe to quote, what each is about, and how
to turn one into a sentence about the company without adding a word the slop rules would reject."""

from __future__ import annotations

import re
from enum import StrEnum

from agent.drafting.schema import ResearchFact
from agent.drafting.slop import first_person, placeholders, word_count
from agent.llm.injection import looks_like_instructions

MAX_FACT_WORDS = 40
_BUSY = re.compile(r"\bbus(?:y|ier|iest|yness)\b", re.IGNORECASE)


class FactKind(StrEnum):
    """What a fact says about the company, in the order the first email prefers to open with."""

    HIRING = "hiring"
    FUNDING = "funding"
    LEADER = "leader"
    EXPANSION = "expansion"
    LAUNCH = "launch"
    ACQUISITION = "acquisition"
    GROWTH = "growth"
    OTHER = "other"


# Checked in this order: "Hired its first Head of Revenue Operations" is a leader, not a hiring batch.
_KINDS: tuple[tuple[FactKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (FactKind.LEADER, r"\b(?:named|appointed|joined|first head of)\b"),
        (FactKind.FUNDING, r"\b(?:raised|closed a|series [a-f]|seed|funding)\b"),
        (FactKind.HIRING, r"\b(?:hiring|hired|sdrs?|bdrs?|reps|inside sales team)\b"),
        (FactKind.EXPANSION, r"\b(?:opened|opening|expanding|expansion|office|hub)\b"),
        (FactKind.LAUNCH, r"\b(?:launched|launch|released|introduced)\b"),
        (FactKind.ACQUISITION, r"\bacquired\b"),
        (FactKind.GROWTH, r"\b(?:growth|grew|year-over-year)\b"),
    )
)
# A fact that opens with one of these verbs reads as "<Company> raised ..."; -ing forms take "is".
_VERBS = {
    "raised", "closed", "launched", "opened", "named", "appointed", "reported", "announced", "acquired",
    "issued", "signed", "hired", "released", "introduced", "added", "won", "completed", "partnered",
}  # fmt: skip
_ING_VERBS = {"hiring", "opening", "building", "expanding", "launching", "adding", "growing", "recruiting"}
# Words a sentence may start with that are not names, so they can be lower-cased after a colon.
_LOWERABLE = {"a", "an", "the", "all", "about", "its", "their", "every", "each", "one", "more", "most", "some"}


def usable_facts(facts: list[ResearchFact]) -> list[ResearchFact]:
    """Facts safe to quote: no instructions, nothing the slop rules forbid, short enough for an email."""
    return [
        fact
        for fact in facts
        if not looks_like_instructions(fact.text)
        and not first_person(fact.text)
        and not placeholders(fact.text)
        and not _BUSY.search(fact.text)
        and word_count(fact.text) <= MAX_FACT_WORDS
    ]


def kind_of(fact: ResearchFact) -> FactKind:
    """What the fact is about."""
    return next((kind for kind, pattern in _KINDS if pattern.search(fact.text)), FactKind.OTHER)


def by_priority(facts: list[ResearchFact]) -> list[ResearchFact]:
    """Facts ordered by how good an opener each is (hiring first), stable within a kind."""
    order = list(FactKind)
    return sorted(facts, key=lambda fact: order.index(kind_of(fact)))


def as_sentence(fact: ResearchFact, company: str) -> str:
    """The fact as a sentence about the company ("Ledgerline raised a $32M Series B ...")."""
    text = fact.text.strip()
    if not text.endswith((".", "!", "?")):
        text += "."
    first, _, rest = text.partition(" ")
    bare = first.lower()
    if bare in _VERBS:
        return f"{company} {bare} {rest}"
    if bare in _ING_VERBS:
        return f"{company} is {bare} {rest}"
    if bare == "its":
        return f"{company}'s {rest}"
    lead = f"{bare} {rest}" if bare in _LOWERABLE else text
    return f"One detail from the {company} site: {lead}"
