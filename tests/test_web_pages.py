"""Web pages' analysis parts and serving: annotated article text, page cache, worker processes, API filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from storyline import Pipeline, Store, StorylineConfig
from storyline.api import create_app
from storyline.api.context import AppContext
from storyline.model import Article, Span
from storyline.views import annotated_paragraphs, subject_actors_view, subject_article_ids


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.cli import demo_corpus_path

    path = tmp_path_factory.mktemp("pages") / "demo.db"
    with Store(path) as store:
        Pipeline(store).run([demo_corpus_path()])
    return path


@pytest.fixture(scope="module")
def client(demo_db: Path):
    with TestClient(create_app(demo_db)) as c:
        yield c


def _largest_story(client) -> str:
    """The dockworkers' strike: the story of the demo's wire copy (Northgate Gazette carries an edited copy)."""
    one = client.get("/api/articles", params={"outlet": "Northgate Gazette", "limit": 1}).json()["items"][0]
    return client.get(f"/api/articles/{one['id']}").json()["article"]["story"]["id"]


def test_annotated_paragraphs_cut_at_every_boundary():
    text = "Mayor Alda Brennick said \"we hold\" today.\n\nSecond paragraph here."
    article = Article(id="a", raw_sha256="x", origin="t", text=text, paragraphs=[Span(0, 41), Span(43, len(text))])
    quote = text.index('"we hold"'), text.index('"we hold"') + len('"we hold"')
    cited = Span(6, quote[1])  # from inside the name to the end of the quote
    paragraphs = annotated_paragraphs(article, cited, [(Span(0, 19), "mention", "Alda Brennick"),
                                                      (Span(*quote), "quote", "Alda Brennick"),
                                                      (Span(500, 600), "mention", "out of range")])
    first = paragraphs[0]
    assert "".join(s["text"] for s in first) == text[:41]
    assert "".join(s["text"] for s in first if s["mark"]) == cited.slice(text)
    assert "".join(s["text"] for s in first if s["mention"]) == "Mayor Alda Brennick"
    assert "".join(s["text"] for s in first if s["quote"]) == '"we hold"'
    assert next(s for s in first if s["mention"] and s["mark"])["text"] == "Alda Brennick"
    assert paragraphs[1] == [{"text": "Second paragraph here.", "mark": False, "quote": None, "mention": None}]


def test_page_cache_follows_the_store(tmp_path, demo_db):
    db = tmp_path / "copy.db"
    db.write_bytes(demo_db.read_bytes())
    ctx = AppContext(db_path=str(db), config=StorylineConfig(), token=None)
    calls = []

    def compute(store):
        calls.append(1)
        return store.count_articles()

    try:
        assert ctx.cached(("n",), compute) == ctx.cached(("n",), compute) and len(calls) == 1
        with pytest.raises(Exception, match=r"readonly|read-only|query_only"):
            ctx.store().db.execute("DELETE FROM failures")  # the server's page connections cannot write
        with Store(db) as writer:  # another connection commits: every entry is stale
            Pipeline(writer).run([_one_article(tmp_path)])
        ctx.cached(("n",), compute)
        assert len(calls) == 2
    finally:
        ctx.close()


def _one_article(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"title": "Ferry timetable changes", "outlet": "Test Wire", "date": "2025-03-20",
                                "text": "The island ferry will run twice a day from Monday, the operator said. "
                                        "Passengers were told to book ahead for the weekend crossings."}) + "\n")
    return path


def test_serve_starts_worker_processes_without_a_token(monkeypatch, tmp_path):
    import socket

    import uvicorn.supervisors
    from typer.testing import CliRunner

    from storyline.api.app import SERVE_ENV, app_from_env
    from storyline.cli import app
    from storyline.store import Store

    calls = []

    class Supervisor:  # records what uvicorn's multiprocess supervisor would be given
        def __init__(self, config, sockets):
            calls.append((config, [(s.proto, s.getsockname()[1]) for s in sockets]))
            for s in sockets:
                s.close()

        def run(self):
            pass

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Supervisor)
    monkeypatch.setenv(SERVE_ENV, "{}")  # the CLI overwrites it; monkeypatch restores it afterwards
    db = tmp_path / "s.db"
    Store(db).close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--port", str(port)])
    assert result.exit_code == 0, result.output
    config, sockets = calls[0]
    assert config.app == "storyline.api.app:app_from_env" and config.factory and config.workers == 2
    assert config.host == "127.0.0.1" and sockets == [(socket.IPPROTO_TCP, port)]  # see tcp_listener
    with TestClient(app_from_env()) as c:  # what each worker process builds
        health = c.get("/api/health").json()
        assert health["ok"] and health["writes_enabled"] is False
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--port", str(port), "--workers", "3",
                                      "--token", "t"])
    assert result.exit_code == 0 and calls[1][0].workers == 3 and "progress" in result.output


def test_worker_connections_get_tcp_nodelay():
    # without it, every keep-alive request after the first waits ~40 ms for the client's delayed ACK
    import asyncio
    import socket

    from storyline.cli.serve import tcp_listener

    # what uvicorn's bind_socket gave --workers N before it was fixed upstream (issue #3149): proto 0
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    bound.bind(("127.0.0.1", 0))
    bound.listen()
    assert bound.proto == 0
    listener = tcp_listener(bound)
    already = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    assert tcp_listener(already) is already  # a listener that reports TCP is kept as it is
    already.close()

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        async with server:
            _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(seen, 10)
            writer.close()
            return value

    assert listener.proto == socket.IPPROTO_TCP and asyncio.run(accepted_nodelay()) == 1


def test_story_and_storyline_pages_show_analysis(client):
    story = _largest_story(client)
    html = client.get(f"/stories/{story}").text
    assert 'class="provenance"' in html and "Continental Wire" in html
    assert "<del>harbour</del> → <ins>harbor</ins>" in html
    line = client.get(f"/api/stories/{story}").json()["story"]["storyline_id"]
    html = client.get(f"/storylines/{line}").text
    assert 'class="actors"' in html


def test_large_subjects_link_to_the_api(demo_db):
    config = StorylineConfig().replace("serve", analysis_max_articles=1)
    with TestClient(create_app(demo_db, config=config)) as c:
        story = _largest_story(c)
        html = c.get(f"/stories/{story}").text
        assert 'class="provenance"' not in html and f"/api/stories/{story}/provenance" in html


def test_subject_views_read_by_id(demo_db):
    with Store(demo_db) as store:
        story = max(store.stories(), key=lambda r: len(r.story.article_ids))
        assert sorted(subject_article_ids(store, story.id)) == sorted(story.story.article_ids)
        view = subject_actors_view(store, story.id, max_actors=3)
        assert len(view["actors"]) <= 3 and view["actors_total"] >= len(view["actors"])
        for pair in view["stances"]:
            for entry in pair["timeline"]:
                for e in entry["evidence"]:
                    assert e["cited_text"] == store.article(e["article_id"]).text[e["start"]:e["end"]]
        with pytest.raises(Exception, match="no story or storyline"):
            subject_article_ids(store, "nope")


def test_api_analysis_pagination_and_filters(client):
    story = _largest_story(client)
    prov = client.get(f"/api/stories/{story}/provenance", params={"limit": 1}).json()["provenance"]
    assert len(prov["passages"]) == 1 and prov["passages_total"] >= 1
    only = client.get(f"/api/stories/{story}/provenance", params={"outlet": "Northgate Gazette"}).json()["provenance"]
    assert only["passages"] and all(any(c["outlet"] == "Northgate Gazette" for c in p["carriers"])
                                    for p in only["passages"])
    none = client.get(f"/api/stories/{story}/provenance", params={"outlet": "No Such Outlet"}).json()["provenance"]
    assert none["passages"] == [] and none["passages_total"] == 0
    actors = client.get(f"/api/stories/{story}/actors", params={"limit": 2}).json()
    assert len(actors["items"]) <= 2 and actors["total"] >= len(actors["items"])
    if actors["items"]:
        name = actors["items"][0]["name"]
        found = client.get(f"/api/stories/{story}/actors", params={"actor": name.lower()}).json()["items"]
        assert any(a["name"] == name for a in found)
    comparison = client.get(f"/api/stories/{story}/compare", params={"limit": 1}).json()["comparison"]
    assert len(comparison["coverage"]["actors"]) <= 1 and "totals" in comparison
    quotes = client.get(f"/api/stories/{story}/quotes", params={"since": "2999-01-01"}).json()
    assert quotes["items"] == [] and quotes["total"] == 0
    assert client.get(f"/api/stories/{story}/quotes", params={"since": "2025-02-01", "until": "2025-01-01"}
                      ).status_code == 422
    stances = client.get(f"/api/stories/{story}/stances", params={"actor": "zzz-nobody"}).json()
    assert stances["items"] == []


def test_article_api_has_annotations(client):
    story = _largest_story(client)
    ids = client.get("/api/articles", params={"story": story, "limit": 50}).json()["items"]
    views = [client.get(f"/api/articles/{a['id']}").json()["article"] for a in ids]
    assert any(v["annotations"]["mentions"] for v in views)
    for v in views:
        marked = [s for p in v["paragraphs"] for s in p if s["mention"]]
        assert len(marked) >= (1 if v["annotations"]["mentions"] else 0)
