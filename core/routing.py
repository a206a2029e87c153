"""Where a verdict goes: a pure decision over the verdict and the switches in force.

- A verdict a founder must review (invalid evidence, far from the policy band) is never sent by itself.
- PIP and terminate (or a PIP/CRITICAL verdict, whatever action it names) always get a founder approval,
  in every mode and even under review; a message is queued only once a founder approves it.
- Praise and warnings are queued only in live mode with sending on and the kill switch off.
- Everything else is logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.controls import EffectiveControls
from core.models import MessagePurpose, VerdictAction, VerdictLevel, VerdictStatus

FOUNDER_ACTIONS = frozenset({VerdictAction.PIP, VerdictAction.TERMINATE})
FOUNDER_LEVELS = frozenset({VerdictLevel.BELOW_FLOOR_PIP, VerdictLevel.CRITICAL})
AUTO_PURPOSES = {VerdictAction.PRAISE: MessagePurpose.PRAISE, VerdictAction.WARNING: MessagePurpose.WARNING}


@dataclass(frozen=True)
class Route:
    """What to do with a verdict: its status, whether a founder approval is needed, what (if anything) to queue."""

    status: VerdictStatus
    needs_founder_approval: bool
    queue_purpose: MessagePurpose | None
    reason: str


def decide_route(
    *, verdict: VerdictLevel, action: VerdictAction, review_reasons: list[str], controls: EffectiveControls
) -> Route:
    """The route for a freshly written verdict."""
    founder_action = action in FOUNDER_ACTIONS or verdict in FOUNDER_LEVELS
    if review_reasons:
        # Still an approval for a PIP or terminate: the founder decides it with the review reasons in view.
        reason = "a founder must review it: " + "; ".join(review_reasons)
        return Route(VerdictStatus.NEEDS_REVIEW, founder_action, None, reason)
    if founder_action:
        return Route(VerdictStatus.AWAITING_FOUNDER, True, None, f"{action.value} waits for a founder's approval")
    purpose = AUTO_PURPOSES.get(action)
    if purpose is None:
        return Route(VerdictStatus.LOGGED, False, None, "no message to send")
    if not controls.may_send:
        return Route(VerdictStatus.LOGGED, False, None, f"{action.value} not sent: {_quiet_reason(controls)}")
    return Route(VerdictStatus.QUEUED, False, purpose, f"{action.value} queued for sending")


def approved_purpose(action: VerdictAction) -> MessagePurpose | None:
    """The message a founder's approval of `action` releases (None when the action sends nothing)."""
    return {
        VerdictAction.PIP: MessagePurpose.PIP,
        VerdictAction.TERMINATE: MessagePurpose.TERMINATE,
        **AUTO_PURPOSES,
    }.get(action)


def quiet_reason(controls: EffectiveControls) -> str | None:
    """Why nothing may be sent right now (None when sending is allowed)."""
    return None if controls.may_send else _quiet_reason(controls)


def message_body(*, action: VerdictAction, rep_name: str, week_start: str, rationale: str) -> str:
    """The SMS a rep receives for a verdict's action, within the 1,600-character limit."""
    opening = {
        VerdictAction.PRAISE: f"{rep_name}, great work for the week of {week_start}.",
        VerdictAction.WARNING: f"{rep_name}, your week of {week_start} was under the floor.",
        VerdictAction.PIP: f"{rep_name}, about the week of {week_start}: we are starting a performance plan.",
        VerdictAction.TERMINATE: f"{rep_name}, about the week of {week_start}: a founder will call you today.",
    }.get(action, f"{rep_name}, your scorecard for the week of {week_start}.")
    body = f"{opening} {rationale.strip()}"
    return body if len(body) <= 1600 else body[:1597] + "..."


def _quiet_reason(controls: EffectiveControls) -> str:
    if controls.kill_switch:
        return "the kill switch is on"
    if controls.mode.value != "live":
        return "shadow mode"
    return "sending is off"
