"""`/verdicts`: blind verdict review (login required; checked on the server at load and per action)."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.verdict_review import blind_panel, reveal_panel, verdict_queue
from sales_dashboard.state.verdicts import VerdictsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Verdict review · Sales Manager Agent"


def _content() -> rx.Component:
    state = VerdictsState
    return rx.vstack(
        rx.hstack(
            rx.heading("Verdict review", size="6"),
            rx.text("Agreement (verdicts): ", rx.text.strong(state.agreement, id="agreement-rate")),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.text(
            "Blind by default: make your own call from the data first; the agent's call appears after.",
            color_scheme="gray",
            size="2",
        ),
        rx.cond(state.notice != "", rx.callout(state.notice, icon="info", size="1", id="notice")),
        rx.cond(
            state.is_open,
            rx.vstack(
                rx.button("Back to the list", variant="ghost", on_click=state.close, id="close-verdict"),
                blind_panel(state.blind, on_call=state.submit_call),
                rx.cond(
                    state.revealed,
                    reveal_panel(
                        state.reveal,
                        note=state.note,
                        on_note=state.set_note,
                        on_mark=state.mark,
                        on_evidence=state.show_evidence,
                        evidence_label=state.evidence_label,
                        evidence_fields=state.evidence_fields,
                    ),
                    rx.text("The agent's call stays hidden until you record yours.", id="blind-note", size="2"),
                ),
                width="100%",
                spacing="3",
            ),
        ),
        verdict_queue(state.queue, on_open=state.open_verdict),
        spacing="4",
        width="100%",
    )


def verdicts_page() -> rx.Component:
    """Nothing private renders until the server has checked the session and loaded the queue."""
    return signed_in_layout(
        rx.cond(VerdictsState.authorized, _content(), rx.center(rx.spinner(size="3"), padding="4em"))
    )
