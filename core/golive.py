"""The go-live gate: a pure function over mode history, founders' reviews and eval runs.

Going live is refused unless all of these hold (DESIGN.md, Modes):
- the trailing 14 days were all shadow (and the system has existed that long);
- founders reviewed enough items on enough of those days;
- agreement between founders and the agent is above 90%;
- the latest eval run for the current model and prompt version passed at 90% or more.

Minimums, and why: 40 reviews, because below that one disagreement moves the figure by more than 2.5
points and a 90% threshold says little; on at least 10 distinct days of the 14, so the figure covers most
workdays of two weeks rather than one afternoon's batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.config import AgentMode


@dataclass(frozen=True)
class GatePolicy:
    """The gate's thresholds (documented above)."""

    window_days: int = 14
    min_reviews: int = 40
    min_review_days: int = 10
    agreement_above: float = 0.90
    eval_at_least: float = 0.90


@dataclass(frozen=True)
class ModeChange:
    """The mode became `mode` at `at`."""

    at: datetime
    mode: AgentMode


@dataclass(frozen=True)
class ReviewRecord:
    """A founder's review: when, and whether they agreed with the agent."""

    at: datetime
    agrees: bool
    subject_kind: str


@dataclass(frozen=True)
class EvalRecord:
    """An eval run's outcome for a model and prompt version."""

    at: datetime
    model: str
    prompt_version: str
    pass_rate: float
    passed: bool


@dataclass(frozen=True)
class GateCheck:
    """One condition of the gate, its figure, and whether it holds."""

    name: str
    passed: bool
    figure: str


@dataclass(frozen=True)
class GateReport:
    """The gate's verdict with every condition, passing or not."""

    checks: list[GateCheck] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True only when every check passed."""
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def reasons(self) -> list[str]:
        """Why the gate refuses (empty when it passes)."""
        return [f"{check.name}: {check.figure}" for check in self.checks if not check.passed]

    def as_dict(self) -> dict[str, object]:
        """The report as evidence for the audit log."""
        return {"passed": self.passed, "checks": [check.__dict__ for check in self.checks]}


def evaluate_go_live(
    *,
    now: datetime,
    tz: ZoneInfo,
    system_started_at: datetime,
    mode_changes: Iterable[ModeChange],
    reviews: Iterable[ReviewRecord],
    eval_runs: Iterable[EvalRecord],
    model: str,
    prompt_version: str,
    policy: GatePolicy = GatePolicy(),
) -> GateReport:
    """Evaluate every condition for going live at `now`."""
    window_start = now - timedelta(days=policy.window_days)
    in_window = [r for r in reviews if window_start <= r.at <= now]
    return GateReport(
        checks=[
            _shadow_check(now, window_start, system_started_at, list(mode_changes), policy),
            _volume_check(in_window, tz, policy),
            _agreement_check(in_window, policy),
            _eval_check(list(eval_runs), model, prompt_version, policy),
        ]
    )


def _shadow_check(
    now: datetime, window_start: datetime, started: datetime, changes: list[ModeChange], policy: GatePolicy
) -> GateCheck:
    name = f"{policy.window_days} days of shadow"
    # The shadow stretch began at the last switch back to shadow after any live period, or at the start.
    last_live = max((c.at for c in changes if c.mode is AgentMode.LIVE and c.at <= now), default=None)
    shadow_since = started
    if last_live is not None:
        back = [c.at for c in changes if c.mode is AgentMode.SHADOW and last_live <= c.at <= now]
        if not back:
            return GateCheck(name, False, "the system is live now")
        shadow_since = max(shadow_since, min(back))
    days = (now - shadow_since) / timedelta(days=1)
    return GateCheck(
        name, shadow_since <= window_start, f"{days:.1f} days of shadow since {shadow_since.date().isoformat()}"
    )


def _volume_check(reviews: list[ReviewRecord], tz: ZoneInfo, policy: GatePolicy) -> GateCheck:
    days = {r.at.astimezone(tz).date() for r in reviews}
    passed = len(reviews) >= policy.min_reviews and len(days) >= policy.min_review_days
    return GateCheck(
        "founder reviews",
        passed,
        f"{len(reviews)} reviews on {len(days)} days "
        f"(need {policy.min_reviews} on {policy.min_review_days} of the last {policy.window_days})",
    )


def _agreement_check(reviews: list[ReviewRecord], policy: GatePolicy) -> GateCheck:
    if not reviews:
        return GateCheck("agreement", False, "no reviews in the window")
    agreed = sum(1 for r in reviews if r.agrees)
    rate = agreed / len(reviews)
    return GateCheck(
        "agreement",
        rate > policy.agreement_above,
        f"{rate:.1%} ({agreed}/{len(reviews)}); must be above {policy.agreement_above:.0%}",
    )


def _eval_check(runs: list[EvalRecord], model: str, prompt_version: str, policy: GatePolicy) -> GateCheck:
    name = "eval gate"
    current = [r for r in runs if r.model == model and r.prompt_version == prompt_version]
    if not current:
        return GateCheck(name, False, f"no eval run for {model} with prompt version {prompt_version}")
    latest = max(current, key=lambda r: r.at)
    passed = latest.passed and latest.pass_rate >= policy.eval_at_least
    return GateCheck(
        name,
        passed,
        f"latest run for {model}/{prompt_version} {'passed' if latest.passed else 'failed'} at {latest.pass_rate:.1%}",
    )
