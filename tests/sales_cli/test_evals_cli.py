"""`salesagent evals promote`: a disagreeing review becomes a golden case; an agreeing one is refused."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from core.models import Review, Sequence
from evals.cases import SuiteName, dump_case, load_suite
from sales_cli.main import app
from tests.factories import create_founder, create_lead, create_rep

runner = CliRunner()


def _golden(tmp_path: Path) -> Path:
    golden = tmp_path / "golden"
    golden.mkdir()
    for suite in SuiteName:
        (golden / suite.filename).write_text("".join(dump_case(c) + "\n" for c in load_suite(suite)[:1]))
    return golden


def _draft_review(session, *, agrees: bool) -> Review:  # type: ignore[no-untyped-def]
    founder, rep = create_founder(session), create_rep(session)
    lead = create_lead(session, contact_name="Erin Walsh", contact_title="VP of Sales")
    research = {
        "facts": [{"text": "Hiring 7 SDRs in Boston.", "source_url": f"https://{lead.domain}/careers"}],
        "enrichment": {"industry": "Fintech", "employees": 210, "hq_country": "us"},
    }
    sequence = Sequence(lead_id=lead.id, rep_id=rep.id, research=research)
    session.add(sequence)
    session.flush()
    review = Review(founder_id=founder.id, subject_kind="draft", subject_id=sequence.id, founder_call="reject",
                    agent_call="approve", agrees=agrees, notes="Too generic", edit_text="Hi Erin, ...")  # fmt: skip
    session.add(review)
    session.commit()
    return review


def test_promote_appends_a_disagreement_as_a_golden_case(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    review, golden = _draft_review(session, agrees=False), _golden(tmp_path)
    result = runner.invoke(app, ["evals", "promote", "--review-id", str(review.id), "--golden", str(golden)])
    assert result.exit_code == 0, result.output
    cases = load_suite(SuiteName.DRAFTING, golden)
    assert len(cases) == 2
    case = cases[-1]
    assert case.id == f"draft-review-{review.id}" and case.origin == f"review:{review.id}"
    assert "Founder's call reject" in case.why and case.founder_text == "Hi Erin, ..."
    assert case.company.facts[0].text == "Hiring 7 SDRs in Boston." and case.company.hq_country == "US"
    again = runner.invoke(app, ["evals", "promote", "--review-id", str(review.id), "--golden", str(golden)])
    assert again.exit_code == 1 and "already in drafting.jsonl" in again.output


def test_promote_refuses_an_agreeing_review(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    review, golden = _draft_review(session, agrees=True), _golden(tmp_path)
    result = runner.invoke(app, ["evals", "promote", "--review-id", str(review.id), "--golden", str(golden)])
    assert result.exit_code == 1 and "agrees with the agent" in result.output
    assert len(load_suite(SuiteName.DRAFTING, golden)) == 1
