"""The shape of the house, checked mechanically: imports point down, the agent cannot reach a sender,
and only core/config.py reads the environment."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Reading the environment anywhere else would bypass the one Settings class.
ENVIRONMENT_READERS = {
    "core/config.py": "the settings",
    "sales_cli/supervisor.py": "hands the environment, unread, to the child processes it starts",
}
PACKAGES = ("core", "integrations", "agent", "workers", "sales_dashboard", "evals", "sales_cli")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run(
        [lint, "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(cwd), "PATH": str(Path(sys.executable).parent)},
    )


def test_import_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_contracts_would_catch_an_agent_that_imports_a_sender(tmp_path: Path) -> None:
    """Plant a violation in a copy of the contracts: the same configuration must break on it."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "integrations" / "sms.py").write_text("def send(to, body): ...\n")
    (tmp_path / "integrations" / "mail_drafts.py").write_text("")
    (tmp_path / "agent" / "sneaky.py").write_text("from integrations.sms import send\nimport twilio\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "agent.sneaky -> integrations.sms" in result.stdout
    assert "agent.sneaky -> twilio" in result.stdout


def test_agent_contract_names_every_sender() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    agent = next(c for c in contracts if c.get("source_modules") == ["agent"])
    assert {"integrations.sms", "integrations.mail_drafts", "twilio"} <= set(agent["forbidden_modules"])


def test_only_settings_read_the_environment() -> None:
    pattern = re.compile(r"os\.environ|os\.getenv|getenv\(")
    offenders = []
    for package in PACKAGES + ("alembic",):
        for path in (ROOT / package).rglob("*.py"):
            if path.relative_to(ROOT).as_posix() in ENVIRONMENT_READERS:
                continue
            if pattern.search(path.read_text()):
                offenders.append(path.relative_to(ROOT).as_posix())
    for path in ROOT.glob("*.py"):
        if pattern.search(path.read_text()):
            offenders.append(path.name)
    assert offenders == []
