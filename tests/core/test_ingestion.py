"""Activity ingestion: per-item validation, idempotency on (source, external_id), local week_start, keys."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.ingestion import (
    authenticate_source,
    create_source,
    get_source,
    hash_key,
    ingest_events,
)
from core.models import ActivityEvent, IngestionSource
from tests.factories import create_rep

NY = ZoneInfo("America/New_York")


def _event(n: int, rep_email: str, **overrides: object) -> dict[str, object]:
    event: dict[str, object] = {
        "external_id": f"e{n}",
        "rep_email": rep_email,
        "kind": "email_sent",
        "occurred_at": "2026-11-17T10:00:00-05:00",
    }
    event.update(overrides)
    return event


def test_valid_events_are_stored_with_the_local_week(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    items = [
        _event(1, rep.email),
        # Monday 00:30 in New York: the new local week.
        _event(2, rep.email.upper(), kind="reply", occurred_at="2026-11-23T05:30:00Z"),
        # Sunday 23:30 local (Monday 04:30 UTC) belongs to the week before.
        {"external_id": "e3", "rep_id": rep.id, "kind": "call", "occurred_at": "2026-11-23T04:30:00+00:00"},
    ]
    report = ingest_events(session=session, source="crm", items=items, tz=NY)
    assert (report.accepted, report.duplicates, report.rejected) == (3, 0, [])
    weeks = {e.external_id: e.week_start for e in session.exec(select(ActivityEvent))}
    assert weeks == {"e1": date(2026, 11, 16), "e2": date(2026, 11, 23), "e3": date(2026, 11, 16)}


def test_bad_items_are_rejected_one_by_one_with_reasons(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    items = [
        _event(1, rep.email),
        _event(2, rep.email, kind="lunch"),
        _event(3, rep.email, occurred_at="2026-11-17T10:00:00"),  # no offset
        _event(4, "nobody@example.com"),
        {"external_id": "e5", "kind": "call", "occurred_at": "2026-11-17T10:00:00Z"},  # no rep
        "not an object",
        _event(7, rep.email, rep_id=rep.id + 999),
        _event(8, rep.email, extra="field"),
    ]
    report = ingest_events(session=session, source="crm", items=items, tz=NY)
    assert report.accepted == 1
    rejected = {r.index: " ".join(r.reasons) for r in report.rejected}
    assert sorted(rejected) == [1, 2, 3, 4, 5, 6, 7]
    assert "kind" in rejected[1]
    assert "occurred_at" in rejected[2] and "timezone" in rejected[2]
    assert "no rep with email" in rejected[3]
    assert "rep_email or rep_id" in rejected[4]
    assert "JSON object" in rejected[5]
    assert "no rep with id" in rejected[6]
    assert "extra" in rejected[7]


def test_resending_changes_nothing_and_counts_duplicates(session) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    items = [_event(1, rep.email), _event(2, rep.email), _event(2, rep.email)]
    first = ingest_events(session=session, source="crm", items=items, tz=NY)
    session.commit()
    again = ingest_events(session=session, source="crm", items=items, tz=NY)
    other = ingest_events(session=session, source="sheet", items=items[:1], tz=NY)
    session.commit()
    assert (first.accepted, first.duplicates) == (2, 1)
    assert (again.accepted, again.duplicates) == (0, 3)
    assert (other.accepted, other.duplicates) == (1, 0)  # the key is (source, external_id)
    assert len(session.exec(select(ActivityEvent)).all()) == 3


def test_a_batch_is_one_transaction(session, engine) -> None:  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    session.commit()
    ingest_events(session=session, source="crm", items=[_event(n, rep.email) for n in range(1200)], tz=NY)
    session.rollback()  # the caller failed before committing: nothing of the batch is kept
    assert session.exec(select(ActivityEvent)).all() == []


def test_sources_keep_only_a_hash_and_authenticate(session) -> None:  # type: ignore[no-untyped-def]
    source, key = create_source(session=session, name="crm")
    row = session.exec(select(IngestionSource)).one()
    assert row.key_hash == hash_key(key) and key not in row.key_hash and len(key) > 40
    assert authenticate_source(session=session, key=key) == source
    assert authenticate_source(session=session, key=key + "x") is None
    assert authenticate_source(session=session, key="") is None
    with pytest.raises(ValueError, match="already exists"):
        create_source(session=session, name="crm")
    source.active = False
    session.flush()
    assert authenticate_source(session=session, key=key) is None
    assert get_source(session=session, name="crm") is None


def test_a_reply_naming_its_lead_marks_the_lead_replied(session) -> None:  # type: ignore[no-untyped-def]
    """A reply stops the lead's sequence: the sweeps read leads.status."""
    from zoneinfo import ZoneInfo

    from core.ingestion import ingest_events
    from core.models import LeadStatus
    from core.sequences import lead_has_replied
    from tests.factories import create_lead, create_rep

    rep = create_rep(session)
    answered = create_lead(session, domain="acme.example", status=LeadStatus.IN_SEQUENCE, assigned_rep_id=rep.id)
    untouched = create_lead(session, domain="other.example", status=LeadStatus.IN_SEQUENCE, assigned_rep_id=rep.id)
    disqualified = create_lead(session, domain="gone.example", status=LeadStatus.DISQUALIFIED)
    items = [
        {"external_id": "r1", "rep_id": rep.id, "kind": "reply", "occurred_at": "2026-11-24T10:00:00-05:00",
         "lead_domain": "Jane@WWW.Acme.example"},
        {"external_id": "r2", "rep_id": rep.id, "kind": "reply", "occurred_at": "2026-11-24T10:00:00-05:00",
         "lead_domain": "https://gone.example/about"},
        {"external_id": "e1", "rep_id": rep.id, "kind": "email_sent", "occurred_at": "2026-11-24T10:00:00-05:00",
         "lead_domain": "other.example"},
    ]
    report = ingest_events(session=session, source="crm", items=items, tz=ZoneInfo("America/New_York"))
    session.commit()
    session.expire_all()
    assert (report.accepted, report.leads_replied) == (3, 1)
    assert lead_has_replied(session=session, lead_id=answered.id)
    assert not lead_has_replied(session=session, lead_id=untouched.id)  # only replies stop a sequence
    assert session.get(type(disqualified), disqualified.id).status == LeadStatus.DISQUALIFIED
    again = ingest_events(session=session, source="crm", items=items[:1], tz=ZoneInfo("America/New_York"))
    assert (again.duplicates, again.leads_replied) == (1, 0)
