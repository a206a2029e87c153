"""rep explanations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

`rep_explanations`: what a rep texted back, when asked, about drafts of a workday left unsent (SMS
talk-back, `core/talkback.py`): the rep's text verbatim, the company-local workday it explains
(`for_date`), and the inbound message it came in. One per rep and workday (unique (rep_id, for_date)), so
an explanation is recorded once, even when two texts race. (The revision was a placeholder reserved for
the evals issue, which needed no schema of its own; the file name is kept so the chain does not move.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rep_explanations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("for_date", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=1600), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_rep_explanations_inbound_message_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_rep_explanations_rep_id_reps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_explanations")),
        sa.UniqueConstraint("rep_id", "for_date", name=op.f("uq_rep_explanations_rep_id_for_date")),
    )


def downgrade() -> None:
    op.drop_table("rep_explanations")
