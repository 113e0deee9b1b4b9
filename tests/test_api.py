"""HTTP API: error shape, security headers, token-protected writes, body limits, pagination, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")

from fastapi.testclient import TestClient

from storyline import Pipeline, Store, StorylineConfig
from storyline.api import create_app
from storyline.api.charts import bar_chart, bar_chart_svg
from storyline.api.context import safe_url
from storyline.config import IngestConfig
from storyline.ingest import read_records, read_upload
from storyline.model import Article, Span
from storyline.store.queries import ArticleFilter, search_page, story_page
from storyline.views import activity_view, highlighted_paragraphs

TOKEN = "t0ps3cret-token"

EVIL = {
    "title": "<script>window.__xss=1</script>Evil <img src=x onerror=\"window.__xss=2\"> headline",
    "outlet": "<b>Bold</b> Outlet",
    "url": "javascript:window.__xss=4",
    "date": "2025-03-12",
    "text": ("Officials in the harbour town said on Wednesday that the <script>window.__xss=5</script> council "
             "would meet again.\n\nA resident wrote <img src=x onerror=\"window.__xss=6\"> on a sign outside the "
             "hall.\n\nAnother posted <a href=\"javascript:window.__xss=7\">the minutes</a> on a board that went "
             "unread all week.\n\nThe meeting is expected to last for most of the afternoon, council staff said."),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, ) -> Path:
    from storyline.cli import demo_corpus_path

    path = tmp_path_factory.mktemp("api") / "demo.db"
    with Store(path) as store:
        Pipeline(store).run([demo_corpus_path()])
    return path


@pytest.fixture
def client(demo_db: Path, tmp_path: Path):
    db = tmp_path / "copy.db"
    db.write_bytes(demo_db.read_bytes())
    app = create_app(db, token=TOKEN, config=StorylineConfig().replace("serve", max_body_bytes=64 * 1024))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def readonly_client(demo_db: Path):
    with TestClient(create_app(demo_db)) as c:
        yield c


def _assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body


def test_error_shape_is_one_shape(client):
    _assert_error(client.get("/api/stories/s-nope"), 404, "not_found")
    _assert_error(client.get("/api/articles/a-nope"), 404, "not_found")
    _assert_error(client.get("/api/no-such-route"), 404, "not_found")
    _assert_error(client.get("/api/stories", params={"limit": 10_000}), 422, "invalid_request")
    body = _assert_error(client.get("/api/stories", params={"since": "2025-13-40"}), 422, "invalid_request")
    assert body["error"]["details"][0]["location"] == "query.since"
    _assert_error(client.get("/api/stories", params={"since": "2025-03-09", "until": "2025-03-01"}), 422)
    _assert_error(client.delete("/api/stories"), 405, "method_not_allowed")
    _assert_error(client.get("/api/search"), 422)


def test_pages_render_errors_as_html_with_status(client):
    response = client.get("/stories/<img src=x onerror=alert(1)>")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "<img src=x" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text


@pytest.mark.parametrize("path", ["/", "/api/stories", "/static/style.css", "/api/nope", "/search?q=port"])
def test_security_headers_everywhere(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script(client):
    story_id = client.get("/api/stories").json()["items"][0]["id"]
    for path in ("/", f"/stories/{story_id}", "/search?q=strike", "/failures", "/ingest", "/docs"):
        html = client.get(path).text
        assert "<script>" not in html and " on" + "click=" not in html
        assert '<script src="/static/app.js" defer></script>' in html


def test_writes_need_the_token(client):
    record = [{"title": "A title", "text": "Some words about a harbour strike that ended today. " * 3}]
    _assert_error(client.post("/api/ingest/articles", json=record), 401, "unauthorized")
    _assert_error(client.post("/api/ingest/articles", json=record, headers={"Authorization": "Bearer nope"}), 403)
    _assert_error(client.post("/api/ingest/articles", json=record, headers={"X-Storyline-Token": TOKEN + "x"}), 403)
    _assert_error(client.post("/api/ingest/files", files={"files": ("a.txt", b"x" * 200)}), 401)
    _assert_error(client.get("/api/jobs"), 401)
    page = client.post("/ingest", data={"token": "wrong", "jsonl": json.dumps(record[0])})
    assert page.status_code == 403 and "wrong token" in page.text


def test_writes_are_off_without_a_configured_token(readonly_client):
    record = [{"title": "A title", "text": "Some words about a harbour strike that ended today. " * 3}]
    body = _assert_error(readonly_client.post("/api/ingest/articles", json=record,
                                              headers={"Authorization": "Bearer anything"}), 403, "writes_disabled")
    assert "--token" in body["error"]["message"]
    assert "Ingestion is off" in readonly_client.get("/ingest").text


def test_oversized_body_is_refused(client):
    big = b"x" * (65 * 1024)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    _assert_error(client.post("/api/ingest/articles", content=big, headers={**auth, "Content-Type": "text/plain"}),
                  413, "payload_too_large")
    # without Content-Length (chunked), the body is counted as it streams
    _assert_error(client.post("/api/ingest/articles", content=iter([big[:40_000], big[40_000:]]),
                              headers={**auth, "Content-Type": "text/plain"}), 413, "payload_too_large")
    # also before the token is checked: nobody gets to send a huge body
    _assert_error(client.post("/api/ingest/articles", content=big, headers={"Content-Type": "text/plain"}), 413)


def test_ingest_articles_job_then_browse(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = ("Harbour pilots at the Port of Valmora returned to work on Tuesday after the strike ended, and the "
            "first ships were guided to their berths before noon, the port authority said.")
    response = client.post("/api/ingest/articles", headers=auth, json={"articles": [
        {"title": "Pilots back at Valmora", "text": text, "outlet": "Test Wire", "date": "2025-03-11"},
        "not a record"]})
    assert response.status_code == 202
    job_id = response.json()["job"]["id"]
    client.app.state.ctx.jobs.wait(job_id, timeout=60)
    job = client.get(f"/api/jobs/{job_id}").json()["job"]
    assert job["state"] == "done" and job["ingested"] == 1 and job["failed"] == 1
    assert job["failures"][0]["error_type"] == "MalformedRecordError"
    article = client.get(f"/api/articles/{job['article_ids'][0]}").json()["article"]
    assert article["outlet"] == "Test Wire" and article["story"] is not None
    assert any(j["id"] == job_id for j in client.get("/api/jobs", headers=auth).json()["items"])
    _assert_error(client.get("/api/jobs/unknown"), 404)


def test_ingest_uploaded_files(client, demo_dir):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    jsonl = b'{"title": "Uploaded one", "text": "' + b"Uploaded article words about ferries and tides. " * 3 + b'"}\n'
    response = client.post("/api/ingest/files", headers=auth, files=[
        ("files", ("../../etc/feed.jsonl", jsonl, "application/x-ndjson")),
        ("files", ("notes.pdf", b"%PDF-1.4", "application/pdf"))])
    assert response.status_code == 202, response.text
    job_id = response.json()["job"]["id"]
    job = client.app.state.ctx.jobs.wait(job_id, timeout=60).view()
    assert job["ingested"] == 1 and job["failed"] == 1
    origins = {f["origin"] for f in client.get("/api/failures").json()["items"]}
    assert "upload:notes.pdf" in origins
    hit = client.get("/api/search", params={"q": "ferries tides"}).json()["items"][0]
    assert hit["origin"] == "upload:feed.jsonl#L1"  # the client's path is dropped


def test_pagination_and_filters(client):
    first = client.get("/api/stories", params={"limit": 2}).json()
    assert first["ok"] and first["total"] >= 4 and len(first["items"]) == 2 and first["has_more"]
    second = client.get("/api/stories", params={"limit": 2, "offset": 2}).json()
    assert {s["id"] for s in first["items"]}.isdisjoint(s["id"] for s in second["items"])
    seen = [s["last_seen"] for s in client.get("/api/stories").json()["items"]]
    assert seen == sorted(seen, reverse=True)  # ranked by recent activity
    only = client.get("/api/stories", params={"outlet": "Hollin Weekly"}).json()
    assert only["total"] == 1 and "hoard" in only["items"][0]["label"].lower() + " ".join(only["items"][0]["keywords"])
    early = client.get("/api/articles", params={"until": "2025-03-04"}).json()
    assert early["total"] >= 2 and all(a["date"][:10] <= "2025-03-04" for a in early["items"])
    ranged = client.get("/api/articles", params={"since": "2025-03-06", "until": "2025-03-06", "limit": 50}).json()
    assert ranged["items"] and {a["date"][:10] for a in ranged["items"]} == {"2025-03-06"}
    outlets = client.get("/api/outlets").json()["items"]
    assert {"outlet", "articles"} <= set(outlets[0])
    activity = client.get("/api/activity").json()["items"]
    assert sum(p["count"] for p in activity) >= 15 and activity[0]["day"] <= activity[-1]["day"]


def test_story_citations_resolve_to_their_sentences(client):
    story_id = max(client.get("/api/stories").json()["items"], key=lambda s: s["size"])["id"]
    story = client.get(f"/api/stories/{story_id}").json()["story"]
    assert story["summary"] and story["outlets"] and story["activity"]
    for sentence in story["summary"]:
        for c in sentence["citations"]:
            article = client.get(f"/api/articles/{c['article_id']}",
                                 params={"start": c["start"], "end": c["end"]}).json()["article"]
            assert article["highlight"]["text"] == sentence["text"]
            marked = "".join(seg["text"] for p in article["paragraphs"] for seg in p if seg["mark"])
            assert marked == sentence["text"]
    bad = client.get(f"/api/articles/{story['articles']['items'][0]['id']}", params={"start": 5, "end": 10**9})
    assert bad.json()["article"]["highlight"] is None


@pytest.mark.parametrize("query", ['"', 'port" OR "x', "NEAR(port strike)", "*", "port AND", "col:umn", "'; DROP"])
def test_search_takes_any_text(client, query):
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 200 and response.json()["ok"]


def test_search_filters_and_snippets(client):
    body = client.get("/api/search", params={"q": "levee"}).json()
    assert body["total"] >= 1 and any(p["hit"] for p in body["items"][0]["snippet_parts"])
    none = client.get("/api/search", params={"q": "levee", "outlet": "Sportline Corvania"}).json()
    assert none["total"] == 0


def test_hostile_article_is_escaped(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    job_id = client.post("/api/ingest/articles", headers=auth, json=[EVIL]).json()["job"]["id"]
    job = client.app.state.ctx.jobs.wait(job_id, timeout=60).view()
    assert job["ingested"] == 1, job
    html = client.get(f"/articles/{job['article_ids'][0]}").text
    assert "<script>window" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html and "&lt;b&gt;Bold&lt;/b&gt; Outlet" in html
    assert 'href="javascript:' not in html
    search = client.get("/search", params={"q": "harbour council"}).text
    assert "<script>window" not in search and "<img src=x" not in search


def test_openapi_and_docs(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/search", "/api/failures",
                 "/api/ingest/files", "/api/ingest/articles", "/api/jobs/{job_id}"):
        assert path in schema["paths"]
    assert "multipart/form-data" in schema["paths"]["/api/ingest/files"]["post"]["requestBody"]["content"]
    assert "/api/search" in client.get("/docs").text


def test_web_pages_render(client):
    story_id = client.get("/api/stories").json()["items"][0]["id"]
    home = client.get("/")
    assert home.status_code == 200 and f"/stories/{story_id}" in home.text and "<svg" in home.text
    page = client.get(f"/stories/{story_id}").text
    assert 'class="cite"' in page and "Outlets side by side" in page
    assert "No failures" not in client.get("/failures").text  # the demo has one broken file
    assert client.get("/search", params={"q": "flood"}).text.count('class="result"') >= 1
    assert client.get("/", params={"page": 0}).status_code == 422


def test_safe_url():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example/x", "/local",
                "vbscript:x", "http://", None, ""):
        assert safe_url(bad) is None


def test_highlighted_paragraphs_and_activity():
    text = "First para one. Two.\n\nSecond para here."
    article = Article("a-1", "sha", "o", text, paragraphs=[Span(0, 20), Span(22, 39)])
    paras = highlighted_paragraphs(article, Span(16, 30))
    assert [s["text"] for s in paras[0] if s["mark"]] == ["Two."] and [s["text"] for s in paras[1] if s["mark"]] == [
        "Second p"]
    assert "".join(s["text"] for p in paras for s in p) == text.replace("\n\n", "")
    series = activity_view([("2025-03-01", 2), ("2025-03-04", 1)], max_days=366)
    assert [p["count"] for p in series] == [2, 0, 0, 1]
    assert len(activity_view([("2024-01-01", 1), ("2025-03-04", 1)], max_days=10)) == 10
    chart = bar_chart(series, width=100, height=50, pad=5)
    assert len(chart["bars"]) == 4 and chart["bars"][0]["h"] == 40 and chart["bars"][1]["h"] == 0
    assert bar_chart([])["bars"] == []
    svg = bar_chart_svg(series, "<b>per day</b>")
    assert svg.count("<rect ") == 4 and "&lt;b&gt;per day&lt;/b&gt;" in svg and "<b>" not in svg


def test_upload_readers():
    docs = list(read_upload("C:\\Users\\x\\page.html", b"<html><body><p>hi</p></body></html>"))
    assert docs[0].origin == "upload:page.html" and docs[0].content_type == "text/html"
    assert next(iter(read_upload("x.exe", b"MZ"))).error_type == "UnsupportedFormatError"
    lines = list(read_upload("f.jsonl", b'{"text": "a"}\n\n{"text": "b"}\n'))
    assert [d.origin for d in lines] == ["upload:f.jsonl#L1", "upload:f.jsonl#L3"]
    import gzip

    page = b"<html><body><p>hi</p></body></html>"
    zipped = list(read_upload("page.html.gz", gzip.compress(page)))
    assert zipped[0].content == page and zipped[0].content_type == "text/html"  # the same article as the page
    assert [d.origin for d in read_upload("f.jsonl.gz", gzip.compress(b'{"text": "a"}\n{"text": "b"}\n'))] == \
        ["upload:f.jsonl.gz#L1", "upload:f.jsonl.gz#L2"]
    assert next(iter(read_upload("p.html.gz", gzip.compress(page)[:-12]))).error_type == "DecodeError"
    bomb = gzip.compress(b" " * 5000)
    assert next(iter(read_upload("b.html.gz", bomb, IngestConfig(max_bytes=4000)))).error_type == "TooLargeError"
    records = list(read_records("api", [{"text": "a"}, 3]))
    assert records[0].content_type == "application/x-jsonl-record" and records[1].error_type == "MalformedRecordError"


def test_store_queries_page_and_cap(demo_db):
    with Store(demo_db) as store:
        page = story_page(store, limit=2, offset=0)
        assert page.total >= 4 and len(page.items) == 2
        assert story_page(store, ArticleFilter(since="2099-01-01")).total == 0
        found = search_page(store, "the", limit=3, max_total=5)
        assert len(found.items) == 3 and found.total == 5


def test_serve_command_binds_loopback_by_default(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.store import Store

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: calls.append(kw))
    Store(tmp_path / "s.db").close()
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "s.db"), "--port", "8123", "--token", "t"])
    assert result.exit_code == 0, result.output
    # with a token: one process, so ingestion jobs and their progress live in the one app
    assert calls == [{"host": "127.0.0.1", "port": 8123, "log_level": "warning", "server_header": False,
                      "timeout_keep_alive": 30}]


def test_demo_offers_to_serve(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "d.db")])
    assert result.exit_code == 0 and f"storyline serve --db {tmp_path / 'd.db'}" in result.output


def test_unexpected_errors_keep_the_shape(demo_db, monkeypatch):
    from storyline.api import routes_api

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes_api, "story_page", boom)
    with TestClient(create_app(demo_db), raise_server_exceptions=False) as c:
        body = _assert_error(c.get("/api/stories"), 500, "internal_error")
        assert "secret internals" not in body["error"]["message"]


def test_web_pager_links(demo_db):
    config = StorylineConfig().replace("serve", page_size=2)
    with TestClient(create_app(demo_db, config=config)) as c:
        first = c.get("/").text
        assert first.count('class="story-link"') == 2 and first.count('class="storyline-link"') == 2
        assert 'href="/?page=2"' in first and 'rel="prev"' not in first
        second = c.get("/", params={"page": 2}).text
        assert 'href="/?page=1"' in second and 'href="/?page=3"' in second


def test_article_days_follow_the_articles(demo_db):
    from storyline.store.queries import articles_per_day

    with Store(demo_db) as store:
        counted = [(r[0], r[1]) for r in store.db.execute(
            "SELECT day, count(*) FROM articles WHERE day IS NOT NULL GROUP BY day ORDER BY day")]
        assert articles_per_day(store) == counted and sum(n for _, n in counted) >= 15
        assert articles_per_day(store, ArticleFilter(since="2025-03-06", until="2025-03-07")) == [
            (d, n) for d, n in counted if "2025-03-06" <= d <= "2025-03-07"]


def test_search_drops_stop_words_and_bounds_ranking(demo_db):
    with Store(demo_db) as store:
        plain = [a.id for a, _ in search_page(store, "levee").items]
        assert plain and [a.id for a, _ in search_page(store, "the levee").items] == plain
        assert search_page(store, "the").total > 0  # a query of stop words only still searches them
        ranked = search_page(store, "said", limit=50)
        window = search_page(store, "said", limit=50, rank_window=3)
        assert len(window.items) == 3 and window.total == ranked.total
        newest = {r[0] for r in store.db.execute(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH '\"said\"' ORDER BY articles_fts.rowid DESC LIMIT 3")}
        assert {a.id for a, _ in window.items} == newest


def test_article_headers_cut_the_lede_in_sql(demo_db):
    from storyline.store.queries import article_headers

    with Store(demo_db) as store:
        headers = article_headers(store, limit=100).items
        articles = {a.id: a for a in store.articles()}
        assert len(headers) == len(articles)
        for h in headers:
            a = articles[h.id]
            assert h.lede == (a.sentences[0].slice(a.text) if a.sentences else a.text[:300])
            assert (h.title, h.outlet, h.date) == (a.title, a.outlet, a.date.value if a.date else None)


def test_url_ingestion_is_guarded(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    _assert_error(client.post("/api/ingest/urls", json={"urls": ["http://127.0.0.1:8000/"]}), 401)
    body = _assert_error(client.post("/api/ingest/urls", headers=auth, json={"urls": ["http://127.0.0.1:8000/x"]}),
                         400, "blocked_address")
    assert "127.0.0.1" in body["error"]["message"]
    for url in ("http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"):
        _assert_error(client.post("/api/ingest/urls", headers=auth, json={"urls": [url]}), 400, "blocked_address")
    _assert_error(client.post("/api/ingest/urls", headers=auth, json={"urls": ["file:///etc/passwd"]}), 422)
    # a host name is resolved and refused by the fetcher's guard when the job runs
    response = client.post("/api/ingest/urls", headers=auth, json={"urls": ["http://localhost:9/feed"]})
    assert response.status_code == 202
    job = client.app.state.ctx.jobs.wait(response.json()["job"]["id"], timeout=60).view()
    assert job["state"] == "done" and job["ingested"] == 0
    assert job["failures"][0]["error_type"] == "BlockedAddressError" and "refused" in job["failures"][0]["message"]
    page = client.post("/ingest", data={"token": TOKEN, "urls": "http://127.0.0.1/"})
    assert page.status_code == 400 and "refused" in page.text


def test_storylines_and_whatsnew(client):
    lines = client.get("/api/storylines").json()
    assert lines["ok"] and lines["total"] >= 3
    assert [s["last_seen"] for s in lines["items"]] == sorted((s["last_seen"] for s in lines["items"]), reverse=True)
    line = client.get(f"/api/storylines/{lines['items'][0]['id']}").json()["storyline"]
    assert line["story_list"] and line["activity"] and sum(s["size"] for s in line["story_list"]) == line["articles"]
    _assert_error(client.get("/api/storylines/l-nope"), 404)
    story_id = line["story_list"][0]["id"]
    assert client.get(f"/api/stories/{story_id}").json()["story"]["storyline_id"] == line["id"]
    page = client.get(f"/storylines/{line['id']}").text
    assert f'href="/stories/{story_id}"' in page
    home = client.get("/").text
    assert f'href="/storylines/{line["id"]}"' in home and 'href="/whatsnew"' in home
    new = client.get("/api/whatsnew", params={"since": "2025-03-09"}).json()["items"]
    assert new and all(a["date"] >= "2025-03-09" for entry in new for a in entry["articles"])
    assert "What's new" in client.get("/whatsnew").text
    _assert_error(client.get("/api/whatsnew"), 422)


def test_timelines(client):
    story_id = max(client.get("/api/stories").json()["items"], key=lambda s: s["size"])["id"]
    report = client.get(f"/api/report/{story_id}").json()["report"]
    assert report["kind"] == "story" and report["timeline"]
    for entry in report["timeline"]:
        for sentence in entry["sentences"]:
            assert all(c["cited_text"] == sentence["text"] for c in sentence["citations"])
    page = client.get(f"/timeline/{story_id}").text
    assert page.count('class="timeline-entry"') == len(report["timeline"]) and 'class="cite"' in page
    assert f'href="/timeline/{story_id}"' in client.get(f"/stories/{story_id}").text
    line_id = client.get("/api/storylines").json()["items"][0]["id"]
    assert client.get(f"/timeline/{line_id}").status_code == 200
    _assert_error(client.get("/api/report/nope"), 404)


def test_actor_and_comparison_endpoints(client):
    story_id = max(client.get("/api/stories").json()["items"], key=lambda s: s["size"])["id"]
    for part in ("actors", "quotes", "stances", "compare", "provenance"):
        response = client.get(f"/api/stories/{story_id}/{part}")
        assert response.status_code == 200 and response.json()["ok"], (part, response.text[:300])
    assert client.get(f"/api/stories/{story_id}/actors").json()["items"]
