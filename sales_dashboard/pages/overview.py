"""`/`: the switches and the system's health (login required; checked on the server at load and per action)."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.golive import golive_card
from sales_dashboard.components.health import health_panel
from sales_dashboard.components.overview_panels import overview_panels
from sales_dashboard.components.switches import switches_card
from sales_dashboard.state.overview import OverviewState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Overview · Sales Manager Agent"
REFRESH_MS = 15_000


def _content() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Overview", size="6"),
            rx.button("Refresh", variant="soft", on_click=OverviewState.load, id="refresh"),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(
            OverviewState.notice != "",
            rx.callout(OverviewState.notice, icon="check", color_scheme="blue", size="1", id="notice"),
        ),
        rx.grid(
            switches_card(
                OverviewState.controls,
                on_throw=OverviewState.throw_kill_switch,
                on_release=OverviewState.release_kill_switch,
                on_sending=OverviewState.set_sending,
                on_shadow=OverviewState.back_to_shadow,
            ),
            health_panel(OverviewState.health),
            golive_card(OverviewState.gate, on_go_live=OverviewState.go_live),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        overview_panels(),
        # Re-reads the switches and health while the page is open.
        rx.moment(interval=REFRESH_MS, on_change=OverviewState.tick, display="none"),
        spacing="4",
        width="100%",
    )


def overview_page() -> rx.Component:
    """Nothing private renders until the server has checked the session and loaded the data."""
    return signed_in_layout(
        rx.cond(
            OverviewState.authorized,
            _content(),
            rx.center(rx.spinner(size="3"), padding="4em"),
        )
    )
