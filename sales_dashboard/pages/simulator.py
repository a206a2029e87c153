"""`/simulator`: the rep phone simulator (login required; only when Twilio is not configured)."""

from __future__ import annotations

import reflex as rx

from sales_dashboard import routes
from sales_dashboard.components.simulator import phone_card
from sales_dashboard.state.simulator import SimulatorState
from sales_dashboard.templates.layout import signed_in_layout

ROUTE = routes.SIMULATOR
TITLE = "Rep phones · Sales Manager Agent"
REFRESH_MS = 3_000


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Rep phone simulator", size="6"),
        rx.text(
            "Twilio is not configured, so SMS stays on this machine: each card is what a rep's phone received. "
            "Replies are posted as signed Twilio webhooks, so the real path runs. Shadow and blocked "
            "messages never reached a phone.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            SimulatorState.notice != "",
            rx.callout(SimulatorState.notice, icon="info", color_scheme="blue", size="1", id="notice"),
        ),
        rx.grid(
            rx.foreach(SimulatorState.phones, lambda phone: phone_card(phone, on_reply=SimulatorState.send_reply)),
            columns=rx.breakpoints(initial="1", md="2", lg="3"),
            spacing="4",
            width="100%",
        ),
        rx.cond(SimulatorState.phones.length() == 0, rx.text("No active reps.", color_scheme="gray")),
        # Live update: re-read the outbox while the page is open.
        rx.moment(interval=REFRESH_MS, on_change=SimulatorState.tick, display="none"),
        spacing="4",
        width="100%",
    )


def simulator_page() -> rx.Component:
    """Nothing private renders until the server has checked the session."""
    return signed_in_layout(
        rx.cond(
            SimulatorState.authorized,
            rx.cond(
                SimulatorState.enabled,
                _content(),
                rx.callout("Twilio is configured: SMS goes to real phones and the simulator is off.",
                           icon="info", id="simulator-off"),
            ),
            rx.center(rx.spinner(size="3"), padding="4em"),
        )
    )
