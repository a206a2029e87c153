"""The shared MindStudio-compatible JSON client: bearer auth, bounded retries, errors mapped into our tree.

The key only ever travels in the Authorization header: never in a message or a log line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from core.config import Settings
from core.errors import ConfigurationError, SalesAgentError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DEFAULT_ATTEMPTS = 3
_RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass
class MindStudioClient:
    """One MindStudio-compatible JSON endpoint: bearer auth, bounded retries, errors mapped into our tree."""

    url: str
    api_key: SecretStr = field(repr=False)
    what: str
    unauthorized: type[SalesAgentError]
    failed: type[SalesAgentError]
    transport: httpx.BaseTransport | None = None
    timeout: float = DEFAULT_TIMEOUT
    attempts: int = DEFAULT_ATTEMPTS
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep

    def post(self, payload: dict[str, Any]) -> Any:
        """POST payload as JSON and return the decoded JSON answer."""
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}", "Accept": "application/json"}
        problem = ""
        with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
            for attempt in range(1, self.attempts + 1):
                if attempt > 1:
                    self.sleep(self.backoff * 2 ** (attempt - 2))
                try:
                    response = client.post(self.url, json=payload, headers=headers)
                except httpx.TimeoutException:
                    problem = "timed out"
                except httpx.TransportError as exc:
                    # The exception's text names the host at most; headers never appear in it.
                    problem = f"could not connect ({type(exc).__name__})"
                else:
                    if response.status_code in (401, 403):
                        raise self.unauthorized(
                            f"{self.what} refused the API key (HTTP {response.status_code}): check MINDSTUDIO_API_KEY"
                        )
                    if response.status_code not in _RETRYABLE:
                        return self._decode(response)
                    problem = f"HTTP {response.status_code}"
                log.warning("%s attempt %d/%d: %s", self.what, attempt, self.attempts, problem)
        raise self.failed(f"{self.what} failed after {self.attempts} attempts: {problem}")

    def _decode(self, response: httpx.Response) -> Any:
        if not response.is_success:
            raise self.failed(f"{self.what} answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise self.failed(f"{self.what} answered with malformed JSON") from exc


def mindstudio_key(settings: Settings, url_setting: str) -> SecretStr:
    """MINDSTUDIO_API_KEY, required once a MindStudio URL is set; raises ConfigurationError naming both."""
    url = getattr(settings, url_setting)
    if not url.startswith(("https://", "http://")):
        raise ConfigurationError(f"{url_setting.upper()} must be an http(s) URL, not {url!r}")
    if settings.mindstudio_api_key is None or not settings.mindstudio_api_key.get_secret_value():
        raise ConfigurationError(f"{url_setting.upper()} is set but MINDSTUDIO_API_KEY is not")
    return settings.mindstudio_api_key
