"""The Postmaster Tools v2 client over httpx.MockTransport: token refresh, 401, 5xx retry, malformed JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from core.errors import ConfigurationError
from integrations.postmaster import (
    SPAM_RATE_CRITICAL,
    SPAM_RATE_WARN,
    DeliverabilityError,
    FixtureDeliverability,
    PostmasterClient,
    PostmasterUnauthorized,
    SpamLevel,
    build_deliverability_source,
    classify_spam_rate,
)

START, END = date(2026, 11, 17), date(2026, 11, 18)


def _stat(metric: str, day: date, value: Any) -> dict[str, Any]:
    return {"metric": metric, "date": {"year": day.year, "month": day.month, "day": day.day}, "value": value}


STATS_PAGE_1 = {
    "domainStats": [
        _stat("spam_rate", START, {"doubleValue": 0.0012}),
        _stat("spf_pass_rate", START, {"doubleValue": 0.99}),
        _stat("dkim_pass_rate", START, {"floatValue": 0.98}),
    ],
    "nextPageToken": "p2",
}
STATS_PAGE_2 = {
    "domainStats": [
        _stat("dmarc_pass_rate", START, {"doubleValue": 0.97}),
        _stat("delivery_errors", START, {"doubleValue": 0.01}),
        _stat("spam_rate", END, {"doubleValue": 0.0031}),
    ]
}
COMPLIANCE = {"complianceData": {"rowData": [{"requirement": "SPF", "status": {"status": "COMPLIANT"}},
                                             {"requirement": "DMARC", "status": {"status": "NEEDS_WORK"}}]}}


class Google:
    """A scripted Google: token endpoint and the two Postmaster calls, recording what it was sent."""

    def __init__(
        self, *, api_failures: list[int] | None = None, token_status: int = 200, stats_body: bytes | None = None
    ) -> None:
        self.api_failures = list(api_failures or [])
        self.token_status = token_status
        self.stats_body = stats_body
        self.tokens_issued = 0
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "oauth2.googleapis.com":
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_grant"})
            self.tokens_issued += 1
            return httpx.Response(200, json={"access_token": f"tok{self.tokens_issued}", "expires_in": 3599})
        if self.api_failures:
            return httpx.Response(self.api_failures.pop(0), json={"error": {"code": 0}})
        if request.headers["authorization"] != f"Bearer tok{self.tokens_issued}":
            return httpx.Response(401)
        if request.url.path.endswith("/complianceStatus"):
            return httpx.Response(200, json=COMPLIANCE)
        if self.stats_body is not None:
            return httpx.Response(200, content=self.stats_body)
        body = json.loads(request.content)
        return httpx.Response(200, json=STATS_PAGE_2 if body.get("pageToken") == "p2" else STATS_PAGE_1)


def _client(google: Google) -> PostmasterClient:
    return PostmasterClient(client_id="cid", client_secret=SecretStr("csecret"), refresh_token=SecretStr("rtok"),
                            transport=httpx.MockTransport(google), sleep=lambda _: None)


def test_thresholds() -> None:
    assert (SPAM_RATE_WARN, SPAM_RATE_CRITICAL) == (0.001, 0.003)
    assert [classify_spam_rate(x) for x in (None, 0.0009, 0.001, 0.0029, 0.003, 0.02)] == [
        SpamLevel.UNKNOWN, SpamLevel.OK, SpamLevel.WARN, SpamLevel.WARN, SpamLevel.CRITICAL, SpamLevel.CRITICAL]


def test_queries_every_page_and_folds_days() -> None:
    google = Google()
    stats = _client(google).daily_stats("acme.example", START, END)
    assert [(s.day, s.spam_rate) for s in stats] == [(START, 0.0012), (END, 0.0031)]
    first = stats[0]
    assert (first.spf_pass_rate, first.dkim_pass_rate, first.dmarc_pass_rate, first.delivery_errors) == (
        0.99, 0.98, 0.97, 0.01)
    assert first.compliant is False
    token_request = google.requests[0]
    assert token_request.url == "https://oauth2.googleapis.com/token"
    assert b"grant_type=refresh_token" in token_request.content and b"refresh_token=rtok" in token_request.content
    query = google.requests[1]
    assert query.url.path == "/v2/domains/acme.example/domainStats:query"
    body = json.loads(query.content)
    assert body["timeQuery"]["dateRanges"]["dateRanges"][0]["start"] == {"year": 2026, "month": 11, "day": 17}
    assert {m["baseMetric"]["standardMetric"] for m in body["metricDefinitions"]} >= {"SPAM_RATE", "AUTH_SUCCESS_RATE"}
    assert google.tokens_issued == 1


def test_an_expired_access_token_is_refreshed_once() -> None:
    google = Google(api_failures=[401])
    stats = _client(google).daily_stats("acme.example", START, END)
    assert len(stats) == 2 and google.tokens_issued == 2


def test_refused_credentials_are_one_clear_error_without_secrets() -> None:
    with pytest.raises(PostmasterUnauthorized, match="POSTMASTER_REFRESH_TOKEN") as caught:
        _client(Google(token_status=400)).daily_stats("acme.example", START, END)
    assert "rtok" not in str(caught.value) and "csecret" not in str(caught.value)
    with pytest.raises(PostmasterUnauthorized, match="HTTP 403"):
        _client(Google(api_failures=[403])).daily_stats("acme.example", START, END)


def test_5xx_is_retried_then_given_up() -> None:
    assert len(_client(Google(api_failures=[503, 500])).daily_stats("acme.example", START, END)) == 2
    with pytest.raises(DeliverabilityError, match="after 3 attempts: HTTP 503"):
        _client(Google(api_failures=[503, 503, 503])).daily_stats("acme.example", START, END)


@pytest.mark.parametrize("body", [b"<html>oops</html>", b"[1, 2]", b'{"domainStats": [{"metric": "spam_rate"}]}'])
def test_malformed_answers_are_deliverability_errors(body: bytes) -> None:
    with pytest.raises(DeliverabilityError):
        _client(Google(stats_body=body)).daily_stats("acme.example", START, END)


def test_fixtures_are_redated_to_end_on_the_asked_day() -> None:
    stats = FixtureDeliverability().daily_stats("any.example", date(2026, 12, 1), date(2026, 12, 10))
    assert [s.day for s in stats] == [date(2026, 12, d) for d in range(1, 11)]
    assert all(s.domain == "any.example" and s.compliant is True for s in stats)
    assert any(classify_spam_rate(s.spam_rate) is SpamLevel.WARN for s in stats)


def test_wiring(settings) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(build_deliverability_source(settings), FixtureDeliverability)
    with pytest.raises(ConfigurationError, match="together"):
        build_deliverability_source(settings.model_copy(update={"google_client_id": "cid"}))
    full = settings.model_copy(update={"google_client_id": "cid", "google_client_secret": SecretStr("s"),
                                       "postmaster_refresh_token": SecretStr("r")})
    assert isinstance(build_deliverability_source(full), PostmasterClient)
