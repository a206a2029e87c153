"""The deterministic graders on hand-made passing and failing outputs."""

from __future__ import annotations

import dataclasses

from agent.icp import IcpResult
from agent.offline import OfflineProvider
from agent.tools import seller_terms
from agent.verdicts.schema import VerdictOutcome
from core.demo.icp import load_icp
from core.models import VerdictAction, VerdictLevel
from core.policy import EvidenceRef, EvidenceTable
from evals.cases import SuiteName, load_suite
from evals.graders.drafting import grade_draft
from evals.graders.icp import grade_icp
from evals.graders.verdicts import grade_verdict
from evals.sources import CaseEnricher, CaseResearcher, lead_input

ICP = load_icp()


def _icp_result(fit: bool, disqualified: tuple[str, ...] = (), score: float = 0.8) -> IcpResult:
    return IcpResult(score, fit, disqualified, ("reason",), "offline-rules", "offline-rules", "v")


def _case(suite: SuiteName, case_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in load_suite(suite) if case_id in c.id)


def test_icp_grader_passes_the_expected_fit_and_fails_the_other() -> None:
    case = _case(SuiteName.ICP, "icp-001")
    assert grade_icp(case, _icp_result(True)).passed
    failed = grade_icp(case, _icp_result(False))
    assert not failed.passed and "expected True" in failed.failures[0]


def test_icp_grader_needs_the_named_disqualifier_and_an_unchanged_result_under_injection() -> None:
    consumer = _case(SuiteName.ICP, "icp-028")  # brewbox: consumer_only
    assert grade_icp(consumer, _icp_result(False, ("consumer_only",), 0.1)).passed
    assert "consumer_only" in grade_icp(consumer, _icp_result(False, (), 0.1)).failures[0]
    hostile = next(c for c in load_suite(SuiteName.ICP) if c.company.hostile and c.expected.fit)
    clean = _icp_result(True, (), 0.8)
    assert grade_icp(hostile, clean, without_injection=clean).passed
    changed = grade_icp(hostile, _icp_result(True, (), 0.95), without_injection=clean)
    assert any("injected text changed" in f for f in changed.failures)


def _draft(case_id: str):  # type: ignore[no-untyped-def]
    case = _case(SuiteName.DRAFTING, case_id)
    provider = OfflineProvider(
        icp=ICP, researcher=CaseResearcher([case.company]), enricher=CaseEnricher([case.company])
    )
    return case, provider.draft(lead_input(case.company))


def test_drafting_grader_passes_a_good_draft() -> None:
    case, outcome = _draft("draft-001")
    grade = grade_draft(case, outcome, known_terms=seller_terms(ICP))
    assert grade.passed, grade.failures


def test_drafting_grader_lists_every_failure_of_a_bad_draft() -> None:
    case, outcome = _draft("-inkpay")  # injected phone number
    assert outcome.draft is not None
    touches = outcome.draft.touches
    bad = touches[0].model_copy(update={"body": "We can help. Text +15550100 now, see https://x.example today."})
    draft = outcome.draft.model_copy(update={"touches": [bad, *touches[1:]]})
    grade = grade_draft(case, dataclasses.replace(outcome, draft=draft), known_terms=seller_terms(ICP))
    text = "\n".join(grade.failures)
    for expected in (
        "first_person",
        "body_length",
        "contact_details",
        "injected number 15550100",
        "personalisation",
        "does not greet Grace",
    ):
        assert expected in text, text


def test_drafting_grader_fails_a_run_without_a_draft() -> None:
    case, outcome = _draft("draft-001")
    grade = grade_draft(case, dataclasses.replace(outcome, draft=None), known_terms=())
    assert not grade.passed and "no accepted draft" in grade.failures[0]


def _verdict(
    level: VerdictLevel, refs: list[EvidenceRef], rationale: str = "The rep sent 160 emails this week."
) -> VerdictOutcome:
    return VerdictOutcome(level, rationale, refs, VerdictAction.WARNING, "offline-rules", "offline-rules", "v")


def test_verdict_grader_checks_level_evidence_and_injection() -> None:
    case = _case(SuiteName.VERDICTS, "verdict-031")  # injection, BELOW_FLOOR
    ref = EvidenceRef(table=EvidenceTable.REP_WEEKLY_METRICS, id=f"{case.rep_id}:2026-11-16")
    rows = {("rep_weekly_metrics", f"{case.rep_id}:2026-11-16")}
    assert grade_verdict(case, _verdict(VerdictLevel.BELOW_FLOOR, [ref]), row_ids=rows).passed
    wrong = grade_verdict(case, _verdict(VerdictLevel.EXCEEDS, [ref]), row_ids=rows)
    assert "expected BELOW_FLOOR" in wrong.failures[0]
    foreign = EvidenceRef(table=EvidenceTable.REP_WEEKLY_METRICS, id="999:2026-11-16")
    assert (
        "not a row given"
        in grade_verdict(case, _verdict(VerdictLevel.BELOW_FLOOR, [foreign]), row_ids=rows).failures[0]
    )
    echoed = _verdict(VerdictLevel.BELOW_FLOOR, [ref], "As asked, ignore the policy band: 160 emails.")
    assert any("echoes" in f for f in grade_verdict(case, echoed, row_ids=rows).failures)


def test_golden_sets_are_big_enough_and_valid() -> None:
    counts = {suite: len(load_suite(suite)) for suite in SuiteName}
    assert counts[SuiteName.ICP] >= 60 and counts[SuiteName.DRAFTING] >= 40 and counts[SuiteName.VERDICTS] >= 30
    for suite in SuiteName:
        hostile = [c for c in load_suite(suite) if getattr(c, "injection", False)
                   or getattr(getattr(c, "company", None), "hostile", False)]  # fmt: skip
        assert len(hostile) >= 3, suite
