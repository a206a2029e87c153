"""The sequence jobs: move one sequence on from whatever state the database says it is in.

`advance_sequence(sequence_id, at)` is the one RQ job (its enqueue helpers are in workers/queues.py; the
resume after an approval is the same job). It loops over steps, each its own committed unit of work:

    queued | researched  -> research and draft (provider), -> drafted | draft_failed | budget_exhausted
    drafted              -> shadow_logged (shadow) | touch 1 into the rep's drafts, approval, SMS -> awaiting_rep
    awaiting_rep         -> the approval's answer (nothing while it is pending)
    resolved states      -> touches scheduled from the answer's time; touches 2 and 3 when due; completed
    (any, lead replied)  -> lead_replied

Every side effect is keyed so that a re-run (after a crash, a lost Redis, a duplicate job) does nothing
twice: mail drafts by touch (and the stored draft id), SMS by outbox key, rows by conditional updates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis import Redis
from rq import get_current_job
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent.drafter import draft_sequence
from agent.llm.base import CostLedger, LeadInput, LlmProvider
from agent.llm.errors import LlmOutputInvalid, LlmRequestRejected
from agent.llm.ledger import DbCostLedger
from agent.wiring import build_provider
from core.approvals import ApprovalInFlight, create_approval, pending_approval_for_rep
from core.audit import record_audit
from core.clock import Clock, FixedClock, SystemClock
from core.config import AgentMode, Settings, get_settings
from core.controls import effective_controls
from core.costs import BudgetExhausted
from core.db import get_engine, session_scope
from core.models import ApprovalKind, ApprovalStatus, Lead, MessagePurpose, Rep, Sequence, SequenceState, Touch
from core.outbox import SMS_MAX_CHARS, queue_sms
from core.pricing import Usage
from core.sequences import (
    RESOLVED_STATES,
    TouchText,
    draft_approval_of,
    lead_has_replied,
    mark_awaiting_rep,
    mark_budget_exhausted,
    mark_completed,
    mark_draft_failed,
    mark_drafted,
    mark_lead_replied,
    mark_researched,
    mark_resolved,
    mark_shadow_logged,
    mark_touch_pushed,
    record_draft_id,
    schedule_touches,
    touches_of,
)
from integrations.mail_drafts import MailDrafts, build_mail_drafts, local_mailbox

log = logging.getLogger(__name__)

S = SequenceState
APPROVAL_SMS = "draft ready. Reply Y to approve, N to skip, or send your edit verbatim."
MAX_STEPS = 12
ProviderFactory = Callable[[CostLedger], LlmProvider]
Hook = Callable[[str, int], None]


@dataclass
class SequenceDeps:
    """What the steps need; a job builds the defaults, a test passes its own."""

    settings: Settings
    engine: Engine
    clock: Clock
    mail: MailDrafts
    provider_factory: ProviderFactory
    connection: Redis | None = None
    # Called at named points ("mail_pushed", "offered", ...) with the sequence id: the fault tests' barrier.
    hook: Hook | None = None
    enqueued: list[int] = field(default_factory=list)


def default_deps(
    *, at: datetime | None = None, connection: Redis | None = None, hook: Hook | None = None
) -> SequenceDeps:
    """The configured database, mail drafts and provider; the clock fixed at `at`, else the system clock."""
    settings = get_settings()
    return SequenceDeps(
        settings=settings,
        engine=get_engine(settings),
        clock=FixedClock(at) if at is not None else SystemClock(),
        mail=build_mail_drafts(settings),
        provider_factory=lambda ledger: build_provider(settings, ledger=ledger),
        connection=connection,
        hook=hook,
    )


def advance_sequence(sequence_id: int, at: datetime | None = None) -> str:
    """RQ job: move the sequence on as far as it can go now; returns the state it is left in."""
    job = get_current_job()
    return run_sequence(sequence_id, deps=default_deps(at=at, connection=job.connection if job else None))


def run_sequence(sequence_id: int, *, deps: SequenceDeps) -> str:
    """Run steps until the sequence waits (for a person, a due date, a free approval slot) or ends."""
    state = _state(sequence_id, deps)
    for _ in range(MAX_STEPS):
        if state is None:
            log.warning("sequence %s does not exist", sequence_id)
            return "missing"
        step = _STEPS.get(state)
        if step is None or not step(sequence_id, deps):
            break
        state = _state(sequence_id, deps)
    return state.value if state else "missing"


def _state(sequence_id: int, deps: SequenceDeps) -> SequenceState | None:
    with session_scope(deps.engine) as session:
        sequence = session.get(Sequence, sequence_id)
        return SequenceState(sequence.state) if sequence else None


def _replied(session: Session, sequence: Sequence, now: datetime) -> bool:
    assert sequence.id is not None
    if lead_has_replied(session=session, lead_id=sequence.lead_id):
        return mark_lead_replied(session=session, sequence_id=sequence.id, now=now)
    return False


class CallLedger:
    """DbCostLedger with a short unit of work per check and per record, so no transaction (and, on SQLite, no
    write lock) is held while the model thinks; a refusal's audit event is committed before it propagates."""

    def __init__(self, *, engine: Engine, rep_id: int | None, sequence_id: int | None, clock: Clock,
                 settings: Settings) -> None:  # fmt: skip
        self.engine, self.rep_id, self.sequence_id, self.clock, self.settings = (
            engine, rep_id, sequence_id, clock, settings
        )  # fmt: skip

    def _ledger(self, session: Session) -> DbCostLedger:
        return DbCostLedger(session=session, rep_id=self.rep_id, sequence_id=self.sequence_id, now=self.clock.now,
                            settings=self.settings)  # fmt: skip

    def check(self, model: str, input_tokens_upper_bound: int, max_output_tokens: int) -> None:
        """core.costs.check_budget; the `budget.exhausted` audit event is kept when it refuses."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                self._ledger(session).check(model, input_tokens_upper_bound, max_output_tokens)
            except BudgetExhausted:
                session.commit()
                raise

    def record(self, model: str, usage: Usage, purpose: str) -> None:
        """core.costs.record_cost, committed at once (the spend happened, whatever the step does next)."""
        with session_scope(self.engine) as session:
            self._ledger(session).record(model, usage, purpose)


def _draft(sequence_id: int, deps: SequenceDeps) -> bool:
    """queued | researched -> researched -> drafted | draft_failed | budget_exhausted."""
    with session_scope(deps.engine) as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.state not in (S.QUEUED, S.RESEARCHED):
            return sequence is not None
        if _replied(session, sequence, deps.clock.now()):
            return True
        lead = session.get(Lead, sequence.lead_id)
        assert lead is not None
        rep_id = sequence.rep_id
        lead_input = LeadInput(domain=lead.domain, company=lead.company, contact_name=lead.contact_name,
                               contact_email=lead.contact_email, contact_title=lead.contact_title)  # fmt: skip
    # No transaction is open while the provider researches and drafts (it may take minutes).
    ledger = CallLedger(engine=deps.engine, rep_id=rep_id, sequence_id=sequence_id, clock=deps.clock,
                        settings=deps.settings)  # fmt: skip
    try:
        outcome = draft_sequence(deps.provider_factory(ledger), lead_input)
    except BudgetExhausted as exc:
        with session_scope(deps.engine) as session:
            mark_budget_exhausted(session=session, sequence_id=sequence_id, reason=str(exc), now=deps.clock.now())
        return True
    except (LlmRequestRejected, LlmOutputInvalid) as exc:
        # Retrying cannot help (the request itself was refused, or the answer never fit the schema): stop here
        # rather than let the sweep retry it every minute.
        with session_scope(deps.engine) as session:
            mark_draft_failed(session=session, sequence_id=sequence_id, reasons=[str(exc)], now=deps.clock.now())
        return True
    # LlmUnavailable, LlmAuthenticationFailed and the rest propagate: the job fails, the spend so far is recorded,
    # and the sweep retries the step (a key fixed or an outage over, it goes on).
    with session_scope(deps.engine) as session:
        now = deps.clock.now()
        mark_researched(session=session, sequence_id=sequence_id, research=outcome.research_record(), now=now)
        session.commit()
        if outcome.ok and outcome.draft is not None:
            touches = [
                TouchText(
                    step=touch.step, subject=touch.subject, body=touch.body, call_script=touch.call_script,
                    slop_report=outcome.report.for_step(touch.step).as_dict() if outcome.report else {},
                )
                for touch in outcome.draft.touches
            ]  # fmt: skip
            mark_drafted(session=session, sequence_id=sequence_id, touches=touches, model=outcome.model,
                         prompt_version=outcome.prompt_version, now=now)  # fmt: skip
        else:
            reasons = outcome.reasons or [f"draft failed: {outcome.failure.value if outcome.failure else 'unknown'}"]
            if mark_draft_failed(session=session, sequence_id=sequence_id, reasons=reasons, now=now,
                                 model=outcome.model, prompt_version=outcome.prompt_version):  # fmt: skip
                record_audit(session=session, actor="system", action="sequence.draft_failed", subject_type="sequence",
                             subject_id=sequence_id, details={"reasons": reasons[:10]}, at=now)  # fmt: skip
    _call(deps, "drafted", sequence_id)
    return True


def _offer(sequence_id: int, deps: SequenceDeps) -> bool:
    """drafted -> shadow_logged (shadow), or touch 1 pushed, approval asked, SMS queued -> awaiting_rep."""
    with session_scope(deps.engine) as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.state != S.DRAFTED:
            return sequence is not None
        now = deps.clock.now()
        if _replied(session, sequence, now):
            return True
        controls = effective_controls(session=session, settings=deps.settings)
        if controls.mode is AgentMode.SHADOW:
            return mark_shadow_logged(session=session, sequence_id=sequence_id, now=now)
        if not controls.may_send:
            return False  # live with sending off or the kill switch on: wait; the sweep retries
        pending = pending_approval_for_rep(session=session, rep_id=sequence.rep_id)
        if pending is not None and pending.subject_id != sequence_id:
            return False  # one approval in flight per rep: wait for the slot
        rep, lead, touch = _parties(session, sequence, step=1)
        draft_id, mailbox = touch.gmail_draft_id, _mailbox(rep)
        key, to, subject, body, touch_id = (
            _touch_key(touch),
            lead.contact_email or "",
            touch.subject,
            touch.body,
            touch.id,
        )
    assert touch_id is not None
    if draft_id is None:
        draft = deps.mail.create_draft(mailbox=mailbox, key=key, to=to, subject=subject, body=body)
        _call(deps, "mail_pushed", sequence_id)
        with session_scope(deps.engine) as session:
            if record_draft_id(session=session, touch_id=touch_id, draft_id=draft.draft_id):
                mark_touch_pushed(session=session, touch_id=touch_id, now=deps.clock.now())
    message_id = None
    with session_scope(deps.engine) as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.state != S.DRAFTED:
            return True
        now = deps.clock.now()
        if not effective_controls(session=session, settings=deps.settings).may_send:
            return False
        rep, lead, touch = _parties(session, sequence, step=1)
        try:
            approval, _ = create_approval(
                session=session, kind=ApprovalKind.DRAFT, subject_id=sequence_id, rep_id=rep.id or 0, now=now,
                timeout=timedelta(hours=deps.settings.approval_timeout_hours), shadow_mode=False,
            )  # fmt: skip
        except ApprovalInFlight:
            return False
        text = f'{lead.company}, "{touch.subject}": {APPROVAL_SMS}'
        message, _ = queue_sms(
            session=session, idempotency_key=f"approval:{approval.id}", to_number=rep.phone,
            body=_fit(text, APPROVAL_SMS), purpose=MessagePurpose.APPROVAL_REQUEST, rep_id=rep.id,
            approval_id=approval.id, shadow_mode=False,
        )  # fmt: skip
        mark_awaiting_rep(session=session, sequence_id=sequence_id, now=now)
        message_id = message.id
    _call(deps, "offered", sequence_id)
    _dispatch(deps, message_id)
    return True


def _resume(sequence_id: int, deps: SequenceDeps) -> bool:
    """awaiting_rep -> the approval's answer; nothing while the approval is pending."""
    with session_scope(deps.engine) as session:
        approval = draft_approval_of(session=session, sequence_id=sequence_id)
        if approval is None or approval.status == ApprovalStatus.PENDING:
            return False
        won = mark_resolved(session=session, sequence_id=sequence_id, status=ApprovalStatus(approval.status),
                            now=deps.clock.now())  # fmt: skip
        rep_id = approval.rep_id
    if won:
        _offer_next_for_rep(rep_id, deps)
    return True


