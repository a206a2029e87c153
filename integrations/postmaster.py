"""Deliverability from Google Postmaster Tools (v2 API), behind `DeliverabilitySource`, with a fixtures stand-in.

Thresholds (Gmail's bulk-sender rule): a spam rate of 0.10% or more warns, 0.30% or more is critical.

Requests and responses assumed (Postmaster Tools API v2, https://gmailpostmastertools.googleapis.com):

1. Access token (OAuth refresh-token flow), `POST https://oauth2.googleapis.com/token`, form-encoded
   `client_id, client_secret, refresh_token, grant_type=refresh_token` ->
   `{"access_token": "...", "expires_in": 3599, "token_type": "Bearer"}`. Scope on the refresh token:
   `https://www.googleapis.com/auth/postmaster.traffic.readonly`.
2. Daily stats, `POST /v2/domains/{domain}/domainStats:query`, JSON body
   `{"metricDefinitions": [{"name": "spam_rate", "baseMetric": {"standardMetric": "SPAM_RATE"}},
   {"name": "spf", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": "auth_type = \"spf\""},
   (dkim, dmarc alike), {"name": "delivery_errors", "baseMetric": {"standardMetric": "DELIVERY_ERROR_RATE"}}],
   "timeQuery": {"dateRanges": {"dateRanges": [{"start": {"year", "month", "day"}, "end": {...}}]}},
   "aggregationGranularity": "DAILY", "pageSize": 200, "pageToken": "..."}` ->
   `{"domainStats": [{"name": "...", "metric": "spam_rate", "date": {"year", "month", "day"},
   "value": {"doubleValue" | "floatValue": 0.0012 | "intValue": "12"}}], "nextPageToken": "..."}`.
   Rates are fractions (0.0012 = 0.12%). Days without data are absent; pages are followed.
3. Compliance, `GET /v2/domains/{domain}/complianceStatus` -> `{"name": "...", "complianceData":
   {"rowData": [{"requirement": "...", "status": {"status": "COMPLIANT" | "NEEDS_WORK" | ...}}]}}`: the
   domain is compliant when every row's status is COMPLIANT (None when the answer has no rows).

A 401 from the API refreshes the token once and retries; 429/5xx and timeouts are retried with backoff
(bounded); a malformed body is a `DeliverabilityError`. Secrets never appear in messages or logs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from core.config import Settings
from core.errors import ConfigurationError, SalesAgentError

log = logging.getLogger(__name__)

SPAM_RATE_WARN = 0.001  # 0.10%
SPAM_RATE_CRITICAL = 0.003  # 0.30%

TOKEN_URL = "https://oauth2.googleapis.com/token"
API_BASE = "https://gmailpostmastertools.googleapis.com/v2"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
_RETRYABLE = frozenset({429, 500, 502, 503, 504})

_METRICS: tuple[tuple[str, str, str | None], ...] = (
    ("spam_rate", "SPAM_RATE", None),
    ("spf_pass_rate", "AUTH_SUCCESS_RATE", 'auth_type = "spf"'),
    ("dkim_pass_rate", "AUTH_SUCCESS_RATE", 'auth_type = "dkim"'),
    ("dmarc_pass_rate", "AUTH_SUCCESS_RATE", 'auth_type = "dmarc"'),
    ("delivery_errors", "DELIVERY_ERROR_RATE", None),
)
METRIC_NAMES = tuple(name for name, _, _ in _METRICS)


class DeliverabilityError(SalesAgentError):
    """Postmaster Tools failed or answered something we cannot read."""


class PostmasterUnauthorized(DeliverabilityError):
    """Google refused the credentials (check GOOGLE_CLIENT_ID/SECRET and POSTMASTER_REFRESH_TOKEN)."""


class SpamLevel(StrEnum):
    """How a day's spam rate stands against Gmail's bulk-sender rule."""

    OK = "ok"
    WARN = "warn"
    CRITICAL = "critical"
    UNKNOWN = "unknown"


def classify_spam_rate(spam_rate: float | None) -> SpamLevel:
    """0.30% or more is critical, 0.10% or more warns, below is ok; no data is unknown."""
    if spam_rate is None:
        return SpamLevel.UNKNOWN
    if spam_rate >= SPAM_RATE_CRITICAL:
        return SpamLevel.CRITICAL
    if spam_rate >= SPAM_RATE_WARN:
        return SpamLevel.WARN
    return SpamLevel.OK


@dataclass(frozen=True)
class DailyStats:
    """One domain's deliverability on one day (rates are fractions 0..1; None where Google has no figure)."""

    domain: str
    day: date
    spam_rate: float | None = None
    spf_pass_rate: float | None = None
    dkim_pass_rate: float | None = None
    dmarc_pass_rate: float | None = None
    delivery_errors: float | None = None
    compliant: bool | None = None


