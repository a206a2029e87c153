"""The overview's extra panels: today's LLM spend against the cap, pipeline health, open alerts and the
safety counters. Loaded by the panels themselves (on mount and periodically); the session is checked first."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import reflex as rx

from core import config
from core.clock import SystemClock
from core.config import Settings
from core.costs import local_date_of, spent_today
from core.dashboard_queries import open_alerts, safety_counters
from core.db import session_scope
from sales_dashboard.state.auth import AuthState
from sales_dashboard.state.pipeline import PipelineView, load_pipeline
from sales_dashboard.views import format_time

log = logging.getLogger(__name__)


@dataclass
class AlertLine:
    """One open alert."""

    when: str = ""
    severity: str = ""
    message: str = ""


@dataclass
class PanelsView:
    """Spend, alerts and the safety counters."""

    spent_today: str = ""
    cap: str = ""
    spend_share: int = 0
    over_cap: bool = False
    alerts: list[AlertLine] = field(default_factory=list)
    unauthorized_inbound: int = 0
    replays_ignored: int = 0
    unknown_not_resent: int = 0
    verdict_actions_held: int = 0


def load_panels(*, settings: Settings, now: datetime) -> PanelsView:
    """Read the panels' figures (blocks on the database)."""
    with session_scope() as session:
        spent = spent_today(session=session, local_date=local_date_of(now, settings.tz))
        alerts = open_alerts(session=session)
        counters = safety_counters(session=session)
        lines = [AlertLine(format_time(a.created_at, settings.tz), str(a.severity), a.message) for a in alerts]
    cap = settings.llm_daily_cap_usd
    return PanelsView(
        spent_today=f"${spent:.2f}",
        cap=f"${cap:.2f}",
        spend_share=min(100, round(100 * spent / cap)) if cap else 100,
        over_cap=spent >= cap,
        alerts=lines,
        unauthorized_inbound=counters.unauthorized_inbound,
        replays_ignored=counters.replays_ignored,
        unknown_not_resent=counters.unknown_not_resent,
        verdict_actions_held=counters.verdict_actions_held,
    )


class OverviewPanelsState(AuthState):
    """The overview's spend, pipeline, alerts and safety panels."""

    loaded: bool = False
    panels: PanelsView = rx.field(default_factory=PanelsView)
    pipeline: PipelineView = rx.field(default_factory=PipelineView)

    @rx.event
    async def load(self, _now: str = "") -> Any:
        """On mount and periodically: check the session, then read (rx.moment passes the time, unused)."""
        if self._signed_in() is None:
            return self._end_session()
        self.panels, self.pipeline = await asyncio.gather(
            asyncio.to_thread(load_panels, settings=config.settings, now=SystemClock().now()),
            asyncio.to_thread(load_pipeline, settings=config.settings),
        )
        self.loaded = True
        return None
