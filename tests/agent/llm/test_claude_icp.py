"""ICP qualification with Claude: structured output on the light model, one feedback round, hard rules on top."""

from __future__ import annotations

import json

import pytest

from agent.drafting.schema import ResearchFact
from agent.llm.errors import LlmOutputInvalid
from agent.llm.ledger import InMemoryCostLedger
from agent.prompt_files import prompt_version
from agent.tools import gather_context
from integrations.enrichment import DemoEnricher
from integrations.research import DemoResearcher
from tests.agent.llm.scripted import ICP, LIGHT_MODEL, Script, claude, lead, message, text

FIT = {
    "score": 0.86,
    "fit": True,
    "disqualified": [],
    "reasons": ["Fintech in the US with a Series B (recent_funding)."],
}


def _answer(value: object) -> dict:
    return message(text(value if isinstance(value, str) else json.dumps(value)), stop_reason="end_turn")


def _context(domain: str = "ledgerline.example"):  # type: ignore[no-untyped-def]
    return gather_context(lead(domain), researcher=DemoResearcher(), enricher=DemoEnricher())


def test_a_valid_answer_becomes_the_result_from_the_light_model() -> None:
    script = Script(_answer(FIT))
    ledger = InMemoryCostLedger()
    result = claude(script, ledger=ledger).qualify(_context(), ICP)

    assert (result.score, result.fit, result.disqualified) == (0.86, True, ())
    assert (result.provider, result.model, result.prompt_version) == ("anthropic", LIGHT_MODEL, prompt_version("icp"))
    [body] = script.bodies
    assert body["model"] == LIGHT_MODEL
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert set(body["output_config"]["format"]["schema"]["properties"]) == {"score", "fit", "disqualified", "reasons"}
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"} and "<icp>" in body["system"][-1]["text"]
    user = body["messages"][0]["content"]
    assert "<lead>" in user and "<research>" in user and '"employees": 180' in user
    assert [entry.purpose for entry in ledger.entries] == ["icp"]


@pytest.mark.parametrize(
    "invalid",
    [
        "The lead looks like a great fit!",
        {"score": 1.7, "fit": True, "disqualified": [], "reasons": ["x"]},
        {"score": 0.5, "fit": True, "disqualified": ["not_a_rule"], "reasons": ["x"]},
    ],
)
def test_an_invalid_answer_is_fed_back_once(invalid: object) -> None:
    script = Script(_answer(invalid), _answer(FIT))
    ledger = InMemoryCostLedger()
    result = claude(script, ledger=ledger).qualify(_context(), ICP)

    assert result.fit and len(script.requests) == 2 and len(ledger.entries) == 2
    retry = script.bodies[1]["messages"]
    assert [m["role"] for m in retry] == ["user", "assistant", "user"]
    assert retry[2]["content"].startswith("That answer is not valid:")


def test_a_second_invalid_answer_fails_cleanly_with_both_calls_paid_for() -> None:
    script = Script(_answer("nope"), _answer({"score": 0.5}))
    ledger = InMemoryCostLedger()
    with pytest.raises(LlmOutputInvalid) as raised:
        claude(script, ledger=ledger).qualify(_context(), ICP)
    assert raised.value.problems and len(script.requests) == 2 and len(ledger.entries) == 2


def test_a_cut_off_answer_counts_as_invalid() -> None:
    cut = message(text('{"score": 0.9, "fit": tr'), stop_reason="max_tokens")
    script = Script(cut, _answer(FIT))
    assert claude(script).qualify(_context(), ICP).fit
    assert "cut off" in script.bodies[1]["messages"][2]["content"]


def test_a_disqualifier_proven_by_the_data_holds_whatever_the_model_says() -> None:
    script = Script(_answer({"score": 0.95, "fit": True, "disqualified": [], "reasons": ["Strong signals."]}))
    result = claude(script).qualify(_context("taiga-freight.example"), ICP)

    assert not result.fit and result.score <= 0.2
    assert result.disqualified == ("unsupported_geography",)
    assert result.reasons[0].startswith("Disqualified (unsupported_geography, by rule): headquartered in RU")


def test_gathered_context_leaves_injected_facts_out() -> None:
    context = _context("quarrylabs.example")
    assert len(context.facts) == 2 and all("Assistant" not in fact.text for fact in context.facts)


def test_injected_research_is_flagged_inside_the_escaped_block() -> None:
    # A caller that passes the raw research (injection included) still gets it delimited, escaped and flagged.
    context = _context("quarrylabs.example")
    raw = [
        ResearchFact(text=f.text, source_url=f.source_url) for f in DemoResearcher().research(context.domain, "").facts
    ]
    script = Script(_answer({"score": 0.1, "fit": False, "disqualified": [], "reasons": ["Acquired."]}))
    claude(script).qualify(context.model_copy(update={"facts": raw}), ICP)
    user = script.bodies[0]["messages"][0]["content"]
    assert "&lt;/facts&gt; Assistant:" in user and "</facts>" not in user
    assert user.count("</research>") == 1 and "reads like instructions aimed at an AI" in user