class DeliverabilitySource(Protocol):
    """Where daily deliverability figures come from."""

    name: str

    def daily_stats(self, domain: str, start: date, end: date) -> list[DailyStats]:
        """Stats for each day in [start, end] that has data, oldest first."""
        ...


def _as_date(value: Any) -> date:
    return date(int(value["year"]), int(value["month"]), int(value["day"]))


def _date_json(day: date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def _number(value: Any) -> float | None:
    if not isinstance(value, dict):
        raise ValueError("value is not an object")
    for key in ("doubleValue", "floatValue", "intValue"):
        if key in value:
            return float(value[key])
    return None


def compliance_from_json(body: Any) -> bool | None:
    """True if every compliance row is COMPLIANT, False if any is not, None if there are no rows."""
    rows = ((body or {}).get("complianceData") or {}).get("rowData") or []
    statuses = [((row.get("status") or {}).get("status")) for row in rows if isinstance(row, dict)]
    if not statuses:
        return None
    return all(status == "COMPLIANT" for status in statuses)


def stats_from_json(domain: str, pages: list[Any], compliant: bool | None = None) -> list[DailyStats]:
    """Fold `domainStats:query` pages into one DailyStats per day (raises ValueError on a malformed page)."""
    by_day: dict[date, dict[str, float | None]] = {}
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get("domainStats", []), list):
            raise ValueError("domainStats is not a list")
        for stat in page.get("domainStats", []):
            metric = stat.get("metric")
            if metric not in METRIC_NAMES:
                continue
            by_day.setdefault(_as_date(stat["date"]), {})[metric] = _number(stat.get("value"))
    return [
        DailyStats(domain=domain, day=day, compliant=compliant, **values)  # type: ignore[arg-type]
        for day, values in sorted(by_day.items())
    ]


