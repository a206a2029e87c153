"""Sending SMS: the interface the outbound dispatcher (workers) sends through.

The agent package may never import this module (import contract in pyproject.toml). The Twilio client
and the local outbox stand-in arrive with the approvals workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SentSms:
    """What the provider said about a message it accepted."""

    provider_sid: str
    status: str


class SmsSender(Protocol):
    """Something that can deliver one SMS."""

    def send(self, *, to: str, body: str) -> SentSms:
        """Hand one message to the provider; raises on refusal."""
        ...
