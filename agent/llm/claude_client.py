"""The one boundary to the Anthropic API: a client with explicit timeout and retries, and guarded calls.

Every call goes through `GuardedMessages.create`: the ledger checks the call's worst case first (so an
exhausted budget or an unpriced model makes no request at all), the SDK retries 429, 529, 5xx and
connection errors, SDK errors become project errors here, and the reported usage is recorded at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import anthropic
import httpx2

from agent.llm.base import CostLedger, add_usage
from agent.llm.errors import map_sdk_error
from core.config import Settings
from core.errors import ConfigurationError
from core.pricing import Usage, price_usage

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 10.0
MAX_RETRIES = 2
# Every token is at least one byte of the request, so its UTF-8 size bounds the prompt's tokens; these
# cover what the API adds around it (message framing, the tool-use system prompt).
REQUEST_OVERHEAD_TOKENS = 100
TOOLS_OVERHEAD_TOKENS = 1_000
MESSAGE_OVERHEAD_TOKENS = 10
_PROMPT_KEYS = ("system", "tools", "messages", "output_config", "tool_choice")


def build_client(
    settings: Settings,
    *,
    http_client: httpx2.Client | None = None,
    timeout: float = TIMEOUT_SECONDS,
    max_retries: int = MAX_RETRIES,
) -> anthropic.Anthropic:
    """An SDK client for the configured key and base URL, with our timeout and retry count (not the SDK's 600 s)."""
    if settings.anthropic_api_key is None or not settings.anthropic_api_key.get_secret_value():
        raise ConfigurationError("ANTHROPIC_API_KEY is not set; the offline provider runs without it")
    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url or None,
        timeout=httpx2.Timeout(timeout, connect=CONNECT_TIMEOUT_SECONDS),
        max_retries=max_retries,
        http_client=http_client,
    )


def input_token_bound(request: Mapping[str, Any]) -> int:
    """A conservative upper bound of the prompt tokens of a Messages API request."""
    prompt = {key: request[key] for key in _PROMPT_KEYS if key in request}
    size = len(json.dumps(prompt, ensure_ascii=False, default=str).encode("utf-8"))
    overhead = REQUEST_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS * len(request.get("messages", ()))
    return size + overhead + (TOOLS_OVERHEAD_TOKENS if request.get("tools") else 0)


@dataclass
class GuardedMessages:
    """`messages.create` behind the budget guard and the cost ledger, with SDK errors mapped."""

    client: anthropic.Anthropic
    ledger: CostLedger
    usage: Usage = field(default_factory=Usage)
    cost_usd: Decimal = Decimal(0)
    calls: int = 0

    def create(self, *, purpose: str, model: str, max_tokens: int, **request: Any) -> anthropic.types.Message:
        """One API call: check the worst case, call, record the usage; raises LlmError subclasses."""
        self.ledger.check(model, input_token_bound(request), max_tokens)
        try:
            response = self.client.messages.create(model=model, max_tokens=max_tokens, **request)
        except anthropic.AnthropicError as exc:
            log.warning("anthropic %s call failed: %r", purpose, exc)
            raise map_sdk_error(exc) from exc
        usage = Usage.from_api(response.usage)
        # Priced as the model asked for: its price was checked, a dated id in the answer prices the same.
        self.ledger.record(model, usage, purpose)
        self.usage = add_usage(self.usage, usage)
        self.cost_usd += price_usage(model, usage)
        self.calls += 1
        log.info(
            "anthropic %s: %s in=%d out=%d cache_w=%d cache_r=%d stop=%s", purpose, model, usage.input_tokens,
            usage.output_tokens, usage.cache_write_tokens, usage.cache_read_tokens, response.stop_reason,
        )  # fmt: skip
        return response
