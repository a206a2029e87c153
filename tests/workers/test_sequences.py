"""The sequence jobs in-process: shadow ends in shadow_logged; live pushes touch 1, asks, resumes, follows up.

Real database, real offline provider, real local mail drafts (files under a temp folder); time is a FixedClock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from agent.wiring import build_provider
from core.approvals import resolve_approval
from core.clock import FixedClock
from core.config import AgentMode
from core.models import (
    Approval,
    ApprovalStatus,
    AuditEvent,
    Lead,
    LeadStatus,
    MessagePurpose,
    OutboundMessage,
    Sequence,
    SequenceState,
    Touch,
)
from core.sequences import create_sequence
from integrations.mail_drafts import LocalMailDrafts
from tests.factories import create_lead, create_rep, go_live
from workers.sequences import SequenceDeps, run_sequence

T0 = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)  # a Tuesday, 09:05 in New York
DEMO = ("shipwright-cloud.example", "Shipwright Cloud")


class CountingDrafts(LocalMailDrafts):
    """The real local stand-in, counting calls (to prove a retry makes no second draft)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.creates: list[str] = []
        self.updates: list[str] = []
        self.deletes: list[str] = []

    def create_draft(self, *, mailbox: str, key: str, to: str, subject: str, body: str):  # type: ignore[no-untyped-def]
        self.creates.append(key)
        return super().create_draft(mailbox=mailbox, key=key, to=to, subject=subject, body=body)

    def update_draft(self, *, mailbox, draft_id, key, to, subject, body):  # type: ignore[no-untyped-def]
        self.updates.append(draft_id)
        return super().update_draft(mailbox=mailbox, draft_id=draft_id, key=key, to=to, subject=subject, body=body)

    def delete_draft(self, *, mailbox, draft_id):  # type: ignore[no-untyped-def]
        self.deletes.append(draft_id)
        super().delete_draft(mailbox=mailbox, draft_id=draft_id)


def live_settings(settings):  # type: ignore[no-untyped-def]
    """The environment's ceiling lifted (the conftest pins AGENT_MODE=shadow for everything else)."""
    return settings.model_copy(update={"agent_mode": AgentMode.LIVE, "agent_send_enabled": True})


def make_deps(settings, engine, tmp_path: Path, clock: FixedClock, **kw) -> SequenceDeps:  # type: ignore[no-untyped-def]
    return SequenceDeps(
        settings=settings,
        engine=engine,
        clock=clock,
        mail=kw.pop("mail", None) or CountingDrafts(tmp_path / "drafts"),
        provider_factory=kw.pop("provider_factory", None) or (lambda ledger: build_provider(settings, ledger=ledger)),
        **kw,
    )


def new_sequence(session, *, rep=None, domain: str = DEMO[0], company: str = DEMO[1]) -> Sequence:  # type: ignore[no-untyped-def]
    rep = rep or create_rep(session)
    lead = create_lead(
        session, domain=domain, company=company, contact_name="Dana Reyes", contact_email="dana@" + domain,
        status=LeadStatus.IN_SEQUENCE, assigned_rep_id=rep.id,
    )  # fmt: skip
    sequence = create_sequence(session=session, lead_id=lead.id, rep_id=rep.id, shadow_mode=True, now=T0)
    assert sequence is not None
    session.commit()
    return sequence


def fresh(session) -> None:  # type: ignore[no-untyped-def]
    """End the test session's read snapshot (SQLite keeps one per transaction) and drop its cached rows."""
    session.rollback()
    session.expire_all()


