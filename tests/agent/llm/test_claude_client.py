"""The SDK boundary: our timeout and retry settings, retries on 429/529/connection errors, errors mapped."""

from __future__ import annotations

import anthropic
import httpx2
import pytest
from pydantic import SecretStr

from agent.llm.claude_client import GuardedMessages, build_client, input_token_bound
from agent.llm.errors import LlmAuthenticationFailed, LlmRequestRejected, LlmUnavailable
from agent.llm.ledger import InMemoryCostLedger
from core.config import Settings
from core.errors import ConfigurationError, SalesAgentError
from tests.agent.llm.scripted import MODEL, Script, api_error, message, text

SETTINGS = Settings(_env_file=None, anthropic_api_key=SecretStr("sk-test-secret"))  # type: ignore[call-arg]


def _guarded(script: Script, ledger: InMemoryCostLedger | None = None) -> GuardedMessages:
    # The production client (our timeout, max_retries=2) over the script.
    client = build_client(SETTINGS, http_client=httpx2.Client(transport=httpx2.MockTransport(script)))
    return GuardedMessages(client, ledger or InMemoryCostLedger())


def _call(guarded: GuardedMessages) -> anthropic.types.Message:
    return guarded.create(purpose="test", model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "hi"}])


def test_client_has_an_explicit_timeout_and_two_retries() -> None:
    client = build_client(SETTINGS)
    assert client.max_retries == 2
    assert isinstance(client.timeout, httpx2.Timeout)
    assert (client.timeout.read, client.timeout.connect) == (60.0, 10.0)
    assert str(client.base_url).startswith("https://api.anthropic.com")


def test_client_uses_the_configured_base_url_and_needs_a_key() -> None:
    local = Settings(_env_file=None, anthropic_api_key=SecretStr("k"), anthropic_base_url="http://127.0.0.1:9")  # type: ignore[call-arg]
    assert str(build_client(local).base_url).startswith("http://127.0.0.1:9")
    with pytest.raises(ConfigurationError):
        build_client(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.mark.parametrize(("status", "kind"), [(529, "overloaded_error"), (429, "rate_limit_error"), (500, "api_error")])
def test_transient_errors_are_retried_by_the_sdk(status: int, kind: str) -> None:
    script = Script(api_error(status, kind), message(text("ok"), stop_reason="end_turn"))
    ledger = InMemoryCostLedger()
    response = _call(_guarded(script, ledger))

    assert response.content[0].type == "text"
    assert len(script.requests) == 2
    assert script.requests[1].headers["x-stainless-retry-count"] == "1"
    assert len(ledger.entries) == 1 and ledger.checks == 1  # one logical call, checked and priced once


def test_connection_errors_are_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    # A connection error carries no retry-after header: record the SDK's backoff instead of sleeping it.
    monkeypatch.setattr(anthropic._base_client.time, "sleep", waits.append)

    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    script = Script(refuse, message(text("ok"), stop_reason="end_turn"))
    _call(_guarded(script))
    assert len(script.requests) == 2 and len(waits) == 1 and 0 < waits[0] <= 1


def test_overloaded_after_every_retry_is_llm_unavailable() -> None:
    script = Script(*[api_error(529, "overloaded_error") for _ in range(3)])
    ledger = InMemoryCostLedger()
    with pytest.raises(LlmUnavailable, match="HTTP 529") as raised:
        _call(_guarded(script, ledger))
    assert isinstance(raised.value, SalesAgentError) and isinstance(raised.value.__cause__, anthropic.APIStatusError)
    assert len(script.requests) == 3 and ledger.entries == []


def test_a_refused_key_is_not_retried_and_never_shown() -> None:
    script = Script(api_error(401, "authentication_error", retry_after_ms=None))
    with pytest.raises(LlmAuthenticationFailed) as raised:
        _call(_guarded(script))
    assert len(script.requests) == 1
    assert "ANTHROPIC_API_KEY" in str(raised.value) and "sk-test-secret" not in str(raised.value)


def test_a_bad_request_is_rejected_with_the_api_reason() -> None:
    bad = httpx2.Response(
        400, json={"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: too large"}}
    )
    with pytest.raises(LlmRequestRejected, match="max_tokens: too large"):
        _call(_guarded(Script(bad)))


def test_the_input_bound_covers_the_whole_prompt() -> None:
    request = {"system": "x" * 1000, "messages": [{"role": "user", "content": "é" * 500}], "tools": [{"name": "t"}]}
    bound = input_token_bound(request)
    assert bound >= 1000 + 1000  # every character, multi-byte ones by their bytes
    assert bound > input_token_bound({**request, "tools": []})
