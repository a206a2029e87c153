"""The frame of every signed-in page: the top bar with logout, then the page's content."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.components.nav import navbar
from sales_dashboard.state.auth import AuthState


def signed_in_layout(content: rx.Component) -> rx.Component:
    """`content` under the navigation bar."""
    return rx.box(
        navbar(founder_name=AuthState.founder_name, on_logout=AuthState.logout),
        rx.container(content, size="4", padding_y="1.5em"),
        min_height="100vh",
    )
