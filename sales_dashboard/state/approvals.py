"""The approval queue: PIP and terminate recommendations for a founder to decide, and reps' drafts in flight."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import reflex as rx
from sqlmodel import select

from core import config
from core import reviews as core_reviews
from core.clock import SystemClock
from core.db import session_scope
from core.errors import SalesAgentError
from core.models import Rep
from core.verdicts import approve_verdict_action, reject_verdict_action
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)


@dataclass
class ActionView:
    """One PIP or terminate recommendation waiting for a founder."""

    approval_id: int = 0
    rep: str = ""
    week: str = ""
    action: str = ""
    verdict: str = ""
    policy_band: str = ""
    rationale: str = ""
    evidence: list[str] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)
    expires: str = ""


@dataclass
class InFlightView:
    """A rep's draft approval still open, and how long it has left."""

    approval_id: int = 0
    rep: str = ""
    sequence_id: int = 0
    expires: str = ""
    time_left: str = ""


def time_left(expires_at: datetime, now: datetime) -> str:
    """Hours and minutes until `expires_at` ("expired" once past)."""
    seconds = int((expires_at - now).total_seconds())
    if seconds <= 0:
        return "expired"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes:02d} min"


def load_queue(*, now: datetime) -> tuple[list[ActionView], list[InFlightView]]:
    """The founder decisions pending, and the reps' draft approvals in flight."""
    with session_scope() as session:
        names = {rep.id: rep.name for rep in session.exec(select(Rep))}
        actions = [
            ActionView(
                approval_id=approval.id or 0,
                rep=names.get(verdict.rep_id, f"rep {verdict.rep_id}"),
                week=verdict.week_start.isoformat(),
                action=str(verdict.action),
                verdict=str(verdict.verdict),
                policy_band=str(verdict.policy_band),
                rationale=verdict.rationale,
                evidence=[
                    row.label
                    for row in core_reviews.resolve_evidence(session=session, refs=list(verdict.evidence_refs))
                ],
                review_reasons=[str(reason) for reason in verdict.review_reasons],
                expires=approval.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
            )
            for approval, verdict in core_reviews.pending_verdict_actions(session=session)
        ]
        in_flight = [
            InFlightView(
                approval_id=a.id or 0,
                rep=names.get(a.rep_id, f"rep {a.rep_id}"),
                sequence_id=a.subject_id,
                expires=a.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                time_left=time_left(a.expires_at, now),
            )
            for a in core_reviews.draft_approvals_in_flight(session=session)
        ]
    return actions, in_flight


def decide(*, approval_id: int, founder_id: int, approve: bool, reason: str, now: datetime) -> str:
    """Approve or reject one verdict action with the founder's reason; a line saying what happened."""
    with session_scope() as session:
        if approve:
            decision = approve_verdict_action(
                session=session, approval_id=approval_id, founder_id=founder_id, settings=config.settings, now=now,
                note=reason,
            )  # fmt: skip
        else:
            decision = reject_verdict_action(
                session=session, approval_id=approval_id, founder_id=founder_id, now=now, note=reason
            )
        if not decision.decided:
            return "Already decided by someone else: nothing changed."
        verb = "Approved" if approve else "Rejected"
        extra = f" ({'; '.join(decision.notes)})" if decision.notes else ""
        sent = " The message is queued." if decision.message is not None else ""
        return f"{verb}: {decision.verdict.action} for the week of {decision.verdict.week_start}.{extra}{sent}"


class ApprovalsState(AuthState):
    """The queue and the founder's decision on the selected recommendation; each handler checks the session."""

    authorized: bool = False
    actions: list[ActionView] = []
    in_flight: list[InFlightView] = []
    selected: int = 0
    reason: str = ""
    notice: str = ""
    problem: str = ""

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the queue."""
        if self._signed_in() is None:
            return self._end_session()
        await self._reload()
        return None

    @rx.event
    def select(self, approval_id: int) -> Any:
        """Pick the recommendation to decide."""
        if self._signed_in() is None:
            return self._end_session()
        self.selected, self.reason, self.problem = int(approval_id), "", ""
        return None

    @rx.event
    def set_reason(self, value: str) -> None:
        """Keep the reason's text (nothing private)."""
        self.reason = value

    @rx.event
    async def approve(self) -> Any:
        """Approve the selected PIP or terminate (after the confirmation dialog); a reason is required."""
        return await self._decide(approve=True)

    @rx.event
    async def reject(self) -> Any:
        """Reject the selected PIP or terminate (after the confirmation dialog); a reason is required."""
        return await self._decide(approve=False)

    async def _decide(self, *, approve: bool) -> Any:
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        reason = self.reason.strip()
        if not self.selected:
            self.problem = "Choose a recommendation first."
            return None
        if not reason:
            self.problem = "A reason is required."
            return None
        try:
            self.notice = await asyncio.to_thread(
                decide, approval_id=self.selected, founder_id=founder.founder_id, approve=approve, reason=reason,
                now=SystemClock().now(),
            )  # fmt: skip
        except (SalesAgentError, ValueError) as exc:
            log.warning("decision on approval %s by %s failed: %s", self.selected, founder.actor, exc)
            self.problem = str(exc)
            return None
        log.info("%s %s approval %s", founder.actor, "approved" if approve else "rejected", self.selected)
        self.selected, self.reason, self.problem = 0, "", ""
        await self._reload()
        return None

    async def _reload(self) -> None:
        self.actions, self.in_flight = await asyncio.to_thread(load_queue, now=SystemClock().now())
        self.authorized = True