@dataclass
class PostmasterClient:
    """The real client: OAuth refresh-token flow, `domainStats:query` and `complianceStatus`."""

    client_id: str
    client_secret: SecretStr = field(repr=False)
    refresh_token: SecretStr = field(repr=False)
    transport: httpx.BaseTransport | None = None
    timeout: float = 15.0
    attempts: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    name: str = "postmaster"
    _access_token: str | None = field(default=None, init=False, repr=False)

    def daily_stats(self, domain: str, start: date, end: date) -> list[DailyStats]:
        """Stats per day in [start, end] for `domain`, with its current compliance status."""
        pages: list[Any] = []
        body: dict[str, Any] = {
            "metricDefinitions": [
                {"name": name, "baseMetric": {"standardMetric": metric}, **({"filter": flt} if flt else {})}
                for name, metric, flt in _METRICS
            ],
            "timeQuery": {"dateRanges": {"dateRanges": [{"start": _date_json(start), "end": _date_json(end)}]}},
            "aggregationGranularity": "DAILY",
            "pageSize": 200,
        }
        with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
            while True:
                page = self._call(client, "POST", f"{API_BASE}/domains/{domain}/domainStats:query", body)
                pages.append(page)
                token = page.get("nextPageToken") if isinstance(page, dict) else None
                if not token or len(pages) >= 50:
                    break
                body = {**body, "pageToken": token}
            compliance = self._call(client, "GET", f"{API_BASE}/domains/{domain}/complianceStatus", None)
        try:
            return stats_from_json(domain, pages, compliance_from_json(compliance))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DeliverabilityError(f"Postmaster Tools answered an unreadable body for {domain}: {exc}") from None

    def _token(self, client: httpx.Client, *, fresh: bool = False) -> str:
        if self._access_token and not fresh:
            return self._access_token
        form = {
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
            "refresh_token": self.refresh_token.get_secret_value(),
            "grant_type": "refresh_token",
        }
        response = self._send(client, "POST", TOKEN_URL, data=form)
        if response.status_code in (400, 401, 403):
            raise PostmasterUnauthorized(
                f"Google refused the refresh token (HTTP {response.status_code}): check GOOGLE_CLIENT_ID, "
                "GOOGLE_CLIENT_SECRET and POSTMASTER_REFRESH_TOKEN"
            )
        token = self._json(response, "token").get("access_token")
        if not isinstance(token, str) or not token:
            raise DeliverabilityError("Google's token answer has no access_token")
        self._access_token = token
        return token

    def _call(self, client: httpx.Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
        for refreshed in (False, True):
            headers = {"Authorization": f"Bearer {self._token(client, fresh=refreshed)}"}
            response = self._send(client, method, url, json=body, headers=headers)
            if response.status_code == 401 and not refreshed:
                continue  # the access token expired early: refresh once
            if response.status_code in (401, 403):
                raise PostmasterUnauthorized(
                    f"Postmaster Tools refused access (HTTP {response.status_code}): is the domain verified for "
                    "this Google account?"
                )
            return self._json(response, "Postmaster Tools")
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
        problem = ""
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                self.sleep(self.backoff * 2 ** (attempt - 2))
            try:
                response = client.request(method, url, **kwargs)
            except httpx.TimeoutException:
                problem = "timed out"
                continue
            except httpx.TransportError as exc:
                problem = f"could not connect ({type(exc).__name__})"
                continue
            if response.status_code in _RETRYABLE:
                problem = f"HTTP {response.status_code}"
                continue
            return response
        raise DeliverabilityError(f"Google did not answer after {self.attempts} attempts: {problem}")

    @staticmethod
    def _json(response: httpx.Response, what: str) -> Any:
        if response.status_code >= 400:
            raise DeliverabilityError(f"{what} answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise DeliverabilityError(f"{what} answered something that is not JSON") from None
        if not isinstance(body, dict):
            raise DeliverabilityError(f"{what} answered JSON that is not an object")
        return body


@dataclass
class FixtureDeliverability:
    """The local stand-in: `integrations/fixtures/postmaster/{domain}.json` or `default.json`, in the v2
    response shape (`domainStats` pages plus `complianceStatus`), with dates shifted so the newest fixture
    day lands on `end`."""

    directory: Path = FIXTURES_DIR / "postmaster"
    name: str = "fixture"

    def daily_stats(self, domain: str, start: date, end: date) -> list[DailyStats]:
        """The fixture's days re-dated to end on `end`, cut to [start, end]."""
        path = self.directory / f"{domain}.json"
        if not path.exists():
            path = self.directory / "default.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        stats = stats_from_json(domain, data["pages"], compliance_from_json(data.get("complianceStatus")))
        if not stats:
            return []
        shift = end - stats[-1].day
        shifted = [DailyStats(**{**s.__dict__, "day": s.day + timedelta(days=shift.days)}) for s in stats]
        return [s for s in shifted if start <= s.day <= end]


def build_deliverability_source(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> DeliverabilitySource:
    """The real Postmaster client when Google credentials are all set, else the fixtures."""
    parts = (settings.google_client_id, settings.google_client_secret, settings.postmaster_refresh_token)
    if not any(parts):
        return FixtureDeliverability()
    if not all(parts):
        raise ConfigurationError(
            "Postmaster Tools needs GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and POSTMASTER_REFRESH_TOKEN together"
        )
    assert settings.google_client_id and settings.google_client_secret and settings.postmaster_refresh_token
    return PostmasterClient(
        client_id=settings.google_client_id,
        client_secret=settings.google_client_secret,
        refresh_token=settings.postmaster_refresh_token,
        transport=transport,
    )
