"""The morning nudge: the quota math and the last workday's unsent drafts, in one SMS.

`nudge_text` is pure. The counting functions read what exists: emails sent this week from ingested
`email_sent` activity (as the quota math everywhere), drafts from step-1 touches of the rep's sequences
created on the last workday (local), "sent" meaning the rep approved the draft (approved or edited), the
same definition as the metrics view's `drafts_sent` (see migration 0006).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from core.models import ActivityEvent, ActivityKind, Approval, ApprovalKind, ApprovalStatus, Sequence, Touch
from core.quota import QuotaPlan

GSM7_SINGLE_SEGMENT = 160
# The GSM 03.38 basic character set (the extension table's characters cost two and are left out).
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@dataclass(frozen=True)
class DraftDay:
    """Drafts made for a rep on one local day, and how many the rep sent (approved or edited)."""

    day: date
    created: int
    sent: int


def is_gsm7(text: str) -> bool:
    """True if every character is in the GSM-7 basic set (160 characters a segment, not 70)."""
    return all(char in _GSM7 for char in text)


def previous_workday(today: date, holidays: Collection[date] = frozenset()) -> date:
    """The Monday-to-Friday, non-holiday day before `today` (Friday for a Monday)."""
    day = today - timedelta(days=1)
    while day.weekday() >= 5 or day in holidays:
        day -= timedelta(days=1)
    return day


def nudge_text(*, first_name: str, plan: QuotaPlan, drafts: DraftDay | None, today: date) -> str:
    """The nudge body: greeting, quota math, the last workday's drafts; one GSM-7 segment when possible."""
    parts = [plan.explain() + "."]
    if drafts is not None and drafts.created > 0:
        when = "yesterday" if drafts.day == today - timedelta(days=1) else f"on {drafts.day:%A}"
        parts.append(f"{drafts.sent} of {drafts.created} drafts sent {when}.")
    body = " ".join(parts)
    greeting = f"Morning {first_name}: "
    name_ok = first_name and is_gsm7(first_name) and len(greeting + body) <= GSM7_SINGLE_SEGMENT
    return greeting + body if name_ok else "Morning: " + body


def emails_sent_in_week(*, session: Session, rep_id: int, week_start: date) -> int:
    """`email_sent` activity for the rep in the company-local week starting `week_start`."""
    query = select(func.count()).where(
        ActivityEvent.rep_id == rep_id,
        ActivityEvent.week_start == week_start,
        ActivityEvent.kind == ActivityKind.EMAIL_SENT,
    )
    return int(session.exec(query).one())


def drafts_on(*, session: Session, rep_id: int, day: date, tz: ZoneInfo) -> DraftDay:
    """Step-1 touches of the rep's sequences created on local `day`, and how many the rep approved."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    sent_case = sa.case((col(Approval.status).in_([ApprovalStatus.APPROVED, ApprovalStatus.EDITED]), 1), else_=0)
    query = (
        select(func.count(), func.coalesce(func.sum(sent_case), 0))
        .select_from(Touch)
        .join(Sequence, col(Sequence.id) == col(Touch.sequence_id))
        .outerjoin(
            Approval, sa.and_(col(Approval.kind) == ApprovalKind.DRAFT, col(Approval.subject_id) == col(Sequence.id))
        )
        .where(Sequence.rep_id == rep_id, Touch.step == 1, Touch.created_at >= start, Touch.created_at < end)
    )
    created, sent = session.exec(query).one()
    return DraftDay(day=day, created=int(created), sent=int(sent))
