"""The evals page: eval runs, newest first, with the pass rate per suite."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import reflex as rx

from core import config
from core.config import Settings
from core.dashboard_queries import eval_runs
from core.db import session_scope
from core.models import EvalRun
from sales_dashboard.state.auth import AuthState
from sales_dashboard.views import format_time

log = logging.getLogger(__name__)


@dataclass
class EvalRow:
    """One eval run."""

    when: str = ""
    provider: str = ""
    model: str = ""
    prompt_version: str = ""
    pass_rate: str = ""
    passed: bool = False
    suites: str = ""


def suite_line(results: dict[str, Any]) -> str:
    """ "drafting 95% (19/20), verdicts 100% (...)": each suite's pass rate from the run's `suites` entry."""
    parts = []
    suites = results.get("suites", {})
    for name, value in sorted(suites.items() if isinstance(suites, dict) else []):
        if isinstance(value, dict):
            rate = value.get("pass_rate")
            passed, total = value.get("passed"), value.get("total", value.get("cases"))
            text = f"{float(rate):.0%}" if isinstance(rate, int | float) else "?"
            if isinstance(passed, int) and isinstance(total, int):
                text += f" ({passed}/{total})"
        elif isinstance(value, int | float):
            text = f"{float(value):.0%}"
        else:
            text = str(value)
        parts.append(f"{name} {text}")
    return ", ".join(parts) or "no suites recorded"


def eval_row(run: EvalRun, *, settings: Settings) -> EvalRow:
    """One run for display."""
    return EvalRow(
        when=format_time(run.created_at, settings.tz), provider=run.provider, model=run.model,
        prompt_version=run.prompt_version, pass_rate=f"{run.pass_rate:.1%} (needs {run.threshold:.0%})",
        passed=run.passed, suites=suite_line(run.suite_results or {}),
    )  # fmt: skip


def load_evals(*, settings: Settings) -> list[EvalRow]:
    """The latest eval runs (blocks on the database)."""
    with session_scope() as session:
        return [eval_row(run, settings=settings) for run in eval_runs(session=session)]


class EvalsState(AuthState):
    """Eval runs; the handler checks the session before reading."""

    authorized: bool = False
    runs: list[EvalRow] = rx.field(default_factory=list)

    @rx.event
    async def load(self) -> Any:
        """Page load: check the session, then read the runs."""
        if self._signed_in() is None:
            return self._end_session()
        self.runs = await asyncio.to_thread(load_evals, settings=config.settings)
        self.authorized = True
        return None
