"""The sequence schema: three touches on days 0, 3 and 7, a call script on touch 2 only."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from agent.drafting.schema import LeadContext, SequenceDraft, Touch
from core.models import TouchChannel
from tests.agent.drafting.samples import CONTEXT, draft, touch_data


def test_the_sample_draft_is_valid() -> None:
    sequence = draft()
    assert [(t.step, t.day_offset, t.channel) for t in sequence.touches] == [
        (1, 0, TouchChannel.EMAIL),
        (2, 3, TouchChannel.CALL_AND_EMAIL),
        (3, 7, TouchChannel.EMAIL),
    ]
    assert sequence.touch(2).call_script


@pytest.mark.parametrize(
    ("step", "overrides", "message"),
    [
        (1, {"day_offset": 1}, "touch 1 must be on day 0, not day 1"),
        (2, {"day_offset": 7}, "touch 2 must be on day 3, not day 7"),
        (3, {"channel": "call_and_email"}, "touch 3 must be 'email', not 'call_and_email'"),
        (2, {"channel": "email"}, "touch 2 must be 'call_and_email', not 'email'"),
        (2, {"call_script": None}, "touch 2 (call + email) needs a call_script"),
        (2, {"call_script": "   "}, "touch 2 (call + email) needs a call_script"),
        (1, {"call_script": "Ask about Denver."}, "touch 1 is an email only"),
    ],
)
def test_each_touch_follows_the_plan(step: int, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Touch.model_validate(touch_data(step, **overrides))


@pytest.mark.parametrize("steps", [[1, 2], [1, 2, 3, 3], [2, 1, 3], []])
def test_a_sequence_is_exactly_touches_one_two_three(steps: list[int]) -> None:
    with pytest.raises(ValidationError, match="exactly touches 1, 2, 3"):
        SequenceDraft.model_validate({"touches": [touch_data(step) for step in steps]})


def test_step_outside_one_to_three_is_refused() -> None:
    with pytest.raises(ValidationError):
        Touch.model_validate(touch_data(1, step=4))


def test_empty_subject_or_body_is_refused() -> None:
    with pytest.raises(ValidationError):
        Touch.model_validate(touch_data(1, subject=""))
    with pytest.raises(ValidationError):
        Touch.model_validate(touch_data(1, body=""))


def test_missing_touch_lookup_raises_key_error() -> None:
    with pytest.raises(KeyError):
        draft().touch(4)


def test_schema_exports_json_schema_for_structured_output() -> None:
    schema = SequenceDraft.model_json_schema()
    touch = schema["$defs"]["Touch"]
    assert {"step", "day_offset", "channel", "subject", "body", "call_script"} <= set(touch["properties"])


def test_lead_context_enrichment_accepts_text_and_numbers() -> None:
    assert CONTEXT.enrichment["employees"] == 240
    assert CONTEXT.contact_first_name == "Jane"
    assert LeadContext(company="X", domain="x.example").contact_first_name is None
    with pytest.raises(ValidationError):
        LeadContext(company="X", domain="x.example", enrichment={"tags": ["a", "b"]})  # type: ignore[dict-item]
