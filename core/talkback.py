"""Talking back over SMS: STATUS, LEAD, and explanations for unsent drafts.

Rules (the texts and decisions are pure functions; the rest reads and writes through the session given):
- STATUS: always answered with the rep's quota math for this company-local week (`plan_quota` with the
  weekly floor and daily cap from settings, emails sent from ingested activity), as in the morning nudge.
- An explanation is owed on local date D when, on the workday before D (`previous_workday`), the rep had
  drafts created and fewer of them sent (approved or edited: `core.nudge.drafts_on`, the nudge's and the
  metrics view's definition) and no explanation for that workday is recorded yet.
- LEAD: while an explanation is owed, refused with the count and a request for the reason. Otherwise the
  oldest new, unassigned lead is assigned to the rep (status `assigned`) by a conditional update on
  `new` and no rep, so two reps asking at once never get the same lead; or "no new leads right now".
- Other text while an explanation is owed is recorded as it, verbatim, once per rep and workday (unique
  (rep_id, for_date)). What counts as other text (`is_explanation`): a short non-keyword text (what would
  otherwise get the clarifying reply), and an edit-length text when no approval is pending (nothing for it
  to edit). With an approval pending, Y/N and edit-length texts keep their meaning: the approval flow wins.
  Empty text is never an explanation.

The rules act the same in every mode; replies are queued by the caller through the outbox, so shadow mode,
the kill switch and opt-out decide whether they reach the rep.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.audit import record_audit
from core.config import Settings
from core.models import Lead, LeadStatus, RepExplanation
from core.nudge import DraftDay, drafts_on, emails_sent_in_week, previous_workday
from core.quota import QuotaPlan, plan_quota
from core.replies import ReplyKind
from core.weeks import local_date, local_week_start, workdays_left_including_today

log = logging.getLogger(__name__)

EXPLANATION_MAX_CHARS = 1600
# Candidates tried when other reps keep winning the race for the oldest lead.
LEAD_CLAIM_ATTEMPTS = 5

EXPLANATION_THANKS = "Thanks, noted for the founders."
NO_LEADS_TEXT = "No new leads right now. Try again later."


class TalkbackKind(StrEnum):
    """What a talk-back text came to (the same values are inbound outcomes)."""

    STATUS = "status"
    LEAD_ASSIGNED = "lead_assigned"
    LEAD_REFUSED = "lead_refused"
    NO_LEADS = "no_leads"
    EXPLAINED = "explained"


@dataclass(frozen=True)
class Talkback:
    """The outcome and the reply to queue for the rep; `lead_id` is set when a lead was assigned."""

    kind: TalkbackKind
    text: str
    lead_id: int | None = None


@dataclass(frozen=True)
class OwedExplanation:
    """Drafts of one workday the rep left unsent and has not explained yet."""

    for_date: date
    created: int
    sent: int

    @property
    def unsent(self) -> int:
        """Drafts created that day and not sent."""
        return self.created - self.sent


def explanation_owed(drafts: DraftDay, *, explained: bool) -> OwedExplanation | None:
    """The explanation owed for `drafts` (one workday's), or None when all were sent or it is explained."""
    if explained or drafts.created <= 0 or drafts.sent >= drafts.created:
        return None
    return OwedExplanation(for_date=drafts.day, created=drafts.created, sent=drafts.sent)


def is_explanation(kind: ReplyKind, text: str, *, approval_pending: bool) -> bool:
    """Whether a rep's text is other text that can stand as an explanation (see the module docstring)."""
    if not text.strip():
        return False
    if kind is ReplyKind.CLARIFY:
        return True
    return kind is ReplyKind.EDIT and not approval_pending


def status_text(plan: QuotaPlan) -> str:
    """The STATUS reply: the quota math line."""
    return plan.explain() + "."


def refusal_text(owed: OwedExplanation) -> str:
    """The LEAD refusal while an explanation is owed."""
    unsent = f"{owed.unsent} of {owed.created} drafts from {owed.for_date:%A} are unsent"
    return f"{unsent}: reply with why, then LEAD again."


def lead_text(*, company: str, domain: str, contact: str | None = None) -> str:
    """The LEAD reply naming the lead now assigned to the rep."""
    who = f", contact {contact}" if contact else ""
    return f"Your next lead: {company} ({domain}){who}. It is assigned to you."


def quota_plan_for(*, session: Session, rep_id: int, now: datetime, settings: Settings) -> QuotaPlan:
    """The rep's quota plan for today's company-local week (floor and daily cap from settings)."""
    tz = settings.tz
    return plan_quota(
        sent_this_week=emails_sent_in_week(session=session, rep_id=rep_id, week_start=local_week_start(now, tz)),
        weekly_floor=settings.weekly_email_floor,
        workdays_left=workdays_left_including_today(now, tz, frozenset(settings.company_holidays)),
        daily_cap=settings.daily_draft_cap,
    )


def owed_explanation(
    *, session: Session, rep_id: int, now: datetime, tz: ZoneInfo, holidays: Collection[date] = frozenset()
) -> OwedExplanation | None:
    """The explanation the rep owes today (for the previous workday's unsent drafts), if any."""
    day = previous_workday(local_date(now, tz), holidays)
    explained = session.exec(
        select(RepExplanation.id).where(RepExplanation.rep_id == rep_id, RepExplanation.for_date == day)
    ).first()
    return explanation_owed(drafts_on(session=session, rep_id=rep_id, day=day, tz=tz), explained=explained is not None)


def record_explanation(
    *, session: Session, rep_id: int, for_date: date, text: str, inbound_message_id: int | None, now: datetime
) -> bool:
    """Record the rep's explanation for `for_date`; False when one is already recorded (the first one stays)."""
    row = RepExplanation(
        rep_id=rep_id,
        for_date=for_date,
        text=text.strip()[:EXPLANATION_MAX_CHARS],
        inbound_message_id=inbound_message_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def assign_next_lead(*, session: Session, rep_id: int, now: datetime) -> Lead | None:
    """Assign the oldest new, unassigned lead to the rep; None when there is none left to win.

    Each claim is a conditional update (still new, still nobody's): a rep who loses a race moves on to the
    next lead, so two reps never get the same one.
    """
    table = Lead.__table__  # type: ignore[attr-defined]
    tried: list[int] = []
    for _ in range(LEAD_CLAIM_ATTEMPTS):
        candidate = session.exec(
            select(Lead.id)
            .where(Lead.status == LeadStatus.NEW, col(Lead.assigned_rep_id).is_(None), col(Lead.id).not_in(tried))
            .order_by(col(Lead.id))
            .limit(1)
        ).first()
        if candidate is None:
            return None
        result = session.execute(
            sa.update(table)
            .where(table.c.id == candidate, table.c.status == LeadStatus.NEW.value, table.c.assigned_rep_id.is_(None))
            .values(status=LeadStatus.ASSIGNED.value, assigned_rep_id=rep_id)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            lead = session.get(Lead, candidate, populate_existing=True)
            record_audit(
                session=session,
                actor=f"rep:{rep_id}",
                action="lead.assigned_by_sms",
                subject_type="lead",
                subject_id=candidate,
                details={"keyword": "LEAD"},
                at=now,
            )
            return lead
        tried.append(candidate)
    return None


def answer_status(*, session: Session, rep_id: int, now: datetime, settings: Settings) -> Talkback:
    """STATUS: the quota math, always."""
    plan = quota_plan_for(session=session, rep_id=rep_id, now=now, settings=settings)
    return Talkback(TalkbackKind.STATUS, status_text(plan))


def answer_lead(*, session: Session, rep_id: int, now: datetime, settings: Settings) -> Talkback:
    """LEAD: refused while an explanation is owed; else the next lead, assigned to the rep, or none."""
    owed = owed_explanation(
        session=session, rep_id=rep_id, now=now, tz=settings.tz, holidays=frozenset(settings.company_holidays)
    )
    if owed is not None:
        return Talkback(TalkbackKind.LEAD_REFUSED, refusal_text(owed))
    lead = assign_next_lead(session=session, rep_id=rep_id, now=now)
    if lead is None or lead.id is None:
        return Talkback(TalkbackKind.NO_LEADS, NO_LEADS_TEXT)
    contact = ", ".join(part for part in (lead.contact_name, lead.contact_title) if part) or None
    log.info("lead %s assigned to rep %s by SMS", lead.id, rep_id)
    return Talkback(
        TalkbackKind.LEAD_ASSIGNED, lead_text(company=lead.company, domain=lead.domain, contact=contact), lead.id
    )


def answer_other_text(
    *, session: Session, rep_id: int, text: str, inbound_message_id: int | None, now: datetime, settings: Settings
) -> Talkback | None:
    """Other text: recorded as the explanation when one is owed (and thanked for); None when none is owed
    (or a concurrent text was recorded first), so the caller answers as it would have."""
    owed = owed_explanation(
        session=session, rep_id=rep_id, now=now, tz=settings.tz, holidays=frozenset(settings.company_holidays)
    )
    if owed is None:
        return None
    won = record_explanation(
        session=session,
        rep_id=rep_id,
        for_date=owed.for_date,
        text=text,
        inbound_message_id=inbound_message_id,
        now=now,
    )
    return Talkback(TalkbackKind.EXPLAINED, EXPLANATION_THANKS) if won else None
