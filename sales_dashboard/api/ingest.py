"""`POST /api/activity`: a source posts a JSON batch of activity events with its bearer key.

200 with {accepted, duplicates, rejected: [{index, reasons}]}; 401 without a valid key; 413 for a batch of
more than MAX_BATCH events (or a body over MAX_BODY_BYTES); 422 for a body that is not
`{"events": [...]}`. The batch's valid events are stored in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from core.config import Settings
from core.db import get_engine
from core.ingestion import MAX_BATCH, IngestReport, authenticate_source, ingest_events

log = logging.getLogger(__name__)

# About 500 bytes an event at most, with room to spare.
MAX_BODY_BYTES = MAX_BATCH * 1000


def _error(status: int, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="activity"'} if status == 401 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def activity_endpoint(settings: Settings) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The endpoint for `settings` (database and company time zone)."""

    def source_for(key: str) -> str | None:
        with Session(get_engine(settings)) as session:
            source = authenticate_source(session=session, key=key)
            return source.name if source is not None else None

    def store(source: str, events: list[Any]) -> IngestReport:
        with Session(get_engine(settings), expire_on_commit=False) as session:
            report = ingest_events(session=session, source=source, items=events, tz=settings.tz)
            session.commit()
        log.info(
            "activity from %s: %d accepted, %d duplicates, %d rejected",
            source,
            report.accepted,
            report.duplicates,
            len(report.rejected),
        )
        return report

    async def activity(request: Request) -> JSONResponse:
        key = _bearer(request)
        if not key:
            return _error(401, "missing bearer key")
        source = await run_in_threadpool(source_for, key)
        if source is None:
            return _error(401, "unknown or inactive key")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return _error(413, f"body over {MAX_BODY_BYTES} bytes")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                return _error(413, f"body over {MAX_BODY_BYTES} bytes")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return _error(422, 'body is not JSON; send {"events": [...]}')
        if not isinstance(body, dict) or not isinstance(body.get("events"), list):
            return _error(422, 'body must be {"events": [...]}')
        events = body["events"]
        if len(events) > MAX_BATCH:
            return _error(413, f"{len(events)} events in one batch; the limit is {MAX_BATCH}")
        report = await run_in_threadpool(store, source, events)
        return JSONResponse(report.as_json())

    return activity
