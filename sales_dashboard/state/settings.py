"""The settings page: reps and the phone allowlist (add with E.164 validation, deactivate), the ICP and the
caps (read only). Every handler checks the session on the server first; changes are audited."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import reflex as rx
from sqlmodel import select

from core import config
from core.config import Settings
from core.dashboard_queries import all_reps
from core.db import session_scope
from core.demo.icp import Icp, load_icp
from core.models import Founder
from core.reps import RepInvalid, add_rep, set_rep_active
from sales_dashboard.state.auth import AuthState

log = logging.getLogger(__name__)


@dataclass
class RepLine:
    """One rep on the allowlist."""

    id: int = 0
    name: str = ""
    email: str = ""
    phone: str = ""
    active: bool = True
    opted_out: bool = False


@dataclass
class NamedLine:
    """A label and its text (ICP entries, caps)."""

    name: str = ""
    text: str = ""


@dataclass
class SettingsView:
    """Everything the settings page shows."""

    reps: list[RepLine] = field(default_factory=list)
    founder_phones: list[NamedLine] = field(default_factory=list)
    icp: list[NamedLine] = field(default_factory=list)
    icp_error: str = ""
    caps: list[NamedLine] = field(default_factory=list)


def icp_lines(icp: Icp) -> list[NamedLine]:
    """The ICP as labelled lines for reading."""
    s = icp.seller
    return [
        NamedLine("Seller", f"{s.name}: {s.product}. {s.summary}"),
        NamedLine("Employees", f"{icp.employees.min}-{icp.employees.max} ({icp.employees.why})"),
        NamedLine("Industries", "; ".join(i.name for i in icp.industries)),
        NamedLine("Geographies", "; ".join(f"{g.name} ({g.country})" for g in icp.geographies)),
        NamedLine("Buying signals", "; ".join(b.description.rstrip(".") for b in icp.buying_signals)),
        NamedLine("Disqualifiers", "; ".join(d.description.rstrip(".") for d in icp.disqualifiers) or "none"),
    ]


def cap_lines(settings: Settings) -> list[NamedLine]:
    """The caps and floors in force (from the environment; read only here)."""
    return [
        NamedLine("LLM spend per day", f"${settings.llm_daily_cap_usd:.2f} (LLM_DAILY_CAP_USD)"),
        NamedLine("LLM spend per draft", f"${settings.llm_draft_cap_usd:.2f} (LLM_DRAFT_CAP_USD)"),
        NamedLine("Drafts per rep per day", f"{settings.daily_draft_cap} (DAILY_DRAFT_CAP)"),
        NamedLine("Weekly email floor", f"{settings.weekly_email_floor} (WEEKLY_EMAIL_FLOOR)"),
        NamedLine("New lead floor", f"{settings.new_lead_floor} (NEW_LEAD_FLOOR)"),
        NamedLine("Approval timeout", f"{settings.approval_timeout_hours} h (APPROVAL_TIMEOUT_HOURS)"),
    ]


def load_settings(*, settings: Settings) -> SettingsView:
    """Read reps, founders' phones, the ICP and the caps (blocks on the database and the ICP file)."""
    with session_scope() as session:
        reps = [RepLine(r.id or 0, r.name, r.email, r.phone, r.active, r.opted_out) for r in all_reps(session=session)]
        founders = session.exec(select(Founder).where(Founder.active == True)).all()  # noqa: E712
        phones = [NamedLine(f.name, f.phone) for f in founders if f.phone]
    try:
        icp, icp_error = icp_lines(load_icp(settings.icp_path)), ""
    except Exception as exc:  # a broken ICP file is shown, not fatal to the page
        log.warning("ICP at %s unreadable: %s", settings.icp_path, exc)
        icp, icp_error = [], f"The ICP at {settings.icp_path} cannot be read: {exc}"
    return SettingsView(reps=reps, founder_phones=phones, icp=icp, icp_error=icp_error, caps=cap_lines(settings))


class SettingsState(AuthState):
    """Reps and the allowlist; the ICP and caps for reading."""

    authorized: bool = False
    view: SettingsView = rx.field(default_factory=SettingsView)
    rep_error: str = ""
    notice: str = ""

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read."""
        if self._signed_in() is None:
            return self._end_session()
        await self._reload()
        return None

    @rx.event
    async def add_rep(self, form_data: dict[str, Any]) -> Any:
        """Add a rep; a bad phone (not E.164-able) or a duplicate gets one clear error line."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        name, email, phone = (str(form_data.get(k, "")) for k in ("name", "email", "phone"))
        try:
            with session_scope() as session:
                rep = add_rep(session=session, name=name, email=email, phone=phone, actor=founder.actor)
                added = f"Added {rep.name} ({rep.phone})."
        except RepInvalid as exc:
            message = str(exc)
            self.rep_error, self.notice = message[:1].upper() + message[1:] + ".", ""
            return None
        self.rep_error, self.notice = "", added
        await self._reload()
        return None

    @rx.event
    async def set_active(self, rep_id: int, active: bool) -> Any:
        """Deactivate (or reactivate) a rep: a deactivated rep's number changes nothing by SMS."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        with session_scope() as session:
            changed = set_rep_active(session=session, rep_id=int(rep_id), active=bool(active), actor=founder.actor)
        self.notice = ("Rep activated." if active else "Rep deactivated.") if changed else ""
        await self._reload()
        return None

    async def _reload(self) -> None:
        self.view = await asyncio.to_thread(load_settings, settings=config.settings)
        self.authorized = True
