"""`/reps`: per rep, 8 weeks of emails (against the floor), reply rate and meetings; quota and deliverability."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.charts import chart, empty_note
from sales_dashboard.state.reps import RepsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Reps · Sales Manager Agent"

_SPAM_COLORS = {"ok": "green", "warn": "orange", "critical": "red", "none": "gray"}


def _row(rep: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rep.name, on_click=RepsState.select_rep(rep.id), cursor="pointer")),
        rx.table.cell(rx.cond(rep.active, "active", "inactive")),
        rx.table.cell(rep.quota),
        rx.table.cell(
            rx.match(
                rep.spam_level,
                *[(level, rx.badge(rep.spam, color_scheme=color, variant="soft"))
                  for level, color in _SPAM_COLORS.items()],
                rx.text(rep.spam),
            )
        ),
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Reps", size="6"),
        rx.cond(
            RepsState.reps.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell("Rep"),
                        rx.table.column_header_cell("Status"),
                        rx.table.column_header_cell("This week's quota"),
                        rx.table.column_header_cell("Spam rate (warn 0.10%, critical 0.30%)"),
                    )),  # fmt: skip
                    rx.table.body(rx.foreach(RepsState.reps, _row)),
                    width="100%",
                    id="reps-table",
                ),
                rx.hstack(
                    rx.text("Charts for", size="2"),
                    rx.select.root(
                        rx.select.trigger(id="rep-select"),
                        rx.select.content(
                            rx.foreach(RepsState.reps, lambda rep: rx.select.item(rep.name, value=rep.id))
                        ),
                        value=RepsState.selected,
                        on_change=RepsState.select_rep,
                    ),
                    align="center",
                ),
                rx.grid(
                    chart(RepsState.emails_chart, id="chart-emails"),
                    chart(RepsState.reply_chart, id="chart-reply-rate"),
                    chart(RepsState.meetings_chart, id="chart-meetings"),
                    columns=rx.breakpoints(initial="1", lg="3"),
                    spacing="3",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            empty_note("No reps yet: add them on the settings page.", id="reps-empty"),
        ),
        spacing="4",
        width="100%",
    )


def reps_page() -> rx.Component:
    """Nothing private renders until the server has checked the session and loaded the data."""
    return signed_in_layout(
        rx.cond(RepsState.authorized, _content(), rx.center(rx.spinner(size="3"), padding="4em"))
    )
