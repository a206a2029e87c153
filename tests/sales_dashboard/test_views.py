"""The overview's plain data: pure functions over core's rows and the health report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.config import AgentMode, Settings
from core.controls import EffectiveControls
from core.models import Controls
from sales_dashboard.views import controls_view, format_age, health_view
from workers.health import HealthReport
from workers.schedule import ScheduledJob

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


def test_ages_read_naturally() -> None:
    assert [format_age(s) for s in (-3, 42, 600, 3 * 3600, 3 * 86400)] == [
        "0 s ago", "42 s ago", "10 min ago", "3 h ago", "3 days ago"
    ]


def test_health_view_shows_local_times_freshness_and_the_schedule() -> None:
    report = HealthReport(
        database_ok=True,
        database_detail="sqlite at schema revision 0001",
        redis_ok=True,
        redis_detail="redis 7.2",
        last_heartbeat_at=NOW - timedelta(seconds=30),
        last_heartbeat_worker="worker-1",
        heartbeat_fresh=True,
        workers=["worker-1"],
        scheduler_alive=True,
        schedule=[ScheduledJob("heartbeat", "* * * * *", "default", "beat", NOW + timedelta(minutes=1))],
        queue_depths={"outbound": 0, "default": 2},
    )
    view = health_view(report, now=NOW, tz=NEW_YORK)
    assert view.heartbeat == "2026-11-24 08:59:30 EST (30 s ago, fresh) from worker-1"
    assert [(row.name, row.cron, row.next_run) for row in view.schedule] == [
        ("heartbeat", "* * * * *", "2026-11-24 09:01:00 EST")
    ]
    assert [(q.name, q.depth) for q in view.queues] == [("outbound", 0), ("default", 2)]
    assert view.checked_at == "2026-11-24 09:00:00 EST"


def test_health_view_says_why_there_is_no_heartbeat() -> None:
    assert health_view(HealthReport(database_ok=True), now=NOW, tz=NEW_YORK).heartbeat.startswith("never")
    assert health_view(HealthReport(), now=NOW, tz=NEW_YORK).heartbeat.startswith("unknown")


def test_controls_view_notes_the_environment_ceiling() -> None:
    row = Controls(id=1, mode=AgentMode.LIVE, send_enabled=True, kill_switch=False, updated_at=NOW, updated_by="cli")
    effective = EffectiveControls(mode=AgentMode.SHADOW, send_enabled=False, kill_switch=False)
    view = controls_view(row=row, effective=effective, settings=Settings(agent_mode=AgentMode.SHADOW))
    assert (view.mode, view.mode_row, view.send_enabled, view.send_in_effect) == ("shadow", "live", True, False)
    assert len(view.ceilings) == 2 and view.updated.endswith("by cli")
