"""Lead sources: where fresh company domains come from (demo companies, a CSV drop folder, a MindStudio API).

The MindStudio-compatible contract assumed (same auth and error handling as enrichment):

    POST {MINDSTUDIO_LEADS_URL}   Authorization: Bearer {MINDSTUDIO_API_KEY}   {"limit": 30}
    200 {"leads": [{"domain": "acme.com", "company": "Acme", "contact_name": "...", "contact_email": "...",
                    "contact_title": "..."}, ...]}

Rows that fail validation are skipped and reported (`last_errors`, and a log line each), never fatal.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from core.config import Settings
from core.demo.companies import demo_companies
from core.errors import SalesAgentError
from integrations.mindstudio import MindStudioClient, mindstudio_key

log = logging.getLogger(__name__)

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# CSV headers people actually write, mapped to our field names.
_HEADER_ALIASES = {
    "website": "domain",
    "url": "domain",
    "company_domain": "domain",
    "company_name": "company",
    "name": "company",
    "organization": "company",
    "contact": "contact_name",
    "full_name": "contact_name",
    "email": "contact_email",
    "title": "contact_title",
    "job_title": "contact_title",
}


class LeadSourceError(SalesAgentError):
    """A lead source could not be read."""


class LeadSourceUnauthorized(LeadSourceError):
    """The lead source refused the API key."""


class LeadSourceFailed(LeadSourceError):
    """The lead source failed or answered something unreadable."""


class InvalidDomain(SalesAgentError, ValueError):
    """Text that is not a usable company domain."""


@dataclass(frozen=True)
class LeadCandidate:
    """A company that may become a lead, with its contact when the source knows one."""

    domain: str
    company: str
    contact_name: str | None
    contact_email: str | None
    contact_title: str | None
    source: str


@dataclass(frozen=True)
class RowError:
    """A row a source skipped: where it was (file and 1-based row, the header being row 1) and why."""

    origin: str
    row: int
    reason: str


class LeadSource(Protocol):
    """Somewhere fresh lead candidates come from."""

    def fetch(self, limit: int) -> list[LeadCandidate]:
        """Up to limit candidates (CsvDropSource may exceed it so no row of a claimed file is lost)."""
        ...


def normalise_domain(raw: str) -> str:
    """acme.com from 'https://www.Acme.com/about' and the like; raises InvalidDomain for anything else."""
    text = raw.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    if "@" in text or (":" in text and not re.fullmatch(r"[^:]+:\d{1,5}", text)):
        raise InvalidDomain(f"not a company domain: {raw!r}")
    text = text.split(":")[0].rstrip(".").removeprefix("www.")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidDomain(f"not a company domain: {raw!r}") from exc
    labels = text.split(".")
    if len(text) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidDomain(f"not a company domain: {raw!r}")
    if not _TLD.match(labels[-1]):
        raise InvalidDomain(f"not a company domain: {raw!r}")
    return text


def candidate_from(row: Mapping[str, Any], source: str) -> LeadCandidate:
    """A validated candidate from a row of named fields; raises InvalidDomain or ValueError saying why."""

    def text(name: str) -> str | None:
        value = row.get(name)
        return (str(value).strip() or None) if value is not None else None

    domain = normalise_domain(text("domain") or "")
    company = text("company")
    if not company:
        raise ValueError("company is empty")
    email = text("contact_email")
    if email is not None:
        email = email.lower()
        if not _EMAIL.match(email):
            raise ValueError(f"contact_email {email!r} is not an email address")
    return LeadCandidate(domain, company, text("contact_name"), email, text("contact_title"), source)


class DemoLeadSource:
    """The bundled demo companies, always in file order."""

    source = "demo"

    def fetch(self, limit: int) -> list[LeadCandidate]:
        """The first limit demo companies."""
        return [
            LeadCandidate(c.domain, c.name, c.contact.name, c.contact.email, c.contact.title, self.source)
            for c in demo_companies()[: max(limit, 0)]
        ]


class CsvDropSource:
    """CSV files dropped in a folder; each is claimed by moving it into processed/ before it is read."""

    source = "csv"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.processed = self.folder / "processed"
        self.last_errors: list[RowError] = []

    def fetch(self, limit: int) -> list[LeadCandidate]:
        """Rows of whole files, oldest name first, until limit is reached; a claimed file is never read twice."""
        self.last_errors = []
        candidates: list[LeadCandidate] = []
        for path in sorted(self.folder.glob("*.csv")):
            if len(candidates) >= limit:
                break
            claimed = self._claim(path)
            if claimed is not None:
                rows, errors = read_csv(claimed)
                candidates += rows
                self.last_errors += errors
        return candidates

    def _claim(self, path: Path) -> Path | None:
        # A rename is atomic: of two workers racing for a file, one wins and the other sees it gone.
        self.processed.mkdir(exist_ok=True)
        target = self.processed / path.name
        suffix = 1
        while target.exists():
            target = self.processed / f"{path.stem}.{suffix}{path.suffix}"
            suffix += 1
        try:
            path.rename(target)
        except FileNotFoundError:
            return None
        return target


def read_csv(path: Path, source: str = "csv") -> tuple[list[LeadCandidate], list[RowError]]:
    """The valid candidates of a CSV file and an error for each row that was skipped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            reader.fieldnames = [_header(name) for name in reader.fieldnames or []]
            if "domain" not in reader.fieldnames:
                return [], [RowError(path.name, 1, "no domain column in the header")]
            return _rows(enumerate(reader, start=2), path.name, source)
    except (UnicodeDecodeError, csv.Error) as exc:
        return [], [RowError(path.name, 0, f"unreadable file: {exc}")]


