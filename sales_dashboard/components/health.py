"""The health panel: database, Redis, heartbeat, workers, scheduler, schedule and queues."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from sales_dashboard.components.status import labelled, status_badge


def _schedule_table(schedule: Var) -> rx.Component:
    return rx.cond(
        schedule.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Job"),
                    rx.table.column_header_cell("Cron (UTC)"),
                    rx.table.column_header_cell("Queue"),
                    rx.table.column_header_cell("Next run"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    schedule,
                    lambda job: rx.table.row(
                        rx.table.row_header_cell(job.name),
                        rx.table.cell(rx.code(job.cron)),
                        rx.table.cell(job.queue),
                        rx.table.cell(job.next_run),
                    ),
                )
            ),
            size="1",
            variant="surface",
            width="100%",
            id="schedule-table",
        ),
        rx.text("No periodic jobs registered: is the scheduler running?", size="2", color_scheme="gray"),
    )


def _queues(queues: Var) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            queues,
            lambda queue: rx.badge(queue.name, ": ", queue.depth, variant="surface", color_scheme="gray", size="2"),
        ),
        spacing="2",
        wrap="wrap",
    )


def health_panel(health: Var) -> rx.Component:
    """The state of every part (`health` is a HealthView var)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("System health", size="4"),
                rx.text("checked ", health.checked_at, size="1", color_scheme="gray", id="health-checked-at"),
                justify="between",
                align="baseline",
                width="100%",
            ),
            rx.data_list.root(
                labelled(
                    "Database",
                    status_badge(health.database_ok, "ok", "down", id="health-database"),
                    rx.text(health.database_detail, size="2"),
                ),
                labelled(
                    "Redis",
                    status_badge(health.redis_ok, "ok", "down", id="health-redis"),
                    rx.text(health.redis_detail, size="2"),
                ),
                labelled(
                    "Last heartbeat",
                    status_badge(health.heartbeat_fresh, "fresh", "stale", id="health-heartbeat"),
                    rx.text(health.heartbeat, size="2"),
                ),
                labelled(
                    "Workers",
                    status_badge(health.workers.length() > 0, "alive", "none"),
                    rx.text(
                        rx.cond(health.workers.length() > 0, health.workers.join(", "), "no worker is running"),
                        size="2",
                    ),
                ),
                labelled("Scheduler", status_badge(health.scheduler_alive, "running", "not running")),
                labelled("Queues", _queues(health.queues)),
                size="2",
            ),
            rx.heading("Schedule", size="3"),
            _schedule_table(health.schedule),
            spacing="4",
            width="100%",
        ),
        width="100%",
        id="health-panel",
    )
