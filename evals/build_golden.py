"""Write the golden files from their data modules: `python -m evals.build_golden` (deterministic).

The JSONL files are what the runner reads and what reviewers diff; cases promoted from founders' reviews
are appended to them afterwards and kept when this script rewrites the authored ones.
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.build_golden_drafting import draft_cases
from evals.build_golden_icp import icp_cases
from evals.build_golden_verdicts import verdict_cases
from evals.cases import GOLDEN_DIR, SuiteName, dump_case, load_suite


def build(directory: Path = GOLDEN_DIR) -> dict[str, int]:
    """Rewrite the authored cases of every suite, keeping promoted ones; returns the count per suite."""
    counts = {}
    for suite, authored in (
        (SuiteName.ICP, icp_cases()),
        (SuiteName.DRAFTING, draft_cases()),
        (SuiteName.VERDICTS, verdict_cases()),
    ):
        path = directory / suite.filename
        promoted = [c for c in load_suite(suite, directory) if c.origin != "authored"] if path.is_file() else []
        lines = [json.dumps(case, ensure_ascii=False) for case in authored] + [dump_case(c) for c in promoted]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        counts[suite.value] = len(load_suite(suite, directory))
    return counts


if __name__ == "__main__":  # pragma: no cover
    print(build())  # noqa: T201
