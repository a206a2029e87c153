"""Settings: the documented defaults, validation, and `.env.example` documenting every setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.config import PROJECT_ROOT, AgentMode, Settings
from core.db import normalize_database_url
from core.errors import ConfigurationError


def _bare(**overrides: object) -> Settings:
    # Ignore the test run's environment and any .env: the class's own defaults.
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def test_defaults_are_safe_and_as_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AGENT_MODE", "AGENT_SEND_ENABLED", "DATABASE_URL", "REDIS_URL", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    s = _bare()
    assert s.agent_mode is AgentMode.SHADOW and s.agent_send_enabled is False
    assert s.effective_database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'sales_agent.db'}"
    assert s.embedded_redis and s.effective_redis_url == f"unix://{PROJECT_ROOT / 'data' / 'redis.sock'}"
    assert (s.company_timezone, s.new_lead_floor, s.weekly_email_floor, s.daily_draft_cap) == (
        "America/New_York", 30, 200, 15)
    assert (s.llm_daily_cap_usd, s.llm_draft_cap_usd, s.approval_timeout_hours) == (10.0, 0.30, 48)
    assert s.anthropic_api_key is None and not s.twilio_configured


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (PROJECT_ROOT / ".env.example").read_text(), re.M))
    assert {name.upper() for name in Settings.model_fields} == documented


def test_governance_rule_is_written_in_env_example() -> None:
    text = (PROJECT_ROOT / ".env.example").read_text()
    assert "two weeks of shadow" in text and "90%" in text and "eval gate" in text


def test_secrets_do_not_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _bare(anthropic_api_key="sk-ant-very-secret", twilio_auth_token="tw-secret")
    assert "very-secret" not in repr(s) and "tw-secret" not in str(s.model_dump())


@pytest.mark.parametrize("field", ["company_timezone"])
def test_unknown_timezone_is_refused(field: str) -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        _bare(**{field: "Mars/Olympus"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_is_normalized(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


@pytest.mark.parametrize("url", ["nonsense", "mysql://root@h/d", "://"])
def test_bad_database_url_says_what_to_fix(url: str) -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        normalize_database_url(url)


def test_data_dir_setting_moves_the_embedded_defaults(tmp_path: Path) -> None:
    s = _bare(data_dir=tmp_path, database_url="", redis_url="")
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'sales_agent.db'}"
    assert s.redis_socket == tmp_path / "redis.sock"


def test_company_holidays_parse_from_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    monkeypatch.setenv("COMPANY_HOLIDAYS", "2026-11-26, 2026-12-25")
    assert Settings(_env_file=None).company_holidays == [date(2026, 11, 26), date(2026, 12, 25)]  # type: ignore[call-arg]
    monkeypatch.setenv("COMPANY_HOLIDAYS", "")
    assert Settings(_env_file=None).company_holidays == []  # type: ignore[call-arg]
    monkeypatch.setenv("COMPANY_HOLIDAYS", "Thanksgiving")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
