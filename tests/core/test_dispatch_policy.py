"""The send decision and the status-callback rule: pure functions, table-driven."""

from __future__ import annotations

import pytest

from core.config import AgentMode
from core.dispatch_policy import Recipient, SendContext, Verdict, decide, map_provider_status, status_after_callback
from core.models import MessagePurpose, OutboundStatus

REP = Recipient(is_active_rep=True)
LIVE = {"mode": AgentMode.LIVE, "send_enabled": True, "kill_switch": False}


def ctx(**overrides: object) -> SendContext:
    fields: dict[str, object] = {
        "purpose": MessagePurpose.APPROVAL_REQUEST,
        "approved_by": None,
        "queued_in_shadow": False,
        "recipient": REP,
        **LIVE,
    }
    fields.update(overrides)
    return SendContext(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "verdict", "reason"),
    [
        ({}, Verdict.SEND, ""),
        ({"recipient": Recipient(is_active_founder=True)}, Verdict.SEND, ""),
        ({"purpose": MessagePurpose.PIP}, Verdict.BLOCK, "founder's approval"),
        ({"purpose": MessagePurpose.TERMINATE, "mode": AgentMode.SHADOW}, Verdict.BLOCK, "founder's approval"),
        ({"purpose": MessagePurpose.PIP, "approved_by": 1}, Verdict.SEND, ""),
        ({"recipient": Recipient()}, Verdict.BLOCK, "not an active rep"),
        ({"recipient": Recipient(is_active_rep=False, rep_opted_out=False)}, Verdict.BLOCK, "not an active rep"),
        ({"recipient": Recipient(is_active_rep=True, rep_opted_out=True)}, Verdict.BLOCK, "opted out"),
        ({"kill_switch": True}, Verdict.BLOCK, "kill switch"),
        ({"kill_switch": True, "mode": AgentMode.SHADOW}, Verdict.BLOCK, "kill switch"),
        ({"mode": AgentMode.SHADOW}, Verdict.SHADOW, "shadow"),
        ({"queued_in_shadow": True}, Verdict.SHADOW, "shadow"),
        ({"mode": AgentMode.SHADOW, "send_enabled": False}, Verdict.SHADOW, "shadow"),
        ({"send_enabled": False}, Verdict.BLOCK, "sending is off"),
    ],
)
def test_decide(overrides: dict[str, object], verdict: Verdict, reason: str) -> None:
    decision = decide(ctx(**overrides))
    assert decision.verdict is verdict
    assert reason in decision.reason


S = OutboundStatus


@pytest.mark.parametrize(
    ("current", "provider", "expected"),
    [
        (S.SENDING, "sent", S.SENT),
        (S.SENDING, "delivered", S.DELIVERED),
        (S.SENT, "delivered", S.DELIVERED),
        (S.SENT, "read", S.DELIVERED),
        (S.SENT, "sent", None),
        (S.SENT, "queued", None),
        (S.SENT, "sending", None),
        (S.DELIVERED, "sent", None),
        (S.DELIVERED, "failed", None),
        (S.SENT, "undelivered", S.FAILED),
        (S.SENDING, "failed", S.FAILED),
        (S.FAILED, "delivered", None),
        (S.UNKNOWN, "sent", S.SENT),
        (S.UNKNOWN, "delivered", S.DELIVERED),
        (S.UNKNOWN, "failed", S.FAILED),
        (S.UNKNOWN, "queued", None),
        (S.QUEUED, "delivered", None),
        (S.BLOCKED, "delivered", None),
        (S.SHADOW, "sent", None),
        (S.SENT, "bogus", None),
    ],
)
def test_status_moves_forward_only(current: OutboundStatus, provider: str, expected: OutboundStatus | None) -> None:
    assert status_after_callback(current, provider) is expected


def test_provider_status_is_case_insensitive() -> None:
    assert map_provider_status(" Delivered ") is S.DELIVERED
