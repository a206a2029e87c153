"""The eval runner: every case of every suite through the chosen provider, graded, with a verdict.

Cases run on a bounded thread pool (each case builds its own provider over in-memory research, so threads
share nothing but the cost ledger). A run passes only when every suite ran and the share of passing cases,
overall and in each suite, is at least the threshold (a share under it fails: 89.9% fails, 90% passes).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx2

from agent.drafter import draft_sequence
from agent.llm.base import ANTHROPIC_PROVIDER, OFFLINE_PROVIDER, LlmProvider
from agent.llm.ledger import InMemoryCostLedger
from agent.tools import gather_context, seller_terms
from agent.versions import combined_prompt_version, version_parts
from agent.wiring import build_provider
from core.config import Settings
from core.demo.icp import Icp, load_icp
from core.errors import ConfigurationError
from evals.cases import GOLDEN_DIR, DraftCase, IcpCase, SuiteName, VerdictCase, load_suite
from evals.graders import Grade
from evals.graders.drafting import grade_draft
from evals.graders.icp import grade_icp
from evals.graders.verdicts import grade_verdict
from evals.sources import CaseEnricher, CaseResearcher, lead_input

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.90
DEFAULT_WORKERS = 4
PROVIDERS = ("offline", "anthropic")


def meets_threshold(passed: int, total: int, threshold: float) -> bool:
    """True when passed/total is at least `threshold`, compared exactly (0.9 means 9 of 10 passes)."""
    if total == 0:
        return False
    return Fraction(passed, total) >= Fraction(str(threshold))


@dataclass
class CaseResult:
    """One case's outcome: passed or the reason for each failure."""

    suite: str
    case_id: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


@dataclass
class SuiteResult:
    """A suite's cases, or why it could not run."""

    name: str
    cases: list[CaseResult] = field(default_factory=list)
    unavailable: str | None = None

    @property
    def total(self) -> int:
        """How many cases ran."""
        return len(self.cases)

    @property
    def passed_count(self) -> int:
        """How many cases passed."""
        return sum(1 for case in self.cases if case.passed)

    @property
    def pass_rate(self) -> float:
        """The share of passing cases (0 when none ran)."""
        return self.passed_count / self.total if self.total else 0.0


@dataclass
class RunReport:
    """A whole run: which agent, the threshold, every suite, and the verdict."""

    provider: str
    model: str
    prompt_version: str
    threshold: float
    suites: list[SuiteResult]
    started_at: float = 0.0
    seconds: float = 0.0
    version_parts: dict[str, str] = field(default_factory=dict)
    cost_usd: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        """Cases run in all suites."""
        return sum(suite.total for suite in self.suites)

    @property
    def passed_count(self) -> int:
        """Cases passed in all suites."""
        return sum(suite.passed_count for suite in self.suites)

    @property
    def pass_rate(self) -> float:
        """The overall share of passing cases."""
        return self.passed_count / self.total if self.total else 0.0

    def suite_passed(self, suite: SuiteResult) -> bool:
        """A suite passes when it ran and its share is at least the threshold."""
        return suite.unavailable is None and meets_threshold(suite.passed_count, suite.total, self.threshold)

    @property
    def passed(self) -> bool:
        """The run's verdict: every suite ran and passed, and so did the overall share."""
        complete = {suite.name for suite in self.suites} == {name.value for name in SuiteName}
        return (
            complete
            and all(self.suite_passed(s) for s in self.suites)
            and meets_threshold(self.passed_count, self.total, self.threshold)
        )

    @property
    def reasons(self) -> list[str]:
        """Why the run failed (empty when it passed)."""
        reasons = []
        missing = sorted({name.value for name in SuiteName} - {suite.name for suite in self.suites})
        if missing:
            reasons.append(f"partial run: {', '.join(missing)} not run")
        for suite in self.suites:
            if suite.unavailable is not None:
                reasons.append(f"{suite.name}: not available ({suite.unavailable})")
            elif not self.suite_passed(suite):
                reasons.append(f"{suite.name}: {suite.pass_rate:.1%} is under {self.threshold:.1%}")
        if not meets_threshold(self.passed_count, self.total, self.threshold):
            reasons.append(f"overall: {self.pass_rate:.1%} is under {self.threshold:.1%}")
        return reasons


