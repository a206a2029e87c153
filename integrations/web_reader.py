"""Reading one public web page safely: SSRF-guarded, size- and time-limited, HTML turned into plain text.

A lead's domain is outside text, so the URL is treated as hostile: only http/https, no credentials, and the
host must resolve to public unicast addresses only, every one of them (a name that resolves to a public and a
private address is refused outright, since we cannot know which one a later lookup would pick).

DNS rebinding: the name is resolved once, the addresses are vetted, and the connection goes to a vetted IP
literal (the URL's host is replaced by the IP), so no second lookup happens between the check and the connect.
The original name travels in the `Host` header and, for https, as the TLS SNI name (httpcore's `sni_hostname`
extension), which is also the name the certificate is verified against. Redirects are followed by hand and each
hop is resolved and vetted again. Proxies from the environment are ignored (`trust_env=False`): a proxy would do
its own lookup and undo the pinning.
"""

from __future__ import annotations

import codecs
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol
from urllib.parse import urljoin

import httpx

from core.errors import SalesAgentError
from integrations.html_text import html_to_text

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 3
ALLOWED_CONTENT_TYPES = frozenset({"text/html", "text/plain"})
USER_AGENT = "sales-manager-agent/0.1 (company research)"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Not "global" in every Python's ipaddress tables, so named here explicitly.
_EXTRA_BLOCKED = (ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("192.0.0.0/24"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
# getaddrinfo has no timeout of its own; a small pool lets the total time limit cover DNS too.
_DNS_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="web-reader-dns")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Iterable[str]]


class WebReadError(SalesAgentError):
    """A web page could not be read."""


class FetchRefused(WebReadError):
    """The reader's policy refused the URL or the response (SSRF guard, content type, redirect limit)."""


class FetchFailed(WebReadError):
    """The network or the server failed (DNS, connection, timeout, an HTTP error status)."""


@dataclass(frozen=True)
class Page:
    """A page as plain text; `truncated` says the body was cut at the size limit."""

    url: str
    final_url: str
    title: str
    text: str
    truncated: bool = False


class PageReader(Protocol):
    """Anything that reads one URL into a Page (fetch_page, or fetch_page with test wiring)."""

    def __call__(self, url: str) -> Page:
        """Read the page at url; raises WebReadError."""
        ...


@cache
def _tls_context() -> ssl.SSLContext:
    # Built once: a verifying context (certifi's roots) costs more to build than a whole hop to read.
    return httpx.create_ssl_context()


