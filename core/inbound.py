"""What an SMS webhook call does to the database: record it, check the sender, act on the reply.

The HTTP layer (sales_dashboard/api/twilio.py) checks the signature and the body's shape first; it calls
`record_rejected_inbound` for a call it refuses and `handle_signed_sms` for a signed one. Nothing here
calls a model, the network or Redis: the caller enqueues the resume jobs and reply dispatches returned in
`InboundResult` after this unit of work has committed.

Every answer to the rep goes through the outbox (purpose `reply`), never as TwiML text, so the dispatcher's
checks (kill switch, mode, opt-out) apply to it like to every other message; the webhook itself always
answers an empty TwiML `<Response/>`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.approvals import pending_approval_for_rep, resolve_approval
from core.audit import record_audit
from core.config import AgentMode, Settings
from core.controls import effective_controls
from core.dispatch_policy import status_after_callback
from core.models import (
    ApprovalKind,
    ApprovalStatus,
    Founder,
    InboundMessage,
    MessagePurpose,
    OutboundMessage,
    OutboundStatus,
    Rep,
)
from core.outbox import queue_sms
from core.phones import normalize_phone
from core.replies import CLARIFY_TEXT, HELP_TEXT, ParsedReply, ReplyKind, parse_reply
from core.talkback import Talkback, answer_lead, answer_other_text, answer_status, is_explanation

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 1600
MAX_SID_CHARS = 64

REPLY_TEXTS = {
    "approved": "Approved. Thanks!",
    "skipped": "Skipped. The next draft will follow.",
    "edited": "Got it: your text replaces the draft, verbatim.",
    "nothing_pending": "Nothing is waiting for your answer right now. Reply HELP for help.",
    "already_resolved": "That draft was already answered.",
    "opted_in": "You are subscribed again. Reply HELP for help, STOP to opt out.",
    "help": HELP_TEXT,
    "clarify": CLARIFY_TEXT,
}


class InboundOutcome(StrEnum):
    """What a webhook call came to (stored in `inbound_messages.outcome`)."""

    BAD_SIGNATURE = "bad_signature"
    MALFORMED = "malformed"
    OVERSIZED = "oversized"
    REPLAY = "replay"
    UNKNOWN_NUMBER = "unknown_number"
    FOUNDER = "founder_message"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    HELP = "help"
    APPROVED = "approved"
    SKIPPED = "skipped"
    EDITED = "edited"
    CLARIFY = "clarify"
    NOTHING_PENDING = "nothing_pending"
    ALREADY_RESOLVED = "already_resolved"
    # Talking back (core/talkback.py): the same values as its TalkbackKind.
    STATUS = "status"
    LEAD_ASSIGNED = "lead_assigned"
    LEAD_REFUSED = "lead_refused"
    NO_LEADS = "no_leads"
    EXPLAINED = "explained"


@dataclass
class InboundResult:
    """What the call did, and the follow-up jobs the caller enqueues once this unit of work commits;
    `reply_text` is a reply made for this call (talk-back), used instead of the outcome's fixed text."""

    outcome: InboundOutcome
    inbound_id: int | None = None
    resume_sequence_ids: list[int] = field(default_factory=list)
    reply_message_ids: list[int] = field(default_factory=list)
    reply_text: str | None = None


def record_rejected_inbound(
    *,
    session: Session,
    outcome: InboundOutcome,
    message_sid: str,
    from_number: str,
    body: str,
    now: datetime,
    to_number: str | None = None,
) -> InboundMessage:
    """Record a refused call (bad signature, malformed, oversized): unsigned, not allowed, nothing acted on."""
    row = InboundMessage(
        message_sid=message_sid[:MAX_SID_CHARS],
        from_number=from_number[:32],
        to_number=to_number[:32] if to_number else None,
        body=body[:MAX_BODY_CHARS],
        signature_ok=False,
        allowed=False,
        outcome=outcome.value,
    )
    row.created_at = now
    session.add(row)
    session.flush()
    return row


