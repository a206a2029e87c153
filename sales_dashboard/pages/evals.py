"""`/evals`: eval runs with their pass rate per suite (the go-live gate needs a passing run of the current agent)."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.charts import empty_note
from sales_dashboard.components.tables import private_page, simple_table
from sales_dashboard.state.evals import EvalsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Evals · Sales Manager Agent"


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Evals", size="6"),
        rx.cond(
            EvalsState.runs.length() > 0,
            simple_table(
                ["When", "Result", "Pass rate", "Per suite", "Model", "Prompt version", "Provider"],
                EvalsState.runs,
                lambda r: [r.when,
                           rx.cond(r.passed, rx.badge("pass", color_scheme="green"),
                                   rx.badge("fail", color_scheme="red")),
                           r.pass_rate, r.suites, r.model, r.prompt_version, r.provider],
                id="evals-table",
            ),  # fmt: skip
            empty_note("No eval runs yet: run `salesagent evals run`.", id="evals-empty"),
        ),
        spacing="4",
        width="100%",
        id="evals-page",
    )


def evals_page() -> rx.Component:
    """The evals page inside the signed-in frame."""
    return signed_in_layout(private_page(EvalsState.authorized, _content()))
