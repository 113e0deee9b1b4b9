"""The JSON API under ``/api``: thin routes over views, store queries and the job runner.

Listings return ``{"ok": true, "items": [...], "total", "limit", "offset", "has_more"}``; a single
record comes as ``{"ok": true, "<kind>": {...}}``; every error has the one shape of ``api.errors``.
Write endpoints (ingestion) need the server's token.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile as StarletteUploadFile

from storyline.api.context import ctx_of, filters_from, paging
from storyline.api.errors import ApiError
from storyline.api.security import check_token, check_url, presented_token
from storyline.ingest import read_jsonl_bytes, read_records, read_upload
from storyline.store.queries import (
    article_page,
    articles_per_day,
    failure_page,
    outlet_counts,
    story_page,
    storyline_page,
)
from storyline.views import (
    activity_view,
    actors_view,
    article_detail,
    article_meta,
    article_view,
    compare_view,
    failure_view,
    page_view,
    provenance_view,
    quotes_view,
    stances_view,
    story_listing_view,
    story_overview,
    storyline_listing_view,
    storyline_overview,
    subject_article_ids,
    subject_report,
    whatsnew_view,
)
from storyline.views.search import search_view

__all__ = ["router"]

router = APIRouter(prefix="/api")

Limit = Annotated[int | None, Query(ge=1, description="Items per page (default serve.page_size).")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Since = Annotated[date | None, Query(description="Only from this day on (YYYY-MM-DD, inclusive).")]
Until = Annotated[date | None, Query(description="Only up to this day (YYYY-MM-DD, inclusive).")]
Outlet = Annotated[str | None, Query(max_length=300, description="Only this outlet (exact name).")]
Story = Annotated[str | None, Query(max_length=100, description="Only articles of this story.")]


def _ok(**body: Any) -> dict[str, Any]:
    return {"ok": True, **body}


@router.get("/health", tags=["meta"], summary="Server and store status")
def health(request: Request) -> dict[str, Any]:
    store = ctx_of(request).store()
    return _ok(articles=store.count_articles(), schema_version=store.schema_version(),
               writes_enabled=bool(ctx_of(request).token))


@router.get("/stories", tags=["stories"], summary="Stories ranked by recent activity")
def stories(request: Request, limit: Limit = None, offset: Offset = 0, since: Since = None, until: Until = None,
            outlet: Outlet = None) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    page = story_page(ctx_of(request).store(), filters_from(since, until, outlet), limit=limit, offset=offset)
    return _ok(**page_view(page, [story_listing_view(s) for s in page.items]))


@router.get("/stories/{story_id}", tags=["stories"], summary="A story: cited summary, articles, outlets, activity")
def story(request: Request, story_id: str, limit: Limit = None, offset: Offset = 0) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    serve = ctx_of(request).config.serve
    return _ok(story=story_overview(ctx_of(request).store(), story_id, limit=limit, offset=offset,
                                    max_days=serve.chart_max_days))


@router.get("/storylines", tags=["storylines"], summary="Storylines ranked by recent activity")
def storylines(request: Request, limit: Limit = None, offset: Offset = 0) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    page = storyline_page(ctx_of(request).store(), limit=limit, offset=offset)
    return _ok(**page_view(page, [storyline_listing_view(s) for s in page.items]))


@router.get("/storylines/{storyline_id}", tags=["storylines"], summary="A storyline: stories, history, activity")
def storyline(request: Request, storyline_id: str) -> dict[str, Any]:
    return _ok(storyline=storyline_overview(ctx_of(request).store(), storyline_id,
                                            max_days=ctx_of(request).config.serve.chart_max_days))


@router.get("/whatsnew", tags=["storylines"], summary="Per storyline, stories and articles new since a day")
def whatsnew(request: Request, since: Annotated[date, Query(description="Published on or after this day.")]
             ) -> dict[str, Any]:
    return _ok(since=since.isoformat(), items=whatsnew_view(ctx_of(request).store(), since=since.isoformat()))


@router.get("/report/{subject_id}", tags=["storylines"],
            summary="Cited summary, dated timeline and sources of a story or storyline")
def report(request: Request, subject_id: str) -> dict[str, Any]:
    ctx = ctx_of(request)
    return _ok(report=subject_report(ctx.store(), subject_id, ctx.config))


Actor = Annotated[str | None, Query(max_length=300, description="Only this actor (name or alias, case-insensitive).")]


def _listing(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """One page of a computed list, in the listing shape."""
    return _ok(items=items[offset:offset + limit], total=len(items), limit=limit, offset=offset,
               has_more=offset + limit < len(items))


def _names_match(actor: str | None, *names: str | None) -> bool:
    wanted = (actor or "").strip().lower()
    return not wanted or any(wanted in (n or "").lower() for n in names)


def _in_dates(day: str | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    return day is not None and (since is None or day[:10] >= since.isoformat()) and (
        until is None or day[:10] <= until.isoformat())


@router.get("/stories/{subject_id}/actors", tags=["actors"], summary="Actors of a story or storyline")
def actors(request: Request, subject_id: str, limit: Limit = None, offset: Offset = 0, actor: Actor = None
           ) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    ctx = ctx_of(request)
    found = ctx.cached(("api-actors", subject_id), lambda store: actors_view(store, subject_id))
    return _listing([a for a in found if _names_match(actor, a["name"], *a["aliases"])], limit, offset)


@router.get("/stories/{subject_id}/quotes", tags=["actors"], summary="Who said what, cited in every carrier")
def quotes(request: Request, subject_id: str, speaker: Annotated[str | None, Query(max_length=300)] = None,
           limit: Limit = None, offset: Offset = 0, outlet: Outlet = None, since: Since = None, until: Until = None
           ) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    filters_from(since, until)  # validates the range
    ctx = ctx_of(request)
    found = ctx.cached(("api-quotes", subject_id, speaker),
                       lambda store: quotes_view(store, subject_id, speaker, ctx.config.nlp))
    if outlet or since or until:
        dates = ctx.cached(("api-days", subject_id), lambda store: _article_days(store, subject_id))
        found = [q for q in found if any((not outlet or c["outlet"] == outlet)
                                         and _in_dates(dates.get(c["article_id"]), since, until)
                                         for c in q["citations"])]
    return _listing(found, limit, offset)


def _article_days(store: Any, subject_id: str) -> dict[str, str | None]:
    ids = subject_article_ids(store, subject_id)
    return {i: day for i, (_, day) in article_meta(store, ids).items()}


@router.get("/stories/{subject_id}/stances", tags=["actors"], summary="How pairs of actors relate over time")
def stances(request: Request, subject_id: str, limit: Limit = None, offset: Offset = 0, actor: Actor = None,
            since: Since = None, until: Until = None) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    filters_from(since, until)
    ctx = ctx_of(request)
    found = ctx.cached(("api-stances", subject_id), lambda store: stances_view(store, subject_id, ctx.config.nlp))
    pairs = []
    for pair in found:
        if not _names_match(actor, *pair["actors"]):
            continue
        dated = [a for a in pair["articles"] if _in_dates(a["date"], since, until)]
        if dated:
            pairs.append({**pair, "articles": dated})
    return _listing(pairs, limit, offset)


@router.get("/stories/{story_id}/compare", tags=["actors"],
            summary="Outlets compared: coverage, what only one reports, naming, discrepancies")
def compare(request: Request, story_id: str, limit: Limit = None, offset: Offset = 0, outlet: Outlet = None,
            actor: Actor = None) -> dict[str, Any]:
    """``limit``/``offset`` page the discrepancies and the coverage rows; ``outlet`` keeps what that outlet
    reports; ``actor`` keeps that actor's coverage and naming and the discrepancies that name it."""
    limit, offset = paging(request, limit, offset)
    view = dict(ctx_of(request).cached(("compare", story_id), lambda store: compare_view(store, story_id)))
    coverage = dict(view["coverage"])
    rows = [a for a in coverage["actors"] if _names_match(actor, a["name"])
            and (not outlet or outlet in a["outlets"])]
    discrepancies = [d for d in view["discrepancies"] if _names_match(actor, d["claim"])
                     and (not outlet or any(v["outlet"] == outlet for v in d["values"]))]
    if outlet:
        coverage["quotes"] = [q for q in coverage["quotes"] if outlet in q["outlets"]]
        coverage["claims"] = [c for c in coverage["claims"] if outlet in c["outlets"]]
        view["exclusive"] = {k: v for k, v in view["exclusive"].items() if k == outlet}
    coverage["actors"] = rows[offset:offset + limit]
    view.update(coverage=coverage, discrepancies=discrepancies[offset:offset + limit],
                naming=[n for n in view["naming"] if _names_match(actor, n["name"])],
                totals={"actors": len(rows), "discrepancies": len(discrepancies)}, limit=limit, offset=offset)
    return _ok(comparison=view)


