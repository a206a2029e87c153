"""`/approvals`: PIP and terminate decisions and reps' approvals in flight (login required, checked per action)."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.approval_queue import action_card, decision_panel, in_flight_table
from sales_dashboard.state.approvals import ApprovalsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Approvals · Sales Manager Agent"


def _content() -> rx.Component:
    state = ApprovalsState
    return rx.vstack(
        rx.heading("Approval queue", size="6"),
        rx.cond(state.notice != "", rx.callout(state.notice, icon="check", size="1", id="notice")),
        rx.cond(
            state.actions.length() > 0,
            rx.vstack(
                rx.foreach(
                    state.actions, lambda action: action_card(action, selected=state.selected, on_select=state.select)
                ),
                spacing="3",
                width="100%",
            ),
            rx.text("No PIP or terminate recommendations waiting.", color_scheme="gray", id="actions-empty"),
        ),
        rx.cond(
            state.selected != 0,
            decision_panel(
                reason=state.reason,
                problem=state.problem,
                on_reason=state.set_reason,
                on_approve=state.approve,
                on_reject=state.reject,
            ),
        ),
        in_flight_table(state.in_flight),
        spacing="4",
        width="100%",
    )


def approvals_page() -> rx.Component:
    """Nothing private renders until the server has checked the session and loaded the queue."""
    return signed_in_layout(
        rx.cond(ApprovalsState.authorized, _content(), rx.center(rx.spinner(size="3"), padding="4em"))
    )