Progress = Callable[[CaseResult], None]


@dataclass
class RunConfig:
    """What to run: provider (offline | anthropic), model, suites, threshold, concurrency."""

    provider: str = "offline"
    model: str | None = None
    suites: Sequence[SuiteName] = tuple(SuiteName)
    threshold: float = DEFAULT_THRESHOLD
    workers: int = DEFAULT_WORKERS
    golden_dir: Path = GOLDEN_DIR
    http_client: httpx2.Client | None = None


class _Agent:
    """Builds providers for the run: one per case, over that suite's in-memory research."""

    def __init__(self, settings: Settings, config: RunConfig) -> None:
        if config.provider not in PROVIDERS:
            raise ConfigurationError(f"unknown provider {config.provider!r}; use one of {', '.join(PROVIDERS)}")
        self.kind = config.provider
        if config.provider == "offline":
            self.settings = settings.model_copy(update={"anthropic_api_key": None})
        else:
            key = settings.anthropic_api_key
            if key is None or not key.get_secret_value():
                raise ConfigurationError("--provider anthropic needs ANTHROPIC_API_KEY")
            update: dict[str, Any] = {"anthropic_model": config.model} if config.model else {}
            self.settings = settings.model_copy(update=update)
        self.icp: Icp = load_icp(self.settings.icp_path)
        self.http_client = config.http_client
        self.ledger = InMemoryCostLedger.from_settings(self.settings)
        # An eval run is not one draft: the per-draft cap applies per case below; the daily cap to the run.
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        """The model outputs are labelled with."""
        return "offline-rules" if self.kind == "offline" else self.settings.anthropic_model

    @property
    def provider_name(self) -> str:
        """The provider label (as the outputs carry it)."""
        return OFFLINE_PROVIDER if self.kind == "offline" else ANTHROPIC_PROVIDER

    def provider(self, researcher: CaseResearcher, enricher: CaseEnricher) -> LlmProvider:
        """A provider over the given research, with a fresh per-case ledger."""
        return build_provider(
            self.settings,
            ledger=InMemoryCostLedger.from_settings(self.settings),
            researcher=researcher,
            enricher=enricher,
            icp=self.icp,
            http_client=self.http_client,
        )


def run_evals(settings: Settings, config: RunConfig, *, progress: Progress | None = None) -> RunReport:
    """Run the chosen suites; never raises for a failing case (its error becomes its failure)."""
    agent = _Agent(settings, config)
    started = time.time()
    suites: list[SuiteResult] = []
    jobs: list[tuple[SuiteResult, Callable[[], CaseResult]]] = []
    for name in config.suites:
        result = SuiteResult(name.value)
        suites.append(result)
        cases = load_suite(name, config.golden_dir)
        if name is SuiteName.VERDICTS:
            judge, problem = _verdict_judge()
            if judge is None:
                result.unavailable = problem
                continue
            jobs += [(result, _verdict_job(case, judge, agent)) for case in cases if isinstance(case, VerdictCase)]
        elif name is SuiteName.ICP:
            icp_cases = [c for c in cases if isinstance(c, IcpCase)]
            jobs += [(result, _icp_job(case, agent)) for case in icp_cases]
        else:
            draft_cases = [c for c in cases if isinstance(c, DraftCase)]
            jobs += [(result, _draft_job(case, draft_cases, agent)) for case in draft_cases]
    with ThreadPoolExecutor(max_workers=max(1, config.workers)) as pool:
        futures = {pool.submit(job): suite for suite, job in jobs}
        for future in as_completed(futures):
            case_result = future.result()
            futures[future].cases.append(case_result)
            if progress is not None:
                progress(case_result)
    for suite in suites:
        suite.cases.sort(key=lambda c: c.case_id)
    return RunReport(
        provider=agent.provider_name,
        model=agent.model,
        prompt_version=combined_prompt_version(),
        threshold=config.threshold,
        suites=suites,
        started_at=started,
        seconds=time.time() - started,
        version_parts=version_parts(),
    )


