"""The offline provider: deterministic, labelled offline-rules, and good enough to be the CI baseline."""

from __future__ import annotations

import re

import pytest

from agent.drafting.schema import LeadContext, ResearchFact
from agent.drafting.slop import check_slop
from agent.llm.base import DraftStatus, LeadInput
from agent.offline import OFFLINE_MODEL, offline_version
from agent.offline.facts import FactKind, as_sentence, kind_of
from agent.offline.templates import compose_sequence
from agent.tools import gather_context, seller_terms
from core.demo.companies import ExpectedFit, demo_companies
from integrations.enrichment import DemoEnricher
from integrations.research import DemoResearcher
from tests.agent.llm.scripted import ICP, lead, offline

FITS = [c.domain for c in demo_companies() if c.expected_fit is ExpectedFit.FIT]
CLEAR = [c for c in demo_companies() if c.expected_fit is not ExpectedFit.EDGE]
HOSTILE = [c for c in demo_companies() if c.hostile]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.parametrize("domain", FITS)
def test_every_fit_company_gets_a_sequence_that_passes_the_slop_rules(domain: str) -> None:
    outcome = offline().draft(lead(domain))

    assert outcome.ok and outcome.status is DraftStatus.DRAFTED and outcome.draft is not None
    assert (outcome.provider, outcome.model) == ("offline-rules", OFFLINE_MODEL)
    assert outcome.prompt_version == offline_version() and outcome.cost_usd == 0 and outcome.turns == 0
    # Judged again here, independently of the tool that accepted it.
    assert check_slop(outcome.draft, outcome.context, known_terms=seller_terms(ICP)).passed
    touch_1, touch_2, touch_3 = outcome.draft.touches
    # Touch 1 opens with a specific research fact, quoted whole.
    assert any(" ".join(_words(fact.text)[1:]) in " ".join(_words(touch_1.body)) for fact in outcome.context.facts)
    assert touch_2.call_script and touch_1.call_script is None and touch_3.call_script is None
    assert len({touch.subject for touch in outcome.draft.touches}) == 3
    assert len({touch.body.split("\n\n")[1] for touch in outcome.draft.touches}) == 3  # a new fact per touch


@pytest.mark.parametrize("domain", FITS)
@pytest.mark.parametrize("variant", range(6))
def test_every_phrasing_passes_for_every_fit_company(domain: str, variant: int) -> None:
    context = gather_context(lead(domain), researcher=DemoResearcher(), enricher=DemoEnricher())
    draft = compose_sequence(context, ICP.seller, variant=variant)
    assert check_slop(draft, context, known_terms=seller_terms(ICP)).passed


def test_leads_get_different_phrasings() -> None:
    subjects = {offline().draft(lead(domain)).draft.touches[0].body.splitlines()[-1] for domain in FITS}  # type: ignore[union-attr]
    assert len(subjects) >= 3


@pytest.mark.parametrize("company", HOSTILE, ids=lambda c: c.domain)
def test_injected_facts_are_never_copied_into_a_draft(company) -> None:  # type: ignore[no-untyped-def]
    outcome = offline().draft(lead(company.domain))
    assert outcome.draft is not None
    text = " ".join(_words(" ".join(f"{t.subject} {t.body} {t.call_script or ''}" for t in outcome.draft.touches)))
    for fact in company.facts:
        if fact.injection:
            words = _words(fact.text)
            assert not any(" ".join(words[i : i + 4]) in text for i in range(len(words) - 3))
    assert all(not fact.injection or fact.text not in [f.text for f in outcome.context.facts] for fact in company.facts)
    assert not re.search(r"\+\d|@|https?://|password|token|approve", text)


def test_drafting_is_deterministic() -> None:
    first, second = offline().draft(lead("cinderwall.example")), offline().draft(lead("cinderwall.example"))
    assert first.draft == second.draft and first.prompt_version == second.prompt_version


def test_feedback_moves_to_other_phrasings() -> None:
    plain = offline().draft(lead("paycove.example"))
    redraft = offline().draft(lead("paycove.example"), feedback="touch 1 body [first_person]: ...")
    assert redraft.ok and redraft.draft != plain.draft


def test_a_lead_without_research_or_contact_still_gets_a_clean_draft() -> None:
    outcome = offline().draft(LeadInput(domain="unknown-co.example", company="Unknown Co"))
    assert outcome.ok and outcome.context.facts == [] and outcome.draft is not None
    assert outcome.draft.touches[0].body.startswith("Hello,")


@pytest.mark.parametrize("company", CLEAR, ids=lambda c: c.domain)
def test_icp_fits_agree_with_the_demo_labels(company) -> None:  # type: ignore[no-untyped-def]
    context = gather_context(lead(company.domain), researcher=DemoResearcher(), enricher=DemoEnricher())
    result = offline().qualify(context, ICP)
    assert result.fit is (company.expected_fit is ExpectedFit.FIT), result.reasons
    assert (result.provider, result.model, result.prompt_version) == (
        "offline-rules",
        "offline-rules",
        offline_version(),
    )
    if not result.fit:
        assert result.disqualified and result.score <= 0.2
        assert result.reasons[0].startswith(f"Disqualified ({result.disqualified[0]})")
    else:
        assert result.score >= 0.8 and any(reason.startswith("Buying signal") for reason in result.reasons)


def test_facts_become_sentences_about_the_company() -> None:
    def fact(text: str) -> ResearchFact:
        return ResearchFact(text=text, source_url="https://acme.example/")

    assert as_sentence(fact("Raised a $5M seed round"), "Acme") == "Acme raised a $5M seed round."
    assert as_sentence(fact("Hiring 4 SDRs in Leeds."), "Acme") == "Acme is hiring 4 SDRs in Leeds."
    assert as_sentence(fact("Its CFO left."), "Acme") == "Acme's CFO left."
    assert (
        as_sentence(fact("Jane Roe joined as CRO."), "Acme") == "One detail from the Acme site: Jane Roe joined as CRO."
    )
    assert kind_of(fact("Jane Roe joined as CRO.")) is FactKind.LEADER
    assert kind_of(fact("Hired its first Head of Revenue Operations")) is FactKind.LEADER
    assert kind_of(fact("Hired 10 SDRs in the first quarter")) is FactKind.HIRING


def test_facts_that_would_break_the_rules_are_not_quoted() -> None:
    context = LeadContext(
        company="Acme",
        domain="acme.example",
        facts=[
            ResearchFact(text="We are hiring 5 SDRs, says the CEO.", source_url="https://acme.example/a"),
            ResearchFact(text="The team is busy opening a Denver office.", source_url="https://acme.example/b"),
            ResearchFact(text="Raised a $9M Series A in 2026.", source_url="https://acme.example/c"),
        ],
    )
    draft = compose_sequence(context, ICP.seller, variant=0)
    assert check_slop(draft, context, known_terms=seller_terms(ICP)).passed
    assert "$9M Series A" in draft.touches[0].body and "Denver" not in str(draft)
