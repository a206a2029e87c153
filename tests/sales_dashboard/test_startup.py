"""The dashboard's backend migrates the database when it starts, so it works alone on a fresh one."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import get_settings
from core.db import current_revision, get_engine
from sales_dashboard.startup import migrate_database


def test_a_fresh_database_is_migrated_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    engine = get_engine(get_settings())
    assert current_revision(engine) is None
    migrate_database()
    migrate_database()  # idempotent
    assert current_revision(engine) is not None


def test_an_unreachable_database_is_logged_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    migrate_database()
    assert "database not migrated: cannot open the database" in caplog.text
