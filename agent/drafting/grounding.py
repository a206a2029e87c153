"""Grounding: which numbers and proper nouns a text states, and whether the lead context backs them.

Pure text functions, deterministic, no I/O. The context (research facts, enrichment, the lead's fields)
is only ever read as data: whatever it says, it can only make more words count as known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from agent.drafting.schema import LeadContext

# A number as people write it in an email: 12, 2026, 2,500,000, $2.5M, 1.2 million, 40%, 3x, 3rd, 1990s.
# Numbers spelt as words ("three") are not read: "one quick question" is not a claim, and the drafting
# prompt forbids numbers that are not in the research, in any spelling.
_NUMBER = re.compile(
    r"""
    (?<![\w.])                                   # not the 3 of Q3 or B2B, nor the 1 of v2.1
    (?P<currency>[$€£])?
    (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
    (?:
        (?P<percent>\s?%|\s?percent\b)
      | \s?(?P<word>thousand|million|billion|trillion)\b
      | (?P<suffix>k|mm|mn|m|bn|b|th|t|x|st|nd|rd|s)(?!\w)
    )?
    (?!\w|\.\d|,\d{3})                           # not the 5 of 5G, not half of a longer number
    """,
    re.VERBOSE | re.IGNORECASE,
)
_SCALE = {
    "k": 10**3, "thousand": 10**3,
    "m": 10**6, "mm": 10**6, "mn": 10**6, "million": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9,
    "t": 10**12, "trillion": 10**12,
}  # fmt: skip

# A word: letters and digits, with inner hyphens, apostrophes and ampersands (Smith-Jones, O'Brien,
# AT&T); or an acronym written with dots (U.S.).
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_](?:[\w&'’\-]*[^\W_])?")
# Lower-case words that may sit between the parts of one name ("Bank of America", "Mies van der Rohe").
_CONNECTORS = frozenset({"of", "de", "van", "von", "der", "den", "da", "del", "la", "le", "du", "&"})
# Openers a word may follow and still start its sentence (quotes, brackets, bullets, dashes).
_OPENERS = " \t\"'“‘([*•-–—"
_SENTENCE_ENDS = ".!?:\n"

# Capitalised words that are not facts about anyone: calendar words, greetings, roles, departments and
# common business acronyms. Anything else capitalised mid-sentence is treated as a name to be grounded.
_COMMON_WORDS = """
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    hi hello hey dear thanks thank best regards cheers ps p.s
    ceo cfo cto coo cro cmo cio ciso cpo vp svp evp avp gm head director founder co-founder cofounder
    president chief manager lead sdr sdrs bdr bdrs ae aes am ams rep reps revops salesops gtm
    sales marketing engineering finance operations revenue product support success people talent
    recruiting legal security procurement it hr ops
    mr mrs ms dr
    b2b b2c saas crm erp roi kpi kpis okr okrs ai ml api apis sso faq pdf url arr mrr yoy qoq eta
"""
COMMON_CAPITALISED = frozenset(_COMMON_WORDS.split())
_PERIOD = re.compile(r"^(?:q[1-4]|h[12]|fy\d{2}|fy\d{4})$", re.IGNORECASE)
# "I", "We", "I'm", ...: the first-person rule reports them; they are not names.
_PRONOUN = re.compile(r"^(?:i|we)(?:['’](?:m|ve|d|ll|re))?$", re.IGNORECASE)


@dataclass(frozen=True)
class NumberMention:
    """A number as written in a text, with its value (2.5M -> 2500000) and whether it is a percentage."""

    text: str
    value: Decimal
    percent: bool


def numbers_in(text: str) -> list[NumberMention]:
    """Every number written in `text`, in order."""
    mentions = []
    for match in _NUMBER.finditer(text):
        value = Decimal(match["digits"].replace(",", ""))
        scale = (match["word"] or match["suffix"] or "").lower()
        value *= _SCALE.get(scale, 1)
        mentions.append(NumberMention(match.group(0).strip(), value, bool(match["percent"])))
    return mentions


def normalise(text: str) -> str:
    """Lower case, no accents, no possessive 's, punctuation as spaces: the form names are compared in."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").replace("&", " and ").lower()
    text = re.sub(r"'s\b", "", text)
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


def _sentence_initial(text: str, start: int) -> bool:
    """True when the word at `start` begins its sentence or line (its capital says nothing)."""
    index = start - 1
    while index >= 0 and text[index] in _OPENERS:
        index -= 1
    return index < 0 or text[index] in _SENTENCE_ENDS


def _is_name_word(word: str) -> bool:
    if not word[0].isupper() or _PRONOUN.match(word):
        return False
    bare = re.sub(r"['’]s$", "", word).lower()
    return bare.rstrip(".") not in COMMON_CAPITALISED and not _PERIOD.match(bare)


def names_in(text: str) -> list[tuple[str, bool]]:
    """Runs of capitalised words ("Acme Logistics", "Jane Doe"), each with whether it opens a sentence."""
    runs: list[tuple[str, bool]] = []
    current: list[str] = []
    initial = False
    end = -1
    pending: list[str] = []  # connectors seen since the last name word, kept only if another follows

    def close() -> None:
        nonlocal current
        if current:
            runs.append((" ".join(current), initial))
        current = []

    for match in _WORD.finditer(text):
        word = match.group(0)
        gap = text[end : match.start()] if end >= 0 else ""
        joined = bool(current) and gap.strip(" ") == ""
        if word.lower() in _CONNECTORS and joined:
            pending.append(word)
            end = match.end()
            continue
        if _is_name_word(word):
            if joined:
                current.extend([*pending, word])
            else:
                close()
                current, initial = [word], _sentence_initial(text, match.start())
        else:
            close()
        pending = []
        end = match.end()
    close()
    return runs


class Grounding:
    """What the lead context (plus trusted seller terms) lets a draft state as fact."""

    def __init__(self, context: LeadContext, known_terms: Iterable[str] = ()) -> None:
        texts = [context.company, context.domain, context.contact_name or "", context.contact_title or ""]
        texts += [context.industry or "", *(fact.text for fact in context.facts), *known_terms]
        texts += [str(value) for value in context.enrichment.values()]
        self._text = f" {normalise(' '.join(texts))} "
        self._capitalised = {normalise(word) for text in texts for word in _WORD.findall(text) if word[0].isupper()}
        mentions = [mention for text in texts for mention in numbers_in(text)]
        self._values = {mention.value for mention in mentions}
        self._percents = {mention.value for mention in mentions if mention.percent}
        self._values |= {Decimal(str(value)) for value in context.enrichment.values() if not isinstance(value, str)}

    def has_number(self, mention: NumberMention) -> bool:
        """A percentage must be a percentage in the context; any other number may match any value."""
        return mention.value in (self._percents if mention.percent else self._values)

    def has_name(self, name: str) -> bool:
        """The whole name appears in the context, or each of its words appears there capitalised."""
        wanted = normalise(name)
        if not wanted:
            return True
        if f" {wanted} " in self._text:
            return True
        words = [word for word in name.split() if word.lower() not in _CONNECTORS]
        return all(normalise(word) in self._capitalised for word in words)

    def ungrounded_numbers(self, text: str) -> list[str]:
        """The numbers in `text` the context does not back, each once, in order."""
        return _unique(mention.text for mention in numbers_in(text) if not self.has_number(mention))

    def ungrounded_names(self, text: str) -> list[str]:
        """The proper nouns in `text` the context does not back, each once, in order."""
        found = []
        for name, initial in names_in(text):
            if self.has_name(name):
                continue
            words = name.split()
            if initial:
                # A capital that opens a sentence proves nothing; only the rest of the run must be known.
                rest = " ".join(words[1:]).strip()
                while rest and rest.split()[0].lower() in _CONNECTORS:
                    rest = " ".join(rest.split()[1:])
                if not rest or self.has_name(rest):
                    continue
                name = rest
            found.append(name)
        return _unique(found)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