def _header(name: str) -> str:
    key = "_".join(name.strip().lower().split())
    return _HEADER_ALIASES.get(key, key)


def _rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]], origin: str, source: str
) -> tuple[list[LeadCandidate], list[RowError]]:
    candidates: list[LeadCandidate] = []
    errors: list[RowError] = []
    for number, row in rows:
        try:
            candidates.append(candidate_from(row, source))
        except ValueError as exc:  # InvalidDomain is a ValueError too
            errors.append(RowError(origin, number, str(exc)))
            log.warning("%s row %d skipped: %s", origin, number, exc)
    return candidates, errors


class MindStudioLeadSource:
    """Leads from a MindStudio-compatible HTTP API (contract in the module docstring)."""

    source = "mindstudio"

    def __init__(self, url: str, api_key: SecretStr, **client_options: Any) -> None:
        self.client = MindStudioClient(
            url=url,
            api_key=api_key,
            what="MindStudio lead source",
            unauthorized=LeadSourceUnauthorized,
            failed=LeadSourceFailed,
            **client_options,
        )
        self.last_errors: list[RowError] = []

    def fetch(self, limit: int) -> list[LeadCandidate]:
        """Up to limit valid candidates from the API; invalid rows are skipped into last_errors."""
        answer = self.client.post({"limit": limit})
        leads = answer.get("leads") if isinstance(answer, dict) else None
        if not isinstance(leads, list):
            raise LeadSourceFailed('MindStudio lead source answered without a "leads" list')
        rows = [(n, row if isinstance(row, dict) else {}) for n, row in enumerate(leads, start=1)]
        candidates, self.last_errors = _rows(rows, "MindStudio leads", self.source)
        return candidates[: max(limit, 0)]


class ChainedLeadSource:
    """Several sources asked in order until the limit is reached."""

    def __init__(self, sources: Sequence[LeadSource]) -> None:
        self.sources = tuple(sources)

    def fetch(self, limit: int) -> list[LeadCandidate]:
        """Candidates from each source in turn, asking the next one only for what is still missing."""
        candidates: list[LeadCandidate] = []
        for source in self.sources:
            if len(candidates) >= limit:
                break
            candidates += source.fetch(limit - len(candidates))
        return candidates


def build_lead_source(settings: Settings) -> LeadSource:
    """The CSV drop and/or MindStudio source (CSV first) when configured, else the demo companies."""
    sources: list[LeadSource] = []
    if settings.lead_csv_drop_dir:
        sources.append(CsvDropSource(settings.lead_csv_drop_dir))
    if settings.mindstudio_leads_url:
        key = mindstudio_key(settings, "mindstudio_leads_url")
        sources.append(MindStudioLeadSource(settings.mindstudio_leads_url, key))
    if not sources:
        return DemoLeadSource()
    return sources[0] if len(sources) == 1 else ChainedLeadSource(sources)
