"""The overview page: the switches and the system's health, for a signed-in founder only."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from agent.versions import current_agent
from core import config
from core import controls as switches
from core.clock import SystemClock
from core.db import session_scope
from sales_dashboard.state.auth import AuthState
from sales_dashboard.views import ControlsView, GateView, HealthView, load_controls, load_gate, load_health

log = logging.getLogger(__name__)


class OverviewState(AuthState):
    """Switches and health; each handler checks the session before it reads or changes anything."""

    authorized: bool = False
    controls: ControlsView = rx.field(default_factory=ControlsView)
    health: HealthView = rx.field(default_factory=HealthView)
    gate: GateView = rx.field(default_factory=GateView)
    notice: str = ""

    @rx.event
    async def load(self) -> Any:
        """Page load and the Refresh button: check the session, then read the switches and health."""
        return await self._load()

    @rx.event
    async def tick(self, _now: str = "") -> Any:
        """The periodic refresh while the page is open (rx.moment passes the time, unused)."""
        return await self._load()

    async def _load(self) -> Any:
        if self._signed_in() is None:
            return self._end_session()
        await self._reload()
        return None

    @rx.event
    async def throw_kill_switch(self) -> Any:
        """Stop everything from leaving (after the confirmation dialog); audited."""
        return await self._change(switches.set_kill_switch, "Kill switch thrown: nothing leaves the system.", on=True)

    @rx.event
    async def release_kill_switch(self) -> Any:
        """Release the kill switch (after the confirmation dialog); audited."""
        return await self._change(switches.set_kill_switch, "Kill switch released.", on=False)

    @rx.event
    async def set_sending(self, on: bool) -> Any:
        """Turn sending on or off (it only matters in live mode); audited."""
        return await self._change(switches.set_send_enabled, f"Sending turned {'on' if on else 'off'}.", on=bool(on))

    @rx.event
    async def back_to_shadow(self) -> Any:
        """Go back to shadow mode: always allowed; audited."""
        return await self._change(switches.switch_to_shadow, "Back in shadow mode.")

    @rx.event
    async def go_live(self) -> Any:
        """Ask the go-live gate to switch to live (the only path); refused with its reasons unless it passes."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        model, version = current_agent(config.settings)
        with session_scope() as session:
            report = switches.switch_to_live(
                session=session, actor=founder.actor, settings=config.settings, model=model, prompt_version=version
            )
        self.notice = "Live: the gate passed." if report.passed else "Go live refused: " + "; ".join(report.reasons)
        log.info("go-live by %s: %s", founder.actor, "switched" if report.passed else "refused")
        await self._reload()
        return None

    async def _change(self, action: Any, notice: str, **kwargs: Any) -> Any:
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        with session_scope() as session:
            action(session=session, actor=founder.actor, **kwargs)
        log.info("%s by %s", notice, founder.actor)
        self.notice = notice
        await self._reload()
        return None

    async def _reload(self) -> None:
        now = SystemClock().now()
        # The health checks block on the database and Redis: keep them off the event loop.
        controls, health, gate = await asyncio.gather(
            asyncio.to_thread(load_controls, settings=config.settings),
            asyncio.to_thread(load_health, settings=config.settings, now=now),
            asyncio.to_thread(load_gate, settings=config.settings, now=now),
        )
        self.controls, self.health, self.gate, self.authorized = controls, health, gate, True
