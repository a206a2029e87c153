"""Draft review: the agent's three touches, its research with sources and its slop report; the founder's call.

The agent's call on its own draft is always "send"; the founder agrees only by choosing "send as is".
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import reflex as rx
from sqlmodel import col, select

from core import config
from core import reviews as core_reviews
from core.clock import SystemClock
from core.config import AgentMode
from core.controls import effective_controls
from core.db import session_scope
from core.models import Lead, Rep, ReviewSubject, Sequence, Touch
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)


@dataclass
class TouchView:
    """One touch as drafted."""

    step: int = 0
    subject: str = ""
    body: str = ""
    call_script: str = ""


@dataclass
class FactView:
    """One research fact and where it came from."""

    text: str = ""
    source_url: str = ""


@dataclass
class DraftView:
    """One drafted sequence for review."""

    sequence_id: int = 0
    rep: str = ""
    company: str = ""
    state: str = ""
    created: str = ""
    touches: list[TouchView] = field(default_factory=list)
    facts: list[FactView] = field(default_factory=list)
    slop: list[str] = field(default_factory=list)


def slop_lines(reports: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """The slop reports of the touches as lines ("passed" or each failure)."""
    lines = []
    for step, report in reports:
        if not report:
            continue
        failures = report.get("failures") or []
        if not failures:
            lines.append(f"touch {step}: passed ({report.get('rules', 'rules')})")
        for failure in failures:
            lines.append(f"touch {step}: {failure.get('rule')} in {failure.get('field')}: {failure.get('detail')}")
    return lines or ["no slop report stored"]


def draft_view(sequence: Sequence, touches: list[Touch], rep: Rep | None, lead: Lead | None) -> DraftView:
    """A sequence, its touches and research as plain data."""
    facts = [
        FactView(text=str(fact.get("text", "")), source_url=str(fact.get("source_url", "")))
        for fact in (sequence.research or {}).get("facts", [])
        if isinstance(fact, dict)
    ]
    return DraftView(
        sequence_id=sequence.id or 0,
        rep=rep.name if rep else f"rep {sequence.rep_id}",
        company=f"{lead.company} ({lead.domain})" if lead else f"lead {sequence.lead_id}",
        state=str(sequence.state),
        created=sequence.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        touches=[
            TouchView(step=t.step, subject=t.subject, body=t.body, call_script=t.call_script or "") for t in touches
        ],
        facts=facts,
        slop=slop_lines([(t.step, t.slop_report) for t in touches]),
    )


def load_drafts(*, founder_id: int, now: datetime) -> tuple[list[DraftView], str]:
    """The drafts this founder has not reviewed (with their touches), and the drafts' agreement line."""
    with session_scope() as session:
        sequences = core_reviews.drafts_to_review(session=session, founder_id=founder_id, limit=20)
        ids = [s.id for s in sequences]
        touches: dict[int, list[Touch]] = {}
        for touch in session.exec(select(Touch).where(col(Touch.sequence_id).in_(ids)).order_by(col(Touch.step))):
            touches.setdefault(touch.sequence_id, []).append(touch)
        views = [
            draft_view(s, touches.get(s.id or 0, []), session.get(Rep, s.rep_id), session.get(Lead, s.lead_id))
            for s in sequences
        ]
        figure = core_reviews.agreement(session=session, subject_kind=ReviewSubject.DRAFT, now=now)
    line = "no draft reviews in the last 14 days" if figure.rate is None else (
        f"{figure.rate:.0%} ({figure.agreed}/{figure.total}) in the last 14 days"
    )  # fmt: skip
    return views, line


def record_draft_call(*, sequence_id: int, founder_id: int, call: str, edit_text: str, now: datetime) -> bool:
    """Record the founder's call on a draft once; False if the sequence is gone."""
    with session_scope() as session:
        if session.get(Sequence, sequence_id) is None:
            return False
        shadow = effective_controls(session=session, settings=config.settings).mode is AgentMode.SHADOW
        core_reviews.record_review(
            session=session, founder_id=founder_id, subject_kind=ReviewSubject.DRAFT, subject_id=sequence_id,
            founder_call=call, agent_call=core_reviews.DraftCall.SEND, agrees=call == core_reviews.DraftCall.SEND,
            shadow_mode=shadow, now=now, edit_text=edit_text if call == core_reviews.DraftCall.EDIT else None,
        )  # fmt: skip
    return True


class DraftsState(AuthState):
    """The drafts waiting for this founder's review; each handler checks the session first."""

    authorized: bool = False
    drafts: list[DraftView] = []
    agreement: str = ""
    edit_text: str = ""
    editing: int = 0
    notice: str = ""

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the drafts."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        await self._reload(founder.founder_id)
        return None

    @rx.event
    def start_edit(self, sequence_id: int) -> Any:
        """Open the edit box under one draft."""
        if self._signed_in() is None:
            return self._end_session()
        self.editing, self.edit_text = int(sequence_id), ""
        return None

    @rx.event
    def set_edit_text(self, value: str) -> None:
        """Keep the edit box's text (nothing private)."""
        self.edit_text = value

    @rx.event
    async def send_as_is(self, sequence_id: int) -> Any:
        """The founder would send the draft as it is (agrees with the agent)."""
        return await self._mark(int(sequence_id), core_reviews.DraftCall.SEND)

    @rx.event
    async def would_skip(self, sequence_id: int) -> Any:
        """The founder would not send this draft at all."""
        return await self._mark(int(sequence_id), core_reviews.DraftCall.SKIP)

    @rx.event
    async def would_edit(self) -> Any:
        """The founder would edit the draft open for editing; the edit text is required."""
        return await self._mark(self.editing, core_reviews.DraftCall.EDIT)

    async def _mark(self, sequence_id: int, call: str) -> Any:
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        edit = self.edit_text.strip()
        if call == core_reviews.DraftCall.EDIT and (not sequence_id or not edit):
            self.notice = "Write the edit you would make first."
            return None
        recorded = await asyncio.to_thread(
            record_draft_call, sequence_id=sequence_id, founder_id=founder.founder_id, call=call, edit_text=edit,
            now=SystemClock().now(),
        )  # fmt: skip
        label = {"send": "send as is", "edit": "would edit", "skip": "would skip"}[call]
        self.notice = f"Draft {sequence_id}: {label}." if recorded else "That draft no longer exists."
        self.editing, self.edit_text = 0, ""
        log.info("%s reviewed draft %s: %s", founder.actor, sequence_id, call)
        await self._reload(founder.founder_id)
        return None

    async def _reload(self, founder_id: int) -> None:
        self.drafts, self.agreement = await asyncio.to_thread(
            load_drafts, founder_id=founder_id, now=SystemClock().now()
        )
        self.authorized = True
