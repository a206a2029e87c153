"""The Starlette app holding the dashboard's API routes; Reflex mounts its own backend underneath it."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from core.config import Settings, get_settings
from sales_dashboard.api.health import health_endpoint
from sales_dashboard.api.ingest import activity_endpoint
from sales_dashboard.api.twilio import twilio_routes


def create_api(settings: Settings | None = None) -> Starlette:
    """A fresh API app (Reflex mounts into the instance it is given, so never share one)."""
    settings = settings or get_settings()
    return Starlette(
        routes=[
            Route("/api/health", health_endpoint(settings), methods=["GET"]),
            Route("/api/activity", activity_endpoint(settings), methods=["POST"]),
            *twilio_routes(settings),
        ]
    )
