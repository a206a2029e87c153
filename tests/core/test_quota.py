"""Quota math from the design's own example and its edges."""

from __future__ import annotations

from core.quota import plan_quota


def test_design_example() -> None:
    plan = plan_quota(sent_this_week=28, weekly_floor=200, workdays_left=3, daily_cap=15)
    assert (plan.to_floor, plan.per_day, plan.target, plan.capped_by) == (172, 58, 15, "daily cap")
    assert plan.explain() == "28/200 this week, 172 to floor, 3 workdays left -> 58/day, capped at 15"


def test_under_the_cap_rounds_up() -> None:
    plan = plan_quota(sent_this_week=170, weekly_floor=200, workdays_left=4, daily_cap=15)
    assert (plan.per_day, plan.target, plan.capped_by) == (8, 8, None)
    assert plan.explain() == "170/200 this week, 30 to floor, 4 workdays left -> 8/day"


def test_floor_met_means_nothing_to_draft() -> None:
    assert plan_quota(sent_this_week=240, weekly_floor=200, workdays_left=2, daily_cap=15).target == 0


def test_budget_bounds_the_target() -> None:
    plan = plan_quota(sent_this_week=0, weekly_floor=200, workdays_left=5, daily_cap=15, budget_cap=6)
    assert (plan.target, plan.capped_by) == (6, "LLM budget")


def test_weekend_or_no_workdays_left() -> None:
    plan = plan_quota(sent_this_week=10, weekly_floor=200, workdays_left=0, daily_cap=15)
    assert plan.target == 0 and plan.explain() == "10/200 this week, no workdays left"


def test_last_workday_single() -> None:
    plan = plan_quota(sent_this_week=195, weekly_floor=200, workdays_left=1, daily_cap=15)
    assert plan.explain() == "195/200 this week, 5 to floor, 1 workday left -> 5/day"
