"""A button that asks before it acts."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType


def confirm_button(
    *,
    label: str,
    title: str,
    description: str,
    confirm_label: str,
    on_confirm: EventType[()],
    color_scheme: str,
    id_prefix: str,
) -> rx.Component:
    """A button opening a dialog; `on_confirm` runs only if the founder confirms."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(label, color_scheme=color_scheme, id=id_prefix)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", id=f"{id_prefix}-cancel")
                ),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme=color_scheme, on_click=on_confirm, id=f"{id_prefix}-confirm")
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
            max_width="28em",
        ),
    )
