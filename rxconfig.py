"""Reflex configuration of the founders' dashboard: its ports come from core.config's Settings.

No `db_url` on purpose: the dashboard reaches the database only through core.db (one engine, one migration
command). Given a db_url, Reflex compares the schema through its own Alembic flow at every compile (telling
you to run `reflex db migrate` on a fresh database) and `reflex db` would migrate with Reflex's Alembic
setup, which ignores alembic/env.py. Without it, `reflex db ...` refuses to run.
"""

import reflex as rx

from core.config import get_settings
from sales_dashboard.launch import BUN_PATH

_settings = get_settings()

config = rx.Config(
    app_name="sales_dashboard",
    frontend_port=_settings.dashboard_port,
    backend_port=_settings.backend_port,
    telemetry_enabled=False,
    # The project-local bun from scripts/install_bun.sh (Reflex cannot download its own here).
    **({"bun_path": BUN_PATH} if BUN_PATH.exists() else {}),
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    # An internal tool behind a login: no sitemap.
    disable_plugins=[rx.plugins.SitemapPlugin],
)
