"""The routing decision in every mode: what is queued, what waits for a founder, what is only logged."""

from __future__ import annotations

import itertools

import pytest

from core.config import AgentMode
from core.controls import EffectiveControls
from core.models import MessagePurpose, VerdictAction, VerdictLevel, VerdictStatus
from core.routing import approved_purpose, decide_route, message_body

MODES = [
    EffectiveControls(mode, send, kill)
    for mode, send, kill in itertools.product(AgentMode, (False, True), (False, True))
]
LIVE_SENDING = EffectiveControls(AgentMode.LIVE, True, False)


@pytest.mark.parametrize("controls", MODES)
@pytest.mark.parametrize(("action", "purpose"), [(VerdictAction.PRAISE, MessagePurpose.PRAISE),
                                                 (VerdictAction.WARNING, MessagePurpose.WARNING)])  # fmt: skip
def test_praise_and_warning_queue_only_live_with_sending_on_and_no_kill_switch(
    controls: EffectiveControls, action: VerdictAction, purpose: MessagePurpose
) -> None:
    level = VerdictLevel.EXCEEDS if action is VerdictAction.PRAISE else VerdictLevel.BELOW_FLOOR
    route = decide_route(verdict=level, action=action, review_reasons=[], controls=controls)
    assert not route.needs_founder_approval
    if controls == LIVE_SENDING:
        assert (route.status, route.queue_purpose) == (VerdictStatus.QUEUED, purpose)
    else:
        assert (route.status, route.queue_purpose) == (VerdictStatus.LOGGED, None)
        assert "not sent" in route.reason


@pytest.mark.parametrize("controls", MODES)
@pytest.mark.parametrize(
    ("level", "action"),
    [
        (VerdictLevel.BELOW_FLOOR_PIP, VerdictAction.PIP),
        (VerdictLevel.CRITICAL, VerdictAction.TERMINATE),
        (VerdictLevel.CRITICAL, VerdictAction.PIP),
        # A PIP/CRITICAL verdict waits for a founder whatever action it names.
        (VerdictLevel.CRITICAL, VerdictAction.WARNING),
        (VerdictLevel.BELOW_FLOOR_PIP, VerdictAction.NONE),
        # And a PIP or terminate action waits whatever the verdict.
        (VerdictLevel.MEETS, VerdictAction.TERMINATE),
    ],
)
def test_pip_and_terminate_always_wait_for_a_founder(
    controls: EffectiveControls, level: VerdictLevel, action: VerdictAction
) -> None:
    route = decide_route(verdict=level, action=action, review_reasons=[], controls=controls)
    assert route.status is VerdictStatus.AWAITING_FOUNDER and route.needs_founder_approval
    assert route.queue_purpose is None


@pytest.mark.parametrize("controls", MODES)
@pytest.mark.parametrize("action", list(VerdictAction))
def test_review_reasons_send_the_verdict_to_a_founder_and_never_out(
    controls: EffectiveControls, action: VerdictAction
) -> None:
    route = decide_route(
        verdict=VerdictLevel.MEETS, action=action, review_reasons=["x: no such row"], controls=controls
    )
    assert (route.status, route.queue_purpose) == (VerdictStatus.NEEDS_REVIEW, None)
    assert route.needs_founder_approval is (action in (VerdictAction.PIP, VerdictAction.TERMINATE))
    assert "x: no such row" in route.reason


def test_none_is_logged() -> None:
    route = decide_route(
        verdict=VerdictLevel.MEETS, action=VerdictAction.NONE, review_reasons=[], controls=LIVE_SENDING
    )
    assert (route.status, route.queue_purpose) == (VerdictStatus.LOGGED, None)


def test_approved_purposes_and_bodies() -> None:
    assert approved_purpose(VerdictAction.PIP) is MessagePurpose.PIP
    assert approved_purpose(VerdictAction.TERMINATE) is MessagePurpose.TERMINATE
    assert approved_purpose(VerdictAction.NONE) is None
    body = message_body(action=VerdictAction.WARNING, rep_name="Ann", week_start="2026-11-16", rationale="x" * 5000)
    assert body.startswith("Ann, your week of 2026-11-16") and len(body) == 1600
