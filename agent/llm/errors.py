"""The LLM errors of this project; SDK errors are mapped into them at the boundary (`map_sdk_error`)."""

from __future__ import annotations

import anthropic

from core.errors import SalesAgentError


class LlmError(SalesAgentError):
    """An LLM call failed; the message is one line fit to show, the log has the detail."""


class LlmUnavailable(LlmError):
    """The API was unreachable, overloaded or rate limited after the retries: try the step again later."""


class LlmAuthenticationFailed(LlmError):
    """The API refused the key: check ANTHROPIC_API_KEY."""


class LlmRequestRejected(LlmError):
    """The API refused the request itself (bad model name, request too large, ...): retrying will not help."""


class LlmOutputInvalid(LlmError):
    """The model's answer did not match the schema, even after being told what was wrong."""

    def __init__(self, message: str, *, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def map_sdk_error(exc: anthropic.AnthropicError) -> LlmError:
    """The project error for an anthropic SDK error (the caller raises it `from` the original)."""
    if isinstance(exc, anthropic.APITimeoutError):
        return LlmUnavailable("the Anthropic API timed out (after retries)")
    if isinstance(exc, anthropic.APIConnectionError):
        return LlmUnavailable("could not connect to the Anthropic API (after retries)")
    if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return LlmAuthenticationFailed(
            f"the Anthropic API refused the key (HTTP {exc.status_code}): check ANTHROPIC_API_KEY"
        )
    if isinstance(exc, anthropic.RateLimitError):
        return LlmUnavailable("the Anthropic API is rate limiting this key (HTTP 429, after retries)")
    if isinstance(exc, anthropic.APIStatusError):
        if exc.status_code >= 500:
            return LlmUnavailable(f"the Anthropic API is unavailable (HTTP {exc.status_code}, after retries)")
        return LlmRequestRejected(f"the Anthropic API rejected the request (HTTP {exc.status_code}): {_reason(exc)}")
    return LlmError(f"the Anthropic SDK failed: {type(exc).__name__}")


def _reason(exc: anthropic.APIStatusError) -> str:
    # The API's own error message names the problem ("max_tokens: ..."); it never echoes the key.
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    message = str((error.get("message") if isinstance(error, dict) else None) or exc.message or "no reason given")
    return message.splitlines()[0][:200]
