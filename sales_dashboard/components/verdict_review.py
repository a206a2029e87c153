"""The blind verdict review: the data and the founder's five choices, then the agent's call side by side."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var

LEVEL_LABELS = {
    "EXCEEDS": "Exceeds",
    "MEETS": "Meets",
    "BELOW_FLOOR": "Below floor",
    "BELOW_FLOOR_PIP": "Below floor: PIP",
    "CRITICAL": "Critical",
}


def verdict_queue(rows: Var, on_open: EventType[int]) -> rx.Component:
    """The verdicts waiting for this founder (rep and week only)."""
    return rx.card(
        rx.heading("Waiting for your review", size="4"),
        rx.cond(
            rows.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.foreach(
                    rows,
                    lambda row: rx.hstack(
                        rx.text(row.rep, weight="medium"),
                        rx.text("week of ", row.week, color_scheme="gray"),
                        rx.button(
                            "Review", size="1", variant="soft", on_click=on_open(row.verdict_id),
                            id="open-verdict-" + row.verdict_id.to_string(),
                        ),
                        spacing="3",
                        align="center",
                    ),
                ),
                spacing="2",
            ),
            rx.text("Nothing to review.", color_scheme="gray", id="verdict-queue-empty"),
        ),
        id="verdict-queue",
        width="100%",
    )  # fmt: skip


def blind_panel(blind: Var, on_call: EventType[str]) -> rx.Component:
    """The rep's eight weeks and deliverability, and the five levels to choose from."""
    return rx.card(
        rx.heading(blind.rep, " · week of ", blind.week, size="4", id="blind-title"),
        rx.table.root(
            rx.table.header(
                rx.table.row(*(rx.table.column_header_cell(h) for h in ("Week", "Emails", "Replies", "Reply rate",
                                                                         "Meetings", "Calls")))
            ),
            rx.table.body(
                rx.foreach(
                    blind.metrics,
                    lambda m: rx.table.row(
                        rx.table.cell(m.week), rx.table.cell(m.emails), rx.table.cell(m.replies),
                        rx.table.cell(m.reply_rate), rx.table.cell(m.meetings), rx.table.cell(m.calls),
                    ),
                )
            ),
            size="1",
            id="blind-metrics",
        ),
        rx.text("Deliverability", weight="medium", margin_top="0.75em"),
        rx.cond(
            blind.deliverability.length() > 0,
            rx.vstack(rx.foreach(blind.deliverability, lambda line: rx.text(line, size="1")), spacing="0"),
            rx.text("No deliverability data for these weeks.", size="1", color_scheme="gray"),
        ),
        rx.text("Your verdict for this week:", weight="medium", margin_top="0.75em"),
        rx.hstack(
            *(rx.button(label, variant="outline", on_click=on_call(level), id=f"call-{level}")
              for level, label in LEVEL_LABELS.items()),
            spacing="2",
            wrap="wrap",
        ),
        width="100%",
    )  # fmt: skip


def reveal_panel(
    reveal: Var,
    *,
    note: Var[str],
    on_note: EventType[str],
    on_mark: EventType[bool],
    on_evidence: EventType[int],
    evidence_label: Var[str],
    evidence_fields: Var,
) -> rx.Component:
    """Both calls side by side, the agent's rationale and evidence, and agree/disagree with a note."""
    return rx.card(
        rx.grid(
            rx.vstack(
                rx.text("Your call", color_scheme="gray", size="1"),
                rx.heading(reveal.founder_call, size="5", id="founder-call"),
            ),
            rx.vstack(
                rx.text("The agent's call", color_scheme="gray", size="1"),
                rx.heading(reveal.agent_call, size="5", id="agent-call"),
                rx.text("policy band ", reveal.policy_band, " · action ", reveal.action, size="1"),
            ),
            columns="2",
            width="100%",
        ),
        rx.text("Rationale", weight="medium", margin_top="0.75em"),
        rx.text(reveal.rationale, id="agent-rationale", size="2"),
        rx.text("Evidence", weight="medium", margin_top="0.75em"),
        rx.vstack(
            rx.foreach(
                reveal.evidence,
                lambda row, i: rx.link(row.label, on_click=on_evidence(i), id="evidence-" + i.to_string(),
                                       cursor="pointer", size="2"),
            ),
            spacing="1",
            id="evidence-list",
        ),
        rx.cond(
            evidence_label != "",
            rx.card(
                rx.text(evidence_label, weight="medium"),
                rx.foreach(evidence_fields, lambda line: rx.text(line, size="1", font_family="monospace")),
                id="evidence-detail",
                variant="surface",
                margin_top="0.5em",
            ),
        ),
        rx.text(
            "Currently marked: ", rx.cond(reveal.agrees, "agree", "disagree"), size="2", margin_top="0.75em",
            id="agrees-value",
        ),
        rx.text_area(value=note, on_change=on_note, placeholder="A note (why you agree or not)", id="review-note"),
        rx.hstack(
            rx.button("Agree", color_scheme="green", on_click=on_mark(True), id="mark-agree"),
            rx.button("Disagree", color_scheme="red", on_click=on_mark(False), id="mark-disagree"),
            spacing="3",
            margin_top="0.5em",
        ),
        id="reveal-panel",
        width="100%",
    )  # fmt: skip
