"""The offline verdict: the policy band itself, in plain sentences, citing the rows the rules relied on."""

from __future__ import annotations

import hashlib

from agent.llm.base import OFFLINE_PROVIDER
from agent.verdicts.schema import VerdictInput, VerdictOutcome, default_action
from core.models import VerdictLevel
from core.policy import PolicyThresholds

OFFLINE_MODEL = "offline-rules"

_NEXT_STEP = {
    VerdictLevel.EXCEEDS: "Keep the pace and share what is working with the team.",
    VerdictLevel.MEETS: "Keep at least the floor every week.",
    VerdictLevel.BELOW_FLOOR: "Get back to the floor this week; the daily target is in the morning nudge.",
    VerdictLevel.BELOW_FLOOR_PIP: "A founder should agree a performance plan with clear weekly targets.",
    VerdictLevel.CRITICAL: "A founder should step in now.",
}


def policy_version(thresholds: PolicyThresholds) -> str:
    """A short hash of the thresholds: the offline verdict's 'prompt version'."""
    return "policy-" + hashlib.sha256(thresholds.model_dump_json().encode()).hexdigest()[:8]


class OfflineVerdictProvider:
    """Deterministic verdicts from the policy band (labelled `offline-rules`)."""

    name = OFFLINE_PROVIDER
    model = OFFLINE_MODEL

    def __init__(self, thresholds: PolicyThresholds | None = None) -> None:
        self.thresholds = thresholds

    def write(self, data: VerdictInput) -> VerdictOutcome:
        """The band's verdict, its reasons as the rationale, and the rows behind them as evidence."""
        thresholds = self.thresholds or data.thresholds()
        band = data.band(thresholds)
        sentences = [f"Policy band {band.level.value} for the week of {data.judged_week}."]
        sentences += [reason[0].upper() + reason[1:] + "." for reason in band.reasons]
        sentences += [f"Warning: {warning}." for warning in band.warnings]
        sentences.append(_NEXT_STEP[band.level])
        evidence = band.evidence or sorted(data.citable(), key=lambda ref: (ref.table.value, ref.id))
        return VerdictOutcome(
            verdict=band.level,
            rationale=" ".join(sentences),
            evidence_refs=list(evidence),
            action=default_action(band.level),
            provider=self.name,
            model=self.model,
            prompt_version=policy_version(thresholds),
            policy_band=band.level,
        )
