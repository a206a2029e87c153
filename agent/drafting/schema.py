"""The shape of a drafted sequence and of the lead context it is grounded in.

Only structure is enforced here (three touches, their days and channels). Style and grounding are the
slop rules (`agent.drafting.slop`), which report every failure instead of stopping at the first one, so
a failing draft can be fed back to the drafter whole.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.models.sequences import TouchChannel

# step -> (day_offset, channel): the plan of DESIGN.md, the same one the `touches` table CHECKs.
TOUCH_PLAN: dict[int, tuple[int, TouchChannel]] = {
    1: (0, TouchChannel.EMAIL),
    2: (3, TouchChannel.CALL_AND_EMAIL),
    3: (7, TouchChannel.EMAIL),
}
# The touches columns' sizes: a longer text could not be stored, whatever the slop rules say.
SUBJECT_MAX_CHARS = 200
BODY_MAX_CHARS = 5000
CALL_SCRIPT_MAX_CHARS = 1000


class ResearchFact(BaseModel):
    """One fact about the lead's company, with the page it came from."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    source_url: str = Field(min_length=1, max_length=2000)


class LeadContext(BaseModel):
    """Everything a draft may state as fact: the lead's fields, the research and the enrichment."""

    model_config = ConfigDict(frozen=True)

    company: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    contact_name: str | None = None
    contact_title: str | None = None
    industry: str | None = None
    facts: list[ResearchFact] = Field(default_factory=list)
    enrichment: dict[str, str | int | float] = Field(default_factory=dict)

    @property
    def contact_first_name(self) -> str | None:
        """The contact's first name, for the greeting."""
        return self.contact_name.split()[0] if self.contact_name and self.contact_name.strip() else None


class Touch(BaseModel):
    """One touch of a drafted sequence; step 2 also carries the rep's short call script."""

    step: int = Field(ge=1, le=3)
    day_offset: int
    channel: TouchChannel
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX_CHARS)
    body: str = Field(min_length=1, max_length=BODY_MAX_CHARS)
    call_script: str | None = Field(default=None, max_length=CALL_SCRIPT_MAX_CHARS)

    @model_validator(mode="after")
    def _follows_the_plan(self) -> Self:
        day, channel = TOUCH_PLAN[self.step]
        if self.day_offset != day:
            raise ValueError(f"touch {self.step} must be on day {day}, not day {self.day_offset}")
        if self.channel != channel:
            raise ValueError(f"touch {self.step} must be {channel.value!r}, not {self.channel.value!r}")
        has_script = bool(self.call_script and self.call_script.strip())
        if self.step == 2 and not has_script:
            raise ValueError("touch 2 (call + email) needs a call_script for the call")
        if self.step != 2 and self.call_script is not None:
            raise ValueError(f"touch {self.step} is an email only; call_script belongs to touch 2")
        return self


class SequenceDraft(BaseModel):
    """Exactly three touches: email on day 0, call + email on day 3, follow-up email on day 7."""

    touches: list[Touch]

    @model_validator(mode="after")
    def _three_touches_in_order(self) -> Self:
        steps = [touch.step for touch in self.touches]
        if steps != [1, 2, 3]:
            raise ValueError(f"a sequence has exactly touches 1, 2, 3 in that order; got steps {steps}")
        return self

    def touch(self, step: int) -> Touch:
        """The touch with this step number (1, 2 or 3)."""
        for touch in self.touches:
            if touch.step == step:
                return touch
        raise KeyError(step)