def _follow_up(sequence_id: int, deps: SequenceDeps) -> bool:
    """Resolved: apply the answer to touch 1, schedule the touches, push 2 and 3 when due, then complete."""
    with session_scope(deps.engine) as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.state not in RESOLVED_STATES:
            return sequence is not None
        now = deps.clock.now()
        if _replied(session, sequence, now):
            return True
        approval = draft_approval_of(session=session, sequence_id=sequence_id)
        rep, lead, touch1 = _parties(session, sequence, step=1)
        touches = touches_of(session=session, sequence_id=sequence_id)
        unscheduled = any(touch.due_at is None for touch in touches.values())
        start = (approval.resolved_at if approval and approval.resolved_at else None) or now
        edit = approval.reply_text if approval and sequence.state == S.EDITED and approval.reply_text else None
        mailbox, state = _mailbox(rep), SequenceState(sequence.state)
        touch1_draft, touch1_id, key, to, subject = (
            touch1.gmail_draft_id, touch1.id, _touch_key(touch1), lead.contact_email or "", touch1.subject
        )  # fmt: skip
        needs_edit = edit is not None and touch1.body != edit
    if needs_edit and edit is not None:
        # The rep's text replaces touch 1 verbatim: in their mailbox first, then in the database.
        if touch1_draft:
            deps.mail.update_draft(mailbox=mailbox, draft_id=touch1_draft, key=key, to=to, subject=subject, body=edit)
        with session_scope(deps.engine) as session:
            row = session.get(Touch, touch1_id)
            assert row is not None
            row.body = edit
            session.add(row)
    if unscheduled:
        if state in (S.SKIPPED, S.EXPIRED) and touch1_draft:
            deps.mail.delete_draft(mailbox=mailbox, draft_id=touch1_draft)
        with session_scope(deps.engine) as session:
            schedule_touches(session=session, sequence_id=sequence_id, start=start)
            record_audit(session=session, actor="system", action="sequence.resumed", subject_type="sequence",
                         subject_id=sequence_id, details={"state": state.value, "start": start.isoformat()},
                         at=deps.clock.now())  # fmt: skip
    for step in (2, 3):
        _push_touch_if_due(sequence_id, step, deps)
    with session_scope(deps.engine) as session:
        touches = touches_of(session=session, sequence_id=sequence_id)
        if all(touches[step].pushed_at is not None for step in (2, 3) if step in touches):
            mark_completed(session=session, sequence_id=sequence_id, now=deps.clock.now())
            return True
    return False


