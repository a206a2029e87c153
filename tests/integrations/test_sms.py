"""The SMS senders: the real twilio SDK over a fake HttpClient (nothing leaves), and the local outbox."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
from twilio.http import HttpClient
from twilio.http.response import Response

from integrations.sms import (
    LocalOutboxSender,
    SmsOptedOut,
    SmsOutcomeUnknown,
    SmsRejected,
    TwilioSender,
    build_sms_sender,
    webhook_auth_token,
)

ACCOUNT = "AC" + "0" * 32


@dataclass
class SeenRequest:
    """One request the SDK made."""

    method: str
    uri: str
    data: dict[str, object]


Handler = Callable[[dict[str, object]], tuple[int, dict[str, object]]]


def accept(data: dict[str, object]) -> tuple[int, dict[str, object]]:
    """Twilio's 201 for a created message."""
    return 201, {"sid": f"SM{abs(hash((data.get('To'), data.get('Body')))):032x}"[:34], "status": "queued",
                 "to": data.get("To"), "body": data.get("Body")}


def opted_out(_data: dict[str, object]) -> tuple[int, dict[str, object]]:
    """Twilio's 400 for a recipient who texted STOP."""
    return 400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}


class FakeTwilioHttp(HttpClient):
    """A twilio HttpClient that answers from a handler and keeps every request (thread-safe)."""

    def __init__(self, handler: Handler = accept) -> None:
        super().__init__(logger=logging.getLogger("fake-twilio"), is_async=False)
        self.handler = handler
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,  # type: ignore[no-untyped-def]
                allow_redirects=False):
        payload = dict(data or {})
        with self._lock:
            self.requests.append(SeenRequest(method, uri, payload))
        status, body = self.handler(payload)
        return Response(status, json.dumps(body))


def sender(http: HttpClient, **overrides: object) -> TwilioSender:
    fields: dict[str, object] = {"account_sid": ACCOUNT, "auth_token": "token", "from_number": "+15005550006",
                                 "http_client": http}
    fields.update(overrides)
    return TwilioSender(**fields)  # type: ignore[arg-type]


def test_twilio_send_creates_one_message_through_the_sdk() -> None:
    http = FakeTwilioHttp()
    sent = sender(http, status_callback="https://example.test/api/twilio/status").send(to="+12125550001", body="hi")
    assert sent.provider_sid.startswith("SM") and sent.status == "queued"
    [request] = http.requests
    assert request.method == "POST" and request.uri.endswith(f"/Accounts/{ACCOUNT}/Messages.json")
    assert request.data == {"To": "+12125550001", "Body": "hi", "From": "+15005550006",
                            "StatusCallback": "https://example.test/api/twilio/status"}


def test_twilio_send_through_a_messaging_service() -> None:
    http = FakeTwilioHttp()
    sender(http, from_number=None, messaging_service_sid="MG123").send(to="+12125550001", body="hi")
    assert http.requests[0].data["MessagingServiceSid"] == "MG123"
    assert "From" not in http.requests[0].data


def test_opted_out_is_its_own_error() -> None:
    with pytest.raises(SmsOptedOut) as caught:
        sender(FakeTwilioHttp(opted_out)).send(to="+12125550001", body="hi")
    assert caught.value.code == 21610


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, SmsRejected), (404, SmsRejected), (429, SmsRejected), (500, SmsOutcomeUnknown), (503, SmsOutcomeUnknown)],
)
def test_provider_errors_are_mapped(status: int, error: type[Exception]) -> None:
    http = FakeTwilioHttp(lambda _data: (status, {"code": 21211, "message": "nope", "status": status}))
    with pytest.raises(error):
        sender(http).send(to="+12125550001", body="hi")


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (requests.exceptions.ConnectTimeout("x"), SmsRejected),
        (requests.exceptions.ReadTimeout("x"), SmsOutcomeUnknown),
        (requests.exceptions.ConnectionError("x"), SmsOutcomeUnknown),
    ],
)
def test_transport_errors_are_mapped(exc: Exception, error: type[Exception]) -> None:
    def boom(_data: dict[str, object]) -> tuple[int, dict[str, object]]:
        raise exc

    with pytest.raises(error):
        sender(FakeTwilioHttp(boom)).send(to="+12125550001", body="hi")


def test_sender_needs_a_from_number_or_service() -> None:
    from core.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        sender(FakeTwilioHttp(), from_number=None)


def test_local_outbox_delivers_to_the_simulator_only() -> None:
    sent = LocalOutboxSender().send(to="+12125550001", body="hi")
    assert sent.status == "delivered" and sent.provider_sid.startswith("LOCAL")


def test_wiring_picks_twilio_only_when_configured(settings) -> None:  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    assert isinstance(build_sms_sender(settings), LocalOutboxSender)
    assert webhook_auth_token(settings) == settings.local_sms_auth_token.get_secret_value()
    configured = settings.model_copy(update={"twilio_account_sid": ACCOUNT, "twilio_auth_token": SecretStr("tok"),
                                             "twilio_from_number": "+15005550006",
                                             "public_base_url": "https://agent.example.test/"})
    http = FakeTwilioHttp()
    built = build_sms_sender(configured, http_client=http)
    assert isinstance(built, TwilioSender)
    built.send(to="+12125550001", body="hi")
    assert http.requests[0].data["StatusCallback"] == "https://agent.example.test/api/twilio/status"
    assert webhook_auth_token(configured) == "tok"
