"""Sending SMS: the interface the outbound dispatcher (workers) sends through, Twilio, and the local outbox.

The agent package may never import this module (import contract in pyproject.toml). Which sender runs is
decided in one place, `build_sms_sender(settings)`: Twilio when it is configured, else the local outbox,
where nothing leaves the machine and the outbound row itself is the rep phone simulator's inbox.

Twilio's errors are mapped here into three kinds, because the dispatcher's at-most-once rule depends on
the difference: refused (certainly not sent), opted out (refused, and the rep must be marked), and outcome
unknown (the request may have reached Twilio: never retried, left for a human).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from core.config import Settings
from core.errors import ConfigurationError, SalesAgentError

log = logging.getLogger(__name__)

# Twilio's error for a recipient who texted STOP: https://www.twilio.com/docs/api/errors/21610
TWILIO_OPTED_OUT = 21610
TWILIO_TIMEOUT_SECONDS = 10.0
STATUS_CALLBACK_PATH = "/api/twilio/status"


@dataclass(frozen=True)
class SentSms:
    """What the provider said about a message it accepted."""

    provider_sid: str
    status: str


class SmsError(SalesAgentError):
    """Sending one SMS did not succeed."""


class SmsRejected(SmsError):
    """The provider refused the message: it was certainly not sent."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmsOptedOut(SmsRejected):
    """The recipient has opted out (texted STOP): nothing may be sent until they text START."""


class SmsOutcomeUnknown(SmsError):
    """The request may or may not have reached the provider (timeout, 5xx): never retry blindly."""


class SmsSender(Protocol):
    """Something that can deliver one SMS."""

    def send(self, *, to: str, body: str) -> SentSms:
        """Hand one message to the provider; raises SmsRejected, SmsOptedOut or SmsOutcomeUnknown."""
        ...


class TwilioSender:
    """Sends through the twilio SDK (`messages.create`), from a number or a messaging service."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        http_client: HttpClient | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ConfigurationError("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID to send")
        self._client = Client(
            account_sid, auth_token, http_client=http_client or TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS)
        )
        self._from = from_number
        self._service = messaging_service_sid
        self._status_callback = status_callback

    def send(self, *, to: str, body: str) -> SentSms:
        """Create the message at Twilio; the SDK error is mapped into this module's three kinds."""
        kwargs: dict[str, str] = {"to": to, "body": body}
        if self._service:
            kwargs["messaging_service_sid"] = self._service
        else:
            assert self._from is not None
            kwargs["from_"] = self._from
        if self._status_callback:
            kwargs["status_callback"] = self._status_callback
        try:
            message = self._client.messages.create(**kwargs)
        except TwilioRestException as exc:
            if exc.code == TWILIO_OPTED_OUT:
                raise SmsOptedOut(f"{to} has opted out of SMS (Twilio {exc.code})", code=exc.code) from exc
            if 400 <= exc.status < 500:
                raise SmsRejected(f"Twilio refused the message: {exc.msg} ({exc.code})", code=exc.code) from exc
            raise SmsOutcomeUnknown(f"Twilio answered {exc.status}: {exc.msg}") from exc
        except requests.exceptions.ConnectTimeout as exc:
            # No connection was made, so nothing can have been sent.
            raise SmsRejected("could not connect to Twilio (timeout)") from exc
        except (requests.RequestException, TwilioException, OSError) as exc:
            raise SmsOutcomeUnknown(f"sending through Twilio failed midway: {type(exc).__name__}") from exc
        if not message.sid:
            raise SmsOutcomeUnknown("Twilio accepted the message but returned no sid")
        return SentSms(provider_sid=message.sid, status=str(message.status or "queued"))


class LocalOutboxSender:
    """Nothing leaves the machine: the message counts as delivered to the rep phone simulator, whose inbox is
    the outbound rows themselves."""

    def send(self, *, to: str, body: str) -> SentSms:
        """Accept the message locally, with a sid that says so."""
        log.info("local outbox: %d characters to %s (not sent anywhere)", len(body), to)
        return SentSms(provider_sid=f"LOCAL{uuid.uuid4().hex}", status="delivered")


def build_sms_sender(settings: Settings, *, http_client: HttpClient | None = None) -> SmsSender:
    """Twilio when TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set, else the local outbox."""
    if not settings.twilio_configured:
        return LocalOutboxSender()
    assert settings.twilio_account_sid is not None and settings.twilio_auth_token is not None
    return TwilioSender(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token.get_secret_value(),
        from_number=settings.twilio_from_number,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=settings.public_base_url.rstrip("/") + STATUS_CALLBACK_PATH,
        http_client=http_client,
    )


def webhook_auth_token(settings: Settings) -> str:
    """The token webhooks are signed with: Twilio's auth token, or the simulator's when Twilio is not configured."""
    if settings.twilio_configured:
        assert settings.twilio_auth_token is not None
        return settings.twilio_auth_token.get_secret_value()
    return settings.local_sms_auth_token.get_secret_value()
