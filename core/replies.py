"""What a rep's SMS reply means: a pure function, no I/O.

Rules (the whole message is compared, trimmed, any case, trailing punctuation ignored):
- `Y`, `YES`, `OK`, `OKAY`: approve the draft in flight.
- `N`, `NO`, `SKIP`: skip it.
- Twilio's opt-out words (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT): opt out.
- `START`, `UNSTOP`: opt back in. `HELP`, `INFO`: help.
- `STATUS`: the rep's quota math. `LEAD`: the next lead (`core/talkback.py` decides whether one is given).
- A message of at least EDIT_MIN_WORDS words or EDIT_MIN_CHARS characters is an edit: it replaces touch 1
  verbatim (only surrounding whitespace is dropped). A keyword inside a long message is part of the edit,
  exactly as Twilio only treats a message that *is* the keyword as one.
- Anything else (short and not a keyword, or empty) is other text (`CLARIFY`, with the trimmed text): it asks
  for clarification and changes nothing, unless the rep owes an explanation for unsent drafts, when the
  caller records it as that explanation (`core/talkback.py`, which also says when an edit-length text is one).

`YES` is also an opt-in keyword at Twilio: Twilio re-subscribes a number that texts it. Here `YES` approves,
and the result carries `twilio_opt_in=True` so the caller also clears the rep's opted-out flag, keeping our
flag equal to the carrier's state. `Y` is not a Twilio keyword and only approves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# An email worth sending is longer than any one-line answer: 20 words or 120 characters.
EDIT_MIN_WORDS = 20
EDIT_MIN_CHARS = 120

APPROVE_WORDS = frozenset({"Y", "YES", "OK", "OKAY"})
SKIP_WORDS = frozenset({"N", "NO", "SKIP"})
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
STATUS_WORDS = frozenset({"STATUS"})
LEAD_WORDS = frozenset({"LEAD"})
# Twilio's own opt-in keywords (it re-subscribes the number whatever our webhook answers).
TWILIO_OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})

_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,;:]+$")

HELP_TEXT = (
    "Sales agent: reply Y to approve a draft, N to skip it, or send your edit verbatim. "
    "STATUS for your numbers, LEAD for a lead. STOP to opt out."
)
CLARIFY_TEXT = "Sorry, I did not get that. Reply Y to approve, N to skip, or send your full edit (the whole email)."


class ReplyKind(StrEnum):
    """What a reply asks for."""

    APPROVE = "approve"
    SKIP = "skip"
    EDIT = "edit"
    CLARIFY = "clarify"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    STATUS = "status"
    LEAD = "lead"


@dataclass(frozen=True)
class ParsedReply:
    """A reply's meaning; `text` is the edit (verbatim) for EDIT, the trimmed text for CLARIFY, else empty."""

    kind: ReplyKind
    text: str = ""
    twilio_opt_in: bool = False


def keyword_of(body: str) -> str:
    """The message as a keyword: trimmed, upper case, trailing punctuation dropped."""
    return _TRAILING_PUNCTUATION.sub("", body.strip()).upper()


def is_edit(body: str) -> bool:
    """True when the message is long enough to be an email."""
    text = body.strip()
    return len(text) >= EDIT_MIN_CHARS or len(text.split()) >= EDIT_MIN_WORDS


def parse_reply(body: str) -> ParsedReply:
    """Classify one SMS from a rep."""
    if is_edit(body):
        return ParsedReply(ReplyKind.EDIT, text=body.strip())
    word = keyword_of(body)
    twilio_opt_in = word in TWILIO_OPT_IN_WORDS
    if word in APPROVE_WORDS:
        return ParsedReply(ReplyKind.APPROVE, twilio_opt_in=twilio_opt_in)
    if word in SKIP_WORDS:
        return ParsedReply(ReplyKind.SKIP)
    if word in OPT_OUT_WORDS:
        return ParsedReply(ReplyKind.OPT_OUT)
    if word in OPT_IN_WORDS:
        return ParsedReply(ReplyKind.OPT_IN, twilio_opt_in=True)
    if word in HELP_WORDS:
        return ParsedReply(ReplyKind.HELP)
    if word in STATUS_WORDS:
        return ParsedReply(ReplyKind.STATUS)
    if word in LEAD_WORDS:
        return ParsedReply(ReplyKind.LEAD)
    return ParsedReply(ReplyKind.CLARIFY, text=body.strip())
