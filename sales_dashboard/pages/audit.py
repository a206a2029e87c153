"""`/audit`: the audit log, newest first, filterable by action, actor and date, paginated."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.charts import empty_note
from sales_dashboard.components.tables import private_page, simple_table
from sales_dashboard.state.audit import AuditState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Audit log · Sales Manager Agent"


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="action", placeholder="action (prefix, e.g. controls.)", list="audit-actions",
                     default_value=AuditState.action, id="audit-action"),
            rx.el.datalist(rx.foreach(AuditState.result.actions, lambda a: rx.el.option(value=a)), id="audit-actions"),
            rx.input(name="actor", placeholder="actor (prefix, e.g. founder:)", list="audit-actors",
                     default_value=AuditState.actor, id="audit-actor"),
            rx.el.datalist(rx.foreach(AuditState.result.actors, lambda a: rx.el.option(value=a)), id="audit-actors"),
            rx.input(name="since", type="date", default_value=AuditState.since, id="audit-since"),
            rx.input(name="until", type="date", default_value=AuditState.until, id="audit-until"),
            rx.button("Filter", type="submit", id="audit-filter"),
            rx.button("Clear", type="button", variant="soft", color_scheme="gray", on_click=AuditState.clear_filters),
            spacing="2",
            wrap="wrap",
        ),
        on_submit=AuditState.apply_filters,
        reset_on_submit=False,
    )  # fmt: skip


def _content() -> rx.Component:
    result = AuditState.result
    return rx.vstack(
        rx.heading("Audit log", size="6"),
        _filters(),
        rx.cond(result.error != "", rx.text(result.error, color_scheme="red", size="2", id="audit-error")),
        rx.cond(
            result.rows.length() > 0,
            simple_table(["#", "When", "Actor", "Action", "Subject", "Details"], result.rows,
                         lambda r: [r.id, r.when, r.actor, r.action, r.subject,
                                    rx.code(r.details, size="1", white_space="pre-wrap", word_break="break-all")],
                         id="audit-table"),
            empty_note("No audit events match.", id="audit-empty"),
        ),  # fmt: skip
        rx.hstack(
            rx.button("Newer", variant="soft", on_click=AuditState.previous_page, disabled=AuditState.page == 0,
                      id="audit-newer"),
            rx.text("Page ", AuditState.page + 1, " of ", AuditState.pages, " (", result.total, " events)", size="2",
                    id="audit-pages"),
            rx.button("Older", variant="soft", on_click=AuditState.next_page,
                      disabled=AuditState.page + 1 >= AuditState.pages, id="audit-older"),
            align="center",
            spacing="3",
        ),  # fmt: skip
        spacing="4",
        width="100%",
        id="audit-page",
    )


def audit_page() -> rx.Component:
    """The audit log inside the signed-in frame."""
    return signed_in_layout(private_page(AuditState.authorized, _content()))