@router.get("/stories/{story_id}/provenance", tags=["provenance"],
            summary="Wire provenance: related article pairs and shared passages with their likely origin")
def provenance(request: Request, story_id: str, limit: Limit = None, offset: Offset = 0, outlet: Outlet = None
               ) -> dict[str, Any]:
    """``limit``/``offset`` page the shared passages; ``outlet`` keeps the passages that outlet carries."""
    limit, offset = paging(request, limit, offset)
    view = dict(ctx_of(request).cached(("provenance", story_id), lambda store: provenance_view(store, story_id)))
    passages = [p for p in view["passages"] if not outlet or any(c["outlet"] == outlet for c in p["carriers"])]
    view.update(passages=passages[offset:offset + limit], passages_total=len(passages), limit=limit, offset=offset)
    return _ok(provenance=view)


@router.get("/articles", tags=["articles"], summary="Articles, newest first")
def articles(request: Request, limit: Limit = None, offset: Offset = 0, since: Since = None, until: Until = None,
             outlet: Outlet = None, story: Story = None) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    page = article_page(ctx_of(request).store(), filters_from(since, until, outlet, story), limit=limit,
                        offset=offset)
    return _ok(**page_view(page, [article_view(a) for a in page.items]))


@router.get("/articles/{article_id}", tags=["articles"], summary="An article: text, metadata, story")
def article(request: Request, article_id: str, start: Annotated[int | None, Query(ge=0)] = None,
            end: Annotated[int | None, Query(ge=0)] = None) -> dict[str, Any]:
    return _ok(article=article_detail(ctx_of(request).store(), article_id, start, end))


