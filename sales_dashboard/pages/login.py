"""`/login`: the only page open without a session. There is no registration page."""

from __future__ import annotations

import reflex as rx

from sales_dashboard.state.auth import AuthState

TITLE = "Log in · Sales Manager Agent"


def login_page() -> rx.Component:
    """Email and password, and one clear line when a login is refused."""
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Sales Manager Agent", size="6"),
                    rx.text("Founders' dashboard. Log in to continue.", size="2", color_scheme="gray"),
                    rx.text("Email", size="2", weight="medium"),
                    rx.input(
                        name="email",
                        type="email",
                        value=AuthState.email,
                        on_change=AuthState.set_email,
                        auto_complete="username",
                        width="100%",
                        id="login-email",
                    ),
                    rx.text("Password", size="2", weight="medium"),
                    rx.input(
                        name="password",
                        type="password",
                        value=AuthState.password,
                        on_change=AuthState.set_password,
                        auto_complete="current-password",
                        width="100%",
                        id="login-password",
                    ),
                    rx.cond(
                        AuthState.error != "",
                        rx.callout(AuthState.error, icon="triangle_alert", color_scheme="red", id="login-error"),
                    ),
                    rx.button("Log in", type="submit", width="100%", id="login-submit"),
                    rx.text(
                        "No account? A founder adds you with ", rx.code("salesagent founders add"), ".",
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=AuthState.login,
                reset_on_submit=False,
            ),
            width="24em",
            size="3",
        ),
        min_height="100vh",
    )
