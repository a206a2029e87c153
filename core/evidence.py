"""Evidence checks: every row a verdict cites must exist, be that rep's, and fall in the judged period.

A verdict with any reference that fails goes to a founder (`needs_review`) with these reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session

from core.models import ActivityEvent, DeliverabilitySnapshot, Rep, rep_weekly_metrics
from core.policy import EvidenceRef, EvidenceTable


def parse_refs(raw: Iterable[Any]) -> tuple[list[EvidenceRef], list[str]]:
    """Stored or model-given references as EvidenceRefs, and a reason for each malformed one."""
    refs, problems = [], []
    for item in raw:
        try:
            refs.append(EvidenceRef.model_validate(item))
        except ValidationError:
            problems.append(f"malformed evidence reference {str(item)[:100]!r}")
    return refs, problems


def rep_sending_domain(rep: Rep) -> str:
    """The domain a rep sends from: the deliverability snapshots' key."""
    return rep.email.rsplit("@", 1)[-1].lower()


def check_evidence(*, session: Session, rep_id: int, weeks: list[date], refs: Iterable[Any]) -> list[str]:
    """The reasons any reference is invalid (empty when all resolve); `weeks` are the period's Mondays."""
    if not weeks:
        raise ValueError("the period needs at least one week")
    parsed, problems = parse_refs(refs)
    if not parsed and not problems:
        return ["the verdict cites no evidence"]
    rep = session.get(Rep, rep_id)
    if rep is None:
        return [f"rep {rep_id} does not exist"]
    first, last = min(weeks), max(weeks) + timedelta(days=6)
    for ref in parsed:
        problem = _check_one(session, rep, set(weeks), first, last, ref)
        if problem:
            problems.append(problem)
    return problems


def _check_one(session: Session, rep: Rep, weeks: set[date], first: date, last: date, ref: EvidenceRef) -> str | None:
    label = f"{ref.table.value} {ref.id}"
    if ref.table is EvidenceTable.REP_WEEKLY_METRICS:
        rep_part, _, week_part = ref.id.partition(":")
        try:
            row_rep, week = int(rep_part), date.fromisoformat(week_part)
        except ValueError:
            return f"{label}: not a 'rep_id:week_start' id"
        if row_rep != rep.id:
            return f"{label}: another rep's row"
        if week not in weeks:
            return f"{label}: outside the period {first}..{last}"
        found = session.execute(
            sa.select(rep_weekly_metrics.c.rep_id).where(
                rep_weekly_metrics.c.rep_id == row_rep, rep_weekly_metrics.c.week_start == week
            )
        ).first()
        return None if found else f"{label}: no such row"
    try:
        row_id = int(ref.id)
    except ValueError:
        return f"{label}: not an integer id"
    if ref.table is EvidenceTable.ACTIVITY_EVENTS:
        event = session.get(ActivityEvent, row_id)
        if event is None:
            return f"{label}: no such row"
        if event.rep_id != rep.id:
            return f"{label}: another rep's row"
        return None if event.week_start in weeks else f"{label}: outside the period {first}..{last}"
    snapshot = session.get(DeliverabilitySnapshot, row_id)
    if snapshot is None:
        return f"{label}: no such row"
    if snapshot.domain.lower() != rep_sending_domain(rep):
        return f"{label}: another domain's row ({snapshot.domain})"
    return None if first <= snapshot.day <= last else f"{label}: outside the period {first}..{last}"
