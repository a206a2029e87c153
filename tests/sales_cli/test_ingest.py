"""`salesagent ingest add-source` and `salesagent ingest csv`."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from core.ingestion import authenticate_source
from core.models import ActivityEvent
from sales_cli.main import app
from tests.factories import create_rep

runner = CliRunner()


def test_add_source_prints_a_working_key_once(session) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["ingest", "add-source", "sheet"])
    assert result.exit_code == 0, result.output
    key = next(line for line in result.output.splitlines() if line.startswith("sk_act_"))
    assert authenticate_source(session=session, key=key).name == "sheet"  # type: ignore[union-attr]
    again = runner.invoke(app, ["ingest", "add-source", "sheet"])
    assert again.exit_code == 1 and "error: source 'sheet' already exists" in again.output


def test_csv_import_reports_rows_and_is_idempotent(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    session.commit()
    assert runner.invoke(app, ["ingest", "add-source", "sheet"]).exit_code == 0
    good = tmp_path / "good.csv"
    good.write_text(
        "external_id,rep_email,rep_id,kind,occurred_at\n"
        f"a1,{rep.email},,email_sent,2026-11-17T10:00:00-05:00\n"
        f"a2,,{rep.id},meeting_booked,2026-11-17T11:00:00Z\n"
    )
    first = runner.invoke(app, ["ingest", "csv", str(good), "--source", "sheet"])
    assert first.exit_code == 0, first.output
    assert "2 rows: 2 stored, 0 duplicates, 0 rejected" in first.output
    second = runner.invoke(app, ["ingest", "csv", str(good), "--source", "sheet"])
    assert second.exit_code == 0 and "0 stored, 2 duplicates" in second.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "external_id,rep_email,kind,occurred_at\n"
        f"b1,{rep.email},email_sent,2026-11-18T10:00:00-05:00\n"
        f"b2,{rep.email},lunch,2026-11-18T10:00:00-05:00\n"
        f"b3,{rep.email},call,yesterday\n"
    )
    result = runner.invoke(app, ["ingest", "csv", str(bad), "--source", "sheet"])
    assert result.exit_code == 1
    assert "row 3: kind" in result.output and "row 4: occurred_at" in result.output
    assert "3 rows: 1 stored, 0 duplicates, 2 rejected" in result.output
    assert "some rows were rejected" in result.output
    session.expire_all()
    assert sorted(e.external_id for e in session.exec(select(ActivityEvent))) == ["a1", "a2", "b1"]


def test_csv_needs_a_known_source_and_the_columns(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.csv"
    path.write_text("external_id,kind,occurred_at\n")
    unknown = runner.invoke(app, ["ingest", "csv", str(path), "--source", "nobody"])
    assert unknown.exit_code == 1 and "unknown source 'nobody'" in unknown.output
    path.write_text("id,kind\n1,call\n")
    missing = runner.invoke(app, ["ingest", "csv", str(path), "--source", "nobody"])
    assert missing.exit_code == 1 and "missing column(s) external_id, occurred_at" in missing.output
