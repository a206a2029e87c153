"""Pushing email drafts into a rep's mailbox: the interface the workers use.

The agent package may never import this module (import contract in pyproject.toml). The Gmail API client
and the local .eml stand-in arrive with the approvals workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Draft:
    """A draft as the mailbox holds it."""

    draft_id: str
    mailbox: str


class MailDrafts(Protocol):
    """A mailbox that can hold drafts for a rep to review and send themselves."""

    def create_draft(self, *, mailbox: str, to: str, subject: str, body: str) -> Draft:
        """Create a draft; returns its id in the mailbox."""
        ...
