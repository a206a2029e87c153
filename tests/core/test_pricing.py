"""The price table and the arithmetic: exact to the last digit, unknown models refused."""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import anthropic.types
import pytest

from core.config import Settings
from core.errors import SalesAgentError
from core.pricing import PRICES, UnknownModelPrice, Usage, price_for, price_usage, worst_case_cost

MIXED = Usage(input_tokens=1_000, output_tokens=500, cache_write_tokens=2_000, cache_read_tokens=10_000)


def test_sonnet_4_5_prices_every_kind_of_token() -> None:
    # 1,000 x $3 + 500 x $15 + 2,000 x $3.75 + 10,000 x $0.30 = $21,000 per million tokens.
    assert price_usage("claude-sonnet-4-5", MIXED) == Decimal("0.021")


def test_haiku_4_5_prices_every_kind_of_token() -> None:
    # 1,000 x $1 + 500 x $5 + 2,000 x $1.25 + 10,000 x $0.10 = $7,000 per million tokens.
    assert price_usage("claude-haiku-4-5", MIXED) == Decimal("0.007")


def test_sonnet_5_5_prices_every_kind_of_token() -> None:
    # 1,000 x $2 + 500 x $10 + 2,000 x $2.50 + 10,000 x $0.10 = $13,000 per million tokens.
    assert price_usage("claude-sonnet-5-5", MIXED) == Decimal("0.013")


def test_haiku_5_5_short_prompt_rates() -> None:
    # 1,000 x $0.10 + 500 x $0.50 + 2,000 x $0.125 + 10,000 x $0.01 = $700 per million tokens.
    assert price_usage("claude-haiku-5-5", MIXED) == Decimal("0.0007")


def test_haiku_5_5_long_prompt_bills_the_whole_request_at_the_higher_rates() -> None:
    at_limit = Usage(input_tokens=90_000, cache_read_tokens=10_000, output_tokens=1_000)
    over = Usage(input_tokens=90_001, cache_read_tokens=10_000, output_tokens=1_000)
    # 90,000 x $0.10 + 10,000 x $0.01 + 1,000 x $0.50 = $9,600 per million.
    assert price_usage("claude-haiku-5-5", at_limit) == Decimal("0.0096")
    # 90,001 x $0.50 + 10,000 x $0.05 + 1,000 x $2.50 = $48,000.50 per million.
    assert price_usage("claude-haiku-5-5", over) == Decimal("0.0480005")


def test_batch_halves_the_price() -> None:
    assert price_usage("claude-sonnet-4-5", MIXED, batch=True) == Decimal("0.0105")
    assert price_usage("claude-haiku-5-5", MIXED, batch=True) == Decimal("0.00035")


def test_no_tokens_cost_nothing() -> None:
    assert price_usage("claude-sonnet-5-5", Usage()) == 0


def test_worst_case_takes_the_dearer_prompt_rate_and_all_output() -> None:
    # Every prompt token could be a cache write ($3.75 > $3): 10,000 x $3.75 + 4,000 x $15 = $97,500.
    assert worst_case_cost("claude-sonnet-4-5", input_tokens=10_000, max_output_tokens=4_000) == Decimal("0.0975")
    # 10,000 x $2.50 + 4,000 x $10 = $65,000.
    assert worst_case_cost("claude-sonnet-5-5", input_tokens=10_000, max_output_tokens=4_000) == Decimal("0.065")


def test_worst_case_uses_the_long_prompt_tier_when_the_prompt_is_long() -> None:
    # 150,000 x $0.625 + 8,000 x $2.50 = $113,750.
    assert worst_case_cost("claude-haiku-5-5", input_tokens=150_000, max_output_tokens=8_000) == Decimal("0.11375")


def test_worst_case_is_never_below_the_real_price() -> None:
    usage = Usage(input_tokens=3_000, output_tokens=700, cache_write_tokens=5_000, cache_read_tokens=0)
    for model in PRICES:
        worst = worst_case_cost(model, input_tokens=usage.prompt_tokens, max_output_tokens=usage.output_tokens)
        assert worst >= price_usage(model, usage)


@pytest.mark.parametrize("model", ["claude-opus-9", "gpt-4o", "", "claude-sonnet-5-5-fast"])
def test_unknown_model_fails_closed(model: str) -> None:
    with pytest.raises(UnknownModelPrice, match="no price for model"):
        price_usage(model, MIXED)
    with pytest.raises(UnknownModelPrice):
        worst_case_cost(model, input_tokens=1, max_output_tokens=1)
    assert issubclass(UnknownModelPrice, SalesAgentError)


def test_dated_snapshot_is_priced_like_its_model() -> None:
    assert price_for("claude-haiku-4-5-20251001") is PRICES["claude-haiku-4-5"]


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        Usage(input_tokens=-1)
    with pytest.raises(ValueError):
        worst_case_cost("claude-haiku-4-5", input_tokens=-1, max_output_tokens=0)


def test_usage_reads_the_sdk_shape_with_null_cache_counts() -> None:
    api = SimpleNamespace(
        input_tokens=10, output_tokens=20, cache_creation_input_tokens=None, cache_read_input_tokens=5
    )
    assert Usage.from_api(api) == Usage(input_tokens=10, output_tokens=20, cache_write_tokens=0, cache_read_tokens=5)
    real = anthropic.types.Usage(
        input_tokens=1, output_tokens=2, cache_creation_input_tokens=3, cache_read_input_tokens=4
    )
    assert Usage.from_api(real) == Usage(1, 2, 3, 4)
    assert Usage(1, 2, 3, 4).prompt_tokens == 8


def test_configured_models_have_prices() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    price_for(defaults.anthropic_model)
    price_for(defaults.anthropic_light_model)


def test_every_priced_model_is_one_the_sdk_knows() -> None:
    known = set(typing.get_args(typing.get_args(anthropic.types.Model)[0]))
    assert set(PRICES) <= known


def test_deprecated_sonnet_4_5_carries_its_end_of_life() -> None:
    assert PRICES["claude-sonnet-4-5"].retires_on == date(2026, 11, 30)
