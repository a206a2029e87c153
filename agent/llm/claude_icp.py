"""ICP qualification with Claude: one structured-output call on the light model, fed back once if invalid.

The answer is requested as JSON matching `IcpAnswer` (`output_config.format`) and validated again here
with pydantic, so an answer the schema cannot express (an unknown disqualifier key) is caught too. Not
`messages.parse`: when its parsing fails the response, and so its usage, is lost, and spend that is not
recorded cannot be capped. Disqualifiers proven by structured fields hold whatever the model says.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError

from agent.drafting.schema import LeadContext
from agent.icp import DISQUALIFIED_MAX_SCORE, IcpAnswer, IcpResult, structural_disqualifiers
from agent.llm.base import ANTHROPIC_PROVIDER
from agent.llm.claude_client import GuardedMessages
from agent.llm.claude_prompts import icp_output_config, icp_system, icp_user
from agent.llm.errors import LlmOutputInvalid
from agent.prompt_files import prompt_version
from core.demo.icp import Icp

log = logging.getLogger(__name__)

ICP_MAX_TOKENS = 1_024
ATTEMPTS = 2  # the first answer, and one more after being told what was wrong


def qualify_with_claude(messages: GuardedMessages, *, model: str, lead: LeadContext, icp: Icp) -> IcpResult:
    """Score the lead with the model; raises LlmOutputInvalid after a second invalid answer."""
    conversation: list[dict[str, object]] = [{"role": "user", "content": icp_user(lead)}]
    system = icp_system(icp)
    problems: list[str] = []
    for attempt in range(1, ATTEMPTS + 1):
        response = messages.create(
            purpose="icp", model=model, max_tokens=ICP_MAX_TOKENS, system=system, messages=conversation,
            output_config=icp_output_config(),
        )  # fmt: skip
        text = "".join(block.text for block in response.content if block.type == "text").strip()
        problems = _problems(text, icp, truncated=response.stop_reason == "max_tokens")
        if not problems:
            return _result(IcpAnswer.model_validate_json(text), lead, icp, model)
        log.warning("ICP answer %d for %s invalid: %s", attempt, lead.domain, "; ".join(problems))
        conversation += [
            {"role": "assistant", "content": text or "(no answer)"},
            {"role": "user", "content": _feedback(problems)},
        ]
    raise LlmOutputInvalid(
        f"the model's ICP answer for {lead.domain} was invalid twice: {'; '.join(problems)[:300]}", problems=problems
    )


def _problems(text: str, icp: Icp, *, truncated: bool) -> list[str]:
    if truncated:
        return [f"the answer was cut off at {ICP_MAX_TOKENS} tokens; answer more briefly"]
    try:
        answer = IcpAnswer.model_validate_json(text)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in exc.errors()[:10]]
    known = {rule.key for rule in icp.disqualifiers}
    return [f"disqualified: {key!r} is not a disqualifier key" for key in answer.disqualified if key not in known]


def _feedback(problems: list[str]) -> str:
    lines = "\n".join(f"- {problem}" for problem in problems)
    return f"That answer is not valid:\n{lines}\nAnswer again with one JSON object that matches the schema."


def _result(answer: IcpAnswer, lead: LeadContext, icp: Icp, model: str) -> IcpResult:
    disqualified = list(dict.fromkeys(answer.disqualified))
    reasons = list(answer.reasons)
    for rule, proof in structural_disqualifiers(lead, icp):
        if rule.key not in disqualified:
            disqualified.append(rule.key)
            reasons.insert(0, f"Disqualified ({rule.key}, by rule): {proof}; {rule.why}")
    score = min(answer.score, DISQUALIFIED_MAX_SCORE) if disqualified else answer.score
    return IcpResult(
        score=round(score, 2),
        fit=answer.fit and not disqualified,
        disqualified=tuple(disqualified),
        reasons=tuple(reasons),
        provider=ANTHROPIC_PROVIDER,
        model=model,
        prompt_version=prompt_version("icp"),
    )
