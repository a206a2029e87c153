"""Fixtures for the integrations' tests: a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .local_http import LocalServer, serving


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """A threaded HTTP server on 127.0.0.1 serving the routes of local_http.ROUTES."""
    with serving() as server:
        yield server