def _push_touch_if_due(sequence_id: int, step: int, deps: SequenceDeps) -> None:
    """Touch 2 (a call task SMS and its email draft) or 3 (an email draft), once due and if sending is allowed."""
    with session_scope(deps.engine) as session:
        sequence = session.get(Sequence, sequence_id)
        if sequence is None or sequence.state not in RESOLVED_STATES:
            return
        now = deps.clock.now()
        touch = touches_of(session=session, sequence_id=sequence_id).get(step)
        if touch is None or touch.pushed_at is not None or touch.due_at is None or touch.due_at > now:
            return
        if lead_has_replied(session=session, lead_id=sequence.lead_id):
            return
        if not effective_controls(session=session, settings=deps.settings).may_send:
            return
        rep, lead, _ = _parties(session, sequence, step=1)
        mailbox, key, to = _mailbox(rep), _touch_key(touch), lead.contact_email or ""
        draft_id, touch_id, subject, body = touch.gmail_draft_id, touch.id, touch.subject, touch.body
    assert touch_id is not None
    if draft_id is None:
        draft = deps.mail.create_draft(mailbox=mailbox, key=key, to=to, subject=subject, body=body)
        _call(deps, f"touch{step}_mail_pushed", sequence_id)
        with session_scope(deps.engine) as session:
            record_draft_id(session=session, touch_id=touch_id, draft_id=draft.draft_id)
    message_id = None
    with session_scope(deps.engine) as session:
        touch = session.get(Touch, touch_id)
        sequence = session.get(Sequence, sequence_id)
        assert touch is not None and sequence is not None
        if touch.pushed_at is not None:
            return
        if step == 2:
            rep, lead, _ = _parties(session, sequence, step=1)
            who = f"{lead.contact_name} ({lead.contact_title})" if lead.contact_title else (lead.contact_name or "")
            intro = (
                f"Call task: {who + ' at ' if who else ''}{lead.company} today; the follow-up email is in your drafts. "
            )
            message, _ = queue_sms(
                session=session, idempotency_key=f"call:{touch_id}", to_number=rep.phone,
                body=_fit(intro + f"Script: {touch.call_script or ''}", ""), purpose=MessagePurpose.CALL_TASK,
                rep_id=rep.id, shadow_mode=False,
            )  # fmt: skip
            message_id = message.id
        mark_touch_pushed(session=session, touch_id=touch_id, now=deps.clock.now())
    _dispatch(deps, message_id)


