"""The reps page: per rep, 8 weeks of emails against the floor, reply rate and meetings; this week's quota
progress and deliverability. Every handler checks the session on the server first."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from core import config
from core.clock import SystemClock
from core.config import Settings
from core.dashboard_queries import all_reps, latest_spam_rates
from core.db import get_engine, session_scope
from core.leadgen import sent_this_week, workdays_left
from core.metrics import WeeklyMetrics, refresh_rep_weekly_metrics, rep_metrics
from core.quota import plan_quota
from sales_dashboard.components.charts import bars_with_line
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)

WEEKS = 8
SPAM_WARN = 0.001  # 0.10%
SPAM_CRITICAL = 0.003  # 0.30%


@dataclass
class RepRow:
    """One rep's line in the table."""

    id: str = ""
    name: str = ""
    active: bool = True
    quota: str = ""
    spam: str = ""
    spam_level: str = "none"  # ok | warn | critical | none


@dataclass
class RepSeries:
    """One rep's 8 weeks, oldest first (weeks without activity are zeros)."""

    weeks: list[str] = field(default_factory=list)
    emails: list[int] = field(default_factory=list)
    reply_rates: list[float] = field(default_factory=list)
    meetings: list[int] = field(default_factory=list)


def spam_level(rate: float | None) -> str:
    """ok below 0.10%, warn from 0.10%, critical from 0.30%; none without a figure."""
    if rate is None:
        return "none"
    return "critical" if rate >= SPAM_CRITICAL else "warn" if rate >= SPAM_WARN else "ok"


def last_weeks(today: date, count: int = WEEKS) -> list[date]:
    """The Mondays of the last `count` weeks, this week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=count - 1 - i) for i in range(count)]


def series_for(rows: list[WeeklyMetrics], weeks: list[date]) -> RepSeries:
    """One rep's view rows laid on the week axis."""
    by_week = {row.week_start: row for row in rows}
    pick = [by_week.get(week) for week in weeks]
    return RepSeries(
        weeks=[week.isoformat() for week in weeks],
        emails=[row.emails_sent if row else 0 for row in pick],
        reply_rates=[row.reply_rate if row else 0.0 for row in pick],
        meetings=[row.meetings if row else 0 for row in pick],
    )


def load_reps(*, settings: Settings, now: datetime) -> tuple[list[RepRow], dict[str, RepSeries]]:
    """Every rep's table row and 8-week series (refreshes the weekly view first; blocks on the database)."""
    tz = settings.tz
    today = now.astimezone(tz).date()
    engine = get_engine(settings)
    refresh_rep_weekly_metrics(engine, tz=tz, today=today)
    weeks = last_weeks(today)
    left = workdays_left(now, tz, settings.company_holidays)
    with session_scope() as session:
        reps = all_reps(session=session)
        rates = latest_spam_rates(session=session, domains=sorted({r.email.rsplit("@", 1)[-1] for r in reps}))
        sent = {rep.id: sent_this_week(session=session, rep_id=rep.id, now=now, tz=tz) for rep in reps if rep.id}
        metrics = rep_metrics(session.connection(), rep_ids=[r.id for r in reps if r.id], weeks=weeks)
        rows, series = [], {}
        for rep in reps:
            assert rep.id is not None
            plan = plan_quota(sent_this_week=sent[rep.id], weekly_floor=settings.weekly_email_floor,
                              workdays_left=left, daily_cap=settings.daily_draft_cap)  # fmt: skip
            day, rate = rates.get(rep.email.rsplit("@", 1)[-1], (None, None))
            rows.append(RepRow(
                id=str(rep.id), name=rep.name, active=rep.active, quota=plan.explain(),
                spam=f"{rate:.2%} on {day}" if rate is not None else "no deliverability data",
                spam_level=spam_level(rate),
            ))  # fmt: skip
            series[str(rep.id)] = series_for([m for m in metrics if m.rep_id == rep.id], weeks)
    return rows, series


def figures(series: RepSeries, *, floor: int) -> tuple[go.Figure, go.Figure, go.Figure]:
    """The three 8-week charts for one rep."""
    return (
        bars_with_line(x=series.weeks, bars=series.emails, bar_name="emails sent", title="Emails per week",
                       y_title="emails", line=floor, line_name=f"floor ({floor})"),
        bars_with_line(x=series.weeks, bars=series.reply_rates, bar_name="reply rate", title="Reply rate",
                       y_title="replies / emails", percent=True),
        bars_with_line(x=series.weeks, bars=series.meetings, bar_name="meetings", title="Meetings booked",
                       y_title="meetings"),
    )  # fmt: skip


class RepsState(AuthState):
    """The reps table and the selected rep's charts."""

    authorized: bool = False
    reps: list[RepRow] = rx.field(default_factory=list)
    selected: str = ""
    emails_chart: go.Figure = go.Figure()
    reply_chart: go.Figure = go.Figure()
    meetings_chart: go.Figure = go.Figure()
    _series: dict[str, RepSeries] = {}

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read every rep's figures."""
        if self._signed_in() is None:
            return self._end_session()
        rows, series = await asyncio.to_thread(load_reps, settings=config.settings, now=SystemClock().now())
        self.reps, self._series, self.authorized = rows, series, True
        if self.selected not in series:
            self.selected = rows[0].id if rows else ""
        self._draw()
        return None

    @rx.event
    def select_rep(self, rep_id: str) -> Any:
        """Show another rep's charts (from the figures already loaded for this session)."""
        if self._signed_in() is None:
            return self._end_session()
        if rep_id in self._series:
            self.selected = rep_id
            self._draw()
        return None

    def _draw(self) -> None:
        series = self._series.get(self.selected)
        if series is None:
            self.emails_chart = self.reply_chart = self.meetings_chart = go.Figure()
            return
        self.emails_chart, self.reply_chart, self.meetings_chart = figures(
            series, floor=config.settings.weekly_email_floor
        )
