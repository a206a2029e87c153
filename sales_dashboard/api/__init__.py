"""The dashboard's HTTP routes beside the Reflex app (mounted with `api_transformer`)."""

from sales_dashboard.api.app import create_api

__all__ = ["create_api"]
