"""The verdict's shapes: what a provider is given (`VerdictInput`, plain data, no database), what the model
must answer (`VerdictAnswer`), and what a provider returns (`VerdictOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.models import VerdictAction, VerdictLevel
from core.policy import (
    HISTORY_WEEKS,
    BandResult,
    DeliverabilityDay,
    EvidenceRef,
    EvidenceTable,
    PolicyThresholds,
    RepHistory,
    WeekMetrics,
    metrics_ref,
    policy_band,
)

# The actions a verdict may recommend; the first is the default. PIP and CRITICAL never come with a
# message that could go out without a founder.
ALLOWED_ACTIONS: dict[VerdictLevel, tuple[VerdictAction, ...]] = {
    VerdictLevel.EXCEEDS: (VerdictAction.PRAISE, VerdictAction.NONE),
    VerdictLevel.MEETS: (VerdictAction.NONE, VerdictAction.PRAISE),
    VerdictLevel.BELOW_FLOOR: (VerdictAction.WARNING, VerdictAction.NONE),
    VerdictLevel.BELOW_FLOOR_PIP: (VerdictAction.PIP,),
    VerdictLevel.CRITICAL: (VerdictAction.TERMINATE, VerdictAction.PIP),
}


def default_action(level: VerdictLevel) -> VerdictAction:
    """The action a verdict at `level` recommends unless there is a reason for another allowed one."""
    return ALLOWED_ACTIONS[level][0]


class VerdictAnswer(BaseModel):
    """The verdict as the model must answer it (structured output, validated again here)."""

    model_config = ConfigDict(extra="forbid")

    verdict: VerdictLevel
    rationale: str = Field(min_length=20, max_length=2000)
    evidence_refs: list[EvidenceRef] = Field(min_length=1, max_length=60)
    action: VerdictAction

    @model_validator(mode="after")
    def _action_fits_verdict(self) -> VerdictAnswer:
        allowed = ALLOWED_ACTIONS[self.verdict]
        if self.action not in allowed:
            names = ", ".join(a.value for a in allowed)
            raise ValueError(f"action {self.action.value!r} does not fit verdict {self.verdict.value}; use {names}")
        return self


class WeekRow(BaseModel):
    """One week of `rep_weekly_metrics`."""

    model_config = ConfigDict(frozen=True)

    week_start: date
    emails_sent: int = Field(ge=0)
    replies: int = Field(0, ge=0)
    meetings: int = Field(0, ge=0)
    calls: int = Field(0, ge=0)
    reply_rate: float = Field(0.0, ge=0)


class DeliverabilityRow(BaseModel):
    """One day of `deliverability_snapshots` for the rep's sending domain."""

    model_config = ConfigDict(frozen=True)

    id: int
    day: date
    spam_rate: float | None = Field(None, ge=0, le=1)
    spf_pass_rate: float | None = Field(None, ge=0, le=1)
    dkim_pass_rate: float | None = Field(None, ge=0, le=1)
    dmarc_pass_rate: float | None = Field(None, ge=0, le=1)
    delivery_errors: float | None = Field(None, ge=0, le=1)


class VerdictInput(BaseModel):
    """Everything a provider sees for one rep and week, as plain data (constructible without a database).

    `week_start` defaults to the newest week row; `policy_band` to the band the default thresholds give.
    """

    model_config = ConfigDict(frozen=True)

    rep_id: int
    rep_name: str = Field("the rep", min_length=1, max_length=120)
    week_start: date | None = None
    weeks: list[WeekRow] = Field(default_factory=list, max_length=HISTORY_WEEKS)
    deliverability: list[DeliverabilityRow] = Field(default_factory=list, max_length=7 * HISTORY_WEEKS)
    policy_band: VerdictLevel | None = None
    policy_reasons: list[str] = Field(default_factory=list)
    weekly_email_floor: int = Field(200, ge=1)

    @model_validator(mode="after")
    def _has_a_week(self) -> VerdictInput:
        if self.week_start is None and not self.weeks:
            raise ValueError("give week_start or at least one week row")
        if self.week_start is not None and self.week_start.weekday() != 0:
            raise ValueError("week_start must be a Monday")
        return self

    @property
    def judged_week(self) -> date:
        """The week the verdict is for."""
        return self.week_start or max(row.week_start for row in self.weeks)

    @property
    def mondays(self) -> tuple[date, ...]:
        """The 8 weeks of the period, oldest first."""
        last = self.judged_week
        return tuple(last - timedelta(weeks=back) for back in range(HISTORY_WEEKS - 1, -1, -1))

    def history(self) -> RepHistory:
        """The input as the policy's RepHistory (rows outside the period are left out)."""
        mondays = set(self.mondays)
        first, last = self.mondays[0], self.mondays[-1] + timedelta(days=6)
        return RepHistory(
            rep_id=self.rep_id,
            weeks=self.mondays,
            metrics=tuple(WeekMetrics(**row.model_dump()) for row in self.weeks if row.week_start in mondays),
            deliverability=tuple(
                DeliverabilityDay(**row.model_dump()) for row in self.deliverability if first <= row.day <= last
            ),
        )

    def thresholds(self) -> PolicyThresholds:
        """The default thresholds at this input's floor."""
        return PolicyThresholds(weekly_email_floor=self.weekly_email_floor)

    def band(self, thresholds: PolicyThresholds | None = None) -> BandResult:
        """The policy band: the one given, or the one the rules give."""
        computed = policy_band(self.history(), thresholds or self.thresholds())
        if self.policy_band is None or self.policy_band == computed.level:
            return computed
        return BandResult(self.policy_band, self.policy_reasons or [f"policy band {self.policy_band.value}"],
                          computed.evidence, computed.warnings)  # fmt: skip

    def citable(self) -> set[EvidenceRef]:
        """The rows shown to a provider, which are the only ones it may cite."""
        history = self.history()
        refs = {metrics_ref(self.rep_id, row.week_start) for row in history.metrics}
        refs |= {
            EvidenceRef(table=EvidenceTable.DELIVERABILITY_SNAPSHOTS, id=str(d.id)) for d in history.deliverability
        }
        return refs

    @classmethod
    def from_history(cls, history: RepHistory, *, rep_name: str, band: BandResult, floor: int) -> VerdictInput:
        """The input for a history loaded from the database."""
        return cls(
            rep_id=history.rep_id,
            rep_name=rep_name[:120] or "the rep",
            week_start=history.week_start,
            weeks=[WeekRow(**vars(row)) for row in history.metrics],
            deliverability=[DeliverabilityRow(**vars(day)) for day in history.deliverability],
            policy_band=band.level,
            policy_reasons=list(band.reasons) + list(band.warnings),
            weekly_email_floor=floor,
        )


@dataclass(frozen=True)
class VerdictOutcome:
    """A provider's verdict for one rep and week, labelled with where it came from."""

    verdict: VerdictLevel
    rationale: str
    evidence_refs: list[EvidenceRef]
    action: VerdictAction
    provider: str
    model: str
    prompt_version: str
    policy_band: VerdictLevel | None = None
    cost_usd: Decimal = Decimal(0)

    def evidence_json(self) -> list[dict[str, str]]:
        """The references as stored in `verdicts.evidence_refs`."""
        return [ref.model_dump(mode="json") for ref in self.evidence_refs]
