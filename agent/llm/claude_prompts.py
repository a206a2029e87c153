"""The Claude requests' text: the stable, cached prefix (system prompt + ICP) and the per-lead messages.

Everything that comes from outside (lead fields, research, enrichment, feedback) goes inside an escaped
data block. The prefix depends only on the prompt files and the ICP file, so it is byte-identical for
every lead and the API can serve it from the prompt cache.
"""

from __future__ import annotations

import json
import re
from typing import Any

from anthropic import transform_schema

from agent.drafting.schema import LeadContext
from agent.icp import IcpAnswer
from agent.llm.base import LeadInput
from agent.llm.injection import looks_like_instructions
from agent.prompt_files import data_block, load_prompt, render_prompt
from agent.tools import FLAG_NOTE
from core.demo.icp import Icp

CACHE = {"type": "ephemeral"}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False)


def _tidy(text: str) -> str:
    # Empty slots in a template leave runs of blank lines.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def drafting_system(icp: Icp) -> list[dict[str, Any]]:
    """The drafting rules and the ICP's angles, marked for prompt caching."""
    angles = {
        "industries": [{"name": i.name, "why": i.why} for i in icp.industries],
        "buying_signals": [{"key": s.key, "description": s.description, "why": s.why} for s in icp.buying_signals],
    }
    return [
        {"type": "text", "text": load_prompt("drafting.system")},
        {"type": "text", "text": data_block("icp", _json(angles)), "cache_control": CACHE},
    ]


def drafting_user(lead: LeadInput, icp: Icp, *, feedback: str | None) -> str:
    """The first user turn: the seller and the lead; research and enrichment arrive through the tools."""
    seller = icp.seller.model_dump()
    fields = lead.model_dump(exclude={"contact_email"}, exclude_none=True)
    return _tidy(
        render_prompt(
            "drafting.user",
            seller=data_block("seller", _json(seller)),
            lead=data_block("lead", _json(fields)),
            research="",
            enrichment="",
            feedback=data_block("slop_feedback", feedback) if feedback else "",
        )
    )


def icp_system(icp: Icp) -> list[dict[str, Any]]:
    """The qualification rules and the whole ICP (seller aside), marked for prompt caching."""
    profile = icp.model_dump(mode="json", exclude={"seller"})
    return [
        {"type": "text", "text": load_prompt("icp.system")},
        {"type": "text", "text": data_block("icp", _json(profile)), "cache_control": CACHE},
    ]


def icp_user(lead: LeadContext) -> str:
    """The lead, its research (instruction-like facts flagged) and its enrichment, each in its data block."""
    fields = lead.model_dump(include={"company", "domain", "contact_name", "contact_title", "industry"})
    facts = [
        fact.model_dump() | ({"flag": FLAG_NOTE} if looks_like_instructions(fact.text) else {}) for fact in lead.facts
    ]
    return _tidy(
        render_prompt(
            "icp.user",
            icp="",
            lead=data_block("lead", _json({k: v for k, v in fields.items() if v})),
            research=data_block("research", _json(facts)),
            enrichment=data_block("enrichment", _json(dict(lead.enrichment))),
        )
    )


def icp_output_config() -> dict[str, Any]:
    """Structured output: the answer must be JSON matching IcpAnswer (validated again by pydantic)."""
    return {"format": {"type": "json_schema", "schema": transform_schema(IcpAnswer.model_json_schema())}}
