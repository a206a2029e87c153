"""Small status markers."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var


def status_badge(ok: Var[bool], good: str, bad: str, **props: object) -> rx.Component:
    """A green badge saying `good` when `ok`, else a red one saying `bad`."""
    return rx.cond(
        ok,
        rx.badge(good, color_scheme="green", variant="soft", size="2", **props),
        rx.badge(bad, color_scheme="red", variant="soft", size="2", **props),
    )


def labelled(label: str, *children: rx.Component) -> rx.Component:
    """One row of a data list: a label and its value."""
    return rx.data_list.item(
        rx.data_list.label(label, min_width="9em"),
        rx.data_list.value(rx.hstack(*children, spacing="2", align="center")),
    )
