"""The verdict with Claude: one structured-output call with the rep's history in escaped data blocks, an
invalid answer fed back once, every call checked and recorded through the cost ledger.

As in claude_icp: `messages.create` with `output_config.format`, not `messages.parse`, so an answer that
fails validation still has its usage recorded. Citing a row that was not shown counts as invalid.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import anthropic
from anthropic import transform_schema
from pydantic import ValidationError

from agent.llm.base import ANTHROPIC_PROVIDER, CostLedger
from agent.llm.claude_client import GuardedMessages
from agent.llm.errors import LlmOutputInvalid
from agent.prompt_files import data_block, load_prompt, prompt_version, render_prompt
from agent.verdicts.schema import VerdictAnswer, VerdictInput, VerdictOutcome
from core.policy import EvidenceTable, metrics_ref

log = logging.getLogger(__name__)

VERDICT_MAX_TOKENS = 1_500
ATTEMPTS = 2  # the first answer, and one more after being told what was wrong
CACHE = {"type": "ephemeral"}


def verdict_system() -> list[dict[str, Any]]:
    """The verdict rules, marked for prompt caching (identical for every rep)."""
    return [{"type": "text", "text": load_prompt("verdict.system"), "cache_control": CACHE}]


def verdict_user(data: VerdictInput) -> str:
    """The rep's name, the policy band, the weekly rows and the deliverability rows, each in its data block."""
    band = data.band()
    history = data.history()
    metrics = [
        {"table": EvidenceTable.REP_WEEKLY_METRICS.value, "id": metrics_ref(data.rep_id, row.week_start).id}
        | {key: (value.isoformat() if key == "week_start" else value) for key, value in vars(row).items()}
        for row in history.metrics
    ]
    days = [
        {"table": EvidenceTable.DELIVERABILITY_SNAPSHOTS.value, "id": str(day.id), "day": day.day.isoformat()}
        | {key: value for key, value in vars(day).items() if key not in {"id", "day"}}
        for day in history.deliverability
    ]
    text = render_prompt(
        "verdict.user",
        week_start=data.judged_week.isoformat(),
        rep_name=data_block("rep", _json({"rep_id": data.rep_id, "name": data.rep_name})),
        policy_band=data_block(
            "policy_band", _json({"band": band.level.value, "reasons": band.reasons, "warnings": band.warnings})
        ),
        metrics=data_block("metrics", _json(metrics)),
        deliverability=data_block("deliverability", _json(days)),
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def verdict_output_config() -> dict[str, Any]:
    """Structured output: the answer must be JSON matching VerdictAnswer (validated again by pydantic)."""
    return {"format": {"type": "json_schema", "schema": transform_schema(VerdictAnswer.model_json_schema())}}


class ClaudeVerdictProvider:
    """Verdicts from Claude through the anthropic SDK; spend goes through the given ledger."""

    name = ANTHROPIC_PROVIDER

    def __init__(self, *, client: anthropic.Anthropic, model: str, ledger: CostLedger) -> None:
        self.client = client
        self.model = model
        self.ledger = ledger

    def write(self, data: VerdictInput) -> VerdictOutcome:
        """The model's verdict; raises LlmOutputInvalid after a second invalid answer."""
        messages = GuardedMessages(self.client, self.ledger)
        conversation: list[dict[str, object]] = [{"role": "user", "content": verdict_user(data)}]
        citable = data.citable()
        problems: list[str] = []
        for attempt in range(1, ATTEMPTS + 1):
            response = messages.create(
                purpose="verdict", model=self.model, max_tokens=VERDICT_MAX_TOKENS, system=verdict_system(),
                messages=conversation, output_config=verdict_output_config(),
            )  # fmt: skip
            text = "".join(block.text for block in response.content if block.type == "text").strip()
            answer, problems = _parse(text, citable, truncated=response.stop_reason == "max_tokens")
            if answer is not None:
                return VerdictOutcome(
                    verdict=answer.verdict, rationale=answer.rationale, evidence_refs=list(answer.evidence_refs),
                    action=answer.action, provider=self.name, model=self.model,
                    prompt_version=prompt_version("verdict"), policy_band=data.band().level,
                    cost_usd=messages.cost_usd,
                )  # fmt: skip
            log.warning("verdict answer %d for rep %s invalid: %s", attempt, data.rep_id, "; ".join(problems))
            conversation += [
                {"role": "assistant", "content": text or "(no answer)"},
                {"role": "user", "content": _feedback(problems)},
            ]
        raise LlmOutputInvalid(
            f"the model's verdict for rep {data.rep_id} was invalid twice: {'; '.join(problems)[:300]}",
            problems=problems,
        )


def _parse(text: str, citable: set[Any], *, truncated: bool) -> tuple[VerdictAnswer | None, list[str]]:
    if truncated:
        return None, [f"the answer was cut off at {VERDICT_MAX_TOKENS} tokens; answer more briefly"]
    try:
        answer = VerdictAnswer.model_validate_json(text)
    except ValidationError as exc:
        return None, [f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in exc.errors()[:10]]
    unknown = [f"evidence_refs: {ref.table.value} {ref.id} is not a row in the blocks" for ref in answer.evidence_refs
               if ref not in citable]  # fmt: skip
    return (None, unknown) if unknown else (answer, [])


def _feedback(problems: list[str]) -> str:
    lines = "\n".join(f"- {problem}" for problem in problems)
    return f"That answer is not valid:\n{lines}\nAnswer again with one JSON object that matches the schema."


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
