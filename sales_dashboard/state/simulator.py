"""The rep phone simulator: what each rep's phone received, and replying as a rep through the real webhook.

Only when Twilio is not configured (the local outbox is the SMS provider then). A reply is posted to the
backend's own `POST /api/twilio/sms` at PUBLIC_BASE_URL, signed exactly as Twilio would sign it with the
local simulator token, so the real path runs: signature, MessageSid, allowlist, parsing, approval.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import reflex as rx

from core import config
from core.config import Settings
from core.db import session_scope
from core.inbound import MAX_BODY_CHARS, rep_conversations
from sales_dashboard.api.twilio import SMS_PATH, sign_params, signed_url
from sales_dashboard.state.auth import AuthState
from sales_dashboard.views import format_time

log = logging.getLogger(__name__)

# The number the simulated replies are addressed to when no Twilio number is configured (Twilio's test number).
SIMULATOR_TO_NUMBER = "+15005550006"


@dataclass
class PhoneMessage:
    """One bubble on a simulated phone."""

    key: str = ""
    direction: str = ""
    body: str = ""
    status: str = ""
    at: str = ""


@dataclass
class PhoneView:
    """One rep's simulated phone."""

    rep_id: str = ""
    name: str = ""
    phone: str = ""
    opted_out: bool = False
    messages: list[PhoneMessage] = field(default_factory=list)


def load_phones(*, settings: Settings) -> list[PhoneView]:
    """Every active rep's recent SMS, for display (one unit of work)."""
    with session_scope() as session:
        conversations = rep_conversations(session=session)
    return [
        PhoneView(
            rep_id=str(conversation.rep_id),
            name=conversation.name,
            phone=conversation.phone,
            opted_out=conversation.opted_out,
            messages=[
                PhoneMessage(
                    key=f"{conversation.rep_id}-{index}",
                    direction=item.direction,
                    body=item.body,
                    status=item.status,
                    at=format_time(item.at, settings.tz),
                )
                for index, item in enumerate(conversation.items)
            ],
        )
        for conversation in conversations
    ]


def simulated_webhook(*, settings: Settings, from_number: str, body: str) -> tuple[str, dict[str, str], str]:
    """The URL, form and X-Twilio-Signature of a Twilio-shaped SMS webhook from `from_number`."""
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": from_number,
        "To": settings.twilio_from_number or SIMULATOR_TO_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
    }
    url = signed_url(settings, SMS_PATH)
    return url, params, sign_params(settings, url, params)


async def post_as_rep(*, settings: Settings, from_number: str, body: str) -> int:
    """Post a correctly signed webhook to the backend's own SMS route; returns the HTTP status."""
    url, params, signature = simulated_webhook(settings=settings, from_number=from_number, body=body)
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        response = await client.post(
            url,
            content=urlencode(params),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        )
    return response.status_code


class SimulatorState(AuthState):
    """The simulator page; every handler checks the session, and refuses when Twilio is configured."""

    authorized: bool = False
    enabled: bool = False
    phones: list[PhoneView] = rx.field(default_factory=list)
    notice: str = ""

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read every rep's messages."""
        return await self._load()

    @rx.event
    async def tick(self, _now: str = "") -> Any:
        """The periodic refresh while the page is open (a simulated phone updates live)."""
        return await self._load()

    async def _load(self) -> Any:
        if self._signed_in() is None:
            return self._end_session()
        self.enabled = not config.settings.twilio_configured
        self.phones = await asyncio.to_thread(load_phones, settings=config.settings) if self.enabled else []
        self.authorized = True
        return None

    @rx.event
    async def send_reply(self, form_data: dict[str, Any]) -> Any:
        """Reply as a rep: the text goes through the real, signed webhook."""
        founder = self._signed_in()
        if founder is None:
            return self._end_session()
        settings = config.settings
        if settings.twilio_configured:
            self.notice = "Twilio is configured: the simulator is off."
            return None
        rep_id, body = str(form_data.get("rep_id", "")), str(form_data.get("body", ""))
        phone = next((view.phone for view in self.phones if view.rep_id == rep_id), None)
        if phone is None or not body.strip() or len(body) > MAX_BODY_CHARS:
            self.notice = "Pick a rep and write a reply (at most 1,600 characters)."
            return None
        try:
            status = await post_as_rep(settings=settings, from_number=phone, body=body)
        except httpx.HTTPError as exc:
            log.warning("simulator: posting to the webhook failed: %s", exc)
            self.notice = f"Could not reach {signed_url(settings, SMS_PATH)}: check PUBLIC_BASE_URL."
            return None
        log.info("simulator: %s replied as rep %s (webhook answered %s)", founder.actor, rep_id, status)
        self.notice = f"Sent as {phone}: webhook answered {status}."
        return await self._load()
