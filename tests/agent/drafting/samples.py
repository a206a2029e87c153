"""A realistic lead context and a draft that passes every slop rule, for the drafting tests to vary."""

from __future__ import annotations

from typing import Any

from agent.drafting.schema import LeadContext, ResearchFact, SequenceDraft

SELLER_TERMS = ("Northwind", "Northwind Cadence")

CONTEXT = LeadContext(
    company="Acme Logistics",
    domain="acmelogistics.example",
    contact_name="Jane Doe",
    contact_title="VP of Sales",
    industry="Logistics tech",
    facts=[
        ResearchFact(
            text="Acme Logistics raised a $12M Series B in March 2026.",
            source_url="https://acmelogistics.example/news/series-b",
        ),
        ResearchFact(
            text="Acme is hiring 8 SDRs for its new Denver office, led by Priya Smith-Jones.",
            source_url="https://acmelogistics.example/careers",
        ),
        ResearchFact(
            text="Reply rates rose 40% after the team moved to multichannel sequences.",
            source_url="https://acmelogistics.example/blog/outbound",
        ),
    ],
    enrichment={"employees": 240, "hq_city": "Chicago", "founded": 2014},
)

BODY_1 = (
    "Hi Jane,\n\n"
    "Congrats on the $12M Series B. Hiring 8 SDRs for the new Denver office is a big step, and every one "
    "of those reps will need sequences, call tasks and activity tracking from the first day.\n\n"
    "Northwind Cadence gives sales leaders one place for outbound sequences, dialling and weekly rep "
    "metrics, so a growing team ramps without spreadsheets or a patchwork of point tools.\n\n"
    "Would a short call next week be useful to see how a team of 240 people could set this up?"
)
BODY_2 = (
    "Hi Jane,\n\n"
    "A quick follow-up on the Denver team. New SDRs usually lose their first weeks to tool setup and "
    "manual activity logging, which hides who is ramping and who is stuck.\n\n"
    "With Northwind Cadence, every call, email and meeting lands in one weekly view per rep, so Priya "
    "Smith-Jones could see the new hires' numbers without chasing spreadsheets.\n\n"
    "Is a short walkthrough worth a look this week?"
)
BODY_3 = (
    "Hi Jane,\n\n"
    "Reply rates at Acme rose 40% after the move to multichannel sequences, which says the team already "
    "knows what works. The hard part is keeping that playbook consistent as 8 new SDRs join in Denver.\n\n"
    "Northwind Cadence turns the sequences that already work into shared templates, with call tasks and "
    "rep metrics in the same place.\n\n"
    "If the timing is wrong, a one-line reply saying so is welcome too."
)
CALL_SCRIPT = (
    "Ask Jane how the 8 new SDRs in Denver will be onboarded, and whether rep activity is tracked in "
    "spreadsheets today. Offer a short walkthrough of Northwind Cadence."
)


def touch_data(number: int, /, **overrides: Any) -> dict[str, Any]:
    """The fields of one passing touch, with any field replaced."""
    base: dict[str, dict[str, Any]] = {
        1: {"step": 1, "day_offset": 0, "channel": "email", "subject": "The Denver SDR team", "body": BODY_1},
        2: {
            "step": 2,
            "day_offset": 3,
            "channel": "call_and_email",
            "subject": "Ramping new SDRs",
            "body": BODY_2,
            "call_script": CALL_SCRIPT,
        },
        3: {"step": 3, "day_offset": 7, "channel": "email", "subject": "Keeping the playbook", "body": BODY_3},
    }
    return {**base[number], **overrides}


def draft(**per_step: dict[str, Any]) -> SequenceDraft:
    """The passing draft, with fields of touches replaced: draft(t1={"body": "..."})."""
    return SequenceDraft.model_validate(
        {"touches": [touch_data(step, **per_step.get(f"t{step}", {})) for step in (1, 2, 3)]}
    )
