"""Twilio's webhooks: `POST /api/twilio/sms` (a rep's or founder's SMS) and `POST /api/twilio/status`
(delivery status of a message we sent).

Both are signed (X-Twilio-Signature over PUBLIC_BASE_URL + path + raw query, with Twilio's auth token, or
the local simulator's token when Twilio is not configured) and refused with 403 when the signature is
wrong. Bodies over 16 KB or that are not a well-formed form are refused with 400 before any parsing work.
Every SMS call is recorded in `inbound_messages`, refused or not; only a signed, first-seen MessageSid
from an active rep's or founder's number can change anything. The answer is always an empty TwiML
`<Response/>` (text/xml): replies to the rep go through the outbox, where the send rules apply.
No model is called; the work is a few indexed queries, then Redis enqueues after the commit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from core.clock import Clock, SystemClock
from core.config import Settings
from core.db import get_engine, session_scope
from core.inbound import (
    MAX_BODY_CHARS,
    MAX_SID_CHARS,
    InboundOutcome,
    InboundResult,
    apply_status_callback,
    handle_signed_sms,
    record_rejected_inbound,
)
from core.redis_conn import connect
from integrations.sms import webhook_auth_token
from workers import queues
from workers.dispatch import enqueue_dispatch

log = logging.getLogger(__name__)

SMS_PATH = "/api/twilio/sms"
STATUS_PATH = "/api/twilio/status"
# Twilio's SMS webhook form is a few KB at most (a 1,600-character body, urlencoded, plus ~20 fields).
MAX_REQUEST_BYTES = 16_384
MAX_FIELDS = 64
EMPTY_TWIML = str(MessagingResponse())
TWIML_TYPE = "text/xml"
FORM_TYPE = "application/x-www-form-urlencoded"


# SQLite has one writer at a time and its busy handler backs off in steps of up to 100 ms: letting this
# process's webhook threads queue on a lock instead keeps the tail latency low (PostgreSQL needs no lock).
_SQLITE_WRITES = threading.Lock()


def _write_lock(settings: Settings) -> AbstractContextManager[object]:
    return _SQLITE_WRITES if get_engine(settings).dialect.name == "sqlite" else nullcontext()


class _Refused(Exception):
    def __init__(self, outcome: InboundOutcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome


@dataclass(frozen=True)
class _Call:
    url: str
    params: dict[str, str]
    signature: str


def signed_url(settings: Settings, path: str, query: str = "") -> str:
    """The URL Twilio signs: the configured public base URL, the path, and the raw query string."""
    url = settings.public_base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def sign_params(settings: Settings, url: str, params: dict[str, str]) -> str:
    """The X-Twilio-Signature for `params` posted to `url` (the simulator, tests and the benchmark sign so)."""
    return str(RequestValidator(webhook_auth_token(settings)).compute_signature(url, params))


def twilio_routes(settings: Settings, *, clock: Clock | None = None) -> list[Route]:
    """The two webhook routes for `settings`."""
    clock = clock or SystemClock()
    return [
        Route(SMS_PATH, sms_endpoint(settings, clock), methods=["POST"]),
        Route(STATUS_PATH, status_endpoint(settings, clock), methods=["POST"]),
    ]


def _twiml(status_code: int = 200) -> Response:
    return Response(EMPTY_TWIML, status_code=status_code, media_type=TWIML_TYPE)


async def _read_call(request: Request, settings: Settings) -> _Call:
    """The body (bounded), parsed strictly as a form; raises _Refused for anything else."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_REQUEST_BYTES):
        raise _Refused(InboundOutcome.OVERSIZED, f"declared length {declared[:20]}")
    raw = bytearray()
    try:
        async for chunk in request.stream():
            raw.extend(chunk)
            if len(raw) > MAX_REQUEST_BYTES:
                raise _Refused(InboundOutcome.OVERSIZED, f"body over {MAX_REQUEST_BYTES} bytes")
    except ClientDisconnect as exc:
        raise _Refused(InboundOutcome.MALFORMED, "client disconnected") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(InboundOutcome.MALFORMED, "body is not UTF-8") from exc
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise _Refused(InboundOutcome.MALFORMED, f"content type {content_type[:60]!r}")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise _Refused(InboundOutcome.MALFORMED, "not a well-formed form") from exc
    params = dict(pairs)
    if len(params) != len(pairs):
        raise _Refused(InboundOutcome.MALFORMED, "repeated form fields")
    url = signed_url(settings, request.url.path, request.url.query)
    return _Call(url=url, params=params, signature=request.headers.get("x-twilio-signature", ""))


def _valid_signature(settings: Settings, call: _Call) -> bool:
    if not call.signature:
        return False
    return bool(RequestValidator(webhook_auth_token(settings)).validate(call.url, call.params, call.signature))


