"""`/drafts`: the founders' review of the agent's drafts (login required; checked on the server per action)."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.draft_review import draft_card
from sales_dashboard.state.drafts import DraftsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Draft review · Sales Manager Agent"


def _content() -> rx.Component:
    state = DraftsState
    return rx.vstack(
        rx.hstack(
            rx.heading("Draft review", size="6"),
            rx.text("Agreement (drafts): ", rx.text.strong(state.agreement, id="draft-agreement")),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(state.notice != "", rx.callout(state.notice, icon="info", size="1", id="notice")),
        rx.cond(
            state.drafts.length() > 0,
            rx.vstack(
                rx.foreach(
                    state.drafts,
                    lambda draft: draft_card(
                        draft,
                        editing=state.editing,
                        edit_text=state.edit_text,
                        on_send=state.send_as_is,
                        on_skip=state.would_skip,
                        on_start_edit=state.start_edit,
                        on_edit_text=state.set_edit_text,
                        on_edit=state.would_edit,
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            rx.text("No drafts waiting for your review.", color_scheme="gray", id="drafts-empty"),
        ),
        spacing="4",
        width="100%",
    )


def drafts_page() -> rx.Component:
    """Nothing private renders until the server has checked the session and loaded the drafts."""
    return signed_in_layout(rx.cond(DraftsState.authorized, _content(), rx.center(rx.spinner(size="3"), padding="4em")))
