"""Reps' explanations for unsent drafts, texted back over SMS, for founders to read."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.base import created_at_field, id_field


class RepExplanation(SQLModel, table=True):
    """Why a rep left drafts of one workday unsent: one per rep and workday, the rep's own words verbatim."""

    __tablename__ = "rep_explanations"
    __table_args__ = (sa.UniqueConstraint("rep_id", "for_date"),)

    id: int | None = id_field()
    created_at: datetime = created_at_field()
    rep_id: int = Field(foreign_key="reps.id")
    # The company-local workday whose drafts are explained (not the day the text arrived).
    for_date: date
    text: str = Field(max_length=1600)
    inbound_message_id: int | None = Field(default=None, foreign_key="inbound_messages.id")