def sms_endpoint(settings: Settings, clock: Clock) -> Callable[[Request], Awaitable[Response]]:
    """The inbound SMS webhook for `settings`."""

    async def sms(request: Request) -> Response:
        try:
            call = await _read_call(request, settings)
        except _Refused as refused:
            log.warning("inbound sms refused: %s (%s)", refused.outcome.value, refused)
            await run_in_threadpool(_record_refused, settings, clock, refused.outcome, {}, str(refused))
            return _twiml(400)
        if not _valid_signature(settings, call):
            log.warning("inbound sms refused: bad signature for %s", call.url)
            await run_in_threadpool(_record_refused, settings, clock, InboundOutcome.BAD_SIGNATURE, call.params, "")
            return _twiml(403)
        sid, sender, body = call.params.get("MessageSid", ""), call.params.get("From", ""), call.params.get("Body", "")
        if not sid or not sender or len(sid) > MAX_SID_CHARS or len(body) > MAX_BODY_CHARS or len(sender) > 32:
            await run_in_threadpool(_record_refused, settings, clock, InboundOutcome.MALFORMED, call.params, "fields")
            return _twiml(400)
        try:
            await run_in_threadpool(_handle, settings, clock, call.params)
        except SQLAlchemyError:
            log.exception("inbound sms %s: database error", sid)
            # Twilio retries once on an error; the MessageSid makes the retry safe.
            return _twiml(503)
        return _twiml()

    return sms


def _record_refused(
    settings: Settings, clock: Clock, outcome: InboundOutcome, params: dict[str, str], detail: str
) -> None:
    try:
        with _write_lock(settings), session_scope(get_engine(settings)) as session:
            record_rejected_inbound(
                session=session,
                outcome=outcome,
                message_sid=params.get("MessageSid", ""),
                from_number=params.get("From", ""),
                to_number=params.get("To"),
                body=params.get("Body", detail),
                now=clock.now(),
            )
    except SQLAlchemyError:
        log.exception("could not record a refused inbound sms")


def _handle(settings: Settings, clock: Clock, params: dict[str, str]) -> InboundResult:
    with _write_lock(settings), session_scope(get_engine(settings)) as session:
        result = handle_signed_sms(
            session=session,
            message_sid=params["MessageSid"],
            from_number=params["From"],
            to_number=params.get("To"),
            body=params.get("Body", ""),
            now=clock.now(),
            settings=settings,
        )
    _enqueue_follow_ups(settings, result)
    return result


@cache
def _redis(url: str) -> Redis:
    """One client (and connection pool, thread-safe) per process, not a new connection per webhook."""
    return connect(url)


def _enqueue_follow_ups(settings: Settings, result: InboundResult) -> None:
    """After the commit: resume each resolved sequence and dispatch each reply. If Redis is away the sweeps
    find both in the database later (a resolved approval's sequence, a queued message)."""
    if not (result.resume_sequence_ids or result.reply_message_ids):
        return
    try:
        connection = _redis(settings.effective_redis_url)
        for sequence_id in result.resume_sequence_ids:
            queues.enqueue_resume_sequence(connection=connection, sequence_id=sequence_id)
        for message_id in result.reply_message_ids:
            enqueue_dispatch(connection=connection, message_id=message_id)
    except (RedisError, OSError):
        log.exception("inbound sms: could not enqueue follow-ups; the sweeps will pick them up")


def status_endpoint(settings: Settings, clock: Clock) -> Callable[[Request], Awaitable[Response]]:
    """The status callback for `settings`: moves an outbound message's status forward only."""

    async def status(request: Request) -> Response:
        try:
            call = await _read_call(request, settings)
        except _Refused as refused:
            log.warning("status callback refused: %s (%s)", refused.outcome.value, refused)
            return Response(status_code=400)
        if not _valid_signature(settings, call):
            log.warning("status callback refused: bad signature for %s", call.url)
            return Response(status_code=403)
        sid, provider_status = call.params.get("MessageSid", ""), call.params.get("MessageStatus", "")
        if not sid or not provider_status or len(sid) > MAX_SID_CHARS:
            return Response(status_code=400)
        try:
            await run_in_threadpool(_apply_status, settings, clock, sid, provider_status, call.params.get("ErrorCode"))
        except SQLAlchemyError:
            log.exception("status callback %s: database error", sid)
            return Response(status_code=503)
        return Response(status_code=204)

    return status


def _apply_status(settings: Settings, clock: Clock, sid: str, provider_status: str, error_code: str | None) -> None:
    with _write_lock(settings), session_scope(get_engine(settings)) as session:
        moved = apply_status_callback(
            session=session, provider_sid=sid, provider_status=provider_status, error_code=error_code, now=clock.now()
        )
    log.info("status callback %s %s: %s", sid, provider_status, moved.value if moved else "no change")
