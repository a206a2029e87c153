"""Verdict review, blind by default: the founder's own call first, the agent's only after it is recorded.

Blindness is kept on the server: until this founder's review exists, the state holds only the rep's metrics and
deliverability; the agent's verdict, rationale and evidence are read and sent to the browser only afterwards.
"""

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
from core.config import AgentMode
from core.controls import effective_controls
from core.db import session_scope
from core.models import Rep, ReviewSubject, Verdict
from core.policy import LEVEL_ORDER
from core.verdicts import load_rep_history
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)

LEVELS = [level.value for level in LEVEL_ORDER]


@dataclass
class VerdictRow:
    """One verdict waiting for this founder's review (no agent's call in it)."""

    verdict_id: int = 0
    rep: str = ""
    week: str = ""


@dataclass
class MetricsRow:
    """One of the rep's eight weeks."""

    week: str = ""
    emails: int = 0
    replies: int = 0
    reply_rate: str = ""
    meetings: int = 0
    calls: int = 0


@dataclass
class EvidenceView:
    """One cited row: its line, and the stored fields shown when it is opened."""

    label: str = ""
    fields: list[str] = field(default_factory=list)


@dataclass
class BlindView:
    """What the founder sees before their own call: the data only."""

    verdict_id: int = 0
    rep: str = ""
    week: str = ""
    metrics: list[MetricsRow] = field(default_factory=list)
    deliverability: list[str] = field(default_factory=list)


@dataclass
class RevealView:
    """After the founder's call: the agent's call beside theirs."""

    founder_call: str = ""
    agent_call: str = ""
    policy_band: str = ""
    action: str = ""
    rationale: str = ""
    agrees: bool = False
    notes: str = ""
    evidence: list[EvidenceView] = field(default_factory=list)


def agreement_line(result: core_reviews.Agreement) -> str:
    """The trailing agreement figure as a line."""
    if result.rate is None:
        return "no verdict reviews in the last 14 days"
    return f"{result.rate:.0%} ({result.agreed}/{result.total}) in the last 14 days"


def load_queue(*, founder_id: int, now: datetime) -> tuple[list[VerdictRow], str]:
    """The verdicts this founder has not reviewed, and the agreement line."""
    with session_scope() as session:
        pending = core_reviews.verdicts_to_review(session=session, founder_id=founder_id)
        names = {rep.id: rep.name for rep in session.exec(select(Rep))}
        rows = [
            VerdictRow(verdict_id=v.id or 0, rep=names.get(v.rep_id, f"rep {v.rep_id}"), week=v.week_start.isoformat())
            for v in pending
        ]
        figure = core_reviews.agreement(session=session, subject_kind=ReviewSubject.VERDICT, now=now)
    return rows, agreement_line(figure)


