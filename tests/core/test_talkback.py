"""Talking back over SMS: the rules (pure, table-driven) and what they read and write."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from core.models import ApprovalStatus, AuditEvent, Lead, LeadStatus, RepExplanation
from core.nudge import DraftDay
from core.quota import plan_quota
from core.replies import ReplyKind, parse_reply
from core.talkback import (
    EXPLANATION_THANKS,
    NO_LEADS_TEXT,
    OwedExplanation,
    TalkbackKind,
    answer_lead,
    answer_other_text,
    answer_status,
    assign_next_lead,
    explanation_owed,
    is_explanation,
    lead_text,
    owed_explanation,
    record_explanation,
    refusal_text,
    status_text,
)
from tests.factories import create_draft, create_lead, create_rep

TUE, WED = date(2026, 11, 24), date(2026, 11, 25)
# Wednesday 10:00 in New York; the previous workday is Tuesday the 24th.
NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)
ON_TUESDAY = datetime(2026, 11, 24, 15, tzinfo=UTC)
LONG = " ".join(["I was at the Reno trade show all day and only had my phone, so none of the drafts went out."] * 2)


@pytest.mark.parametrize(
    ("drafts", "explained", "owed"),
    [
        (DraftDay(TUE, 0, 0), False, None),
        (DraftDay(TUE, 15, 15), False, None),
        (DraftDay(TUE, 15, 12), False, OwedExplanation(TUE, 15, 12)),
        (DraftDay(TUE, 15, 0), False, OwedExplanation(TUE, 15, 0)),
        (DraftDay(TUE, 15, 12), True, None),
        (DraftDay(TUE, 1, 0), False, OwedExplanation(TUE, 1, 0)),
    ],
)
def test_an_explanation_is_owed_for_unsent_unexplained_drafts(drafts, explained, owed) -> None:  # type: ignore[no-untyped-def]
    assert explanation_owed(drafts, explained=explained) == owed


@pytest.mark.parametrize(
    ("body", "approval_pending", "expected"),
    [
        ("was sick", False, True),
        ("was sick", True, True),  # short other text: an explanation, the approval stays pending
        (LONG, False, True),  # a long explanation with nothing to edit
        (LONG, True, False),  # with an approval pending, an edit-length text is an edit
        ("Y", True, False),
        ("Y", False, False),  # an approval word never explains
        ("N", False, False),
        ("STATUS", False, False),
        ("lead", False, False),
        ("HELP", False, False),
        ("STOP", False, False),
        ("", False, False),
        ("   ", False, False),
    ],
)
def test_which_texts_stand_as_an_explanation(body: str, approval_pending: bool, expected: bool) -> None:
    reply = parse_reply(body)
    assert is_explanation(reply.kind, body, approval_pending=approval_pending) is expected


def test_reply_texts() -> None:
    plan = plan_quota(sent_this_week=28, weekly_floor=200, workdays_left=3, daily_cap=15)
    assert status_text(plan) == "28/200 this week, 172 to floor, 3 workdays left -> 58/day, capped at 15."
    assert refusal_text(OwedExplanation(date(2026, 11, 23), 15, 12)) == (
        "3 of 15 drafts from Monday are unsent: reply with why, then LEAD again."
    )
    assert lead_text(company="Acme", domain="acme.example") == (
        "Your next lead: Acme (acme.example). It is assigned to you."
    )
    assert "contact Dana Lee" in lead_text(company="Acme", domain="acme.example", contact="Dana Lee")


def test_keywords_parse_in_any_case() -> None:
    assert [parse_reply(body).kind for body in ("STATUS", " status. ", "Lead", "lead!")] == [
        ReplyKind.STATUS, ReplyKind.STATUS, ReplyKind.LEAD, ReplyKind.LEAD]  # fmt: skip


def test_owed_reads_the_previous_workday_and_recorded_explanations(session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    assert owed_explanation(session=session, rep_id=rep.id, now=NOW, tz=settings.tz) is None
    create_draft(session, rep, ON_TUESDAY, ApprovalStatus.APPROVED)
    create_draft(session, rep, ON_TUESDAY, ApprovalStatus.SKIPPED)
    create_draft(session, rep, ON_TUESDAY)
    create_draft(session, rep, NOW)  # today's draft is not yet owed
    assert owed_explanation(session=session, rep_id=rep.id, now=NOW, tz=settings.tz) == OwedExplanation(TUE, 3, 1)
    assert record_explanation(session=session, rep_id=rep.id, for_date=TUE, text=" sick ", inbound_message_id=None,
                              now=NOW)  # fmt: skip
    assert not record_explanation(session=session, rep_id=rep.id, for_date=TUE, text="again", inbound_message_id=None,
                                  now=NOW)  # fmt: skip
    assert [row.text for row in session.exec(select(RepExplanation))] == ["sick"]
    assert owed_explanation(session=session, rep_id=rep.id, now=NOW, tz=settings.tz) is None


def test_monday_looks_back_to_friday(session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    create_draft(session, rep, datetime(2026, 11, 20, 15, tzinfo=UTC))  # Friday
    monday = datetime(2026, 11, 23, 14, tzinfo=UTC)
    owed = owed_explanation(session=session, rep_id=rep.id, now=monday, tz=settings.tz)
    assert owed == OwedExplanation(date(2026, 11, 20), 1, 0)
    assert refusal_text(owed).startswith("1 of 1 drafts from Friday")


def test_status_is_always_answered(session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    create_draft(session, rep, ON_TUESDAY)  # an explanation is owed: STATUS is answered all the same
    answer = answer_status(session=session, rep_id=rep.id, now=NOW, settings=settings)
    assert answer.kind is TalkbackKind.STATUS
    assert answer.text.startswith(f"0/{settings.weekly_email_floor} this week")
    assert "3 workdays left" in answer.text


def test_lead_refused_then_given_after_the_explanation(session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    create_draft(session, rep, ON_TUESDAY)
    lead = create_lead(session, company="Acme", domain="acme.example", contact_name="Dana Lee")
    refused = answer_lead(session=session, rep_id=rep.id, now=NOW, settings=settings)
    assert (refused.kind, refused.text) == (TalkbackKind.LEAD_REFUSED,
                                            "1 of 1 drafts from Tuesday are unsent: reply with why, then LEAD again.")
    assert session.get(Lead, lead.id).status == LeadStatus.NEW  # type: ignore[union-attr]
    explained = answer_other_text(session=session, rep_id=rep.id, text="client call ran long", inbound_message_id=None,
                                  now=NOW, settings=settings)  # fmt: skip
    assert explained is not None and explained.text == EXPLANATION_THANKS
    given = answer_lead(session=session, rep_id=rep.id, now=NOW, settings=settings)
    assert (given.kind, given.lead_id) == (TalkbackKind.LEAD_ASSIGNED, lead.id)
    assert given.text == "Your next lead: Acme (acme.example), contact Dana Lee. It is assigned to you."
    row = session.get(Lead, lead.id)
    assert row is not None and (row.status, row.assigned_rep_id) == (LeadStatus.ASSIGNED, rep.id)
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "lead.assigned_by_sms")).one()
    assert audit.subject_id == lead.id
    none_left = answer_lead(session=session, rep_id=rep.id, now=NOW, settings=settings)
    assert (none_left.kind, none_left.text) == (TalkbackKind.NO_LEADS, NO_LEADS_TEXT)


def test_other_text_without_anything_owed_is_not_recorded(session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    create_draft(session, rep, ON_TUESDAY, ApprovalStatus.EDITED)
    assert answer_other_text(session=session, rep_id=rep.id, text="hi", inbound_message_id=None, now=NOW,
                             settings=settings) is None  # fmt: skip
    assert session.exec(select(RepExplanation)).all() == []


def test_only_new_unassigned_leads_oldest_first(session: Session) -> None:
    rep, other = create_rep(session), create_rep(session)
    create_lead(session, status=LeadStatus.DISQUALIFIED)
    create_lead(session, assigned_rep_id=other.id)
    first, second = create_lead(session), create_lead(session)
    assert [assign_next_lead(session=session, rep_id=rep.id, now=NOW).id for _ in range(2)] == [  # type: ignore[union-attr]
        first.id, second.id]  # fmt: skip
    assert assign_next_lead(session=session, rep_id=rep.id, now=NOW) is None


def test_concurrent_lead_requests_never_share_a_lead(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        reps = [create_rep(session).id for _ in range(4)]
        for _ in range(3):
            create_lead(session)
        session.commit()
    barrier = threading.Barrier(len(reps))
    got: dict[int, int | None] = {}

    def ask(rep_id: int) -> None:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            lead = assign_next_lead(session=own, rep_id=rep_id, now=NOW)
            own.commit()
            got[rep_id] = lead.id if lead else None

    threads = [threading.Thread(target=ask, args=(rep_id,)) for rep_id in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    given = [lead_id for lead_id in got.values() if lead_id is not None]
    assert len(got) == 4 and len(given) == 3 and len(set(given)) == 3
    with Session(engine) as session:
        owners = {lead.id: lead.assigned_rep_id for lead in session.exec(select(Lead))}
    assert all(owners[lead_id] == rep_id for rep_id, lead_id in got.items() if lead_id is not None)


def test_every_talk_back_kind_is_an_inbound_outcome() -> None:
    from core.inbound import InboundOutcome

    assert {kind.value for kind in TalkbackKind} <= {outcome.value for outcome in InboundOutcome}
