"""The overview's extra panels: today's LLM spend, pipeline health, open alerts and the safety counters."""

from __future__ import annotations

import reflex as rx

from sales_dashboard import routes
from sales_dashboard.state.overview_panels import OverviewPanelsState

REFRESH_MS = 15_000


def _figure(label: str, value: rx.Var, *, id: str, note: str | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.heading(value, size="6", id=id),
        rx.text(note, size="1", color_scheme="gray"),
        spacing="1",
    )


def _spend_card() -> rx.Component:
    p = OverviewPanelsState.panels
    return rx.card(rx.vstack(
        rx.heading("LLM spend today", size="4"),
        rx.hstack(rx.heading(p.spent_today, size="6", id="spend-today"), rx.text("of ", p.cap, " cap", size="2"),
                  align="baseline", spacing="2"),
        rx.progress(value=p.spend_share, color_scheme=rx.cond(p.over_cap, "red", "blue"), width="100%"),
        rx.link("Costs", href=routes.COSTS, size="2"),
        width="100%",
    ), width="100%")  # fmt: skip


def _pipeline_card() -> rx.Component:
    v = OverviewPanelsState.pipeline
    return rx.card(rx.vstack(
        rx.heading("Pipeline health", size="4"),
        rx.hstack(
            _figure("new unassigned leads", v.new_leads, id="overview-new-leads",
                    note="floor " + v.floor.to_string()),
            _figure("empty discovery runs in a row", v.empty_streak, id="overview-empty-streak", note="alert at 3"),
            spacing="6",
        ),
        rx.link("Pipeline", href=routes.PIPELINE, size="2"),
        width="100%",
    ), width="100%")  # fmt: skip


def _alerts_card() -> rx.Component:
    alerts = OverviewPanelsState.panels.alerts
    return rx.card(rx.vstack(
        rx.heading("Open alerts", size="4"),
        rx.cond(
            alerts.length() > 0,
            rx.vstack(rx.foreach(alerts, lambda a: rx.hstack(
                rx.badge(a.severity, color_scheme=rx.cond(a.severity == "critical", "red", "orange")),
                rx.text(a.message, size="2"), rx.text(a.when, size="1", color_scheme="gray"),
                spacing="2", align="center", wrap="wrap")), spacing="2"),
            rx.text("No open alerts.", size="2", color_scheme="gray"),
        ),
        width="100%",
        id="open-alerts",
    ), width="100%")  # fmt: skip


def _safety_card() -> rx.Component:
    p = OverviewPanelsState.panels
    return rx.card(rx.vstack(
        rx.heading("Safety counters", size="4"),
        rx.grid(
            _figure("unauthorized inbound SMS", p.unauthorized_inbound, id="safety-unauthorized",
                    note="bad signature or a number not on the allowlist"),
            _figure("duplicate webhooks ignored", p.replays_ignored, id="safety-replays",
                    note="replayed MessageSids answered, not acted on again"),
            _figure("sends held as unknown", p.unknown_not_resent, id="safety-unknown",
                    note="outcome unknown: never re-sent (at most once)"),
            _figure("PIP/terminate messages held", p.verdict_actions_held, id="safety-held",
                    note="waiting for a founder's approval"),
            columns="2",
            spacing="4",
        ),
        width="100%",
        id="safety-counters",
    ), width="100%")  # fmt: skip


def overview_panels() -> rx.Component:
    """The four panels; they load themselves when shown and every 15 s."""
    return rx.box(
        rx.cond(
            OverviewPanelsState.loaded,
            rx.grid(_spend_card(), _pipeline_card(), _alerts_card(), _safety_card(),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            rx.center(rx.spinner(size="2"), padding="2em"),
        ),
        rx.moment(interval=REFRESH_MS, on_change=OverviewPanelsState.load, display="none"),
        on_mount=OverviewPanelsState.load,
        width="100%",
        id="overview-panels",
    )  # fmt: skip
