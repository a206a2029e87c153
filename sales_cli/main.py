"""`salesagent`: one command to start, migrate, seed and inspect the system."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import ValidationError

from core.clock import SystemClock
from core.config import Settings, get_settings
from core.errors import SalesAgentError
from sales_cli.evals import evals_app
from sales_cli.golive import golive_app
from sales_cli.ingest import ingest_app

app = typer.Typer(help="The sales manager agent: start it, migrate it, seed it, look at it.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
founders_app = typer.Typer(help="Founders' dashboard accounts (there is no open registration).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(founders_app, name="founders")
app.add_typer(ingest_app, name="ingest")
app.add_typer(evals_app, name="evals")
app.add_typer(golive_app, name="golive")

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Show a configuration or safety error as one line saying what to fix, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SalesAgentError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]).upper()
                typer.secho(f"error: setting {field}: {error['msg']}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail.")) -> None:
    """Configure logging for every subcommand."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        # Alembic narrates every plugin and step at INFO; `db upgrade` prints the revision it reached (-v shows all).
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def _settings() -> Settings:
    return get_settings()


@db_app.command("upgrade")
@friendly_errors
def db_upgrade(revision: str = typer.Argument("head", help="The Alembic revision to migrate to.")) -> None:
    """Migrate the database to the latest schema (the one migration command every process uses)."""
    from core.db import current_revision, get_engine, upgrade_database

    settings = _settings()
    upgrade_database(settings, revision)
    typer.echo(f"database at revision {current_revision(get_engine(settings))}")


@app.command("seed-demo")
@friendly_errors
def seed_demo_command() -> None:
    """Load the deterministic demo data (reps, 8 weeks of activity, leads, a founder) into an empty database."""
    from core.db import session_scope, upgrade_database
    from core.demo.seed import DEMO_FOUNDER_EMAIL, DEMO_FOUNDER_PASSWORD, database_is_empty, seed_demo

    settings = _settings()
    upgrade_database(settings)
    with session_scope() as session:
        if not database_is_empty(session=session):
            typer.echo("the database already has data; demo data is only loaded into an empty database")
            raise typer.Exit(1)
        summary = seed_demo(session=session, now=SystemClock().now(), settings=settings)
    typer.echo(f"seeded {summary}")
    typer.echo(f"demo login: {DEMO_FOUNDER_EMAIL} / {DEMO_FOUNDER_PASSWORD}")


@founders_app.command("add")
@friendly_errors
def founders_add(
    email: str = typer.Option(..., help="Login email."),
    name: str = typer.Option(..., help="Display name."),
    phone: str | None = typer.Option(None, help="Mobile number (any format; stored as E.164) for SMS approvals."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Add a founder; the password is prompted for and stored only as an Argon2id hash."""
    from core.db import session_scope, upgrade_database
    from core.founders import create_founder

    upgrade_database(_settings())
    try:
        with session_scope() as session:
            founder = create_founder(session=session, name=name, email=email, password=password, phone=phone)
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(f"founder {founder.email} added (id {founder.id})")


@app.command()
@friendly_errors
def worker(
    burst: bool = typer.Option(False, help="Run the queued jobs, then exit."),
    name: str | None = typer.Option(None, help="Worker name (default: host and pid)."),
) -> None:
    """Run an RQ worker on the outbound, default and agent queues."""
    from rq import Worker

    from core.db import upgrade_database
    from core.redis_conn import ensure_redis, get_redis
    from workers.queues import WORKER_QUEUES, get_queue

    settings = _settings()
    upgrade_database(settings)
    started = ensure_redis(settings)
    try:
        connection = get_redis(settings)
        queues = [get_queue(name_, connection=connection) for name_ in WORKER_QUEUES]
        Worker(queues, connection=connection, name=name).work(burst=burst, with_scheduler=False)
    finally:
        if started:
            started.stop()


@app.command()
@friendly_errors
def scheduler(
    interval: int = typer.Option(15, min=1, help="Seconds between checks for due periodic jobs."),
    burst: bool = typer.Option(False, help="Register the schedule, enqueue what is due, then exit."),
) -> None:
    """Register the periodic jobs (idempotently) and run rq-scheduler."""
    from core.db import upgrade_database
    from core.redis_conn import ensure_redis, get_redis
    from workers.queues import enqueue_heartbeat
    from workers.schedule import get_scheduler, register_schedule

    settings = _settings()
    upgrade_database(settings)
    started = ensure_redis(settings)
    try:
        connection = get_redis(settings)
        rq_scheduler = get_scheduler(connection=connection, interval=interval)
        register_schedule(rq_scheduler)
        # One heartbeat now, so a fresh start shows a live worker without waiting for the next minute.
        enqueue_heartbeat(connection=connection)
        rq_scheduler.run(burst=burst)
    finally:
        if started:
            started.stop()


@app.command()
@friendly_errors
def status() -> None:
    """What is running, queue depths, the schedule, and the mode and switches in force."""
    from sales_cli.status import render_status

    typer.echo(render_status(settings=_settings(), now=SystemClock().now()))


@app.command()
@friendly_errors
def up(
    seed: bool = typer.Option(True, help="Load the demo data when the database is empty."),
    prod: bool = typer.Option(False, help="Serve a production build of the dashboard (slower first start)."),
) -> None:
    """Start everything locally: migrate, seed, Redis, a worker, the scheduler and the dashboard."""
    from sales_cli.up import run_up

    sys.exit(run_up(settings=_settings(), seed=seed, prod=prod))


if __name__ == "__main__":  # pragma: no cover
    app()