def _offer_next_for_rep(rep_id: int, deps: SequenceDeps) -> None:
    """The rep's approval slot is free: move their oldest waiting draft on now rather than at the next sweep."""
    if deps.connection is None:
        return
    with session_scope(deps.engine) as session:
        query = (
            select(Sequence.id)
            .where(Sequence.rep_id == rep_id, Sequence.state == S.DRAFTED)
            .order_by(col(Sequence.id))
            .limit(1)
        )
        next_id = session.exec(query).first()
    if next_id is not None:
        from workers.queues import enqueue_advance_sequence

        at = deps.clock.now() if isinstance(deps.clock, FixedClock) else None
        enqueue_advance_sequence(connection=deps.connection, sequence_id=next_id, at=at)
        deps.enqueued.append(next_id)


def _parties(session: Session, sequence: Sequence, *, step: int) -> tuple[Rep, Lead, Touch]:
    rep = session.get(Rep, sequence.rep_id)
    lead = session.get(Lead, sequence.lead_id)
    touch = touches_of(session=session, sequence_id=sequence.id or 0).get(step)
    assert rep is not None and lead is not None and touch is not None, f"sequence {sequence.id} is not whole"
    return rep, lead, touch


def _mailbox(rep: Rep) -> str:
    assert rep.id is not None
    return local_mailbox(rep.id) if rep.mailbox in ("", "local") else rep.mailbox


