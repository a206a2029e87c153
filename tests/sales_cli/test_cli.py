"""The CLI: clear one-line errors for bad configuration, founders added with hashed passwords, status."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from core.founders import login
from core.models import AuditEvent, Founder
from sales_cli.main import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("env", "command", "expected"),
    [
        ({"DATABASE_URL": "not a url"}, ["db", "upgrade"], "error: DATABASE_URL is malformed"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, ["db", "upgrade"], "only sqlite and postgresql"),
        (
            {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            ["db", "upgrade"],
            "error: cannot open the database at postgresql+psycopg://nobody@127.0.0.1:1/none",
        ),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, ["worker", "--burst"], "error: cannot reach Redis"),
        ({"REDIS_URL": "bogus://x"}, ["worker", "--burst"], "error: REDIS_URL is malformed"),
        ({"COMPANY_TIMEZONE": "Mars/Olympus"}, ["status"], "error: setting COMPANY_TIMEZONE"),
    ],
)
def test_bad_configuration_is_one_clear_line(engine, env, command, expected) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, command, env=env)
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1


def test_founders_add_prompts_and_hashes(session) -> None:  # type: ignore[no-untyped-def]
    password = "a long enough secret"
    result = runner.invoke(
        app,
        ["founders", "add", "--email", "Ada@Example.com", "--name", "Ada", "--phone", "(212) 555-0142"],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output
    founder = session.exec(select(Founder)).one()
    assert (founder.email, founder.phone) == ("ada@example.com", "+12125550142")
    assert founder.password_hash.startswith("$argon2id$")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "founder.created")).one()
    from datetime import UTC, datetime

    assert login(session=session, email="ada@example.com", password=password, now=datetime.now(UTC),
                 session_hours=1).founder.id == founder.id


def test_founders_add_refuses_short_password_and_duplicates(session) -> None:  # type: ignore[no-untyped-def]
    short = runner.invoke(app, ["founders", "add", "--email", "a@b.co", "--name", "A"], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    ok = "long enough pass"
    args = ["founders", "add", "--email", "a@b.co", "--name", "A"]
    assert runner.invoke(app, args, input=f"{ok}\n{ok}\n").exit_code == 0
    again = runner.invoke(app, args, input=f"{ok}\n{ok}\n")
    assert again.exit_code == 1 and "already exists" in again.output


def test_status_reports_parts_and_switches(engine, redis_conn) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    assert "[ok  ] database" in result.output
    assert "[ok  ] redis" in result.output
    assert "heartbeat  never" in result.output
    assert "Mode: shadow   sending: off   kill switch: off   may send now: no" in result.output


def test_seed_demo_loads_an_empty_database_once(session) -> None:  # type: ignore[no-untyped-def]
    from core.models import Lead, Rep

    first = runner.invoke(app, ["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo login: founder@demo.example / demo-founder-password" in first.output
    assert len(session.exec(select(Rep)).all()) == 5 and len(session.exec(select(Lead)).all()) == 45
    second = runner.invoke(app, ["seed-demo"])
    assert second.exit_code == 1 and "already has data" in second.output
    assert len(session.exec(select(Rep)).all()) == 5
