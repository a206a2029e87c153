"""Whether one queued SMS may leave, decided at the moment of sending, and how provider status callbacks move
a sent message forward. Pure functions over plain data; the dispatcher (workers/dispatch.py) feeds them.

Order of the checks (the first that fails decides, and is recorded as the reason):
1. PIP / terminate without a founder's approval: blocked (the database CHECK forbids the row anyway).
2. The recipient is not allowlisted (an active rep's or an active founder's number): blocked.
3. The rep has opted out: blocked.
4. Kill switch on: blocked.
5. Shadow mode now, or the message was queued in shadow mode: `shadow` (logged, never sent).
6. Sending off: blocked.
Otherwise: send. A blocked or shadow message never goes later; a new message must be queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.config import AgentMode
from core.models import MessagePurpose, OutboundStatus

FOUNDER_ONLY_PURPOSES = frozenset({MessagePurpose.PIP, MessagePurpose.TERMINATE})


class Verdict(StrEnum):
    """What to do with a queued message."""

    SEND = "send"
    BLOCK = "block"
    SHADOW = "shadow"


@dataclass(frozen=True)
class Recipient:
    """Who the number belongs to, as the allowlist sees it (None fields: no such person)."""

    is_active_rep: bool = False
    rep_opted_out: bool = False
    is_active_founder: bool = False


@dataclass(frozen=True)
class SendContext:
    """Everything the decision needs, read at the moment of sending."""

    purpose: MessagePurpose
    approved_by: int | None
    queued_in_shadow: bool
    recipient: Recipient
    mode: AgentMode
    send_enabled: bool
    kill_switch: bool


@dataclass(frozen=True)
class Decision:
    """The verdict and, unless sending, the reason recorded on the row."""

    verdict: Verdict
    reason: str = ""


def decide(context: SendContext) -> Decision:
    """Send, block (with a reason) or log in shadow: see the module docstring for the order."""
    if context.purpose in FOUNDER_ONLY_PURPOSES and context.approved_by is None:
        return Decision(Verdict.BLOCK, f"{context.purpose.value} needs a founder's approval")
    recipient = context.recipient
    if not (recipient.is_active_rep or recipient.is_active_founder):
        return Decision(Verdict.BLOCK, "recipient is not an active rep or founder")
    if recipient.is_active_rep and not recipient.is_active_founder and recipient.rep_opted_out:
        return Decision(Verdict.BLOCK, "rep has opted out of SMS")
    if context.kill_switch:
        return Decision(Verdict.BLOCK, "kill switch is on")
    if context.mode is not AgentMode.LIVE or context.queued_in_shadow:
        return Decision(Verdict.SHADOW, "shadow mode: logged, not sent")
    if not context.send_enabled:
        return Decision(Verdict.BLOCK, "sending is off")
    return Decision(Verdict.SEND)


# Twilio's message statuses, mapped onto ours. Only the ones that mean progress are listed.
_PROVIDER_STATUS = {
    "accepted": OutboundStatus.SENDING,
    "scheduled": OutboundStatus.SENDING,
    "queued": OutboundStatus.SENDING,
    "sending": OutboundStatus.SENDING,
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "read": OutboundStatus.DELIVERED,
    "undelivered": OutboundStatus.FAILED,
    "failed": OutboundStatus.FAILED,
    "canceled": OutboundStatus.FAILED,
}
_RANK = {OutboundStatus.SENDING: 1, OutboundStatus.SENT: 2, OutboundStatus.DELIVERED: 3}
# A status callback can only be about a message that reached the provider.
_MOVABLE = frozenset({OutboundStatus.SENDING, OutboundStatus.SENT, OutboundStatus.UNKNOWN})


def map_provider_status(provider_status: str) -> OutboundStatus | None:
    """Our status for a Twilio MessageStatus, or None for one that says nothing new."""
    return _PROVIDER_STATUS.get(provider_status.strip().lower())


def status_after_callback(current: OutboundStatus, provider_status: str) -> OutboundStatus | None:
    """The status a callback moves `current` to, or None when it would not move forward.

    Forward only: sending -> sent -> delivered, or to failed from any not-yet-final state; `unknown` (a
    lease that ran out) is resolved by the provider's word. Delivered, failed, blocked, shadow and queued
    never move.
    """
    target = map_provider_status(provider_status)
    if target is None or current not in _MOVABLE:
        return None
    if target is OutboundStatus.FAILED:
        return OutboundStatus.FAILED
    if current is OutboundStatus.UNKNOWN:
        return target if target is not OutboundStatus.SENDING else None
    return target if _RANK[target] > _RANK[current] else None