def _touch_key(touch: Touch) -> str:
    return f"touch-{touch.id}"


def _fit(text: str, tail: str) -> str:
    """The text within one SMS's limit, keeping the tail (the instruction) whole."""
    if len(text) <= SMS_MAX_CHARS:
        return text
    head = text[: SMS_MAX_CHARS - len(tail) - 2].rstrip()
    return f"{head}… {tail}"[:SMS_MAX_CHARS] if tail else head


def _call(deps: SequenceDeps, point: str, sequence_id: int) -> None:
    if deps.hook is not None:
        deps.hook(point, sequence_id)


def _dispatch(deps: SequenceDeps, message_id: int | None) -> None:
    """Hand a newly queued SMS to the dispatcher now (the outbox sweep would find it within a minute anyway)."""
    if message_id is None or deps.connection is None:
        return
    try:
        from workers.dispatch import enqueue_dispatch

        enqueue_dispatch(connection=deps.connection, message_id=message_id)
    except Exception:  # noqa: BLE001 - the outbox row is the truth; the dispatch sweep picks it up
        log.warning("could not enqueue dispatch of message %s; the outbox sweep will", message_id, exc_info=True)


_STEPS: dict[SequenceState, Callable[[int, SequenceDeps], bool]] = {
    S.QUEUED: _draft,
    S.RESEARCHED: _draft,
    S.DRAFTED: _offer,
    S.AWAITING_REP: _resume,
    S.APPROVED: _follow_up,
    S.EDITED: _follow_up,
    S.SKIPPED: _follow_up,
    S.EXPIRED: _follow_up,
}
