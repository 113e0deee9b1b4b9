"""One error shape for every HTTP error: ``{"ok": false, "error": {"code", "message"}, "status": N}``.

Storyline errors, HTTP errors (404 for an unknown route, 405, 413 ...), request validation errors
and unexpected exceptions all leave through :func:`install_error_handlers`: JSON under ``/api``,
an HTML page with the same status (and the same escaped message) everywhere else.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.errors import NotFoundError, StoreError, StorylineError

__all__ = ["ApiError", "error_body", "install_error_handlers"]

log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests",
          500: "internal_error", 503: "unavailable"}


class ApiError(Exception):
    """An error with an HTTP status, a stable machine-readable code and a message for people."""

    def __init__(self, status: int, message: str, code: str | None = None,
                 details: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")
        self.details = details
        self.headers = headers


def error_body(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return the JSON body of an error response."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"ok": False, "error": error, "status": status}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


def _respond(request: Request, error: ApiError) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(error.status, error.code, error.message, error.details),
                            status_code=error.status, headers=error.headers)
    templates = request.app.state.ctx.templates
    return templates.TemplateResponse(request, "error.html", {"error": error}, status_code=error.status,
                                      headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error of ``app`` through the one error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _respond(request, exc)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _respond(request, ApiError(404, exc.message))

    @app.exception_handler(StorylineError)
    async def _storyline_error(request: Request, exc: StorylineError) -> Response:
        # a store that cannot be read is the server's problem; any other storyline error is the input's
        status = 500 if isinstance(exc, StoreError) else 400
        return _respond(request, ApiError(status, exc.message, code=type(exc).__name__))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "error")
        return _respond(request, ApiError(exc.status_code, message, headers=getattr(exc, "headers", None)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [{"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                   for e in exc.errors()]
        summary = "; ".join(f"{d['location']}: {d['message']}" for d in details) or "invalid request"
        return _respond(request, ApiError(422, summary, details=details))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error serving %s", request.url.path)
        return _respond(request, ApiError(500, "internal error; the server log has the details"))
