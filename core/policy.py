"""The deterministic policy band: a rep's week judged by fixed, documented thresholds (docs/accountability.md).

Pure: a `RepHistory` (8 weeks of metrics rows and the sending domain's deliverability) in, a `BandResult`
(level, reasons, the rows relied on) out. The model's verdict starts from this band; a verdict more than
one band away goes to a founder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.models import VerdictLevel

# Best to worst: the distance between two levels is their distance in this list.
LEVEL_ORDER: tuple[VerdictLevel, ...] = (
    VerdictLevel.EXCEEDS,
    VerdictLevel.MEETS,
    VerdictLevel.BELOW_FLOOR,
    VerdictLevel.BELOW_FLOOR_PIP,
    VerdictLevel.CRITICAL,
)
HISTORY_WEEKS = 8


class EvidenceTable(StrEnum):
    """The tables a verdict may cite."""

    REP_WEEKLY_METRICS = "rep_weekly_metrics"
    ACTIVITY_EVENTS = "activity_events"
    DELIVERABILITY_SNAPSHOTS = "deliverability_snapshots"


class EvidenceRef(BaseModel):
    """One row a verdict relies on. `rep_weekly_metrics` has no id column: its id is "rep_id:week_start"."""

    model_config = ConfigDict(frozen=True)

    table: EvidenceTable
    id: str = Field(min_length=1, max_length=64)

    @field_validator("id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def metrics_ref(rep_id: int, week_start: date) -> EvidenceRef:
    """The reference to one row of the weekly metrics view."""
    return EvidenceRef(table=EvidenceTable.REP_WEEKLY_METRICS, id=f"{rep_id}:{week_start.isoformat()}")


class PolicyThresholds(BaseModel):
    """The policy's numbers; every one is documented in docs/accountability.md."""

    model_config = ConfigDict(frozen=True)

    weekly_email_floor: int = Field(200, ge=1)
    # EXCEEDS: the last `exceeds_window_weeks` average at least this share of the floor, results to match.
    exceeds_floor_ratio: float = Field(1.2, gt=1)
    exceeds_window_weeks: int = Field(4, ge=1, le=HISTORY_WEEKS)
    exceeds_min_reply_rate: float = Field(0.03, ge=0, le=1)
    exceeds_min_meetings_per_week: float = Field(1.0, ge=0)
    # BELOW_FLOOR_PIP: under the floor in at least `pip_min_weeks_under` of the last `pip_window_weeks`...
    pip_window_weeks: int = Field(4, ge=1, le=HISTORY_WEEKS)
    pip_min_weeks_under: int = Field(3, ge=1)
    # ...or a decline: the last `decline_weeks` each lower than the one before, the latest under the floor
    # and at least `decline_min_drop` below the first of them.
    decline_weeks: int = Field(4, ge=2, le=HISTORY_WEEKS)
    decline_min_drop: float = Field(0.2, gt=0, lt=1)
    # CRITICAL: the last `critical_volume_weeks` all under this share of the floor...
    critical_volume_ratio: float = Field(0.25, gt=0, lt=1)
    critical_volume_weeks: int = Field(2, ge=1, le=HISTORY_WEEKS)
    # ...or the latest week's mean daily spam rate at or above Gmail's hard line (0.30%); 0.10% warns.
    spam_warning_rate: float = Field(0.001, gt=0, lt=1)
    spam_critical_rate: float = Field(0.003, gt=0, lt=1)


@dataclass(frozen=True)
class WeekMetrics:
    """One row of `rep_weekly_metrics`."""

    week_start: date
    emails_sent: int
    replies: int
    meetings: int
    calls: int
    reply_rate: float


@dataclass(frozen=True)
class DeliverabilityDay:
    """One row of `deliverability_snapshots` for the rep's sending domain."""

    id: int
    day: date
    spam_rate: float | None = None
    spf_pass_rate: float | None = None
    dkim_pass_rate: float | None = None
    dmarc_pass_rate: float | None = None
    delivery_errors: float | None = None


