"""The review pages' state: every handler checks the session on the server; blindness is kept on the server.

Handlers are called directly on a state instance, as a client sending events over the websocket would reach them,
with no token, a forged one, or a real founder's session.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import reflex as rx
from sqlmodel import Session, select

from core.clock import SystemClock
from core.models import Approval, ApprovalStatus, OutboundMessage, Review, SequenceState, VerdictAction, VerdictLevel
from core.models import Sequence as SequenceRow
from sales_dashboard.access import sign_in
from sales_dashboard.state.approvals import ApprovalsState, time_left
from sales_dashboard.state.auth import AuthState
from sales_dashboard.state.drafts import DraftsState, slop_lines
from sales_dashboard.state.verdicts import VerdictsState
from tests.factories import create_draft, create_founder, create_rep, create_verdict

PASSWORD = "correct horse battery"
WEEK = date(2026, 11, 16)
RATIONALE = "Under the floor three weeks of four: the PIP band."

# Every public handler of each page state, with the arguments a client could send.
HANDLERS: dict[type[AuthState], list[tuple[str, tuple[Any, ...]]]] = {
    VerdictsState: [
        ("load", ()), ("open_verdict", (1,)), ("submit_call", ("MEETS",)), ("mark", (True,)), ("show_evidence", (0,)),
    ],
    DraftsState: [("load", ()), ("start_edit", (1,)), ("send_as_is", (1,)), ("would_skip", (1,)), ("would_edit", ())],
    ApprovalsState: [("load", ()), ("select", (1,)), ("approve", ()), ("reject", ())],
}  # fmt: skip


def _state(cls: type[AuthState], token: str = "") -> Any:
    root = rx.State(_reflex_internal_init=True)
    auth = root.substates[AuthState.get_name()]
    state = auth.substates[cls.get_name()]
    state.token = token
    return state


def _call(state: Any, name: str, *args: Any) -> Any:
    result = type(state).event_handlers[name].fn(state, *args)
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


@pytest.fixture
def seeded(session: Session):  # type: ignore[no-untyped-def]
    """A founder, a PIP verdict with its approval, a MEETS verdict, and a drafted sequence."""
    founder = create_founder(session, password=PASSWORD)
    rep = create_rep(session, name="Ann")
    pip, approval = create_verdict(
        session, rep, WEEK, verdict=VerdictLevel.BELOW_FLOOR_PIP, policy_band=VerdictLevel.BELOW_FLOOR_PIP,
        action=VerdictAction.PIP, rationale=RATIONALE,
    )  # fmt: skip
    meets, _ = create_verdict(session, rep, WEEK - timedelta(weeks=1))
    touch = create_draft(session, rep, datetime(2026, 11, 23, 15, tzinfo=UTC))
    sequence = session.get(SequenceRow, touch.sequence_id)
    sequence.state = SequenceState.SHADOW_LOGGED  # type: ignore[union-attr]
    sequence.research = {"facts": [{"text": "Opened a Denver office", "source_url": "https://example.com/n"}]}  # type: ignore[union-attr]
    session.add(sequence)
    session.commit()
    return {"founder": founder, "pip": pip, "approval": approval, "meets": meets, "sequence_id": touch.sequence_id}


def _nothing_changed(session: Session, approval_id: int) -> None:
    session.expire_all()
    assert session.exec(select(Review)).all() == []
    assert session.get(Approval, approval_id).status == ApprovalStatus.PENDING  # type: ignore[union-attr]
    assert session.exec(select(OutboundMessage)).all() == []


@pytest.mark.parametrize("token", ["", "forged-token-that-names-nobody"])
def test_unauthenticated_callers_get_nothing_and_change_nothing(session: Session, seeded, token: str) -> None:  # type: ignore[no-untyped-def]
    for cls, handlers in HANDLERS.items():
        for name, args in handlers:
            state = _state(cls, token)
            # What a client could have put into the state's plain fields before calling.
            if cls is ApprovalsState:
                state.selected, state.reason = seeded["approval"].id, "forged"
            if cls is DraftsState:
                state.editing, state.edit_text = seeded["sequence_id"], "forged edit"
            if cls is VerdictsState:
                state.is_open, state.revealed = True, True
                state.blind.verdict_id = seeded["pip"].id
            result = _call(state, name, *args)
            assert result is not None, f"{cls.__name__}.{name} did not end the session"
            assert state.token == "" and state.authorized is False, f"{cls.__name__}.{name}"
            private = repr(state.dict())
            assert "Ann" not in private and RATIONALE not in private and "Denver" not in private, f"{name} leaked"
    _nothing_changed(session, seeded["approval"].id)


def _signed_in_state(cls: type[AuthState], seeded, settings) -> Any:  # type: ignore[no-untyped-def]
    new = sign_in(email=seeded["founder"].email, password=PASSWORD, now=SystemClock().now(), settings=settings)
    return _state(cls, new.token)


def test_verdict_review_is_blind_until_the_founder_calls(session: Session, seeded, settings) -> None:  # type: ignore[no-untyped-def]
    state = _signed_in_state(VerdictsState, seeded, settings)
    assert _call(state, "load") is None
    assert [row.verdict_id for row in state.queue] == [seeded["pip"].id, seeded["meets"].id]
    assert state.agreement == "no verdict reviews in the last 14 days"

    _call(state, "open_verdict", seeded["pip"].id)
    assert state.is_open and not state.revealed and state.blind.rep == "Ann" and len(state.blind.metrics) == 8
    blind = repr(state.dict())
    assert RATIONALE not in blind and "BELOW_FLOOR_PIP" not in blind  # the agent's call never reaches the browser
    assert _call(state, "mark", True) is None and state.notice == "Make your own call first."
    assert session.exec(select(Review)).all() == []

    _call(state, "submit_call", "BELOW_FLOOR")
    assert state.revealed and state.reveal.agent_call == "BELOW_FLOOR_PIP" and state.reveal.rationale == RATIONALE
    assert state.reveal.founder_call == "BELOW_FLOOR" and state.reveal.agrees is False
    assert state.agreement == "0% (0/1) in the last 14 days"
    assert [row.verdict_id for row in state.queue] == [seeded["meets"].id]

    # After the reveal the founder marks agreement with a note; their blind call stays.
    state.note = "adjacent band, the PIP is fair"
    _call(state, "mark", True)
    assert state.agreement == "100% (1/1) in the last 14 days"
    session.expire_all()
    review = session.exec(select(Review)).one()
    assert (review.founder_call, review.agent_call, review.agrees, review.shadow_mode) == (
        "BELOW_FLOOR", "BELOW_FLOOR_PIP", True, True,
    )  # fmt: skip
    assert review.notes == "adjacent band, the PIP is fair"

    # A second blind call on the same verdict changes nothing.
    _call(state, "submit_call", "CRITICAL")
    session.expire_all()
    assert session.exec(select(Review)).one().founder_call == "BELOW_FLOOR"


def test_draft_marks_record_reviews(session: Session, seeded, settings) -> None:  # type: ignore[no-untyped-def]
    state = _signed_in_state(DraftsState, seeded, settings)
    _call(state, "load")
    (draft,) = state.drafts
    assert draft.facts[0].source_url == "https://example.com/n" and draft.touches[0].subject == "Hi"
    _call(state, "start_edit", draft.sequence_id)
    _call(state, "would_edit")
    assert state.notice == "Write the edit you would make first."
    state.edit_text = "Hi Ann, shorter please."
    _call(state, "would_edit")
    assert state.drafts == [] and state.agreement == "0% (0/1) in the last 14 days"
    session.expire_all()
    review = session.exec(select(Review)).one()
    assert (review.subject_kind, review.founder_call, review.agent_call, review.agrees, review.edit_text) == (
        "draft", "edit", "send", False, "Hi Ann, shorter please.",
    )  # fmt: skip


def test_approving_a_pip_needs_a_reason_and_sends_nothing_in_shadow(session: Session, seeded, settings) -> None:  # type: ignore[no-untyped-def]
    state = _signed_in_state(ApprovalsState, seeded, settings)
    _call(state, "load")
    (action,) = state.actions
    assert action.action == "pip" and action.rationale == RATIONALE
    _call(state, "select", action.approval_id)
    _call(state, "approve")
    assert state.problem == "A reason is required."
    _nothing_changed(session, seeded["approval"].id)
    state.reason = "Three weeks under the floor; agreed."
    _call(state, "approve")
    assert "Approved" in state.notice and "not sent" in state.notice and state.actions == []
    session.expire_all()
    approval = session.get(Approval, seeded["approval"].id)
    assert approval.status == ApprovalStatus.APPROVED and approval.reply_text == "Three weeks under the floor; agreed."  # type: ignore[union-attr]
    assert session.exec(select(OutboundMessage)).all() == []


def test_view_helpers() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert time_left(now + timedelta(hours=5, minutes=7), now) == "5 h 07 min"
    assert time_left(now - timedelta(seconds=1), now) == "expired"
    assert slop_lines([(1, {"rules": "v1", "failures": []}), (2, {})]) == ["touch 1: passed (v1)"]
    assert slop_lines([(1, {"failures": [{"rule": "banned_phrase", "field": "body", "detail": "synergy"}]})]) == [
        "touch 1: banned_phrase in body: synergy"
    ]
    assert slop_lines([]) == ["no slop report stored"]
