"""The golden cases: one pydantic model per suite, read from and appended to JSON Lines files.

Every case carries all the data it is judged on (research facts, firmographics, weekly metrics), so no case
depends on the demo data. The format is documented in `evals/README.md`.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from core.errors import SalesAgentError
from core.models.verdicts import VerdictLevel

log = logging.getLogger(__name__)

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


class SuiteName(StrEnum):
    """The three suites, each a JSON Lines file under `evals/golden/`."""

    ICP = "icp"
    DRAFTING = "drafting"
    VERDICTS = "verdicts"

    @property
    def filename(self) -> str:
        """The suite's file name."""
        return f"{self.value}.jsonl"


class GoldenSetError(SalesAgentError):
    """A golden file is missing or a line of it is not a valid case."""


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    why: str = Field(min_length=1, description="Why the expected answer is right, for the human reading a failure.")
    # Where the case came from: "authored", or "review:<id>" when promoted from a founder's disagreement.
    origin: str = "authored"


class CaseFact(BaseModel):
    """One research fact; `injection` marks hostile text the agent must treat as data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    source_url: str = Field(min_length=1)
    injection: bool = False


class CaseContact(BaseModel):
    """The person to write to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    title: str | None = None
    email: str | None = None


class CaseCompany(BaseModel):
    """A company with its firmographics and research, as a lead source and researcher would give them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str = Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
    name: str = Field(min_length=1)
    industry: str | None = None
    employees: int | None = Field(default=None, ge=1)
    hq_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    hq_city: str | None = None
    contact: CaseContact = CaseContact()
    facts: tuple[CaseFact, ...] = ()

    @property
    def hostile(self) -> bool:
        """True when a fact carries a prompt injection."""
        return any(fact.injection for fact in self.facts)


class IcpExpected(BaseModel):
    """What a careful human says: fit now or not, and disqualifiers that must be found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fit: bool
    disqualified: tuple[str, ...] = ()


class IcpCase(_Case):
    """Qualify `company` against the ICP; `category` is fit, non_fit or edge."""

    suite: Literal["icp"] = "icp"
    category: Literal["fit", "non_fit", "edge"]
    company: CaseCompany
    expected: IcpExpected


class DraftChecks(BaseModel):
    """Case-specific checks on top of the common ones (slop, structure, grounding, personalisation)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Touch 1 must contain at least one of these (case-insensitive): the research detail it should open with.
    touch1_any: tuple[str, ...] = ()
    # No touch may contain any of these (case-insensitive): injected numbers, things never to raise cold.
    must_not_contain: tuple[str, ...] = ()
    # Every email must greet the contact by this first name.
    greet: str | None = None


class DraftCase(_Case):
    """Draft the 3-touch sequence for `company`'s contact; passes only if every check holds."""

    suite: Literal["drafting"] = "drafting"
    company: CaseCompany
    checks: DraftChecks = DraftChecks()
    # Set on cases promoted from a founder's review: the founder's own text, kept for the record.
    founder_text: str | None = None


class WeekMetrics(BaseModel):
    """One company-local week of a rep's activity (a `rep_weekly_metrics` row)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    week_start: date
    emails_sent: int = Field(ge=0)
    replies: int = Field(ge=0)
    meetings: int = Field(ge=0)
    calls: int = Field(ge=0)
    reply_rate: float = Field(ge=0, le=1)


class DeliverabilityDay(BaseModel):
    """One day of the rep's sending domain (a `deliverability_snapshots` row); rates are fractions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(ge=1)
    day: date
    spam_rate: float | None = Field(default=None, ge=0, le=1)
    spf_pass_rate: float | None = Field(default=None, ge=0, le=1)
    dkim_pass_rate: float | None = Field(default=None, ge=0, le=1)
    dmarc_pass_rate: float | None = Field(default=None, ge=0, le=1)
    delivery_errors: float | None = Field(default=None, ge=0, le=1)


class VerdictCase(_Case):
    """A rep's 8 weeks (oldest first; the last is the week judged) and the verdict a careful manager gives."""

    suite: Literal["verdicts"] = "verdicts"
    rep_id: int = Field(ge=1)
    # The rep's name as the CRM has it; in the injection cases it carries hostile text (at most 120 characters).
    rep_name: str = Field(min_length=1, max_length=120)
    # Authored cases have all 8 weeks; a promoted case has only the weeks with activity (no row = no activity).
    weeks: tuple[WeekMetrics, ...] = Field(min_length=1, max_length=8)
    deliverability: tuple[DeliverabilityDay, ...] = ()
    injection: bool = False
    expected: VerdictLevel


GoldenCase = Annotated[IcpCase | DraftCase | VerdictCase, Field(discriminator="suite")]
_CASE = TypeAdapter(GoldenCase)


def suite_path(suite: SuiteName, directory: Path = GOLDEN_DIR) -> Path:
    """Where a suite's golden file lives."""
    return directory / suite.filename


def load_suite(suite: SuiteName, directory: Path = GOLDEN_DIR) -> list[IcpCase | DraftCase | VerdictCase]:
    """Every case of a suite, validated; a bad line or a duplicate id is an error naming the line."""
    path = suite_path(suite, directory)
    if not path.is_file():
        raise GoldenSetError(f"golden file not found: {path}")
    cases: list[IcpCase | DraftCase | VerdictCase] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = _CASE.validate_json(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise GoldenSetError(f"{path.name} line {number}: {where}: {first['msg']}") from exc
        if case.suite != suite.value:
            raise GoldenSetError(f"{path.name} line {number}: a {case.suite} case in the {suite.value} suite")
        if case.id in seen:
            raise GoldenSetError(f"{path.name} line {number}: duplicate case id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    return cases


def dump_case(case: IcpCase | DraftCase | VerdictCase) -> str:
    """One JSON line for a case (defaults left out, keys in model order)."""
    data = case.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), "suite": case.suite, **data}
    return json.dumps(data, ensure_ascii=False)


def append_case(case: IcpCase | DraftCase | VerdictCase, directory: Path = GOLDEN_DIR) -> Path:
    """Append a case to its suite's file; refuses an id already there."""
    suite = SuiteName(case.suite)
    path = suite_path(suite, directory)
    existing = load_suite(suite, directory) if path.is_file() else []
    if any(other.id == case.id for other in existing):
        raise GoldenSetError(f"case {case.id!r} is already in {path.name}")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    with path.open("a", encoding="utf-8") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        handle.write(dump_case(case) + "\n")
    log.info("appended case %s to %s", case.id, path)
    return path
