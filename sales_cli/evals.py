"""`salesagent evals ...`: run the eval gate, and promote a founder's disagreement into a golden case."""

from __future__ import annotations

from pathlib import Path

import typer

from core.config import get_settings
from evals.cases import GOLDEN_DIR
from evals.run_evals import main as run_evals_main

evals_app = typer.Typer(help="The eval gate: golden sets, graders, the release threshold.", no_args_is_help=True)


# One definition of the gate's options: `salesagent evals run` is `python -m evals.run_evals`.
evals_app.command("run")(run_evals_main)


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
