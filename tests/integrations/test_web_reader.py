"""The web reader: SSRF refusals, DNS pinning, and its limits against a real local HTTP server."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from integrations.html_text import html_to_text
from integrations.web_reader import FetchFailed, FetchRefused, Page, fetch_page, refusal_reason

from .local_http import LocalServer, serving

PUBLIC = "93.184.216.34"
Reader = Callable[..., Page]

# (address, reason): the reason is asserted where this module names it itself; elsewhere the label comes
# from the ipaddress tables, which differ between Python versions, so only the refusal is asserted.
REFUSED = [
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", ""),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "cloud metadata"),
    ("169.254.1.1", "link-local"),
    ("100.64.0.1", "shared or special-purpose"),
    ("100.127.255.254", "shared or special-purpose"),
    ("192.0.0.8", ""),
    ("198.18.0.1", ""),
    ("192.0.2.10", ""),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", ""),
    ("255.255.255.255", ""),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("fd00:ec2::254", "cloud metadata"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", ""),
    ("::ffff:127.0.0.1", "loopback (inside ::ffff:7f00:1)"),
    ("::ffff:10.0.0.1", "private (inside ::ffff:a00:1)"),
    ("::ffff:169.254.169.254", "cloud metadata (inside ::ffff:a9fe:a9fe)"),
    ("64:ff9b::a00:1", "private (inside 64:ff9b::a00:1)"),
    ("2002:a00:1::", "private (inside 2002:a00:1::)"),
]


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a refused URL reached the network: {request.url}")


NO_NETWORK = httpx.MockTransport(_never)


def _html(body: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": "text/html; charset=utf-8", **headers}, text=body)


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_every_non_public_range_is_refused(address: str, reason: str) -> None:
    found = refusal_reason(ipaddress.ip_address(address))
    assert found is not None
    assert found == (reason or found)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_a_name_resolving_to_a_refused_range_is_refused_before_any_connection(address: str, reason: str) -> None:
    with pytest.raises(FetchRefused, match="resolves to"):
        fetch_page("https://example.test/", resolver=lambda host: [address], transport=NO_NETWORK)


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_an_ip_literal_in_a_refused_range_is_refused(address: str, reason: str) -> None:
    host = f"[{address}]" if ":" in address else address
    def resolver(name: str) -> list[str]:
        raise AssertionError("an IP literal needs no lookup")

    with pytest.raises(FetchRefused):
        fetch_page(f"http://{host}/", resolver=resolver, transport=NO_NETWORK)


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    with pytest.raises(FetchRefused, match="10.0.0.7"):
        fetch_page("https://example.test/", resolver=lambda host: [PUBLIC, "10.0.0.7"], transport=NO_NETWORK)


@pytest.mark.parametrize(
    "url", ["ftp://example.test/", "file:///etc/passwd", "javascript:alert(1)", "/relative", "http://u:p@example.test/"]
)
def test_only_plain_http_and_https_urls_are_read(url: str) -> None:
    with pytest.raises(FetchRefused):
        fetch_page(url, resolver=lambda host: [PUBLIC], transport=NO_NETWORK)


def test_unresolvable_name_fails() -> None:
    def resolver(host: str) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchFailed, match="could not resolve example.test"):
        fetch_page("https://example.test/", resolver=resolver, transport=NO_NETWORK)


def test_connects_to_the_vetted_ip_with_the_name_in_host_and_sni_and_never_resolves_twice() -> None:
    """DNS rebinding: a second lookup would answer 127.0.0.1, but there is no second lookup."""
    answers = iter([[PUBLIC], ["127.0.0.1"]])
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _html("<title>Acme</title><p>Acme raised $12M.</p>")

    page = fetch_page("https://example.test:8443/about?x=1", resolver=lambda host: next(answers),
                      transport=httpx.MockTransport(handler))
    assert page == Page(url="https://example.test:8443/about?x=1", final_url="https://example.test:8443/about?x=1",
                        title="Acme", text="Acme raised $12M.")
    [request] = seen
    assert str(request.url) == f"https://{PUBLIC}:8443/about?x=1"
    assert request.headers["host"] == "example.test:8443"
    assert request.extensions["sni_hostname"] == "example.test"
    assert next(answers) == ["127.0.0.1"]  # the rebinding answer was never asked for


def test_each_redirect_hop_is_resolved_and_vetted_again() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": "https://internal.example.test/"})

    resolve = {"example.test": [PUBLIC], "internal.example.test": ["10.9.8.7"]}
    with pytest.raises(FetchRefused, match="internal.example.test: it resolves to 10.9.8.7"):
        fetch_page("https://example.test/", resolver=resolve.__getitem__, transport=httpx.MockTransport(handler))


def test_html_to_text_drops_scripts_and_styles_and_keeps_blocks_apart() -> None:
    title, text = html_to_text(
        "<html><head><title> Acme \n Inc </title><style>.a{}</style><script>var x = '<p>no</p>';</script></head>"
        "<body><nav>Home</nav><p>Raised&nbsp;$5M &amp; more.</p><div>Second<br>line</div><noscript>x</noscript>"
        "<svg><text>chart</text></svg></body></html>"
    )
    assert title == "Acme Inc"
    assert text == "Home\nRaised $5M & more.\nSecond\nline"


# ------------------------------------------------------------------- limits, against a real local server


@pytest.fixture
def local(local_server: LocalServer) -> Reader:
    """fetch_page against the local server, reached as http://example.test:PORT (resolved to 127.0.0.1)."""
    resolve = {"example.test": ["127.0.0.1"], "internal.test": ["10.1.2.3"]}
    return partial(fetch_page, resolver=resolve.__getitem__, allow_loopback=True, timeout=1.5)