@dataclass(frozen=True)
class RepHistory:
    """A rep's completed weeks (`weeks`, oldest first, the last is the week judged) and what happened in them.

    A week without a metrics row had no activity at all: it counts as zero, and there is no row to cite.
    """

    rep_id: int
    weeks: tuple[date, ...]
    metrics: tuple[WeekMetrics, ...] = ()
    deliverability: tuple[DeliverabilityDay, ...] = ()

    def __post_init__(self) -> None:
        if not self.weeks:
            raise ValueError("a history needs at least one week")
        if list(self.weeks) != sorted(set(self.weeks)):
            raise ValueError("weeks must be distinct and oldest first")

    @property
    def week_start(self) -> date:
        """The week being judged (the newest)."""
        return self.weeks[-1]

    @property
    def period(self) -> tuple[date, date]:
        """The first and last day (inclusive) the history covers."""
        return self.weeks[0], self.weeks[-1] + timedelta(days=6)

    def row(self, week: date) -> WeekMetrics | None:
        """The metrics row of `week`, if there was any activity."""
        return next((m for m in self.metrics if m.week_start == week), None)

    def emails(self, week: date) -> int:
        """Emails sent in `week` (0 without a row)."""
        row = self.row(week)
        return row.emails_sent if row else 0

    def last(self, n: int) -> tuple[date, ...]:
        """The newest `n` weeks, oldest first."""
        return self.weeks[-n:]

    def days_of(self, week: date) -> tuple[DeliverabilityDay, ...]:
        """The deliverability rows of one week."""
        return tuple(d for d in self.deliverability if week <= d.day <= week + timedelta(days=6))


@dataclass(frozen=True)
class BandResult:
    """The policy's band, the reasons for it (plain sentences with the numbers) and the rows relied on."""

    level: VerdictLevel
    reasons: list[str]
    evidence: list[EvidenceRef]
    warnings: list[str] = field(default_factory=list)


def band_distance(a: VerdictLevel, b: VerdictLevel) -> int:
    """How many bands apart two levels are (0 = the same)."""
    return abs(LEVEL_ORDER.index(a) - LEVEL_ORDER.index(b))


