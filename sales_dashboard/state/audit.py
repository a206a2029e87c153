"""The audit log page: newest first, filtered by action and actor (prefixes) and by local date, paginated."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import reflex as rx

from core import config
from core.config import Settings
from core.dashboard_queries import audit_events, audit_facets
from core.db import session_scope
from core.models import AuditEvent
from sales_dashboard.state.auth import AuthState
from sales_dashboard.views import format_time

log = logging.getLogger(__name__)

PAGE_SIZE = 25


@dataclass
class AuditRow:
    """One audit event for display."""

    id: int = 0
    when: str = ""
    actor: str = ""
    action: str = ""
    subject: str = ""
    details: str = ""


@dataclass
class AuditPage:
    """One page of matching events, the total, and the filter menus' choices."""

    rows: list[AuditRow] = field(default_factory=list)
    total: int = 0
    actions: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    error: str = ""


def _day(text: str, settings: Settings) -> datetime | None:
    """A YYYY-MM-DD date as the start of that company-local day (ValueError if malformed)."""
    return datetime.combine(date.fromisoformat(text), time(0), settings.tz) if text else None


def audit_row(event: AuditEvent, *, settings: Settings) -> AuditRow:
    """One event for display; details as compact JSON."""
    subject = f"{event.subject_type} {event.subject_id}" if event.subject_type else ""
    details = json.dumps(event.details, default=str)[:300]
    return AuditRow(id=event.id or 0, when=format_time(event.created_at, settings.tz), actor=event.actor,
                    action=event.action, subject=subject, details=details)  # fmt: skip


def load_audit(*, settings: Settings, action: str, actor: str, since: str, until: str, page: int) -> AuditPage:
    """One page of the filtered audit log (blocks on the database)."""
    try:
        start, end_day = _day(since, settings), _day(until, settings)
    except ValueError:
        return AuditPage(error="Dates are YYYY-MM-DD.")
    end = end_day + timedelta(days=1) if end_day else None
    with session_scope() as session:
        events, total = audit_events(session=session, action=action or None, actor=actor or None, since=start,
                                     until=end, limit=PAGE_SIZE, offset=page * PAGE_SIZE)  # fmt: skip
        actions, actors = audit_facets(session=session)
    return AuditPage(rows=[audit_row(e, settings=settings) for e in events], total=total, actions=actions,
                     actors=actors)  # fmt: skip


class AuditState(AuthState):
    """The audit log with its filters; every handler checks the session before reading."""

    authorized: bool = False
    result: AuditPage = rx.field(default_factory=AuditPage)
    action: str = ""
    actor: str = ""
    since: str = ""
    until: str = ""
    page: int = 0

    @rx.var
    def pages(self) -> int:
        """How many pages the filtered log fills (at least one)."""
        return max(1, -(-self.result.total // PAGE_SIZE))

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the first page with the current filters."""
        return await self._read()

    @rx.event
    async def apply_filters(self, form_data: dict[str, Any]) -> Any:
        """The filter form: action and actor prefixes, a date range; back to the first page."""
        self.action = str(form_data.get("action", "")).strip()
        self.actor = str(form_data.get("actor", "")).strip()
        self.since = str(form_data.get("since", "")).strip()
        self.until = str(form_data.get("until", "")).strip()
        self.page = 0
        return await self._read()

    @rx.event
    async def clear_filters(self) -> Any:
        """Show every event again."""
        self.action = self.actor = self.since = self.until = ""
        self.page = 0
        return await self._read()

    @rx.event
    async def next_page(self) -> Any:
        """Older events."""
        if self.page + 1 < self.pages:
            self.page += 1
        return await self._read()

    @rx.event
    async def previous_page(self) -> Any:
        """Newer events."""
        self.page = max(0, self.page - 1)
        return await self._read()

    async def _read(self) -> Any:
        if self._signed_in() is None:
            return self._end_session()
        self.result = await asyncio.to_thread(
            load_audit, settings=config.settings, action=self.action, actor=self.actor, since=self.since,
            until=self.until, page=self.page,
        )  # fmt: skip
        self.authorized = True
        return None