def handle_signed_sms(
    *,
    session: Session,
    message_sid: str,
    from_number: str,
    body: str,
    now: datetime,
    settings: Settings,
    to_number: str | None = None,
) -> InboundResult:
    """Act on one signed SMS, once per MessageSid: opt-out/in, help, or the rep's answer to their approval."""
    row = InboundMessage(
        message_sid=message_sid,
        from_number=from_number[:32],
        to_number=to_number[:32] if to_number else None,
        body=body,
        signature_ok=True,
        allowed=False,
        outcome="received",
    )
    row.created_at = now
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # The partial unique index on signed MessageSids: this call is a replay (or Twilio's retry).
        record_audit(
            session=session,
            actor="twilio",
            action="sms.inbound_replay",
            subject_type="inbound_message",
            details={"message_sid": message_sid},
            at=now,
        )
        return InboundResult(InboundOutcome.REPLAY)
    rep, founder = _sender(session=session, from_number=from_number)
    result = InboundResult(InboundOutcome.UNKNOWN_NUMBER, inbound_id=row.id)
    if rep is not None:
        row.allowed, row.rep_id = True, rep.id
        shadow = effective_controls(session=session, settings=settings).mode is not AgentMode.LIVE
        result = _act_for_rep(
            session=session, rep=rep, reply=parse_reply(body), body=body, now=now, settings=settings, inbound_id=row.id
        )
        result.inbound_id = row.id
        reply_text = result.reply_text or REPLY_TEXTS.get(result.outcome.value)
        if reply_text:
            assert rep.id is not None
            message, _ = queue_sms(
                session=session,
                idempotency_key=f"reply:{message_sid}",
                to_number=rep.phone,
                body=reply_text,
                purpose=MessagePurpose.REPLY,
                rep_id=rep.id,
                shadow_mode=shadow,
            )
            session.flush()
            assert message.id is not None
            result.reply_message_ids.append(message.id)
    elif founder is not None:
        # Founders decide in the dashboard; their texts are recorded and change nothing.
        row.allowed, row.founder_id = True, founder.id
        result.outcome = InboundOutcome.FOUNDER
    row.outcome = result.outcome.value
    session.add(row)
    session.flush()
    log.info(
        "inbound sms %s from %s: %s", message_sid, "rep" if rep else "founder" if founder else "?", result.outcome.value
    )
    return result


