"""The offline rule-based provider: deterministic, free, labelled `offline-rules` wherever its output appears.

It is the embedded default and the CI baseline. ICP scores come from the ICP file's rules (`agent.icp`);
drafts come from research facts through varied templates (`agent.offline.templates`), validated by the
same draft_outreach tool the model uses, so an offline draft passes exactly the checks a Claude draft does.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from agent.drafting.schema import LeadContext
from agent.icp import IcpResult, score_icp
from agent.llm.base import OFFLINE_PROVIDER, DraftFailure, DraftOutcome, DraftStatus, LeadInput
from agent.offline.templates import compose_sequence
from agent.tools import DRAFT_OUTREACH, ENRICH_LEAD, RESEARCH_LEAD, Enricher, Researcher, ToolRun, seller_terms
from core.demo.icp import Icp

log = logging.getLogger(__name__)

OFFLINE_MODEL = "offline-rules"
# Phrasings tried per run: composing is free, so redrafting happens here rather than in a feedback loop.
VARIANTS_PER_RUN = 3
# Everything whose change can change what the agent decides without a prompt changing: the offline rules,
# ICP scoring, the tools, the drafting rules that accept or reject a draft, and the offline verdicts.
_SOURCES = (
    "offline/__init__.py",
    "offline/facts.py",
    "offline/templates.py",
    "icp.py",
    "tools.py",
    "drafting/schema.py",
    "drafting/slop.py",
    "drafting/grounding.py",
    "verdicts/offline.py",
)


@cache
def offline_version() -> str:
    """The offline rules' version: a hash of their source, recorded like a prompt version."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (root / name).read_text(encoding="utf-8").replace("\r\n", "\n").encode())
    return digest.hexdigest()[:12]


def stable_variant(domain: str) -> int:
    """A per-lead phrasing choice that is the same on every machine and every run."""
    return int(hashlib.sha256(domain.lower().encode()).hexdigest()[:8], 16)


class OfflineProvider:
    """ICP rules and template drafting; no model, no cost."""

    name = OFFLINE_PROVIDER

    def __init__(self, *, icp: Icp, researcher: Researcher, enricher: Enricher) -> None:
        self.icp = icp
        self.researcher = researcher
        self.enricher = enricher

    @property
    def model(self) -> str:
        """Always `offline-rules`."""
        return OFFLINE_MODEL

    @property
    def prompt_version(self) -> str:
        """The rules' version."""
        return offline_version()

    def qualify(self, lead: LeadContext, icp: Icp) -> IcpResult:
        """Score the lead by the ICP file's rules."""
        return score_icp(lead, icp, provider=self.name, model=self.model, prompt_version=self.prompt_version)

    def draft(self, lead: LeadInput, *, feedback: str | None = None) -> DraftOutcome:
        """Research, enrich and compose; the first variant that passes draft_outreach is the draft."""
        run = ToolRun(lead, researcher=self.researcher, enricher=self.enricher, known_terms=seller_terms(self.icp))
        run.call(RESEARCH_LEAD.name, {"domain": lead.domain})
        run.call(ENRICH_LEAD.name, {"domain": lead.domain})
        # A failed earlier run moves to other phrasings rather than repeating the same text.
        first = stable_variant(lead.domain) + (VARIANTS_PER_RUN if feedback else 0)
        for variant in range(first, first + VARIANTS_PER_RUN):
            draft = compose_sequence(run.context, self.icp.seller, variant=variant)
            result = run.call(DRAFT_OUTREACH.name, draft.model_dump(mode="json", exclude_none=True))
            if not result.is_error:
                return self._outcome(run, DraftStatus.DRAFTED)
            log.info("offline variant %d for %s rejected", variant, lead.domain)
        return self._outcome(run, DraftStatus.DRAFT_FAILED, failure=DraftFailure.REJECTED)

    def _outcome(self, run: ToolRun, status: DraftStatus, *, failure: DraftFailure | None = None) -> DraftOutcome:
        return DraftOutcome(
            status=status,
            provider=self.name,
            model=self.model,
            prompt_version=self.prompt_version,
            context=run.context,
            draft=run.accepted,
            report=run.report,
            failure=failure,
            reasons=run.feedback[-1].splitlines() if failure and run.feedback else [],
            feedback=run.feedback[-1] if failure and run.feedback else None,
            attempts=run.attempts,
        )
