"""The offline drafter's templates: a 3-touch sequence composed from research facts and the seller's text.

Every template sentence is written to pass the slop rules for any lead: no "I" or "we", no numbers, and
no capitalised word mid-sentence except the company, the contact and the seller's product, which the
grounding knows. Facts are quoted whole, so their numbers and names are grounded by construction.
`variant` picks among phrasings, so leads (and redrafts) do not all read the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.drafting.schema import TOUCH_PLAN, LeadContext, ResearchFact, SequenceDraft, Touch
from agent.drafting.slop import MAX_SUBJECT_CHARS, word_count
from agent.offline.facts import FactKind, as_sentence, by_priority, kind_of, usable_facts
from core.demo.icp import Seller

MIN_WORDS = 60  # a margin over the rule's 50: a body this short gets one more sentence
MAX_WORDS = 140


@dataclass(frozen=True)
class Angle:
    """How a kind of fact connects to the seller: bridge sentences, subjects and a topic for the call."""

    bridges: tuple[str, ...]
    subjects: tuple[str, ...]
    call_topic: str


ANGLES: dict[FactKind, Angle] = {
    FactKind.HIRING: Angle(
        (
            "New reps ramp faster when sequences, call tasks and activity tracking are ready on the first day, "
            "not pieced together from spreadsheets.",
            "Every new hire needs a working outbound playbook from the first week, and the tooling decides how "
            "fast that happens.",
        ),
        ("Ramping the new reps at {company}", "A strong first month for new reps"),
        "how the new reps will be onboarded and how their activity is tracked today",
    ),
    FactKind.FUNDING: Angle(
        (
            "Fresh funding usually turns into sales hires first, and the tooling has to keep up with the new "
            "headcount.",
            "After a round like that, pipeline numbers get watched closely, so rep activity needs to be visible "
            "week by week.",
        ),
        ("After the raise at {company}", "Turning the new round into pipeline"),
        "which go-to-market hires the new funding pays for first",
    ),
    FactKind.LEADER: Angle(
        (
            "New sales leaders usually review the outbound stack in their first months, while the playbook is "
            "still being set.",
            "A change at the top of sales is often the moment to decide how sequences, dialling and rep metrics "
            "should work.",
        ),
        ("New sales leadership at {company}", "The first months of a new sales leader"),
        "what the new sales leadership wants to change in the outbound playbook",
    ),
    FactKind.EXPANSION: Angle(
        (
            "A new territory usually means a new outbound team, with no habits or tooling in place yet.",
            "A new market is easier to open when the reps there start from the same sequences and metrics as "
            "everyone else.",
        ),
        ("Outbound for the new {company} territory", "Starting a new market with one playbook"),
        "how outbound will run in the new territory",
    ),
    FactKind.LAUNCH: Angle(
        (
            "A launch needs pipeline quickly, which usually means a burst of targeted outbound to the right accounts.",
            "New products sell faster when reps can run a focused sequence for them without building it from scratch.",
        ),
        ("Pipeline for the latest {company} launch", "Outbound behind the new launch"),
        "how the team plans to build pipeline for the new product",
    ),
    FactKind.ACQUISITION: Angle(
        (
            "Bringing two customer bases together usually means a round of cross-sell outreach, which works best "
            "from one shared playbook.",
            "After a deal like that, the combined sales team needs one view of who is talking to which account.",
        ),
        ("Cross-selling after the acquisition", "One playbook for the combined team"),
        "how cross-sell outreach will be organised after the acquisition",
    ),
    FactKind.GROWTH: Angle(
        (
            "Growth at that pace puts pressure on the outbound team to keep pipeline and rep activity visible.",
            "Keeping that pace usually depends on a repeatable outbound motion rather than individual heroics.",
        ),
        ("Keeping up with growth at {company}", "A repeatable outbound motion"),
        "how pipeline and rep activity are tracked as the team grows",
    ),
    FactKind.OTHER: Angle(
        (
            "Moments like this tend to put the outbound motion under a spotlight.",
            "That kind of change usually reaches the sales team's week quickly.",
        ),
        ("An outbound idea for {company}", "A thought for the sales team"),
        "how outbound sequences and rep activity are run today",
    ),
}
QUESTIONS_1 = (
    "Would a short call to compare notes on how {company} runs outbound be useful?",
    "Is this worth a short conversation in the next couple of weeks?",
    "Open to a short look at how that could work for the {company} team?",
)
QUESTIONS_2 = (
    "Is a short walkthrough worth a look this week?",
    "Would it help to see a short walkthrough built around that?",
)
CLOSINGS_3 = (
    "If the timing is wrong, a one-line reply saying so is welcome too.",
    "If this is not a priority right now, a quick no is perfectly fine.",
)
FILLERS = (
    "Teams in that position often find that rep activity is the first thing to slip out of view.",
    "The teams that ramp fastest tend to agree on one shared playbook early.",
)
NO_FACT_OPENER = "A quick note for the {company} team."


def compose_sequence(context: LeadContext, seller: Seller, *, variant: int) -> SequenceDraft:
    """Three touches for the lead from its usable facts (best opener first) and the seller's own text."""
    facts = _pick_facts(by_priority(usable_facts(context.facts)))
    greeting = f"Hi {context.contact_first_name}," if context.contact_first_name else "Hello,"
    company = context.company

    def pick(options: tuple[str, ...], slot: int) -> str:
        return options[(variant + slot) % len(options)].format(company=company)

    def opening(fact: ResearchFact | None, slot: int) -> tuple[str, Angle]:
        if fact is None:
            return NO_FACT_OPENER.format(company=company), ANGLES[FactKind.OTHER]
        angle = ANGLES[kind_of(fact)]
        return f"{as_sentence(fact, company)} {pick(angle.bridges, slot)}", angle

    hook_1, angle_1 = opening(facts[0], 0)
    pitch_1 = f"{seller.product} is {_lower_first(seller.summary)}"
    body_1 = _body(greeting, [hook_1, pitch_1], pick(QUESTIONS_1, 0))

    hook_2, angle_2 = opening(facts[1], 1)
    pitch_2 = f"With {seller.product}, the team gets {_lower_first(seller.value)}"
    body_2 = _body(greeting, [hook_2, pitch_2], pick(QUESTIONS_2, 1))
    who = f"Ask {context.contact_first_name}" if context.contact_first_name else "Ask"
    script = f"{who} {angle_2.call_topic}, and whether sequences live in spreadsheets today. "
    script += f"Offer a short walkthrough of {seller.product}."

    hook_3, angle_3 = opening(facts[2], 2)
    pitch_3 = f"A short walkthrough of {seller.product} can be built around exactly that."
    body_3 = _body(greeting, [f"One more thought. {hook_3}", pitch_3], pick(CLOSINGS_3, 2))

    touches = [
        _touch(1, _subject(angle_1, variant, company), body_1),
        _touch(2, _subject(angle_2, variant + 1, company), body_2, call_script=script),
        _touch(3, _subject(angle_3, variant + 2, company), body_3),
    ]
    return SequenceDraft(touches=touches)


