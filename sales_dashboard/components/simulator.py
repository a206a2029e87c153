"""A simulated phone: the messages a rep received (and sent), and a box to reply as them."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var


def _bubble(message: Var) -> rx.Component:
    received = message.direction == "out"
    return rx.box(
        rx.text(message.body, size="2", white_space="pre-wrap"),
        rx.text(message.at, " · ", message.status, size="1", color_scheme="gray"),
        background=rx.cond(received, "var(--gray-a3)", "var(--accent-a4)"),
        align_self=rx.cond(received, "flex-start", "flex-end"),
        padding="0.5em 0.75em",
        border_radius="12px",
        max_width="85%",
        class_name="sms-bubble",
    )


def phone_card(phone: Var, *, on_reply: EventType[dict]) -> rx.Component:
    """One rep's phone: the thread, oldest first, then the reply box."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(phone.name, size="3"),
                rx.text(phone.phone, size="1", color_scheme="gray"),
                rx.cond(phone.opted_out, rx.badge("opted out", color_scheme="red")),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.vstack(
                rx.foreach(phone.messages, _bubble),
                rx.cond(phone.messages.length() == 0, rx.text("No messages yet.", size="2", color_scheme="gray")),
                spacing="2",
                width="100%",
                max_height="24em",
                overflow_y="auto",
            ),
            rx.form(
                rx.hstack(
                    rx.input(type="hidden", name="rep_id", value=phone.rep_id),
                    rx.text_area(name="body", placeholder="Reply as this rep (Y, N, or your edit)", rows="2",
                                 width="100%", max_length=1600, class_name="sms-reply"),
                    rx.button("Send", type="submit", class_name="sms-send"),
                    width="100%",
                    align="end",
                ),
                on_submit=on_reply,
                reset_on_submit=True,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        id=f"phone-{phone.rep_id}",
        width="100%",
    )
