"""Evidence references: each must exist, be the rep's own, and fall inside the judged 8-week period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from core.evidence import check_evidence, parse_refs, rep_sending_domain
from core.metrics import refresh_rep_weekly_metrics
from core.verdicts import history_weeks
from tests.factories import create_rep, create_snapshot, create_week_activity

WEEK = date(2026, 11, 16)
WEEKS = history_weeks(WEEK)


@pytest.fixture
def world(session: Session, engine, settings) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Two reps with activity and deliverability inside the period, and rows just outside it."""
    rep = create_rep(session, email="ann@ann.example")
    other = create_rep(session, email="bob@bob.example")
    inside = create_week_activity(session, rep, WEEK, emails=3, replies=1)
    before = create_week_activity(session, rep, WEEKS[0] - timedelta(weeks=1), emails=2)
    others = create_week_activity(session, other, WEEK, emails=2)
    snap = create_snapshot(session, rep_sending_domain(rep), WEEK + timedelta(days=6))
    snap_after = create_snapshot(session, rep_sending_domain(rep), WEEK + timedelta(days=7))
    snap_other = create_snapshot(session, rep_sending_domain(other), WEEK)
    session.commit()
    refresh_rep_weekly_metrics(engine, tz=settings.tz, today=WEEK)
    return {"rep": rep.id, "other": other.id, "inside": inside, "before": before, "others": others,
            "snap": snap, "snap_after": snap_after, "snap_other": snap_other}  # fmt: skip


def _check(session: Session, rep_id: object, *refs: dict[str, object]) -> list[str]:
    return check_evidence(session=session, rep_id=rep_id, weeks=WEEKS, refs=list(refs))  # type: ignore[arg-type]


def test_valid_references_of_every_table_resolve(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    refs = [
        {"table": "rep_weekly_metrics", "id": f"{world['rep']}:{WEEK}"},
        {"table": "activity_events", "id": world["inside"][0]},  # an int id is accepted as text
        {"table": "deliverability_snapshots", "id": str(world["snap"])},
    ]
    assert _check(session, world["rep"], *refs) == []


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        (lambda w: {"table": "rep_weekly_metrics", "id": f"{w['rep']}:{WEEKS[3]}"}, "no such row"),
        (lambda w: {"table": "activity_events", "id": "999999"}, "no such row"),
        (lambda w: {"table": "deliverability_snapshots", "id": "999999"}, "no such row"),
        (lambda w: {"table": "rep_weekly_metrics", "id": f"{w['other']}:{WEEK}"}, "another rep's row"),
        (lambda w: {"table": "activity_events", "id": str(w["others"][0])}, "another rep's row"),
        (lambda w: {"table": "deliverability_snapshots", "id": str(w["snap_other"])}, "another domain's row"),
        (lambda w: {"table": "rep_weekly_metrics", "id": f"{w['rep']}:{WEEKS[0] - timedelta(weeks=1)}"}, "outside"),
        (lambda w: {"table": "activity_events", "id": str(w["before"][0])}, "outside the period"),
        (lambda w: {"table": "deliverability_snapshots", "id": str(w["snap_after"])}, "outside the period"),
        (lambda w: {"table": "rep_weekly_metrics", "id": "7-2026-11-16"}, "not a 'rep_id:week_start' id"),
        (lambda w: {"table": "activity_events", "id": "abc"}, "not an integer id"),
        (lambda w: {"table": "leads", "id": "1"}, "malformed evidence reference"),
    ],
)
def test_invalid_references_are_named(session: Session, world: dict, ref, problem: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    good = {"table": "rep_weekly_metrics", "id": f"{world['rep']}:{WEEK}"}
    problems = _check(session, world["rep"], good, ref(world))
    assert len(problems) == 1 and problem in problems[0], problems


def test_no_evidence_is_a_problem(session: Session, world: dict) -> None:  # type: ignore[type-arg]
    assert _check(session, world["rep"]) == ["the verdict cites no evidence"]


def test_parse_refs_normalises_ids() -> None:
    refs, problems = parse_refs([{"table": "activity_events", "id": 5}, "junk"])
    assert [ref.id for ref in refs] == ["5"] and len(problems) == 1
