"""`salesagent up`: the whole system on one machine, on embedded defaults unless configured otherwise."""

from __future__ import annotations

import logging
import signal
import sys

import typer

from core.clock import SystemClock
from core.config import Settings
from core.db import session_scope, upgrade_database
from core.redis_conn import ensure_redis
from sales_cli.supervisor import Child, Supervisor

log = logging.getLogger(__name__)


def _cli(*args: str) -> list[str]:
    # Children run this same CLI with this same interpreter, so they see the same code and settings.
    return [sys.executable, "-m", "sales_cli.main", *args]


def _seed_if_empty(settings: Settings) -> str | None:
    from core.demo.seed import DEMO_FOUNDER_EMAIL, DEMO_FOUNDER_PASSWORD, database_is_empty, seed_demo

    with session_scope() as session:
        if not database_is_empty(session=session):
            return None
        summary = seed_demo(session=session, now=SystemClock().now(), settings=settings)
    typer.echo(f"seeded demo data: {summary}")
    return f"{DEMO_FOUNDER_EMAIL} / {DEMO_FOUNDER_PASSWORD}"


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_up(*, settings: Settings, seed: bool, prod: bool) -> int:
    """Start every process, print where to look, and stop them all on Ctrl-C; returns the exit code."""
    from sales_dashboard.launch import ensure_bun, reflex_command, reflex_env

    upgrade_database(settings)
    demo_login = _seed_if_empty(settings) if seed else None
    redis_server = ensure_redis(settings)
    supervisor = Supervisor(run_file=settings.data_dir / "processes.json")
    # SIGTERM (a service manager, `kill`) stops everything as cleanly as Ctrl-C. SIGINT is set explicitly
    # because a shell starting `up` in the background hands it over ignored.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        ensure_bun()
        supervisor.start(Child("worker", _cli("worker")))
        supervisor.start(Child("scheduler", _cli("scheduler")))
        supervisor.start(
            Child("dashboard", reflex_command(settings=settings, prod=prod), env=reflex_env(settings=settings))
        )
        _announce(settings, demo_login)
        exited = supervisor.wait()
        code = exited.process.returncode if exited.process else 1
        typer.secho(f"{exited.name} exited (code {code}); stopping everything", fg=typer.colors.RED, err=True)
        return 1
    except KeyboardInterrupt:
        typer.echo("\nstopping: dashboard, scheduler, worker" + (", redis" if redis_server else ""))
        return 0
    finally:
        supervisor.stop_all()
        if redis_server:
            redis_server.stop()
        typer.echo("stopped")


def _announce(settings: Settings, demo_login: str | None) -> None:
    typer.secho(f"\nDashboard: http://localhost:{settings.dashboard_port}", fg=typer.colors.GREEN, bold=True)
    if demo_login:
        typer.echo(f"Demo login: {demo_login}")
    typer.echo(f"Database:  {settings.effective_database_url.split('@')[-1]}")
    typer.echo(f"Redis:     {'embedded at ' + str(settings.redis_socket) if settings.embedded_redis else 'REDIS_URL'}")
    typer.echo("Mode:      shadow unless switched through the go-live gate; nothing reaches a rep in shadow")
    typer.echo("Ctrl-C stops everything.\n")