@router.get("/search", tags=["search"], summary="Full-text search (all words must occur; an actor's name also "
            "finds its other names; BM25 ranking)")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=500)], limit: Limit = None,
           offset: Offset = 0, since: Since = None, until: Until = None, outlet: Outlet = None,
           story: Story = None) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    return _ok(query=q, **search_view(ctx_of(request).store(), q, filters_from(since, until, outlet, story),
                                      limit=limit, offset=offset))


@router.get("/activity", tags=["stories"], summary="Articles per day (gap-free), optionally filtered")
def activity(request: Request, since: Since = None, until: Until = None, outlet: Outlet = None,
             story: Story = None) -> dict[str, Any]:
    counts = articles_per_day(ctx_of(request).store(), filters_from(since, until, outlet, story))
    return _ok(items=activity_view(counts, ctx_of(request).config.serve.chart_max_days))


@router.get("/outlets", tags=["articles"], summary="Outlets with their number of articles")
def outlets(request: Request, since: Since = None, until: Until = None, story: Story = None) -> dict[str, Any]:
    counts = outlet_counts(ctx_of(request).store(), filters_from(since, until, None, story))
    return _ok(items=[{"outlet": name, "articles": n} for name, n in counts])


@router.get("/failures", tags=["failures"], summary="Inputs that could not be ingested, newest first")
def failures(request: Request, limit: Limit = None, offset: Offset = 0) -> dict[str, Any]:
    limit, offset = paging(request, limit, offset)
    page = failure_page(ctx_of(request).store(), limit=limit, offset=offset)
    return _ok(**page_view(page, [{**failure_view(f), "recorded_at": at} for f, at in page.items]))