def policy_band(history: RepHistory, thresholds: PolicyThresholds | None = None) -> BandResult:
    """The band the rules give the newest week of `history`, worst rule first."""
    t = thresholds or PolicyThresholds()
    floor = t.weekly_email_floor
    latest = history.week_start
    reasons: list[str] = []
    warnings: list[str] = []

    latest_emails = history.emails(latest)
    spam = _mean_spam(history.days_of(latest))
    spam_refs = [_snapshot_ref(d) for d in history.days_of(latest) if d.spam_rate is not None]
    if spam is not None and spam >= t.spam_warning_rate:
        warnings.append(f"spam rate averaged {spam:.2%} in the week of {latest} (warning at {t.spam_warning_rate:.2%})")

    # CRITICAL: deliverability harm, or next to no volume for weeks.
    critical_weeks = history.last(t.critical_volume_weeks)
    critical_line = floor * t.critical_volume_ratio
    if spam is not None and spam >= t.spam_critical_rate:
        reasons.append(f"spam rate averaged {spam:.2%} in the week of {latest}, at or over {t.spam_critical_rate:.2%}")
    if len(critical_weeks) == t.critical_volume_weeks and all(
        history.emails(w) < critical_line for w in critical_weeks
    ):
        counts = ", ".join(str(history.emails(w)) for w in critical_weeks)
        reasons.append(
            f"emails sent in the last {len(critical_weeks)} weeks ({counts}) all under {critical_line:g} "
            f"({t.critical_volume_ratio:.0%} of the {floor} floor)"
        )
    if reasons:
        evidence = _metric_refs(history, critical_weeks) + (spam_refs if spam and spam >= t.spam_critical_rate else [])
        return BandResult(VerdictLevel.CRITICAL, reasons, evidence or _metric_refs(history, history.weeks), warnings)

    # BELOW_FLOOR_PIP: a sustained pattern under the floor, or a steady decline that has crossed it.
    window = history.last(t.pip_window_weeks)
    under = [w for w in window if history.emails(w) < floor]
    if len(under) >= t.pip_min_weeks_under:
        reasons.append(
            f"under the {floor} floor in {len(under)} of the last {len(window)} weeks ({_counts(history, window)})"
        )
        return BandResult(VerdictLevel.BELOW_FLOOR_PIP, reasons, _metric_refs(history, window), warnings)
    decline = history.last(t.decline_weeks)
    series = [history.emails(w) for w in decline]
    if (
        len(decline) == t.decline_weeks
        and latest_emails < floor
        and all(b < a for a, b in zip(series, series[1:], strict=False))
        and series[-1] <= series[0] * (1 - t.decline_min_drop)
    ):
        reasons.append(
            f"emails fell every week for {len(decline)} weeks ({_counts(history, decline)}), "
            f"now under the {floor} floor"
        )
        return BandResult(VerdictLevel.BELOW_FLOOR_PIP, reasons, _metric_refs(history, decline), warnings)

    # BELOW_FLOOR: this week under the floor, without the pattern.
    if latest_emails < floor:
        reasons.append(f"{latest_emails} emails in the week of {latest}, under the {floor} floor")
        return BandResult(VerdictLevel.BELOW_FLOOR, reasons, _metric_refs(history, window), warnings)

    # EXCEEDS: well above the floor on average, with results, and clean deliverability.
    recent = history.last(t.exceeds_window_weeks)
    average = sum(history.emails(w) for w in recent) / len(recent)
    rows = [r for w in recent if (r := history.row(w)) is not None]
    sent = sum(r.emails_sent for r in rows)
    reply_rate = sum(r.replies for r in rows) / sent if sent else 0.0
    meetings = sum(r.meetings for r in rows) / len(recent)
    exceeds = (
        average >= floor * t.exceeds_floor_ratio
        and reply_rate >= t.exceeds_min_reply_rate
        and meetings >= t.exceeds_min_meetings_per_week
        and not warnings
    )
    summary = (
        f"{average:.0f} emails a week over the last {len(recent)} weeks ({_counts(history, recent)}), "
        f"reply rate {reply_rate:.1%}, {meetings:.1f} meetings a week"
    )
    if exceeds:
        reasons.append(f"{summary}: at least {t.exceeds_floor_ratio:.0%} of the {floor} floor with results")
        return BandResult(VerdictLevel.EXCEEDS, reasons, _metric_refs(history, recent), warnings)
    reasons.append(f"{latest_emails} emails in the week of {latest}, at or over the {floor} floor; {summary}")
    return BandResult(VerdictLevel.MEETS, reasons, _metric_refs(history, recent), warnings)


def _mean_spam(days: tuple[DeliverabilityDay, ...]) -> float | None:
    rates = [d.spam_rate for d in days if d.spam_rate is not None]
    # Rounded: seven days at exactly 0.30% must not average to 0.2999999... and miss the line.
    return round(sum(rates) / len(rates), 9) if rates else None


def _counts(history: RepHistory, weeks: tuple[date, ...]) -> str:
    return ", ".join(str(history.emails(w)) for w in weeks)


def _metric_refs(history: RepHistory, weeks: tuple[date, ...]) -> list[EvidenceRef]:
    # Only weeks with a row can be cited; a week with no activity has nothing to point at.
    return [metrics_ref(history.rep_id, w) for w in weeks if history.row(w) is not None]


def _snapshot_ref(day: DeliverabilityDay) -> EvidenceRef:
    return EvidenceRef(table=EvidenceTable.DELIVERABILITY_SNAPSHOTS, id=str(day.id))