def apply_status_callback(
    *, session: Session, provider_sid: str, provider_status: str, error_code: str | None, now: datetime
) -> OutboundStatus | None:
    """Move the message with `provider_sid` forward to what the provider reports; returns the new status,
    or None when it does not move (unknown sid, old news, a backwards step)."""
    table = OutboundMessage.__table__  # type: ignore[attr-defined]
    session.flush()
    for _ in range(3):  # compare-and-set; a concurrent callback may move the row between read and write
        current = session.execute(
            sa.select(table.c.status).where(table.c.provider_sid == provider_sid)
        ).scalar_one_or_none()
        if current is None:
            return None
        target = status_after_callback(OutboundStatus(current), provider_status)
        if target is None:
            return None
        values: dict[str, object] = {"status": target.value, "lease_expires_at": None}
        if target is OutboundStatus.FAILED and error_code:
            values["error"] = f"provider error {error_code[:32]} ({provider_status[:32]})"
        result = session.execute(
            sa.update(table).where(table.c.provider_sid == provider_sid, table.c.status == current).values(**values)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            session.expire_all()
            return target
    return None


def _sender(*, session: Session, from_number: str) -> tuple[Rep | None, Founder | None]:
    """The active rep or founder who owns this number (exact E.164 match), if any."""
    try:
        phone = normalize_phone(from_number)
    except ValueError:
        return None, None
    rep = session.exec(select(Rep).where(Rep.phone == phone, Rep.active == sa.true())).first()
    if rep is not None:
        return rep, None
    founder = session.exec(select(Founder).where(Founder.phone == phone, Founder.active == sa.true())).first()
    return None, founder


def _act_for_rep(
    *,
    session: Session,
    rep: Rep,
    reply: ParsedReply,
    body: str,
    now: datetime,
    settings: Settings,
    inbound_id: int | None,
) -> InboundResult:
    assert rep.id is not None
    if reply.kind is ReplyKind.OPT_OUT:
        _set_opted_out(session=session, rep=rep, opted_out=True, now=now)
        return InboundResult(InboundOutcome.OPTED_OUT)
    if reply.twilio_opt_in:
        # Twilio has re-subscribed this number (START, UNSTOP, and YES): keep our flag equal to the carrier's.
        _set_opted_out(session=session, rep=rep, opted_out=False, now=now)
    if reply.kind is ReplyKind.OPT_IN:
        return InboundResult(InboundOutcome.OPTED_IN)
    if reply.kind is ReplyKind.HELP:
        return InboundResult(InboundOutcome.HELP)
    if reply.kind is ReplyKind.STATUS:
        return _talkback(answer_status(session=session, rep_id=rep.id, now=now, settings=settings))
    if reply.kind is ReplyKind.LEAD:
        return _talkback(answer_lead(session=session, rep_id=rep.id, now=now, settings=settings))
    approval = pending_approval_for_rep(session=session, rep_id=rep.id, kind=ApprovalKind.DRAFT)
    # Other text (see core/talkback.py): a short non-keyword text, or an edit with nothing to edit, stands as
    # the explanation for unsent drafts when one is owed; with an approval pending, Y/N/edit keep their meaning.
    if is_explanation(reply.kind, body, approval_pending=approval is not None):
        answer = answer_other_text(
            session=session, rep_id=rep.id, text=body, inbound_message_id=inbound_id, now=now, settings=settings
        )
        if answer is not None:
            return _talkback(answer)
    if reply.kind is ReplyKind.CLARIFY:
        return InboundResult(InboundOutcome.CLARIFY)
    if approval is None or approval.id is None:
        return InboundResult(InboundOutcome.NOTHING_PENDING)
    status, text, outcome = {
        ReplyKind.APPROVE: (ApprovalStatus.APPROVED, body.strip(), InboundOutcome.APPROVED),
        ReplyKind.SKIP: (ApprovalStatus.SKIPPED, body.strip(), InboundOutcome.SKIPPED),
        ReplyKind.EDIT: (ApprovalStatus.EDITED, reply.text, InboundOutcome.EDITED),
    }[reply.kind]
    won = resolve_approval(
        session=session, approval_id=approval.id, status=status, reply_text=text, resolved_by=f"rep:{rep.id}", now=now
    )
    if not won:
        return InboundResult(InboundOutcome.ALREADY_RESOLVED)
    return InboundResult(outcome, resume_sequence_ids=[approval.subject_id])


def _talkback(answer: Talkback) -> InboundResult:
    return InboundResult(InboundOutcome(answer.kind.value), reply_text=answer.text)


def _set_opted_out(*, session: Session, rep: Rep, opted_out: bool, now: datetime) -> None:
    if rep.opted_out == opted_out:
        return
    rep.opted_out = opted_out
    session.add(rep)
    record_audit(
        session=session,
        actor=f"rep:{rep.id}",
        action="rep.opted_out" if opted_out else "rep.opted_in",
        subject_type="rep",
        subject_id=rep.id,
        details={"source": "sms keyword"},
        at=now,
    )


@dataclass(frozen=True)
class ConversationItem:
    """One SMS between the system and a rep: `out` (the rep received it) or `in` (the rep sent it)."""

    direction: str
    at: datetime
    body: str
    status: str


@dataclass(frozen=True)
class RepConversation:
    """A rep and their recent SMS, oldest first (the rep phone simulator's screen)."""

    rep_id: int
    name: str
    phone: str
    opted_out: bool
    items: list[ConversationItem]


def rep_conversations(*, session: Session, limit_per_rep: int = 30) -> list[RepConversation]:
    """Every active rep with the last `limit_per_rep` messages to and from their number.

    Outbound rows are the local outbox, so they are what the rep's phone "received"; `shadow` and `blocked`
    rows are shown with their status because they never reached any phone.
    """
    conversations = []
    for rep in session.exec(select(Rep).where(Rep.active == sa.true()).order_by(col(Rep.name))):
        assert rep.id is not None
        out_rows = session.exec(
            select(OutboundMessage)
            .where(OutboundMessage.to_number == rep.phone)
            .order_by(col(OutboundMessage.id).desc())
            .limit(limit_per_rep)
        ).all()
        in_rows = session.exec(
            select(InboundMessage)
            .where(InboundMessage.rep_id == rep.id)
            .order_by(col(InboundMessage.id).desc())
            .limit(limit_per_rep)
        ).all()
        items = [ConversationItem("out", row.created_at, row.body, str(row.status)) for row in out_rows]
        items += [ConversationItem("in", row.created_at, row.body, row.outcome) for row in in_rows]
        items.sort(key=lambda item: item.at)
        conversations.append(
            RepConversation(
                rep_id=rep.id, name=rep.name, phone=rep.phone, opted_out=rep.opted_out, items=items[-limit_per_rep:]
            )
        )
    return conversations
