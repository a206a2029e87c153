"""Reflex state: one class per concern; every private read or change checks the session on the server."""

from sales_dashboard.state.auth import AuthState
from sales_dashboard.state.overview import OverviewState

__all__ = ["AuthState", "OverviewState"]
