"""The fetcher and its SSRF guard: address rules, DNS seams, redirects, limits (ingest/fetch.py, guard.py)."""

from __future__ import annotations

import doctest

import httpcore
import httpx
import pytest

from storyline.config import FetchConfig
from storyline.errors import BlockedAddressError, ConfigError, FetchError
from storyline.ingest import fetch as fetch_module
from storyline.ingest import guard as guard_module
from storyline.ingest.fetch import HttpFetcher
from storyline.ingest.guard import AddressPolicy, blocked_reason

HTML = ("text/html",)
PAGE = b"<html><body><p>hello</p></body></html>"


def test_doctests():
    for module in (fetch_module, guard_module):
        assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "169.254.170.2",
    "100.100.100.200", "100.64.0.1", "168.63.129.16", "0.0.0.0", "240.0.0.1", "224.0.0.1", "255.255.255.255",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
    "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
])
def test_guard_refuses_non_public_addresses(address):
    assert blocked_reason(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946",
                                     "::ffff:93.184.216.34"])
def test_guard_allows_public_addresses(address):
    assert blocked_reason(address) is None


def test_guard_names_the_reason():
    assert blocked_reason("169.254.169.254") == "a cloud metadata address"
    assert "inside IPv6" in blocked_reason("::ffff:192.168.0.1")


def test_policy_allow_networks_and_allow_private():
    assert AddressPolicy(allow_networks=("127.0.0.0/8",)).vet("127.0.0.1", 80) == ["127.0.0.1"]
    with pytest.raises(BlockedAddressError):
        AddressPolicy(allow_networks=("127.0.0.0/8",)).vet("10.0.0.1", 80)
    assert AddressPolicy(allow_private=True).vet("10.0.0.1", 80) == ["10.0.0.1"]
    # metadata endpoints stay closed with --allow-private; only an explicit network opens them
    for metadata in ("169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254"):
        with pytest.raises(BlockedAddressError, match="even with --allow-private"):
            AddressPolicy(allow_private=True).vet(metadata, 80)
    assert AddressPolicy(allow_networks=("169.254.169.254/32",)).vet("169.254.169.254", 80)
    with pytest.raises(ConfigError, match="allow_networks"):
        FetchConfig(allow_networks=("not-a-network",))


def resolver_for(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"cannot resolve host {host!r}")
        return table[host]
    return resolve


def mock_fetcher(handler, table=None, **config) -> HttpFetcher:
    return HttpFetcher(FetchConfig(**config), transport=httpx.MockTransport(handler),
                       resolver=resolver_for(table or {"news.test": ["93.184.216.34"]}))


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"the guard let a request through to {request.url}")


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1/x", "loopback"),
    ("http://[::1]/x", "loopback"),
    ("http://[::ffff:127.0.0.1]/x", "loopback"),
    ("http://10.0.0.8/admin", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://intranet.test/", "private"),        # a name resolving to a private address
    ("http://metadata.test/", "metadata"),
    ("http://mixed.test/", "loopback"),           # one bad answer among good ones is enough
])
def test_fetch_refuses_private_targets_before_connecting(url, reason):
    table = {"intranet.test": ["10.20.30.40"], "metadata.test": ["169.254.169.254"],
             "mixed.test": ["93.184.216.34", "127.0.0.1"]}
    with mock_fetcher(never_called, table) as fetcher, pytest.raises(BlockedAddressError, match=reason) as info:
        fetcher.fetch(url, accept=HTML)
    assert "--allow-private" in info.value.message


def test_every_redirect_hop_is_checked():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "news.test", "followed a redirect into a private address"
        return httpx.Response(302, headers={"Location": "http://metadata.test/latest/"})

    with mock_fetcher(handler, {"news.test": ["93.184.216.34"], "metadata.test": ["169.254.169.254"]}) as fetcher, \
            pytest.raises(BlockedAddressError, match=r"redirected to http://metadata.test/latest/.*metadata"):
        fetcher.fetch("http://news.test/story", accept=HTML)


