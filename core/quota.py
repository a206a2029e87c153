"""Quota math: how many sequences to draft for a rep today (a pure function, tested without mocks)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QuotaPlan:
    """Today's draft target for one rep, and the figures behind it."""

    sent_this_week: int
    weekly_floor: int
    workdays_left: int
    to_floor: int
    per_day: int
    target: int
    capped_by: str | None

    def explain(self) -> str:
        """The plan in one line, as reps and founders read it."""
        if self.workdays_left <= 0:
            return f"{self.sent_this_week}/{self.weekly_floor} this week, no workdays left"
        line = (
            f"{self.sent_this_week}/{self.weekly_floor} this week, {self.to_floor} to floor, "
            f"{self.workdays_left} workday{'s' if self.workdays_left != 1 else ''} left -> {self.per_day}/day"
        )
        return line + (f", capped at {self.target}" if self.capped_by else "")


def plan_quota(
    *, sent_this_week: int, weekly_floor: int, workdays_left: int, daily_cap: int, budget_cap: int | None = None
) -> QuotaPlan:
    """target = min(daily_cap, ceil((floor - sent) / workdays left including today)), bounded by the LLM budget.

    For 28 sent with 3 workdays left and a floor of 200: 172 to floor, 58/day, capped at 15.
    """
    to_floor = max(0, weekly_floor - sent_this_week)
    per_day = math.ceil(to_floor / workdays_left) if workdays_left > 0 else 0
    target, capped_by = per_day, None
    if target > daily_cap:
        target, capped_by = daily_cap, "daily cap"
    if budget_cap is not None and target > budget_cap:
        target, capped_by = max(0, budget_cap), "LLM budget"
    return QuotaPlan(sent_this_week, weekly_floor, workdays_left, to_floor, per_day, target, capped_by)
