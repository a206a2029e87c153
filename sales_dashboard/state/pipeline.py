"""The pipeline page: new unassigned leads against the floor, leads by status, the latest discovery runs."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from core import config
from core.config import Settings
from core.dashboard_queries import pipeline_counts
from core.db import session_scope
from core.leadgen import EMPTY_RUNS_ALERT
from sales_dashboard.state.auth import AuthState
from sales_dashboard.views import format_time

log = logging.getLogger(__name__)


@dataclass
class StatusCount:
    """Leads in one status."""

    status: str = ""
    count: int = 0


@dataclass
class RunRow:
    """One discovery run."""

    when: str = ""
    source: str = ""
    status: str = ""
    requested: int = 0
    found: int = 0
    added: int = 0
    duplicates: int = 0


@dataclass
class PipelineView:
    """Everything the pipeline page (and the overview's pipeline panel) shows."""

    new_leads: int = 0
    floor: int = 0
    below_floor: bool = False
    empty_streak: int = 0
    streak_alarming: bool = False
    by_status: list[StatusCount] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)


def load_pipeline(*, settings: Settings) -> PipelineView:
    """Read the pipeline's counts (blocks on the database)."""
    with session_scope() as session:
        counts = pipeline_counts(session=session)
    return PipelineView(
        new_leads=counts.new_unassigned,
        floor=settings.new_lead_floor,
        below_floor=counts.new_unassigned < settings.new_lead_floor,
        empty_streak=counts.empty_streak,
        streak_alarming=counts.empty_streak >= EMPTY_RUNS_ALERT,
        by_status=[StatusCount(s, n) for s, n in sorted(counts.by_status.items())],
        runs=[
            RunRow(
                when=format_time(r.created_at, settings.tz),
                source=r.source,
                status=str(r.status),
                requested=r.requested,
                found=r.found,
                added=r.added,
                duplicates=r.duplicates,
            )
            for r in counts.recent_runs
        ],  # fmt: skip
    )


class PipelineState(AuthState):
    """Pipeline counts; the handler checks the session before reading."""

    authorized: bool = False
    view: PipelineView = rx.field(default_factory=PipelineView)

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the counts."""
        if self._signed_in() is None:
            return self._end_session()
        self.view = await asyncio.to_thread(load_pipeline, settings=config.settings)
        self.authorized = True
        return None
