"""`salesagent ingest`: register activity sources and import activity from CSV files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from core.config import get_settings
from core.errors import SalesAgentError

ingest_app = typer.Typer(help="Activity ingestion: sources (bearer keys) and CSV import.", no_args_is_help=True)

CSV_COLUMNS = ("external_id", "rep_email", "rep_id", "kind", "occurred_at", "lead_domain")
# Rows validated and inserted per step of the progress bar (one transaction for the whole file).
CSV_CHUNK = 1000


def _friendly(func: Any) -> Any:
    # Imported lazily: sales_cli.main imports this module to mount the sub-app.
    from sales_cli.main import friendly_errors

    return friendly_errors(func)


@ingest_app.command("add-source")
def add_source(name: str = typer.Argument(..., help="A short name for the system that will post activity.")) -> None:
    """Register a source and print its bearer key once (only a hash of it is stored)."""

    @_friendly
    def run() -> None:
        from core.db import session_scope, upgrade_database
        from core.ingestion import create_source

        upgrade_database(get_settings())
        try:
            with session_scope() as session:
                source, key = create_source(session=session, name=name)
        except ValueError as exc:
            raise SalesAgentError(str(exc)) from None
        typer.echo(f"source {source.name} added. Its key (shown once; store it now):")
        typer.echo(key)
        typer.echo("Send it as: Authorization: Bearer <key>  with POST /api/activity")

    run()


def _row_item(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row as an API item: empty cells are absent, rep_id is a number when it looks like one."""
    item: dict[str, Any] = {k: v.strip() for k, v in row.items() if k in CSV_COLUMNS and v and v.strip()}
    if "rep_id" in item and item["rep_id"].isdigit():
        item["rep_id"] = int(item["rep_id"])
    return item


@ingest_app.command("csv")
def import_csv(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV with a header row."),
    source: str = typer.Option(..., "--source", help="The registered source these events come from."),
) -> None:
    """Import activity from a CSV (columns: external_id, rep_email or rep_id, kind, occurred_at with offset,
    and for replies optionally lead_domain).

    Idempotent like the API: a re-imported row is a duplicate. Exit 0 if every row was stored or was a
    duplicate, 1 if any row was rejected (each is listed with its row number and reasons).
    """

    @_friendly
    def run() -> int:
        from core.db import session_scope, upgrade_database
        from core.ingestion import IngestReport, Rejection, get_source, ingest_events

        settings = get_settings()
        upgrade_database(settings)
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"external_id", "kind", "occurred_at"} - set(reader.fieldnames or ())
            if missing:
                raise SalesAgentError(f"{file.name}: missing column(s) {', '.join(sorted(missing))}")
            # Row numbers as a spreadsheet shows them: the header is row 1.
            rows = [(reader.line_num, _row_item(row)) for row in reader]
        total = IngestReport()
        with session_scope() as session:
            if get_source(session=session, name=source) is None:
                raise SalesAgentError(f"unknown source {source!r}; add it with `salesagent ingest add-source`")
            columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, transient=True) as progress:
                task = progress.add_task("rows", total=len(rows))
                for start in range(0, len(rows), CSV_CHUNK):
                    chunk = rows[start : start + CSV_CHUNK]
                    report = ingest_events(
                        session=session, source=source, items=[item for _, item in chunk], tz=settings.tz
                    )
                    total.accepted += report.accepted
                    total.duplicates += report.duplicates
                    for rejection in report.rejected:
                        line = chunk[rejection.index][0]
                        total.rejected.append(Rejection(line, rejection.reasons))
                    progress.advance(task, len(chunk))
        for rejection in total.rejected:
            typer.secho(f"row {rejection.index}: {'; '.join(rejection.reasons)}", fg=typer.colors.RED, err=True)
        typer.echo(
            f"{len(rows)} rows: {total.accepted} stored, {total.duplicates} duplicates, {len(total.rejected)} rejected"
        )
        if total.rejected:
            typer.echo("some rows were rejected (listed above); fix them and import again: stored rows are kept")
            return 1
        return 0

    raise typer.Exit(run())
