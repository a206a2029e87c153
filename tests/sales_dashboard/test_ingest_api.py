"""`POST /api/activity`: bearer key per source, per-item rejections, idempotent, 401/413/422."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from core.ingestion import MAX_BATCH, create_source
from core.models import ActivityEvent
from sales_dashboard.api import create_api
from tests.factories import create_rep


def _setup(session):  # type: ignore[no-untyped-def]
    rep = create_rep(session)
    _, key = create_source(session=session, name="crm")
    session.commit()
    return rep, {"Authorization": f"Bearer {key}"}


def _event(n: int, email: str, **extra: object) -> dict[str, object]:
    return {"external_id": f"x{n}", "rep_email": email, "kind": "reply",
            "occurred_at": "2026-11-17T10:00:00-05:00", **extra}


def test_batch_is_stored_once_with_rejections_reported(session, settings) -> None:  # type: ignore[no-untyped-def]
    rep, auth = _setup(session)
    batch = {"events": [_event(1, rep.email), _event(2, rep.email, kind="nap"), _event(3, rep.email)]}
    with TestClient(create_api(settings)) as client:
        first = client.post("/api/activity", json=batch, headers=auth)
        again = client.post("/api/activity", json=batch, headers=auth)
    assert first.status_code == 200
    assert first.json()["accepted"] == 2 and first.json()["duplicates"] == 0
    assert [r["index"] for r in first.json()["rejected"]] == [1]
    assert "kind" in first.json()["rejected"][0]["reasons"][0]
    assert again.json()["accepted"] == 0 and again.json()["duplicates"] == 2
    session.expire_all()
    assert {e.source for e in session.exec(select(ActivityEvent))} == {"crm"}
    assert len(session.exec(select(ActivityEvent)).all()) == 2


def test_keys_are_required_and_checked(session, settings) -> None:  # type: ignore[no-untyped-def]
    rep, _ = _setup(session)
    batch = {"events": [_event(1, rep.email)]}
    with TestClient(create_api(settings)) as client:
        missing = client.post("/api/activity", json=batch)
        wrong = client.post("/api/activity", json=batch, headers={"Authorization": "Bearer sk_act_nope"})
        basic = client.post("/api/activity", json=batch, headers={"Authorization": "Basic abc"})
    assert [r.status_code for r in (missing, wrong, basic)] == [401, 401, 401]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert session.exec(select(ActivityEvent)).all() == []


def test_oversized_and_malformed_bodies(session, settings) -> None:  # type: ignore[no-untyped-def]
    rep, auth = _setup(session)
    too_many = {"events": [_event(n, rep.email) for n in range(MAX_BATCH + 1)]}
    with TestClient(create_api(settings)) as client:
        big = client.post("/api/activity", json=too_many, headers=auth)
        not_json = client.post("/api/activity", content=b"{nope", headers=auth)
        wrong_shape = client.post("/api/activity", json={"event": []}, headers=auth)
        a_list = client.post("/api/activity", json=[_event(1, rep.email)], headers=auth)
    assert big.status_code == 413 and "5000" in big.json()["error"]
    assert [r.status_code for r in (not_json, wrong_shape, a_list)] == [422, 422, 422]
    assert session.exec(select(ActivityEvent)).all() == []


def test_a_full_batch_is_accepted(session, settings) -> None:  # type: ignore[no-untyped-def]
    rep, auth = _setup(session)
    batch = {"events": [_event(n, rep.email) for n in range(MAX_BATCH)]}
    with TestClient(create_api(settings)) as client:
        response = client.post("/api/activity", json=batch, headers=auth)
    assert response.status_code == 200 and response.json()["accepted"] == MAX_BATCH
