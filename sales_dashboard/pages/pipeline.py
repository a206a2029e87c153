"""`/pipeline`: new leads against the floor, leads by status, the latest discovery runs."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.charts import empty_note
from sales_dashboard.components.tables import private_page, simple_table
from sales_dashboard.state.pipeline import PipelineState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Pipeline · Sales Manager Agent"


def _content() -> rx.Component:
    view = PipelineState.view
    return rx.vstack(
        rx.heading("Pipeline", size="6"),
        rx.hstack(
            rx.badge(view.new_leads, " new unassigned leads (floor ", view.floor, ")", size="2",
                     color_scheme=rx.cond(view.below_floor, "orange", "green"), id="pipeline-new-leads"),
            rx.badge(view.empty_streak, " empty discovery runs in a row", size="2",
                     color_scheme=rx.cond(view.streak_alarming, "red", "gray"), id="pipeline-empty-streak"),
            spacing="3",
        ),  # fmt: skip
        rx.heading("Leads by status", size="4"),
        rx.cond(
            view.by_status.length() > 0,
            simple_table(["Status", "Leads"], view.by_status, lambda r: [r.status, r.count], id="pipeline-status"),
            empty_note("No leads yet.", id="pipeline-no-leads"),
        ),
        rx.heading("Latest discovery runs", size="4"),
        rx.cond(
            view.runs.length() > 0,
            simple_table(
                ["Started", "Source", "Status", "Requested", "Found", "Added", "Duplicates"], view.runs,
                lambda r: [r.when, r.source, r.status, r.requested, r.found, r.added, r.duplicates],
                id="pipeline-runs",
            ),
            empty_note("No discovery run yet: lead gen runs at 09:00 company time on workdays.", id="pipeline-no-runs"),
        ),  # fmt: skip
        spacing="4",
        width="100%",
        id="pipeline-page",
    )


def pipeline_page() -> rx.Component:
    """The pipeline page inside the signed-in frame."""
    return signed_in_layout(private_page(PipelineState.authorized, _content()))
