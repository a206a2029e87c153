"""The company's ideal customer profile (ICP): a TOML file (default `core/demo/icp.toml`) read into `Icp`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.demo._files import invalid, read_toml

log = logging.getLogger(__name__)

DEFAULT_ICP_PATH = Path(__file__).with_name("icp.toml")


class _Entry(BaseModel):
    # A typo in a hand-edited file should fail loudly, not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Seller(_Entry):
    """Who is selling what: the agent's drafts speak for this company and product."""

    name: str = Field(min_length=1)
    product: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    value: str = Field(min_length=1)


class EmployeeRange(_Entry):
    """The company sizes that fit, inclusive."""

    min: int = Field(ge=1)
    max: int = Field(ge=1)
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


class Industry(_Entry):
    """A target industry and why it fits."""

    name: str = Field(min_length=1)
    why: str = Field(min_length=1)


class Geography(_Entry):
    """A served country (ISO 3166-1 alpha-2) and why."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1)
    why: str = Field(min_length=1)


class BuyingSignal(_Entry):
    """A sign a company may buy now; `keywords` (lower case) help match it in research facts."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)
    why: str = Field(min_length=1)
    keywords: tuple[str, ...] = ()


class Disqualifier(_Entry):
    """A rule that rules a company out, matched by industry, size, country or keywords in its facts."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=1)
    why: str = Field(min_length=1)
    industries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    employees_below: int | None = Field(default=None, ge=1)
    employees_above: int | None = Field(default=None, ge=1)


class Icp(_Entry):
    """The whole profile: who fits, what signals buying intent, and who is never contacted."""

    seller: Seller
    employees: EmployeeRange
    industries: tuple[Industry, ...] = Field(min_length=1)
    geographies: tuple[Geography, ...] = Field(min_length=1)
    buying_signals: tuple[BuyingSignal, ...] = Field(min_length=1)
    disqualifiers: tuple[Disqualifier, ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        for label, keys in (
            ("industry", [i.name for i in self.industries]),
            ("geography", [g.country for g in self.geographies]),
            ("buying signal", [s.key for s in self.buying_signals]),
            ("disqualifier", [d.key for d in self.disqualifiers]),
        ):
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise ValueError(f"duplicate {label}: {', '.join(duplicates)}")
        return self

    @property
    def industry_names(self) -> frozenset[str]:
        """The target industries' names."""
        return frozenset(i.name for i in self.industries)

    @property
    def countries(self) -> frozenset[str]:
        """The served countries' ISO codes."""
        return frozenset(g.country for g in self.geographies)


def load_icp(path: Path | str = DEFAULT_ICP_PATH) -> Icp:
    """Read and validate the ICP file; raises ConfigurationError with one line saying what is wrong."""
    path = Path(path)
    data = read_toml(path, "ICP")
    try:
        icp = Icp.model_validate(data)
    except ValidationError as exc:
        raise invalid(path, "ICP", exc) from exc
    log.debug("loaded ICP for %s from %s", icp.seller.name, path)
    return icp