def system_resolver(host: str) -> list[str]:
    """Every address (A and AAAA) the system resolver gives for host."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal_reason(address: Address) -> str | None:
    """Why the reader may not connect to this address, or None for a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv6 form that carries an IPv4 address is judged by the IPv4 address it reaches.
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and (reason := refusal_reason(embedded)):
            return f"{reason} (inside {address})"
    checks = (
        ("cloud metadata", address in _METADATA),
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("shared or special-purpose", any(address in net for net in _EXTRA_BLOCKED)),
        ("non-global", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def fetch_page(
    url: str,
    *,
    resolver: Resolver = system_resolver,
    transport: httpx.BaseTransport | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    allow_loopback: bool = False,
) -> Page:
    """Read a public http(s) page as text; a body over max_bytes is truncated (Page.truncated), not refused.

    `timeout` covers the whole read: DNS, every hop, and the body (checked between chunks, so one slow read can
    overrun it by at most the time that was left when its hop began). `allow_loopback` exists for tests against
    a local server only; it lifts the loopback check and nothing else.
    """
    deadline = time.monotonic() + timeout
    current = _parse(url)
    for _hop in range(MAX_REDIRECTS + 1):
        addresses = _vetted_addresses(current, resolver, deadline, allow_loopback)
        result = _get(current, addresses, transport, deadline, max_bytes)
        if isinstance(result, Page):
            return replace(result, url=url)
        current = _parse(urljoin(str(current), result))
        log.debug("following a redirect to %s", current)
    raise FetchRefused(f"{url} redirects more than {MAX_REDIRECTS} times")


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchRefused(f"not a valid URL: {url!r}") from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are read, not {parsed.scheme or 'a relative URL'}: {url!r}")
    if not parsed.raw_host:
        raise FetchRefused(f"no host in {url!r}")
    if parsed.userinfo:
        raise FetchRefused(f"URLs with credentials are not read: {parsed.copy_with(username=None, password=None)}")
    return parsed


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("the page took longer than the time limit")
    return left


def _vetted_addresses(url: httpx.URL, resolver: Resolver, deadline: float, allow_loopback: bool) -> list[Address]:
    host = url.raw_host.decode("ascii")
    try:
        candidates: list[Address] = [ipaddress.ip_address(url.host)]
    except ValueError:
        future = _DNS_POOL.submit(lambda: list(resolver(host)))
        try:
            candidates = [ipaddress.ip_address(a) for a in future.result(timeout=_remaining(deadline))]
        except FutureTimeout as exc:
            raise FetchFailed(f"resolving {host} took longer than the time limit") from exc
        except (OSError, UnicodeError, ValueError) as exc:
            raise FetchFailed(f"could not resolve {host}: {exc}") from exc
    if not candidates:
        raise FetchFailed(f"{host} resolves to no address")
    for address in candidates:
        reason = refusal_reason(address)
        if reason and not (allow_loopback and address.is_loopback):
            raise FetchRefused(f"refused {host}: it resolves to {address}, a {reason} address")
    return candidates


def _get(
    url: httpx.URL, addresses: list[Address], transport: httpx.BaseTransport | None, deadline: float, max_bytes: int
) -> Page | str:
    """One hop: a Page, or the Location of a redirect."""
    headers = {
        "Host": url.netloc.decode("ascii"),
        "User-Agent": USER_AGENT,
        "Accept": "text/html, text/plain;q=0.9",
        # Compressed bodies are refused below: a small gzip body can inflate far past max_bytes in one chunk.
        "Accept-Encoding": "identity",
    }
    # A fresh pool per hop: a pooled TLS connection to the same IP must not be reused under another SNI name.
    real = transport or httpx.HTTPTransport(verify=_tls_context())
    with httpx.Client(transport=real, trust_env=False, follow_redirects=False) as client:
        for index, address in enumerate(addresses):
            request = client.build_request(
                "GET",
                url.copy_with(host=str(address)),
                headers=headers,
                timeout=_remaining(deadline),
                extensions={"sni_hostname": url.raw_host.decode("ascii")},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.ConnectError as exc:
                if index + 1 < len(addresses):
                    continue
                raise FetchFailed(f"could not connect to {url.host}: {exc}") from exc
            except httpx.TimeoutException as exc:
                raise FetchFailed(f"{url} did not answer within the time limit") from exc
            except httpx.HTTPError as exc:
                raise FetchFailed(f"could not read {url}: {exc}") from exc
            try:
                return _read(url, response, deadline, max_bytes)
            finally:
                response.close()
    raise FetchFailed(f"could not connect to {url.host}")  # pragma: no cover - the loop returns or raises


def _read(url: httpx.URL, response: httpx.Response, deadline: float, max_bytes: int) -> Page | str:
    if response.status_code in _REDIRECT_STATUSES and "location" in response.headers:
        return response.headers["location"]
    if response.status_code != 200:
        raise FetchFailed(f"{url} answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise FetchRefused(f"{url} is {content_type or 'of no stated type'}, not text/html or text/plain")
    if response.headers.get("content-encoding", "").strip().lower() not in ("", "identity"):
        raise FetchRefused(f"{url} sent a compressed body although identity was asked for")
    body = bytearray()
    truncated = False
    try:
        for chunk in response.iter_bytes():  # identity only (checked above), so no inflation
            body += chunk
            if len(body) > max_bytes:
                del body[max_bytes:]
                truncated = True
                break
            _remaining(deadline)
    except httpx.TimeoutException as exc:
        raise FetchFailed(f"{url} did not finish within the time limit") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"could not read {url}: {exc}") from exc
    text = bytes(body).decode(_encoding(response), errors="replace")
    if content_type == "text/plain":
        return Page(url=str(url), final_url=str(url), title="", text=text.strip(), truncated=truncated)
    title, plain = html_to_text(text)
    return Page(url=str(url), final_url=str(url), title=title, text=plain, truncated=truncated)


def _encoding(response: httpx.Response) -> str:
    name = response.charset_encoding or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"
