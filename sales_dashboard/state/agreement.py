"""The shadow agreement page: founders' daily agreement with the agent and the trailing 14-day line against
90%, for verdicts and for drafts."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from core import config
from core.clock import SystemClock
from core.config import Settings
from core.dashboard_queries import agreement_by_day, trailing_agreement
from core.db import session_scope
from core.models import ReviewSubject
from core.reviews import agreement
from sales_dashboard.components.charts import bars_with_line
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)

DAYS = 60
WINDOW = 14
TARGET = 0.90


@dataclass
class AgreementSummary:
    """One subject's headline: the trailing 14-day figure and how many reviews it rests on."""

    subject: str = ""
    has_data: bool = False
    figure: str = ""


def _subject(subject: ReviewSubject, *, settings: Settings, now: datetime) -> tuple[AgreementSummary, go.Figure]:
    since = now - timedelta(days=DAYS + WINDOW)
    with session_scope() as session:
        days = agreement_by_day(session=session, subject=subject, since=since, until=now, tz=settings.tz)
        headline = agreement(session=session, subject_kind=subject, now=now, window=timedelta(days=WINDOW))
    trailing = trailing_agreement(days, window=WINDOW)
    shown = [(d, t) for d, t in zip(days, trailing, strict=True) if d.day >= (now - timedelta(days=DAYS)).date()]
    x = [d.day.isoformat() for d, _ in shown]
    fig = bars_with_line(
        x=x, bars=[d.agreed / d.reviews for d, _ in shown], bar_name="agreement that day",
        title=f"{subject.value.capitalize()}s: daily agreement and trailing {WINDOW} days", y_title="agreement",
        line=[t for _, t in shown], line_name=f"trailing {WINDOW} days", percent=True,
    )  # fmt: skip
    fig.add_hline(y=TARGET, line_dash="dash", line_color="#e5484d", annotation_text="90% target")
    if headline.total:
        figure = f"{headline.agreed / headline.total:.1%} ({headline.agreed}/{headline.total}) over {WINDOW} days"
    else:
        figure = f"no reviews in the last {WINDOW} days"
    return AgreementSummary(subject=subject.value, has_data=bool(days), figure=figure), fig


def load_agreement(
    *, settings: Settings, now: datetime
) -> tuple[AgreementSummary, go.Figure, AgreementSummary, go.Figure]:
    """Both subjects' headline and chart (blocks on the database)."""
    verdicts = _subject(ReviewSubject.VERDICT, settings=settings, now=now)
    drafts = _subject(ReviewSubject.DRAFT, settings=settings, now=now)
    return (*verdicts, *drafts)


class AgreementState(AuthState):
    """Agreement figures; the handler checks the session before reading."""

    authorized: bool = False
    verdicts: AgreementSummary = rx.field(default_factory=AgreementSummary)
    drafts: AgreementSummary = rx.field(default_factory=AgreementSummary)
    verdict_chart: go.Figure = go.Figure()
    draft_chart: go.Figure = go.Figure()

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the reviews."""
        if self._signed_in() is None:
            return self._end_session()
        self.verdicts, self.verdict_chart, self.drafts, self.draft_chart = await asyncio.to_thread(
            load_agreement, settings=config.settings, now=SystemClock().now()
        )
        self.authorized = True
        return None
