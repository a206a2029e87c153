"""Who is logged in: the session token lives in the browser and is checked on the server every time."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from core import config
from core.clock import SystemClock
from core.errors import AuthenticationError
from sales_dashboard import access, routes

log = logging.getLogger(__name__)

SESSION_ENDED = "Your session has ended (expired or logged out). Log in again."


class AuthState(rx.State):
    """The login form and the session; page states derive from it, so every handler can check the session."""

    # The random session token from core.founders.login; only its hash is stored in the database.
    token: str = rx.LocalStorage("", name="sales_dashboard_session", sync=True)
    email: str = ""
    password: str = ""
    error: str = ""
    founder_name: str = ""

    @rx.event
    def set_email(self, value: str) -> None:
        """Keep the email field's text."""
        self.email = value

    @rx.event
    def set_password(self, value: str) -> None:
        """Keep the password field's text (cleared after every attempt)."""
        self.password = value

    @rx.event
    async def login(self, form_data: dict[str, Any]) -> Any:
        """Check the submitted email and password; open a session or show one clear line why not."""
        email = str(form_data.get("email", self.email)).strip()
        password = str(form_data.get("password", self.password))
        self.email, self.password = email, ""
        if not email or not password:
            self.error = "Enter your email and password."
            return None
        try:
            # Argon2 and the database are slow enough to keep off the event loop.
            new = await asyncio.to_thread(
                access.sign_in, email=email, password=password, now=SystemClock().now(), settings=config.settings
            )
        except AuthenticationError as exc:
            message = str(exc)
            self.error = message[:1].upper() + message[1:] + "."
            return None
        self.token, self.founder_name, self.error = new.token, new.founder.name, ""
        log.info("founder %s logged in", new.founder.founder_id)
        return rx.redirect(routes.OVERVIEW)

    @rx.event
    async def logout(self) -> Any:
        """Revoke the session on the server, forget it in the browser, and drop every page's private data."""
        access.sign_out(token=self.token, now=SystemClock().now())
        for page_state in type(self).get_substates():
            (await self.get_state(page_state)).reset()
        return self._end_session("")

    @rx.event
    def redirect_if_signed_in(self) -> Any:
        """On the login page: a founder with a valid session goes straight to the overview."""
        if self._signed_in() is not None:
            return rx.redirect(routes.OVERVIEW)
        return None

    def _signed_in(self) -> access.SignedIn | None:
        """The founder behind this browser's token, checked in the database now (None if none or no longer)."""
        founder = access.signed_in(token=self.token, now=SystemClock().now())
        self.founder_name = founder.name if founder else ""
        return founder

    def _end_session(self, message: str = SESSION_ENDED) -> Any:
        """Forget the session and this state's private data, and send the browser to the login page."""
        had_token = bool(self.token)
        self.reset()  # this state's own fields and its loaded substates
        # Fields declared on AuthState are not reset from a page state: clear them explicitly.
        self.token, self.founder_name, self.password = "", "", ""
        self.error = message if had_token else ""
        return rx.redirect(routes.LOGIN)
