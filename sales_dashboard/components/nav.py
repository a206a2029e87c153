"""The top bar: the product's name, the pages, who is signed in, and logout."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import Var

from core.config import get_settings
from sales_dashboard import routes

# Less frequent pages sit in one menu, so the bar stays readable.
MORE_PAGES = (
    ("Reps", routes.REPS),
    ("Costs", routes.COSTS),
    ("Shadow agreement", routes.AGREEMENT),
    ("Pipeline", routes.PIPELINE),
    ("Evals", routes.EVALS),
    ("Audit log", routes.AUDIT),
    ("Settings", routes.SETTINGS),
)


def _more_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button("More", rx.icon("chevron-down", size=14), variant="ghost", size="2", id="nav-more")),
        rx.menu.content(*[rx.menu.item(rx.link(label, href=href, width="100%"), id=f"nav-{href.strip('/')}")
                          for label, href in MORE_PAGES]),
    )  # fmt: skip


def navbar(*, founder_name: Var[str], on_logout: EventType[()]) -> rx.Component:
    """The bar across the top of every signed-in page."""
    return rx.hstack(
        rx.hstack(
            rx.heading("Sales Manager Agent", size="4"),
            rx.link("Overview", href=routes.OVERVIEW, size="3", weight="medium"),
            rx.link("Verdicts", href=routes.VERDICTS, size="3", weight="medium", id="nav-verdicts"),
            rx.link("Drafts", href=routes.DRAFTS, size="3", weight="medium", id="nav-drafts"),
            rx.link("Approvals", href=routes.APPROVALS, size="3", weight="medium", id="nav-approvals"),
            _more_menu(),
            # The rep phone simulator stands in for Twilio: offered only when SMS runs locally.
            *(
                []
                if get_settings().twilio_configured
                else [rx.link("Rep phones", href=routes.SIMULATOR, size="3", weight="medium", id="nav-simulator")]
            ),
            spacing="5",
            align="center",
        ),
        rx.hstack(
            rx.text(founder_name, size="2", color_scheme="gray", id="signed-in-as"),
            rx.button("Log out", variant="soft", color_scheme="gray", on_click=on_logout, id="logout"),
            spacing="3",
            align="center",
        ),
        justify="between",
        align="center",
        padding_x="1.5em",
        padding_y="0.75em",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
    )