def _timed(suite: SuiteName, case_id: str, grade: Callable[[], Grade]) -> CaseResult:
    start = time.perf_counter()
    try:
        result = grade()
    except Exception as exc:  # noqa: BLE001 - a crashing case is a failing case, with its reason
        log.warning("case %s crashed: %r", case_id, exc)
        message = f"error: {type(exc).__name__}: {exc}"
        return CaseResult(suite.value, case_id, False, [message], seconds=time.perf_counter() - start, error=message)
    elapsed = time.perf_counter() - start
    return CaseResult(suite.value, case_id, result.passed, result.failures, result.notes, seconds=elapsed)


def _icp_job(case: IcpCase, agent: _Agent) -> Callable[[], CaseResult]:
    def grade() -> Grade:
        enricher = CaseEnricher([case.company])
        researcher = CaseResearcher([case.company])
        provider = agent.provider(researcher, enricher)
        lead = lead_input(case.company)
        result = provider.qualify(gather_context(lead, researcher=researcher, enricher=enricher), agent.icp)
        clean = None
        if case.company.hostile:
            clean_researcher = CaseResearcher([case.company], drop_injections=True)
            context = gather_context(lead, researcher=clean_researcher, enricher=enricher)
            clean = agent.provider(clean_researcher, enricher).qualify(context, agent.icp)
        return grade_icp(case, result, without_injection=clean)

    return lambda: _timed(SuiteName.ICP, case.id, grade)


def _draft_job(case: DraftCase, cases: list[DraftCase], agent: _Agent) -> Callable[[], CaseResult]:
    def grade() -> Grade:
        provider = agent.provider(CaseResearcher([case.company]), CaseEnricher([case.company]))
        outcome = draft_sequence(provider, lead_input(case.company))
        return grade_draft(case, outcome, known_terms=seller_terms(agent.icp))

    return lambda: _timed(SuiteName.DRAFTING, case.id, grade)


def _verdict_judge() -> tuple[Callable[..., Any] | None, str]:
    """agent.verdicts' entry point, or why it is not there (the suite then reports 'not available')."""
    try:
        from agent.verdicts import VerdictInput, judge_verdict  # type: ignore[attr-defined]
    except ImportError as exc:
        return None, f"agent.verdicts.judge_verdict is not importable: {exc}"

    def judge(case: VerdictCase, settings: Settings, provider: str, http_client: Any) -> Any:
        data = VerdictInput.model_validate(
            {
                "rep_id": case.rep_id,
                "rep_name": case.rep_name,
                "weeks": [week.model_dump() for week in case.weeks],
                "deliverability": [day.model_dump() for day in case.deliverability],
            }
        )
        return judge_verdict(data, settings=settings, provider=provider), data

    return judge, ""


def _verdict_job(case: VerdictCase, judge: Callable[..., Any], agent: _Agent) -> Callable[[], CaseResult]:
    def grade() -> Grade:
        outcome, data = judge(case, agent.settings, agent.kind, agent.http_client)
        citable = getattr(data, "citable", None)
        if callable(citable):
            row_ids = {(str(getattr(r.table, "value", r.table)), str(r.id)) for r in citable()}
        else:
            row_ids = {("rep_weekly_metrics", f"{case.rep_id}:{w.week_start.isoformat()}") for w in case.weeks}
            row_ids |= {("deliverability_snapshots", str(d.id)) for d in case.deliverability}
        return grade_verdict(case, outcome, row_ids=row_ids)

    return lambda: _timed(SuiteName.VERDICTS, case.id, grade)
