"""The command and environment that start the dashboard."""

from __future__ import annotations

import sys
from pathlib import Path

from sales_dashboard.launch import reflex_command, reflex_env


def test_dev_uses_both_ports_and_prod_one(settings) -> None:  # type: ignore[no-untyped-def]
    ported = settings.model_copy(update={"dashboard_port": 3999, "backend_port": 8999})
    dev = reflex_command(settings=ported)
    assert dev[:4] == [sys.executable, "-m", "sales_dashboard.launch", "run"]
    assert dev[dev.index("--frontend-port") + 1] == "3999" and dev[dev.index("--backend-port") + 1] == "8999"
    prod = reflex_command(settings=ported, prod=True)
    assert "--single-port" in prod and prod[prod.index("--backend-port") + 1] == "3999"


def test_env_turns_telemetry_off_and_can_isolate_an_instance(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = reflex_env(settings=settings)
    assert env["REFLEX_TELEMETRY_ENABLED"] == "false"
    assert env["DASHBOARD_PORT"] == str(settings.dashboard_port)
    isolated = reflex_env(settings=settings, work_dir=tmp_path)
    assert isolated["REFLEX_WEB_WORKDIR"] == str(tmp_path / "web")
    assert Path(isolated["REFLEX_HOT_RELOAD_OVERRIDE_PATHS"]).is_dir()
