"""Enrichment: the demo enricher and the MindStudio client over httpx.MockTransport (the HTTP boundary)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from core.demo.companies import demo_companies
from core.errors import ConfigurationError
from integrations.enrichment import (
    DemoEnricher,
    Enrichment,
    EnrichmentFailed,
    EnrichmentUnauthorized,
    MindStudioEnricher,
    build_enricher,
)

from .factories import KEY, isolated_settings
from .local_http import LocalServer

URL = "https://mindstudio.test/enrich"
Handler = Callable[[httpx.Request], httpx.Response]


def _enricher(handler: Handler, sleeps: list[float] | None = None, **options: object) -> MindStudioEnricher:
    sleeper = (sleeps if sleeps is not None else []).append
    return MindStudioEnricher(URL, SecretStr(KEY), transport=httpx.MockTransport(handler), sleep=sleeper, **options)


def _script(*answers: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler that gives the answers in order (an exception is raised, as a transport would)."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def test_posts_domain_and_email_with_the_bearer_key_and_returns_fields() -> None:
    handler, seen = _script(httpx.Response(200, json={"fields": {"industry": "Fintech", "employees": 180,
                                                                  "growth": 0.4, "hq_city": "New York"}}))
    result = _enricher(handler).enrich("acme.com", "jane@acme.com")
    assert result == Enrichment(
        fields={"industry": "Fintech", "employees": 180, "growth": 0.4, "hq_city": "New York"}, provider="mindstudio"
    )
    [request] = seen
    assert request.method == "POST" and str(request.url) == URL
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"domain": "acme.com", "email": "jane@acme.com"}


def test_values_that_are_not_text_or_numbers_are_dropped_with_a_note() -> None:
    body = '{"fields": {"industry": "Retail", "public": true, "tags": ["a"], "ceo": null, "score": NaN, "n": 3}}'
    handler, _ = _script(httpx.Response(200, content=body.encode(), headers={"content-type": "application/json"}))
    result = _enricher(handler).enrich("acme.com", None)
    assert result.fields == {"industry": "Retail", "n": 3}
    assert result.notes == ("dropped fields that are not text or numbers: ceo, public, score, tags",)


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_unauthorized_at_once(status: int) -> None:
    handler, seen = _script(httpx.Response(status, json={"error": f"bad key {KEY}"}))
    with pytest.raises(EnrichmentUnauthorized, match=f"HTTP {status}.*MINDSTUDIO_API_KEY") as caught:
        _enricher(handler).enrich("acme.com", None)
    assert len(seen) == 1
    assert KEY not in str(caught.value)


def test_server_errors_are_retried_with_backoff_then_succeed() -> None:
    handler, seen = _script(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"fields": {"a": 1}}))
    sleeps: list[float] = []
    assert _enricher(handler, sleeps).enrich("acme.com", None).fields == {"a": 1}
    assert len(seen) == 3 and sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (httpx.Response(500), "HTTP 500"),
        (httpx.Response(429), "HTTP 429"),
        (httpx.ReadTimeout("read timed out"), "timed out"),
        (httpx.ConnectError("connection refused"), "could not connect"),
    ],
)
def test_persistent_failures_raise_failed_after_bounded_attempts(
    answer: httpx.Response | Exception, problem: str
) -> None:
    handler, seen = _script(answer, answer, answer, answer)
    with pytest.raises(EnrichmentFailed, match=f"failed after 3 attempts: {problem}"):
        _enricher(handler).enrich("acme.com", None)
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (httpx.Response(200, content=b"<html>oops</html>"), "malformed JSON"),
        (httpx.Response(200, json={"data": {}}), 'without a "fields" object'),
        (httpx.Response(200, json=[1, 2]), 'without a "fields" object'),
        (httpx.Response(404, json={}), "HTTP 404"),
    ],
)
def test_malformed_answers_fail_without_retrying(answer: httpx.Response, match: str) -> None:
    handler, seen = _script(answer)
    with pytest.raises(EnrichmentFailed, match=match):
        _enricher(handler).enrich("acme.com", None)
    assert len(seen) == 1


def test_the_key_never_reaches_messages_logs_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    scenarios: list[tuple[httpx.Response | Exception, ...]] = [
        (httpx.Response(401),), (httpx.Response(500),) * 3, (httpx.ReadTimeout(f"timeout {URL}"),) * 3,
        (httpx.Response(200, content=b"nope"),), (httpx.Response(200, json={"fields": {"x": None}}),),
    ]
    messages = []
    for answers in scenarios:
        handler, _ = _script(*answers)
        enricher = _enricher(handler)
        try:
            enricher.enrich("acme.com", "jane@acme.com")
        except (EnrichmentFailed, EnrichmentUnauthorized) as exc:
            messages.append(f"{exc} {exc!r} {exc.__cause__!r}")
        messages.append(repr(enricher.client))
    assert "attempt 1/3" in caplog.text  # the retries were logged...
    assert KEY not in caplog.text  # ...without the key
    assert all(KEY not in message for message in messages)


def test_a_real_slow_server_times_out_per_attempt(local_server: LocalServer) -> None:
    url = f"http://127.0.0.1:{local_server.server_address[1]}/slow"
    enricher = MindStudioEnricher(url, SecretStr(KEY), timeout=0.1, attempts=2, sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(EnrichmentFailed, match="failed after 2 attempts: timed out"):
        enricher.enrich("acme.com", None)
    assert time.monotonic() - started < 0.7  # the server answers only after 0.8 s


def test_demo_enricher_gives_company_and_contact_fields() -> None:
    company = demo_companies()[0]
    result = DemoEnricher().enrich(company.domain, None)
    assert result.provider == "demo"
    assert result.fields == {
        "company": company.name, "industry": company.industry, "employees": company.employees,
        "hq_city": company.hq_city, "hq_country": company.hq_country,
        "contact_name": company.contact.name, "contact_title": company.contact.title,
    }
    assert DemoEnricher().enrich(company.domain, company.contact.email.upper()).fields == result.fields


def test_demo_enricher_leaves_out_the_contact_for_someone_else() -> None:
    company = demo_companies()[0]
    fields = DemoEnricher().enrich(company.domain, f"someone.else@{company.domain}").fields
    assert "contact_title" not in fields and "contact_name" not in fields
    assert fields["employees"] == company.employees


def test_demo_enricher_unknown_domain_is_empty_with_a_note() -> None:
    assert DemoEnricher().enrich("nobody.example", None) == Enrichment(
        fields={}, provider="demo", notes=("nobody.example is not a demo company",)
    )


def test_build_enricher_chooses_by_configuration() -> None:
    assert isinstance(build_enricher(isolated_settings()), DemoEnricher)
    assert isinstance(build_enricher(isolated_settings(mindstudio_api_key=KEY)), DemoEnricher)
    chosen = build_enricher(isolated_settings(mindstudio_enrich_url=URL, mindstudio_api_key=KEY))
    assert isinstance(chosen, MindStudioEnricher) and chosen.client.url == URL


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"mindstudio_enrich_url": URL}, "MINDSTUDIO_ENRICH_URL is set but MINDSTUDIO_API_KEY is not"),
        ({"mindstudio_enrich_url": "ftp://x", "mindstudio_api_key": KEY}, "must be an http"),
    ],
)
def test_build_enricher_refuses_half_a_configuration(overrides: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        build_enricher(isolated_settings(**overrides))
