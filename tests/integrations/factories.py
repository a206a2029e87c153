"""Settings for the integrations' wiring tests, isolated from any .env or shell configuration."""

from __future__ import annotations

from typing import Any

from core.config import Settings

KEY = "sk-ms-test-5b1f0c9e"


def isolated_settings(**overrides: Any) -> Settings:
    """Settings with no lead source or enrichment configured unless overrides say so."""
    values: dict[str, Any] = {
        "mindstudio_api_key": None, "mindstudio_leads_url": None, "mindstudio_enrich_url": None,
        "lead_csv_drop_dir": None,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]
