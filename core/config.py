"""Settings: the one place that reads the environment (and `.env`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class AgentMode(StrEnum):
    """What the agent may let out: shadow logs everything and sends nothing."""

    SHADOW = "shadow"
    LIVE = "live"


class Settings(BaseSettings):
    """Every setting of the system, read from the environment and `.env`; see `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: str = Field("development", description="development | test | production")

    # Modes. The database `controls` row is the live truth; these seed it on first start.
    agent_mode: AgentMode = AgentMode.SHADOW
    agent_send_enabled: bool = False

    # Storage.
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str = ""
    redis_url: str = ""

    # Company calendar and targets.
    company_timezone: str = "America/New_York"
    # Company holidays (ISO dates, comma-separated in the environment): no lead gen or nudges, and they do
    # not count as workdays in the quota math.
    company_holidays: Annotated[list[date], NoDecode] = Field(default_factory=list)
    new_lead_floor: int = Field(30, ge=0)
    weekly_email_floor: int = Field(200, ge=0)
    daily_draft_cap: int = Field(15, ge=0)
    approval_timeout_hours: int = Field(48, ge=1)

    # Money.
    llm_daily_cap_usd: float = Field(10.0, ge=0)
    llm_draft_cap_usd: float = Field(0.30, ge=0)

    # Anthropic (optional: without a key the offline rule-based agent runs).
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = "claude-sonnet-5-5"
    anthropic_light_model: str = "claude-haiku-5-5"

    # Twilio (optional: without it SMS goes to the local outbox and the rep phone simulator).
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    public_base_url: str = "http://localhost:8000"
    # Signs the rep phone simulator's webhooks when Twilio is not configured.
    local_sms_auth_token: SecretStr = SecretStr("local-simulator-token")

    # Google (optional: without it mail drafts are local .eml files, deliverability uses fixtures).
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    postmaster_refresh_token: SecretStr | None = None

    # Lead sources and enrichment (optional: without them the bundled demo companies are used).
    mindstudio_api_key: SecretStr | None = None
    mindstudio_leads_url: str | None = None
    mindstudio_enrich_url: str | None = None
    lead_csv_drop_dir: Path | None = None
    icp_path: Path = PROJECT_ROOT / "core" / "demo" / "icp.toml"

    # Dashboard.
    dashboard_port: int = Field(3000, ge=1, le=65535)
    backend_port: int = Field(8000, ge=1, le=65535)
    session_hours: int = Field(12, ge=1)

    @field_validator("company_holidays", mode="before")
    @classmethod
    def _split_holidays(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("company_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like America/New_York") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The company's time zone: weeks, workdays and the 09:00 runs are local to it."""
        return ZoneInfo(self.company_timezone)

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or the SQLite file under data/ when unset."""
        return self.database_url or f"sqlite:///{self.data_dir / 'sales_agent.db'}"

    @property
    def embedded_redis(self) -> bool:
        """True when no REDIS_URL is set and the bundled redis-server is used."""
        return not self.redis_url

    @property
    def redis_socket(self) -> Path:
        """Where the embedded redis-server listens (a unix socket under data/)."""
        return self.data_dir / "redis.sock"

    @property
    def effective_redis_url(self) -> str:
        """REDIS_URL, or the embedded server's socket."""
        return self.redis_url or f"unix://{self.redis_socket}"

    @property
    def twilio_configured(self) -> bool:
        """True when real SMS can go through Twilio."""
        return bool(self.twilio_account_sid and self.twilio_auth_token)


def get_settings() -> Settings:
    """Read the settings afresh (tests and CLI call this after changing the environment)."""
    return Settings()


settings = get_settings()
