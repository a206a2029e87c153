"""The slop rules: what a drafted sequence must pass before anyone sees it, with every failure listed.

Pure and deterministic: the same draft and context always give the same report, so a report can be
stored beside the touch (`touches.slop_report`), fed back to the drafter, and compared across runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from agent.drafting.grounding import Grounding
from agent.drafting.schema import LeadContext, SequenceDraft, Touch

# Stored with every report: a report read back later says which rules it was judged by.
RULES_VERSION = "slop-v1"
MIN_BODY_WORDS = 50
MAX_BODY_WORDS = 150
MAX_SUBJECT_CHARS = 60

# Counted like a word processor: "follow-up", "don't" and "2,500,000" are one word each.
_WORDS = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")
# "I" and "we" with their contractions; \b keeps "IT", "well", "answer" and "WeWork" out.
_FIRST_PERSON = re.compile(r"\b(?:I|we)(?:['’](?:m|ve|d|ll|re))?\b", re.IGNORECASE)
# A capital I after these words is a roman numeral ("Series I", "Phase I"), not the sender.
_ROMAN_AFTER = re.compile(r"\b(?:series|phase|type|class|part|tier|level|stage|chapter|title|war)\s+$", re.I)
_BUSY = re.compile(r"\bbus(?:y|ier|iest|yness)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"\{\{[^{}]*\}\}"  # {{name}}
    r"|\{[^{}\n]*\}"  # {first_name}
    r"|\[[^\[\]\n]*\]"  # [Company]
    r"|<[^<>\n]*>"  # <first_name>
    r"|\b(?:TODO|TBD|FIXME|XXX+)\b"
    r"|\b[A-Za-z]+(?:_[A-Za-z]+)+\b"  # first_name, COMPANY_NAME
    r"|(?i:lorem ipsum)"
)


class Rule(StrEnum):
    """The id of each slop rule, as stored in reports."""

    BODY_LENGTH = "body_length"
    SUBJECT_LENGTH = "subject_length"
    FIRST_PERSON = "first_person"
    BUSY = "busy"
    PLACEHOLDER = "placeholder"
    UNGROUNDED_NUMBER = "ungrounded_number"
    UNGROUNDED_NAME = "ungrounded_name"


@dataclass(frozen=True)
class SlopFailure:
    """One broken rule in one field (subject, body or call_script) of one touch."""

    rule: Rule
    step: int
    field: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in `touches.slop_report`."""
        return {"rule": self.rule.value, "step": self.step, "field": self.field, "detail": self.detail}


@dataclass
class SlopReport:
    """Every failure of a draft (none means it passed), with each email body's word count."""

    failures: list[SlopFailure] = field(default_factory=list)
    word_counts: dict[int, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when no rule failed."""
        return not self.failures

    def for_step(self, step: int) -> SlopReport:
        """The part of the report about one touch (what that touch's row stores)."""
        return SlopReport(
            failures=[failure for failure in self.failures if failure.step == step],
            word_counts={s: n for s, n in self.word_counts.items() if s == step},
        )

    def to_feedback(self) -> str:
        """A compact list of the failures, to give back to the drafter for the next attempt."""
        if self.passed:
            return "The draft passed every rule."
        lines = [f"The draft broke {len(self.failures)} rule(s). Fix every one and keep the rest as it is:"]
        lines += [f"- touch {f.step} {f.field} [{f.rule.value}]: {f.detail}" for f in self.failures]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in `touches.slop_report`."""
        return {
            "rules": RULES_VERSION,
            "passed": self.passed,
            "failures": [failure.as_dict() for failure in self.failures],
            "word_counts": {str(step): count for step, count in sorted(self.word_counts.items())},
        }


def check_slop(draft: SequenceDraft, context: LeadContext, *, known_terms: Iterable[str] = ()) -> SlopReport:
    """Judge a draft against every slop rule; `known_terms` is trusted text (the seller's name, product)."""
    grounding = Grounding(context, known_terms)
    report = SlopReport()
    for touch in draft.touches:
        report.word_counts[touch.step] = word_count(touch.body)
        report.failures += _check_touch(touch, grounding)
    return report


def word_count(text: str) -> int:
    """How many words `text` has."""
    return len(_WORDS.findall(text))


def _check_touch(touch: Touch, grounding: Grounding) -> list[SlopFailure]:
    failures: list[SlopFailure] = []

    def fail(rule: Rule, where: str, detail: str) -> None:
        failures.append(SlopFailure(rule, touch.step, where, detail))

    subject = touch.subject.strip()
    if len(subject) > MAX_SUBJECT_CHARS:
        fail(Rule.SUBJECT_LENGTH, "subject", f"{len(subject)} characters; at most {MAX_SUBJECT_CHARS}")
    words = word_count(touch.body)
    if not MIN_BODY_WORDS <= words <= MAX_BODY_WORDS:
        fail(Rule.BODY_LENGTH, "body", f"{words} words; write {MIN_BODY_WORDS}-{MAX_BODY_WORDS}")

    # The call script is what the rep says on the phone: speaking as "I" is natural there.
    fields = [("subject", touch.subject, True), ("body", touch.body, True)]
    if touch.call_script:
        fields.append(("call_script", touch.call_script, False))
    for where, text, written in fields:
        if written and (pronouns := first_person(text)):
            quoted = ", ".join(f'"{p}"' for p in pronouns)
            fail(Rule.FIRST_PERSON, where, f"uses {quoted}; write about the reader, without I or we")
        if busy := _unique(m.group(0) for m in _BUSY.finditer(text)):
            fail(Rule.BUSY, where, f'uses "{busy[0]}"; never mention how busy the reader is')
        for placeholder in placeholders(text):
            fail(Rule.PLACEHOLDER, where, f'unfilled placeholder "{placeholder}"')
        # Each slip is reported once: a placeholder or "Busy" is not also an unknown name.
        text = _BUSY.sub(" ", _PLACEHOLDER.sub(" ", text))
        for number in grounding.ungrounded_numbers(text):
            fail(Rule.UNGROUNDED_NUMBER, where, f'number "{number}" is not in the research or enrichment')
        for name in grounding.ungrounded_names(text):
            fail(Rule.UNGROUNDED_NAME, where, f'name "{name}" is not in the research or enrichment')
    return failures


def first_person(text: str) -> list[str]:
    """The distinct "I"/"we" words (and contractions) in `text`, as written."""
    found = []
    for match in _FIRST_PERSON.finditer(text):
        word, before, after = match.group(0), text[: match.start()], text[match.end() :]
        if word == "I" and (_ROMAN_AFTER.search(before) or after.startswith("/O")):
            continue
        if word.lower() == "i" and re.match(r"\.\s?e\.", after, re.IGNORECASE):
            continue  # "i.e."
        found.append(word)
    return _unique(found)


def placeholders(text: str) -> list[str]:
    """The distinct unfilled template slots in `text` ({{name}}, [Company], <first_name>, TODO, ...)."""
    return _unique(match.group(0) for match in _PLACEHOLDER.finditer(text))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
