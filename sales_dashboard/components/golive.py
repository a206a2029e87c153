"""The go-live checklist: each condition of the gate with its figure, and the one gated switch to live."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var

from sales_dashboard.components.confirm import confirm_button


def _check_row(check: Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            check.passed,
            rx.badge("pass", color_scheme="green", variant="soft", size="1"),
            rx.badge("not yet", color_scheme="red", variant="soft", size="1"),
        ),
        rx.text(check.name, weight="medium", size="2"),
        rx.text(check.figure, size="2", color_scheme="gray"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def golive_card(gate: Var, *, on_go_live: EventType[()]) -> rx.Component:
    """The gate's checklist (`gate` is a GateView var) and a switch that asks the gate again when pressed."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Go-live gate", size="4"),
                rx.cond(
                    gate.passed,
                    rx.badge("passes", color_scheme="green", size="2"),
                    rx.badge("refuses", color_scheme="gray", size="2"),
                ),
                id="go-live-status",
                spacing="3",
                align="center",
            ),
            rx.text("For ", gate.model, " at prompt version ", gate.prompt_version, size="1", color_scheme="gray"),
            rx.vstack(rx.foreach(gate.checks, _check_row), spacing="2", id="go-live-checks"),
            confirm_button(
                label="Switch to live",
                title="Switch to live?",
                description=(
                    "The gate is evaluated again now; if any condition fails the switch is refused. Either way the "
                    "decision and its evidence go to the audit log. Sending stays as set; the kill switch still wins."
                ),
                confirm_label="Switch to live",
                on_confirm=on_go_live,
                color_scheme="orange",
                id_prefix="go-live",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
