"""The web UI: server-rendered pages (Jinja2, autoescaped) over the same views as the JSON API.

Pages hold no logic: each reads a view (``storyline.views``) or a store query and renders a
template. Pages are numbered from 1 (``?page=``); a page's size is ``serve.page_size``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from storyline.api.charts import bar_chart_svg
from storyline.api.context import AppContext, ctx_of, filters_from
from storyline.api.errors import ApiError
from storyline.api.routes_api import read_uploads
from storyline.api.security import check_token, check_url
from storyline.ingest import read_jsonl_bytes
from storyline.store import Store
from storyline.store.queries import articles_per_day, failure_page, story_page, storyline_page
from storyline.views import (
    activity_view,
    article_detail,
    compare_view,
    failure_view,
    numbered_report,
    page_view,
    provenance_view,
    story_listing_view,
    story_overview,
    storyline_listing_view,
    storyline_overview,
    subject_actors_view,
    subject_articles,
    subject_report,
    whatsnew_view,
)
from storyline.views.search import search_view

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PageNumber = Annotated[int, Query(ge=1, le=100_000)]
FAVICON = Path(__file__).parent / "static" / "favicon.svg"


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    return ctx_of(request).templates.TemplateResponse(request, template, context, status_code=status_code)


def _offset(request: Request, page: int) -> tuple[int, int]:
    size = ctx_of(request).config.serve.page_size
    return size, (page - 1) * size


@router.get("/")
def home(request: Request, page: PageNumber = 1) -> Response:
    ctx = ctx_of(request)
    limit, offset = _offset(request, page)

    def compute(store: Store) -> dict[str, Any]:
        stories = story_page(store, limit=limit, offset=offset)
        lines = storyline_page(store, limit=limit, offset=offset)
        return {"stories": page_view(stories, [story_listing_view(s) for s in stories.items]),
                "storylines": page_view(lines, [storyline_listing_view(s) for s in lines.items]),
                "activity_chart": bar_chart_svg(activity_view(articles_per_day(store), ctx.config.serve.chart_max_days),
                                                "Articles per day")}

    return _render(request, "home.html", page=page, **ctx.cached(("home", limit, offset), compute))


def _analysis(ctx: AppContext, kind: str, subject_id: str, size: int, compute: Callable[[Store], Any]) -> Any:
    """A page's analysis part (provenance, comparison, actors), cached; None past serve.analysis_max_articles."""
    if size > ctx.config.serve.analysis_max_articles:
        return None
    return ctx.cached((kind, subject_id), compute)


@router.get("/storylines/{storyline_id}")
def storyline(request: Request, storyline_id: str) -> Response:
    ctx = ctx_of(request)

    def compute(store: Store) -> dict[str, Any]:
        view = storyline_overview(store, storyline_id, max_days=ctx.config.serve.chart_max_days)
        return {"storyline": view, "activity_chart": bar_chart_svg(view["activity"],
                                                                   "Articles per day in this storyline")}

    parts = ctx.cached(("storyline", storyline_id), compute)
    actors = _analysis(ctx, "actors", storyline_id, parts["storyline"]["articles"] or 0,
                       lambda store: subject_actors_view(store, storyline_id, ctx.config.nlp))
    return _render(request, "storyline.html", actors=actors, analysis_max=ctx.config.serve.analysis_max_articles,
                   **parts)


@router.get("/timeline/{subject_id}")
def timeline(request: Request, subject_id: str) -> Response:
    ctx = ctx_of(request)
    report = numbered_report(subject_report(ctx.store(), subject_id, ctx.config))
    return _render(request, "timeline.html", report=report)


@router.get("/whatsnew")
def whatsnew(request: Request, since: date | None = None) -> Response:
    store = ctx_of(request).store()
    if since is None:  # default: the last three days of news in the store
        days = articles_per_day(store)
        since = date.fromisoformat(days[-1][0]) - timedelta(days=2) if days else date.today()
    return _render(request, "whatsnew.html", since=since.isoformat(),
                   items=whatsnew_view(store, since=since.isoformat()))


