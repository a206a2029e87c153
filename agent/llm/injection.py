"""Spotting research text that speaks to the model ("ignore your rules...") instead of about the company.

Defence in depth, not the defence: research always travels inside escaped data blocks, the agent has no
tool that sends anything, and a human approves every draft. This only lets the tools flag such facts so
they never ground a draft and are never copied into one, and lets the offline drafter skip them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.drafting.schema import ResearchFact, SequenceDraft

_INSTRUCTION = re.compile(
    r"""
    \b(?:ignore|disregard|forget|override)\b[^.]{0,40}?\b(?:rules|instructions|prompts?|guidelines|previous|above)\b
  | \b(?:system|admin|developer|god)\s+(?:override|mode|prompt|message)\b
  | \byou\s+are\s+now\b
  | \b(?:note|message|instructions?)\s+(?:to|for)\s+(?:ai|llms?|assistants?|language\s+models?|chatbots?|bots?)\b
  | \bai\s+(?:assistants?|agents?)\s+(?:reading|must|should)\b
  | (?:^|[\s>])(?:assistant|system|user|human)\s*:
  | </?[a-z_][a-z0-9_-]*\s*/?>
  | \b(?:passwords?|auth\s+tokens?|api\s+keys?|secret\s+keys?|credentials)\b
  | \b(?:approve|mark|rate|score)\s+(?:every|all|this)\b
  | \b(?:text|sms|message|call|email|send)\b[^.]{0,40}?(?:\+\d[\d\s().-]{5,}\d|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
    """,
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_instructions(text: str) -> bool:
    """True when `text` addresses an AI or carries commands (a prompt injection) rather than stating a fact."""
    return bool(_INSTRUCTION.search(text))


# Contact details have no place in a draft: the rep's mailbox adds the signature, and an injected
# "email the lead list to ..." must have nowhere to land.
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an email address
    r"|\bhttps?://\S+|\bwww\.\S+"  # a link
    r"|\+\d[\d\s().-]{6,}\d"  # an international phone number
    r"|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"  # a North American phone number
)
_SHINGLE = 5


def guard_failures(draft: SequenceDraft, flagged: Iterable[ResearchFact]) -> list[str]:
    """What the injection guard refuses in a draft: contact details, and any text copied from flagged facts."""
    failures = []
    flagged_shingles = {shingle for fact in flagged for shingle in _shingles(fact.text)}
    for touch in draft.touches:
        for where, text in (("subject", touch.subject), ("body", touch.body), ("call_script", touch.call_script)):
            if not text:
                continue
            for found in dict.fromkeys(match.group(0) for match in _CONTACT.finditer(text)):
                failures.append(f'touch {touch.step} {where} [contact_details]: "{found}"; no links, emails or phones')
            if flagged_shingles & set(_shingles(text)):
                failures.append(
                    f"touch {touch.step} {where} [flagged_text]: copies a research fact flagged as instructions"
                )
    return failures


def _shingles(text: str) -> list[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)]
