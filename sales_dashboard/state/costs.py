"""The costs page: daily LLM spend against the cap, cost per draft against its cap, per rep and per model."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from core import config
from core.clock import SystemClock
from core.config import Settings
from core.dashboard_queries import GroupCost, costs_by_model, costs_by_rep, daily_costs
from core.db import session_scope
from sales_dashboard.components.charts import bars_with_line
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)

DAYS = 30


@dataclass
class CostRow:
    """One rep's or model's spend over the window."""

    key: str = ""
    usd: str = ""
    calls: int = 0
    drafts: int = 0


@dataclass
class CostsView:
    """Everything the costs page shows."""

    has_data: bool = False
    window: str = ""
    today: str = ""
    total: str = ""
    by_rep: list[CostRow] = field(default_factory=list)
    by_model: list[CostRow] = field(default_factory=list)


def _rows(groups: list[GroupCost]) -> list[CostRow]:
    return [CostRow(key=g.key, usd=f"${g.usd:,.2f}", calls=g.calls, drafts=g.drafts) for g in groups]


def load_costs(*, settings: Settings, now: datetime) -> tuple[CostsView, go.Figure, go.Figure]:
    """The last 30 local days of spend (blocks on the database)."""
    until = now.astimezone(settings.tz).date()
    since = until - timedelta(days=DAYS - 1)
    with session_scope() as session:
        days = daily_costs(session=session, since=since, until=until)
        by_rep = costs_by_rep(session=session, since=since, until=until)
        by_model = costs_by_model(session=session, since=since, until=until)
    by_day = {d.day: d for d in days}
    axis = [since + timedelta(days=i) for i in range(DAYS)]
    x = [day.isoformat() for day in axis]
    spend = [by_day[d].usd if d in by_day else 0.0 for d in axis]
    per_draft = [(by_day[d].per_draft or 0.0) if d in by_day else 0.0 for d in axis]
    cap, draft_cap = settings.llm_daily_cap_usd, settings.llm_draft_cap_usd
    spend_fig = bars_with_line(x=x, bars=spend, bar_name="spend (USD)", title="Daily LLM spend",
                               y_title="USD", line=cap, line_name=f"daily cap (${cap:.2f})")  # fmt: skip
    draft_fig = bars_with_line(x=x, bars=per_draft, bar_name="cost per draft (USD)", title="Cost per draft",
                               y_title="USD", line=draft_cap, line_name=f"cap (${draft_cap:.2f})")  # fmt: skip
    today = by_day.get(until)
    view = CostsView(
        has_data=bool(days),
        window=f"{since} to {until}",
        today=f"${today.usd if today else 0:.2f} of ${cap:.2f} today",
        total=f"${sum(spend):,.2f} in {DAYS} days",
        by_rep=_rows(by_rep),
        by_model=_rows(by_model),
    )
    return view, spend_fig, draft_fig


class CostsState(AuthState):
    """Spend figures; the handler checks the session before reading."""

    authorized: bool = False
    view: CostsView = rx.field(default_factory=CostsView)
    spend_chart: go.Figure = go.Figure()
    draft_chart: go.Figure = go.Figure()

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the spend."""
        if self._signed_in() is None:
            return self._end_session()
        self.view, self.spend_chart, self.draft_chart = await asyncio.to_thread(
            load_costs, settings=config.settings, now=SystemClock().now()
        )
        self.authorized = True
        return None
