"""Learning from disagreement: a founder's review that disagrees with the agent becomes a golden case.

A verdict review becomes a verdict case (the rep's 8 weeks and deliverability as stored, the founder's
call as expected). A draft review becomes a drafting case (the lead and the research the draft was grounded
in, the founder's call and notes as its `why`, the founder's edit kept as `founder_text`). Agreeing reviews
are refused: they teach nothing new.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlmodel import Session

from core.errors import SalesAgentError
from core.models import Lead, Rep, Review, Sequence, Verdict, VerdictLevel
from core.models.verdicts import ReviewSubject
from core.verdicts import load_rep_history
from evals.cases import (
    GOLDEN_DIR,
    CaseCompany,
    CaseContact,
    CaseFact,
    DeliverabilityDay,
    DraftCase,
    VerdictCase,
    WeekMetrics,
    append_case,
)

log = logging.getLogger(__name__)


class PromotionRefused(SalesAgentError):
    """The review cannot become a golden case (it agrees, or what it reviewed is gone)."""


def promote_review(
    *, session: Session, review_id: int, directory: Path = GOLDEN_DIR
) -> tuple[VerdictCase | DraftCase, Path]:
    """Append the golden case made from a disagreeing review; returns the case and the file it went to."""
    review = session.get(Review, review_id)
    if review is None:
        raise PromotionRefused(f"review {review_id} does not exist")
    if review.agrees:
        raise PromotionRefused(f"review {review_id} agrees with the agent; only disagreements become cases")
    case = (
        _verdict_case(session, review) if review.subject_kind == ReviewSubject.VERDICT else _draft_case(session, review)
    )
    return case, append_case(case, directory)


def _why(review: Review) -> str:
    notes = f" Notes: {review.notes}" if review.notes else ""
    return f"Founder's call {review.founder_call}, agent's {review.agent_call} (review {review.id}).{notes}"


def _verdict_case(session: Session, review: Review) -> VerdictCase:
    verdict = session.get(Verdict, review.subject_id)
    if verdict is None:
        raise PromotionRefused(f"verdict {review.subject_id} of review {review.id} does not exist")
    try:
        expected = VerdictLevel(review.founder_call)
    except ValueError as exc:
        raise PromotionRefused(f"founder's call {review.founder_call!r} is not a verdict level") from exc
    rep = session.get(Rep, verdict.rep_id)
    history = load_rep_history(session=session, rep_id=verdict.rep_id, week_start=verdict.week_start)
    if not history.metrics:
        raise PromotionRefused(f"rep {verdict.rep_id} has no activity rows for the 8 weeks to {verdict.week_start}")
    return VerdictCase(
        id=f"verdict-review-{review.id}",
        why=_why(review),
        origin=f"review:{review.id}",
        rep_id=verdict.rep_id,
        rep_name=(rep.name if rep else f"rep {verdict.rep_id}")[:120],
        weeks=tuple(WeekMetrics(**vars(row)) for row in history.metrics),
        deliverability=tuple(DeliverabilityDay(**vars(day)) for day in history.deliverability if day.id),
        expected=expected,
    )


def _draft_case(session: Session, review: Review) -> DraftCase:
    sequence = session.get(Sequence, review.subject_id)
    if sequence is None:
        raise PromotionRefused(f"sequence {review.subject_id} of review {review.id} does not exist")
    lead = session.get(Lead, sequence.lead_id)
    if lead is None:
        raise PromotionRefused(f"lead of sequence {sequence.id} does not exist")
    research: dict[str, Any] = dict(sequence.research or {})
    enrichment: dict[str, Any] = dict(research.get("enrichment") or {})
    employees = enrichment.get("employees")
    company = CaseCompany(
        domain=lead.domain,
        name=lead.company,
        industry=_text(enrichment.get("industry")),
        employees=int(employees) if isinstance(employees, int | float) and employees >= 1 else None,
        hq_country=(_text(enrichment.get("hq_country")) or "").upper() or None,
        hq_city=_text(enrichment.get("hq_city")),
        contact=CaseContact(
            name=getattr(lead, "contact_name", None) or _text(enrichment.get("contact_name")),
            title=getattr(lead, "contact_title", None) or _text(enrichment.get("contact_title")),
            email=getattr(lead, "contact_email", None),
        ),
        facts=tuple(
            CaseFact(text=str(f["text"]), source_url=str(f["source_url"]))
            for f in research.get("facts", [])
            if isinstance(f, dict) and f.get("text") and f.get("source_url")
        ),
    )
    return DraftCase(
        id=f"draft-review-{review.id}", why=_why(review), origin=f"review:{review.id}", company=company,
        founder_text=review.edit_text,
    )  # fmt: skip


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
