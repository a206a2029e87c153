"""The switches card: mode, sending and the kill switch."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var

from sales_dashboard.components.confirm import confirm_button
from sales_dashboard.components.status import labelled


def _kill_switch_control(kill_switch: Var[bool], on_throw: EventType[()], on_release: EventType[()]) -> rx.Component:
    return rx.cond(
        kill_switch,
        confirm_button(
            label="Release kill switch",
            title="Release the kill switch?",
            description="Messages may leave again, if the mode is live and sending is on.",
            confirm_label="Release",
            on_confirm=on_release,
            color_scheme="green",
            id_prefix="release-kill-switch",
        ),
        confirm_button(
            label="Throw kill switch",
            title="Throw the kill switch?",
            description=(
                "Nothing will be sent to anyone (no SMS, no mail drafts) until a founder releases it. "
                "Drafts and verdicts are still generated and logged."
            ),
            confirm_label="Throw kill switch",
            on_confirm=on_throw,
            color_scheme="red",
            id_prefix="throw-kill-switch",
        ),
    )


def switches_card(
    controls: Var,
    *,
    on_throw: EventType[()],
    on_release: EventType[()],
    on_sending: EventType[bool],
    on_shadow: EventType[()],
) -> rx.Component:
    """The switches in force (`controls` is a ControlsView var) with their controls."""
    return rx.card(
        rx.vstack(
            rx.heading("Switches", size="4"),
            rx.data_list.root(
                labelled(
                    "Mode",
                    rx.badge(
                        controls.mode,
                        color_scheme=rx.cond(controls.mode == "live", "orange", "blue"),
                        size="2",
                        id="mode-value",
                    ),
                    rx.button(
                        "Back to shadow",
                        variant="outline",
                        size="1",
                        disabled=controls.mode_row == "shadow",
                        on_click=on_shadow,
                        id="back-to-shadow",
                    ),
                ),
                labelled(
                    "Sending",
                    rx.switch(checked=controls.send_enabled, on_change=on_sending, id="send-switch"),
                    rx.text(
                        rx.cond(controls.send_in_effect, "on in effect", "off in effect"),
                        size="2",
                        color_scheme="gray",
                        id="send-value",
                    ),
                ),
                labelled(
                    "Kill switch",
                    rx.cond(
                        controls.kill_switch,
                        rx.badge("ON: nothing leaves", color_scheme="red", size="2", id="kill-switch-value"),
                        rx.badge("off", color_scheme="green", variant="soft", size="2", id="kill-switch-value"),
                    ),
                    _kill_switch_control(controls.kill_switch, on_throw, on_release),
                ),
                labelled(
                    "May send now",
                    rx.cond(
                        controls.may_send,
                        rx.badge("yes", color_scheme="orange", size="2"),
                        rx.badge("no", color_scheme="gray", variant="soft", size="2"),
                    ),
                ),
                size="2",
            ),
            rx.foreach(
                controls.ceilings,
                lambda note: rx.callout(note, icon="info", color_scheme="amber", size="1", width="100%"),
            ),
            rx.text("Last change: ", controls.updated, size="1", color_scheme="gray"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )
