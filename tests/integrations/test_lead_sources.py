"""Lead sources: domain normalising, demo companies, the CSV drop folder and the MindStudio API."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from core.demo.companies import demo_companies
from core.errors import ConfigurationError
from integrations.lead_sources import (
    ChainedLeadSource,
    CsvDropSource,
    DemoLeadSource,
    InvalidDomain,
    LeadCandidate,
    LeadSourceFailed,
    LeadSourceUnauthorized,
    MindStudioLeadSource,
    RowError,
    build_lead_source,
    normalise_domain,
)

from .factories import KEY, isolated_settings

URL = "https://mindstudio.test/leads"


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("acme.com", "acme.com"),
        ("  https://www.Acme.COM/about?x=1#top ", "acme.com"),
        ("http://shop.acme.co.uk:8080/", "shop.acme.co.uk"),
        ("ACME.io.", "acme.io"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("www.my-company.example", "my-company.example"),
    ],
)
def test_domains_are_normalised(raw: str, domain: str) -> None:
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    ["", "acme", "localhost", "-acme.com", "acme-.com", "acme..com", "jane@acme.com", "acme.com:ssh", "1.2.3.4",
     "acme.c0m", "a" * 64 + ".com", "not a domain.com", "http://", "[::1]"],
)
def test_invalid_domains_are_refused(raw: str) -> None:
    with pytest.raises(InvalidDomain, match="not a company domain"):
        normalise_domain(raw)


def test_demo_source_is_deterministic_and_bounded() -> None:
    first = DemoLeadSource().fetch(5)
    assert first == DemoLeadSource().fetch(5)
    company = demo_companies()[0]
    assert first[0] == LeadCandidate(company.domain, company.name, company.contact.name, company.contact.email,
                                     company.contact.title, "demo")
    assert len(DemoLeadSource().fetch(1000)) == len(demo_companies()) == 45
    assert DemoLeadSource().fetch(0) == []


def _drop(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


CSV = """Website,Company Name,Contact,Email,Job Title
https://www.acme.com/,Acme,Jane Roe,Jane@Acme.com,VP Sales
globex.io,Globex,,,
not a domain,Broken Co,,,
initech.com,,Bill,bill@initech.com,CTO
umbrella.com,Umbrella,Al,al-at-umbrella,COO
"""


def test_csv_rows_are_read_and_errors_collected_with_row_numbers(tmp_path: Path) -> None:
    _drop(tmp_path, "leads.csv", "\ufeff" + CSV)  # Excel's byte-order mark is tolerated
    source = CsvDropSource(tmp_path)
    assert source.fetch(100) == [
        LeadCandidate("acme.com", "Acme", "Jane Roe", "jane@acme.com", "VP Sales", "csv"),
        LeadCandidate("globex.io", "Globex", None, None, None, "csv"),
    ]
    assert source.last_errors == [
        RowError("leads.csv", 4, "not a company domain: 'not a domain'"),
        RowError("leads.csv", 5, "company is empty"),
        RowError("leads.csv", 6, "contact_email 'al-at-umbrella' is not an email address"),
    ]


def test_a_csv_file_is_moved_to_processed_and_never_imported_twice(tmp_path: Path) -> None:
    _drop(tmp_path, "leads.csv", CSV)
    source = CsvDropSource(tmp_path)
    assert len(source.fetch(100)) == 2
    assert not (tmp_path / "leads.csv").exists()
    assert (tmp_path / "processed" / "leads.csv").read_text() == CSV
    assert source.fetch(100) == [] and source.last_errors == []
    # The same name dropped again is a new file: read, and kept beside the first.
    _drop(tmp_path, "leads.csv", "domain,company\nhooli.com,Hooli\n")
    assert [c.domain for c in source.fetch(100)] == ["hooli.com"]
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["leads.1.csv", "leads.csv"]


def test_files_are_read_whole_and_oldest_name_first_until_the_limit(tmp_path: Path) -> None:
    _drop(tmp_path, "2026-05-01.csv", "domain,company\na-one.com,A1\na-two.com,A2\na-three.com,A3\n")
    _drop(tmp_path, "2026-05-02.csv", "domain,company\nb-one.com,B1\n")
    source = CsvDropSource(tmp_path)
    assert [c.domain for c in source.fetch(2)] == ["a-one.com", "a-two.com", "a-three.com"]
    assert (tmp_path / "2026-05-02.csv").exists()
    assert [c.domain for c in source.fetch(2)] == ["b-one.com"]


def test_an_unreadable_or_headless_file_is_reported_and_set_aside(tmp_path: Path) -> None:
    _drop(tmp_path, "a.csv", "domain,company\nacme.com,Caf\xe9\n", encoding="latin-1")
    _drop(tmp_path, "b.csv", "company,email\nAcme,jane@acme.com\n")
    source = CsvDropSource(tmp_path)
    assert source.fetch(10) == []
    assert [(e.origin, e.row) for e in source.last_errors] == [("a.csv", 0), ("b.csv", 1)]
    assert "unreadable file" in source.last_errors[0].reason
    assert source.last_errors[1].reason == "no domain column in the header"
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["a.csv", "b.csv"]


def test_a_missing_drop_folder_gives_nothing(tmp_path: Path) -> None:
    assert CsvDropSource(tmp_path / "nowhere").fetch(10) == []


def _mindstudio(answer: httpx.Response, seen: list[httpx.Request]) -> MindStudioLeadSource:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return MindStudioLeadSource(URL, SecretStr(KEY), transport=httpx.MockTransport(handler), sleep=lambda s: None)


def test_mindstudio_leads_are_validated_and_capped() -> None:
    leads = [
        {"domain": "https://Acme.com", "company": "Acme", "contact_email": "jane@acme.com", "contact_title": "CEO"},
        {"domain": "localhost", "company": "Local"},
        "not an object",
        {"domain": "globex.io", "company": "Globex"},
        {"domain": "hooli.com", "company": "Hooli"},
    ]
    seen: list[httpx.Request] = []
    source = _mindstudio(httpx.Response(200, json={"leads": leads}), seen)
    assert source.fetch(2) == [
        LeadCandidate("acme.com", "Acme", None, "jane@acme.com", "CEO", "mindstudio"),
        LeadCandidate("globex.io", "Globex", None, None, None, "mindstudio"),
    ]
    assert [(e.row, e.reason) for e in source.last_errors] == [
        (2, "not a company domain: 'localhost'"), (3, "not a company domain: ''")
    ]
    [request] = seen
    assert request.method == "POST" and request.headers["authorization"] == f"Bearer {KEY}"
    assert json.loads(request.content) == {"limit": 2}


def test_mindstudio_lead_errors_map_to_the_lead_source_tree() -> None:
    with pytest.raises(LeadSourceUnauthorized, match="MindStudio lead source refused the API key") as caught:
        _mindstudio(httpx.Response(401), []).fetch(5)
    assert KEY not in str(caught.value)
    with pytest.raises(LeadSourceFailed, match='without a "leads" list'):
        _mindstudio(httpx.Response(200, json={"leads": {}}), []).fetch(5)
    seen: list[httpx.Request] = []
    with pytest.raises(LeadSourceFailed, match="after 3 attempts: HTTP 503"):
        _mindstudio(httpx.Response(503), seen).fetch(5)
    assert len(seen) == 3


def test_chained_sources_ask_the_next_only_for_what_is_missing(tmp_path: Path) -> None:
    _drop(tmp_path, "one.csv", "domain,company\nacme.com,Acme\n")
    chained = ChainedLeadSource([CsvDropSource(tmp_path), DemoLeadSource()])
    assert [c.source for c in chained.fetch(3)] == ["csv", "demo", "demo"]
    assert [c.source for c in chained.fetch(2)] == ["demo", "demo"]


def test_build_lead_source_chooses_by_configuration(tmp_path: Path) -> None:
    assert isinstance(build_lead_source(isolated_settings()), DemoLeadSource)
    assert isinstance(build_lead_source(isolated_settings(lead_csv_drop_dir=tmp_path)), CsvDropSource)
    chosen = build_lead_source(isolated_settings(mindstudio_leads_url=URL, mindstudio_api_key=KEY))
    assert isinstance(chosen, MindStudioLeadSource)
    both = build_lead_source(isolated_settings(lead_csv_drop_dir=tmp_path, mindstudio_leads_url=URL,
                                               mindstudio_api_key=KEY))
    assert isinstance(both, ChainedLeadSource)
    assert [type(s) for s in both.sources] == [CsvDropSource, MindStudioLeadSource]
    with pytest.raises(ConfigurationError, match="MINDSTUDIO_LEADS_URL is set but MINDSTUDIO_API_KEY is not"):
        build_lead_source(isolated_settings(mindstudio_leads_url=URL))
