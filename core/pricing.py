"""The one price table for the LLM models the agent may call, and the arithmetic that prices a call.

Prices are USD per million tokens (MTok), as Anthropic publishes them. A model missing from the table
has no price, and a call to it is refused (fail closed): spend that cannot be priced cannot be capped.
Every number below was taken from public material in 2026-11 and must be re-checked against
https://platform.claude.com/docs/en/about-claude/pricing before relying on it (and whenever a model or
a price changes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from core.errors import SalesAgentError

MTOK = Decimal(1_000_000)
# The Message Batches API bills every kind of token at half price.
BATCH_DISCOUNT = Decimal("0.5")
# A dated snapshot id ("claude-haiku-4-5-20251001") is priced like its model.
_SNAPSHOT = re.compile(r"-\d{8}$")


class UnknownModelPrice(SalesAgentError):
    """The model has no entry in the price table, so its calls cannot be priced or capped."""


@dataclass(frozen=True)
class Rates:
    """USD per million tokens: input, output, 5-minute cache write, cache read."""

    input: Decimal
    output: Decimal
    cache_write: Decimal
    cache_read: Decimal


@dataclass(frozen=True)
class ModelPrice:
    """A model's rates; some models bill a whole request at higher rates once its prompt is long."""

    standard: Rates
    long_prompt: Rates | None = None
    # Prompt tokens (input + cache write + cache read) above which the long-prompt rates apply.
    long_prompt_above: int | None = None
    retires_on: date | None = None

    def rates_for(self, prompt_tokens: int) -> Rates:
        """The rates for a request whose prompt has `prompt_tokens` tokens."""
        if self.long_prompt and self.long_prompt_above is not None and prompt_tokens > self.long_prompt_above:
            return self.long_prompt
        return self.standard


def _rates(input: str, output: str, cache_write: str, cache_read: str) -> Rates:
    return Rates(Decimal(input), Decimal(output), Decimal(cache_write), Decimal(cache_read))


PRICES: Mapping[str, ModelPrice] = MappingProxyType(
    {
        # Anthropic's model page (platform.claude.com/docs/en/models/sonnet-5-5/overview): $2 in, $10 out,
        # $2.50 5-minute cache write, flat across the 1M context. Cache reads: that page listed $0.20 at
        # launch (2026-09-28); Anthropic cut them to $0.10 (0.05x input) on 2026-10-07 according to the
        # pricing page as quoted by third-party cost tools (claudit v1.9.2, PromptFuel v1.0.23). CHECK.
        "claude-sonnet-5-5": ModelPrice(standard=_rates("2", "10", "2.50", "0.10")),
        # Anthropic's model page (platform.claude.com/docs/en/models/haiku-5-5/overview), released
        # 2026-10-07: priced by prompt length. Up to 100,000 prompt tokens: $0.10 in, $0.50 out, $0.125
        # cache write, $0.01 cache read; above that, every token of the request at $0.50 / $2.50 /
        # $0.625 / $0.05. CHECK.
        "claude-haiku-5-5": ModelPrice(
            standard=_rates("0.10", "0.50", "0.125", "0.01"),
            long_prompt=_rates("0.50", "2.50", "0.625", "0.05"),
            long_prompt_above=100_000,
        ),
        # Anthropic's pricing page (2025-10 onward): $1 / $5 / $1.25 / $0.10; 200K context, one tier.
        "claude-haiku-4-5": ModelPrice(standard=_rates("1", "5", "1.25", "0.10")),
        # Anthropic's pricing page: $3 / $15 / $3.75 / $0.30; prompts over 200K tokens (1M-context beta)
        # at $6 / $22.50 / $7.50 / $0.60. Deprecated: end of life 2026-11-30, after which calls fail. Its
        # price stays here so that costs already recorded can still be explained.
        "claude-sonnet-4-5": ModelPrice(
            standard=_rates("3", "15", "3.75", "0.30"),
            long_prompt=_rates("6", "22.50", "7.50", "0.60"),
            long_prompt_above=200_000,
            retires_on=date(2026, 11, 30),
        ),
    }
)


@dataclass(frozen=True)
class Usage:
    """Tokens of one call as the API reports them; `input_tokens` excludes the cache tokens."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0

    def __post_init__(self) -> None:
        for name in ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")

    @property
    def prompt_tokens(self) -> int:
        """Every token of the prompt: fresh input, cache writes and cache reads."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    @classmethod
    def from_api(cls, usage: object) -> Usage:
        """Read an SDK usage object (`response.usage`); missing or null cache counts are zero."""
        return cls(
            input_tokens=getattr(usage, "input_tokens", 0) or 0,
            output_tokens=getattr(usage, "output_tokens", 0) or 0,
            cache_write_tokens=getattr(usage, "cache_creation_input_tokens", 0) or 0,
            cache_read_tokens=getattr(usage, "cache_read_input_tokens", 0) or 0,
        )


def price_for(model: str) -> ModelPrice:
    """The price table entry of `model` (or of the model a dated snapshot id belongs to)."""
    price = PRICES.get(model) or PRICES.get(_SNAPSHOT.sub("", model))
    if price is None:
        known = ", ".join(sorted(PRICES))
        raise UnknownModelPrice(f"no price for model {model!r}; add it to core/pricing.py (priced: {known})")
    return price


def price_usage(model: str, usage: Usage, *, batch: bool = False) -> Decimal:
    """The exact USD cost of one call's usage."""
    rates = price_for(model).rates_for(usage.prompt_tokens)
    cost = (
        usage.input_tokens * rates.input
        + usage.output_tokens * rates.output
        + usage.cache_write_tokens * rates.cache_write
        + usage.cache_read_tokens * rates.cache_read
    ) / MTOK
    return cost * BATCH_DISCOUNT if batch else cost


def worst_case_cost(model: str, *, input_tokens: int, max_output_tokens: int) -> Decimal:
    """The most a call can cost: every prompt token at the dearer of input and cache-write rates,
    every allowed output token, no batch discount. `input_tokens` is the whole prompt (an upper bound)."""
    if input_tokens < 0 or max_output_tokens < 0:
        raise ValueError("token counts cannot be negative")
    rates = price_for(model).rates_for(input_tokens)
    per_prompt_token = max(rates.input, rates.cache_write)
    return (input_tokens * per_prompt_token + max_output_tokens * rates.output) / MTOK
