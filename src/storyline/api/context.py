"""What every route needs: the store (one connection per worker thread), config, token, templates, jobs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline.api.errors import ApiError
from storyline.api.jobs import JobRunner
from storyline.config import StorylineConfig
from storyline.store import Store
from storyline.store.queries import ArticleFilter
from storyline.text import count_noun

__all__ = ["AppContext", "ctx_of", "filters_from", "paging", "safe_url"]

T = TypeVar("T")

TEMPLATES_DIR = Path(__file__).parent / "templates"


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL, else None: only those become links.

    Escaping alone does not stop ``javascript:`` or ``data:`` URLs in an ``href``.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _with_query(request: Request, **changes: Any) -> str:
    """Return the current path with query parameters changed (None removes one): for pagination links."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def _templates() -> Jinja2Templates:
    # autoescape on for every template, whatever its extension: article content is untrusted
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.globals["with_query"] = _with_query
    env.globals["count_noun"] = count_noun
    return Jinja2Templates(env=env)


@dataclass
class AppContext:
    """Shared state of one app: where the store is, the config, the write token, templates and jobs."""

    db_path: str
    config: StorylineConfig
    token: str | None
    templates: Jinja2Templates = field(default_factory=_templates)
    jobs: JobRunner | None = None
    _local: threading.local = field(default_factory=threading.local)
    _stores: list[Store] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.jobs is None:
            self.jobs = JobRunner(self.db_path, self.config)

    def store(self) -> Store:
        """Return this thread's read-only Store connection (SQLite connections are not shared across threads).

        ``query_only`` makes a write through a page's connection an error: the server writes only
        through the job runner's own connection.
        """
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            store.db.execute("PRAGMA query_only = ON")
            store.db.execute("PRAGMA mmap_size = 268435456")  # reads map the file instead of copying pages
            self._local.store = store
            self._local.cache = OrderedDict()
            with self._lock:
                self._stores.append(store)
        return store

    def cached(self, key: tuple[Any, ...], compute: Callable[[Store], T]) -> T:
        """Return ``compute(store)``, computed once per ``key`` while the store does not change.

        The cache is per thread (per connection) and keyed by SQLite's ``data_version``, which
        changes on this connection whenever any other connection commits: an ingestion job's
        write invalidates every entry, in every worker process, without any signalling.
        """
        store = self.store()
        size = self.config.serve.cache_entries
        if size == 0:
            return compute(store)
        cache: OrderedDict[tuple[Any, ...], tuple[int, Any]] = self._local.cache
        version = int(store.db.execute("PRAGMA data_version").fetchone()[0])
        hit = cache.get(key)
        if hit is not None and hit[0] == version:
            cache.move_to_end(key)
            return hit[1]
        value = compute(store)
        cache[key] = (version, value)
        cache.move_to_end(key)
        while len(cache) > size:
            cache.popitem(last=False)
        return value

    def close(self) -> None:
        """Stop the job runner and close every connection opened."""
        if self.jobs is not None:
            self.jobs.shutdown()
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()


def ctx_of(request: Request) -> AppContext:
    """Return the AppContext of the app serving ``request``."""
    return request.app.state.ctx


def paging(request: Request, limit: int | None, offset: int) -> tuple[int, int]:
    """Validate ``limit``/``offset`` against ``serve.page_size``/``serve.max_page_size``.

    Raises:
        ApiError: 422 when the limit is over the maximum.
    """
    serve = ctx_of(request).config.serve
    if limit is None:
        limit = serve.page_size
    if not 1 <= limit <= serve.max_page_size:
        raise ApiError(422, f"limit must be between 1 and {serve.max_page_size}")
    if offset < 0:
        raise ApiError(422, "offset must be >= 0")
    return limit, offset


def filters_from(since: date | None = None, until: date | None = None, outlet: str | None = None,
                 story: str | None = None) -> ArticleFilter:
    """Build the article filter of a request's ``since``, ``until``, ``outlet`` and ``story`` parameters."""
    if since and until and since > until:
        raise ApiError(422, f"since ({since}) is after until ({until})")
    return ArticleFilter(since=since.isoformat() if since else None, until=until.isoformat() if until else None,
                         outlet=outlet or None, story_id=story or None)
