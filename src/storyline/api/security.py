"""HTTP hardening: security headers, request body limits and the write token.

Article text, titles, outlets and URLs are untrusted. Templates escape them (autoescape); the
Content-Security-Policy makes sure that even an escaping mistake cannot run script (no inline
script, scripts only from this origin), and pages cannot be framed. Write endpoints are off
unless a token is configured, and the token is compared in constant time.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from storyline.api.errors import ApiError, error_body
from storyline.config import FetchConfig
from storyline.errors import BlockedAddressError
from storyline.ingest.guard import AddressPolicy

__all__ = ["SECURITY_HEADERS", "BodyLimitMiddleware", "SecurityHeadersMiddleware", "check_token", "check_url",
           "presented_token"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; connect-src 'self'")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response (pages, API, static files, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, before the application reads them.

    A declared ``Content-Length`` over the limit is refused at once; a body without one (chunked)
    is counted as it streams and cut off when it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(error_body(413, "payload_too_large",
                                     f"request body over the limit of {self.max_bytes:,} bytes "
                                     "(serve.max_body_bytes)")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)


def presented_token(headers: MutableMapping[str, str] | Any) -> str | None:
    """Return the token a request presents: ``Authorization: Bearer <token>`` or ``X-Storyline-Token``."""
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return headers.get("x-storyline-token")


def check_token(configured: str | None, presented: str | None) -> None:
    """Allow a write, or raise the matching ApiError.

    Raises:
        ApiError: 403 when writes are off (no token configured) or the token is wrong,
            401 when no token was presented.
    """
    if not configured:
        raise ApiError(403, "writes are disabled on this server; start it with `storyline serve --token ...`",
                       code="writes_disabled")
    if not presented:
        raise ApiError(401, "this endpoint needs the server's token (Authorization: Bearer <token>)",
                       headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(presented.encode("utf-8"), configured.encode("utf-8")):
        raise ApiError(403, "wrong token", code="forbidden")


def check_url(url: str, fetch: FetchConfig) -> str:
    """Refuse at once a URL that is not http(s), or whose host is an address the SSRF guard refuses.

    Host names are resolved and checked again by the fetcher's guard when the job fetches them
    (and on every redirect); this only turns the obvious cases into an immediate 400.

    Raises:
        ApiError: 422 for a malformed or non-http(s) URL, 400 (``blocked_address``) for a refused address.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        raise ApiError(422, f"{url!r} is not an http(s) URL") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ApiError(422, f"{url!r} is not an http(s) URL")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return url.strip()  # a name: resolved and checked by the fetcher's guard
    try:
        AddressPolicy(fetch.allow_private, fetch.allow_networks).check(host, host)
    except BlockedAddressError as exc:
        raise ApiError(400, exc.message, code="blocked_address") from None
    return url.strip()