def test_shadow_mode_ends_in_shadow_logged_with_nothing_leaving(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sequence = new_sequence(session)
    deps = make_deps(settings, engine, tmp_path, FixedClock(T0))
    assert run_sequence(sequence.id, deps=deps) == SequenceState.SHADOW_LOGGED
    touches = session.exec(select(Touch).where(Touch.sequence_id == sequence.id).order_by(Touch.step)).all()
    assert [t.step for t in touches] == [1, 2, 3] and touches[1].call_script
    assert all(t.slop_report.get("passed") for t in touches)
    assert all(t.gmail_draft_id is None and t.pushed_at is None for t in touches)
    assert session.exec(select(OutboundMessage)).all() == []
    assert session.exec(select(Approval)).all() == []
    assert deps.mail.creates == []  # type: ignore[attr-defined]
    fresh(session)
    seq = session.get(Sequence, sequence.id)
    assert seq.research["facts"] and seq.model == "offline-rules" and seq.prompt_version
    # A second run is a no-op.
    assert run_sequence(sequence.id, deps=deps) == SequenceState.SHADOW_LOGGED
    assert len(session.exec(select(Touch)).all()) == 3


def test_live_pushes_touch_one_asks_the_rep_and_waits(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    go_live(session)
    sequence = new_sequence(session)
    deps = make_deps(live_settings(settings), engine, tmp_path, FixedClock(T0))
    assert run_sequence(sequence.id, deps=deps) == SequenceState.AWAITING_REP
    approval = session.exec(select(Approval)).one()
    assert approval.status == ApprovalStatus.PENDING and approval.expires_at == T0 + timedelta(hours=48)
    message = session.exec(select(OutboundMessage)).one()
    assert message.idempotency_key == f"approval:{approval.id}" and message.purpose == MessagePurpose.APPROVAL_REQUEST
    assert message.body.endswith("draft ready. Reply Y to approve, N to skip, or send your edit verbatim.")
    touch1 = session.exec(select(Touch).where(Touch.sequence_id == sequence.id, Touch.step == 1)).one()
    assert touch1.gmail_draft_id and touch1.pushed_at == T0
    files = list((tmp_path / "drafts").rglob("*.eml"))
    assert len(files) == 1 and touch1.subject in files[0].read_text()
    # Running again changes nothing: same draft, same approval, same message.
    assert run_sequence(sequence.id, deps=deps) == SequenceState.AWAITING_REP
    assert len(deps.mail.creates) == 1  # type: ignore[attr-defined]
    assert len(session.exec(select(OutboundMessage)).all()) == 1


def test_second_draft_for_the_same_rep_waits_for_the_slot(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    go_live(session)
    rep = create_rep(session)
    first = new_sequence(session, rep=rep)
    second = new_sequence(session, rep=rep, domain="tallyhr.example", company="Tally HR")
    clock = FixedClock(T0)
    deps = make_deps(live_settings(settings), engine, tmp_path, clock)
    assert run_sequence(first.id, deps=deps) == SequenceState.AWAITING_REP
    assert run_sequence(second.id, deps=deps) == SequenceState.DRAFTED
    assert len(session.exec(select(Approval)).all()) == 1
    approval = session.exec(select(Approval)).one()
    resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.APPROVED, reply_text=None,
                     resolved_by=f"rep:{rep.id}", now=T0 + timedelta(hours=1))  # fmt: skip
    session.commit()
    clock.advance(timedelta(hours=1))
    assert run_sequence(first.id, deps=deps) == SequenceState.APPROVED
    assert run_sequence(second.id, deps=deps) == SequenceState.AWAITING_REP


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        (ApprovalStatus.APPROVED, SequenceState.APPROVED),
        (ApprovalStatus.EDITED, SequenceState.EDITED),
        (ApprovalStatus.SKIPPED, SequenceState.SKIPPED),
    ],
)
def test_resume_schedules_touches_and_follows_up_to_completion(
    settings, engine, session, tmp_path, answer, state
) -> None:  # type: ignore[no-untyped-def]
    go_live(session)
    sequence = new_sequence(session)
    clock = FixedClock(T0)
    deps = make_deps(live_settings(settings), engine, tmp_path, clock)
    run_sequence(sequence.id, deps=deps)
    approval = session.exec(select(Approval)).one()
    answered_at = T0 + timedelta(hours=2)
    edit = "Hi Dana,\n\nMy own words, sent as they are.\n\nBest,\nRep" if answer is ApprovalStatus.EDITED else None
    resolve_approval(session=session, approval_id=approval.id, status=answer, reply_text=edit,
                     resolved_by="rep:1", now=answered_at)  # fmt: skip
    session.commit()
    clock.advance(timedelta(hours=2))
    assert run_sequence(sequence.id, deps=deps) == state
    touches = {t.step: t for t in session.exec(select(Touch).where(Touch.sequence_id == sequence.id)).all()}
    assert touches[2].due_at == answered_at + timedelta(days=3)
    assert touches[3].due_at == answered_at + timedelta(days=7)
    assert touches[2].pushed_at is None
    if edit:
        assert touches[1].body == edit and deps.mail.updates == [touches[1].gmail_draft_id]  # type: ignore[attr-defined]
        assert edit in next((tmp_path / "drafts").rglob("*.eml")).read_text()
    if answer is ApprovalStatus.SKIPPED:
        assert deps.mail.deletes == [touches[1].gmail_draft_id]  # type: ignore[attr-defined]

    clock.advance(timedelta(days=3))
    assert run_sequence(sequence.id, deps=deps) == state
    fresh(session)
    call = session.exec(select(OutboundMessage).where(OutboundMessage.purpose == MessagePurpose.CALL_TASK)).one()
    assert call.idempotency_key == f"call:{touches[2].id}" and "Call task" in call.body
    fresh(session)
    assert session.get(Touch, touches[2].id).pushed_at is not None
    assert session.get(Touch, touches[3].id).pushed_at is None

    clock.advance(timedelta(days=4))
    assert run_sequence(sequence.id, deps=deps) == SequenceState.COMPLETED
    assert run_sequence(sequence.id, deps=deps) == SequenceState.COMPLETED
    keys = deps.mail.creates  # type: ignore[attr-defined]
    assert sorted(keys) == sorted(f"touch-{touches[s].id}" for s in (1, 2, 3))
    assert len(session.exec(select(OutboundMessage)).all()) == 2  # the approval request and the call task
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "sequence.resumed")).one()


