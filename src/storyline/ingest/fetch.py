"""Fetch URLs: the one seam through which storyline touches the network.

Readers take a :class:`Fetcher` (anything with a ``fetch`` method); :class:`HttpFetcher` is the
real one, built on httpx. Tests pass ``HttpFetcher(config, transport=httpx.MockTransport(...))``
or a fake fetcher mapping URLs to bytes. A fetch:

1. checks the URL (http or https, a host) and the host's addresses against the SSRF guard;
2. sends one request (no proxies from the environment: a proxy would hide the address connected
   to); with the default transport the socket is opened by :class:`~storyline.ingest.guard.GuardedBackend`,
   which connects only to vetted addresses;
3. follows redirects itself, up to ``fetch.max_redirects``, going back to step 1 for every hop
   (and keeps ``fetch.host_interval_seconds`` between two requests to the same host);
4. refuses an error status, a content type the caller does not accept, and a body over
   ``fetch.max_bytes`` (announced by Content-Length, or counted while streaming: the download
   stops at the limit);
5. returns the bytes with the final URL, the charset the headers declare and the validators
   (ETag, Last-Modified) for conditional requests.

Every failure is a :class:`~storyline.errors.FetchError` whose message names the URL and the cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from storyline.config import FetchConfig
from storyline.errors import BlockedAddressError, FetchError, StorylineError
from storyline.ingest.guard import AddressPolicy, GuardedBackend, Resolver, system_resolver

if TYPE_CHECKING:
    import httpx

__all__ = ["FetchResponse", "Fetcher", "HttpFetcher", "media_type"]

_REDIRECTS = (301, 302, 303, 307, 308)


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """Split a Content-Type header into its media type and charset.

    >>> media_type('text/html; charset="ISO-8859-1"')
    ('text/html', 'iso-8859-1')
    """
    if not content_type:
        return "", None
    kind, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return kind.strip().lower(), charset


@dataclass(frozen=True, slots=True)
class FetchResponse:
    """A successful fetch (or a 304 Not Modified answer to a conditional request)."""

    url: str
    """The URL asked for."""
    final_url: str
    """The URL the content came from, after redirects."""
    status: int
    content: bytes
    media_type: str
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """True when the server answered a conditional request with 304 Not Modified."""
        return self.status == 304


class Fetcher(Protocol):
    """Anything that fetches a URL; the only network access readers have."""

    def fetch(self, url: str, *, accept: Iterable[str], headers: Mapping[str, str] | None = None) -> FetchResponse:
        """Fetch ``url``, accepting only the listed media types.

        Raises:
            FetchError: the URL was refused, unreachable, an error status, too large or of another type.
        """
        ...


class HttpFetcher:
    """The real fetcher: httpx with the SSRF guard, limits and manual redirects.

    Args:
        config: timeouts, limits and the address policy (``allow_private``, ``allow_networks``).
        transport: an httpx transport to use instead of the guarded network one (tests pass
            ``httpx.MockTransport``; the URL-level guard of step 1 still applies).
        resolver: host name resolution for the guard; the operating system's by default.
        network_backend: the httpcore backend the guard wraps (tests record connections with it).
        sleep: waits between requests to the same host (``fetch.host_interval_seconds``).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, config: FetchConfig | None = None, *, transport: httpx.BaseTransport | None = None,
                 resolver: Resolver | None = None, network_backend: Any = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx

        self.config = config or FetchConfig()
        self._sleep = sleep
        self._last_request: dict[str, float] = {}  # host -> monotonic time of its last request
        self.policy = AddressPolicy(self.config.allow_private, self.config.allow_networks,
                                    resolver or system_resolver)
        if transport is None:
            transport = _guarded_transport(self.policy, network_backend)
        timeout = httpx.Timeout(self.config.timeout_seconds)
        self._client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False,
                                    trust_env=False, headers={"User-Agent": self.config.user_agent})

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool; calling it again does nothing."""
        self._client.close()

    def fetch(self, url: str, *, accept: Iterable[str], headers: Mapping[str, str] | None = None) -> FetchResponse:
        """Fetch ``url`` (see the module docstring for the steps).

        Args:
            url: an http or https URL.
            accept: media types accepted (e.g. ``config.page_types``); others fail.
            headers: extra request headers (``If-None-Match``, ``If-Modified-Since``).

        Returns:
            The response; ``not_modified`` when a conditional request got 304.

        Raises:
            FetchError: refused address, bad URL, network error, timeout, error status, too many
                redirects, wrong content type, or a body over ``fetch.max_bytes``.
        """
        accepted = tuple(accept)
        deadline = time.monotonic() + self.config.max_seconds
        current = url
        for _hop in range(self.config.max_redirects + 1):
            self._check_url(current, url)
            try:
                response = self._send(current, url, accepted, headers, deadline)
            except BlockedAddressError as exc:  # raised by the guard at connect time (e.g. DNS rebinding)
                if exc.message.startswith(url):
                    raise
                via = "" if current == url else f" (redirected to {current})"
                raise BlockedAddressError(f"{url}{via}: {exc.message}", origin=url) from None
            except StorylineError:
                raise
            except Exception as exc:  # httpx errors and OS errors alike become one readable failure
                raise FetchError(_describe(exc, url, current, self.config), origin=url, transient=True) from exc
            if isinstance(response, str):
                current = response  # a redirect: check and follow the next hop
                continue
            return response
        raise FetchError(f"{url}: too many redirects (more than {self.config.max_redirects}; last to {current})",
                         origin=url)

    def post_json(self, url: str, payload: Any) -> int:
        """POST ``payload`` as JSON to ``url`` (a webhook) through the same guard, limits and timeouts.

        The URL is checked like a fetch (step 1); redirects are not followed (a webhook that
        moved is an error to fix, and re-sending a POST elsewhere is not safe); the answer's body
        is not read.

        Returns:
            The HTTP status (2xx).

        Raises:
            FetchError: refused address, bad URL, network error, timeout, redirect or error status.
        """
        import json

        self._check_url(url, url)
        self._wait_for_host(url)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            response = self._client.post(url, content=body, headers={"Content-Type": "application/json"})
        except BlockedAddressError as exc:
            raise BlockedAddressError(exc.message if exc.message.startswith(url) else f"{url}: {exc.message}",
                                      origin=url) from None
        except StorylineError:
            raise
        except Exception as exc:
            raise FetchError(_describe(exc, url, url, self.config), origin=url, transient=True) from exc
        if response.status_code in _REDIRECTS or not 200 <= response.status_code < 300:
            kind = "redirect (not followed for a POST)" if response.status_code in _REDIRECTS else "error"
            raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase or ''} {kind}".replace(
                "  ", " ").strip(), origin=url, transient=response.status_code >= 500 or response.status_code == 429)
        return response.status_code

    def _check_url(self, current: str, origin: str) -> None:
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"{origin}: only http and https URLs are fetched, not {current!r}", origin=origin)
        if not parts.hostname:
            raise FetchError(f"{origin}: URL has no host: {current!r}", origin=origin)
        try:
            self.policy.vet(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except BlockedAddressError as exc:
            via = "" if current == origin else f" (redirected to {current})"
            raise BlockedAddressError(f"{origin}{via}: {exc.message}", origin=origin) from None
        except OSError as exc:  # the host does not resolve: may be a passing DNS failure
            raise FetchError(f"{origin}: {exc}", origin=origin, transient=True) from exc

    def _wait_for_host(self, url: str) -> None:
        """Keep ``fetch.host_interval_seconds`` between two requests to one host."""
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = self.config.host_interval_seconds - (time.monotonic() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = time.monotonic()

    def _send(self, current: str, origin: str, accepted: tuple[str, ...], headers: Mapping[str, str] | None,
              deadline: float) -> FetchResponse | str:
        """Send one request; return the response, or the next URL when it is a redirect."""
        self._wait_for_host(current)
        with self._client.stream("GET", current, headers=dict(headers or {})) as response:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"{origin}: HTTP {response.status_code} redirect without a Location header",
                                     origin=origin)
                return urljoin(current, location)
            kind, charset = media_type(response.headers.get("content-type"))
            validators = {"etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified")}
            if response.status_code == 304:
                return FetchResponse(origin, current, 304, b"", kind, charset, **validators)
            if response.status_code >= 400:
                reason = response.reason_phrase or ""
                raise FetchError(f"{origin}: HTTP {response.status_code} {reason}".rstrip() +
                                 ("" if current == origin else f" (at {current})"), origin=origin,
                                 transient=response.status_code >= 500 or response.status_code in (408, 429))
            if response.status_code != 200:
                raise FetchError(f"{origin}: unexpected HTTP status {response.status_code}", origin=origin)
            if kind not in accepted:
                raise FetchError(f"{origin}: wrong content type {kind or '(none)'!r}; expected one of "
                                 f"{', '.join(accepted)}", origin=origin)
            content = self._read_limited(response, origin, deadline)
            return FetchResponse(origin, current, 200, content, kind, charset,
                                 headers={k.lower(): v for k, v in response.headers.items()}, **validators)

    def _read_limited(self, response: httpx.Response, origin: str, deadline: float) -> bytes:
        limit = self.config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{origin}: response too large ({int(declared):,} bytes announced; limit "
                             f"{limit:,}, fetch.max_bytes)", origin=origin)
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{origin}: response too large (over {limit:,} bytes, fetch.max_bytes); "
                                 "download stopped", origin=origin)
            if time.monotonic() > deadline:
                raise FetchError(f"{origin}: timed out (download took over {self.config.max_seconds:g}s, "
                                 "fetch.max_seconds)", origin=origin, transient=True)
            chunks.append(chunk)
        return b"".join(chunks)


def _guarded_transport(policy: AddressPolicy, network_backend: Any) -> httpx.BaseTransport:
    """An httpx transport whose sockets are opened by the guard (step 2 of the module docstring)."""
    import httpcore
    import httpx

    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend: swap the pool it built for one that
    # uses the guard (same settings as httpx's defaults). Checked by tests/test_fetch.py.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=10, max_keepalive_connections=5,
        keepalive_expiry=5.0, network_backend=GuardedBackend(policy, network_backend))
    return transport


def _describe(exc: Exception, url: str, current: str, config: FetchConfig) -> str:
    """A one-line reason for a transport error."""
    import httpx

    at = "" if current == url else f" (at {current})"
    if isinstance(exc, httpx.TimeoutException):
        return f"{url}: timed out (no answer within {config.timeout_seconds:g}s, fetch.timeout_seconds){at}"
    if isinstance(exc, httpx.ConnectError):
        return f"{url}: cannot connect ({exc}){at}"
    if isinstance(exc, httpx.HTTPError):
        return f"{url}: {type(exc).__name__}: {exc}{at}"
    return f"{url}: {exc!r}{at}"
