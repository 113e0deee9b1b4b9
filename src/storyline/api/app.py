"""The FastAPI application: JSON API, web UI and static files over one store.

``create_app`` wires the parts: security headers and body limits (``api.security``), the one error
shape (``api.errors``), the API routes (``api.routes_api``), the pages (``api.routes_web``) and the
static files. Features add a router module and one line in :data:`ROUTERS`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storyline import __version__
from storyline.api import routes_api, routes_feeds, routes_web
from storyline.api.context import AppContext
from storyline.api.errors import install_error_handlers
from storyline.api.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from storyline.config import StorylineConfig
from storyline.store import Store

__all__ = ["ROUTERS", "SERVE_ENV", "app_from_env", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"

ROUTERS = (routes_api.router, routes_feeds.router, routes_web.router)

SERVE_ENV = "STORYLINE_SERVE"
"""Environment variable carrying ``{"db", "config", "serve"}`` (JSON) to worker processes."""


def create_app(db: str | Path, *, token: str | None = None, config: StorylineConfig | None = None) -> FastAPI:
    """Build the HTTP app over the store at ``db``.

    Args:
        db: the SQLite store (created and migrated if missing).
        token: the write token; without one, ingestion and other writes are refused (403).
        config: settings (``serve`` section: body limit, page sizes, jobs kept).
    """
    config = config or StorylineConfig()
    Store(db).close()  # create or migrate now, so a bad path fails at start-up, not on the first request
    ctx = AppContext(db_path=str(db), config=config, token=token or None)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run on AnyIO's thread pool (40 threads by default). Pages are CPU-bound
        # Python under one GIL, so more threads than a few only add switching; SQLite releases
        # the GIL while it reads, which is what a handful of threads is for.
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.serve.threads
        yield
        ctx.close()

    app = FastAPI(title="storyline", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Stories, articles, cited summaries and search over a storyline store. "
                              "Errors: {\"ok\": false, \"error\": {\"code\", \"message\"}, \"status\": N}.")
    app.state.ctx = ctx
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # outermost first: headers go on every response, including a 413 from the body limit
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.serve.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def app_from_env() -> FastAPI:
    """Build the app in a uvicorn worker process from :data:`SERVE_ENV` (and the token from ``STORYLINE_TOKEN``).

    ``storyline serve --workers N`` starts N processes, each importing this factory: a process
    cannot be handed the parent's app object, so it gets the store path, the config file and
    the ``serve`` overrides instead.
    """
    import json
    import os

    from storyline.config import load_config

    spec = json.loads(os.environ[SERVE_ENV])
    config = load_config(spec.get("config"))
    if spec.get("serve"):
        config = config.replace("serve", **spec["serve"])
    return create_app(spec["db"], token=os.environ.get("STORYLINE_TOKEN") or None, config=config)