def test_a_lead_that_replied_stops_the_sequence(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    go_live(session)
    sequence = new_sequence(session)
    clock = FixedClock(T0)
    deps = make_deps(live_settings(settings), engine, tmp_path, clock)
    run_sequence(sequence.id, deps=deps)
    approval = session.exec(select(Approval)).one()
    resolve_approval(session=session, approval_id=approval.id, status=ApprovalStatus.APPROVED, reply_text=None,
                     resolved_by="rep:1", now=T0)  # fmt: skip
    session.commit()
    assert run_sequence(sequence.id, deps=deps) == SequenceState.APPROVED
    session.execute(sa.update(Lead).values(status=LeadStatus.REPLIED))
    session.commit()
    clock.advance(timedelta(days=3))
    assert run_sequence(sequence.id, deps=deps) == SequenceState.LEAD_REPLIED
    assert session.exec(select(OutboundMessage).where(OutboundMessage.purpose == MessagePurpose.CALL_TASK)).all() == []


def test_budget_exhausted_keeps_the_guards_audit_event(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.costs import BudgetExhausted

    class Broke:
        name = "broke"
        model = "claude-sonnet-5-5"

        def __init__(self, ledger) -> None:  # type: ignore[no-untyped-def]
            self.ledger = ledger

        def draft(self, lead, *, feedback=None):  # type: ignore[no-untyped-def]
            self.ledger.check(self.model, 10_000_000, 64_000)  # far over the draft cap
            raise AssertionError("the guard should have refused")

    sequence = new_sequence(session)
    deps = make_deps(settings, engine, tmp_path, FixedClock(T0), provider_factory=Broke)
    assert run_sequence(sequence.id, deps=deps) == SequenceState.BUDGET_EXHAUSTED
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "budget.exhausted")).one()
    assert BudgetExhausted.__name__ in "BudgetExhausted"


def test_a_draft_the_rules_reject_ends_in_draft_failed_with_reasons(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from agent.drafting.schema import LeadContext
    from agent.llm.base import DraftFailure, DraftOutcome, DraftStatus

    class Sloppy:
        name = "sloppy"
        model = "offline-rules"

        def __init__(self, ledger) -> None:  # type: ignore[no-untyped-def]
            pass

        def draft(self, lead, *, feedback=None):  # type: ignore[no-untyped-def]
            return DraftOutcome(
                status=DraftStatus.DRAFT_FAILED, provider="sloppy", model="m", prompt_version="p",
                context=LeadContext(company=lead.company, domain=lead.domain), failure=DraftFailure.REJECTED,
                reasons=["touch 1 body [banned_phrase]: 'synergy'"],
            )  # fmt: skip

    sequence = new_sequence(session)
    deps = make_deps(settings, engine, tmp_path, FixedClock(T0), provider_factory=Sloppy)
    assert run_sequence(sequence.id, deps=deps) == SequenceState.DRAFT_FAILED
    fresh(session)
    assert "synergy" in session.get(Sequence, sequence.id).failure_reason
    assert session.exec(select(Touch)).all() == []


def test_kill_switch_or_sending_off_keeps_drafts_waiting(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.controls import set_kill_switch

    go_live(session)
    set_kill_switch(session=session, on=True, actor="test")
    session.commit()
    sequence = new_sequence(session)
    deps = make_deps(live_settings(settings), engine, tmp_path, FixedClock(T0))
    assert run_sequence(sequence.id, deps=deps) == SequenceState.DRAFTED
    assert deps.mail.creates == [] and session.exec(select(OutboundMessage)).all() == []  # type: ignore[attr-defined]
    set_kill_switch(session=session, on=False, actor="test")
    session.commit()
    assert run_sequence(sequence.id, deps=deps) == SequenceState.AWAITING_REP


def test_llm_unavailable_leaves_the_sequence_for_a_retry(settings, engine, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from agent.llm.errors import LlmUnavailable

    class Down:
        name = "down"
        model = "m"

        def __init__(self, ledger) -> None:  # type: ignore[no-untyped-def]
            pass

        def draft(self, lead, *, feedback=None):  # type: ignore[no-untyped-def]
            raise LlmUnavailable("the Anthropic API is unavailable (HTTP 529, after retries)")

    sequence = new_sequence(session)
    with pytest.raises(LlmUnavailable):
        run_sequence(sequence.id, deps=make_deps(settings, engine, tmp_path, FixedClock(T0), provider_factory=Down))
    fresh(session)
    assert session.get(Sequence, sequence.id).state == SequenceState.QUEUED
    assert run_sequence(sequence.id, deps=make_deps(settings, engine, tmp_path, FixedClock(T0))) == "shadow_logged"
