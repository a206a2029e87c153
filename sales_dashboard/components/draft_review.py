"""One drafted sequence for review: three touches, research with sources, slop report, and the three calls."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var


def _touch(touch: Var) -> rx.Component:
    return rx.box(
        rx.text("Touch ", touch.step, ": ", rx.text.strong(touch.subject), size="2"),
        rx.text(touch.body, size="2", white_space="pre-wrap"),
        rx.cond(
            touch.call_script != "",
            rx.text("Call script: ", touch.call_script, size="2", color_scheme="gray", white_space="pre-wrap"),
        ),
        padding_y="0.4em",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
    )


def draft_card(
    draft: Var,
    *,
    editing: Var[int],
    edit_text: Var[str],
    on_send: EventType[int],
    on_skip: EventType[int],
    on_start_edit: EventType[int],
    on_edit_text: EventType[str],
    on_edit: EventType[()],
) -> rx.Component:
    """A draft with its evidence and the founder's choices."""
    sid = draft.sequence_id.to_string()
    return rx.card(
        rx.hstack(
            rx.heading(draft.company, size="4"),
            rx.badge(draft.state),
            rx.text("for ", draft.rep, " · ", draft.created, size="1", color_scheme="gray"),
            spacing="3",
            align="center",
        ),
        rx.foreach(draft.touches, _touch),
        rx.text("Research", weight="medium", margin_top="0.5em"),
        rx.cond(
            draft.facts.length() > 0,
            rx.vstack(
                rx.foreach(
                    draft.facts,
                    lambda fact: rx.text(
                        fact.text, " (", rx.link("source", href=fact.source_url, is_external=True), ")", size="2"
                    ),
                ),
                spacing="1",
            ),
            rx.text("No research facts stored.", size="2", color_scheme="gray"),
        ),
        rx.text("Slop report", weight="medium", margin_top="0.5em"),
        rx.vstack(rx.foreach(draft.slop, lambda line: rx.text(line, size="1")), spacing="0"),
        rx.hstack(
            rx.button("Send as is", color_scheme="green", on_click=on_send(draft.sequence_id), id="send-" + sid),
            rx.button("Would edit", variant="soft", on_click=on_start_edit(draft.sequence_id), id="edit-" + sid),
            rx.button("Would skip", color_scheme="red", variant="soft", on_click=on_skip(draft.sequence_id),
                      id="skip-" + sid),
            spacing="3",
            margin_top="0.75em",
        ),
        rx.cond(
            editing == draft.sequence_id,
            rx.vstack(
                rx.text_area(value=edit_text, on_change=on_edit_text, placeholder="The touch as you would send it",
                             id="edit-text-" + sid, width="100%", rows="6"),
                rx.button("Record edit", on_click=on_edit, id="record-edit-" + sid),
                width="100%",
                margin_top="0.5em",
            ),
        ),
        id="draft-" + sid,
        width="100%",
    )  # fmt: skip
