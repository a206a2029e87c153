"""Grounding: numbers and names read out of text, compared in a normalised form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.drafting.grounding import Grounding, names_in, normalise, numbers_in
from agent.drafting.schema import LeadContext, ResearchFact


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("$2.5M", "2500000", False),
        ("2,500,000", "2500000", False),
        ("2.5 million", "2500000", False),
        ("€3bn", "3000000000", False),
        ("40%", "40", True),
        ("40 percent", "40", True),
        ("12", "12", False),
        ("2026", "2026", False),
        ("3x", "3", False),
        ("21st", "21", False),
        ("1990s", "1990", False),
        ("15k", "15000", False),
    ],
)
def test_numbers_are_read_with_their_value(text: str, value: str, percent: bool) -> None:
    [mention] = numbers_in(f"Look: {text}.")
    assert (mention.text, mention.value, mention.percent) == (text, Decimal(value), percent)


@pytest.mark.parametrize("text", ["Q3 plans", "B2B teams", "a 5G network", "version v2.1", "COVIDx"])
def test_digits_inside_words_are_not_numbers(text: str) -> None:
    assert numbers_in(text) == []


def test_a_hyphenated_duration_is_still_a_number() -> None:
    assert [m.value for m in numbers_in("a 15-minute call")] == [Decimal(15)]


def test_normalise_folds_case_accents_possessives_and_punctuation() -> None:
    assert normalise("Acme's  Société, AT&T") == "acme societe at and t"
    assert normalise("Smith-Jones") == normalise("smith jones")


def test_names_are_runs_of_capitalised_words_with_sentence_position() -> None:
    text = "Hi Jane,\nAcme Logistics met the team at Bank of America. The VP of Sales said so."
    assert names_in(text) == [
        ("Jane", False),
        ("Acme Logistics", True),
        ("Bank of America", False),
        ("The", True),
    ]


def test_names_do_not_run_across_punctuation_or_lines() -> None:
    assert names_in("teams at Acme, Globex and Initech") == [("Acme", False), ("Globex", False), ("Initech", False)]
    assert names_in("see Acme\nDenver") == [("Acme", False), ("Denver", True)]


def test_a_name_is_grounded_whole_or_word_by_word_when_capitalised_in_the_context() -> None:
    context = LeadContext(
        company="Acme",
        domain="acme.example",
        facts=[ResearchFact(text="Opened an office in Denver; growth is strong.", source_url="https://a.example")],
    )
    grounding = Grounding(context)
    assert grounding.has_name("Acme")
    assert grounding.has_name("Acme Denver")  # each word is a capitalised word of the context
    assert not grounding.has_name("Growth Partners")  # "growth" is in the context, but not as a name
    assert grounding.has_name("ACME")


def test_numbers_from_enrichment_values_count() -> None:
    context = LeadContext(company="Acme", domain="acme.example", enrichment={"employees": 240, "arr": "$2.5M"})
    grounding = Grounding(context)
    assert grounding.ungrounded_numbers("240 people, $2,500,000 in ARR, 241 seats") == ["241"]


def test_percent_needs_a_percent_but_a_plain_number_may_match_any() -> None:
    context = LeadContext(
        company="Acme",
        domain="acme.example",
        facts=[ResearchFact(text="Hired 40 reps; churn fell 12%.", source_url="https://a.example")],
    )
    grounding = Grounding(context)
    assert grounding.ungrounded_numbers("40% of reps") == ["40%"]
    assert grounding.ungrounded_numbers("12 months, 12% churn, 40 reps") == []
