"""Reports of a run: JSON (everything), JUnit XML (for CI), a short human summary, and the eval_runs row."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from sqlmodel import Session

from core.models import EvalRun
from evals.runner import RunReport

log = logging.getLogger(__name__)

JSON_NAME = "evals-report.json"
JUNIT_NAME = "evals-junit.xml"


def report_dict(report: RunReport) -> dict[str, Any]:
    """The whole run as JSON-ready data."""
    return {
        "provider": report.provider,
        "model": report.model,
        "prompt_version": report.prompt_version,
        "version_parts": report.version_parts,
        "threshold": report.threshold,
        "passed": report.passed,
        "pass_rate": round(report.pass_rate, 4),
        "reasons": report.reasons,
        "seconds": round(report.seconds, 2),
        "suites": {
            suite.name: {
                "available": suite.unavailable is None,
                "unavailable": suite.unavailable,
                "total": suite.total,
                "passed": suite.passed_count,
                "pass_rate": round(suite.pass_rate, 4),
                "suite_passed": report.suite_passed(suite),
                "cases": [
                    {
                        "id": c.case_id,
                        "passed": c.passed,
                        "failures": c.failures,
                        "notes": c.notes,
                        "seconds": round(c.seconds, 3),
                    }
                    for c in suite.cases
                ],  # fmt: skip
            }
            for suite in report.suites
        },
    }


def junit_xml(report: RunReport) -> str:
    """JUnit XML: a testsuite per suite, a testcase per case, a <failure> with every reason."""
    root = ET.Element(
        "testsuites", name="evals", tests=str(report.total), failures=str(report.total - report.passed_count)
    )
    for suite in report.suites:
        element = ET.SubElement(
            root, "testsuite", name=suite.name, tests=str(suite.total),
            failures=str(suite.total - suite.passed_count), skipped="1" if suite.unavailable else "0",
        )  # fmt: skip
        if suite.unavailable:
            case = ET.SubElement(element, "testcase", classname=f"evals.{suite.name}", name="suite")
            ET.SubElement(case, "failure", message=f"not available: {suite.unavailable}")
        for result in suite.cases:
            case = ET.SubElement(
                element, "testcase", classname=f"evals.{suite.name}", name=result.case_id, time=f"{result.seconds:.3f}"
            )
            if not result.passed:
                failure = ET.SubElement(case, "failure", message=result.failures[0][:500] if result.failures else "")
                failure.text = "\n".join(result.failures)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def write_reports(report: RunReport, out_dir: Path) -> tuple[Path, Path]:
    """Write the JSON and JUnit reports under `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, junit_path = out_dir / JSON_NAME, out_dir / JUNIT_NAME
    json_path.write_text(json.dumps(report_dict(report), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    junit_path.write_text(junit_xml(report) + "\n", encoding="utf-8")
    return json_path, junit_path


def summary(report: RunReport, *, max_failures: int = 15) -> str:
    """A short human summary ending in the verdict line (the exit code always matches it)."""
    lines = [f"eval gate: {report.provider} / {report.model} / prompt version {report.prompt_version}"]
    for suite in report.suites:
        if suite.unavailable:
            lines.append(f"  {suite.name:<9} NOT AVAILABLE: {suite.unavailable}")
            continue
        mark = "ok  " if report.suite_passed(suite) else "FAIL"
        lines.append(f"  {suite.name:<9} {mark} {suite.passed_count}/{suite.total} = {suite.pass_rate:.1%}")
    lines.append(f"  {'overall':<9} {report.passed_count}/{report.total} = {report.pass_rate:.1%} "
                 f"(threshold {report.threshold:.1%})")  # fmt: skip
    failed = [c for s in report.suites for c in s.cases if not c.passed]
    if failed:
        lines.append("failures:")
        for case in failed[:max_failures]:
            lines.append(f"  {case.case_id}: {'; '.join(case.failures)[:300]}")
        if len(failed) > max_failures:
            lines.append(f"  ... and {len(failed) - max_failures} more (see the JSON report)")
    verdict = "PASSED" if report.passed else "FAILED: " + "; ".join(report.reasons)
    lines.append(f"verdict: {verdict}")
    return "\n".join(lines)


def record_run(*, session: Session, report: RunReport, finished_at: datetime) -> EvalRun:
    """The `eval_runs` row: provider, model, combined prompt version, overall pass rate, per-suite results."""
    row = EvalRun(
        provider=report.provider,
        model=report.model,
        prompt_version=report.prompt_version,
        threshold=report.threshold,
        pass_rate=round(report.pass_rate, 6),
        suite_results={
            "suites": {
                s.name: {
                    "total": s.total,
                    "passed": s.passed_count,
                    "pass_rate": round(s.pass_rate, 6),
                    "available": s.unavailable is None,
                    "suite_passed": report.suite_passed(s),
                }
                for s in report.suites
            },  # fmt: skip
            "version_parts": report.version_parts,
            "reasons": report.reasons,
        },
        passed=report.passed,
        finished_at=finished_at,
        created_at=finished_at,
    )
    session.add(row)
    session.flush()
    return row
