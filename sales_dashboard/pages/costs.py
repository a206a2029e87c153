"""`/costs`: daily LLM spend against the cap, cost per draft against its cap, per rep and per model."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.charts import chart, empty_note
from sales_dashboard.components.tables import private_page, simple_table
from sales_dashboard.state.costs import CostsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Costs · Sales Manager Agent"
_HEADERS = ["USD", "LLM calls", "drafts"]


def _content() -> rx.Component:
    view = CostsState.view
    return rx.vstack(
        rx.heading("Costs", size="6"),
        rx.hstack(
            rx.badge(view.today, size="2", id="costs-today"),
            rx.text(view.total, " (", view.window, ")", size="2", color_scheme="gray"),
            spacing="3",
            align="center",
        ),
        rx.cond(
            view.has_data,
            rx.vstack(
                rx.grid(
                    chart(CostsState.spend_chart, id="chart-spend"),
                    chart(CostsState.draft_chart, id="chart-per-draft"),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.grid(
                    rx.vstack(rx.heading("Per rep", size="4"),
                              simple_table(["Rep", *_HEADERS], view.by_rep,
                                           lambda r: [r.key, r.usd, r.calls, r.drafts], id="costs-by-rep")),
                    rx.vstack(rx.heading("Per model", size="4"),
                              simple_table(["Model", *_HEADERS], view.by_model,
                                           lambda r: [r.key, r.usd, r.calls, r.drafts], id="costs-by-model")),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),  # fmt: skip
                spacing="4",
                width="100%",
            ),
            empty_note("No LLM spend recorded in the last 30 days.", id="costs-empty"),
        ),
        spacing="4",
        width="100%",
        id="costs-page",
    )


def costs_page() -> rx.Component:
    """The costs page inside the signed-in frame."""
    return signed_in_layout(private_page(CostsState.authorized, _content()))
