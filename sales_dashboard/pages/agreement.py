"""`/agreement`: shadow agreement for verdicts and drafts, daily and trailing 14 days, against 90%."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from sales_dashboard.components.charts import chart, empty_note
from sales_dashboard.components.tables import private_page
from sales_dashboard.state.agreement import AgreementState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Shadow agreement · Sales Manager Agent"


def _panel(summary: Var, figure: Var, *, name: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(name, size="4"), rx.badge(summary.figure, size="2", id=f"agreement-{name.lower()}"),
                      spacing="3", align="center"),  # fmt: skip
            rx.cond(
                summary.has_data,
                chart(figure, id=f"chart-agreement-{name.lower()}"),
                empty_note(f"No founder reviews of {name.lower()} yet: review some in shadow mode.",
                           id=f"agreement-{name.lower()}-empty"),  # fmt: skip
            ),
            width="100%",
        ),
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Shadow agreement", size="6"),
        rx.text("How often founders agree with the agent's call, reviewed blind. Going live needs above 90%.",
                size="2", color_scheme="gray"),  # fmt: skip
        _panel(AgreementState.verdicts, AgreementState.verdict_chart, name="Verdicts"),
        _panel(AgreementState.drafts, AgreementState.draft_chart, name="Drafts"),
        spacing="4",
        width="100%",
        id="agreement-page",
    )


def agreement_page() -> rx.Component:
    """The agreement page inside the signed-in frame."""
    return signed_in_layout(private_page(AgreementState.authorized, _content()))
