"""The approval queue: PIP/terminate recommendations with their evidence, and reps' drafts in flight."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var

from sales_dashboard.components.confirm import confirm_button


def action_card(action: Var, *, selected: Var[int], on_select: EventType[int]) -> rx.Component:
    """One recommendation with its verdict, rationale and evidence."""
    aid = action.approval_id.to_string()
    return rx.card(
        rx.hstack(
            rx.badge(action.action, color_scheme="red"),
            rx.heading(action.rep, size="4"),
            rx.text("week of ", action.week, " · verdict ", action.verdict, " · policy band ", action.policy_band,
                    size="2", color_scheme="gray"),
            spacing="3",
            align="center",
        ),
        rx.text(action.rationale, size="2", margin_top="0.5em"),
        rx.text("Evidence", weight="medium", margin_top="0.5em"),
        rx.vstack(rx.foreach(action.evidence, lambda line: rx.text(line, size="1")), spacing="0"),
        rx.cond(
            action.review_reasons.length() > 0,
            rx.vstack(
                rx.foreach(
                    action.review_reasons, lambda line: rx.text("Review: ", line, size="1", color_scheme="amber")
                ),
                spacing="0",
            ),
        ),
        rx.hstack(
            rx.text("Decide by ", action.expires, size="1", color_scheme="gray"),
            rx.button(
                rx.cond(selected == action.approval_id, "Selected", "Decide"),
                size="1", variant="soft", on_click=on_select(action.approval_id), id="select-approval-" + aid,
            ),
            justify="between",
            width="100%",
            margin_top="0.5em",
        ),
        id="approval-" + aid,
        width="100%",
    )  # fmt: skip


def decision_panel(
    *,
    reason: Var[str],
    problem: Var[str],
    on_reason: EventType[str],
    on_approve: EventType[()],
    on_reject: EventType[()],
) -> rx.Component:
    """The reason (required) and the two confirmed buttons for the selected recommendation."""
    return rx.card(
        rx.heading("Your decision", size="4"),
        rx.text_area(value=reason, on_change=on_reason, placeholder="Your reason (required)", id="decision-reason",
                     width="100%"),
        rx.cond(problem != "", rx.callout(problem, icon="triangle_alert", color_scheme="red", size="1",
                                          id="decision-problem")),
        rx.hstack(
            confirm_button(
                label="Approve", title="Approve this action?",
                description="The message goes to the rep only if the system is live with sending on; it is audited.",
                confirm_label="Approve", on_confirm=on_approve, color_scheme="red", id_prefix="approve-action",
            ),
            confirm_button(
                label="Reject", title="Reject this action?", description="Nothing will be sent for it; audited.",
                confirm_label="Reject", on_confirm=on_reject, color_scheme="gray", id_prefix="reject-action",
            ),
            spacing="3",
            margin_top="0.5em",
        ),
        id="decision-panel",
        width="100%",
    )  # fmt: skip


def in_flight_table(rows: Var) -> rx.Component:
    """Reps' draft approvals still open, with the time left (read only)."""
    return rx.card(
        rx.heading("Rep approvals in flight", size="4"),
        rx.cond(
            rows.length() > 0,  # type: ignore[attr-defined]
            rx.table.root(
                rx.table.header(
                    rx.table.row(*(rx.table.column_header_cell(h) for h in ("Rep", "Sequence", "Expires", "Time left")))
                ),
                rx.table.body(
                    rx.foreach(
                        rows,
                        lambda r: rx.table.row(rx.table.cell(r.rep), rx.table.cell(r.sequence_id),
                                               rx.table.cell(r.expires), rx.table.cell(r.time_left)),
                    )
                ),
                size="1",
            ),
            rx.text("No rep approvals in flight.", size="2", color_scheme="gray"),
        ),
        id="in-flight",
        width="100%",
    )  # fmt: skip
