"""`POST /api/twilio/sms` and `/api/twilio/status`: signed, recorded once, allowlisted, never a 5xx.

Requests are signed exactly as Twilio signs them (RequestValidator over PUBLIC_BASE_URL + path), with the
local simulator's token since Twilio is not configured in tests; Redis and the database are real.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from rq import Queue
from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.models import Approval, AuditEvent, InboundMessage, OutboundMessage, Rep
from core.replies import CLARIFY_TEXT, HELP_TEXT
from sales_dashboard.api import create_api
from sales_dashboard.api.twilio import EMPTY_TWIML, MAX_REQUEST_BYTES, SMS_PATH, STATUS_PATH, sign_params
from tests.factories import create_founder, create_outbound_message, create_pending_approval, create_rep
from workers.queues import QueueName, get_queue, sequence_job_id

LONG_EDIT = " ".join(["Hi Dana, a short note on your new warehouse and how we cut pick errors."] * 3)


@pytest.fixture
def client(settings, engine, redis_conn) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_api(settings), raise_server_exceptions=False) as test_client:
        yield test_client


_sids = iter(range(1, 1_000_000))


def sms_params(from_number: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {"MessageSid": sid or f"SM{next(_sids):032d}", "AccountSid": "AC" + "1" * 32, "From": from_number,
            "To": "+15005550006", "Body": body, "NumMedia": "0"}


def post_signed(client: TestClient, settings, params: dict[str, str], path: str = SMS_PATH,  # type: ignore[no-untyped-def]
                query: str = ""):
    url = settings.public_base_url.rstrip("/") + path + (f"?{query}" if query else "")
    return client.post(path + (f"?{query}" if query else ""), content=urlencode(params),
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "X-Twilio-Signature": sign_params(settings, url, params)})


def setup_rep(engine) -> tuple[int, int, int, str]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        rep = create_rep(session)
        approval = create_pending_approval(session, rep, subject_id=42)
        session.commit()
        assert rep.id and approval.id
        return rep.id, approval.id, approval.subject_id, rep.phone


def approval_row(engine, approval_id: int) -> Approval:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Approval, approval_id)
        assert row is not None
        return row


def inbound_rows(engine) -> list[InboundMessage]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(InboundMessage).order_by(InboundMessage.id)))  # type: ignore[arg-type]


def replies(engine) -> list[OutboundMessage]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(OutboundMessage).where(OutboundMessage.purpose == "reply")))


def assert_twiml(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == EMPTY_TWIML


def test_a_signed_y_approves_and_enqueues_the_resume(client, settings, engine, redis_conn) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, sequence_id, phone = setup_rep(engine)
    started = time.perf_counter()
    response = post_signed(client, settings, sms_params(phone, " y. "))
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 200
    assert_twiml(response)
    row = approval_row(engine, approval_id)
    assert (row.status, row.resolved_by, row.reply_text) == ("approved", f"rep:{rep_id}", "y.")
    [inbound] = inbound_rows(engine)
    assert (inbound.signature_ok, inbound.allowed, inbound.outcome, inbound.rep_id) == (True, True, "approved", rep_id)
    assert sequence_job_id(sequence_id) in get_queue(QueueName.AGENT, connection=redis_conn).job_ids
    [reply] = replies(engine)
    assert reply.to_number == phone and reply.shadow_mode is True  # the system is in shadow: logged, never sent
    assert get_queue(QueueName.OUTBOUND, connection=redis_conn).count == 1


@pytest.mark.parametrize(
    ("body", "status", "outcome"),
    [("No", "skipped", "skipped"), ("SKIP!", "skipped", "skipped"), (LONG_EDIT, "edited", "edited"),
     ("Yes", "approved", "approved"), ("OK", "approved", "approved")],
)
def test_answers_resolve_the_pending_approval(client, settings, engine, body, status, outcome) -> None:  # type: ignore[no-untyped-def]
    _, approval_id, _, phone = setup_rep(engine)
    assert post_signed(client, settings, sms_params(phone, body)).status_code == 200
    row = approval_row(engine, approval_id)
    assert row.status == status
    if status == "edited":
        assert row.reply_text == LONG_EDIT
    assert inbound_rows(engine)[0].outcome == outcome


def test_short_unclear_text_changes_nothing_and_asks_again(client, settings, engine, redis_conn) -> None:  # type: ignore[no-untyped-def]
    _, approval_id, _, phone = setup_rep(engine)
    assert post_signed(client, settings, sms_params(phone, "maybe later")).status_code == 200
    assert approval_row(engine, approval_id).status == "pending"
    assert [reply.body for reply in replies(engine)] == [CLARIFY_TEXT]
    assert get_queue(QueueName.AGENT, connection=redis_conn).count == 0


def test_nothing_pending_is_said_so(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        rep = create_rep(session)
        session.commit()
    assert post_signed(client, settings, sms_params(rep.phone, "Y")).status_code == 200
    assert inbound_rows(engine)[0].outcome == "nothing_pending"


def test_stop_start_help_and_yes_as_twilio_opt_in(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, _, phone = setup_rep(engine)

    def opted_out() -> bool:
        with Session(engine, expire_on_commit=False) as session:
            return bool(session.get(Rep, rep_id).opted_out)  # type: ignore[union-attr]

    post_signed(client, settings, sms_params(phone, "STOP"))
    assert opted_out() and approval_row(engine, approval_id).status == "pending"
    post_signed(client, settings, sms_params(phone, "start"))
    assert not opted_out()
    post_signed(client, settings, sms_params(phone, "Unsubscribe"))
    assert opted_out()
    # YES is Twilio's opt-in keyword too: it approves here and clears the flag, as Twilio re-subscribed the number.
    post_signed(client, settings, sms_params(phone, "YES"))
    assert not opted_out() and approval_row(engine, approval_id).status == "approved"
    post_signed(client, settings, sms_params(phone, "help"))
    assert HELP_TEXT in [reply.body for reply in replies(engine)]
    assert [row.outcome for row in inbound_rows(engine)] == ["opted_out", "opted_in", "opted_out", "approved", "help"]
    with Session(engine, expire_on_commit=False) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.subject_type == "rep"))]
    assert actions == ["rep.opted_out", "rep.opted_in", "rep.opted_out", "rep.opted_in"]


def test_a_signed_query_string_is_part_of_the_url(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    _, approval_id, _, phone = setup_rep(engine)
    assert post_signed(client, settings, sms_params(phone, "Y"), query="src=twilio&x=1").status_code == 200
    assert approval_row(engine, approval_id).status == "approved"


def test_founders_are_recorded_and_change_nothing(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    _, approval_id, _, _ = setup_rep(engine)
    with Session(engine, expire_on_commit=False) as session:
        founder = create_founder(session, phone="+12125559998")
        session.commit()
    assert post_signed(client, settings, sms_params(founder.phone or "", "Y")).status_code == 200
    assert approval_row(engine, approval_id).status == "pending"
    [row] = inbound_rows(engine)
    assert (row.allowed, row.founder_id, row.outcome) == (True, founder.id, "founder_message")


# --- hostile calls: no state change, no 5xx, each recorded --------------------------------------------------


def assert_untouched(engine, approval_id: int, rep_id: int) -> None:  # type: ignore[no-untyped-def]
    assert approval_row(engine, approval_id).status == "pending"
    with Session(engine, expire_on_commit=False) as session:
        assert session.get(Rep, rep_id).opted_out is False  # type: ignore[union-attr]
    assert replies(engine) == []


def form(params: dict[str, str]) -> dict[str, str]:
    return {"content": urlencode(params)}  # type: ignore[dict-item]


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_unsigned_call_is_403_and_recorded(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, _, phone = setup_rep(engine)
    response = client.post(SMS_PATH, content=urlencode(sms_params(phone, "STOP")), headers=FORM)
    assert response.status_code == 403
    assert_untouched(engine, approval_id, rep_id)
    [row] = inbound_rows(engine)
    assert (row.signature_ok, row.allowed, row.outcome, row.body) == (False, False, "bad_signature", "STOP")


def test_wrongly_signed_tampered_and_wrong_url_are_403(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, _, phone = setup_rep(engine)
    params = sms_params(phone, "N")
    url = settings.public_base_url.rstrip("/") + SMS_PATH
    other_token = settings.model_copy(update={"local_sms_auth_token": SecretStr("not-the-token")})
    wrong = client.post(SMS_PATH, content=urlencode(params),
                        headers={**FORM, "X-Twilio-Signature": sign_params(other_token, url, params)})
    tampered = client.post(SMS_PATH, content=urlencode({**params, "Body": "Y"}),
                           headers={**FORM, "X-Twilio-Signature": sign_params(settings, url, params)})
    wrong_url = client.post(SMS_PATH, content=urlencode(params),
                            headers={**FORM, "X-Twilio-Signature": sign_params(
                                settings, "https://evil.example/api/twilio/sms", params)})
    extra_query = client.post(SMS_PATH + "?x=1", content=urlencode(params),
                              headers={**FORM, "X-Twilio-Signature": sign_params(settings, url, params)})
    assert [r.status_code for r in (wrong, tampered, wrong_url, extra_query)] == [403, 403, 403, 403]
    assert_untouched(engine, approval_id, rep_id)
    assert [row.outcome for row in inbound_rows(engine)] == ["bad_signature"] * 4
    # A forged call carrying the real MessageSid first does not make the genuine call look like a replay.
    assert post_signed(client, settings, params).status_code == 200
    assert approval_row(engine, approval_id).status == "skipped"


def test_a_replayed_message_sid_changes_nothing(client, settings, engine, redis_conn) -> None:  # type: ignore[no-untyped-def]
    _, approval_id, _, phone = setup_rep(engine)
    first = post_signed(client, settings, sms_params(phone, "Y", sid="SM" + "7" * 32))
    with Session(engine, expire_on_commit=False) as session:  # a new draft is waiting when the replay arrives
        rep = session.exec(select(Rep).where(Rep.phone == phone)).one()
        second_approval = create_pending_approval(session, rep, subject_id=43)
        session.commit()
    replay = post_signed(client, settings, sms_params(phone, "Y", sid="SM" + "7" * 32))
    assert first.status_code == replay.status_code == 200 and first.text == replay.text
    assert approval_row(engine, approval_id).status == "approved"
    assert approval_row(engine, second_approval.id).status == "pending"  # type: ignore[arg-type]
    assert len(inbound_rows(engine)) == 1 and len(replies(engine)) == 1
    assert get_queue(QueueName.AGENT, connection=redis_conn).count == 1
    with Session(engine, expire_on_commit=False) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "sms.inbound_replay")).one()


def test_an_unknown_number_is_recorded_and_changes_nothing(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, _, _ = setup_rep(engine)
    for sender in ("+12125550999", "not a number"):
        assert post_signed(client, settings, sms_params(sender, "Y")).status_code == 200
    with Session(engine, expire_on_commit=False) as session:
        inactive = create_rep(session, active=False)
        create_pending_approval(session, inactive)
        session.commit()
    assert post_signed(client, settings, sms_params(inactive.phone, "Y")).status_code == 200
    assert_untouched(engine, approval_id, rep_id)
    rows = inbound_rows(engine)
    assert [(row.allowed, row.outcome) for row in rows] == [(False, "unknown_number")] * 3
    with Session(engine, expire_on_commit=False) as session:
        assert session.exec(select(Approval).where(Approval.rep_id == inactive.id)).one().status == "pending"


@pytest.mark.parametrize(
    ("content", "headers", "outcome"),
    [
        (b"x" * (MAX_REQUEST_BYTES + 1), FORM, "oversized"),
        (b"Body=" + b"a" * 40_000, {**FORM, "Content-Length": "40005"}, "oversized"),
        (b"\xff\xfe\xfa", FORM, "malformed"),
        (b"MessageSid=SM1&From=%2B1&Body=Y", {"Content-Type": "application/json"}, "malformed"),
        (b"a=1&&b", FORM, "malformed"),
        (b"Body=Y&Body=N", FORM, "malformed"),
        (b"&".join(b"f%d=1" % i for i in range(100)), FORM, "malformed"),
    ],
)
def test_oversized_and_malformed_bodies_are_400(client, settings, engine, content, headers, outcome) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, _, _ = setup_rep(engine)
    response = client.post(SMS_PATH, content=content, headers=headers)
    assert response.status_code == 400
    assert_untouched(engine, approval_id, rep_id)
    [row] = inbound_rows(engine)
    assert (row.signature_ok, row.allowed, row.outcome) == (False, False, outcome)


def test_a_signed_call_without_the_fields_is_400(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    rep_id, approval_id, _, phone = setup_rep(engine)
    no_sid = {k: v for k, v in sms_params(phone, "Y").items() if k != "MessageSid"}
    huge_body = sms_params(phone, "y" * 1601)
    assert post_signed(client, settings, no_sid).status_code == 400
    assert post_signed(client, settings, huge_body).status_code == 400
    assert_untouched(engine, approval_id, rep_id)
    assert [row.outcome for row in inbound_rows(engine)] == ["malformed", "malformed"]


def test_get_is_not_allowed(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(SMS_PATH).status_code == 405


# --- status callback -----------------------------------------------------------------------------------------


def test_status_callback_moves_forward_only(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        rep = create_rep(session)
        message = create_outbound_message(session, to_number=rep.phone, status="sent", provider_sid="SM" + "5" * 32)
        session.commit()

    def status() -> str:
        with Session(engine, expire_on_commit=False) as session:
            return str(session.get(OutboundMessage, message.id).status)  # type: ignore[union-attr]

    def callback(value: str, **extra: str):  # type: ignore[no-untyped-def]
        return post_signed(client, settings, {"MessageSid": "SM" + "5" * 32, "MessageStatus": value, **extra},
                           path=STATUS_PATH)

    assert callback("sending").status_code == 204 and status() == "sent"
    assert callback("delivered").status_code == 204 and status() == "delivered"
    assert callback("sent").status_code == 204 and status() == "delivered"
    assert callback("failed", ErrorCode="30003").status_code == 204 and status() == "delivered"
    assert post_signed(client, settings, {"MessageSid": "SMnope", "MessageStatus": "delivered"},
                       path=STATUS_PATH).status_code == 204
    unsigned = client.post(STATUS_PATH, content=urlencode({"MessageSid": "SM" + "5" * 32, "MessageStatus": "failed"}),
                           headers=FORM)
    assert unsigned.status_code == 403 and status() == "delivered"


def test_status_callback_records_failure_reason(client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        rep = create_rep(session)
        message = create_outbound_message(session, to_number=rep.phone, status="unknown", provider_sid="SM" + "6" * 32)
        session.commit()
    post_signed(client, settings, {"MessageSid": "SM" + "6" * 32, "MessageStatus": "undelivered", "ErrorCode": "30005"},
                path=STATUS_PATH)
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(OutboundMessage, message.id)
        assert row is not None and row.status == "failed" and "30005" in (row.error or "")


def test_queue_name_helper_is_real(redis_conn) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(get_queue(QueueName.AGENT, connection=redis_conn), Queue)


# --- Talking back: STATUS, LEAD and explanations (core/talkback.py), on a fixed clock -------------------------

from datetime import UTC, datetime  # noqa: E402

from starlette.applications import Starlette  # noqa: E402

from core.clock import FixedClock  # noqa: E402
from core.models import ApprovalStatus, Lead, RepExplanation  # noqa: E402
from core.talkback import EXPLANATION_THANKS, NO_LEADS_TEXT  # noqa: E402
from sales_dashboard.api.twilio import twilio_routes  # noqa: E402
from tests.factories import create_draft, create_lead  # noqa: E402

# Wednesday 25 November 2026, 10:00 in New York: the previous workday is Tuesday the 24th.
TALK_NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)
ON_TUESDAY = datetime(2026, 11, 24, 15, tzinfo=UTC)


@pytest.fixture
def clocked_client(settings, engine, redis_conn) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = Starlette(routes=twilio_routes(settings, clock=FixedClock(TALK_NOW)))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def rep_with_unsent_drafts(engine, *, pending: bool = False) -> tuple[int, str, int | None]:  # type: ignore[no-untyped-def]
    """A rep with 3 drafts on Tuesday, 1 of them approved (2 unsent); optionally an approval in flight."""
    with Session(engine, expire_on_commit=False) as session:
        rep = create_rep(session)
        create_draft(session, rep, ON_TUESDAY, ApprovalStatus.APPROVED)
        create_draft(session, rep, ON_TUESDAY, ApprovalStatus.EXPIRED)
        create_draft(session, rep, ON_TUESDAY)
        approval = create_pending_approval(session, rep) if pending else None
        session.commit()
        assert rep.id is not None
        return rep.id, rep.phone, approval.id if approval else None


def explanations(engine) -> list[RepExplanation]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(RepExplanation)))


def reply_bodies(engine) -> list[str]:  # type: ignore[no-untyped-def]
    return [reply.body for reply in sorted(replies(engine), key=lambda row: row.id or 0)]


def test_status_answers_the_quota_math(clocked_client, settings, engine, redis_conn) -> None:  # type: ignore[no-untyped-def]
    _, phone, _ = rep_with_unsent_drafts(engine)
    params = sms_params(phone, " status ")
    response = post_signed(clocked_client, settings, params)
    assert response.status_code == 200
    assert_twiml(response)
    [reply] = replies(engine)
    assert reply.body == f"0/{settings.weekly_email_floor} this week, {settings.weekly_email_floor} to floor, " \
        f"3 workdays left -> 67/day, capped at {settings.daily_draft_cap}."
    assert reply.idempotency_key == f"reply:{params['MessageSid']}" and reply.shadow_mode is True
    assert inbound_rows(engine)[0].outcome == "status"
    assert get_queue(QueueName.OUTBOUND, connection=redis_conn).count == 1


def test_lead_is_refused_until_explained_and_the_explanation_is_recorded_once(  # type: ignore[no-untyped-def]
    clocked_client, settings, engine
) -> None:
    rep_id, phone, _ = rep_with_unsent_drafts(engine)
    with Session(engine, expire_on_commit=False) as session:
        lead = create_lead(session, company="Acme", domain="acme.example")
        session.commit()
    post_signed(clocked_client, settings, sms_params(phone, "LEAD"))
    explanation = sms_params(phone, "Client workshop all day, sending them today")
    post_signed(clocked_client, settings, explanation)
    post_signed(clocked_client, settings, explanation)  # Twilio's retry: a replay, recorded nothing new
    post_signed(clocked_client, settings, sms_params(phone, "also the CRM was down"))  # explained already: clarify
    post_signed(clocked_client, settings, sms_params(phone, "lead"))
    assert reply_bodies(engine) == [
        "2 of 3 drafts from Tuesday are unsent: reply with why, then LEAD again.",
        EXPLANATION_THANKS,
        CLARIFY_TEXT,
        "Your next lead: Acme (acme.example). It is assigned to you.",
    ]
    assert [row.outcome for row in inbound_rows(engine)] == [
        "lead_refused", "explained", "clarify", "lead_assigned"]  # fmt: skip
    [row] = explanations(engine)
    inbound_id = inbound_rows(engine)[1].id
    assert (row.rep_id, str(row.for_date), row.text, row.inbound_message_id) == (
        rep_id, "2026-11-24", "Client workshop all day, sending them today", inbound_id)  # fmt: skip
    with Session(engine, expire_on_commit=False) as session:
        assigned = session.get(Lead, lead.id)
    assert assigned is not None and (assigned.status, assigned.assigned_rep_id) == ("assigned", rep_id)


def test_lead_gives_two_reps_distinct_leads(clocked_client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        first, second = create_rep(session), create_rep(session)
        leads = [create_lead(session), create_lead(session)]
        session.commit()
    for rep in (first, second, first):
        post_signed(clocked_client, settings, sms_params(rep.phone, "Lead."))
    with Session(engine, expire_on_commit=False) as session:
        owners = {row.id: row.assigned_rep_id for row in session.exec(select(Lead))}
    assert owners == {leads[0].id: first.id, leads[1].id: second.id}
    assert reply_bodies(engine)[-1] == NO_LEADS_TEXT
    assert [row.outcome for row in inbound_rows(engine)] == ["lead_assigned", "lead_assigned", "no_leads"]


def test_approvals_keep_their_meaning_while_an_explanation_is_owed(  # type: ignore[no-untyped-def]
    clocked_client, settings, engine, redis_conn
) -> None:
    _, phone, approval_id = rep_with_unsent_drafts(engine, pending=True)
    assert approval_id is not None
    post_signed(clocked_client, settings, sms_params(phone, LONG_EDIT))  # edit-length with an approval: an edit
    row = approval_row(engine, approval_id)
    assert (row.status, row.reply_text) == ("edited", LONG_EDIT)
    assert explanations(engine) == []
    assert get_queue(QueueName.AGENT, connection=redis_conn).count == 1
    _, phone2, approval2 = rep_with_unsent_drafts(engine, pending=True)
    assert approval2 is not None
    post_signed(clocked_client, settings, sms_params(phone2, "was out sick"))  # short: the explanation
    assert approval_row(engine, approval2).status == "pending"
    post_signed(clocked_client, settings, sms_params(phone2, "Y"))
    assert approval_row(engine, approval2).status == "approved"
    assert [row.text for row in explanations(engine)] == ["was out sick"]
    assert [row.outcome for row in inbound_rows(engine)] == ["edited", "explained", "approved"]


def test_a_long_explanation_without_an_approval_pending_is_recorded(clocked_client, settings, engine) -> None:  # type: ignore[no-untyped-def]
    _, phone, _ = rep_with_unsent_drafts(engine)
    post_signed(clocked_client, settings, sms_params(phone, LONG_EDIT))
    assert [row.text for row in explanations(engine)] == [LONG_EDIT]
    assert inbound_rows(engine)[0].outcome == "explained"