def load_blind(*, verdict_id: int) -> BlindView | None:
    """The rep's 8 weeks and deliverability for the verdict's week, without the agent's call."""
    with session_scope() as session:
        verdict = session.get(Verdict, verdict_id)
        if verdict is None:
            return None
        rep = session.get(Rep, verdict.rep_id)
        history = load_rep_history(session=session, rep_id=verdict.rep_id, week_start=verdict.week_start)
    by_week = {row.week_start: row for row in history.metrics}
    metrics = []
    for week in history.weeks:
        row = by_week.get(week)
        metrics.append(
            MetricsRow(
                week=week.isoformat(),
                emails=row.emails_sent if row else 0,
                replies=row.replies if row else 0,
                reply_rate=f"{row.reply_rate:.1%}" if row else "0.0%",
                meetings=row.meetings if row else 0,
                calls=row.calls if row else 0,
            )
        )
    deliverability = [
        f"{day.day.isoformat()}: spam {_pct(day.spam_rate)}, SPF {_pct(day.spf_pass_rate)}, "
        f"DKIM {_pct(day.dkim_pass_rate)}, DMARC {_pct(day.dmarc_pass_rate)}"
        for day in history.deliverability
    ]
    return BlindView(
        verdict_id=verdict_id,
        rep=rep.name if rep else f"rep {verdict.rep_id}",
        week=verdict.week_start.isoformat(),
        metrics=metrics,
        deliverability=deliverability,
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def load_reveal(*, verdict_id: int, founder_id: int) -> RevealView | None:
    """The agent's call beside this founder's; None unless the founder has recorded their own first."""
    with session_scope() as session:
        review = core_reviews.get_review(
            session=session, founder_id=founder_id, subject_kind=ReviewSubject.VERDICT, subject_id=verdict_id
        )
        verdict = session.get(Verdict, verdict_id)
        if review is None or verdict is None:
            return None
        evidence = core_reviews.resolve_evidence(session=session, refs=list(verdict.evidence_refs))
        return RevealView(
            founder_call=review.founder_call,
            agent_call=str(verdict.verdict),
            policy_band=str(verdict.policy_band),
            action=str(verdict.action),
            rationale=verdict.rationale,
            agrees=review.agrees,
            notes=review.notes or "",
            evidence=[EvidenceView(label=row.label, fields=[f"{k}: {v}" for k, v in row.fields]) for row in evidence],
        )


def record_blind_call(*, verdict_id: int, founder_id: int, call: str, now: datetime) -> bool:
    """Record the founder's blind call (agrees = same level as the agent's); False if the verdict is gone."""
    with session_scope() as session:
        verdict = session.get(Verdict, verdict_id)
        if verdict is None:
            return False
        shadow = effective_controls(session=session, settings=config.settings).mode is AgentMode.SHADOW
        core_reviews.record_review(
            session=session, founder_id=founder_id, subject_kind=ReviewSubject.VERDICT, subject_id=verdict_id,
            founder_call=call, agent_call=str(verdict.verdict), agrees=call == str(verdict.verdict),
            shadow_mode=shadow, now=now,
        )  # fmt: skip
    return True


def record_mark(*, verdict_id: int, founder_id: int, agrees: bool, notes: str) -> None:
    """The founder's agree/disagree and note after the reveal."""
    with session_scope() as session:
        core_reviews.mark_agreement(
            session=session, founder_id=founder_id, subject_kind=ReviewSubject.VERDICT, subject_id=verdict_id,
            agrees=agrees, notes=notes.strip() or None,
        )  # fmt: skip


class VerdictsState(AuthState):
    """The review queue and the verdict open for review; each handler checks the session first."""

    authorized: bool = False
    queue: list[VerdictRow] = []
    agreement: str = ""
    blind: BlindView = rx.field(default_factory=BlindView)
    reveal: RevealView = rx.field(default_factory=RevealView)
    is_open: bool = False
    revealed: bool = False
    note: str = ""
    selected_evidence: int = -1
    evidence_label: str = ""
    evidence_fields: list[str] = []
    notice: str = ""

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the queue and the agreement figure."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        await self._reload(founder.founder_id)
        return None

    @rx.event
    async def open_verdict(self, verdict_id: int) -> Any:
        """Open a verdict blind (or, if this founder already made their call, side by side)."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        verdict_id = int(verdict_id)
        blind = await asyncio.to_thread(load_blind, verdict_id=verdict_id)
        if blind is None:
            self.notice = "That verdict no longer exists."
            return None
        reveal = await asyncio.to_thread(load_reveal, verdict_id=verdict_id, founder_id=founder.founder_id)
        self.blind, self.is_open, self.note, self.notice = blind, True, "", ""
        self.selected_evidence, self.evidence_label, self.evidence_fields = -1, "", []
        self.revealed = reveal is not None
        self.reveal = reveal or RevealView()
        return None

    @rx.event
    async def submit_call(self, call: str) -> Any:
        """Record the founder's own verdict for the open week, then show the agent's."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        if not self.is_open or call not in LEVELS:
            self.notice = "Choose one of the five levels."
            return None
        verdict_id = self.blind.verdict_id
        now = SystemClock().now()
        if not await asyncio.to_thread(
            record_blind_call, verdict_id=verdict_id, founder_id=founder.founder_id, call=call, now=now
        ):
            self.notice = "That verdict no longer exists."
            return None
        reveal = await asyncio.to_thread(load_reveal, verdict_id=verdict_id, founder_id=founder.founder_id)
        self.reveal, self.revealed = reveal or RevealView(), reveal is not None
        self.notice = f"Your call recorded: {call}."
        log.info("%s reviewed verdict %s blind: %s", founder.actor, verdict_id, call)
        await self._reload(founder.founder_id)
        return None

    @rx.event
    def set_note(self, value: str) -> None:
        """Keep the note's text (nothing private)."""
        self.note = value

    @rx.event
    async def mark(self, agrees: bool) -> Any:
        """After the reveal: agree or disagree with the agent's call, with the note."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        if not (self.is_open and self.revealed):
            self.notice = "Make your own call first."
            return None
        verdict_id = self.blind.verdict_id
        await asyncio.to_thread(
            record_mark, verdict_id=verdict_id, founder_id=founder.founder_id, agrees=bool(agrees), notes=self.note
        )
        reveal = await asyncio.to_thread(load_reveal, verdict_id=verdict_id, founder_id=founder.founder_id)
        self.reveal = reveal or RevealView()
        self.notice = "Marked: you agree with the agent." if agrees else "Marked: you disagree with the agent."
        await self._reload(founder.founder_id)
        return None

    @rx.event
    def show_evidence(self, index: int) -> Any:
        """Open one cited row (only once revealed)."""
        if self._signed_in() is None:
            return self._end_session()
        index = int(index)
        if not self.revealed or not 0 <= index < len(self.reveal.evidence):
            return None
        row = self.reveal.evidence[index]
        self.selected_evidence, self.evidence_label, self.evidence_fields = index, row.label, list(row.fields)
        return None

    @rx.event
    def close(self) -> None:
        """Back to the queue."""
        self.is_open, self.revealed = False, False
        self.blind, self.reveal, self.note, self.selected_evidence = BlindView(), RevealView(), "", -1

    async def _reload(self, founder_id: int) -> None:
        now = SystemClock().now()
        self.queue, self.agreement = await asyncio.to_thread(load_queue, founder_id=founder_id, now=now)
        self.authorized = True
