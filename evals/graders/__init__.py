"""Deterministic graders: plain code over a case and the agent's output, each failure with its reason.

An LLM judge, if one is ever added, lives in `evals/judge.py`, is optional, and may only add failures to a
case these graders have already judged: it is never the only grader of a case.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Grade:
    """A case's grade: passed when no check failed; `failures` say why, `notes` add context."""

    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every check held."""
        return not self.failures

    def fail(self, reason: str) -> None:
        """Record a failed check."""
        self.failures.append(reason)
