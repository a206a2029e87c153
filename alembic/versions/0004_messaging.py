"""messaging schema: no change needed

The outbox (`outbound_messages`), the inbound log (`inbound_messages`, MessageSid unique among signed
calls) and `approvals` (one pending draft per rep) were created complete by 0001. The SMS half of the
workflow issue (Twilio sender, webhook, dispatcher, simulator) works on those tables as they are, so this
revision only keeps its place in the chain.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: see the module docstring."""


def downgrade() -> None:
    """Nothing to undo."""
