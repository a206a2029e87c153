"""`/settings`: reps and the phone allowlist (add, deactivate), the ICP and the caps (read only)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from sales_dashboard.components.charts import empty_note
from sales_dashboard.components.tables import private_page
from sales_dashboard.state.settings import SettingsState
from sales_dashboard.templates.layout import signed_in_layout

TITLE = "Settings · Sales Manager Agent"


def _rep_row(rep: Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rep.name),
        rx.table.cell(rep.email),
        rx.table.cell(rx.code(rep.phone)),
        rx.table.cell(
            rx.cond(rep.active, rx.badge("active", color_scheme="green"), rx.badge("inactive", color_scheme="gray")),
            rx.cond(rep.opted_out, rx.badge("opted out", color_scheme="orange")),
        ),
        rx.table.cell(
            rx.cond(
                rep.active,
                rx.button("Deactivate", size="1", variant="soft", color_scheme="red",
                          on_click=SettingsState.set_active(rep.id, False)),
                rx.button("Activate", size="1", variant="soft", on_click=SettingsState.set_active(rep.id, True)),
            )  # fmt: skip
        ),
        id="rep-row-" + rep.phone.to(str),
    )


def _add_rep_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="name", placeholder="Name", id="add-rep-name"),
            rx.input(name="email", placeholder="email@company.com", id="add-rep-email"),
            rx.input(name="phone", placeholder="+12125551234", id="add-rep-phone"),
            rx.button("Add rep", type="submit", id="add-rep-submit"),
            spacing="2",
            wrap="wrap",
        ),
        on_submit=SettingsState.add_rep,
        reset_on_submit=False,
        id="add-rep-form",
    )


def _lines(lines: Var, *, id: str) -> rx.Component:
    return rx.data_list.root(
        rx.foreach(lines, lambda line: rx.data_list.item(rx.data_list.label(line.name),
                                                         rx.data_list.value(line.text))),
        id=id,
    )  # fmt: skip


def _content() -> rx.Component:
    view = SettingsState.view
    return rx.vstack(
        rx.heading("Settings", size="6"),
        rx.cond(
            SettingsState.notice != "",
            rx.callout(SettingsState.notice, icon="check", size="1", id="settings-notice"),
        ),
        rx.card(
            rx.vstack(
                rx.heading("Reps and the phone allowlist", size="4"),
                rx.text("Only an active rep's or a founder's number can change anything by SMS. Numbers are kept in "
                        "E.164.", size="2", color_scheme="gray"),
                _add_rep_form(),
                rx.cond(SettingsState.rep_error != "",
                        rx.text(SettingsState.rep_error, color_scheme="red", size="2", id="add-rep-error")),
                rx.cond(
                    view.reps.length() > 0,
                    rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                       ("Name", "Email", "Phone", "Status", "")])),
                        rx.table.body(rx.foreach(view.reps, _rep_row)),
                        width="100%", size="1", id="reps-allowlist",
                    ),
                    empty_note("No reps yet.", id="settings-no-reps"),
                ),
                rx.text("Founders' phones", weight="medium", size="2"),
                rx.cond(view.founder_phones.length() > 0, _lines(view.founder_phones, id="founder-phones"),
                        rx.text("No founder has a phone on file.", size="2", color_scheme="gray")),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),  # fmt: skip
        rx.grid(
            rx.card(rx.vstack(rx.heading("Ideal customer profile", size="4"),
                              rx.cond(view.icp_error != "", rx.text(view.icp_error, color_scheme="red", size="2")),
                              _lines(view.icp, id="icp"))),
            rx.card(rx.vstack(rx.heading("Caps", size="4"),
                              rx.text("Set in the environment; shown read only.", size="1", color_scheme="gray"),
                              _lines(view.caps, id="caps"))),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),  # fmt: skip
        spacing="4",
        width="100%",
        id="settings-page",
    )


def settings_page() -> rx.Component:
    """The settings page inside the signed-in frame."""
    return signed_in_layout(private_page(SettingsState.authorized, _content()))