def _authorize(request: Request) -> None:
    check_token(ctx_of(request).token, presented_token(request.headers))


_FILES_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


async def read_uploads(request: Request, form_files: list[Any]) -> tuple[str, list[Any]]:
    """Read uploaded files into RawDocuments/Failures; returns a job name and the inputs."""
    ingest_config = ctx_of(request).config.ingest
    inputs: list[Any] = []
    names = []
    for upload in form_files:
        if isinstance(upload, StarletteUploadFile):
            names.append(upload.filename or "unnamed")
            inputs.extend(read_upload(upload.filename or "unnamed", await upload.read(), ingest_config))
    return ", ".join(names)[:200], inputs


@router.post("/ingest/files", tags=["ingest"], status_code=202, openapi_extra=_FILES_BODY,
             summary="Ingest uploaded files (.txt, .html, .jsonl) in a background job [token]")
async def ingest_files(request: Request) -> dict[str, Any]:
    _authorize(request)  # before the body is parsed: no work for a caller without the token
    async with request.form(max_files=1000) as form:
        name, inputs = await read_uploads(request, form.getlist("files"))
    if not inputs:
        raise ApiError(400, "no files in the form field 'files'")
    return _ok(job=ctx_of(request).jobs.submit(name, inputs).view())


@router.post("/ingest/articles", tags=["ingest"], status_code=202,
             summary="Ingest article records (JSON list or {\"articles\": [...]}, or JSONL) in a job [token]")
async def ingest_articles(request: Request) -> dict[str, Any]:
    _authorize(request)
    ctx = ctx_of(request)
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(400, f"body is not valid JSON: {exc}") from None
        records = data.get("articles") if isinstance(data, dict) else data
        if not isinstance(records, list):
            raise ApiError(400, 'send a JSON list of article records, or {"articles": [...]}')
        inputs: list[Any] = list(read_records("api:articles", records, ctx.config.ingest))
    elif kind in ("application/x-ndjson", "application/jsonl", "text/plain", "application/x-jsonl"):
        inputs = list(read_jsonl_bytes("api:jsonl", body, ctx.config.ingest))
    else:
        raise ApiError(415, "send application/json (article records) or application/x-ndjson (JSONL)")
    if not inputs:
        raise ApiError(400, "no article records in the body")
    return _ok(job=ctx.jobs.submit("articles", inputs).view())


@router.post("/ingest/urls", tags=["ingest"], status_code=202,
             summary="Fetch and ingest URLs (pages or RSS/Atom feeds) in a background job, SSRF-guarded [token]")
async def ingest_urls(request: Request) -> dict[str, Any]:
    _authorize(request)
    ctx = ctx_of(request)
    try:
        data = json.loads(await request.body())
    except ValueError as exc:
        raise ApiError(400, f"body is not valid JSON: {exc}") from None
    urls = data.get("urls") if isinstance(data, dict) else data
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise ApiError(400, 'send {"urls": ["https://...", ...]}')
    if len(urls) > ctx.config.serve.max_urls:
        raise ApiError(413, f"at most {ctx.config.serve.max_urls} URLs per job (serve.max_urls)")
    checked = [check_url(u, ctx.config.fetch) for u in urls]
    return _ok(job=ctx.jobs.submit_urls(f"{len(checked)} URL(s)", checked).view())


@router.get("/jobs", tags=["ingest"], summary="Ingestion jobs, newest first [token]")
def jobs(request: Request) -> dict[str, Any]:
    _authorize(request)
    return _ok(items=[job.view() for job in ctx_of(request).jobs.jobs()])


@router.get("/jobs/{job_id}", tags=["ingest"], summary="One ingestion job's progress (the id is the capability)")
def job(request: Request, job_id: str) -> JSONResponse:
    found = ctx_of(request).jobs.get(job_id)
    if found is None:
        raise ApiError(404, f"no job {job_id!r} (finished jobs are forgotten after serve.max_jobs newer ones)")
    return JSONResponse(_ok(job=found.view()), headers={"Cache-Control": "no-store"})
