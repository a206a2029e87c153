"""The founders' dashboard: the Reflex app, its pages and API routes; the database is migrated at start."""

import reflex as rx

from sales_dashboard import routes
from sales_dashboard.api import create_api
from sales_dashboard.pages import (
    agreement,
    approvals,
    audit,
    costs,
    drafts,
    evals,
    login,
    overview,
    pipeline,
    reps,
    simulator,
    verdicts,
)
from sales_dashboard.pages import settings as settings_page
from sales_dashboard.startup import migrate_database
from sales_dashboard.state import AuthState, OverviewState
from sales_dashboard.state.agreement import AgreementState
from sales_dashboard.state.approvals import ApprovalsState
from sales_dashboard.state.audit import AuditState
from sales_dashboard.state.costs import CostsState
from sales_dashboard.state.drafts import DraftsState
from sales_dashboard.state.evals import EvalsState
from sales_dashboard.state.pipeline import PipelineState
from sales_dashboard.state.reps import RepsState
from sales_dashboard.state.settings import SettingsState
from sales_dashboard.state.simulator import SimulatorState
from sales_dashboard.state.verdicts import VerdictsState

app = rx.App(api_transformer=create_api())
app.register_lifespan_task(migrate_database)
app.add_page(login.login_page, route=routes.LOGIN, title=login.TITLE, on_load=AuthState.redirect_if_signed_in)
app.add_page(overview.overview_page, route=routes.OVERVIEW, title=overview.TITLE, on_load=OverviewState.load)
app.add_page(simulator.simulator_page, route=simulator.ROUTE, title=simulator.TITLE, on_load=SimulatorState.load)
app.add_page(verdicts.verdicts_page, route=routes.VERDICTS, title=verdicts.TITLE, on_load=VerdictsState.load)
app.add_page(drafts.drafts_page, route=routes.DRAFTS, title=drafts.TITLE, on_load=DraftsState.load)
app.add_page(approvals.approvals_page, route=routes.APPROVALS, title=approvals.TITLE, on_load=ApprovalsState.load)
app.add_page(reps.reps_page, route=routes.REPS, title=reps.TITLE, on_load=RepsState.load)
app.add_page(costs.costs_page, route=routes.COSTS, title=costs.TITLE, on_load=CostsState.load)
app.add_page(agreement.agreement_page, route=routes.AGREEMENT, title=agreement.TITLE, on_load=AgreementState.load)
app.add_page(pipeline.pipeline_page, route=routes.PIPELINE, title=pipeline.TITLE, on_load=PipelineState.load)
app.add_page(evals.evals_page, route=routes.EVALS, title=evals.TITLE, on_load=EvalsState.load)
app.add_page(audit.audit_page, route=routes.AUDIT, title=audit.TITLE, on_load=AuditState.load)
app.add_page(
    settings_page.settings_page, route=routes.SETTINGS, title=settings_page.TITLE, on_load=SettingsState.load
)
