"""`salesagent evals ...`: run the eval gate, and promote a founder's disagreement into a golden case."""

from __future__ import annotations

from pathlib import Path

import typer

from core.config import get_settings
from evals.cases import GOLDEN_DIR, SuiteName
from evals.runner import DEFAULT_THRESHOLD, DEFAULT_WORKERS, RunConfig

evals_app = typer.Typer(help="The eval gate: golden sets, graders, the release threshold.", no_args_is_help=True)


@evals_app.command("run")
def evals_run(
    provider: str = typer.Option("offline", help="offline | anthropic (needs ANTHROPIC_API_KEY)."),
    model: str | None = typer.Option(None, help="The Claude model (default: ANTHROPIC_MODEL)."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, min=0, max=1, help="Minimum share of passing cases."),
    suite: list[SuiteName] = typer.Option(list(SuiteName), help="Suites to run (a partial run cannot pass)."),
    workers: int = typer.Option(DEFAULT_WORKERS, min=1, max=32, help="Cases run at once."),
    out: Path | None = typer.Option(None, help="Report directory (default: DATA_DIR/evals)."),
    golden: Path = typer.Option(GOLDEN_DIR, help="Folder of the golden JSONL files."),
    record: bool = typer.Option(True, help="Record the run in eval_runs."),
    progress: bool = typer.Option(True, help="Show a progress bar."),
) -> None:
    """Run the eval gate; exit 1 when any suite or the overall share of passing cases is under the threshold."""
    from evals.run_evals import run_gate

    config = RunConfig(provider=provider, model=model, suites=tuple(suite), threshold=threshold, workers=workers,
                       golden_dir=golden)  # fmt: skip
    report = run_gate(get_settings(), config, out_dir=out, record=record, show_progress=progress)
    raise typer.Exit(0 if report.passed else 1)


@evals_app.command("promote")
def evals_promote(
    review_id: int = typer.Option(..., "--review-id", help="The id of a founder's review that disagrees."),
    golden: Path = typer.Option(GOLDEN_DIR, help="Folder of the golden JSONL files."),
) -> None:
    """Turn a founder's disagreeing review into a golden case with the founder's call as expected."""
    from core.db import session_scope, upgrade_database
    from core.errors import SalesAgentError
    from evals.promote import promote_review

    upgrade_database(get_settings())
    try:
        with session_scope() as session:
            case, path = promote_review(session=session, review_id=review_id, directory=golden)
    except SalesAgentError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(f"added case {case.id} to {path}")