@router.get("/stories/{story_id}")
def story(request: Request, story_id: str, page: PageNumber = 1) -> Response:
    ctx = ctx_of(request)
    per_page = 50  # a story page lists more articles than a listing page: they are one line each

    def compute(store: Store) -> dict[str, Any]:
        view = story_overview(store, story_id, limit=per_page, offset=(page - 1) * per_page,
                              max_days=ctx.config.serve.chart_max_days)
        return {"story": view, "activity_chart": bar_chart_svg(view["activity"], "Articles per day in this story")}

    parts = ctx.cached(("story", story_id, page), compute)
    size = parts["story"]["size"]

    def analysis(store: Store) -> dict[str, Any]:
        articles = subject_articles(store, story_id)  # read once for both parts
        return {"provenance": provenance_view(store, story_id, articles),
                "comparison": compare_view(store, story_id, articles)}

    both = _analysis(ctx, "story-analysis", story_id, size, analysis) or {"provenance": None, "comparison": None}
    return _render(request, "story.html", page=page, analysis_max=ctx.config.serve.analysis_max_articles,
                   **both, **parts)


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str, start: Annotated[int | None, Query(ge=0)] = None,
            end: Annotated[int | None, Query(ge=0)] = None) -> Response:
    view = ctx_of(request).cached(("article", article_id, start, end),
                                  lambda store: article_detail(store, article_id, start, end))
    return _render(request, "article.html", article=view)


@router.get("/search")
def search(request: Request, q: Annotated[str, Query(max_length=500)] = "", page: PageNumber = 1,
           outlet: Annotated[str | None, Query(max_length=300)] = None, since: date | None = None,
           until: date | None = None, story: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    results = None
    if q.strip():
        limit, offset = _offset(request, page)
        results = search_view(ctx_of(request).store(), q, filters_from(since, until, outlet, story), limit=limit,
                              offset=offset)
    return _render(request, "search.html", q=q, results=results, page=page, outlet=outlet or "",
                   since=since.isoformat() if since else "", until=until.isoformat() if until else "",
                   story=story or "")


@router.get("/failures")
def failures(request: Request, page: PageNumber = 1) -> Response:
    limit, offset = _offset(request, page)
    found = failure_page(ctx_of(request).store(), limit=limit, offset=offset)
    return _render(request, "failures.html", page=page,
                   failures=page_view(found, [{**failure_view(f), "recorded_at": at} for f, at in found.items]))


@router.get("/ingest")
def ingest_form(request: Request) -> Response:
    return _render(request, "ingest.html", writes_enabled=bool(ctx_of(request).token), jobs=[])


@router.post("/ingest")
async def ingest_submit(request: Request) -> Response:
    ctx = ctx_of(request)
    async with request.form(max_files=1000) as form:
        token = form.get("token")
        check_token(ctx.token, token if isinstance(token, str) and token else None)
        name, inputs = await read_uploads(request, form.getlist("files"))
        pasted = form.get("jsonl")
        if isinstance(pasted, str) and pasted.strip():
            inputs.extend(read_jsonl_bytes("upload:pasted", pasted.encode("utf-8"), ctx.config.ingest))
            name = ", ".join(n for n in (name, "pasted JSONL") if n)
        listed = form.get("urls")
        urls = [u for u in (listed.split() if isinstance(listed, str) else []) if u]
    if len(urls) > ctx.config.serve.max_urls:
        raise ApiError(413, f"at most {ctx.config.serve.max_urls} URLs per job (serve.max_urls)")
    urls = [check_url(u, ctx.config.fetch) for u in urls]
    if not inputs and not urls:
        raise ApiError(400, "choose files to upload, paste JSONL records or list URLs")
    jobs = []
    if inputs:
        jobs.append(ctx.jobs.submit(name, inputs).view())
    if urls:
        jobs.append(ctx.jobs.submit_urls(f"{len(urls)} URL(s)", urls).view())
    return _render(request, "ingest.html", status_code=202, writes_enabled=True, jobs=jobs)


@router.get("/ingest/jobs/{job_id}")
def ingest_job(request: Request, job_id: str) -> Response:
    job = ctx_of(request).jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"no job {job_id!r}")
    return _render(request, "ingest.html", writes_enabled=bool(ctx_of(request).token), jobs=[job.view()])


@router.get("/favicon.ico")
def favicon() -> Response:
    # browsers ask for /favicon.ico whatever the page links; the icon is an SVG
    return FileResponse(FAVICON, media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/docs")
def api_docs(request: Request) -> Response:
    schema = request.app.openapi()
    endpoints = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                  "params": [p["name"] for p in op.get("parameters", [])], "tags": op.get("tags", [])}
                 for path, ops in schema.get("paths", {}).items() for method, op in ops.items()]
    return _render(request, "docs.html", endpoints=endpoints, openapi_url=request.app.openapi_url)
