"""The founders' dashboard: the Reflex app, its pages and API routes; the database is migrated at start."""

import reflex as rx

from sales_dashboard import routes
from sales_dashboard.api import create_api
from sales_dashboard.pages import login, overview, simulator
from sales_dashboard.startup import migrate_database
from sales_dashboard.state import AuthState, OverviewState
from sales_dashboard.state.simulator import SimulatorState

app = rx.App(api_transformer=create_api())
app.register_lifespan_task(migrate_database)
app.add_page(login.login_page, route=routes.LOGIN, title=login.TITLE, on_load=AuthState.redirect_if_signed_in)
app.add_page(overview.overview_page, route=routes.OVERVIEW, title=overview.TITLE, on_load=OverviewState.load)
app.add_page(simulator.simulator_page, route=simulator.ROUTE, title=simulator.TITLE, on_load=SimulatorState.load)