def _pick_facts(facts: list[ResearchFact]) -> list[ResearchFact | None]:
    """One fact per touch: the best opener first, then facts of other kinds, then whatever is left."""
    chosen: list[ResearchFact] = facts[:1]
    rest = facts[1:]
    while rest and len(chosen) < 3:
        kinds = {kind_of(fact) for fact in chosen}
        fresh = next((fact for fact in rest if kind_of(fact) not in kinds), rest[0])
        chosen.append(fresh)
        rest.remove(fresh)
    return [*chosen, *([None] * (3 - len(chosen)))]


def _body(greeting: str, paragraphs: list[str], closing: str) -> str:
    body = "\n\n".join([greeting, *paragraphs, closing])
    for filler in FILLERS:
        if word_count(body) >= MIN_WORDS:
            break
        paragraphs = [*paragraphs[:-1], f"{paragraphs[-1]} {filler}"]
        body = "\n\n".join([greeting, *paragraphs, closing])
    if word_count(body) > MAX_WORDS:
        # The seller's paragraph goes first: the research is what makes the email worth reading.
        body = "\n\n".join([greeting, paragraphs[0], closing])
    return body


def _subject(angle: Angle, variant: int, company: str) -> str:
    for offset in range(len(angle.subjects)):
        subject = angle.subjects[(variant + offset) % len(angle.subjects)].format(company=company)
        if len(subject) <= MAX_SUBJECT_CHARS:
            return subject
    return "A thought for the sales team"


def _touch(step: int, subject: str, body: str, *, call_script: str | None = None) -> Touch:
    day, channel = TOUCH_PLAN[step]
    return Touch(step=step, day_offset=day, channel=channel, subject=subject, body=body, call_script=call_script)


def _lower_first(text: str) -> str:
    first, _, rest = text.strip().partition(" ")
    if first.lower() in {"a", "an", "the", "one", "all", "every", "each", "more", "faster", "better"}:
        return f"{first.lower()} {rest}"
    return text.strip()
