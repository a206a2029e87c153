"""`GET /api/health` on the Starlette API app: JSON from the health report, no secrets, 503 without a database."""

from __future__ import annotations

from starlette.testclient import TestClient

from sales_dashboard.api import create_api
from sales_dashboard.api.health import health_json
from workers.health import HealthReport


def test_health_answers_200_with_every_part(engine, redis_conn, settings) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_api(settings)) as client:
        response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True and body["redis"]["ok"] is True
    assert body["controls"] == {"mode": "shadow", "send_enabled": False, "kill_switch": False, "may_send": False}
    assert body["heartbeat"] == {"at": None, "worker": None, "fresh": False}
    assert set(body) >= {"workers", "scheduler", "schedule", "queues"}
    assert set(body["queues"]) == {"agent", "default", "outbound"}


def test_health_answers_503_without_a_database_and_leaks_no_password(settings) -> None:  # type: ignore[no-untyped-def]
    unreachable = settings.model_copy(
        update={
            "database_url": "postgresql://dash:s3cret-pw@127.0.0.1:1/none",
            "redis_url": "redis://:s3cret-pw@127.0.0.1:1/0",
        }
    )
    with TestClient(create_api(unreachable)) as client:
        response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False and response.json()["redis"]["ok"] is False
    assert "s3cret" not in response.text


def test_details_never_carry_url_credentials() -> None:
    report = HealthReport(database_detail="postgresql: cannot reach postgresql://u:pw@db:5432/x")
    assert health_json(report)["database"]["detail"] == "postgresql: cannot reach postgresql://***@db:5432/x"
