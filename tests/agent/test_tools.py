"""The agent's three tools, and no others; what each returns and refuses."""

from __future__ import annotations

import json
from typing import Any

from agent.drafting.schema import Touch
from agent.llm.base import LeadInput
from agent.prompt_files import data_block
from agent.tools import AGENT_TOOLS, FLAG_NOTE, ToolRun, gather_context, seller_terms
from core.errors import SalesAgentError
from integrations.enrichment import DemoEnricher, EnrichmentFailed
from integrations.research import DemoResearcher
from tests.agent.llm.scripted import ICP, lead, passing_draft


def _run(domain: str = "ledgerline.example", **overrides: Any) -> ToolRun:
    options: dict[str, Any] = {
        "researcher": DemoResearcher(),
        "enricher": DemoEnricher(),
        "known_terms": seller_terms(ICP),
    }
    return ToolRun(lead(domain), **(options | overrides))


def test_the_agent_has_exactly_three_tools_and_none_sends() -> None:
    assert [tool.name for tool in AGENT_TOOLS] == ["research_lead", "enrich_lead", "draft_outreach"]
    for tool in AGENT_TOOLS:
        assert not any(word in tool.name for word in ("send", "sms", "mail", "approve", "text"))
        param = tool.as_param()
        assert set(param) == {"name", "description", "input_schema"} and param["input_schema"]["type"] == "object"
        json.dumps(param)  # plain JSON, as the API needs


def test_the_draft_schema_names_the_touch_fields() -> None:
    touch = AGENT_TOOLS[2].input_schema["properties"]["touches"]["items"]
    assert set(touch["properties"]) == set(Touch.model_fields)
    assert set(touch["required"]) == {name for name, f in Touch.model_fields.items() if f.is_required()}


def test_research_returns_sourced_facts_in_an_escaped_block_and_flags_injections() -> None:
    run = _run("quarrylabs.example")
    result = run.call("research_lead", {"domain": "QuarryLabs.example."})
    assert not result.is_error and result.content.startswith("<research>\n")
    payload = json.loads(result.content.removeprefix("<research>\n").removesuffix("\n</research>"))
    assert all(fact["source_url"].startswith("https://quarrylabs.example/") for fact in payload["facts"])
    [flagged] = [fact for fact in payload["facts"] if "flag" in fact]
    assert flagged["flag"] == FLAG_NOTE and "&lt;/facts&gt;" in flagged["text"]
    assert len(run.facts) == 2 and len(run.flagged) == 1  # flagged facts never ground a draft


def test_tools_only_work_on_the_lead_of_the_run() -> None:
    run = _run()
    for name in ("research_lead", "enrich_lead"):
        result = run.call(name, {"domain": "attacker.example"})
        assert result.is_error and "ledgerline.example only" in result.content
    assert run.call("send_sms", {}).is_error
    assert run.call("research_lead", ["ledgerline.example"]).is_error


def test_a_draft_before_research_is_refused_without_counting_as_an_attempt() -> None:
    run = _run()
    result = run.call("draft_outreach", passing_draft())
    assert result.is_error and "research_lead first" in result.content and run.attempts == 0


def test_an_accepted_draft_is_recorded() -> None:
    run = _run()
    run.call("research_lead", {"domain": "ledgerline.example"})
    run.call("enrich_lead", {"domain": "ledgerline.example"})
    result = run.call("draft_outreach", passing_draft())
    assert not result.is_error and "waits for the rep's approval" in result.content
    assert run.accepted is not None and run.report is not None and run.report.passed and run.attempts == 1
    assert run.context.enrichment["hq_city"] == "New York" and run.context.contact_name == "Dana Okafor"


def test_a_failing_draft_returns_every_failure_as_feedback() -> None:
    run = _run()
    run.call("research_lead", {"domain": "ledgerline.example"})
    draft = passing_draft()
    draft["touches"][1]["body"] += " Visit https://northwind.example or call (555) 010-0199; we are busy too."
    result = run.call("draft_outreach", draft)
    assert result.is_error and result.content.startswith("<slop_feedback>")
    for rule in ("[first_person]", "[busy]", "[contact_details]"):
        assert rule in result.content
    assert run.accepted is None and result.content == data_block("slop_feedback", run.feedback[0])
    assert run.feedback[0].startswith("The draft broke 7 rule(s).")


def test_enrichment_failure_is_reported_and_drafting_goes_on() -> None:
    class Down:
        def enrich(self, domain: str, contact_email: str | None) -> Any:
            raise EnrichmentFailed("MindStudio enrichment failed after 3 attempts: HTTP 503")

    run = _run(enricher=Down())
    result = run.call("enrich_lead", {"domain": "ledgerline.example"})
    assert result.is_error and "HTTP 503" in result.content and run.enrichment == {}
    assert isinstance(EnrichmentFailed("x"), SalesAgentError)


def test_gather_context_for_qualification() -> None:
    context = gather_context(
        LeadInput(domain="sproutlane.example", company="Sproutlane"),
        researcher=DemoResearcher(),
        enricher=DemoEnricher(),
    )
    assert context.industry == "B2B SaaS" and context.enrichment["employees"] == 85
    assert len(context.facts) == 3 and context.contact_name  # the enricher knows the contact