def _url(server: LocalServer, path: str) -> str:
    return f"http://example.test:{server.server_address[1]}{path}"


def test_a_local_server_is_refused_without_the_test_switch(local_server: LocalServer) -> None:
    with pytest.raises(FetchRefused, match="loopback"):
        fetch_page(_url(local_server, "/page"), resolver=lambda host: ["127.0.0.1"])


def test_reads_html_from_a_real_server_with_the_name_in_host(local: Reader, local_server: LocalServer) -> None:
    page = local(_url(local_server, "/page"))
    assert page.title == "Acme Robotics"
    assert page.text == "Acme\nAcme raised a $12M Series A in March 2026.\nHiring 5 engineers in Lisbon."
    assert ("/page", f"example.test:{local_server.server_address[1]}") in local_server.seen


def test_reads_plain_text(local: Reader, local_server: LocalServer) -> None:
    assert local(_url(local_server, "/plain")).text == "Acme has 40 employees."


@pytest.mark.parametrize("path", ["/json", "/pdf"])
def test_other_content_types_are_refused(local: Reader, local_server: LocalServer, path: str) -> None:
    with pytest.raises(FetchRefused, match="not text/html or text/plain"):
        local(_url(local_server, path))


def test_a_compressed_body_is_refused(local: Reader, local_server: LocalServer) -> None:
    with pytest.raises(FetchRefused, match="compressed"):
        local(_url(local_server, "/gzip"))


def test_an_error_status_fails(local: Reader, local_server: LocalServer) -> None:
    with pytest.raises(FetchFailed, match="HTTP 404"):
        local(_url(local_server, "/missing"))


def test_redirects_are_followed_to_the_final_url(local: Reader, local_server: LocalServer) -> None:
    page = local(_url(local_server, "/to-page"))
    assert page.url == _url(local_server, "/to-page")
    assert page.final_url == _url(local_server, "/page")
    assert page.title == "Acme Robotics"


def test_three_redirects_are_followed_but_not_four(local: Reader, local_server: LocalServer) -> None:
    assert local(_url(local_server, "/loop/2")).final_url == _url(local_server, "/page")
    with pytest.raises(FetchRefused, match="redirects more than 3 times"):
        local(_url(local_server, "/loop/1"))


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("/to-private-ip", "10.0.0.1, a private address"),
        ("/to-metadata", "169.254.169.254, a cloud metadata address"),
        ("/to-internal-name", "internal.test: it resolves to 10.1.2.3"),
        ("/to-file", "only http and https"),
    ],
)
def test_a_redirect_into_private_space_is_refused(
    local: Reader, local_server: LocalServer, path: str, match: str
) -> None:
    with pytest.raises(FetchRefused, match=match):
        local(_url(local_server, path))


def test_an_oversized_page_is_truncated_at_max_bytes(local: Reader, local_server: LocalServer) -> None:
    page = local(_url(local_server, "/big"), max_bytes=10_000)
    assert page.truncated
    assert 9_000 < len(page.text) <= 10_000


def test_an_endless_body_is_cut_off_while_streaming(local: Reader, local_server: LocalServer) -> None:
    started = time.monotonic()
    page = local(_url(local_server, "/endless"), max_bytes=50_000)
    assert page.truncated and len(page.text) <= 50_000
    assert time.monotonic() - started < 1


def test_a_slow_server_times_out(local: Reader, local_server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="time limit"):
        local(_url(local_server, "/slow"), timeout=0.2)
    assert time.monotonic() - started < 0.7  # the server answers only after 0.8 s


def test_a_trickling_body_hits_the_total_time_limit(local: Reader, local_server: LocalServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="time limit"):
        local(_url(local_server, "/drip"), timeout=0.3)
    assert time.monotonic() - started < 1.2  # the body would take 2 s


def test_slow_dns_counts_against_the_time_limit() -> None:
    def resolver(host: str) -> list[str]:
        time.sleep(0.3)
        return [PUBLIC]

    with pytest.raises(FetchFailed, match="resolving example.test took longer"):
        fetch_page("https://example.test/", resolver=resolver, transport=NO_NETWORK, timeout=0.1)


# ------------------------------------------------------------------- https: the certificate is checked for the name


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate (and key) for example.test, made with the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "example.test.crt", folder / "example.test.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=example.test", "-addext", "subjectAltName=DNS:example.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_server(tls_cert: tuple[Path, Path]) -> Iterator[LocalServer]:
    """An https server on 127.0.0.1 presenting the certificate of example.test."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_cert)
    with serving(context) as server:
        yield server


def _trusting(cert: Path) -> httpx.HTTPTransport:
    return httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(cert)))


def test_https_to_the_pinned_ip_verifies_the_certificate_for_the_name(
    tls_server: LocalServer, tls_cert: tuple[Path, Path]
) -> None:
    url = f"https://example.test:{tls_server.server_address[1]}/page"
    page = fetch_page(url, resolver=lambda host: ["127.0.0.1"], transport=_trusting(tls_cert[0]),
                      allow_loopback=True, timeout=1.5)
    assert page.title == "Acme Robotics"


def test_https_with_a_certificate_for_another_name_fails(tls_server: LocalServer, tls_cert: tuple[Path, Path]) -> None:
    url = f"https://other.test:{tls_server.server_address[1]}/page"
    with pytest.raises(FetchFailed, match="could not connect to other.test"):
        fetch_page(url, resolver=lambda host: ["127.0.0.1"], transport=_trusting(tls_cert[0]),
                   allow_loopback=True, timeout=1.5)