def test_redirects_are_followed_and_limited():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        if request.url.path == "/new":
            return httpx.Response(200, content=PAGE, headers={"Content-Type": "text/html; charset=windows-1252"})
        return httpx.Response(302, headers={"Location": request.url.path + "x"})

    with mock_fetcher(handler, max_redirects=3) as fetcher:
        response = fetcher.fetch("http://news.test/old", accept=HTML)
        assert (response.final_url, response.content) == ("http://news.test/new", PAGE)
        assert response.charset == "windows-1252"
        with pytest.raises(FetchError, match="too many redirects"):
            fetcher.fetch("http://news.test/loop", accept=HTML)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://news.test/x", "gopher://news.test/", "http:///x"])
def test_only_http_urls(url):
    with mock_fetcher(never_called) as fetcher, pytest.raises(FetchError, match="http"):
        fetcher.fetch(url, accept=HTML)


def test_status_type_and_size_failures_are_clear():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/gone":
            return httpx.Response(404)
        if request.url.path == "/busy":
            return httpx.Response(503)
        if request.url.path == "/pdf":
            return httpx.Response(200, content=b"%PDF", headers={"Content-Type": "application/pdf"})
        return httpx.Response(200, content=b"x" * 5000, headers={"Content-Type": "text/html"})

    with mock_fetcher(handler, max_bytes=1000) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404 Not Found") as gone:
            fetcher.fetch("http://news.test/gone", accept=HTML)
        assert not gone.value.transient
        with pytest.raises(FetchError, match="HTTP 503") as busy:
            fetcher.fetch("http://news.test/busy", accept=HTML)
        assert busy.value.transient
        with pytest.raises(FetchError, match="wrong content type 'application/pdf'"):
            fetcher.fetch("http://news.test/pdf", accept=HTML)
        with pytest.raises(FetchError, match="too large"):
            fetcher.fetch("http://news.test/big", accept=HTML)


def test_conditional_get_returns_not_modified():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, content=b"<rss/>", headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    with mock_fetcher(handler) as fetcher:
        first = fetcher.fetch("http://news.test/feed", accept=("application/rss+xml",))
        assert (first.status, first.etag, first.not_modified) == (200, '"v1"', False)
        again = fetcher.fetch("http://news.test/feed", accept=("application/rss+xml",),
                              headers={"If-None-Match": '"v1"'})
        assert again.not_modified and again.content == b""


class RecordingBackend:
    """Stands in for the socket layer: records where the guard connects, never opens a socket."""

    def __init__(self) -> None:
        self.connected: list[str] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connected.append(host)
        raise httpcore.ConnectError(f"test backend: no network ({host}:{port})")

    def sleep(self, seconds: float) -> None:
        pass


def test_guarded_transport_connects_to_the_vetted_address():
    backend = RecordingBackend()
    fetcher = HttpFetcher(FetchConfig(), resolver=resolver_for({"news.test": ["93.184.216.34"]}),
                          network_backend=backend)
    with fetcher, pytest.raises(FetchError, match="cannot connect") as info:
        fetcher.fetch("http://news.test/story", accept=HTML)
    assert backend.connected == ["93.184.216.34"]  # the IP that was checked, not the name again
    assert info.value.transient


def test_dns_rebinding_is_refused_at_connect_time():
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # public when checked, loopback when connecting

    backend = RecordingBackend()
    fetcher = HttpFetcher(FetchConfig(), resolver=lambda host, port: next(answers), network_backend=backend)
    with fetcher, pytest.raises(BlockedAddressError, match="loopback"):
        fetcher.fetch("http://rebind.test/", accept=HTML)
    assert backend.connected == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "0177.0.0.1"])
def test_numeric_host_spellings_are_judged_by_the_address_they_resolve_to(host):
    # the operating system resolves these without any network; the guard must see 127.0.0.1
    with pytest.raises(BlockedAddressError, match="loopback"):
        AddressPolicy().vet(host, 80)


def test_requests_to_one_host_are_spaced_out():
    waits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=PAGE, headers={"Content-Type": "text/html"})

    fetcher = HttpFetcher(FetchConfig(host_interval_seconds=30), transport=httpx.MockTransport(handler),
                          resolver=resolver_for({"news.test": ["93.184.216.34"], "other.test": ["93.184.216.35"]}),
                          sleep=waits.append)
    with fetcher:
        for url in ("http://news.test/1", "http://other.test/1", "http://news.test/2"):
            fetcher.fetch(url, accept=HTML)
    assert len(waits) == 1 and 29 < waits[0] <= 30  # only the second request to news.test waited
